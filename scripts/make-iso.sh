#!/bin/sh
# make-iso.sh OUT.iso KERNEL.elf GRUB.cfg [FILE...]
# Builds a hybrid GRUB image that boots from CD and from a raw disk (a USB
# stick), on BIOS and on UEFI.  Extra FILEs are copied to /boot/ beside the
# kernel (guest kernels, initramfs, test guests).
set -eu
if [ $# -lt 3 ]; then
	echo "usage: $0 OUT.iso KERNEL.elf GRUB.cfg [FILE...]" >&2
	exit 2
fi
out=$1 kernel=$2 cfg=$3
shift 3
for tool in grub-mkrescue xorriso mformat; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "error: $tool is missing; run 'make deps' (as root) or install grub-common, grub-pc-bin, grub-efi-amd64-bin, xorriso and mtools" >&2
		exit 1
	fi
done
for platform in i386-pc x86_64-efi; do
	if [ ! -d "/usr/lib/grub/$platform" ]; then
		echo "error: GRUB's $platform modules are missing; install grub-pc-bin and grub-efi-amd64-bin ('make deps' as root)" >&2
		exit 1
	fi
done

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/boot/grub"
cp "$kernel" "$staging/boot/veneer.elf"
cp "$cfg" "$staging/boot/grub/grub.cfg"
for f in "$@"; do
	cp "$f" "$staging/boot/"
done
mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out.tmp" "$staging" >"$staging.log" 2>&1; then
	cat "$staging.log" >&2
	rm -f "$staging.log" "$out.tmp"
	echo "error: grub-mkrescue failed" >&2
	exit 1
fi
rm -f "$staging.log"
mv "$out.tmp" "$out"
