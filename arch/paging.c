/*
 * The hypervisor's page tables (SDM Vol. 3A, 5.5 "4-level paging").  The
 * boot code's tables map 4 GiB read-write-execute with 2 MiB pages; these
 * replace them once the memory map is known.  NX (EFER.NXE) was enabled by
 * the boot code when the CPU has it; without it the W^X split is reduced
 * to write protection, and the boot log says so.
 */
#include <stdbool.h>

#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/paging.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"

#define GiB (1ULL << 30)
#define TWO_MiB (2ULL << 20)
#define ENTRIES 512

extern int boot_cpu_has_nx;
extern char boot_stack_guard[];

static uint64_t kernel_cr3;
static uint64_t nx_bit;

uint64_t paging_kernel_cr3(void)
{
	return kernel_cr3;
}

static uint64_t *new_table(void)
{
	return alloc_pages(1);
}

static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_PRESENT)) {
		uint64_t *t = new_table();
		*entry = (uint64_t)(uintptr_t)t | PTE_PRESENT | PTE_WRITABLE;
	}
	BUG_ON(*entry & PTE_LARGE);
	return (uint64_t *)(uintptr_t)(*entry & PTE_ADDRESS_MASK);
}

/* The permissions of one 4 KiB page of the kernel image. */
static uint64_t kernel_page_flags(uint64_t address)
{
	uint64_t a = address;

	if (a == (uint64_t)(uintptr_t)boot_stack_guard)
		return 0;                                       /* guard: a stack overflow faults here */
	if (a >= (uint64_t)(uintptr_t)__text_start && a < (uint64_t)(uintptr_t)__text_end)
		return PTE_PRESENT;                             /* read-only, executable */
	if (a >= (uint64_t)(uintptr_t)__rodata_start && a < (uint64_t)(uintptr_t)__rodata_end)
		return PTE_PRESENT | nx_bit;
	if (a >= (uint64_t)(uintptr_t)__ksymtab_start && a < (uint64_t)(uintptr_t)__ksymtab_end)
		return PTE_PRESENT | nx_bit;
	return PTE_PRESENT | PTE_WRITABLE | nx_bit;             /* data, bss */
}

uint64_t paging_init(uint64_t limit)
{
	bool gb_pages = cpu_has_1gb_pages();
	uint64_t kernel_start = (uint64_t)(uintptr_t)__kernel_start;
	uint64_t kernel_end = align_up((uint64_t)(uintptr_t)__kernel_end, TWO_MiB);
	uint64_t *pml4 = new_table();

	nx_bit = boot_cpu_has_nx ? PTE_NX : 0;
	kernel_start = align_down(kernel_start, TWO_MiB);

	for (uint64_t base = 0; base < limit; base += GiB) {
		uint64_t *pml4e = &pml4[(base >> 39) & 511];
		uint64_t *pdpt = next_table(pml4e);
		uint64_t *pdpte = &pdpt[(base >> 30) & 511];
		bool holds_kernel = base < kernel_end && kernel_start < base + GiB;

		if (gb_pages && !holds_kernel) {
			*pdpte = base | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE | nx_bit;
			continue;
		}
		uint64_t *pd = next_table(pdpte);
		for (uint64_t i = 0; i < ENTRIES; i++) {
			uint64_t at = base + i * TWO_MiB;
			if (at < kernel_start || at >= kernel_end) {
				pd[i] = at | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE | nx_bit;
				continue;
			}
			uint64_t *pt = next_table(&pd[i]);
			for (uint64_t j = 0; j < ENTRIES; j++) {
				uint64_t page = at + j * 4096;
				bool in_image = page >= (uint64_t)(uintptr_t)__kernel_start &&
						page < (uint64_t)(uintptr_t)__kernel_end;
				uint64_t flags = in_image ? kernel_page_flags(page)
							  : PTE_PRESENT | PTE_WRITABLE | nx_bit;
				pt[j] = flags ? page | flags : 0;
			}
		}
	}

	kernel_cr3 = (uint64_t)(uintptr_t)pml4;
	write_cr3(kernel_cr3);
	pr_info("paging: identity map of %llu GiB with %s pages; kernel image W^X%s",
		(unsigned long long)(limit / GiB), gb_pages ? "1 GiB" : "2 MiB",
		nx_bit ? "" : " without NX (this CPU has no execute-disable bit)");
	return kernel_cr3;
}
