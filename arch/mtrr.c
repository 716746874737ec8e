/*
 * The memory type of a physical range from a snapshot of the MTRRs (SDM
 * Vol. 3A, "MTRR Precedences").  The work is done on naturally aligned
 * power-of-two blocks, because over such a block a variable range either
 * matches every address, no address, or some ("partially"): the bits of
 * the mask above the block's size decide whether it can match at all,
 * the bits below it decide whether every address does.
 */
#include "arch/mtrr.h"

#define PAGE_SHIFT      12

/* The fixed ranges: three runs of equal-sized ranges (SDM Vol. 3A, "Fixed Range MTRRs"). */
#define FIXED_64K_END   0x80000ULL
#define FIXED_16K_END   0xC0000ULL
#define FIXED_16K_FIRST 8
#define FIXED_4K_FIRST  24

/* How a variable range relates to a block. */
enum match {
	MATCH_NONE,
	MATCH_ALL,
	MATCH_SOME,
};

static bool type_is_valid(uint8_t type)
{
	return type == MTRR_TYPE_UC || type == MTRR_TYPE_WC || type == MTRR_TYPE_WT ||
	       type == MTRR_TYPE_WP || type == MTRR_TYPE_WB;
}

/* Reserved encodings cannot be in a real MTRR (writing them raises #GP); if one shows up, take the safe type. */
static uint8_t valid_type(uint8_t type)
{
	return type_is_valid(type) ? type : MTRR_TYPE_UC;
}

uint8_t mtrr_combine(uint8_t a, uint8_t b)
{
	if (a == b)
		return a;
	if ((a == MTRR_TYPE_WT && b == MTRR_TYPE_WB) || (a == MTRR_TYPE_WB && b == MTRR_TYPE_WT))
		return MTRR_TYPE_WT;
	/* UC with anything is UC; every other mix is undefined in the SDM, and UC is never wrong. */
	return MTRR_TYPE_UC;
}

const char *mtrr_type_name(uint8_t type)
{
	switch (type) {
	case MTRR_TYPE_UC:
		return "UC";
	case MTRR_TYPE_WC:
		return "WC";
	case MTRR_TYPE_WT:
		return "WT";
	case MTRR_TYPE_WP:
		return "WP";
	case MTRR_TYPE_WB:
		return "WB";
	default:
		return "reserved";
	}
}

unsigned mtrr_fixed_index(uint64_t address)
{
	if (address < FIXED_64K_END)
		return (unsigned)(address >> 16);
	if (address < FIXED_16K_END)
		return FIXED_16K_FIRST + (unsigned)((address - FIXED_64K_END) >> 14);
	if (address < MTRR_FIXED_END)
		return FIXED_4K_FIRST + (unsigned)((address - FIXED_16K_END) >> 12);
	return MTRR_FIXED_RANGES - 1;
}

static uint64_t fixed_range_end(uint64_t address)
{
	uint64_t size = address < FIXED_64K_END ? 0x10000 : address < FIXED_16K_END ? 0x4000 : 0x1000;

	return (address & ~(size - 1)) + size;
}

/* [start, end) lies below 1 MiB and the fixed ranges are enabled: they alone decide. */
static uint8_t fixed_type(const struct mtrr_state *s, uint64_t start, uint64_t end, bool *uniform)
{
	uint8_t first = valid_type(s->fixed[mtrr_fixed_index(start)]);
	uint8_t all = first;

	*uniform = true;
	for (uint64_t a = fixed_range_end(start); a < end; a = fixed_range_end(a)) {
		uint8_t type = valid_type(s->fixed[mtrr_fixed_index(a)]);
		if (type != first)
			*uniform = false;
		all = mtrr_combine(all, type);
	}
	return all;
}

static enum match variable_match(const struct mtrr_state *s, const struct mtrr_variable_range *v,
				 uint64_t base, uint64_t size)
{
	uint64_t mask = v->mask & s->phys_addr_mask & ~0xFFFULL;

	/* The bits above the block are the same for all of it: they must match. */
	if ((base ^ v->base) & mask & ~(size - 1))
		return MATCH_NONE;
	/* Mask bits inside the block pick some of its addresses only. */
	return (mask & (size - 1)) ? MATCH_SOME : MATCH_ALL;
}

/*
 * The variable ranges and the default type over the aligned block [base,
 * base + 2^shift).  Ranges that match all of it contribute to every
 * address; ranges that match some of it only to some.  The type of any
 * address is therefore between the combination of the full matches (or the
 * default type, without any) and that combined with every partial match:
 * mtrr_combine() is the join of the order WB < WT < UC, WC < UC, WP < UC.
 * When both ends agree, the block is uniform; otherwise the halves are
 * looked at, down to single pages, where no match can be partial.
 */
static uint8_t variable_type(const struct mtrr_state *s, uint64_t base, unsigned shift, bool *uniform)
{
	uint64_t size = 1ULL << shift;
	uint8_t default_type = valid_type(s->default_type);
	bool any_all = false, any_some = false, some_all_default = true;
	uint8_t all = MTRR_TYPE_UC, some = MTRR_TYPE_UC;

	for (unsigned i = 0; i < s->variable_count && i < MTRR_VARIABLE_MAX; i++) {
		const struct mtrr_variable_range *v = &s->variable[i];
		if (!v->valid)
			continue;
		uint8_t type = valid_type(v->type);
		switch (variable_match(s, v, base, size)) {
		case MATCH_NONE:
			break;
		case MATCH_ALL:
			all = any_all ? mtrr_combine(all, type) : type;
			any_all = true;
			break;
		case MATCH_SOME:
			some = any_some ? mtrr_combine(some, type) : type;
			any_some = true;
			if (type != default_type)
				some_all_default = false;
			break;
		}
	}

	uint8_t low = any_all ? all : default_type;
	*uniform = true;
	if (!any_some)
		return low;
	/* The strongest type any address of the block can have. */
	uint8_t high = mtrr_combine(low, some);
	/*
	 * With a full match, every address lies between low and high.  Without
	 * one, an address no range matches has the default type and one that
	 * only some ranges match has their combination: all equal only when
	 * every partial match has the default type.
	 */
	if (any_all ? high == low : some_all_default)
		return low;
	if (shift <= PAGE_SHIFT)
		return high;    /* cannot happen: masks do not look at bits 11:0 */

	bool lower_uniform, upper_uniform;
	uint8_t lower = variable_type(s, base, shift - 1, &lower_uniform);
	if (lower_uniform) {
		uint8_t upper = variable_type(s, base + size / 2, shift - 1, &upper_uniform);
		if (upper_uniform && upper == lower)
			return lower;
	}
	*uniform = false;
	return high;
}

/* The aligned block [base, base + 2^shift). */
static uint8_t block_type(const struct mtrr_state *s, uint64_t base, unsigned shift, bool *uniform)
{
	uint64_t size = 1ULL << shift;

	if (!s->enabled) {
		*uniform = true;
		return MTRR_TYPE_UC;
	}
	if (!s->fixed_enabled || base >= MTRR_FIXED_END)
		return variable_type(s, base, shift, uniform);
	if (base + size <= MTRR_FIXED_END)
		return fixed_type(s, base, base + size, uniform);

	/* A block from 0 that reaches past 1 MiB: fixed ranges below, variable ones above. */
	bool lower_uniform, upper_uniform;
	uint8_t lower = block_type(s, base, shift - 1, &lower_uniform);
	uint8_t upper = block_type(s, base + size / 2, shift - 1, &upper_uniform);
	*uniform = lower_uniform && upper_uniform && lower == upper;
	return mtrr_combine(lower, upper);
}

/* log2 of the largest naturally aligned block that starts at start and ends at or before last (inclusive). */
static unsigned largest_block(uint64_t start, uint64_t last)
{
	unsigned shift = 63;

	while (shift > PAGE_SHIFT && ((start & ((1ULL << shift) - 1)) || (1ULL << shift) - 1 > last - start))
		shift--;
	return shift;
}

uint8_t mtrr_type_of_range(const struct mtrr_state *state, uint64_t start, uint64_t size, bool *uniform)
{
	uint8_t first = MTRR_TYPE_UC, all = MTRR_TYPE_UC;
	bool all_uniform = true;

	if (size == 0)
		size = 1;
	/* Inclusive ends, so that a range reaching the top of the address space does not overflow. */
	uint64_t last = size - 1 > UINT64_MAX - start ? UINT64_MAX : start + (size - 1);
	start &= ~0xFFFULL;
	last |= 0xFFFULL;

	for (uint64_t base = start; ; ) {
		unsigned shift = largest_block(base, last);
		uint64_t block_last = base + ((1ULL << shift) - 1);
		bool block_uniform;
		uint8_t type = block_type(state, base, shift, &block_uniform);

		if (base == start)
			first = all = type;
		all = mtrr_combine(all, type);
		all_uniform = all_uniform && block_uniform && type == first;
		if (block_last >= last)
			break;
		base = block_last + 1;
	}
	if (uniform)
		*uniform = all_uniform;
	return all;
}
