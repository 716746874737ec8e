/*
 * The guest's own GDT and IDT (gdt.c, idt.c).  The selectors repeat the
 * boot GDT that veneer builds at 0x1000, so switching to the guest's table
 * changes nothing for code already running; the 64-bit guest adds user
 * segments and a TSS for the CPL-3 VMCALL test (usermode64.c).
 */
#ifndef VENEER_TESTS_GUESTS_DESCRIPTORS_H
#define VENEER_TESTS_GUESTS_DESCRIPTORS_H

#define GUEST_SEL_CODE64        0x08            /* as in the boot GDT */
#define GUEST_SEL_DATA          0x10            /* as in the boot GDT */
#define GUEST_SEL_CODE32        0x18            /* as in the boot GDT */
#define GUEST_SEL_USER_CODE64   (0x20 | 3)      /* 64-bit guest only, RPL 3 */
#define GUEST_SEL_USER_DATA     (0x28 | 3)      /* 64-bit guest only, RPL 3 */
#define GUEST_SEL_TSS           0x30            /* 64-bit guest only */

/* The gate user mode returns through (DPL 3, usermode64.S). */
#define USER_RETURN_VECTOR      0x40

#ifndef __ASSEMBLY__
#include <stdint.h>

void gdt_init(void);
void idt_init(void);
void idt_set_gate(unsigned vector, uintptr_t handler, unsigned dpl);

/* The stub of each exception vector 0-31, in exceptions{32,64}.S. */
extern const uintptr_t exception_stubs[32];
#endif

#endif
