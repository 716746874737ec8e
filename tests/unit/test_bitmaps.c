/* MSR bitmap and I/O bitmap layouts (SDM Vol. 3C, "MSR-Bitmap Address", "I/O-Bitmap Addresses"). */
// unit-test-source: vmx/msr_bitmap.c
// unit-test-source: vmx/io_bitmap.c
#include "unit.h"
#include "vmx/io_bitmap.h"
#include "vmx/msr_bitmap.h"

static unsigned bits_set(const uint8_t *p, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += (unsigned)__builtin_popcount(p[i]);
	return n;
}

TEST(msr_bitmap_places_each_quarter_where_the_sdm_says)
{
	uint8_t bm[MSR_BITMAP_SIZE] = { 0 };

	/* IA32_SYSENTER_CS 0x174: read-low byte 0x2E, bit 4. */
	EXPECT(msr_bitmap_intercept(bm, 0x174, true, false));
	EXPECT_EQ(bm[0x174 / 8], 1u << 4);
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 1);
	/* Its write bit: 0x800 further on. */
	EXPECT(msr_bitmap_intercept(bm, 0x174, false, true));
	EXPECT_EQ(bm[0x800 + 0x174 / 8], 1u << 4);
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 2);

	/* IA32_EFER 0xC0000080: read-high at 0x400 + 0x10, bit 0; write-high at 0xC10. */
	EXPECT(msr_bitmap_intercept(bm, 0xC0000080, true, true));
	EXPECT_EQ(bm[0x410], 1);
	EXPECT_EQ(bm[0xC10], 1);
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 4);

	/* The last MSR of each range is the last bit of its quarter. */
	EXPECT(msr_bitmap_intercept(bm, 0x1FFF, true, true));
	EXPECT(msr_bitmap_intercept(bm, 0xC0001FFF, true, true));
	EXPECT_EQ(bm[0x3FF], 0x80);
	EXPECT_EQ(bm[0x7FF], 0x80);
	EXPECT_EQ(bm[0xBFF], 0x80);
	EXPECT_EQ(bm[0xFFF], 0x80);
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 8);
}

TEST(msr_bitmap_outside_the_ranges_has_no_bit_and_always_exits)
{
	static const uint32_t outside[] = { 0x2000, 0x40000000, 0xBFFFFFFF, 0xC0002000, 0xFFFFFFFF };
	uint8_t bm[MSR_BITMAP_SIZE] = { 0 };

	for (unsigned k = 0; k < sizeof(outside) / sizeof(outside[0]); k++) {
		EXPECT(!msr_bitmap_covers(outside[k]));
		EXPECT(!msr_bitmap_intercept(bm, outside[k], true, true));
		EXPECT(!msr_bitmap_pass_through(bm, outside[k], true, true));
		EXPECT(msr_bitmap_intercepts(bm, outside[k], false));
		EXPECT(msr_bitmap_intercepts(bm, outside[k], true));
	}
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 0);
	EXPECT(msr_bitmap_covers(0));
	EXPECT(msr_bitmap_covers(0xC0000000));
}

TEST(msr_bitmap_directions_are_independent)
{
	uint8_t bm[MSR_BITMAP_SIZE];

	memset(bm, 0xFF, sizeof(bm));   /* intercept everything, then open some */
	EXPECT(msr_bitmap_pass_through(bm, 0xC0000100, true, true));    /* FS_BASE both ways */
	EXPECT(!msr_bitmap_intercepts(bm, 0xC0000100, false));
	EXPECT(!msr_bitmap_intercepts(bm, 0xC0000100, true));
	EXPECT(msr_bitmap_intercepts(bm, 0xC0000101, false));           /* neighbour untouched */
	EXPECT(msr_bitmap_intercepts(bm, 0x100, false));                /* low MSR with the same index */

	EXPECT(msr_bitmap_pass_through(bm, 0x10, true, false));         /* TSC: reads only */
	EXPECT(!msr_bitmap_intercepts(bm, 0x10, false));
	EXPECT(msr_bitmap_intercepts(bm, 0x10, true));
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 4096 * 8 - 3);

	EXPECT(msr_bitmap_intercept(bm, 0x10, false, false));           /* neither: no change */
	EXPECT_EQ(bits_set(bm, sizeof(bm)), 4096 * 8 - 3);
}

TEST(io_bitmap_a_and_b_split_at_0x8000)
{
	uint8_t a[IO_BITMAP_SIZE] = { 0 }, b[IO_BITMAP_SIZE] = { 0 };

	EXPECT(io_bitmap_intercept(a, b, 0x60, 1));
	EXPECT_EQ(a[0x60 / 8], 1);
	EXPECT(io_bitmap_intercept(a, b, 0x7FFF, 2));           /* last of A, first of B */
	EXPECT_EQ(a[0xFFF], 0x80);
	EXPECT_EQ(b[0], 1);
	EXPECT(io_bitmap_intercept(a, b, 0xFFFF, 1));
	EXPECT_EQ(b[0xFFF], 0x80);
	EXPECT_EQ(bits_set(a, sizeof(a)), 2);
	EXPECT_EQ(bits_set(b, sizeof(b)), 2);

	EXPECT(!io_bitmap_intercept(a, b, 0xFFFF, 2));          /* past the port space */
	EXPECT(!io_bitmap_intercept(a, b, 0x10000, 1));
	EXPECT(!io_bitmap_intercept(a, b, 0x100, 0));
	EXPECT_EQ(bits_set(b, sizeof(b)), 2);

	EXPECT(io_bitmap_intercept(a, b, 0, IO_BITMAP_PORTS));  /* everything */
	EXPECT_EQ(bits_set(a, sizeof(a)) + bits_set(b, sizeof(b)), 0x10000);
	EXPECT(io_bitmap_pass_through(a, b, 0xCF8, 8));         /* PCI config ports */
	EXPECT_EQ(bits_set(a, sizeof(a)) + bits_set(b, sizeof(b)), 0x10000 - 8);
	EXPECT(!io_bitmap_intercepts(a, b, 0xCFC, 4));
	EXPECT(io_bitmap_intercepts(a, b, 0xCF7, 1));
}

TEST(io_bitmap_multi_byte_access_exits_if_any_port_does)
{
	uint8_t a[IO_BITMAP_SIZE] = { 0 }, b[IO_BITMAP_SIZE] = { 0 };

	EXPECT(io_bitmap_intercept(a, b, 0x3FF, 1));
	EXPECT(io_bitmap_intercepts(a, b, 0x3FC, 4));           /* 0x3FC-0x3FF */
	EXPECT(!io_bitmap_intercepts(a, b, 0x3FC, 2));
	EXPECT(io_bitmap_intercepts(a, b, 0x3FE, 2));
	EXPECT(!io_bitmap_intercepts(a, b, 0x400, 4));

	EXPECT(io_bitmap_intercept(a, b, 0x8000, 1));           /* the first port of B */
	EXPECT(io_bitmap_intercepts(a, b, 0x7FFE, 4));          /* spans A and B */
	EXPECT(!io_bitmap_intercepts(a, b, 0x7FFC, 4));
}

TEST(io_bitmap_access_wrapping_past_0xffff_always_exits)
{
	uint8_t a[IO_BITMAP_SIZE] = { 0 }, b[IO_BITMAP_SIZE] = { 0 };

	EXPECT(!io_bitmap_intercepts(a, b, 0xFFFF, 1));
	EXPECT(!io_bitmap_intercepts(a, b, 0xFFFC, 4));
	EXPECT(io_bitmap_intercepts(a, b, 0xFFFF, 2));          /* touches 0xFFFF and 0x0000 */
	EXPECT(io_bitmap_intercepts(a, b, 0xFFFD, 4));
}
