/*
 * The memory map a guest is given (as e820 entries for Linux, as the
 * Multiboot memory map otherwise): the firmware's map, with every range
 * veneer keeps for itself turned from available RAM into reserved.  The
 * guest then never allocates that memory, and EPT does not map it.
 * Pure: unit-tested over sample maps.
 */
#ifndef VENEER_VMX_GUEST_MEMORY_MAP_H
#define VENEER_VMX_GUEST_MEMORY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/multiboot2.h"
#include "kernel/ranges.h"

/* The e820 / Multiboot types (the same numbers in both). */
#define GUEST_MEMORY_AVAILABLE  1
#define GUEST_MEMORY_RESERVED   2
#define GUEST_MEMORY_ACPI       3       /* ACPI tables: RAM the OS may reclaim */

#define GUEST_MAP_MAX           128     /* E820_MAX_ENTRIES_ZEROPAGE, the zero page's room */

struct guest_map_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

struct guest_memory_map {
	struct guest_map_entry entries[GUEST_MAP_MAX];
	size_t count;
};

/*
 * Builds the guest's map from the firmware's entries, reserving the
 * hidden ranges.  Sorted by address, adjacent entries of one type merged.
 * False when the result would not fit in GUEST_MAP_MAX entries.
 */
bool guest_memory_map_build(const struct mb2_memory_range *firmware, size_t count,
			    const struct range_set *hidden, struct guest_memory_map *out);

/* RAM the guest may use according to map: its available entries. */
void guest_memory_map_available(const struct guest_memory_map *map, struct range_set *out);

#endif
