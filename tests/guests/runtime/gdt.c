/*
 * The guest's own GDT (descriptors.h).  The guest may not write veneer's
 * boot area, and the CPU would: it sets a descriptor's accessed bit the
 * first time a selector is loaded from it, an exception's CS included.  So
 * the runtime brings a copy of the boot GDT with the accessed bits already
 * set, plus, in the 64-bit guest, the user segments and the TSS (whose
 * RSP0 is the stack an interrupt from CPL 3 runs on) that the user-mode
 * VMCALL test needs.
 */
#include <stdint.h>

#include "tests/guests/runtime/descriptors.h"

/* Access byte (SDM Vol. 3A, 3.4.5 "Segment Descriptors"). */
#define ACCESS_PRESENT          0x80
#define ACCESS_DPL3             0x60
#define ACCESS_CODE_OR_DATA     0x10    /* S: not a system descriptor */
#define ACCESS_CODE_READ        0x0B    /* execute/read, accessed */
#define ACCESS_DATA_WRITE       0x03    /* read/write, accessed */
#define ACCESS_TSS64_AVAILABLE  0x09

/* Flags nibble. */
#define FLAGS_GRANULARITY_4K    0x8
#define FLAGS_32BIT             0x4     /* D/B */
#define FLAGS_64BIT             0x2     /* L */

/* A flat segment: base 0, limit 4 GiB. */
#define FLAT_SEGMENT(access, flags) \
	(0xFFFFull | (uint64_t)(access) << 40 | (uint64_t)(0xF | (FLAGS_GRANULARITY_4K | (flags)) << 4) << 48)

#define KERNEL_CODE     (ACCESS_PRESENT | ACCESS_CODE_OR_DATA | ACCESS_CODE_READ)
#define KERNEL_DATA     (ACCESS_PRESENT | ACCESS_CODE_OR_DATA | ACCESS_DATA_WRITE)

static uint64_t gdt[8] __attribute__((aligned(16))) = {
	[GUEST_SEL_CODE64 / 8] = FLAT_SEGMENT(KERNEL_CODE, FLAGS_64BIT),
	[GUEST_SEL_DATA / 8] = FLAT_SEGMENT(KERNEL_DATA, FLAGS_32BIT),
	[GUEST_SEL_CODE32 / 8] = FLAT_SEGMENT(KERNEL_CODE, FLAGS_32BIT),
#ifdef __x86_64__
	[GUEST_SEL_USER_CODE64 / 8] = FLAT_SEGMENT(KERNEL_CODE | ACCESS_DPL3, FLAGS_64BIT),
	[GUEST_SEL_USER_DATA / 8] = FLAT_SEGMENT(KERNEL_DATA | ACCESS_DPL3, FLAGS_32BIT),
	/* GUEST_SEL_TSS: two entries, filled in by gdt_init() */
#endif
};

#ifdef __x86_64__
/* SDM Vol. 3A, 8.7 "Task Management in 64-bit Mode". */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t io_bitmap_offset;
} __attribute__((packed));

static struct tss64 tss;
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));

static void set_tss_descriptor(void)
{
	uint64_t base = (uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.rsp[0] = (uintptr_t)(ring0_stack + sizeof(ring0_stack));
	tss.io_bitmap_offset = sizeof(tss);     /* no I/O bitmap */
	gdt[GUEST_SEL_TSS / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 |
				 (uint64_t)(ACCESS_PRESENT | ACCESS_TSS64_AVAILABLE) << 40 |
				 ((base >> 24) & 0xFF) << 56;
	gdt[GUEST_SEL_TSS / 8 + 1] = base >> 32;
}
#endif

void gdt_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };

#ifdef __x86_64__
	set_tss_descriptor();
	asm volatile("lgdt %[gdtr]\n\t"
		     /* Reload CS through a far return, then the data segments. */
		     "pushq %[code]\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %[data], %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%eax, %%gs\n\t"
		     "movw %[tss], %%ax\n\t"
		     "ltr %%ax"
		     : : [gdtr] "m"(gdtr), [code] "i"(GUEST_SEL_CODE64), [data] "i"(GUEST_SEL_DATA),
		       [tss] "i"(GUEST_SEL_TSS)
		     : "rax", "memory");
#else
	asm volatile("lgdt %[gdtr]\n\t"
		     "ljmp %[code], $1f\n"
		     "1:\n\t"
		     "movl %[data], %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%eax, %%gs"
		     : : [gdtr] "m"(gdtr), [code] "i"(GUEST_SEL_CODE32), [data] "i"(GUEST_SEL_DATA)
		     : "eax", "memory");
#endif
}
