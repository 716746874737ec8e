#!/bin/sh
# install-deps.sh [--list]
# The one list of the Debian 12 packages that building, testing and running
# veneer use, and their installation.  As root it installs what is missing
# with apt-get (--no-install-recommends, so the list must name everything
# itself: it is checked on a minbase debootstrap by 'make check-fresh'); as
# anyone else it names the missing packages and fails.
# --list prints the package names, one a line, and does nothing else.
set -eu

# package        what needs it
packages="
make             the build
gcc              the hypervisor, the test guests, the host unit tests (its libgcc-12-dev brings libasan8 and libubsan1 for their sanitizers)
binutils         ld and nm: the two-pass link with the symbol table
libc6-dev        the host unit tests (stdlib.h, crt files); gcc only recommends it
python3          the scenario harness, the initramfs builder, the 'make run' console
apt              the build fetches the Linux guest with apt-get download
dpkg             dpkg-deb unpacks the Linux guest's packages
grub-common      grub-mkrescue
grub-pc-bin      GRUB for BIOS in the image
grub-efi-amd64-bin   GRUB for UEFI in the image
xorriso          grub-mkrescue writes the ISO with it
mtools           grub-mkrescue builds the image's EFI partition with it
qemu-system-x86  'make run' with KVM, 'make debug', the QEMU scenarios
ovmf             UEFI firmware for QEMU
bochs            the emulator with VMX: 'make run', the Bochs scenarios
bochsbios        Bochs's BIOS
seabios          the VGA BIOS used with Bochs (vgabios-stdvga.bin)
clang            'make fuzz' (libFuzzer)
libclang-rt-14-dev   libFuzzer's runtime; clang only recommends it
debootstrap      'make check-fresh' and the Debian package test build chroots
dpkg-dev         the Debian package ('make deb')
e2fsprogs        mke2fs -d: the installed system's disk image ('make test-installed')
"

names=$(printf '%s\n' "$packages" | awk 'NF { print $1 }')

if [ "${1:-}" = --list ]; then
	printf '%s\n' "$names"
	exit 0
fi
if [ $# -ne 0 ]; then
	echo "usage: $0 [--list]" >&2
	exit 2
fi

installed() {
	[ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

missing=""
for pkg in $names; do
	installed "$pkg" || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "error: missing Debian packages:$missing" >&2
	echo "       install them with: sudo apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
echo "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
