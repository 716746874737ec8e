#!/bin/sh
# check-fresh.sh [COMMAND...]
# Tries the README's promise on a fresh Debian 12: a minbase debootstrap
# with only git, ca-certificates and make added, the project cloned into it
# (the committed HEAD of this checkout: uncommitted changes are not in it),
# and 'make test' (or COMMAND) run there as root, the way a new user would.
# It prints how long that took and how much apt downloaded.
#
# Needs root (debootstrap, chroot, mounts) and Debian's archive.  The
# minbase system is built once and kept as a tarball in the cache directory
# (VENEER_CACHE, default /var/cache/veneer); each check unpacks a new copy
# under it and removes it afterwards (VENEER_KEEP_CHROOT=1 keeps it).
set -eu

SUITE=bookworm
MIRROR=${VENEER_MIRROR:-http://deb.debian.org/debian}
cache=${VENEER_CACHE:-/var/cache/veneer}
tarball=$cache/debian12-minbase-git-make.tar.gz

die() {
	echo "check-fresh: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mounts)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing ('make deps' installs it)"
repo=$(git rev-parse --show-toplevel 2>/dev/null) || die "run it inside the veneer git checkout"
commit=$(git -C "$repo" rev-parse HEAD)
if [ $# -eq 0 ]; then
	set -- make test
fi
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
	echo "check-fresh: warning: uncommitted changes are not checked (the clone is of HEAD $commit)"
fi

mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
	echo "check-fresh: building the minbase Debian 12 system (once; cached in $tarball)"
	base=$cache/base.tmp
	rm -rf "$base"
	debootstrap --variant=minbase --include=git,ca-certificates,make \
		"$SUITE" "$base" "$MIRROR"
	# A Debian 12 installation's own sources: the release, its updates and
	# the security archive (debootstrap writes only the first).
	cat > "$base/etc/apt/sources.list" <<-EOF
	deb $MIRROR $SUITE main
	deb $MIRROR $SUITE-updates main
	deb http://deb.debian.org/debian-security $SUITE-security main
	EOF
	rm -rf "$base/var/cache/apt/archives/"*.deb "$base/var/lib/apt/lists/"*
	tar -C "$base" -czf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$base"
fi

root=$(mktemp -d "$cache/fresh.XXXXXX")
log=$cache/check-fresh.log
mounted=""
cleanup() {
	for m in $mounted; do
		umount -R "$m" 2>/dev/null || umount -lR "$m" 2>/dev/null || true
	done
	if [ "${VENEER_KEEP_CHROOT:-0}" = 1 ]; then
		echo "check-fresh: the chroot stays in $root"
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -C "$root" -xzf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No daemon starts inside the chroot when a package is installed.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
# /dev for the emulators (/dev/null, /dev/pts for 'make run's console),
# /proc and /sys for the build and the scenario harness.
for fs in proc sys dev; do
	mount --rbind "/$fs" "$root/$fs"
	mount --make-rslave "$root/$fs"
	mounted="$root/$fs $mounted"
done

git clone -q --no-hardlinks "$repo" "$root/root/veneer"
git -C "$root/root/veneer" checkout -q --detach "$commit"
echo "check-fresh: fresh Debian 12 minbase in $root, veneer at $commit"
echo "check-fresh: running '$*' in /root/veneer; the output also goes to $log"

started=$(date +%s)
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	sh -c 'cd /root/veneer && "$@"; echo $? > /root/status' sh "$@" 2>&1 | tee "$log"
elapsed=$(( $(date +%s) - started ))
status=$(cat "$root/root/status" 2>/dev/null || echo 255)

# What apt fetched: the sizes on its "Get:N URL ... [SIZE]" lines (package
# lists, the packages install-deps.sh installs, the Linux guest's packages).
downloaded=$(sed -n 's/^Get:[0-9]* .*\[\([0-9,.]*\) \([kMG]*B\)\]$/\1 \2/p' "$log" | tr -d , |
	awk '{ n = $1; if ($2 == "kB") n *= 1e3; if ($2 == "MB") n *= 1e6; if ($2 == "GB") n *= 1e9; t += n }
	     END { printf "%.0f MB in %d files", t / 1e6, NR }')
echo "check-fresh: '$*' in a fresh Debian 12 minbase: exit status $status after" \
	"$((elapsed / 60)) min $((elapsed % 60)) s; apt downloaded $downloaded"
[ "$status" = 0 ]
