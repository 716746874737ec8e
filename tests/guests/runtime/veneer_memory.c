#include "tests/guests/runtime/veneer_memory.h"

#define MIB (1ull << 20)

/* Does an available range above 1 MiB end exactly at address (from_below) or start there? */
static bool available_touches(size_t count, map_entry_fn entry, uint64_t address, bool from_below)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t base, length;
		uint32_t type;

		entry(i, &base, &length, &type);
		if (type != MAP_TYPE_AVAILABLE || base < MIB || length == 0)
			continue;
		if (from_below ? base + length == address : base == address)
			return true;
	}
	return false;
}

bool veneer_block_in_map(size_t count, map_entry_fn entry, uint64_t *start, uint64_t *end)
{
	bool found = false;

	for (size_t i = 0; i < count; i++) {
		uint64_t base, length;
		uint32_t type;

		entry(i, &base, &length, &type);
		if (type != MAP_TYPE_RESERVED || base < MIB || length == 0 || (found && base >= *start))
			continue;
		if (available_touches(count, entry, base, true)) {
			*start = base;
			*end = base + length;
			found = true;
		}
	}
	return found;
}

size_t reserved_blocks_inside_ram(size_t count, map_entry_fn entry)
{
	size_t blocks = 0;

	for (size_t i = 0; i < count; i++) {
		uint64_t base, length;
		uint32_t type;

		entry(i, &base, &length, &type);
		if (type == MAP_TYPE_RESERVED && base >= MIB && length &&
		    available_touches(count, entry, base, true) && available_touches(count, entry, base + length, false))
			blocks++;
	}
	return blocks;
}
