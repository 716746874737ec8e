/*
 * The guest as a whole (one per machine): its EPT, the MSR and I/O
 * bitmaps every vCPU shares, and the state its boot vCPU starts in.
 */
#ifndef VENEER_VMX_GUEST_H
#define VENEER_VMX_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/registers.h"
#include "vmx/ept.h"

enum guest_entry_mode {
	GUEST_ENTRY_LONG_MODE,          /* 64-bit, paging on with the given CR3 */
	GUEST_ENTRY_PROTECTED_MODE,     /* 32-bit flat segments, paging off (unrestricted guest) */
	GUEST_ENTRY_REAL_MODE,          /* CS:IP as after a SIPI (unrestricted guest) */
};

/* Guest activity states (SDM Vol. 3C, "Guest Non-Register State"). */
#define GUEST_ACTIVITY_ACTIVE           0
#define GUEST_ACTIVITY_HLT              1
#define GUEST_ACTIVITY_SHUTDOWN         2
#define GUEST_ACTIVITY_WAIT_FOR_SIPI    3

/* The first instruction's state.  Segments are flat (base 0, limit 4 GiB) except in real mode. */
struct guest_entry {
	enum guest_entry_mode mode;
	uint32_t activity_state;        /* GUEST_ACTIVITY_*: an AP may start waiting for a SIPI */
	struct general_registers regs;
	uint64_t rip;
	uint64_t rsp;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t code_selector;
	uint16_t data_selector;
	uint16_t real_mode_segment;     /* real mode: CS = this, RIP = offset */
	uint16_t real_mode_data_segment;        /* real mode: DS, ES, FS, GS and SS */
};

#define GUEST_IO_INTERCEPTS_MAX 16

struct vcpu;
struct io_qualification;
struct guest_memory_map;

struct guest_io_intercept {
	uint16_t first, count;
	bool (*handler)(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);
};

struct guest {
	struct ept ept;
	uint8_t *msr_bitmap;            /* 4 KiB */
	uint8_t *io_bitmap_a;           /* ports 0x0000-0x7FFF */
	uint8_t *io_bitmap_b;           /* ports 0x8000-0xFFFF */
	struct guest_entry entry;
	const char *name;               /* for the log: the module that holds it */
	bool protect_serial;            /* keep veneer's UART from the guest (test guests); an OS gets it */
	bool bios_firmware;             /* GRUB ran on a BIOS (no EFI system table): real-mode BIOS calls work */
	const struct guest_memory_map *memory_map;      /* what the guest was told (vmx/guest/boot.c) */
	struct guest_io_intercept io_intercepts[GUEST_IO_INTERCEPTS_MAX];
	unsigned io_intercept_count;
};

/* Builds EPT and the bitmaps (after the guest is loaded: the loader decides protect_serial); false with a message when the machine cannot run a guest. */
bool guest_init(struct guest *guest);

#endif
