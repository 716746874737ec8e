/* The pure part of the page allocator (host-tested); see kernel/page_alloc_kernel.c for the kernel's wrappers. */
#include "kernel/memory_plan.h"
#include "kernel/page_alloc.h"

void page_allocator_init(struct page_allocator *a, struct phys_range pool)
{
	a->free.count = 0;
	a->pool = pool;
	range_set_add(&a->free, pool.start, pool.end);
	a->free_bytes = pool.end - pool.start;
}

uint64_t page_allocator_take(struct page_allocator *a, size_t pages, uint64_t alignment)
{
	uint64_t size = (uint64_t)pages * PAGE_SIZE;

	if (pages == 0 || alignment < PAGE_SIZE || (alignment & (alignment - 1)))
		return 0;
	/* First fit from the bottom keeps the top of the pool in large unbroken blocks. */
	for (size_t i = 0; i < a->free.count; i++) {
		const struct phys_range *r = &a->free.ranges[i];
		uint64_t start = align_up(r->start, alignment);
		if (start >= r->start && start + size > start && start + size <= r->end) {
			if (!range_set_remove(&a->free, start, start + size))
				return 0;
			a->free_bytes -= size;
			return start;
		}
	}
	return 0;
}

bool page_allocator_give(struct page_allocator *a, uint64_t address, size_t pages)
{
	uint64_t size = (uint64_t)pages * PAGE_SIZE;

	if (pages == 0 || (address & (PAGE_SIZE - 1)) || address < a->pool.start ||
	    address + size > a->pool.end || address + size < address ||
	    range_set_overlaps(&a->free, address, address + size))
		return false;
	if (!range_set_add(&a->free, address, address + size))
		return false;
	a->free_bytes += size;
	return true;
}
