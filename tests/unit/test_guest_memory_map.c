/* The guest's memory map: veneer's ranges become reserved, nothing else changes. */
// unit-test-source: vmx/guest/memory_map.c
// unit-test-source: kernel/ranges.c
#include "vmx/guest/memory_map.h"
#include "unit.h"

#define MiB (1ULL << 20)

static const struct mb2_memory_range pc[] = {
	{ 0x0, 0x9FC00, 1 },
	{ 0x9FC00, 0x400, 2 },
	{ 0xF0000, 0x10000, 2 },
	{ 0x100000, 512 * MiB - 0x100000 - 0x20000, 1 },
	{ 512 * MiB - 0x20000, 0x20000, 3 },
	{ 0xFFFC0000, 0x40000, 2 },
};

static struct range_set hidden_ranges(void)
{
	struct range_set h = { .count = 0 };

	range_set_add(&h, 0x9D000, 0x9F000);            /* AP trampoline */
	range_set_add(&h, 0x200000, 0x260000);          /* veneer's image */
	range_set_add(&h, 478 * MiB, 510 * MiB);        /* the pool */
	return h;
}

TEST(guest_map_reserves_hidden_ranges_and_keeps_the_rest)
{
	struct range_set hidden = hidden_ranges(), available;
	struct guest_memory_map map;

	EXPECT(guest_memory_map_build(pc, 6, &hidden, &map));
	guest_memory_map_available(&map, &available);
	for (size_t i = 0; i < hidden.count; i++)
		EXPECT(!range_set_overlaps(&available, hidden.ranges[i].start, hidden.ranges[i].end));
	EXPECT(range_set_contains(&available, 0x0, 0x9D000));
	EXPECT(range_set_contains(&available, 0x100000, 0x200000));
	EXPECT(range_set_contains(&available, 0x260000, 478 * MiB));
	EXPECT(range_set_contains(&available, 510 * MiB, 512 * MiB - 0x20000));
	EXPECT_EQ(range_set_total(&available), 512 * MiB - 0x20000 - 0x100000 + (0x9FC00 - 0x2000) - 0x60000 - 32 * MiB);

	/* Sorted, no overlaps, and the reserved pieces are there with type 2. */
	bool pool_reserved = false;
	for (size_t i = 0; i < map.count; i++) {
		if (i)
			EXPECT(map.entries[i - 1].base + map.entries[i - 1].length <= map.entries[i].base);
		if (map.entries[i].base == 478 * MiB && map.entries[i].length == 32 * MiB &&
		    map.entries[i].type == GUEST_MEMORY_RESERVED)
			pool_reserved = true;
	}
	EXPECT(pool_reserved);
	/* ACPI and firmware entries keep their types. */
	EXPECT_EQ(map.entries[map.count - 1].type, 2);
	EXPECT_EQ(map.entries[map.count - 2].type, 3);
}

TEST(guest_map_merges_touching_reserved_pieces)
{
	struct range_set hidden = { .count = 0 };
	struct guest_memory_map map;
	static const struct mb2_memory_range m[] = { { 0x0, 0x100000, 1 }, { 0x100000, 0x100000, 2 } };

	range_set_add(&hidden, 0xF0000, 0x100000);      /* touches the reserved entry after it */
	EXPECT(guest_memory_map_build(m, 2, &hidden, &map));
	EXPECT_EQ(map.count, 2);
	EXPECT_EQ(map.entries[1].base, 0xF0000);
	EXPECT_EQ(map.entries[1].length, 0x110000);
}

TEST(guest_map_overflow_is_refused)
{
	struct mb2_memory_range many[GUEST_MAP_MAX + 1];
	struct range_set hidden = { .count = 0 };
	struct guest_memory_map map;

	for (size_t i = 0; i <= GUEST_MAP_MAX; i++)
		many[i] = (struct mb2_memory_range){ i * 0x2000, 0x1000, (uint32_t)(1 + i % 2) };
	EXPECT(!guest_memory_map_build(many, GUEST_MAP_MAX + 1, &hidden, &map));
	EXPECT(guest_memory_map_build(many, GUEST_MAP_MAX, &hidden, &map));
}
