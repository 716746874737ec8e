/*
 * The guest's IDT: interrupt gates for the 32 exception vectors to the
 * stubs in exceptions{32,64}.S, and room for the user-return gate that
 * usermode64.c adds.  Gates are interrupt gates (interrupts stay off).
 */
#include <stdint.h>

#include "tests/guests/runtime/descriptors.h"

#define GATE_PRESENT            0x80
#define GATE_DPL(dpl)           ((dpl) << 5)
#define GATE_INTERRUPT          0x0E    /* 32-bit or 64-bit interrupt gate */

#ifdef __x86_64__
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
};
#define GATE_SELECTOR           GUEST_SEL_CODE64
#else
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t reserved;
	uint8_t type;
	uint16_t offset_high;
};
#define GATE_SELECTOR           GUEST_SEL_CODE32
#endif

#define IDT_VECTORS             (USER_RETURN_VECTOR + 1)

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

void idt_set_gate(unsigned vector, uintptr_t handler, unsigned dpl)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xFFFF;
	g->selector = GATE_SELECTOR;
	g->type = GATE_PRESENT | GATE_DPL(dpl) | GATE_INTERRUPT;
#ifdef __x86_64__
	g->offset_middle = (handler >> 16) & 0xFFFF;
	g->offset_high = (uint32_t)(handler >> 32);
#else
	g->offset_high = handler >> 16;
#endif
}

void idt_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned vector = 0; vector < 32; vector++)
		idt_set_gate(vector, exception_stubs[vector], 0);
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}
