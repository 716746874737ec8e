#include "kernel/memory_plan.h"
#include "kernel/smbase_layout.h"
#include "kernel/string.h"

/*
 * When the pool cannot sit right below the image (a boot loader that put
 * veneer low, or something in the way): the highest 2 MiB-aligned block of
 * size bytes in free below 4 GiB.  Below 4 GiB, because the boot page tables map only that much and
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

/*
 * The pool directly below the image, ending on the 2 MiB boundary at or
 * below the image's start, when that block is free: then image and pool
 * are one block (GRUB loads veneer as high as it can, so the block is at
 * the top of RAM below 4 GiB and the guest's memory map has one reserved
 * range near the top).  The few pages between the pool and an image that
 * does not start on a 2 MiB boundary must be RAM; they join the block.
 */
static bool choose_pool_below_image(const struct range_set *usable, const struct range_set *free,
				    struct phys_range image, uint64_t size, struct phys_range *pool)
{
	uint64_t end = align_down(image.start, LARGE_PAGE_SIZE);

	if (end < size || end > POOL_LIMIT || image.end <= image.start)
		return false;
	if (!range_set_contains(free, end - size, end) ||
	    !range_set_contains(usable, end - size, align_down(image.start, PAGE_SIZE)))
		return false;
	pool->start = end - size;
	pool->end = end;
	return true;
}

/*
 * veneer's block: the pool, the image and what lies between, and the RAM
 * after the image when less than a large page of it is left before the end
 * of its range (too little for a guest to miss, and one range is simpler
 * for everyone reading the guest's memory map).
 */
static struct phys_range veneer_block(const struct range_set *usable, struct phys_range image,
				      struct phys_range pool)
{
	struct phys_range block = { pool.start, align_up(image.end, PAGE_SIZE) };

	for (size_t i = 0; i < usable->count; i++) {
		const struct phys_range *r = &usable->ranges[i];
		if (r->start < block.end && block.end <= r->end && r->end - block.end < LARGE_PAGE_SIZE)
			block.end = r->end;
	}
	return block;
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

	struct phys_range image = { align_down(in->kernel_image.start, PAGE_SIZE),
				    align_up(in->kernel_image.end, PAGE_SIZE) };
	out->largest_free_block = 0;
	if (choose_pool_below_image(&usable, &out->free, in->kernel_image, in->pool_size, &out->pool)) {
		out->pool_next_to_image = true;
		struct phys_range block = veneer_block(&usable, in->kernel_image, out->pool);
		if (!range_set_add(&out->owned, block.start, block.end))
			return MEMORY_PLAN_TOO_FRAGMENTED;
	} else {
		if (!choose_pool(&out->free, in->pool_size, &out->pool, &out->largest_free_block))
			return MEMORY_PLAN_NO_POOL;
		if (!range_set_add(&out->owned, image.start, image.end) ||
		    !range_set_add(&out->owned, out->pool.start, out->pool.end))
			return MEMORY_PLAN_TOO_FRAGMENTED;
	}
	for (size_t i = 0; i < out->owned.count; i++)
		if (!range_set_remove(&out->free, out->owned.ranges[i].start, out->owned.ranges[i].end))
			return MEMORY_PLAN_TOO_FRAGMENTED;

	choose_trampoline(&usable, &in->in_use, &out->trampoline);
	if (!range_set_add(&out->owned, out->trampoline.start, out->trampoline.end))
		return MEMORY_PLAN_TOO_FRAGMENTED;
	return MEMORY_PLAN_OK;
}

/* Tables of a 4-level map of [0, limit) with 2 MiB leaves: the PML4, a PDPT per 512 GiB, a page directory per GiB. */
static uint64_t map_tables(uint64_t limit)
{
	return 1 + (limit + (512ULL << 30) - 1) / (512ULL << 30) + (limit + (1ULL << 30) - 1) / (1ULL << 30);
}

uint64_t memory_plan_pool_size(const struct pool_need *need)
{
	uint64_t pages = (uint64_t)need->cpus * POOL_PAGES_PER_CPU + POOL_FIXED_PAGES;

	/* The guest's EPT: the tables, and a 4 KiB table at each end of a range or MTRR that splits a 2 MiB block. */
	pages += map_tables(need->map_limit) + 2 * (uint64_t)need->memory_ranges + POOL_MTRR_TABLES + 1;
	/* The kernel's identity map, its image in 4 KiB pages. */
	pages += map_tables(need->map_limit) + need->image_bytes / LARGE_PAGE_SIZE + 2;
	pages += (need->boot_info_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	/* Every CPU's SMM entry point and state save area (kernel/smbase_layout.h). */
	pages += (smbase_region_bytes(need->smm_cpus) + PAGE_SIZE - 1) / PAGE_SIZE;

	uint64_t bytes = pages * PAGE_SIZE;
	bytes = align_up(bytes + bytes / POOL_MARGIN_DIVISOR, LARGE_PAGE_SIZE);
	return bytes < POOL_MIN ? POOL_MIN : bytes;
}
