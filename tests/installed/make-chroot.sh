#!/bin/sh
# make-chroot.sh DIR
# Unpacks into DIR (emptied first) a small installed Debian 12: debootstrap
# minbase plus Debian's cloud kernel, initramfs-tools, GRUB's BIOS files and
# update-grub, and sysvinit with a getty on ttyS0.  This is the "existing
# Debian system" the package tests install veneer into.
#
# The first run debootstraps from the mirror in APT's sources (a few
# minutes, about 150 MB); the result is kept as a tarball in
# $VENEER_CACHE (/var/cache/veneer) so later runs only unpack it.  The
# tarball's name carries a hash of the suite, the package list and
# recipe_version: bump that when changing the steps after debootstrap.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
cache=${VENEER_CACHE:-/var/cache/veneer}
suite=bookworm
mirror=${VENEER_MIRROR:-http://deb.debian.org/debian}
# sysvinit-core rather than systemd: a lighter boot in Bochs, and a getty
# on the serial line is one inittab line.
packages=linux-image-cloud-amd64,initramfs-tools,grub-pc-bin,grub2-common,sysvinit-core
recipe_version=1

if [ "$(id -u)" != 0 ]; then
	echo "error: $0 needs root (debootstrap, chroot, device nodes)" >&2
	exit 1
fi

recipe=$(echo "$suite $packages $recipe_version" | sha256sum | cut -c1-12)
tarball=$cache/debian-$suite-installed-$recipe.tar.gz

if [ ! -f "$tarball" ]; then
	if ! command -v debootstrap >/dev/null 2>&1; then
		echo "error: debootstrap is missing (apt-get install debootstrap)" >&2
		exit 1
	fi
	mkdir -p "$cache"
	work=$(mktemp -d "$cache/debootstrap.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	echo "make-chroot: debootstrap $suite into $work (first run only; cached as $tarball)"
	start=$(date +%s)
	if ! debootstrap --variant=minbase --include="$packages" --exclude=systemd-sysv \
			"$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1; then
		tail -n 30 "$work/debootstrap.log" >&2
		echo "error: debootstrap failed (full log: $work/debootstrap.log)" >&2
		trap - EXIT
		exit 1
	fi
	root=$work/root
	echo veneer-test >"$root/etc/hostname"
	# A getty on the first serial port: the login prompt the boot test waits for.
	echo 'T0:23:respawn:/sbin/getty -L ttyS0 115200 vt100' >>"$root/etc/inittab"
	# The root filesystem is the whole emulated disk, found by its label.
	echo 'LABEL=veneer-root / ext4 errors=remount-ro 0 1' >"$root/etc/fstab"
	# Bochs's disk controller is the i440FX's PIIX IDE: make sure its driver
	# is in the initramfs whatever MODULES= says (the cloud kernel builds it
	# as the module ata_piix).
	printf 'ata_piix\nsd_mod\n' >>"$root/etc/initramfs-tools/modules"
	chroot "$root" update-initramfs -u -k all >"$work/initramfs.log" 2>&1 || {
		cat "$work/initramfs.log" >&2; echo "error: update-initramfs failed" >&2; exit 1; }
	chroot "$root" apt-get clean
	tar -C "$root" --numeric-owner -czf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	echo "make-chroot: built in $(( $(date +%s) - start )) s"
fi

rm -rf "$dir"
mkdir -p "$dir"
tar -C "$dir" --numeric-owner -xzf "$tarball"
