/*
 * Finding veneer's memory in the memory map veneer gives its guest.
 * veneer sits near the top of RAM below 4 GiB (GRUB loads it there) with
 * its pool right below it, and the guest's map shows that block as one
 * reserved (type 2) range directly after the RAM that starts at 1 MiB.
 * Shared by the test guests (the map in their boot area) and the
 * Multiboot test kernels (the map in their boot information).
 */
#ifndef VENEER_TESTS_GUESTS_VENEER_MEMORY_H
#define VENEER_TESTS_GUESTS_VENEER_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAP_TYPE_AVAILABLE      1
#define MAP_TYPE_RESERVED       2

/* Entry i of some memory map. */
typedef void (*map_entry_fn)(size_t i, uint64_t *base, uint64_t *length, uint32_t *type);

/*
 * The lowest reserved range above 1 MiB that begins exactly where an
 * available range above 1 MiB ends; false if the map has none.  Under
 * veneer that is veneer's block; a bare machine may have one too.
 */
bool veneer_block_in_map(size_t count, map_entry_fn entry, uint64_t *start, uint64_t *end);

/* How many reserved ranges lie between two available ones above 1 MiB (veneer: one). */
size_t reserved_blocks_inside_ram(size_t count, map_entry_fn entry);

/*
 * The default SMBASE area, where a CPU whose SMBASE nobody moved enters
 * SMM (at 0x38000).  veneer moves every CPU's SMBASE into its own memory
 * at start and gives the area back: under veneer it is the guest's RAM,
 * as on the bare machine, and an SMI the guest sends does not run code it
 * plants there (test attack-ipi-busy).
 */
#define DEFAULT_SMBASE_AREA_START       0x30000ull
#define DEFAULT_SMBASE_AREA_END         0x40000ull
#define DEFAULT_SMM_ENTRY               0x38000ull

#endif
