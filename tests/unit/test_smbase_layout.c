/* The staggered SMBASEs veneer gives the CPUs (kernel/smbase_layout.h; SDM Vol. 3C, 34.4.1.1, 34.11). */
// unit-test-source: kernel/smbase_layout.c
#include "kernel/smbase_layout.h"
#include "unit.h"

#define REGION          0x7FA00000ULL   /* an entry point 8000H above a page of the pool */

static uint64_t entry_of(unsigned i)
{
	return (uint64_t)smbase_of(REGION, i) + SMM_ENTRY_OFFSET;
}

static uint64_t save_of(unsigned i)
{
	return (uint64_t)smbase_of(REGION, i) + SMM_SAVE_STATE_OFFSET;
}

static int overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* Everything of n CPUs inside the region, and no entry point (RSM, 2 bytes) or save area on another's. */
static void check_layout(unsigned n)
{
	uint64_t end = REGION + smbase_region_bytes(n);
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++) {
		bad += entry_of(i) < REGION || entry_of(i) + 2 > end;
		bad += save_of(i) < REGION || save_of(i) + 0x400 > end;
		for (unsigned j = 0; j < n; j++) {
			bad += overlaps(entry_of(i), entry_of(i) + 2, save_of(j), save_of(j) + 0x400);
			if (i != j)
				bad += overlaps(save_of(i), save_of(i) + 0x400, save_of(j), save_of(j) + 0x400) +
				       overlaps(entry_of(i), entry_of(i) + 2, entry_of(j), entry_of(j) + 2);
		}
	}
	EXPECT_EQ(bad, 0);
	/* The last save area ends the region exactly: nothing is allocated for nothing. */
	EXPECT_EQ(save_of(n - 1) + 0x400, end);
}

TEST(smbase_layout_first_cpu)
{
	EXPECT_EQ(smbase_of(REGION, 0), REGION - 0x8000);
	EXPECT_EQ(smbase_of(REGION, 1), REGION - 0x8000 + 0x800);
	EXPECT_EQ(smbase_region_bytes(0), 0);
	EXPECT_EQ(smbase_region_bytes(1), 0x8000);            /* entry point to the end of its 1 KiB save area */
	EXPECT_EQ(smbase_region_bytes(4), 0x8000 + 3 * 0x800);
}

TEST(smbase_layout_no_overlap)
{
	static const unsigned counts[] = { 1, 2, 3, 4, 15, 16, 17, 31, 32, 33, 64, 256 };

	for (unsigned k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
		check_layout(counts[k]);
}

/* The save map fields the relocation handler reads lie in the save area (Table 34-3). */
TEST(smbase_layout_fields_in_save_area)
{
	EXPECT(SMM_SMBASE_FIELD_OFFSET >= SMM_SAVE_STATE_OFFSET && SMM_SMBASE_FIELD_OFFSET + 4 <= SMM_SAVE_STATE_END);
	EXPECT(SMM_REVISION_ID_OFFSET >= SMM_SAVE_STATE_OFFSET && SMM_REVISION_ID_OFFSET + 4 <= SMM_SAVE_STATE_END);
	/* The handler's parameter slots lie between its code and the default save area. */
	EXPECT(SMM_RELOCATION_SLOTS >= SMM_DEFAULT_SMBASE + SMM_ENTRY_OFFSET + 0x100);
	EXPECT(SMM_RELOCATION_SLOTS + SMM_SLOT_COUNT * SMM_SLOT_SIZE <= SMM_DEFAULT_SMBASE + SMM_SAVE_STATE_OFFSET);
	EXPECT(SMM_PARAM_DONE + 4 <= SMM_SLOT_SIZE);
}
