/*
 * The physical page allocator.  It hands out pages of the hypervisor's
 * pool only (kernel/memory_plan.h), so nothing it returns can be the
 * kernel image, the boot information, a module, low memory or the guest's
 * RAM.  Allocations are contiguous runs of pages, aligned as asked.
 */
#ifndef VENEER_KERNEL_PAGE_ALLOC_H
#define VENEER_KERNEL_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/ranges.h"

struct page_allocator {
	struct range_set free;
	struct phys_range pool;
	uint64_t free_bytes;
};

void page_allocator_init(struct page_allocator *a, struct phys_range pool);
/* Returns the physical address of `pages` contiguous pages aligned to `alignment` (a power of two >= 4096), or 0. */
uint64_t page_allocator_take(struct page_allocator *a, size_t pages, uint64_t alignment);
/* Gives pages back; false (and nothing freed) for a range that is not an allocated part of the pool. */
bool page_allocator_give(struct page_allocator *a, uint64_t address, size_t pages);

/* The kernel's allocator: zeroed pages, panics on exhaustion with the amount asked for. */
void *alloc_pages(size_t pages);
void *alloc_pages_aligned(size_t pages, uint64_t alignment);
void free_pages(void *address, size_t pages);
void page_alloc_init(struct phys_range pool);
uint64_t page_alloc_free_bytes(void);

#endif
