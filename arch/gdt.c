/*
 * Per-CPU GDT and TSS.  In 64-bit mode segmentation is nearly gone: a code
 * and a data descriptor with the right attribute bits, and the TSS, whose
 * only job left is to hold the interrupt stacks (IST) for the exceptions
 * that must not run on a possibly broken stack.
 */
#include "arch/descriptors.h"
#include "kernel/string.h"

#define SEG_CODE64_DPL0 0x00AF9A000000FFFFULL   /* present, DPL 0, code, readable, L=1 */
#define SEG_DATA_DPL0   0x00CF92000000FFFFULL   /* present, DPL 0, data, writable */
#define TSS_AVAILABLE   0x9ULL

static void set_tss_descriptor(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (TSS_AVAILABLE << 40) |
		  (1ULL << 47) /* present */ | (((limit >> 16) & 0xF) << 48) |
		  (((base >> 24) & 0xFF) << 56);
	slot[1] = base >> 32;
}

void descriptors_load(struct cpu_descriptors *d)
{
	memset(&d->tss, 0, sizeof(d->tss));
	for (int i = 0; i < IST_COUNT; i++)
		d->tss.ist[i] = (uint64_t)(uintptr_t)(d->ist_stacks[i] + IST_STACK_SIZE);
	d->tss.io_map_base = sizeof(d->tss);    /* no I/O permission bitmap */

	d->gdt[0] = 0;
	d->gdt[GDT_KERNEL_CODE / 8] = SEG_CODE64_DPL0;
	d->gdt[GDT_KERNEL_DATA / 8] = SEG_DATA_DPL0;
	set_tss_descriptor(&d->gdt[GDT_TSS / 8], &d->tss);

	struct descriptor_pointer gdtr = { sizeof(d->gdt) - 1, (uint64_t)(uintptr_t)d->gdt };

	/* Reload CS with a far return; the other segment registers directly.  FS and GS stay 0: their bases are MSRs. */
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w2, %%ds\n\t"
		     "movw %w2, %%es\n\t"
		     "movw %w2, %%ss\n\t"
		     : : "m"(gdtr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA) : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
	idt_load();
}
