#!/bin/sh
# make-deb.sh OUT_DIR VENEER_ELF
# Builds the Debian package veneer_VERSION_amd64.deb in OUT_DIR from the
# files in packaging/ and the built hypervisor, with dpkg-deb alone
# (nothing is downloaded, nothing installed).  Prints the package's path.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 OUT_DIR VENEER_ELF" >&2
	exit 2
fi
out=$1 elf=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg=$repo/packaging
for tool in dpkg-deb md5sum; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "error: $tool is missing (package dpkg / coreutils)" >&2
		exit 1
	fi
done
if [ ! -f "$elf" ]; then
	echo "error: $elf does not exist; build it first (make)" >&2
	exit 1
fi

# 1.0 is veneer's interface version (its hypercall ABI); a build from git
# adds the commit date and hash so that each build sorts after the last.
version=1.0
if commit=$(git -C "$repo" log -1 --format='%cd.%h' --date=format:%Y%m%d%H%M%S 2>/dev/null); then
	version="$version~git$commit"
	if ! git -C "$repo" diff --quiet HEAD 2>/dev/null; then
		version="$version.dirty"
	fi
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
root=$staging/root
install -d "$root/DEBIAN" "$root/boot" "$root/etc/default/grub.d" "$root/etc/grub.d" \
	"$root/usr/share/veneer" "$root/usr/share/doc/veneer"
install -m 0644 "$elf" "$root/boot/veneer.elf"
install -m 0755 "$pkg/files/25_veneer" "$root/etc/grub.d/25_veneer"
install -m 0644 "$pkg/files/default-veneer" "$root/etc/default/veneer"
install -m 0644 "$pkg/files/grub-default.cfg" "$root/etc/default/grub.d/veneer.cfg"
install -m 0644 "$pkg/files/grub-lib.sh" "$root/usr/share/veneer/grub-lib.sh"
install -m 0644 "$pkg/files/copyright" "$root/usr/share/doc/veneer/copyright"
install -m 0755 "$pkg/debian/postinst" "$pkg/debian/postrm" "$root/DEBIAN/"
install -m 0644 "$pkg/debian/conffiles" "$root/DEBIAN/conffiles"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" \
	"$pkg/debian/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print \
	| sed -e 's,^\./,,' | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"

mkdir -p "$out"
rm -f "$out"/veneer_*_amd64.deb
deb=$out/veneer_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
