#!/bin/sh
# fetch-foreign.sh OUTDIR
# Fetches the foreign kernels of the transparency scenarios (issue 8,
# tests/scenarios/foreign-*.scn) from Debian's archive with apt-get
# download and unpacks them with dpkg-deb -x: nothing is installed on this
# machine.  OUTDIR gets one file per kernel, named as the scenarios use it:
#
#   xen-4.17-amd64.gz     Xen hypervisor (Multiboot2, ELF32, relocatable)   xen-hypervisor-4.17-amd64
#   tboot.gz              Intel TXT boot loader (Multiboot2 and Multiboot)  tboot
#   gnumach.gz            GNU Mach (Multiboot, an ELF64 file)               gnumach-image-1.8-486
#   invaders.exec         grub-invaders (Multiboot a.out kludge)            grub-invaders
#   ipxe.lkrn             iPXE (Linux boot protocol 2.07)                   ipxe
#   memdisk               syslinux memdisk (Linux boot protocol 2.03)       syslinux-common
#   memtest86+x64.bin     memtest86+ 6.10 (boot protocol 2.12)              memtest86+
#   vmlinuz-generic       Debian's generic kernel (bzImage, XZ)             linux-image-amd64's package
#   VERSION               "package version" of each, one a line
#
# The .gz files stay compressed: GRUB unpacks a gzip file it loads with
# 'multiboot', 'multiboot2', 'module' or 'module2' (unless --nounzip), so
# the kernel, and veneer's guest module, arrive unpacked.
# Debian 12 (amd64) has no gnumach-image-*-amd64; its gnumach-image-1.8-486
# is an ELF64 file (x86-64 machine type) whose segments' physical addresses
# differ from their virtual ones, which is what the ELF64 case needs.
#
# Nothing is downloaded when OUTDIR/VERSION already names the versions apt
# would pick now, or when apt knows none of them and OUTDIR is complete.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
die() {
	echo "error: fetch-foreign: $*" >&2
	exit 1
}
for tool in apt-cache apt-get dpkg-deb; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: this script needs Debian's apt and dpkg"
done

GENERIC_META=linux-image-amd64
FILES="xen-4.17-amd64.gz tboot.gz gnumach.gz invaders.exec ipxe.lkrn memdisk memtest86+x64.bin vmlinuz-generic"

generic_package() {
	apt-cache depends --no-recommends --no-suggests "$GENERIC_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}
candidate() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true
}
complete_set() {
	for f in $FILES VERSION; do
		[ -s "$out/$f" ] || return 1
	done
}

resolve() {
	versions=
	generic=$(generic_package)
	[ -n "$generic" ] || return 0
	for pkg in xen-hypervisor-4.17-amd64 tboot gnumach-image-1.8-486 grub-invaders ipxe syslinux-common \
		memtest86+ "$generic"; do
		v=$(candidate "$pkg")
		if [ -z "$v" ]; then
			versions=
			return 0
		fi
		versions="$versions$pkg $v
"
	done
}

resolve
if [ -z "$versions" ]; then
	if complete_set; then
		echo "fetch-foreign: apt cannot resolve the packages; keeping what $out holds" >&2
		exit 0
	fi
	[ "$(id -u)" -eq 0 ] || die "apt does not know the packages; run 'apt-get update' as root, then try again"
	apt-get update -q >&2 || die "apt-get update failed"
	resolve
	[ -n "$versions" ] || die "apt knows not all of the packages: /etc/apt/sources.list needs Debian 12 (bookworm) main"
fi
if complete_set && [ "$(cat "$out/VERSION")" = "$(printf '%s' "$versions")" ]; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
	chown _apt "$work"
fi
specs=$(printf '%s' "$versions" | awk '{ printf "%s=%s ", $1, $2 }')
echo "fetch-foreign: downloading $specs" >&2
# shellcheck disable=SC2086 # one word per package
(cd "$work" && apt-get download -q $specs) >&2 || die "apt-get download failed (see above)"
mkdir "$work/x"
for deb in "$work"/*.deb; do
	dpkg-deb -x "$deb" "$work/x"
done

x=$work/x
release=${generic#linux-image-}
mkdir -p "$out"
rm -f "$out/VERSION"
put() {
	[ -f "$1" ] || die "the packages hold no $1"
	cp "$1" "$out/$2.tmp" && mv "$out/$2.tmp" "$out/$2"
}
put "$x/boot/xen-4.17-amd64.gz" xen-4.17-amd64.gz
put "$x/boot/tboot.gz" tboot.gz
put "$x/boot/gnumach-1.8-486.gz" gnumach.gz
put "$x/boot/invaders.exec" invaders.exec
put "$x/boot/ipxe.lkrn" ipxe.lkrn
put "$x/usr/lib/syslinux/memdisk" memdisk
put "$x/boot/memtest86+x64.bin" memtest86+x64.bin
put "$x/boot/vmlinuz-$release" vmlinuz-generic
printf '%s' "$versions" >"$out/VERSION.tmp" && mv "$out/VERSION.tmp" "$out/VERSION"
echo "fetch-foreign: $out holds $(echo $FILES)" >&2
