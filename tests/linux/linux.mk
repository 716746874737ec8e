# The Linux test guest (tests/linux/README.md): Debian's cloud kernel and a
# busybox initramfs whose /init checks veneer from inside Linux.  Included
# by the top-level Makefile; also works alone, from the repository root:
#
#   make -f tests/linux/linux.mk            fetch and build everything
#
#   LINUX_DIR       build/linux: vmlinuz, config, busybox and VERSION (from
#                   scripts/fetch-linux.sh), veneer-check, initramfs.cpio.gz
#   linux-guest     target: the kernel, the initramfs and veneer-check
#   linux-clean     target: remove LINUX_DIR (the next build downloads again)
#
# Fetching needs apt (and, the first time on a machine without package
# lists, root for apt-get update); it installs nothing.  Once the files are
# there, make does not fetch again: 'scripts/fetch-linux.sh build/linux'
# looks for newer Debian versions.

LINUX_MK := $(lastword $(MAKEFILE_LIST))
LINUX_SRC := tests/linux
LINUX_DIR := build/linux

LINUX_FETCHED := $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/config $(LINUX_DIR)/busybox
LINUX_GUEST := $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/initramfs.cpio.gz $(LINUX_DIR)/veneer-check

LINUX_CC := gcc
LINUX_Q := $(if $(V),,@)

# A static program without libc (tests/linux/veneer-check.c).
LINUX_CHECK_CFLAGS := -std=gnu11 -O2 -I. -static -nostdlib -ffreestanding -fno-pic -no-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wl,--build-id=none

.PHONY: linux-guest linux-clean
linux-guest: $(LINUX_GUEST)

# One run of the script makes all three (a grouped target); it touches them
# so that make sees them newer than the script even when nothing changed.
$(LINUX_FETCHED) &: scripts/fetch-linux.sh
	@$(if $(LINUX_Q),echo "  FETCH   $(LINUX_DIR)")
	$(LINUX_Q)scripts/fetch-linux.sh $(LINUX_DIR)
	$(LINUX_Q)touch $(LINUX_FETCHED)

$(LINUX_DIR)/veneer-check: $(LINUX_SRC)/veneer-check.c vmx/guest/hypercall_abi.h \
		boot/multiboot2_abi.h $(LINUX_MK)
	@mkdir -p $(dir $@)
	@$(if $(LINUX_Q),echo "  CC      $@")
	$(LINUX_Q)$(LINUX_CC) $(LINUX_CHECK_CFLAGS) -o $@ $<

$(LINUX_DIR)/initramfs.cpio.gz: $(LINUX_SRC)/initramfs.list $(LINUX_SRC)/init \
		$(LINUX_DIR)/busybox $(LINUX_DIR)/veneer-check scripts/make-initramfs.py
	@$(if $(LINUX_Q),echo "  CPIO    $@")
	$(LINUX_Q)scripts/make-initramfs.py -D busybox=$(LINUX_DIR)/busybox \
		-D check=$(LINUX_DIR)/veneer-check $(LINUX_SRC)/initramfs.list $@

linux-clean:
	rm -rf $(LINUX_DIR)
