/*
 * Sets of physical address ranges: sorted, non-overlapping, merged.  The
 * memory planner builds "usable RAM minus what is taken" with these, and
 * the page allocator keeps its free list in one.
 */
#ifndef VENEER_KERNEL_RANGES_H
#define VENEER_KERNEL_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RANGE_SET_MAX 128

struct phys_range {
	uint64_t start;
	uint64_t end;           /* exclusive */
};

struct range_set {
	struct phys_range ranges[RANGE_SET_MAX];
	size_t count;
};

/* Both return false (and leave the set unchanged) when the set would need more than RANGE_SET_MAX ranges. */
bool range_set_add(struct range_set *set, uint64_t start, uint64_t end);
bool range_set_remove(struct range_set *set, uint64_t start, uint64_t end);

bool range_set_contains(const struct range_set *set, uint64_t start, uint64_t end);
bool range_set_overlaps(const struct range_set *set, uint64_t start, uint64_t end);
uint64_t range_set_total(const struct range_set *set);

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

#endif
