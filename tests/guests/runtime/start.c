/*
 * From entry{32,64}.S to guest_main(): complete the record of the entry
 * state (entry_state.h) before the runtime changes anything, then install
 * the guest's own GDT and IDT.
 */
#include "tests/guests/runtime/descriptors.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/guest.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

struct entry_state entry_state;

#define READ_SEGMENT(reg) ({                                    \
	uint16_t selector_;                                     \
	asm volatile("mov %%" #reg ", %0" : "=r"(selector_));   \
	selector_;                                              \
})

void guest_start(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} gdtr;
	struct entry_state *s = &entry_state;

	s->ax = entry_regs[ENTRY_REG_AX];
	s->bx = entry_regs[ENTRY_REG_BX];
	s->di = entry_regs[ENTRY_REG_DI];
	s->si = entry_regs[ENTRY_REG_SI];
	s->sp = entry_regs[ENTRY_REG_SP];
	s->flags = entry_regs[ENTRY_REG_FLAGS];
	s->cs = READ_SEGMENT(cs);
	s->ds = READ_SEGMENT(ds);
	s->es = READ_SEGMENT(es);
	s->ss = READ_SEGMENT(ss);
	asm volatile("sgdt %0" : "=m"(gdtr));
	s->gdt_base = gdtr.base;
	s->gdt_limit = gdtr.limit;
	s->cr0 = cr0_read();
	s->cr3 = cr3_read();
	s->cr4 = cr4_read();
#ifdef __x86_64__
	s->cmdline = (const char *)s->si;
#else
	s->cmdline = (const char *)s->bx;
#endif
	if (!s->cmdline)
		s->cmdline = "";        /* test_boot.c reports it */

	gdt_init();
	idt_init();
	guest_main(s->cmdline);
	report_finish();
}

void guest_exit(unsigned code)
{
	hc_shutdown(code);
	/* Still here: the hypervisor ignored the shutdown.  Say so and stop. */
	guest_printf("FAIL: runtime: the shutdown hypercall returned");
	halt_forever();
}
