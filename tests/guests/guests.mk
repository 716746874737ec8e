# The in-guest test programs (tests/guests/README.md): ELF images that
# veneer loads as its guest.  Included by the top-level Makefile; also
# works alone, from the repository root:
#
#   make -f tests/guests/guests.mk            build every guest image
#
#   GUEST_IMAGES    the images: testguest64.elf, testguest32.elf, benchguest64.elf
#   guests          target: build GUEST_IMAGES
#   guests-clean    target: remove build/guests
#
# Freestanding C and assembly, built with the host gcc and ld; the 32-bit
# guest needs no multilib (no libc, no libgcc: runtime/libgcc32.c).

GUEST_MK := $(lastword $(MAKEFILE_LIST))
GUEST_DIR := tests/guests
GUEST_OUT := build/guests

# The 32-bit tests as Multiboot kernels that GRUB boots by itself too
# (tests/guests/native/), linked at 1 MiB and, for the loaders, at 2, 4
# and 8 MiB; and the 1 MiB one in an ELF64 file (mbtests32-elf64.elf), as
# GNU Mach's amd64 image is: ELF64 headers, 32-bit code entered in
# protected mode.
MBTESTS_LINK_MIB := 1 2 4 8
MBTESTS_IMAGES := $(GUEST_OUT)/mbtests32.elf $(patsubst %,$(GUEST_OUT)/mbtests32-at%m.elf,$(filter-out 1,$(MBTESTS_LINK_MIB))) \
	$(GUEST_OUT)/mbtests32-elf64.elf

GUEST_IMAGES := $(GUEST_OUT)/testguest64.elf $(GUEST_OUT)/testguest32.elf \
	$(GUEST_OUT)/benchguest64.elf $(MBTESTS_IMAGES)

GUEST_CC := gcc
GUEST_LD := ld
GUEST_OBJCOPY := objcopy
GUEST_Q := $(if $(V),,@)

# -fno-toplevel-reorder keeps GUEST_TEST entries, and so the tests, in
# source order.  -mno-red-zone: exceptions push onto the running stack.
GUEST_CFLAGS := -std=gnu11 -O2 -g -I. -ffreestanding -fno-pic -fno-pie \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-toplevel-reorder \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -MMD -MP
GUEST_CFLAGS_64 := -m64 -mno-red-zone -mcmodel=small
GUEST_CFLAGS_32 := -m32
GUEST_FLAGS_.c :=
GUEST_FLAGS_.S := -D__ASSEMBLY__ -Wa,--noexecstack
GUEST_LDFLAGS := -n -nostdlib -static --no-dynamic-linker --build-id=none \
	-z max-page-size=0x1000 -z noexecstack

# The runtime, and the two pure parts of the kernel it reuses.
GUEST_RUNTIME := $(addprefix $(GUEST_DIR)/runtime/,start.c gdt.c idt.c trap.c \
	print.c report.c cmdline.c boot_map.c veneer_memory.c) kernel/format.c kernel/string.c
GUEST_RUNTIME_64 := $(GUEST_RUNTIME) $(addprefix $(GUEST_DIR)/runtime/,entry64.S \
	exceptions64.S usermode64.S usermode64.c)
GUEST_RUNTIME_32 := $(GUEST_RUNTIME) $(addprefix $(GUEST_DIR)/runtime/,entry32.S \
	exceptions32.S libgcc32.c)

# The tests run in this order: the named ones, then any other test_*.c
# (sorted), then the destructive ones and the attacks of the hostile-guest
# suite (attack_*.c), which end the guest and run only when named.
GUEST_TESTS_FIRST := $(addprefix $(GUEST_DIR)/,runner.c test_boot.c test_cpuid.c \
	test_msr.c test_cr.c test_io.c test_hlt.c test_vmcall.c test_xsetbv.c \
	test_vmx.c test_cache.c test_insn.c test_exceptions.c)
GUEST_TESTS_LAST := $(GUEST_DIR)/test_destructive.c $(sort $(wildcard $(GUEST_DIR)/attack_*.c))
GUEST_TESTS := $(GUEST_TESTS_FIRST) \
	$(filter-out $(GUEST_TESTS_FIRST) $(GUEST_TESTS_LAST),$(sort $(wildcard $(GUEST_DIR)/test_*.c))) \
	$(GUEST_TESTS_LAST)

guest_objects = $(patsubst %,$(GUEST_OUT)/obj$(1)/%.o,$(2))

GUEST_TEST64_OBJ := $(call guest_objects,64,$(GUEST_RUNTIME_64) $(GUEST_TESTS))
GUEST_TEST32_OBJ := $(call guest_objects,32,$(GUEST_RUNTIME_32) $(GUEST_TESTS))
# The Multiboot build: its own start (no test-guest boot contract, so no
# boot tests and no boot-area map) and COM1 output; without the tests
# that end the guest through veneer.
MBTESTS_NOT := runtime/start.c runtime/print.c runtime/boot_map.c test_boot.c test_hlt.c test_destructive.c
MBTESTS_OBJ := $(call guest_objects,32,$(GUEST_DIR)/native/header.S \
	$(filter-out $(addprefix $(GUEST_DIR)/,$(MBTESTS_NOT)) $(wildcard $(GUEST_DIR)/attack_*.c), \
		$(GUEST_RUNTIME_32) $(GUEST_TESTS)) \
	$(GUEST_DIR)/native/start.c $(GUEST_DIR)/multiboot/console.c)
GUEST_BENCH64_OBJ := $(call guest_objects,64,$(GUEST_RUNTIME_64) $(GUEST_DIR)/bench.c)
GUEST_OBJ64 := $(sort $(GUEST_TEST64_OBJ) $(GUEST_BENCH64_OBJ))
GUEST_OBJ32 := $(sort $(GUEST_TEST32_OBJ) $(MBTESTS_OBJ))

.PHONY: guests guests-clean
guests: $(GUEST_IMAGES)

$(GUEST_OBJ64): $(GUEST_OUT)/obj64/%.o: % $(GUEST_MK)
	@mkdir -p $(dir $@)
	@$(if $(GUEST_Q),echo "  CC64    $<")
	$(GUEST_Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_CFLAGS_64) $(GUEST_FLAGS_$(suffix $<)) -c $< -o $@

$(GUEST_OBJ32): $(GUEST_OUT)/obj32/%.o: % $(GUEST_MK)
	@mkdir -p $(dir $@)
	@$(if $(GUEST_Q),echo "  CC32    $<")
	$(GUEST_Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_CFLAGS_32) $(GUEST_FLAGS_$(suffix $<)) -c $< -o $@

$(GUEST_OUT)/testguest64.elf: $(GUEST_TEST64_OBJ) $(GUEST_DIR)/guest64.ld
	@$(if $(GUEST_Q),echo "  LD      $@")
	$(GUEST_Q)$(GUEST_LD) -m elf_x86_64 $(GUEST_LDFLAGS) -T $(GUEST_DIR)/guest64.ld -o $@ $(GUEST_TEST64_OBJ)

$(GUEST_OUT)/testguest32.elf: $(GUEST_TEST32_OBJ) $(GUEST_DIR)/guest32.ld
	@$(if $(GUEST_Q),echo "  LD      $@")
	$(GUEST_Q)$(GUEST_LD) -m elf_i386 $(GUEST_LDFLAGS) -T $(GUEST_DIR)/guest32.ld -o $@ $(GUEST_TEST32_OBJ)

mbtests_link = $(GUEST_LD) -m elf_i386 $(GUEST_LDFLAGS) --defsym=LINK_ADDRESS=$(1)*0x100000 \
	-T $(GUEST_DIR)/native/mbtests.ld -o $@ $(MBTESTS_OBJ)

$(GUEST_OUT)/mbtests32.elf: $(MBTESTS_OBJ) $(GUEST_DIR)/native/mbtests.ld
	@$(if $(GUEST_Q),echo "  LD      $@")
	$(GUEST_Q)$(call mbtests_link,1)

$(GUEST_OUT)/mbtests32-at%m.elf: $(MBTESTS_OBJ) $(GUEST_DIR)/native/mbtests.ld
	@$(if $(GUEST_Q),echo "  LD      $@")
	$(GUEST_Q)$(call mbtests_link,$*)

# The same sections and segments (p_paddr = p_vaddr), byte for byte, with
# ELF64 headers; the Multiboot header stays in the file's first 8 KiB.
$(GUEST_OUT)/mbtests32-elf64.elf: $(GUEST_OUT)/mbtests32.elf
	@$(if $(GUEST_Q),echo "  OBJCOPY $@")
	$(GUEST_Q)$(GUEST_OBJCOPY) -O elf64-x86-64 $< $@

$(GUEST_OUT)/benchguest64.elf: $(GUEST_BENCH64_OBJ) $(GUEST_DIR)/guest64.ld
	@$(if $(GUEST_Q),echo "  LD      $@")
	$(GUEST_Q)$(GUEST_LD) -m elf_x86_64 $(GUEST_LDFLAGS) -T $(GUEST_DIR)/guest64.ld -o $@ $(GUEST_BENCH64_OBJ)

guests-clean:
	rm -rf $(GUEST_OUT)

include $(GUEST_DIR)/multiboot/multiboot.mk

-include $(shell find $(GUEST_OUT) -name '*.d' 2>/dev/null)
