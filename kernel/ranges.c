#include "kernel/ranges.h"
#include "kernel/string.h"

bool range_set_add(struct range_set *set, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;

	/* Find the first range that ends at or after start (touching ranges merge). */
	size_t i = 0;
	while (i < set->count && set->ranges[i].end < start)
		i++;
	/* Absorb every range that starts at or before end. */
	size_t j = i;
	while (j < set->count && set->ranges[j].start <= end) {
		if (set->ranges[j].start < start)
			start = set->ranges[j].start;
		if (set->ranges[j].end > end)
			end = set->ranges[j].end;
		j++;
	}
	size_t absorbed = j - i;
	if (absorbed == 0) {
		if (set->count == RANGE_SET_MAX)
			return false;
		memmove(&set->ranges[i + 1], &set->ranges[i], (set->count - i) * sizeof(set->ranges[0]));
		set->count++;
	} else if (absorbed > 1) {
		memmove(&set->ranges[i + 1], &set->ranges[j], (set->count - j) * sizeof(set->ranges[0]));
		set->count -= absorbed - 1;
	}
	set->ranges[i].start = start;
	set->ranges[i].end = end;
	return true;
}

bool range_set_remove(struct range_set *set, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	for (size_t i = 0; i < set->count; i++) {
		struct phys_range *r = &set->ranges[i];
		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* A hole in the middle: split in two. */
			if (set->count == RANGE_SET_MAX)
				return false;
			memmove(&set->ranges[i + 1], &set->ranges[i], (set->count - i) * sizeof(*r));
			set->count++;
			set->ranges[i].end = start;
			set->ranges[i + 1].start = end;
			return true;
		}
		if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			memmove(r, r + 1, (set->count - i - 1) * sizeof(*r));
			set->count--;
			i--;
		}
	}
	return true;
}

bool range_set_contains(const struct range_set *set, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->ranges[i].start <= start && end <= set->ranges[i].end)
			return true;
	return false;
}

bool range_set_overlaps(const struct range_set *set, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->ranges[i].start < end && start < set->ranges[i].end)
			return true;
	return false;
}

uint64_t range_set_total(const struct range_set *set)
{
	uint64_t total = 0;

	for (size_t i = 0; i < set->count; i++)
		total += set->ranges[i].end - set->ranges[i].start;
	return total;
}
