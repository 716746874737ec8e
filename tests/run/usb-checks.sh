#!/bin/sh
# usb-checks.sh [BUILD]
# Checks that scripts/usb.sh ('make usb DEV=...') refuses everything but a
# whole, removable, unmounted disk the user confirmed, with a message that
# says why, and writes nothing then.  Nothing is ever written to a disk:
# sysfs, the mount and swap tables are fakes made here (VENEER_SYSFS,
# VENEER_MOUNTS, VENEER_SWAPS), and the writer is a stand-in that records
# its arguments (VENEER_USB_WRITER).  The one real thing is a block device
# node, which only the "is it a block device" check looks at.
# Prints PASS/FAIL per check and "N passed, N failed" last.
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
usb=$repo/scripts/usb.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { echo "PASS  usb: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  usb: $1"; failed=$((failed + 1)); }

# Any block device node serves: usb.sh takes everything else about it from
# the fake sysfs, and the stand-in writer never opens it.
dev=
for d in /dev/loop0 /dev/sda /dev/vda /dev/nvme0n1 /dev/*; do
	if [ -b "$d" ]; then dev=$d; break; fi
done
if [ -z "$dev" ]; then
	echo "SKIPPED  usb: no block device node in /dev to stand for the stick  <<<<<<<<<<"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
name=$(basename "$(readlink -f "$dev")")
iso=$work/veneer.iso
echo "not really an image" > "$iso"
writer=$work/writer
cat > "$writer" <<EOF
#!/bin/sh
echo "\$@" > "$work/written"
EOF
chmod +x "$writer"

# fake_sysfs REMOVABLE [PARTITION...]: a sysfs where $name is a whole disk
# with that removable flag and those partitions.
fake_sysfs() {
	sys=$work/sys
	rm -rf "$sys"
	disk=$sys/devices/fake/block/$name
	mkdir -p "$disk/device" "$sys/class/block" "$sys/block"
	echo "$1" > "$disk/removable"
	echo 4194304 > "$disk/size"
	echo "Stick   " > "$disk/device/model"
	ln -s ../devices/fake/block/$name "$sys/block/$name"
	ln -s ../../devices/fake/block/$name "$sys/class/block/$name"
	shift
	number=1
	for part in "$@"; do
		mkdir -p "$disk/$part"
		echo $number > "$disk/$part/partition"
		ln -s ../../devices/fake/block/$name/$part "$sys/class/block/$part"
		number=$((number + 1))
	done
}

# expect NAME STATUS PATTERN ANSWER DEVICE [ISO]: runs usb.sh, typing
# ANSWER, and checks its exit status, that its output matches PATTERN
# (grep -E) and that the writer ran only when STATUS is 0.
expect() {
	what=$1 want_status=$2 pattern=$3 answer=$4 device=$5 image=${6-$iso}
	rm -f "$work/written"
	output=$(echo "$answer" | VENEER_SYSFS=$work/sys VENEER_MOUNTS=$work/mounts \
		VENEER_SWAPS=$work/swaps VENEER_USB_WRITER=$writer "$usb" "$device" "$image" 2>&1)
	status=$?
	wrote=no
	[ -e "$work/written" ] && wrote=yes
	want_wrote=no
	[ "$want_status" = 0 ] && want_wrote=yes
	if [ "$status" != "$want_status" ]; then
		fail "$what: exit status $status, not $want_status; it said: $output"
	elif ! printf '%s\n' "$output" | grep -Eq "$pattern"; then
		fail "$what: no line matching '$pattern' in: $output"
	elif [ "$wrote" != "$want_wrote" ]; then
		fail "$what: the writer ran: $wrote (should: $want_wrote)"
	else
		pass "$what"
	fi
}

: > "$work/mounts"
printf 'Filename\tType\tSize\tUsed\tPriority\n' > "$work/swaps"
fake_sysfs 1

expect "no device: usage" 2 "^usage: make usb DEV=/dev/sdX" "" ""
expect "no image: run make first" 1 "usb: error: .*/nothing.iso does not exist; run 'make' first" \
	"" "$dev" "$work/nothing.iso"
expect "a missing device" 1 "usb: error: /dev/sdNONE does not exist" "" /dev/sdNONE
expect "a regular file" 1 "usb: error: $work/veneer.iso is not a block device" "" "$iso"

# The device node stands for the first partition of a disk of the same
# name: its class/block entry leads into the disk's directory.
fake_sysfs 1 "${name}9"
rm "$work/sys/class/block/$name"
ln -s "../../devices/fake/block/$name/${name}9" "$work/sys/class/block/$name"
expect "a partition" 1 "usb: error: $dev is a partition \(number 1 of $name\): name the whole disk" "" "$dev"

fake_sysfs 0
expect "a fixed disk" 1 "usb: error: $dev is not a removable disk \(.*/removable is 0\)" "$name" "$dev"

fake_sysfs 1 "${name}1" "${name}2"
echo "/dev/$name /media/stick vfat rw 0 0" > "$work/mounts"
expect "the disk mounted" 1 "usb: error: /dev/$name is mounted on /media/stick: unmount it first" "$name" "$dev"
echo "/dev/${name}2 /media/data ext4 rw 0 0" > "$work/mounts"
expect "a partition of it mounted" 1 "usb: error: /dev/${name}2 is mounted on /media/data" "$name" "$dev"
: > "$work/mounts"
printf '/dev/%s1\tpartition\t1024\t0\t-2\n' "$name" >> "$work/swaps"
expect "a partition of it used as swap" 1 "usb: error: /dev/${name}1 is used as swap" "$name" "$dev"
printf 'Filename\tType\tSize\tUsed\tPriority\n' > "$work/swaps"

expect "no confirmation" 1 "usb: error: not confirmed \(typed 'yes', not '$name'\)" "yes" "$dev"
expect "the confirmation prompt names the disk" 1 "2048 MiB, removable, not mounted" "" "$dev"
expect "confirmed: the image is written" 0 "usb: done" "$name" "$dev"
if grep -qx "if=$iso of=$dev bs=4M conv=fsync status=progress" "$work/written" 2>/dev/null; then
	pass "the writer gets if=IMAGE of=DEVICE"
else
	fail "the writer's arguments: $(cat "$work/written" 2>/dev/null)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
