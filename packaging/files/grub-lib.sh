# Shared by /etc/grub.d/25_veneer and /etc/default/grub.d/veneer.cfg, both
# of which run inside grub-mkconfig after it has sourced
# /usr/share/grub/grub-mkconfig_lib (grub_file_is_not_garbage,
# version_sort, grub_get_device_id come from there).  Installed as
# /usr/share/veneer/grub-lib.sh by the veneer package.

VENEER_IMAGE=/boot/veneer.elf
VENEER_DEFAULTS=/etc/default/veneer

# The settings a user may change, with their defaults, then the file.
VENEER_CMDLINE=
VENEER_GUEST_CMDLINE=
VENEER_MAKE_DEFAULT=false
if [ -r "$VENEER_DEFAULTS" ]; then
	. "$VENEER_DEFAULTS"
fi

# veneer_installed: true when the hypervisor image is there.  After
# "dpkg -r veneer" the configuration files stay (they are conffiles) but the
# image is gone, and then the generator adds nothing.
veneer_installed () {
	test -f "$VENEER_IMAGE"
}

# veneer_kernels: the installed Linux kernels, newest first, one a line.
veneer_kernels () {
	for veneer_k in /boot/vmlinuz-* /boot/vmlinux-*; do
		if grub_file_is_not_garbage "$veneer_k"; then
			echo "$veneer_k"
		fi
	done | version_sort | tac
}

# veneer_kernel_version FILE: /boot/vmlinuz-6.1.0-28-amd64 -> 6.1.0-28-amd64
veneer_kernel_version () {
	basename "$1" | sed -e 's,^[^0-9]*-,,'
}

# veneer_entry_id VERSION: the menu entry id of that kernel under veneer,
# unique per root filesystem the way 10_linux makes its ids.
veneer_entry_id () {
	echo "veneer-gnulinux-$1-$(grub_get_device_id "$GRUB_DEVICE")"
}
