# veneer: one Makefile for the hypervisor image, the ISO and the tests.
#
#   make            build/veneer.elf and build/veneer.iso
#   make run        boot the ISO in the best emulator this machine has
#   make debug      QEMU with its gdb stub, paused, and the symbol file
#   make test       host unit tests, every emulator scenario, make run's console, make usb's checks
#   make unit       host unit tests only
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (or FUZZ_RUNS executions)
#   make soak       boot Linux under veneer SOAK_RUNS (20) times each on 1, 2 and 4 CPUs
#   make scenarios-long  the emulator scenarios tagged long (none today: every foreign kernel runs in make test)
#   make bench      issue 11's performance figures beside their goals, measured in Bochs (slow)
#   make deps       install the Debian packages the build and tests need
#   make check-fresh  'make test' in a fresh minbase Debian 12 chroot (root)
#   make usb DEV=/dev/sdX   write the image to a USB stick (checked, confirmed)
#   make deb        the Debian package build/deb/veneer_VERSION_amd64.deb
#   make test-deb   install that package in a debootstrap chroot, check its GRUB entries
#   make test-installed  also boot that installed Debian in Bochs, under veneer and natively (slow)

BUILD       := build
KERNEL_CC   := gcc
HOST_CC     ?= cc
LD          := ld
NM          := nm

KERNEL_CFLAGS := -std=gnu11 -O2 -g -I. \
	-ffreestanding -fno-builtin-printf -fno-stack-protector -fpie -fvisibility=hidden \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -mno-sse -mno-mmx -mno-avx \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-MMD -MP $(EXTRA_KERNEL_CFLAGS)
KERNEL_ASFLAGS := -I. -D__ASSEMBLY__ -MMD -MP -Wa,--noexecstack
KERNEL_LDFLAGS := -n -nostdlib -static -pie --no-dynamic-linker -z notext --build-id=none \
	-z max-page-size=0x1000 -z noexecstack -T linker/veneer.ld

KERNEL_SOURCES := $(sort $(wildcard boot/*.S kernel/*.c arch/*.c arch/*.S vmx/*.c vmx/*.S vmx/guest/*.c))
KERNEL_OBJECTS := $(patsubst %,$(BUILD)/obj/%.o,$(KERNEL_SOURCES))

# Host unit tests: the kernel's pure parts, compiled for Linux.
UNIT_KERNEL_SOURCES := $(shell sed -n 's/^[[:space:]]*\/\/ unit-test-source: //p' tests/unit/*.c | sort -u)
UNIT_SOURCES := $(sort $(wildcard tests/unit/*.c)) $(UNIT_KERNEL_SOURCES)
UNIT_CFLAGS := -std=gnu11 -O1 -g -I. -Itests/unit -DVENEER_HOST_TEST \
	-Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all iso run debug test unit scenarios scenarios-long scenario-inputs foreign-kernels deps check-fresh usb clean \
	bench bench-build fuzz fuzz-check fuzz-build soak
.DEFAULT_GOAL := all

# The in-guest test programs: build/guests/*.elf.
include tests/guests/guests.mk
# The Linux guest: Debian's kernel and a busybox initramfs, in build/linux.
include tests/linux/linux.mk
# Disk images the foreign boot loaders boot (memdisk's floppy): build/disks.
include tests/disks/disks.mk

all: $(BUILD)/veneer.elf $(BUILD)/veneer.iso

# V=1 shows the full commands.
Q := $(if $(V),,@)

# The exit path: every instruction there is paid on each VM exit, so these
# files keep no frame pointer and may end in a jump to the next function
# (a stack trace through them skips their frames; the chain stays intact).
EXIT_PATH_SOURCES := vmx/exit_dispatch.c vmx/handle_cpuid.c vmx/handle_cr.c vmx/handle_io.c \
	vmx/handle_misc.c vmx/handle_msr.c vmx/guest/hypercall.c vmx/guest/pci_config.c
$(patsubst %,$(BUILD)/obj/%.o,$(EXIT_PATH_SOURCES)): KERNEL_CFLAGS += -fomit-frame-pointer -foptimize-sibling-calls

$(BUILD)/obj/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(KERNEL_CC) $(KERNEL_ASFLAGS) -c $< -o $@

# Two links: the first finds every function's address, the second embeds
# that table (ksymtab, linked last so nothing before it moves) for stack
# traces.  The check makes sure the addresses really did not move.  The
# image is position independent (GRUB loads it high, linker/veneer.ld);
# finish-image.py checks its relocations and hides them from GRUB.
$(BUILD)/ksyms-empty.S:
	@mkdir -p $(dir $@)
	$(Q)scripts/gen-ksyms.sh /dev/null > $@

$(BUILD)/%.S.o: $(BUILD)/%.S
	$(Q)$(KERNEL_CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/veneer.stage1.elf: $(KERNEL_OBJECTS) $(BUILD)/ksyms-empty.S.o linker/veneer.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJECTS) $(BUILD)/ksyms-empty.S.o

$(BUILD)/ksyms.S: $(BUILD)/veneer.stage1.elf scripts/gen-ksyms.sh
	$(Q)$(NM) -n $< | scripts/gen-ksyms.sh - > $@

$(BUILD)/veneer.elf: $(BUILD)/veneer.stage1.elf $(BUILD)/ksyms.S.o scripts/finish-image.py
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJECTS) $(BUILD)/ksyms.S.o
	@scripts/check-ksyms-stable.sh $(BUILD)/veneer.stage1.elf $@
	@scripts/finish-image.py $@ || { rm -f $@; exit 1; }

# The image carries the default guest: Debian's Linux and its initramfs.
iso: $(BUILD)/veneer.iso
$(BUILD)/veneer.iso: $(BUILD)/veneer.elf iso/grub.cfg scripts/make-iso.sh $(LINUX_DIR)/vmlinuz \
		$(LINUX_DIR)/initramfs.cpio.gz
	@$(if $(Q),echo "  ISO     $@")
	$(Q)scripts/make-iso.sh $@ $(BUILD)/veneer.elf iso/grub.cfg $(LINUX_DIR)/vmlinuz \
		$(LINUX_DIR)/initramfs.cpio.gz

run: deps
	$(MAKE) all
	scripts/run.sh $(BUILD)/veneer.iso

debug: deps
	$(MAKE) all
	scripts/run.sh --debug $(BUILD)/veneer.iso

$(BUILD)/unit-tests: $(UNIT_SOURCES) $(wildcard tests/unit/*.h) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_SOURCES) -o $@

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

scenarios: all scenario-inputs
	scripts/run-scenarios.py --build $(BUILD)

# make bench also boots a second veneer that counts every VMREAD and
# VMWRITE (vmx/vmcs.h); it lives in its own build directory and is never
# the image you boot.
BENCH_COUNT_BUILD := $(BUILD)/vmcs-count
bench: all guests linux-guest bench-build
	scripts/bench.sh $(BUILD) $(BENCH_COUNT_BUILD)/veneer.elf

# The VMCS-access counting build make bench uses; make test builds it too, so it cannot rot.
bench-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BENCH_COUNT_BUILD) \
		EXTRA_KERNEL_CFLAGS=-DVENEER_COUNT_VMCS_ACCESSES $(BENCH_COUNT_BUILD)/veneer.elf

# The build, then each part of the tests; the last line adds them up
# (scripts/test-all.sh).
test: deps
	@MAKE="$(MAKE)" scripts/test-all.sh $(BUILD)

usb: all
	scripts/usb.sh "$(DEV)" $(BUILD)/veneer.iso

deps:
	scripts/install-deps.sh

# The README's commands on a fresh Debian 12 (scripts/check-fresh.sh).
check-fresh:
	scripts/check-fresh.sh

clean:
	rm -rf $(BUILD)


# Damaged guest images, for the scenarios that check how veneer refuses them.
BAD_GUESTS := $(BUILD)/bad/unknown.bin
$(BAD_GUESTS): scripts/make-bad-guests.py $(LINUX_DIR)/vmlinuz $(BUILD)/guests/testguest64.elf
	@$(if $(Q),echo "  BAD     $(BUILD)/bad")
	$(Q)scripts/make-bad-guests.py $(BUILD)/bad $(LINUX_DIR)/vmlinuz $(BUILD)/guests/testguest64.elf

# The foreign kernels (Xen, tboot, GNU Mach, grub-invaders, iPXE, memdisk,
# memtest86+, Debian's generic Linux) from Debian's archive, unpacked, not
# installed (scripts/fetch-foreign.sh); the script itself fetches again only
# when apt offers other versions.
FOREIGN_DIR := $(BUILD)/foreign
$(FOREIGN_DIR)/VERSION: scripts/fetch-foreign.sh
	@$(if $(Q),echo "  FETCH   $(FOREIGN_DIR)")
	$(Q)scripts/fetch-foreign.sh $(FOREIGN_DIR)
	$(Q)touch $@
foreign-kernels: $(FOREIGN_DIR)/VERSION

# Everything the scenarios boot besides veneer itself.
scenario-inputs: guests linux-guest disks $(BAD_GUESTS) foreign-kernels

# The scenarios too long for make test (tag: long); none today, the longest (Xen with dom0, ~2 min) fit.
scenarios-long: all scenario-inputs
	scripts/run-scenarios.py --build $(BUILD) --long

# Host fuzzing (tests/fuzz): a libFuzzer target per parser of bytes veneer
# does not control, built like the unit tests but with clang's fuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer.  `make test` runs each
# briefly (fuzz-check); without clang that says SKIPPED, except under CI.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -I. -Itests/fuzz -DVENEER_HOST_TEST -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_NEED_CC = @if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	echo "SKIPPED: host fuzzing: $(FUZZ_CC) is not installed (apt-get install clang libclang-rt-14-dev)"; \
	if [ "$${CI:-}" = true ]; then echo "FAIL: CI=true needs the fuzz targets"; exit 1; fi; exit 0; fi

fuzz-build: $(addprefix $(BUILD)/fuzz/,$(FUZZ_NAMES))

fuzz:
	$(FUZZ_NEED_CC); $(MAKE) fuzz-build && \
	tests/fuzz/run.sh $(BUILD) $(if $(FUZZ_RUNS),long $(FUZZ_RUNS),timed $(FUZZ_SECONDS))

fuzz-check:
	$(FUZZ_NEED_CC); $(MAKE) fuzz-build && tests/fuzz/run.sh $(BUILD) brief

# Linux booted again and again under veneer in Bochs, CPUs taken offline
# and back online each time; hangs and failures counted (scripts/soak.sh).
SOAK_RUNS   ?= 20
SOAK_CPUS   ?= 1 2 4
SOAK_CYCLES ?= 3
soak: deps
	$(MAKE) all linux-guest
	scripts/soak.sh --build $(BUILD) --runs $(SOAK_RUNS) --cpus "$(SOAK_CPUS)" --cycles $(SOAK_CYCLES)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# A fuzz target's kernel sources are its "// fuzz-source:" lines.
fuzz_sources = $(shell sed -n 's/^\/\/ fuzz-source: //p' tests/fuzz/$(1).c)
.SECONDEXPANSION:
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $$(call fuzz_sources,$$*) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(call fuzz_sources,$*) -o $@

# Installing veneer on a Debian system: the package (packaging/) and its
# tests in a debootstrap chroot (tests/installed/README.md).
.PHONY: deb test-deb test-installed
deb: $(BUILD)/veneer.elf
	scripts/make-deb.sh $(BUILD)/deb $(BUILD)/veneer.elf

test-deb: deb
	tests/installed/test-deb.py $(BUILD) $(BUILD)/deb/veneer_*_amd64.deb

test-installed: test-deb
	tests/installed/boot-installed.py $(BUILD)
