#!/bin/sh
# Installs the Debian packages that building and testing veneer needs.
# As root it installs what is missing with apt-get; as anyone else it names
# the missing packages and fails.
set -eu

# command-or-file:package
needs="
gcc:gcc
ld:binutils
make:make
python3:python3
grub-mkrescue:grub-common
/usr/lib/grub/i386-pc/multiboot2.mod:grub-pc-bin
/usr/lib/grub/x86_64-efi/multiboot2.mod:grub-efi-amd64-bin
xorriso:xorriso
mformat:mtools
qemu-system-x86_64:qemu-system-x86
/usr/share/OVMF/OVMF_CODE_4M.fd:ovmf
bochs:bochs
/usr/share/bochs/BIOS-bochs-latest:bochsbios
/usr/share/seabios/vgabios-stdvga.bin:seabios
/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_rfb_gui.so:bochs
"

missing=""
for entry in $needs; do
	what=${entry%%:*}
	pkg=${entry#*:}
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "error: missing Debian packages:$missing" >&2
	echo "       install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing
