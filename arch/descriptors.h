/*
 * GDT, TSS and IDT (SDM Vol. 3A, chapters 3, 7 and 7.14 for 64-bit mode).
 * Each CPU has its own GDT and TSS (the TSS holds that CPU's interrupt
 * stacks); the IDT is shared.  The selectors are also the VMCS host
 * selectors, so they must have RPL 0 and TI 0 (SDM Vol. 3C, 28.2.3).
 */
#ifndef VENEER_ARCH_DESCRIPTORS_H
#define VENEER_ARCH_DESCRIPTORS_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS         0x18    /* a 16-byte system descriptor: two entries */
#define GDT_ENTRIES     5

/* Interrupt stack table slots (1-based as in the IDT gate's IST field). */
#define IST_DOUBLE_FAULT        1
#define IST_NMI                 2
#define IST_MACHINE_CHECK       3
#define IST_COUNT               3
#define IST_STACK_SIZE          8192

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t io_map_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* One CPU's descriptor tables and interrupt stacks. */
struct cpu_descriptors {
	uint64_t gdt[GDT_ENTRIES];
	struct tss64 tss;
	uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
};

/* Fills and loads the GDT, TSS and the shared IDT on the calling CPU. */
void descriptors_load(struct cpu_descriptors *d);
/* Builds the shared IDT once, on the boot CPU; idt_load installs it on the calling CPU. */
void idt_build(void);
void idt_load(void);

static inline struct descriptor_pointer read_gdtr(void)
{
	struct descriptor_pointer p;

	asm volatile("sgdt %0" : "=m"(p));
	return p;
}

static inline struct descriptor_pointer read_idtr(void)
{
	struct descriptor_pointer p;

	asm volatile("sidt %0" : "=m"(p));
	return p;
}

#endif
