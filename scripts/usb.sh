#!/bin/sh
# usb.sh DEVICE IMAGE.iso
# Writes veneer's image to a USB stick ('make usb DEV=/dev/sdX'), after
# checking that DEVICE is a whole disk (not a partition), removable, and
# neither mounted nor used as swap (nor any of its partitions), and after
# the user has typed the device's name to confirm.  Everything on the disk
# is lost.
#
# For the tests (tests/run/usb-checks.sh): VENEER_SYSFS (default /sys),
# VENEER_MOUNTS (default /proc/self/mounts), VENEER_SWAPS (default
# /proc/swaps) and VENEER_USB_WRITER (default dd) replace the real ones.
set -eu

sysfs=${VENEER_SYSFS:-/sys}
mounts=${VENEER_MOUNTS:-/proc/self/mounts}
swaps=${VENEER_SWAPS:-/proc/swaps}
writer=${VENEER_USB_WRITER:-dd}

refuse() {
	echo "usb: error: $*" >&2
	echo "usb: nothing was written" >&2
	exit 1
}

if [ $# -ne 2 ] || [ -z "$1" ]; then
	echo "usage: make usb DEV=/dev/sdX   (scripts/usb.sh DEVICE IMAGE.iso); lsblk shows the disks" >&2
	exit 2
fi
dev=$1
iso=$2

[ -f "$iso" ] || refuse "$iso does not exist; run 'make' first"
[ -e "$dev" ] || refuse "$dev does not exist (lsblk shows the disks)"
[ -b "$dev" ] || refuse "$dev is not a block device"
real=$(readlink -f "$dev")
name=${real##*/}
class=$sysfs/class/block/$name
[ -e "$class" ] || refuse "$dev ($name) is not in $sysfs/class/block"

if [ -e "$class/partition" ]; then
	disk=$(basename "$(dirname "$(readlink -f "$class")")")
	refuse "$dev is a partition (number $(cat "$class/partition") of $disk): name the whole disk, DEV=/dev/$disk"
fi
[ -d "$sysfs/block/$name" ] || refuse "$dev is not a whole disk ($sysfs/block/$name is missing)"

removable=$(cat "$sysfs/block/$name/removable" 2>/dev/null || echo unknown)
[ "$removable" = 1 ] ||
	refuse "$dev is not a removable disk ($sysfs/block/$name/removable is $removable): is it a USB stick?"

# The disk and its partitions (the directories under it with a 'partition'
# file), as /dev names.
devices="/dev/$name"
for part in "$sysfs/block/$name"/*/partition; do
	[ -e "$part" ] || continue
	devices="$devices /dev/$(basename "$(dirname "$part")")"
done
for d in $devices; do
	where=$(awk -v d="$d" '$1 == d { print $2; exit }' "$mounts")
	[ -z "$where" ] || refuse "$d is mounted on $where: unmount it first (e.g. 'umount $d')"
	if awk -v d="$d" 'NR > 1 && $1 == d { found = 1 } END { exit !found }' "$swaps" 2>/dev/null; then
		refuse "$d is used as swap: 'swapoff $d' first"
	fi
done

sectors=$(cat "$sysfs/block/$name/size" 2>/dev/null || echo 0)
model=$(cat "$sysfs/block/$name/device/model" 2>/dev/null | sed 's/ *$//' || true)
vendor=$(cat "$sysfs/block/$name/device/vendor" 2>/dev/null | sed 's/ *$//' || true)
echo "usb: $dev: ${vendor:+$vendor }${model:-(no model name)}, $((sectors / 2048)) MiB, removable, not mounted"
echo "usb: writing $iso there DESTROYS EVERYTHING on it."
printf 'usb: to go on, type the device name (%s): ' "$name"
answer=
read -r answer || true
case $answer in
"$name" | "/dev/$name") ;;
*) refuse "not confirmed (typed '$answer', not '$name')" ;;
esac

echo "usb: writing $iso to $dev"
"$writer" if="$iso" of="$dev" bs=4M conv=fsync status=progress
sync
echo "usb: done: $dev can be removed"
