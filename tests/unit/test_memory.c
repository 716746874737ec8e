/* Range sets, the memory plan and the page allocator over sample memory maps. */
// unit-test-source: kernel/ranges.c
// unit-test-source: kernel/memory_plan.c
// unit-test-source: kernel/page_alloc.c
// unit-test-source: kernel/smbase_layout.c
#include "kernel/memory_plan.h"
#include "kernel/page_alloc.h"
#include "unit.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

TEST(ranges_add_merges_touching_and_overlapping)
{
	struct range_set s = { .count = 0 };

	EXPECT(range_set_add(&s, 0x3000, 0x4000));
	EXPECT(range_set_add(&s, 0x1000, 0x2000));
	EXPECT(range_set_add(&s, 0x6000, 0x7000));
	EXPECT_EQ(s.count, 3);
	EXPECT(range_set_add(&s, 0x2000, 0x3000));      /* touches both neighbours */
	EXPECT_EQ(s.count, 2);
	EXPECT_EQ(s.ranges[0].start, 0x1000);
	EXPECT_EQ(s.ranges[0].end, 0x4000);
	EXPECT(range_set_add(&s, 0x0, 0x10000));        /* swallows everything */
	EXPECT_EQ(s.count, 1);
	EXPECT_EQ(range_set_total(&s), 0x10000);
	EXPECT(range_set_add(&s, 0x5000, 0x5000));      /* empty: no change */
	EXPECT_EQ(s.count, 1);
}

TEST(ranges_remove_splits_trims_and_deletes)
{
	struct range_set s = { .count = 0 };

	range_set_add(&s, 0x1000, 0x9000);
	EXPECT(range_set_remove(&s, 0x3000, 0x4000));
	EXPECT_EQ(s.count, 2);
	EXPECT_EQ(s.ranges[0].end, 0x3000);
	EXPECT_EQ(s.ranges[1].start, 0x4000);
	EXPECT(range_set_remove(&s, 0x0, 0x2000));
	EXPECT_EQ(s.ranges[0].start, 0x2000);
	EXPECT(range_set_remove(&s, 0x8000, 0x20000));
	EXPECT_EQ(s.ranges[1].end, 0x8000);
	EXPECT(range_set_remove(&s, 0x0, 0x100000));
	EXPECT_EQ(s.count, 0);
}

TEST(ranges_overflow_is_reported_not_corrupting)
{
	struct range_set s = { .count = 0 };

	for (uint64_t i = 0; i < RANGE_SET_MAX; i++)
		EXPECT(range_set_add(&s, i * 0x2000, i * 0x2000 + 0x1000));
	EXPECT(!range_set_add(&s, 0x10000000, 0x10001000));
	EXPECT_EQ(s.count, RANGE_SET_MAX);
	EXPECT(!range_set_remove(&s, 0x400, 0x800));    /* a split would need one more */
	EXPECT_EQ(s.ranges[0].end, 0x1000);
}

/* A typical BIOS PC with 512 MiB: low RAM, the hole, then RAM from 1 MiB. */
static void pc_with_512mib(struct memory_plan_input *in)
{
	*in = (struct memory_plan_input){ .pool_size = 32 * MiB };
	range_set_add(&in->usable, 0, 0x9FC00);
	range_set_add(&in->usable, 0x100000, 512 * MiB - 0x20000);
	in->kernel_image = (struct phys_range){ 0x200000, 0x260000 };
	range_set_add(&in->in_use, 0x200000, 0x260000);         /* kernel */
	range_set_add(&in->in_use, 0x262000, 0x262a00);         /* boot information */
	range_set_add(&in->in_use, 0x1000000, 0x1e00000);       /* a module */
}

TEST(plan_pool_is_highest_aligned_block_and_avoids_everything_taken)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	pc_with_512mib(&in);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT_EQ(plan.pool.end - plan.pool.start, 32 * MiB);
	EXPECT_EQ(plan.pool.start % LARGE_PAGE_SIZE, 0);
	EXPECT(plan.pool.end <= 512 * MiB - 0x20000);
	EXPECT_EQ(plan.pool.start, 478 * MiB);    /* highest 2 MiB boundary that fits */
	EXPECT(!range_set_overlaps(&in.in_use, plan.pool.start, plan.pool.end));

	/* Free memory excludes low memory, everything in use and the pool. */
	EXPECT(!range_set_overlaps(&plan.free, 0, LOW_MEMORY_END));
	EXPECT(!range_set_overlaps(&plan.free, 0x200000, 0x260000));
	EXPECT(!range_set_overlaps(&plan.free, 0x262000, 0x263000));
	EXPECT(!range_set_overlaps(&plan.free, 0x1000000, 0x1e00000));
	EXPECT(!range_set_overlaps(&plan.free, plan.pool.start, plan.pool.end));

	/* Trampoline: two pages below 0xA0000 inside usable low RAM. */
	EXPECT_EQ(plan.trampoline.end - plan.trampoline.start, TRAMPOLINE_SIZE);
	EXPECT(plan.trampoline.end <= 0x9F000);
	EXPECT(plan.trampoline.start >= PAGE_SIZE);

	/* Owned: kernel + pool + trampoline, nothing else. */
	EXPECT(range_set_contains(&plan.owned, 0x200000, 0x260000));
	EXPECT(range_set_contains(&plan.owned, plan.pool.start, plan.pool.end));
	EXPECT(range_set_contains(&plan.owned, plan.trampoline.start, plan.trampoline.end));
	EXPECT_EQ(range_set_total(&plan.owned), 0x60000 + 32 * MiB + TRAMPOLINE_SIZE);
}

TEST(plan_unaligned_firmware_ranges_are_rounded_inward)
{
	struct memory_plan_input in = { .pool_size = 4 * MiB };
	struct memory_plan plan;

	range_set_add(&in.usable, 0x100123, 0x1000000 - 5);
	in.kernel_image = (struct phys_range){ 0x200000, 0x201000 };
	range_set_add(&in.in_use, 0x200000, 0x201000);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT_EQ(plan.free.ranges[0].start, 0x101000);
	EXPECT_EQ(plan.pool.end, 0xE00000);       /* highest 2 MiB boundary with 4 MiB below 0xFFF000 */
	EXPECT_EQ(plan.pool.start, 0xA00000);
	EXPECT_EQ(plan.trampoline.start, plan.trampoline.end);   /* no low memory at all */
}

TEST(plan_too_little_memory_reports_largest_block)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	pc_with_512mib(&in);
	in.pool_size = 1 * GiB;
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_NO_POOL);
	EXPECT_EQ(plan.largest_free_block, 512 * MiB - 0x20000 - 0x1e00000);
}

TEST(plan_keeps_pool_below_4gib)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	pc_with_512mib(&in);
	range_set_add(&in.usable, 4 * GiB, 6 * GiB);
	range_set_add(&in.usable, 3 * GiB, 4 * GiB + 1 * MiB);   /* crosses the limit */
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT_EQ(plan.pool.end, 4 * GiB);
	EXPECT(range_set_contains(&plan.free, 4 * GiB, 6 * GiB));

	/* RAM only above 4 GiB cannot hold the pool. */
	struct memory_plan_input high = { .pool_size = 32 * MiB };
	range_set_add(&high.usable, 0x100000, 0x400000);
	range_set_add(&high.usable, 4 * GiB, 8 * GiB);
	high.kernel_image = (struct phys_range){ 0x200000, 0x260000 };
	EXPECT_EQ(memory_plan_make(&high, &plan), MEMORY_PLAN_NO_POOL);
	EXPECT_EQ(plan.largest_free_block, 0x300000);
}

/* The same PC as GRUB loads veneer with the relocatable tag: image high, 2 MiB aligned. */
static void pc_with_image_high(struct memory_plan_input *in, uint64_t image_start, uint64_t ram_end)
{
	*in = (struct memory_plan_input){ .pool_size = 32 * MiB };
	range_set_add(&in->usable, 0, 0x9FC00);
	range_set_add(&in->usable, 0x100000, ram_end);
	in->kernel_image = (struct phys_range){ image_start, image_start + 0x56000 };
	range_set_add(&in->in_use, image_start, image_start + 0x56000);
	range_set_add(&in->in_use, 0x262000, 0x262a00);         /* boot information, low */
	range_set_add(&in->in_use, 0x100000, 0x1000000);        /* modules, low */
}

TEST(plan_pool_right_below_high_image_makes_one_block_with_the_slack)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	/* 512 MiB Bochs: RAM to 0x1FFF0000, image at 0x1FE00000: less than 2 MiB after it. */
	pc_with_image_high(&in, 0x1FE00000, 0x1FFF0000);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT(plan.pool_next_to_image);
	EXPECT_EQ(plan.pool.start, 0x1FE00000 - 32 * MiB);
	EXPECT_EQ(plan.pool.end, 0x1FE00000);
	/* One block from the pool to the end of the RAM range, and the trampoline. */
	EXPECT_EQ(plan.owned.count, 2);
	EXPECT(range_set_contains(&plan.owned, plan.pool.start, 0x1FFF0000));
	EXPECT(range_set_contains(&plan.owned, plan.trampoline.start, plan.trampoline.end));
	EXPECT(!range_set_overlaps(&plan.free, plan.pool.start, 0x1FFF0000));
	/* Everything from 1 MiB to the pool is the guest's (modules and boot information aside). */
	EXPECT(range_set_contains(&plan.free, 0x1000000, plan.pool.start));
}

TEST(plan_keeps_a_large_tail_after_the_image_for_the_guest)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	/* GRUB's own memory kept the image 3.6 MiB below the top (seen in Bochs). */
	pc_with_image_high(&in, 0x1FC00000, 0x1FFF0000);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT(plan.pool_next_to_image);
	EXPECT(range_set_contains(&plan.owned, 0x1DC00000, 0x1FC56000));
	EXPECT(!range_set_overlaps(&plan.owned, 0x1FC56000, 0x1FFF0000));
	EXPECT(range_set_contains(&plan.free, 0x1FC56000, 0x1FFF0000));
}

TEST(plan_image_off_a_large_page_joins_the_gap_below_it)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	pc_with_image_high(&in, 0x1FE03000, 0x1FFF0000);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT_EQ(plan.pool.end, 0x1FE00000);
	EXPECT(range_set_contains(&plan.owned, plan.pool.start, 0x1FFF0000));
	EXPECT_EQ(plan.owned.count, 2);
}

TEST(plan_pool_elsewhere_when_something_lies_below_the_image)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	pc_with_image_high(&in, 0x1FE00000, 0x1FFF0000);
	range_set_add(&in.in_use, 0x1FD00000, 0x1FD80000);      /* a module right below the image */
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT(!plan.pool_next_to_image);
	EXPECT(plan.pool.end <= 0x1FD00000);
	EXPECT_EQ(plan.pool.start % LARGE_PAGE_SIZE, 0);
	EXPECT(range_set_contains(&plan.owned, 0x1FE00000, 0x1FE56000));
	EXPECT(range_set_contains(&plan.owned, plan.pool.start, plan.pool.end));
	EXPECT(!range_set_overlaps(&plan.free, 0x1FE00000, 0x1FE56000));
	EXPECT(range_set_contains(&plan.free, 0x1FD80000, 0x1FE00000));
}

TEST(plan_image_at_its_link_address_still_works)
{
	struct memory_plan_input in;
	struct memory_plan plan;

	/* A loader without the relocatable tag: image at 2 MiB, pool at the top as before. */
	pc_with_512mib(&in);
	EXPECT_EQ(memory_plan_make(&in, &plan), MEMORY_PLAN_OK);
	EXPECT(!plan.pool_next_to_image);
	EXPECT_EQ(plan.pool.start, 478 * MiB);
}

TEST(page_allocator_hands_out_only_pool_pages)
{
	struct page_allocator a;
	struct phys_range pool = { 16 * MiB, 16 * MiB + 64 * 4096 };

	page_allocator_init(&a, pool);
	uint64_t p1 = page_allocator_take(&a, 1, 4096);
	uint64_t p2 = page_allocator_take(&a, 4, 4096);
	EXPECT_EQ(p1, 16 * MiB);
	EXPECT_EQ(p2, 16 * MiB + 4096);
	uint64_t aligned = page_allocator_take(&a, 2, 8 * 4096);
	EXPECT_EQ(aligned % (8 * 4096), 0);
	EXPECT(aligned >= pool.start && aligned + 2 * 4096 <= pool.end);
	EXPECT_EQ(a.free_bytes, (64 - 7) * 4096);

	EXPECT_EQ(page_allocator_take(&a, 1000, 4096), 0);      /* too big */
	EXPECT_EQ(page_allocator_take(&a, 0, 4096), 0);
	EXPECT_EQ(page_allocator_take(&a, 1, 3000), 0);         /* bad alignment */

	EXPECT(page_allocator_give(&a, p2, 4));
	EXPECT(!page_allocator_give(&a, p2, 4));                /* double free */
	EXPECT(!page_allocator_give(&a, 8 * MiB, 1));           /* not in the pool */
	EXPECT(!page_allocator_give(&a, p1 + 1, 1));            /* unaligned */
	EXPECT_EQ(page_allocator_take(&a, 4, 4096), p2);        /* reused */
}

TEST(page_allocator_exhausts_exactly)
{
	struct page_allocator a;
	struct phys_range pool = { 16 * MiB, 16 * MiB + 8 * 4096 };
	uint64_t pages[8];

	page_allocator_init(&a, pool);
	for (int i = 0; i < 8; i++) {
		pages[i] = page_allocator_take(&a, 1, 4096);
		EXPECT(pages[i] != 0);
	}
	EXPECT_EQ(page_allocator_take(&a, 1, 4096), 0);
	EXPECT_EQ(a.free_bytes, 0);
	for (int i = 0; i < 8; i += 2)
		EXPECT(page_allocator_give(&a, pages[i], 1));
	EXPECT_EQ(page_allocator_take(&a, 2, 4096), 0);         /* fragmented: no two adjacent */
	for (int i = 1; i < 8; i += 2)
		EXPECT(page_allocator_give(&a, pages[i], 1));
	EXPECT_EQ(a.free.count, 1);
	EXPECT_EQ(page_allocator_take(&a, 8, 4096), pool.start);
}

/* The pool when hvmem= does not set it: counted from the machine, a quarter more, whole 2 MiB blocks. */
TEST(pool_size_small_machine_gets_the_floor)
{
	struct pool_need need = { .cpus = 4, .map_limit = 4 * GiB, .memory_ranges = 5,
				  .boot_info_bytes = 0x2000, .image_bytes = 0x60000 };
	uint64_t size = memory_plan_pool_size(&need);

	EXPECT_EQ(size, POOL_MIN);
	/* What was counted fits with its margin: 4 CPUs, fixed pages, two 4 GiB maps, range ends, MTRRs. */
	uint64_t counted = (4 * POOL_PAGES_PER_CPU + POOL_FIXED_PAGES + 2 * 10 + 2 * 5 + POOL_MTRR_TABLES + 2) * PAGE_SIZE;
	EXPECT(size >= counted + counted / 4);
}

TEST(pool_size_grows_with_cpus_and_memory)
{
	struct pool_need need = { .cpus = 64, .map_limit = 4 * GiB, .memory_ranges = 5,
				  .boot_info_bytes = 0x2000, .image_bytes = 0x60000 };
	uint64_t many_cpus = memory_plan_pool_size(&need);

	EXPECT(many_cpus > POOL_MIN);
	EXPECT_EQ(many_cpus % LARGE_PAGE_SIZE, 0);
	EXPECT(many_cpus >= 64 * POOL_PAGES_PER_CPU * PAGE_SIZE * 5 / 4);

	need.cpus = 4;
	need.map_limit = 1024 * GiB;    /* a page directory per GiB for EPT and for the kernel: 8 MiB */
	uint64_t big_memory = memory_plan_pool_size(&need);
	EXPECT(big_memory >= 2 * 1024 * PAGE_SIZE * 5 / 4);
	EXPECT(big_memory < 16 * MiB);
}
