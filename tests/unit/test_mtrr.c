/* MTRR memory types: the precedence rules, the fixed ranges, and when a range has one type. */
// unit-test-source: arch/mtrr.c
#include "arch/mtrr.h"
#include "unit.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* MTRRs on, fixed ranges off, no variable ranges, a 39-bit physical address space. */
static struct mtrr_state state_with_default(uint8_t default_type)
{
	return (struct mtrr_state){
		.enabled = true,
		.default_type = default_type,
		.phys_addr_mask = mtrr_phys_addr_mask(39),
	};
}

/* A variable range the way firmware programs one: size a power of two, base aligned to it. */
static void add_variable(struct mtrr_state *s, uint64_t base, uint64_t size, uint8_t type)
{
	s->variable[s->variable_count++] = (struct mtrr_variable_range){
		.base = base,
		.mask = ~(size - 1) & s->phys_addr_mask,
		.valid = true,
		.type = type,
	};
}

/* SeaBIOS-like fixed ranges: RAM WB to 0x9FFFF, video memory UC, option and system ROMs WP. */
static void set_pc_fixed_ranges(struct mtrr_state *s)
{
	s->fixed_enabled = true;
	for (uint64_t a = 0; a < MTRR_FIXED_END; a += 4 * KiB) {
		uint8_t type = a < 0xA0000 ? MTRR_TYPE_WB : a < 0xC0000 ? MTRR_TYPE_UC : MTRR_TYPE_WP;
		s->fixed[mtrr_fixed_index(a)] = type;
	}
}

static uint8_t type_and_uniform(const struct mtrr_state *s, uint64_t start, uint64_t size, bool *uniform)
{
	*uniform = false;
	return mtrr_type_of_range(s, start, size, uniform);
}

TEST(mtrr_disabled_means_uc_everywhere)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	add_variable(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	set_pc_fixed_ranges(&s);
	s.enabled = false;
	EXPECT_EQ(type_and_uniform(&s, 0, 8 * GiB, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);
	EXPECT_EQ(mtrr_type_of(&s, 0x1000), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 0xA0000), MTRR_TYPE_UC);
}

TEST(mtrr_default_type_where_no_range_matches)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	add_variable(&s, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 2 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 3 * GiB), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 4 * GiB - 1), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 4 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(type_and_uniform(&s, 4 * GiB, 60 * GiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);

	/* An invalid (valid bit clear) range is ignored. */
	s.variable[0].valid = false;
	EXPECT_EQ(mtrr_type_of(&s, 3 * GiB), MTRR_TYPE_WB);

	/* Default UC, as Intel server firmware sets it, with WB ranges for the RAM. */
	s = state_with_default(MTRR_TYPE_UC);
	add_variable(&s, 0, 2 * GiB, MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 2 * GiB - 4 * KiB), MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 2 * GiB), MTRR_TYPE_UC);
}

TEST(mtrr_uc_wins_over_any_overlapping_type)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_UC);
	bool uniform;

	add_variable(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	add_variable(&s, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
	add_variable(&s, 0xE0000000, 16 * MiB, MTRR_TYPE_WC);    /* a frame buffer inside the UC hole */
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 3 * GiB), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 0xE0000000), MTRR_TYPE_UC);
	/* The hole is UC throughout, the WC range inside it changes nothing. */
	EXPECT_EQ(type_and_uniform(&s, 3 * GiB, 1 * GiB, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);

	/* The order of the ranges does not matter. */
	s = state_with_default(MTRR_TYPE_WB);
	add_variable(&s, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
	add_variable(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 3 * GiB + 5 * MiB), MTRR_TYPE_UC);
}

TEST(mtrr_wt_beats_wb_and_identical_types_agree)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_UC);

	add_variable(&s, 0, 1 * GiB, MTRR_TYPE_WB);
	add_variable(&s, 256 * MiB, 256 * MiB, MTRR_TYPE_WT);
	add_variable(&s, 0, 512 * MiB, MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 300 * MiB), MTRR_TYPE_WT);
	EXPECT_EQ(mtrr_type_of(&s, 100 * MiB), MTRR_TYPE_WB);   /* two WB ranges: WB */
	EXPECT_EQ(mtrr_type_of(&s, 600 * MiB), MTRR_TYPE_WB);
}

TEST(mtrr_undefined_overlaps_are_uc)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);

	add_variable(&s, 1 * GiB, 1 * GiB, MTRR_TYPE_WB);
	add_variable(&s, 1 * GiB, 16 * MiB, MTRR_TYPE_WC);
	add_variable(&s, 1 * GiB + 512 * MiB, 16 * MiB, MTRR_TYPE_WP);
	add_variable(&s, 1 * GiB + 512 * MiB, 16 * MiB, MTRR_TYPE_WT);
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB), MTRR_TYPE_UC);                    /* WC + WB */
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB + 512 * MiB), MTRR_TYPE_UC);        /* WP + WT + WB */
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB + 16 * MiB), MTRR_TYPE_WB);
}

TEST(mtrr_combine_is_the_precedence_rule)
{
	static const uint8_t types[] = { MTRR_TYPE_UC, MTRR_TYPE_WC, MTRR_TYPE_WT, MTRR_TYPE_WP, MTRR_TYPE_WB };

	for (size_t i = 0; i < sizeof(types); i++) {
		EXPECT_EQ(mtrr_combine(types[i], types[i]), types[i]);
		EXPECT_EQ(mtrr_combine(types[i], MTRR_TYPE_UC), MTRR_TYPE_UC);
		for (size_t j = 0; j < sizeof(types); j++) {
			EXPECT_EQ(mtrr_combine(types[i], types[j]), mtrr_combine(types[j], types[i]));
			for (size_t k = 0; k < sizeof(types); k++)
				EXPECT_EQ(mtrr_combine(mtrr_combine(types[i], types[j]), types[k]),
					  mtrr_combine(types[i], mtrr_combine(types[j], types[k])));
		}
	}
	EXPECT_EQ(mtrr_combine(MTRR_TYPE_WT, MTRR_TYPE_WB), MTRR_TYPE_WT);
	EXPECT_EQ(mtrr_combine(MTRR_TYPE_WB, MTRR_TYPE_WC), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_combine(MTRR_TYPE_WP, MTRR_TYPE_WB), MTRR_TYPE_UC);
}

TEST(mtrr_fixed_range_layout)
{
	EXPECT_EQ(mtrr_fixed_index(0), 0);
	EXPECT_EQ(mtrr_fixed_index(0x7FFFF), 7);
	EXPECT_EQ(mtrr_fixed_index(0x80000), 8);
	EXPECT_EQ(mtrr_fixed_index(0x9C000), 15);
	EXPECT_EQ(mtrr_fixed_index(0xA0000), 16);
	EXPECT_EQ(mtrr_fixed_index(0xBFFFF), 23);
	EXPECT_EQ(mtrr_fixed_index(0xC0000), 24);
	EXPECT_EQ(mtrr_fixed_index(0xC8000), 32);
	EXPECT_EQ(mtrr_fixed_index(0xFF000), 87);
	EXPECT_EQ(MTRR_FIXED_RANGES, 88);
}

TEST(mtrr_fixed_ranges_take_precedence_below_1mib)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_UC);
	bool uniform;

	add_variable(&s, 0, 2 * GiB, MTRR_TYPE_WB);
	set_pc_fixed_ranges(&s);
	s.fixed[mtrr_fixed_index(0x9C000)] = MTRR_TYPE_WT;
	EXPECT_EQ(mtrr_type_of(&s, 0), MTRR_TYPE_WB);
	EXPECT_EQ(mtrr_type_of(&s, 0x9C000), MTRR_TYPE_WT);
	EXPECT_EQ(mtrr_type_of(&s, 0xA0000), MTRR_TYPE_UC);      /* video memory: the variable WB range does not count */
	EXPECT_EQ(mtrr_type_of(&s, 0xB8000), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 0xC0000), MTRR_TYPE_WP);
	EXPECT_EQ(mtrr_type_of(&s, 0xFF000), MTRR_TYPE_WP);
	EXPECT_EQ(mtrr_type_of(&s, 0x100000), MTRR_TYPE_WB);

	EXPECT_EQ(type_and_uniform(&s, 0xA0000, 0x20000, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0, 64 * KiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0, 2 * MiB, &uniform), MTRR_TYPE_UC);
	EXPECT(!uniform);
	EXPECT_EQ(type_and_uniform(&s, 1 * MiB, 1 * MiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	/* WB and WT side by side: not uniform, WT is safe for both. */
	EXPECT_EQ(type_and_uniform(&s, 0x98000, 0x8000, &uniform), MTRR_TYPE_WT);
	EXPECT(!uniform);

	/* Fixed ranges off: the variable ranges cover the first 1 MiB too. */
	s.fixed_enabled = false;
	EXPECT_EQ(mtrr_type_of(&s, 0xA0000), MTRR_TYPE_WB);
	EXPECT_EQ(type_and_uniform(&s, 0, 2 * MiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
}

TEST(mtrr_fixed_and_variable_agreeing_make_one_type)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	s.fixed_enabled = true;
	for (unsigned i = 0; i < MTRR_FIXED_RANGES; i++)
		s.fixed[i] = MTRR_TYPE_WB;
	EXPECT_EQ(type_and_uniform(&s, 0, 1 * GiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	s.fixed[mtrr_fixed_index(0xF0000)] = MTRR_TYPE_WP;
	EXPECT_EQ(type_and_uniform(&s, 0, 1 * GiB, &uniform), MTRR_TYPE_UC);
	EXPECT(!uniform);
}

TEST(mtrr_ranges_that_together_cover_a_block_make_it_uniform)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	/* Firmware often describes a 1 GiB hole with two or more smaller ranges. */
	add_variable(&s, 3 * GiB, 512 * MiB, MTRR_TYPE_UC);
	add_variable(&s, 3 * GiB + 512 * MiB, 256 * MiB, MTRR_TYPE_UC);
	add_variable(&s, 3 * GiB + 768 * MiB, 256 * MiB, MTRR_TYPE_UC);
	EXPECT_EQ(type_and_uniform(&s, 3 * GiB, 1 * GiB, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);
	/* One range short of covering: not uniform, and UC is the safe answer. */
	s.variable[2].valid = false;
	EXPECT_EQ(type_and_uniform(&s, 3 * GiB, 1 * GiB, &uniform), MTRR_TYPE_UC);
	EXPECT(!uniform);
	EXPECT_EQ(type_and_uniform(&s, 3 * GiB + 768 * MiB, 256 * MiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
}

TEST(mtrr_partial_ranges_of_the_default_type_keep_a_block_uniform)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	add_variable(&s, 1 * GiB + 64 * MiB, 64 * MiB, MTRR_TYPE_WB);
	EXPECT_EQ(type_and_uniform(&s, 1 * GiB, 1 * GiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);

	/* A WT range inside a WB one: the block mixes WB and WT; WT is safe for it. */
	s = state_with_default(MTRR_TYPE_UC);
	add_variable(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	add_variable(&s, 1 * GiB, 16 * MiB, MTRR_TYPE_WT);
	EXPECT_EQ(type_and_uniform(&s, 1 * GiB, 1 * GiB, &uniform), MTRR_TYPE_WT);
	EXPECT(!uniform);
	EXPECT_EQ(type_and_uniform(&s, 1 * GiB, 16 * MiB, &uniform), MTRR_TYPE_WT);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 1 * GiB + 16 * MiB, 16 * MiB, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
}

TEST(mtrr_unaligned_ranges_are_taken_page_by_page)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	add_variable(&s, 0x40000000, 4 * KiB, MTRR_TYPE_UC);
	EXPECT_EQ(type_and_uniform(&s, 0x40000123, 0x10, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0x3FFFF800, 0x1000, &uniform), MTRR_TYPE_UC);   /* touches both pages */
	EXPECT(!uniform);
	EXPECT_EQ(type_and_uniform(&s, 0x3FFF0000, 0x10000, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0x3000, 0x7D000, &uniform), MTRR_TYPE_WB);      /* odd size, many blocks */
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0x40000FFF, 0, &uniform), MTRR_TYPE_UC);        /* size 0: the page */
	EXPECT(uniform);
}

TEST(mtrr_reserved_types_are_taken_as_uc)
{
	struct mtrr_state s = state_with_default(7);

	add_variable(&s, 1 * GiB, 1 * GiB, 2);
	set_pc_fixed_ranges(&s);
	s.fixed[0] = 0x42;
	EXPECT_EQ(mtrr_type_of(&s, 0), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 2 * GiB), MTRR_TYPE_UC);
}

TEST(mtrr_non_contiguous_masks_are_exact)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	/* Mask bit 12 only: matches every other page, the whole address space over. */
	s.variable[0] = (struct mtrr_variable_range){ .base = 0x1000, .mask = 0x1000, .valid = true,
						      .type = MTRR_TYPE_UC };
	s.variable_count = 1;
	EXPECT_EQ(mtrr_type_of(&s, 0x5000), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 0x6000), MTRR_TYPE_WB);
	EXPECT_EQ(type_and_uniform(&s, 0x100000, 2 * MiB, &uniform), MTRR_TYPE_UC);
	EXPECT(!uniform);

	/* With its twin for the even pages, every page is UC: uniform after all. */
	s.variable[1] = (struct mtrr_variable_range){ .base = 0, .mask = 0x1000, .valid = true,
						      .type = MTRR_TYPE_UC };
	s.variable_count = 2;
	EXPECT_EQ(type_and_uniform(&s, 0x200000, 2 * MiB, &uniform), MTRR_TYPE_UC);
	EXPECT(uniform);
}

TEST(mtrr_only_bits_below_maxphyaddr_are_compared)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);

	EXPECT_EQ(mtrr_phys_addr_mask(36), 0xFFFFFF000ULL);
	EXPECT_EQ(mtrr_phys_addr_mask(46), 0x3FFFFFFFF000ULL);
	s.phys_addr_mask = mtrr_phys_addr_mask(36);
	add_variable(&s, 0, 1 * GiB, MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 0x1000), MTRR_TYPE_UC);
	EXPECT_EQ(mtrr_type_of(&s, 1 * GiB), MTRR_TYPE_WB);
	/* 64 GiB is beyond 36 bits: it aliases address 0. */
	EXPECT_EQ(mtrr_type_of(&s, 64 * GiB), MTRR_TYPE_UC);
}

TEST(mtrr_ranges_at_the_top_of_the_address_space)
{
	struct mtrr_state s = state_with_default(MTRR_TYPE_WB);
	bool uniform;

	add_variable(&s, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
	EXPECT_EQ(type_and_uniform(&s, UINT64_MAX - 0xFFF, 0x1000, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, UINT64_MAX - 0xFFF, UINT64_MAX, &uniform), MTRR_TYPE_WB);
	EXPECT(uniform);
	EXPECT_EQ(type_and_uniform(&s, 0, UINT64_MAX, &uniform), MTRR_TYPE_UC);
	EXPECT(!uniform);
}

TEST(mtrr_type_names)
{
	EXPECT_STREQ(mtrr_type_name(MTRR_TYPE_UC), "UC");
	EXPECT_STREQ(mtrr_type_name(MTRR_TYPE_WC), "WC");
	EXPECT_STREQ(mtrr_type_name(MTRR_TYPE_WT), "WT");
	EXPECT_STREQ(mtrr_type_name(MTRR_TYPE_WP), "WP");
	EXPECT_STREQ(mtrr_type_name(MTRR_TYPE_WB), "WB");
	EXPECT_STREQ(mtrr_type_name(2), "reserved");
}
