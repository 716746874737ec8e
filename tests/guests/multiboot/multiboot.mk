# The Multiboot test kernels (tests/guests/multiboot/README.md): ELF32
# images that veneer boots as its guest the way a Multiboot (version 1) or
# Multiboot2 boot loader would.  Included by tests/guests/guests.mk, which
# the top-level Makefile includes; also works alone, from the repository
# root:
#
#   make -f tests/guests/multiboot/multiboot.mk      build both images
#
#   MBGUEST_IMAGES    build/guests/mb1guest.elf, build/guests/mb2guest.elf
#   mbguests          target: build MBGUEST_IMAGES (`guests` builds them too)
#
# Freestanding 32-bit C and assembly built with the host gcc and ld, like
# testguest32.elf, with some of the same runtime (tests/guests/runtime).

ifndef MBGUEST_MK
MBGUEST_MK := $(lastword $(MAKEFILE_LIST))
MBGUEST_DIR := tests/guests/multiboot
MBGUEST_OUT := build/guests
MBGUEST_OBJ_DIR := $(MBGUEST_OUT)/objmb

MBGUEST_IMAGES := $(MBGUEST_OUT)/mb1guest.elf $(MBGUEST_OUT)/mb2guest.elf

MBGUEST_CC := gcc
MBGUEST_LD := ld
MBGUEST_Q := $(if $(V),,@)

# No SSE: the loader leaves CR4.OSFXSR clear.
MBGUEST_CFLAGS := -std=gnu11 -O2 -g -I. -m32 -ffreestanding -fno-pic -fno-pie \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -MMD -MP
MBGUEST_FLAGS_.c :=
MBGUEST_FLAGS_.S := -D__ASSEMBLY__ -Wa,--noexecstack
MBGUEST_LDFLAGS := -m elf_i386 -n -nostdlib -static --no-dynamic-linker --build-id=none \
	-z max-page-size=0x1000 -z noexecstack

# What both kernels link: their own entry, checks and output, the parts of
# the guest runtime that do not assume veneer's test-guest boot contract,
# and the two pure parts of the kernel.
MBGUEST_COMMON := $(addprefix $(MBGUEST_DIR)/,entry.S main.c checks.c console.c apic.c elf_sections.c) \
	$(addprefix tests/guests/runtime/,gdt.c idt.c exceptions32.S trap.c cmdline.c report.c libgcc32.c \
	veneer_memory.c) \
	kernel/format.c kernel/string.c
# The header goes first: mbguest.ld places it at the start of the image anyway.
MBGUEST_MB1 := $(MBGUEST_DIR)/mb1_header.S $(MBGUEST_DIR)/mb1_info.c $(MBGUEST_COMMON)
MBGUEST_MB2 := $(MBGUEST_DIR)/mb2_header.S $(MBGUEST_DIR)/mb2_info.c $(MBGUEST_COMMON)

mbguest_objects = $(patsubst %,$(MBGUEST_OBJ_DIR)/%.o,$(1))

MBGUEST_MB1_OBJ := $(call mbguest_objects,$(MBGUEST_MB1))
MBGUEST_MB2_OBJ := $(call mbguest_objects,$(MBGUEST_MB2))
MBGUEST_OBJ := $(sort $(MBGUEST_MB1_OBJ) $(MBGUEST_MB2_OBJ))

.PHONY: mbguests guests
mbguests: $(MBGUEST_IMAGES)
guests: $(MBGUEST_IMAGES)

$(MBGUEST_OBJ): $(MBGUEST_OBJ_DIR)/%.o: % $(MBGUEST_MK)
	@mkdir -p $(dir $@)
	@$(if $(MBGUEST_Q),echo "  CC32    $<")
	$(MBGUEST_Q)$(MBGUEST_CC) $(MBGUEST_CFLAGS) $(MBGUEST_FLAGS_$(suffix $<)) -c $< -o $@

$(MBGUEST_OUT)/mb1guest.elf: $(MBGUEST_MB1_OBJ) $(MBGUEST_DIR)/mbguest.ld
	@$(if $(MBGUEST_Q),echo "  LD      $@")
	$(MBGUEST_Q)$(MBGUEST_LD) $(MBGUEST_LDFLAGS) -T $(MBGUEST_DIR)/mbguest.ld -o $@ $(MBGUEST_MB1_OBJ)

$(MBGUEST_OUT)/mb2guest.elf: $(MBGUEST_MB2_OBJ) $(MBGUEST_DIR)/mbguest.ld
	@$(if $(MBGUEST_Q),echo "  LD      $@")
	$(MBGUEST_Q)$(MBGUEST_LD) $(MBGUEST_LDFLAGS) -T $(MBGUEST_DIR)/mbguest.ld -o $@ $(MBGUEST_MB2_OBJ)

-include $(MBGUEST_OBJ:.o=.d)
endif
