/* Placing a relocatable Multiboot2 kernel and finding its entry. */
// unit-test-source: vmx/guest/multiboot_layout.c
#include "vmx/guest/multiboot_layout.h"
#include "unit.h"

static struct range_set two_blocks(void)
{
	struct range_set free = { .count = 2 };

	free.ranges[0] = (struct phys_range){ 0x100000, 0x800000 };
	free.ranges[1] = (struct phys_range){ 0x1000000, 0x20000000 };
	return free;
}

TEST(multiboot2_relocation_target_follows_preference)
{
	struct range_set free = two_blocks();
	struct multiboot2_request r = { .relocatable = true, .min_addr = 0x200000, .max_addr = 0xFFFFFFFF,
					.align = 0x200000, .preference = MB2_RELOCATABLE_PREFER_HIGH };

	/* High: the last 2 MiB-aligned start that leaves room for 3 MiB below 512 MiB. */
	EXPECT_EQ(multiboot2_relocation_target(&free, &r, 0x300000), 0x1FC00000);
	r.preference = MB2_RELOCATABLE_PREFER_LOW;
	EXPECT_EQ(multiboot2_relocation_target(&free, &r, 0x300000), 0x200000);
	/* 7 MiB does not fit in [2 MiB, 8 MiB): the next block. */
	EXPECT_EQ(multiboot2_relocation_target(&free, &r, 0x700000), 0x1000000);
	/* A window no block meets. */
	r.min_addr = 0x20000000;
	EXPECT_EQ(multiboot2_relocation_target(&free, &r, 0x1000), 0);
	/* max_addr bounds the image's end. */
	r.min_addr = 0;
	r.max_addr = 0x3FFFFF;
	r.preference = MB2_RELOCATABLE_PREFER_HIGH;
	EXPECT_EQ(multiboot2_relocation_target(&free, &r, 0x200000), 0x200000);
}

TEST(multiboot2_entry_moves_with_the_image)
{
	struct multiboot2_request r = { 0 };

	/* Not relocatable: the ELF entry, or the entry address tag's, as they are. */
	EXPECT_EQ(multiboot2_entry(&r, 0x100040, 0x100000, 0x100000), 0x100040);
	r.has_entry = true;
	r.entry = 0x100080;
	EXPECT_EQ(multiboot2_entry(&r, 0x100040, 0x100000, 0x100000), 0x100080);
	/* Relocatable, moved up by 0x1F00000: the tag's entry moves too (GRUB 2.06). */
	r.relocatable = true;
	EXPECT_EQ(multiboot2_entry(&r, 0x100040, 0x100000, 0x2000000), 0x2000080);
	/* Moved down: the difference wraps around in 64 bits and still lands right. */
	r.entry = 0x400080;
	EXPECT_EQ(multiboot2_entry(&r, 0x400040, 0x400000, 0x200000), 0x200080);
	r.has_entry = false;
	EXPECT_EQ(multiboot2_entry(&r, 0x400040, 0x400000, 0x200000), 0x200040);
}
