# Disk images for the foreign boot loaders' scenarios (tests/disks/README.md),
# written in assembly and built with the host gcc, ld and objcopy.
# Included by the top-level Makefile; also works alone, from the
# repository root:
#
#   make -f tests/disks/disks.mk        build every image
#
#   DISK_IMAGES    build/disks/floppy.img
#   disks          target: build DISK_IMAGES (make scenario-inputs does)

ifndef DISKS_MK
DISKS_MK := $(lastword $(MAKEFILE_LIST))
DISKS_DIR := tests/disks
DISKS_OUT := build/disks

DISK_IMAGES := $(DISKS_OUT)/floppy.img

DISKS_CC := gcc
DISKS_LD := ld
DISKS_OBJCOPY := objcopy
DISKS_Q := $(if $(V),,@)

# 16-bit code (.code16 in the sources) in ELF32 objects.
DISKS_ASFLAGS := -m32 -I. -D__ASSEMBLY__ -Wa,--noexecstack -MMD -MP

FLOPPY_SOURCES := $(DISKS_DIR)/boot_sector.S $(DISKS_DIR)/probes.S
FLOPPY_OBJ := $(patsubst $(DISKS_DIR)/%.S,$(DISKS_OUT)/obj/%.o,$(FLOPPY_SOURCES))

.PHONY: disks
disks: $(DISK_IMAGES)

$(FLOPPY_OBJ): $(DISKS_OUT)/obj/%.o: $(DISKS_DIR)/%.S $(DISKS_MK)
	@mkdir -p $(dir $@)
	@$(if $(DISKS_Q),echo "  AS16    $<")
	$(DISKS_Q)$(DISKS_CC) $(DISKS_ASFLAGS) -c $< -o $@

$(DISKS_OUT)/floppy.elf: $(FLOPPY_OBJ) $(DISKS_DIR)/floppy.ld
	@$(if $(DISKS_Q),echo "  LD      $@")
	$(DISKS_Q)$(DISKS_LD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
		-T $(DISKS_DIR)/floppy.ld -o $@ $(FLOPPY_OBJ)

# Exactly 1,474,560 bytes, or memdisk would take it for a hard disk.
$(DISKS_OUT)/floppy.img: $(DISKS_OUT)/floppy.elf
	@$(if $(DISKS_Q),echo "  IMAGE   $@")
	$(DISKS_Q)$(DISKS_OBJCOPY) -O binary $< $@.tmp
	$(DISKS_Q)size=$$(stat -c %s $@.tmp); if [ "$$size" != 1474560 ]; then \
		echo "error: $@ is $$size bytes, not 1474560" >&2; rm -f $@.tmp; exit 1; fi
	$(DISKS_Q)mv $@.tmp $@

-include $(FLOPPY_OBJ:.o=.d)
endif
