/* The BIOS memory calls veneer answers for a real-mode guest: E820h entries and E801h counts from the guest's map. */
// unit-test-source: vmx/guest/bios_memory.c
#include "vmx/guest/bios_memory.h"
#include "unit.h"

#define MiB (1ULL << 20)

/* 512 MiB Bochs-like, with veneer's block reserved at 478-510 MiB. */
static const struct guest_memory_map pc = {
	.entries = {
		{ 0x0, 0x9F000, 1 },
		{ 0x9F000, 0x1000, 2 },
		{ 0xE8000, 0x18000, 2 },
		{ 0x100000, 478 * MiB - 0x100000, 1 },
		{ 478 * MiB, 32 * MiB, 2 },
		{ 510 * MiB, 2 * MiB - 0x10000, 1 },
		{ 512 * MiB - 0x10000, 0x10000, 3 },
		{ 0xFFFC0000, 0x40000, 2 },
	},
	.count = 8,
};

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

TEST(bios_e820_walks_the_map_and_ends_with_ebx_zero)
{
	uint8_t entry[BIOS_E820_ENTRY_SIZE];
	uint32_t index = 0, next = 0, calls = 0;

	do {
		EXPECT(bios_e820_entry(&pc, index, entry, &next));
		EXPECT_EQ(le(entry, 8), pc.entries[index].base);
		EXPECT_EQ(le(entry + 8, 8), pc.entries[index].length);
		EXPECT_EQ(le(entry + 16, 4), pc.entries[index].type);
		index = next;
		calls++;
	} while (next != 0 && calls < 100);
	EXPECT_EQ(calls, pc.count);
}

TEST(bios_e820_refuses_an_index_past_the_end)
{
	uint8_t entry[BIOS_E820_ENTRY_SIZE];
	uint32_t next = 1234;

	EXPECT(!bios_e820_entry(&pc, 8, entry, &next));
	EXPECT(!bios_e820_entry(&pc, 0xFFFFFFFF, entry, &next));
	EXPECT_EQ(next, 1234);
}

TEST(bios_e801_stops_at_veneers_block)
{
	uint16_t kib, blocks;

	bios_e801_counts(&pc, &kib, &blocks);
	EXPECT_EQ(kib, 15 * 1024);
	EXPECT_EQ(blocks, (478 - 16) * 16);
}

TEST(bios_e801_counts_acpi_tables_at_the_top_of_ram)
{
	/* The bare machine's map: the ACPI tables end the RAM below 4 GiB, and the BIOS counts them. */
	static const struct guest_memory_map bare = {
		.entries = { { 0x0, 0x9F000, 1 }, { 0x100000, 511 * MiB - 0x10000, 1 },
			     { 512 * MiB - 0x10000, 0x10000, 3 }, { 0xFFFC0000, 0x40000, 2 } },
		.count = 4,
	};
	uint16_t kib, blocks;

	bios_e801_counts(&bare, &kib, &blocks);
	EXPECT_EQ(kib, 15 * 1024);
	EXPECT_EQ(blocks, (512 - 16) * 16);
}

TEST(bios_e801_small_and_split_runs)
{
	/* 8 MiB of RAM in two touching entries: nothing above 16 MiB. */
	static const struct guest_memory_map small = {
		.entries = { { 0x0, 0x9F000, 1 }, { 0x100000, 3 * MiB, 1 }, { 4 * MiB, 4 * MiB, 1 } },
		.count = 3,
	};
	/* No RAM at 1 MiB at all. */
	static const struct guest_memory_map none = { .entries = { { 0x0, 0x9F000, 1 } }, .count = 1 };
	uint16_t kib, blocks;

	bios_e801_counts(&small, &kib, &blocks);
	EXPECT_EQ(kib, 7 * 1024);
	EXPECT_EQ(blocks, 0);
	bios_e801_counts(&none, &kib, &blocks);
	EXPECT_EQ(kib, 0);
	EXPECT_EQ(blocks, 0);
}

TEST(bios_e801_caps_blocks_at_ffff)
{
	static const struct guest_memory_map big = {
		.entries = { { 0x100000, 8192ULL * MiB, 1 } },
		.count = 1,
	};
	uint16_t kib, blocks;

	bios_e801_counts(&big, &kib, &blocks);
	EXPECT_EQ(kib, 15 * 1024);
	EXPECT_EQ(blocks, 0xFFFF);
}

/* A bare Bochs machine of ram MiB: the ACPI tables in its last 64 KiB, as its BIOS's E820h gives them. */
static struct guest_memory_map bare_bochs(uint64_t ram)
{
	struct guest_memory_map map = {
		.entries = { { 0x0, 0x9F000, 1 }, { 0x100000, ram * MiB - 0x100000 - 0x10000, 1 },
			     { ram * MiB - 0x10000, 0x10000, 3 }, { 0xFFFC0000, 0x40000, 2 } },
		.count = 4,
	};
	return map;
}

TEST(bios_88_matches_the_bare_bochs_bios)
{
	/* What Bochs's BIOS answers natively (differential-bios-memory-map*'s native runs). */
	static const struct { uint64_t ram; uint16_t ax; } measured[] = {
		{ 32, 0x7C00 }, { 48, 0xBC00 }, { 64, 0xFC00 }, { 80, 0xFC00 }, { 512, 0xFC00 }, { 1000, 0xFC00 },
	};

	for (unsigned i = 0; i < sizeof(measured) / sizeof(measured[0]); i++) {
		struct guest_memory_map map = bare_bochs(measured[i].ram);
		EXPECT_EQ(bios_88_extended_kib(&map), measured[i].ax);
	}
}

TEST(bios_88_stops_at_veneers_block_below_64_mib)
{
	/* 32 MiB, veneer's block at 24 MiB (differential-bios-memory-map-32m): 23 MiB from 1 MiB, not the BIOS's 31. */
	static const struct guest_memory_map small = {
		.entries = { { 0x0, 0x9F000, 1 }, { 0x100000, 23 * MiB, 1 }, { 24 * MiB, 0x465000, 2 },
			     { 24 * MiB + 0x465000, 8 * MiB - 0x465000 - 0x10000, 1 }, { 32 * MiB - 0x10000, 0x10000, 3 } },
		.count = 5,
	};
	static const struct guest_memory_map none = { .entries = { { 0x0, 0x9F000, 1 } }, .count = 1 };

	EXPECT_EQ(bios_88_extended_kib(&small), 23 * 1024);
	EXPECT_EQ(bios_88_extended_kib(&none), 0);
	/* Above 64 MiB the block is past the cap: the bare machine's answer. */
	EXPECT_EQ(bios_88_extended_kib(&pc), BIOS_EXTENDED_KIB_MAX);
}
