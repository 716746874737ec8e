/*
 * What the guest found when veneer started it.  entry{32,64}.S stores the
 * registers the boot contract defines in entry_regs[] before touching
 * anything (it lives in .data because .bss is zeroed afterwards);
 * guest_start() adds the segment, descriptor-table and control registers
 * before the runtime replaces them.  test_boot.c checks it all.
 */
#ifndef VENEER_TESTS_GUESTS_ENTRY_STATE_H
#define VENEER_TESTS_GUESTS_ENTRY_STATE_H

#define ENTRY_REG_AX            0
#define ENTRY_REG_BX            1
#define ENTRY_REG_DI            2
#define ENTRY_REG_SI            3
#define ENTRY_REG_SP            4
#define ENTRY_REG_FLAGS         5
#define ENTRY_REG_COUNT         6

#ifndef __ASSEMBLY__
#include <stdint.h>

extern unsigned long entry_regs[ENTRY_REG_COUNT];

struct entry_state {
	unsigned long ax, bx, di, si, sp, flags;
	unsigned long cr0, cr3, cr4;
	uint16_t cs, ds, es, ss;
	uintptr_t gdt_base;
	uint16_t gdt_limit;
	const char *cmdline;    /* RSI in the 64-bit guest, EBX in the 32-bit one */
};

extern struct entry_state entry_state;
#endif

#endif
