/* The BIOS memory calls' answers from the guest's memory map (the why is in bios_memory.h). */
#include "vmx/guest/bios_memory.h"

#define MIB                     0x100000ULL
#define E801_BLOCK              0x10000ULL      /* BX/DX count 64 KiB blocks */
#define E801_BLOCKS_MAX         0xFFFFULL

static void put_le(uint8_t *p, uint64_t value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(value >> (8 * i));
}

bool bios_e820_entry(const struct guest_memory_map *map, uint32_t index, uint8_t entry[BIOS_E820_ENTRY_SIZE],
		     uint32_t *next)
{
	if (index >= map->count)
		return false;
	const struct guest_map_entry *e = &map->entries[index];
	put_le(entry, e->base, 8);
	put_le(entry + 8, e->length, 8);
	put_le(entry + 16, e->type, 4);
	*next = index + 1 < map->count ? index + 1 : 0;
	return true;
}

/*
 * The end of the memory E801h counts from address: RAM and ACPI tables
 * unbroken from there, as the BIOSes count it (Bochs's and SeaBIOS both
 * give the RAM below 4 GiB, the ACPI tables at its top included).
 * veneer's reserved block ends the run.  The map is sorted
 * (guest_memory_map_build), so one pass follows a run over its entries.
 */
static uint64_t e801_run_end(const struct guest_memory_map *map, uint64_t address)
{
	uint64_t end = address;

	for (size_t i = 0; i < map->count; i++) {
		const struct guest_map_entry *e = &map->entries[i];
		bool counted = e->type == GUEST_MEMORY_AVAILABLE || e->type == GUEST_MEMORY_ACPI;
		if (counted && e->base <= end && e->base + e->length > end)
			end = e->base + e->length;
	}
	return end;
}

void bios_e801_counts(const struct guest_memory_map *map, uint16_t *kib_below_16m, uint16_t *blocks_above_16m)
{
	uint64_t end = e801_run_end(map, MIB);
	uint64_t below = (end < 16 * MIB ? end : 16 * MIB) - MIB;
	uint64_t above = end > 16 * MIB ? (end - 16 * MIB) / E801_BLOCK : 0;

	*kib_below_16m = (uint16_t)(below >> 10);
	*blocks_above_16m = (uint16_t)(above < E801_BLOCKS_MAX ? above : E801_BLOCKS_MAX);
}

uint16_t bios_88_extended_kib(const struct guest_memory_map *map)
{
	uint64_t kib = (e801_run_end(map, MIB) - MIB) >> 10;

	return (uint16_t)(kib < BIOS_EXTENDED_KIB_MAX ? kib : BIOS_EXTENDED_KIB_MAX);
}
