/*
 * The IDT, shared by all CPUs.  Exceptions that can arrive on a broken
 * stack get their own known-good stack through the TSS's IST: a double
 * fault (often a stack overflow), an NMI (can interrupt anything,
 * including the instant after a VM exit) and a machine check.
 */
#include "arch/apic.h"
#include "arch/descriptors.h"
#include "arch/exceptions.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attributes;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

#define GATE_INTERRUPT_DPL0 0x8E        /* present, DPL 0, 64-bit interrupt gate */

extern const uint64_t exception_stubs[32];
extern const char wakeup_interrupt[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xFFFF,
		.selector = GDT_KERNEL_CODE,
		.ist = (uint8_t)ist,
		.type_attributes = GATE_INTERRUPT_DPL0,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_high = (uint32_t)(handler >> 32),
	};
}

void idt_build(void)
{
	for (unsigned v = 0; v < 32; v++)
		set_gate(v, exception_stubs[v], 0);
	set_gate(VECTOR_DF, exception_stubs[VECTOR_DF], IST_DOUBLE_FAULT);
	set_gate(VECTOR_NMI, exception_stubs[VECTOR_NMI], IST_NMI);
	set_gate(VECTOR_MC, exception_stubs[VECTOR_MC], IST_MACHINE_CHECK);
	/*
	 * Interrupts reach veneer only while an idle CPU waits in STI;HLT: its
	 * own wake-up IPI, or a stray device interrupt routed to an idle CPU.
	 * Either is acknowledged and otherwise ignored.
	 */
	for (unsigned v = 32; v < 256; v++)
		set_gate(v, (uint64_t)(uintptr_t)wakeup_interrupt, 0);
}

void idt_load(void)
{
	struct descriptor_pointer idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	asm volatile("lidt %0" : : "m"(idtr));
}
