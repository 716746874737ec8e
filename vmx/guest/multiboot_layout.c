#include "vmx/guest/multiboot_layout.h"

uint64_t multiboot2_relocation_target(const struct range_set *free, const struct multiboot2_request *r,
				      uint64_t span)
{
	uint64_t align = r->align > 4096 ? r->align : 4096;
	uint64_t low = r->min_addr, high = (uint64_t)r->max_addr + 1;
	uint64_t best = 0;

	for (size_t i = 0; i < free->count; i++) {
		const struct phys_range *f = &free->ranges[i];
		uint64_t start = align_up(f->start > low ? f->start : low, align);
		uint64_t end = f->end < high ? f->end : high;
		if (start >= end || end - start < span)
			continue;
		if (r->preference == MB2_RELOCATABLE_PREFER_HIGH) {
			uint64_t top = align_down(end - span, align);
			if (top >= start && top > best)
				best = top;
		} else if (!best) {
			best = start;
		}
	}
	return best;
}

uint64_t multiboot2_entry(const struct multiboot2_request *r, uint64_t image_entry, uint64_t link_base,
			  uint64_t load_base)
{
	uint64_t entry = r->has_entry ? r->entry : image_entry;

	/* Unsigned wrap-around gives the right sum whichever way the image moved. */
	if (r->relocatable)
		entry += load_base - link_base;
	return entry;
}
