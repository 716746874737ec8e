#include "kernel/memory_plan.h"
#include "kernel/string.h"

/*
 * Chooses the highest 2 MiB-aligned block of size bytes in free below
 * 4 GiB.  Below 4 GiB, because the boot page tables map only that much and
 * the AP trampoline loads CR3 in 32-bit mode; as high as possible, because
 * DMA-limited devices of the guest want low memory; 2 MiB-aligned, so that
 * EPT hides it with large pages.
 */
static bool choose_pool(const struct range_set *free, uint64_t size, struct phys_range *pool,
			uint64_t *largest)
{
	bool found = false;

	*largest = 0;
	for (size_t i = 0; i < free->count; i++) {
		const struct phys_range *r = &free->ranges[i];
		uint64_t end = r->end < POOL_LIMIT ? r->end : POOL_LIMIT;
		if (end <= r->start)
			continue;
		if (end - r->start > *largest)
			*largest = end - r->start;
		if (end < size)
			continue;
		uint64_t start = align_down(end - size, LARGE_PAGE_SIZE);
		if (start < r->start)
			continue;
		if (!found || start > pool->start) {
			pool->start = start;
			pool->end = start + size;
			found = true;
		}
	}
	return found;
}

/* The highest free pair of pages below TRAMPOLINE_LIMIT, above page 0 (real-mode interrupt vectors and BIOS data). */
static bool choose_trampoline(const struct range_set *usable, const struct range_set *in_use,
			      struct phys_range *out)
{
	for (uint64_t start = TRAMPOLINE_LIMIT - TRAMPOLINE_SIZE; start >= PAGE_SIZE; start -= PAGE_SIZE) {
		if (range_set_contains(usable, start, start + TRAMPOLINE_SIZE) &&
		    !range_set_overlaps(in_use, start, start + TRAMPOLINE_SIZE)) {
			out->start = start;
			out->end = start + TRAMPOLINE_SIZE;
			return true;
		}
	}
	return false;
}

enum memory_plan_result memory_plan_make(const struct memory_plan_input *in, struct memory_plan *out)
{
	memset(out, 0, sizeof(*out));

	/* Whole pages only: round every usable range inward. */
	struct range_set usable = { .count = 0 };
	for (size_t i = 0; i < in->usable.count; i++) {
		uint64_t start = align_up(in->usable.ranges[i].start, PAGE_SIZE);
		uint64_t end = align_down(in->usable.ranges[i].end, PAGE_SIZE);
		if (start < end && !range_set_add(&usable, start, end))
			return MEMORY_PLAN_TOO_FRAGMENTED;
	}

	out->free = usable;
	if (!range_set_remove(&out->free, 0, LOW_MEMORY_END))
		return MEMORY_PLAN_TOO_FRAGMENTED;
	for (size_t i = 0; i < in->in_use.count; i++) {
		uint64_t start = align_down(in->in_use.ranges[i].start, PAGE_SIZE);
		uint64_t end = align_up(in->in_use.ranges[i].end, PAGE_SIZE);
		if (!range_set_remove(&out->free, start, end))
			return MEMORY_PLAN_TOO_FRAGMENTED;
	}

	if (!choose_pool(&out->free, in->pool_size, &out->pool, &out->largest_free_block))
		return MEMORY_PLAN_NO_POOL;
	if (!range_set_remove(&out->free, out->pool.start, out->pool.end))
		return MEMORY_PLAN_TOO_FRAGMENTED;

	choose_trampoline(&usable, &in->in_use, &out->trampoline);

	if (!range_set_add(&out->owned, align_down(in->kernel_image.start, PAGE_SIZE),
			   align_up(in->kernel_image.end, PAGE_SIZE)) ||
	    !range_set_add(&out->owned, out->pool.start, out->pool.end) ||
	    !range_set_add(&out->owned, out->trampoline.start, out->trampoline.end))
		return MEMORY_PLAN_TOO_FRAGMENTED;
	return MEMORY_PLAN_OK;
}
