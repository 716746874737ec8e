/* Where the real-mode part of a bzImage goes for Linux's real-mode entry, as GRUB 2.06's linux16 puts it. */
// unit-test-source: vmx/guest/linux16_layout.c
// unit-test-source: kernel/ranges.c
#include "vmx/guest/linux16_layout.h"
#include "unit.h"

TEST(linux16_block_size_counts_the_command_line_and_its_nul)
{
	EXPECT_EQ(linux16_block_size(255), 0x9100);
	EXPECT_EQ(linux16_block_size(2047), 0x9800);
}

TEST(linux16_block_goes_to_0x90000_on_a_pc)
{
	struct range_set free = { .count = 0 };

	/* 639 KiB of base memory (the EBDA above), and RAM from 1 MiB. */
	range_set_add(&free, 0x1000, 0x9FC00);
	range_set_add(&free, 0x100000, 0x20000000);
	EXPECT_EQ(linux16_block_base(&free, linux16_block_size(2047)), 0x90000);
}

TEST(linux16_block_goes_as_high_as_fits_below_a_small_base_memory)
{
	struct range_set free = { .count = 0 };

	/* Base memory that ends at 0x98000: the block ends there, on a 16-byte boundary. */
	range_set_add(&free, 0x1000, 0x98000);
	EXPECT_EQ(linux16_block_base(&free, 0x9100), 0x8EF00);
	range_set_remove(&free, 0x1000, 0x98000);
	range_set_add(&free, 0x1000, 0x97FF8);
	EXPECT_EQ(linux16_block_base(&free, 0x9100), 0x8EEF0);
}

TEST(linux16_block_takes_the_highest_range_that_fits)
{
	struct range_set free = { .count = 0 };

	/* A hole at 0x80000: the range above it is too small, the one below takes the block. */
	range_set_add(&free, 0x1000, 0x80000);
	range_set_add(&free, 0x98000, 0x9F000);
	EXPECT_EQ(linux16_block_base(&free, 0x9100), 0x80000 - 0x9100);
	/* Nothing below 640 KiB large enough: none. */
	struct range_set small = { .count = 0 };
	range_set_add(&small, 0x1000, 0x9000);
	range_set_add(&small, 0x100000, 0x200000);
	EXPECT_EQ(linux16_block_base(&small, 0x9100), 0);
	/* RAM that runs on past 640 KiB counts only up to there. */
	struct range_set all = { .count = 0 };
	range_set_add(&all, 0x0, 0x200000);
	EXPECT_EQ(linux16_block_base(&all, 0x9100), 0x90000);
}
