#!/bin/sh
# fetch-linux.sh OUTDIR
# Fetches the Linux guest's parts from Debian's archive, without installing
# anything on this machine:
#
#   OUTDIR/vmlinuz   the kernel (bzImage) of Debian's cloud kernel package
#   OUTDIR/config    that kernel's configuration (/boot/config-* in the package)
#   OUTDIR/busybox   the static busybox of busybox-static
#   OUTDIR/VERSION   "package version" of both, one a line
#
# The cloud kernel is used because it is LZ4-compressed (the generic
# linux-image-amd64 is XZ and boots six times slower in Bochs) and has the
# 8250 serial driver built in.  The metapackage linux-image-cloud-amd64
# names the versioned package (linux-image-6.1.0-NN-cloud-amd64).
#
# Nothing is downloaded when OUTDIR already holds the versions apt would
# pick now, or when apt knows no versions and OUTDIR holds a complete set.
# As root, empty or stale package lists are refreshed with apt-get update;
# as another user, the script says to do that and stops.
set -eu

KERNEL_META=linux-image-cloud-amd64
BUSYBOX_PKG="busybox-static"

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1

die() {
	echo "error: $*" >&2
	exit 1
}

for tool in apt-cache apt-get dpkg-deb; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool is missing: this script needs Debian's apt and dpkg"
done

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# The versioned kernel package the metapackage depends on, or nothing.
kernel_package() {
	apt-cache depends --no-recommends --no-suggests "$KERNEL_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1
}

# The version apt would install of package $1, or nothing.
candidate() {
	apt-cache policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true
}

# Fills $versions with "package version" lines, or leaves it empty.
resolve() {
	versions=
	kpkg=$(kernel_package)
	[ -n "$kpkg" ] || return 0
	kver=$(candidate "$kpkg")
	bver=$(candidate "$BUSYBOX_PKG")
	[ -n "$kver" ] && [ -n "$bver" ] || return 0
	versions=$(printf '%s %s\n%s %s' "$kpkg" "$kver" "$BUSYBOX_PKG" "$bver")
}

complete_set() {
	[ -s "$out/vmlinuz" ] && [ -s "$out/config" ] && [ -s "$out/busybox" ] &&
		[ -s "$out/VERSION" ]
}

updated=no
apt_update() {
	is_root || die "apt's package lists $1; run 'apt-get update' as root (or run this script as root), then try again"
	echo "fetch-linux: apt's package lists $1; running apt-get update" >&2
	apt-get update -q >&2 || die "apt-get update failed (see above): check the network and /etc/apt/sources.list"
	updated=yes
}

resolve
if [ -z "$versions" ]; then
	if complete_set; then
		echo "fetch-linux: apt cannot resolve $KERNEL_META or $BUSYBOX_PKG;" \
			"keeping what $out holds: $(tr '\n' ' ' <"$out/VERSION")" >&2
		exit 0
	fi
	apt_update "do not know $KERNEL_META or $BUSYBOX_PKG"
	resolve
	[ -n "$versions" ] || die "apt knows no $KERNEL_META (which must depend on a linux-image-*-cloud-amd64)" \
		"or no $BUSYBOX_PKG: /etc/apt/sources.list needs Debian 12 (bookworm) 'main' for amd64"
fi

if complete_set && [ "$(cat "$out/VERSION")" = "$versions" ]; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download runs its downloads as the user _apt, who must be able
# to write the directory; otherwise it warns and downloads as root.
if is_root && id _apt >/dev/null 2>&1; then
	chown _apt "$work"
fi

download() {
	(cd "$work" && apt-get download -q "$@") >&2
}

# "package=version" words for apt-get download.
specs=$(echo "$versions" | tr ' \n' '= ')
echo "fetch-linux: downloading $specs" >&2
# shellcheck disable=SC2086 # one word per package
if ! download $specs; then
	# The lists may name a version the mirror no longer has.
	[ "$updated" = no ] || die "apt-get download failed (see above)"
	apt_update "may be out of date (the download failed)"
	resolve
	[ -n "$versions" ] || die "after apt-get update, apt knows no $KERNEL_META or $BUSYBOX_PKG"
	specs=$(echo "$versions" | tr ' \n' '= ')
	rm -f "$work"/*.deb
	# shellcheck disable=SC2086
	download $specs || die "apt-get download $specs failed (see above)"
fi

kpkg=$(echo "$versions" | awk 'NR == 1 { print $1 }')
# The .deb of package $1 that apt-get download wrote (its name carries the
# version, with the epoch's colon spelled %3a).
deb_of() {
	for deb in "$work/$1_"*.deb; do
		[ -f "$deb" ] || die "apt-get download left no $1_*.deb"
		echo "$deb"
		return
	done
}
kdeb=$(deb_of "$kpkg")
bdeb=$(deb_of "$BUSYBOX_PKG")
mkdir "$work/kernel" "$work/busybox"
dpkg-deb -x "$kdeb" "$work/kernel"
dpkg-deb -x "$bdeb" "$work/busybox"

release=${kpkg#linux-image-}
vmlinuz=$work/kernel/boot/vmlinuz-$release
config=$work/kernel/boot/config-$release
busybox=$work/busybox/bin/busybox
[ -f "$vmlinuz" ] || die "$kdeb holds no boot/vmlinuz-$release"
[ -f "$config" ] || die "$kdeb holds no boot/config-$release"
[ -f "$busybox" ] || die "$bdeb holds no bin/busybox"
# A bzImage has the boot protocol's "HdrS" at offset 0x202.
[ "$(dd if="$vmlinuz" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] ||
	die "boot/vmlinuz-$release in $kdeb is not a bzImage"

# Replace the set whole: VERSION last, so an interrupted run leaves no
# VERSION that vouches for files it did not write.
mkdir -p "$out"
rm -f "$out/VERSION"
cp "$vmlinuz" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
cp "$config" "$out/config.tmp" && mv "$out/config.tmp" "$out/config"
cp "$busybox" "$out/busybox.tmp" && chmod 755 "$out/busybox.tmp" && mv "$out/busybox.tmp" "$out/busybox"
echo "$versions" >"$out/VERSION.tmp" && mv "$out/VERSION.tmp" "$out/VERSION"
echo "fetch-linux: $out holds $(echo "$versions" | paste -sd ' ' | sed 's/ \([^ ]*\) / \1, /')" >&2
