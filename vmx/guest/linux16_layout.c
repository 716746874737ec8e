#include "vmx/guest/linux16_layout.h"

uint64_t linux16_block_size(uint32_t cmdline_max)
{
	return LINUX16_CMDLINE_OFFSET + (uint64_t)cmdline_max + 1;
}

uint64_t linux16_block_base(const struct range_set *free, uint64_t block_size)
{
	uint64_t best = 0;

	for (size_t i = 0; i < free->count; i++) {
		const struct phys_range *r = &free->ranges[i];
		uint64_t end = r->end < LINUX16_LOW_MEMORY_END ? r->end : LINUX16_LOW_MEMORY_END;
		if (end <= r->start || end - r->start < block_size)
			continue;
		uint64_t base = align_down(end - block_size, 16);
		if (base > LINUX16_HIGHEST_BASE)
			base = LINUX16_HIGHEST_BASE;
		/* Segment 0 is the interrupt vector table's: a block there would start on it. */
		if (base >= r->start && base > 0 && base > best)
			best = base;
	}
	return best;
}
