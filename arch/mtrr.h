/*
 * The memory-type range registers (SDM Vol. 3A, "Memory Type Range
 * Registers (MTRRs)"): a snapshot of them, and the memory type they give a
 * physical range.
 *
 * Why the hypervisor cares: with EPT on, the MTRRs have no effect on the
 * guest's accesses; the memory type of each EPT leaf takes their place
 * (SDM Vol. 3C, "Memory Type Used for Translated Guest-Physical
 * Addresses").  So the EPT builder copies what the firmware programmed
 * into the MTRRs into the EPT leaves, and the guest sees the caching the
 * machine would give it without veneer.
 *
 * Pure: the kernel fills a struct mtrr_state with rdmsr (arch/mtrr_read.c),
 * the host unit tests fill it by hand.
 */
#ifndef VENEER_ARCH_MTRR_H
#define VENEER_ARCH_MTRR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Memory types (SDM Vol. 3A, "Memory Types That Can Be Encoded in MTRRs"); EPT uses the same numbers. */
#define MTRR_TYPE_UC            0
#define MTRR_TYPE_WC            1
#define MTRR_TYPE_WT            4
#define MTRR_TYPE_WP            5
#define MTRR_TYPE_WB            6

/* IA32_MTRRCAP */
#define MTRRCAP_VCNT_MASK       0xFFULL         /* bits 7:0: number of variable ranges */
#define MTRRCAP_FIX             (1ULL << 8)     /* the fixed-range MTRRs exist */
#define MTRRCAP_WC              (1ULL << 10)
#define MTRRCAP_SMRR            (1ULL << 11)

/* IA32_MTRR_DEF_TYPE */
#define MTRR_DEF_TYPE_MASK      0xFFULL         /* bits 7:0: the default memory type */
#define MTRR_DEF_TYPE_FE        (1ULL << 10)    /* fixed-range MTRRs enabled */
#define MTRR_DEF_TYPE_E         (1ULL << 11)    /* MTRRs enabled */

/* IA32_MTRR_PHYSBASEn / IA32_MTRR_PHYSMASKn */
#define MTRR_PHYSBASE_TYPE_MASK 0xFFULL         /* bits 7:0 */
#define MTRR_PHYSMASK_VALID     (1ULL << 11)

/*
 * The fixed ranges cover the first 1 MiB (SDM Vol. 3A, "Fixed Range
 * MTRRs"): 8 of 64 KiB from 0, 16 of 16 KiB from 0x80000 and 64 of 4 KiB
 * from 0xC0000, each one byte of the 11 fixed-range MSRs, lowest address
 * in the lowest byte.
 */
#define MTRR_FIXED_RANGES       88
#define MTRR_FIXED_END          0x100000ULL

/*
 * Variable ranges kept.  Processors report 8 to 10; IA32_MTRRCAP could
 * claim up to 255, and mtrr_read() keeps the first MTRR_VARIABLE_MAX
 * (variable_reported says how many there were).
 */
#define MTRR_VARIABLE_MAX       32

struct mtrr_variable_range {
	uint64_t base;          /* IA32_MTRR_PHYSBASEn, address bits MAXPHYADDR-1:12 only */
	uint64_t mask;          /* IA32_MTRR_PHYSMASKn, address bits MAXPHYADDR-1:12 only */
	bool valid;             /* IA32_MTRR_PHYSMASKn bit 11 */
	uint8_t type;           /* IA32_MTRR_PHYSBASEn bits 7:0 */
};

struct mtrr_state {
	bool enabled;                   /* IA32_MTRR_DEF_TYPE bit 11 (false when the CPU has no MTRRs) */
	bool fixed_enabled;             /* IA32_MTRR_DEF_TYPE bit 10 (false when IA32_MTRRCAP.FIX is 0) */
	uint8_t default_type;           /* IA32_MTRR_DEF_TYPE bits 7:0 */
	uint8_t fixed[MTRR_FIXED_RANGES]; /* the type of each fixed range, in address order */
	unsigned variable_count;        /* entries used in variable[] */
	unsigned variable_reported;     /* IA32_MTRRCAP bits 7:0, before clamping to MTRR_VARIABLE_MAX */
	struct mtrr_variable_range variable[MTRR_VARIABLE_MAX];
	uint64_t phys_addr_mask;        /* bits MAXPHYADDR-1:12 set: mtrr_phys_addr_mask() */
};

/* Bits MAXPHYADDR-1:12: the address bits a PHYSBASE/PHYSMASK pair compares. */
static inline uint64_t mtrr_phys_addr_mask(unsigned maxphyaddr)
{
	if (maxphyaddr > 52)
		maxphyaddr = 52;
	return ((1ULL << maxphyaddr) - 1) & ~0xFFFULL;
}

/* Index into mtrr_state.fixed of the fixed range holding address (below MTRR_FIXED_END). */
unsigned mtrr_fixed_index(uint64_t address);

/*
 * The memory type the MTRRs give [start, start + size), following SDM Vol.
 * 3A, "MTRR Precedences":
 *   - MTRRs disabled (E clear): UC everywhere;
 *   - below 1 MiB with the fixed ranges enabled: the fixed range's type,
 *     and the variable ranges are not consulted;
 *   - otherwise the variable ranges that match: one type if they agree,
 *     UC if one of them is UC, WT if they are WT and WB; the SDM leaves
 *     every other overlap undefined, and veneer takes UC for it (the
 *     strongest ordering, so never wrong, at worst slow) - see
 *     mtrr_combine();
 *   - no range matches: the default type.
 * Types the MTRRs cannot hold (2, 3, 7 and up; writing them raises #GP)
 * count as UC, so the result is always a valid EPT memory type.
 *
 * The MTRRs work on 4 KiB pages: start is rounded down and the end up to
 * 4 KiB (size 0 means the page holding start).  *uniform (if not NULL)
 * says whether every page of the range has the same type; when it does
 * not, the result is a type safe for the whole range: the mtrr_combine()
 * of the types in it.
 */
uint8_t mtrr_type_of_range(const struct mtrr_state *state, uint64_t start, uint64_t size, bool *uniform);

static inline uint8_t mtrr_type_of(const struct mtrr_state *state, uint64_t address)
{
	return mtrr_type_of_range(state, address, 1, NULL);
}

/*
 * The type of an address two variable ranges of types a and b both match
 * (SDM Vol. 3A, "MTRR Precedences"): a if a == b; WT for WT and WB; UC
 * otherwise (UC with anything is UC; the rest is undefined, veneer's UC).
 * Commutative and associative, so it extends to any number of ranges.
 */
uint8_t mtrr_combine(uint8_t a, uint8_t b);

/* "UC", "WC", "WT", "WP", "WB", or "reserved". */
const char *mtrr_type_name(uint8_t type);

/*
 * Kernel only (arch/mtrr_read.c): reads this CPU's MTRRs.  A CPU without
 * them (CPUID.1:EDX.MTRR[12] clear) gives enabled = false: all UC.
 */
void mtrr_read(struct mtrr_state *out);

#endif
