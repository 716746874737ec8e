#include "kernel/string.h"
#include "vmx/guest/memory_map.h"

static bool append(struct guest_memory_map *map, uint64_t base, uint64_t end, uint32_t type)
{
	if (end <= base)
		return true;
	if (map->count == GUEST_MAP_MAX)
		return false;
	map->entries[map->count++] = (struct guest_map_entry){ base, end - base, type };
	return true;
}

/* Insertion sort by base: at most GUEST_MAP_MAX entries, usually a dozen. */
static void sort_by_base(struct guest_memory_map *map)
{
	for (size_t i = 1; i < map->count; i++) {
		struct guest_map_entry e = map->entries[i];
		size_t j = i;
		while (j > 0 && map->entries[j - 1].base > e.base) {
			map->entries[j] = map->entries[j - 1];
			j--;
		}
		map->entries[j] = e;
	}
}

static void merge_adjacent(struct guest_memory_map *map)
{
	size_t out = 0;

	for (size_t i = 0; i < map->count; i++) {
		struct guest_map_entry *prev = out ? &map->entries[out - 1] : NULL;
		struct guest_map_entry *e = &map->entries[i];
		if (prev && prev->type == e->type && prev->base + prev->length == e->base)
			prev->length += e->length;
		else
			map->entries[out++] = *e;
	}
	map->count = out;
}

bool guest_memory_map_build(const struct mb2_memory_range *firmware, size_t count,
			    const struct range_set *hidden, struct guest_memory_map *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		const struct mb2_memory_range *r = &firmware[i];
		uint64_t end = r->base + r->length;
		if (r->length == 0)
			continue;
		if (end < r->base)
			end = UINT64_MAX;
		if (r->type != GUEST_MEMORY_AVAILABLE) {
			if (!append(out, r->base, end, r->type))
				return false;
			continue;
		}
		/* Walk the available range, cutting out each hidden range it meets. */
		uint64_t at = r->base;
		for (size_t h = 0; h < hidden->count && at < end; h++) {
			uint64_t hs = hidden->ranges[h].start, he = hidden->ranges[h].end;
			if (he <= at || hs >= end)
				continue;
			if (!append(out, at, hs > at ? hs : at, GUEST_MEMORY_AVAILABLE) ||
			    !append(out, hs > at ? hs : at, he < end ? he : end, GUEST_MEMORY_RESERVED))
				return false;
			at = he < end ? he : end;
		}
		if (!append(out, at, end, GUEST_MEMORY_AVAILABLE))
			return false;
	}
	sort_by_base(out);
	merge_adjacent(out);
	return true;
}

void guest_memory_map_available(const struct guest_memory_map *map, struct range_set *out)
{
	out->count = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->entries[i].type == GUEST_MEMORY_AVAILABLE)
			range_set_add(out, map->entries[i].base, map->entries[i].base + map->entries[i].length);
}
