/*
 * The EPT builder over sample machines: every hidden page unmapped, every
 * other page below the limit mapped to itself with full access and the
 * MTRRs' memory type, large pages wherever they fit, few table pages.
 */
// unit-test-source: vmx/ept.c
// unit-test-source: arch/mtrr.c
// unit-test-source: kernel/ranges.c
// unit-test-source: kernel/format.c
#include <stdlib.h>

#include "unit.h"
#include "vmx/ept.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/*
 * Table pages come from malloc, but the tables hold made-up "physical"
 * addresses far from the pointers (FAKE_PHYS_BASE + 4 KiB * n), so a
 * builder or walker that mixed up the two would fail.
 */
#define FAKE_PHYS_BASE  0x3A0000000000ULL
#define FAKE_PAGES_MAX  4096

struct fake_memory {
	void *pages[FAKE_PAGES_MAX];
	size_t count;
	size_t budget;          /* pages alloc_page may hand out */
};

static void *fake_alloc_page(void *ctx)
{
	struct fake_memory *m = ctx;

	if (m->count >= m->budget || m->count >= FAKE_PAGES_MAX)
		return NULL;
	void *page = aligned_alloc(4096, 4096);
	if (!page)
		return NULL;
	memset(page, 0, 4096);
	m->pages[m->count++] = page;
	return page;
}

static uint64_t fake_virt_to_phys(void *ctx, void *page)
{
	struct fake_memory *m = ctx;

	for (size_t i = 0; i < m->count; i++)
		if (m->pages[i] == page)
			return FAKE_PHYS_BASE + i * 4096;
	unit_fail(__FILE__, __LINE__, "virt_to_phys of a page the allocator never gave out");
	return 0;
}

static void *fake_phys_to_virt(void *ctx, uint64_t phys)
{
	struct fake_memory *m = ctx;

	if (phys < FAKE_PHYS_BASE || (phys - FAKE_PHYS_BASE) % 4096 || (phys - FAKE_PHYS_BASE) / 4096 >= m->count) {
		unit_fail(__FILE__, __LINE__, "phys_to_virt of %#llx, not a table page", (unsigned long long)phys);
		return NULL;
	}
	return m->pages[(phys - FAKE_PHYS_BASE) / 4096];
}

static struct fake_memory *fake_memory_new(size_t budget)
{
	struct fake_memory *m = calloc(1, sizeof(*m));

	m->budget = budget;
	return m;
}

static void fake_memory_free(struct fake_memory *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->pages[i]);
	free(m);
}

static struct ept_allocator fake_allocator(struct fake_memory *m)
{
	return (struct ept_allocator){
		.alloc_page = fake_alloc_page,
		.virt_to_phys = fake_virt_to_phys,
		.phys_to_virt = fake_phys_to_virt,
		.ctx = m,
	};
}

static const struct ept_config all_page_sizes = { .use_1gb_pages = true, .use_2mb_pages = true };

/* ---- sample machines ---- */

struct machine {
	struct range_set hidden;
	struct range_set guest_ram;     /* extra RAM to map beyond the limit, usually none */
	uint64_t limit;
	struct mtrr_state mtrr;
};

static void add_variable(struct mtrr_state *s, uint64_t base, uint64_t size, uint8_t type)
{
	s->variable[s->variable_count++] = (struct mtrr_variable_range){
		.base = base,
		.mask = ~(size - 1) & s->phys_addr_mask,
		.valid = true,
		.type = type,
	};
}

/* Fixed ranges as PC firmware sets them: RAM WB, video memory UC, option ROMs UC, system ROM WP. */
static void set_pc_fixed_ranges(struct mtrr_state *s)
{
	s->fixed_enabled = true;
	for (uint64_t a = 0; a < MTRR_FIXED_END; a += 4 * KiB) {
		uint8_t type = a < 0xA0000 ? MTRR_TYPE_WB :
			       a < 0xC0000 ? MTRR_TYPE_UC :
			       a < 0xE0000 ? MTRR_TYPE_UC : MTRR_TYPE_WP;
		s->fixed[mtrr_fixed_index(a)] = type;
	}
}

/*
 * A 512 MiB BIOS PC (QEMU and SeaBIOS): kernel image at 2 MiB, a 32 MiB
 * pool at 478 MiB, the trampoline at 0x9d000; MTRRs default WB with the
 * PCI hole [3 GiB, 4 GiB) UC.
 */
static void pc_512mib(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	range_set_add(&m->hidden, 0x200000, 0x260000);
	range_set_add(&m->hidden, 478 * MiB, 510 * MiB);
	range_set_add(&m->hidden, 0x9D000, 0x9F000);
	m->limit = 4 * GiB;
	m->mtrr = (struct mtrr_state){ .enabled = true, .default_type = MTRR_TYPE_WB,
				       .phys_addr_mask = mtrr_phys_addr_mask(40) };
	set_pc_fixed_ranges(&m->mtrr);
	add_variable(&m->mtrr, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
}

/*
 * An 8 GiB server-style machine: RAM to 3 GiB and from 4 GiB to 9 GiB;
 * MTRRs default UC, WB ranges over the RAM, the PCI hole UC by a range
 * that overlaps the first WB one, and a WC frame buffer inside the hole.
 */
static void server_8gib(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	range_set_add(&m->hidden, 0x200000, 0x300000);          /* kernel image */
	range_set_add(&m->hidden, 0xB0000000, 0xB4000000);      /* 64 MiB pool */
	range_set_add(&m->hidden, 0x8000, 0xA000);              /* trampoline */
	m->limit = 9 * GiB;
	m->mtrr = (struct mtrr_state){ .enabled = true, .default_type = MTRR_TYPE_UC,
				       .phys_addr_mask = mtrr_phys_addr_mask(39) };
	set_pc_fixed_ranges(&m->mtrr);
	add_variable(&m->mtrr, 0, 4 * GiB, MTRR_TYPE_WB);
	add_variable(&m->mtrr, 3 * GiB, 1 * GiB, MTRR_TYPE_UC);
	add_variable(&m->mtrr, 4 * GiB, 4 * GiB, MTRR_TYPE_WB);
	add_variable(&m->mtrr, 8 * GiB, 1 * GiB, MTRR_TYPE_WB);
	add_variable(&m->mtrr, 0xE0000000, 16 * MiB, MTRR_TYPE_WC);
}

/*
 * A machine with hidden ranges that start and end off 2 MiB and 1 GiB
 * boundaries, fixed MTRRs off, a WC frame buffer in a default-UC hole, a
 * 64 KiB UC window inside RAM, and RAM above 4 GiB that only guest_ram
 * brings into the map.
 */
static void ragged(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	range_set_add(&m->hidden, 0x3FF000, 0x801000);                  /* pool, 4 KiB off 2 MiB at both ends */
	range_set_add(&m->hidden, 1 * GiB - 4 * KiB, 1 * GiB + 4 * KiB); /* across a 1 GiB boundary */
	range_set_add(&m->hidden, 0x12345000, 0x12346000);
	range_set_add(&m->guest_ram, 4 * GiB, 4 * GiB + 6 * MiB + 8 * KiB);
	m->limit = 4 * GiB;
	m->mtrr = (struct mtrr_state){ .enabled = true, .default_type = MTRR_TYPE_UC,
				       .phys_addr_mask = mtrr_phys_addr_mask(39) };
	add_variable(&m->mtrr, 0, 2 * GiB, MTRR_TYPE_WB);
	add_variable(&m->mtrr, 0xE0000000, 16 * MiB, MTRR_TYPE_WC);
	add_variable(&m->mtrr, 0x50000000, 64 * KiB, MTRR_TYPE_UC);
	add_variable(&m->mtrr, 4 * GiB, 8 * MiB, MTRR_TYPE_WB);
}

/* ---- checks ---- */

static bool page_is_hidden(const struct machine *m, uint64_t page)
{
	return range_set_overlaps(&m->hidden, page, page + 4 * KiB);
}

static bool page_is_wanted(const struct machine *m, uint64_t page)
{
	return page < m->limit || range_set_overlaps(&m->guest_ram, page, page + 4 * KiB);
}

/*
 * Every page of [0, end): hidden or beyond the map → not present; anything
 * else → itself, RWX, the MTRR type, PAT not ignored.  Reports the first
 * page that is wrong, not millions of them.
 */
static void check_every_page(const struct ept *ept, const struct machine *m, uint64_t end)
{
	for (uint64_t page = 0; page < end; page += 4 * KiB) {
		struct ept_mapping map;
		bool mapped = ept_walk(ept, page + 0x123, &map);

		if (page_is_hidden(m, page) || !page_is_wanted(m, page)) {
			if (mapped) {
				unit_fail(__FILE__, __LINE__, "page %#llx should not be mapped", (unsigned long long)page);
				return;
			}
			continue;
		}
		uint8_t type = mtrr_type_of(&m->mtrr, page);
		if (!mapped || map.hpa != page + 0x123 || map.permissions != EPT_RWX || map.memory_type != type ||
		    map.ignore_pat) {
			unit_fail(__FILE__, __LINE__,
				  "page %#llx: mapped %d to %#llx, permissions %u, type %u (MTRR %u), ignore PAT %d",
				  (unsigned long long)page, mapped, (unsigned long long)map.hpa, map.permissions,
				  map.memory_type, type, map.ignore_pat);
			return;
		}
	}
}

struct table_census {
	unsigned tables;
	unsigned leaves[EPT_PAGE_SIZES];
	unsigned malformed;
};

/*
 * Walks the tables themselves: counts tables and leaves per size, and
 * counts entries the CPU would take as an EPT misconfiguration (SDM Vol.
 * 3C, "EPT Misconfigurations"): reserved bits set, write without read,
 * a reserved memory type, an unaligned large-page address.
 */
static void census(const struct ept *ept, const uint64_t *table, unsigned level, struct table_census *c)
{
	c->tables++;
	for (unsigned i = 0; i < EPT_ENTRIES; i++) {
		uint64_t e = table[i];
		if (!(e & EPT_RWX)) {
			if (e)
				c->malformed++;
			continue;
		}
		if ((e & EPT_WRITE) && !(e & EPT_READ))
			c->malformed++;
		bool leaf = level == 0 || (level < 3 && (e & EPT_LARGE_PAGE));
		if (!leaf) {
			if (e & (0x1FULL << 3))         /* bits 7:3 reserved in a non-leaf entry */
				c->malformed++;
			census(ept, ept->alloc.phys_to_virt(ept->alloc.ctx, e & EPT_ADDRESS_MASK), level - 1, c);
			continue;
		}
		uint8_t type = (e >> EPT_MEMORY_TYPE_SHIFT) & 7;
		if (type == 2 || type == 3 || type == 7)
			c->malformed++;
		uint64_t page_mask = (1ULL << (12 + 9 * level)) - 1;
		if (e & EPT_ADDRESS_MASK & page_mask)   /* bits 29:12 or 20:12 reserved in a large page */
			c->malformed++;
		c->leaves[level]++;
	}
}

static void check_census(const struct ept *ept)
{
	struct table_census c = { 0 };

	census(ept, ept->pml4, 3, &c);
	EXPECT_EQ(c.malformed, 0);
	EXPECT_EQ(c.tables, ept->table_pages);
	for (unsigned s = 0; s < EPT_PAGE_SIZES; s++)
		EXPECT_EQ(c.leaves[s], ept->leaves[s]);
}

static unsigned type_at(const struct ept *ept, uint64_t gpa)
{
	struct ept_mapping map = { .memory_type = 0xFF };

	ept_walk(ept, gpa, &map);
	return map.memory_type;
}

static unsigned size_at(const struct ept *ept, uint64_t gpa)
{
	struct ept_mapping map = { .page_size = EPT_PAGE_SIZES };

	ept_walk(ept, gpa, &map);
	return map.page_size;
}

/* ---- tests ---- */

TEST(ept_eptp_encoding)
{
	EXPECT_EQ(ept_make_eptp(0x12345000, false), 0x12345000ULL | 6 | (3 << 3));
	EXPECT_EQ(ept_make_eptp(0x12345000, true), 0x12345000ULL | 6 | (3 << 3) | (1 << 6));
	EXPECT_EQ(ept_make_eptp(0x12345FFF, false), 0x1234501EULL);     /* low bits of the address dropped */
}

TEST(ept_pc_512mib_maps_everything_but_the_hypervisor)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;

	pc_512mib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	check_every_page(&ept, m, m->limit + 4 * MiB);
	check_census(&ept);

	/* PML4, PDPT, the first GiB's PD, page tables for [0, 2 MiB) and [2 MiB, 4 MiB). */
	EXPECT_EQ(ept.table_pages, 5);
	EXPECT_EQ(ept.leaves[EPT_PAGE_1G], 3);
	EXPECT_EQ(ept.leaves[EPT_PAGE_2M], 512 - 2 - 16);
	EXPECT_EQ(ept.leaves[EPT_PAGE_4K], (256 - 2 + 256) + (512 - 0x60));
	EXPECT_EQ(ept.mapped_bytes, 4 * GiB - range_set_total(&m->hidden));
	EXPECT_EQ(ept.pml4_phys, FAKE_PHYS_BASE);
	EXPECT_EQ(ept.eptp, ept_make_eptp(FAKE_PHYS_BASE, false));

	/* Sample addresses. */
	EXPECT_EQ(type_at(&ept, 0x1000), MTRR_TYPE_WB);
	EXPECT_EQ(type_at(&ept, 0xA0000), MTRR_TYPE_UC);         /* video memory */
	EXPECT_EQ(type_at(&ept, 0xF0000), MTRR_TYPE_WP);         /* system ROM */
	EXPECT_EQ(type_at(&ept, 100 * MiB), MTRR_TYPE_WB);
	EXPECT_EQ(type_at(&ept, 0xFEC00000), MTRR_TYPE_UC);      /* I/O APIC */
	EXPECT_EQ(type_at(&ept, 0xFEE00000), MTRR_TYPE_UC);      /* local APIC */
	EXPECT_EQ(size_at(&ept, 0xFEE00000), EPT_PAGE_1G);
	EXPECT_EQ(size_at(&ept, 1 * GiB), EPT_PAGE_1G);
	EXPECT_EQ(size_at(&ept, 4 * MiB), EPT_PAGE_2M);
	EXPECT_EQ(size_at(&ept, 0x260000), EPT_PAGE_4K);
	EXPECT(!ept_translate(&ept, 0x9D000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 0x25F000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 509 * MiB, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 4 * GiB, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 1ULL << 47, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 1ULL << 48, NULL, NULL, NULL));

	uint64_t hpa = 0;
	unsigned permissions = 0;
	uint8_t type = 0xFF;
	EXPECT(ept_translate(&ept, 0x9F000, &hpa, &permissions, &type));
	EXPECT_EQ(hpa, 0x9F000);
	EXPECT_EQ(permissions, EPT_RWX);
	EXPECT_EQ(type, MTRR_TYPE_WB);

	char text[200];
	ept_describe(&ept, text, sizeof(text));
	EXPECT_STREQ(text, "3 pages of 1 GiB, 494 of 2 MiB, 926 of 4 KiB, 5 table pages (20 KiB); "
			   "WB 3112184 KiB, UC 1048832 KiB, WP 128 KiB");
	fake_memory_free(mem);
	free(m);
}

TEST(ept_pc_512mib_with_smaller_pages_only)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;
	const struct ept_config only_2mb = { .use_2mb_pages = true };
	const struct ept_config only_4kb = { 0 };

	pc_512mib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &only_2mb, &alloc), EPT_OK);
	check_every_page(&ept, m, m->limit);
	check_census(&ept);
	EXPECT_EQ(ept.table_pages, 1 + 1 + 4 + 2);
	EXPECT_EQ(ept.leaves[EPT_PAGE_1G], 0);
	EXPECT_EQ(ept.leaves[EPT_PAGE_2M], 494 + 3 * 512);
	EXPECT_EQ(size_at(&ept, 3 * GiB), EPT_PAGE_2M);

	/* No large pages at all: a page table for every 2 MiB that is not all hidden. */
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &only_4kb, &alloc), EPT_OK);
	check_every_page(&ept, m, m->limit);
	check_census(&ept);
	EXPECT_EQ(ept.table_pages, 1 + 1 + 4 + (2048 - 16));
	EXPECT_EQ(ept.leaves[EPT_PAGE_4K], (4 * GiB - range_set_total(&m->hidden)) / (4 * KiB));
	fake_memory_free(mem);
	free(m);
}

TEST(ept_server_8gib_needs_a_handful_of_tables)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;

	server_8gib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	check_every_page(&ept, m, m->limit + 1 * GiB);
	check_census(&ept);

	/* PML4, PDPT, PDs for the first and third GiB, page tables for [0, 2 MiB) and [2 MiB, 4 MiB). */
	EXPECT_EQ(ept.table_pages, 6);
	EXPECT_EQ(ept.leaves[EPT_PAGE_1G], 1 + 1 + 5);
	EXPECT_EQ(ept.leaves[EPT_PAGE_2M], 510 + (512 - 32));
	EXPECT_EQ(ept.leaves[EPT_PAGE_4K], (512 - 2) + 256);

	/* The PCI hole is UC as one 1 GiB page: UC beats the overlapping WB and WC ranges. */
	EXPECT_EQ(type_at(&ept, 3 * GiB), MTRR_TYPE_UC);
	EXPECT_EQ(type_at(&ept, 0xE0000000), MTRR_TYPE_UC);
	EXPECT_EQ(size_at(&ept, 0xE0000000), EPT_PAGE_1G);
	EXPECT_EQ(type_at(&ept, 2 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(type_at(&ept, 5 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(type_at(&ept, 9 * GiB - 4 * KiB), MTRR_TYPE_WB);
	EXPECT_EQ(size_at(&ept, 8 * GiB), EPT_PAGE_1G);
	EXPECT_EQ(type_at(&ept, 0xA0000), MTRR_TYPE_UC);
	EXPECT_EQ(type_at(&ept, 0xC8000), MTRR_TYPE_UC);
	EXPECT_EQ(type_at(&ept, 0xE0000), MTRR_TYPE_WP);
	EXPECT(!ept_translate(&ept, 0x8000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 0xB2000000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 9 * GiB, NULL, NULL, NULL));

	/* With A/D flags asked for, only the EPTP changes. */
	EXPECT_EQ(ept.eptp & EPTP_ACCESSED_DIRTY, 0);
	const struct ept_config with_ad = { .use_1gb_pages = true, .use_2mb_pages = true, .accessed_dirty = true };
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &with_ad, &alloc), EPT_OK);
	EXPECT_EQ(ept.eptp, ept_make_eptp(ept.pml4_phys, true));
	EXPECT_EQ(ept.table_pages, 6);
	fake_memory_free(mem);
	free(m);
}

TEST(ept_ragged_hidden_ranges_and_memory_types_split_pages)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;

	ragged(m);
	EXPECT_EQ(ept_build(&ept, &m->guest_ram, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc),
		  EPT_OK);
	check_every_page(&ept, m, m->limit + 1 * GiB);
	check_census(&ept);

	/* Fixed ranges off: the first 2 MiB are one WB page. */
	EXPECT_EQ(size_at(&ept, 0), EPT_PAGE_2M);
	EXPECT_EQ(type_at(&ept, 0xA0000), MTRR_TYPE_WB);
	/* The pool's ragged ends: 4 KiB pages up to it and after it, nothing in between. */
	EXPECT_EQ(size_at(&ept, 0x3FE000), EPT_PAGE_4K);
	EXPECT(!ept_translate(&ept, 0x3FF000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 0x600000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 0x800000, NULL, NULL, NULL));
	EXPECT_EQ(size_at(&ept, 0x801000), EPT_PAGE_4K);
	EXPECT_EQ(size_at(&ept, 0xA00000), EPT_PAGE_2M);
	/* The page on each side of 1 GiB is hidden: both GiBs are split. */
	EXPECT(!ept_translate(&ept, 1 * GiB - 4 * KiB, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 1 * GiB, NULL, NULL, NULL));
	EXPECT_EQ(size_at(&ept, 1 * GiB + 4 * KiB), EPT_PAGE_4K);
	EXPECT_EQ(size_at(&ept, 1 * GiB + 2 * MiB), EPT_PAGE_2M);
	/* The 64 KiB UC window splits its 2 MiB into pages. */
	EXPECT_EQ(type_at(&ept, 0x50000000), MTRR_TYPE_UC);
	EXPECT_EQ(type_at(&ept, 0x5000F000), MTRR_TYPE_UC);
	EXPECT_EQ(type_at(&ept, 0x50010000), MTRR_TYPE_WB);
	EXPECT_EQ(size_at(&ept, 0x50010000), EPT_PAGE_4K);
	/* WB RAM to 2 GiB, default UC above, the WC frame buffer in 2 MiB pages. */
	EXPECT_EQ(type_at(&ept, 2 * GiB), MTRR_TYPE_UC);
	EXPECT_EQ(size_at(&ept, 2 * GiB), EPT_PAGE_1G);
	EXPECT_EQ(type_at(&ept, 0xE0000000), MTRR_TYPE_WC);
	EXPECT_EQ(size_at(&ept, 0xE0000000), EPT_PAGE_2M);
	EXPECT_EQ(type_at(&ept, 0xE1000000), MTRR_TYPE_UC);
	/* RAM beyond the limit comes from guest_ram: three 2 MiB pages and two 4 KiB ones. */
	EXPECT_EQ(type_at(&ept, 4 * GiB), MTRR_TYPE_WB);
	EXPECT_EQ(size_at(&ept, 4 * GiB), EPT_PAGE_2M);
	EXPECT_EQ(size_at(&ept, 4 * GiB + 6 * MiB + 4 * KiB), EPT_PAGE_4K);
	EXPECT(!ept_translate(&ept, 4 * GiB + 6 * MiB + 8 * KiB, NULL, NULL, NULL));

	/*
	 * PML4, PDPT; PDs for GiB 0, 1, 3 and 4; page tables for the pool's
	 * two ends, both sides of 1 GiB, 0x12345000, the UC window, and the
	 * end of the RAM above 4 GiB.
	 */
	EXPECT_EQ(ept.table_pages, 2 + 4 + 7);
	fake_memory_free(mem);
	free(m);
}

TEST(ept_hidden_ranges_are_widened_to_whole_pages)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;

	memset(m, 0, sizeof(*m));
	m->limit = 4 * GiB;
	m->mtrr = (struct mtrr_state){ .enabled = true, .default_type = MTRR_TYPE_WB,
				       .phys_addr_mask = mtrr_phys_addr_mask(39) };
	range_set_add(&m->hidden, 0x10000800, 0x10001001);     /* touches two pages */
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	EXPECT(!ept_translate(&ept, 0x10000000, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 0x10001000, NULL, NULL, NULL));
	EXPECT(ept_translate(&ept, 0x10002000, NULL, NULL, NULL));
	EXPECT(ept_translate(&ept, 0x0FFFF000, NULL, NULL, NULL));
	EXPECT_EQ(ept.mapped_bytes, 4 * GiB - 8 * KiB);
	check_census(&ept);
	fake_memory_free(mem);
	free(m);
}

TEST(ept_disabled_mtrrs_map_everything_uc)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;

	pc_512mib(m);
	m->mtrr.enabled = false;
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	check_every_page(&ept, m, m->limit);
	EXPECT_EQ(type_at(&ept, 0x1000), MTRR_TYPE_UC);
	EXPECT_EQ(ept.bytes_by_type[MTRR_TYPE_UC], ept.mapped_bytes);
	/* One type everywhere: the first 2 MiB needs a page table only for the trampoline. */
	EXPECT_EQ(ept.table_pages, 5);
	fake_memory_free(mem);
	free(m);
}

TEST(ept_reports_allocation_failure_and_bad_limits)
{
	struct machine *m = malloc(sizeof(*m));
	struct ept ept;

	pc_512mib(m);
	for (size_t budget = 0; budget < 5; budget++) {
		struct fake_memory *mem = fake_memory_new(budget);
		struct ept_allocator alloc = fake_allocator(mem);
		EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc),
			  EPT_NO_MEMORY);
		fake_memory_free(mem);
	}

	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, EPT_ADDRESS_LIMIT + 4096, &m->mtrr, &all_page_sizes, &alloc),
		  EPT_BAD_LIMIT);
	range_set_add(&m->guest_ram, EPT_ADDRESS_LIMIT - 4096, EPT_ADDRESS_LIMIT + 4096);
	EXPECT_EQ(ept_build(&ept, &m->guest_ram, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc),
		  EPT_BAD_LIMIT);
	EXPECT_STREQ(ept_error_name(EPT_NO_MEMORY), "out of memory for EPT tables");
	fake_memory_free(mem);
	free(m);
}

TEST(ept_empty_map_has_only_the_pml4)
{
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct mtrr_state mtrr = { .enabled = false };
	struct range_set none = { .count = 0 };
	struct ept ept;

	EXPECT_EQ(ept_build(&ept, NULL, &none, 0, &mtrr, &all_page_sizes, &alloc), EPT_OK);
	EXPECT_EQ(ept.table_pages, 1);
	EXPECT_EQ(ept.mapped_bytes, 0);
	EXPECT(!ept_translate(&ept, 0, NULL, NULL, NULL));

	char text[200];
	EXPECT_EQ(ept_describe(&ept, text, sizeof(text)), strlen(text));
	EXPECT_STREQ(text, "0 pages of 1 GiB, 0 of 2 MiB, 0 of 4 KiB, 1 table pages (4 KiB)");
	EXPECT_EQ(ept_describe(&ept, text, 8), strlen("0 pages of 1 GiB, 0 of 2 MiB, 0 of 4 KiB, 1 table pages (4 KiB)"));
	EXPECT_STREQ(text, "0 pages");
	fake_memory_free(mem);
}

/* A single page mapped into a hole: inside a hidden 2 MiB block (new tables) and next to mapped pages. */
TEST(ept_map_page_fills_a_hole_only)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;
	uint64_t hpa = 0;
	unsigned permissions = 0;

	pc_512mib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	unsigned tables = ept.table_pages;
	uint64_t flags = EPT_READ | ((uint64_t)MTRR_TYPE_WB << EPT_MEMORY_TYPE_SHIFT);

	/* In the pool, hidden by a missing 2 MiB entry: a page table is added. */
	EXPECT_EQ(ept_map_page(&ept, 480 * MiB + 0x3000, 0x7000, flags), EPT_OK);
	EXPECT_EQ(ept.table_pages, tables + 1);
	EXPECT(ept_translate(&ept, 480 * MiB + 0x3000, &hpa, &permissions, NULL));
	EXPECT_EQ(hpa, 0x7000);
	EXPECT_EQ(permissions, EPT_READ);
	EXPECT(!ept_translate(&ept, 480 * MiB + 0x4000, NULL, NULL, NULL));   /* its neighbours stay holes */

	/* In the kernel image, whose page table exists already: no new table. */
	EXPECT_EQ(ept_map_page(&ept, 0x200000, 0x7000, flags), EPT_OK);
	EXPECT_EQ(ept.table_pages, tables + 1);
	EXPECT(ept_translate(&ept, 0x200000, &hpa, NULL, NULL));

	/* Inside a 1 GiB page: split into 2 MiB pages, then 4 KiB ones; the rest keeps its mapping. */
	uint64_t apic = 0xFEE00000;
	uint8_t type = 0;
	EXPECT_EQ(ept_map_page(&ept, apic, apic, EPT_READ | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT)), EPT_OK);
	EXPECT_EQ(ept.table_pages, tables + 3);
	EXPECT(ept_translate(&ept, apic, &hpa, &permissions, &type));
	EXPECT_EQ(permissions, EPT_READ);
	EXPECT(ept_translate(&ept, apic + 0x1000, &hpa, &permissions, &type));
	EXPECT_EQ(hpa, apic + 0x1000);
	EXPECT_EQ(permissions, EPT_RWX);
	EXPECT_EQ(type, MTRR_TYPE_UC);
	EXPECT(ept_translate(&ept, 3 * GiB + 0x5000, &hpa, &permissions, NULL));
	EXPECT_EQ(hpa, 3 * GiB + 0x5000);
	EXPECT_EQ(size_at(&ept, 3 * GiB), EPT_PAGE_2M);
	check_census(&ept);

	/* Misaligned: refused. */
	EXPECT_EQ(ept_map_page(&ept, 0x200800, 0x7000, flags), EPT_BAD_LIMIT);
	fake_memory_free(mem);
	free(m);
}

static const struct ept_config two_mib_leaves = { .use_2mb_pages = true };

/* Device memory above RAM: 1 GiB leaves where allowed, 2 MiB or 4 KiB otherwise, never below the floor. */
TEST(ept_map_identity_block_uses_the_largest_leaf)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;
	uint64_t uc = EPT_RWX | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT);
	uint64_t size = 0, hpa = 0;

	pc_512mib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	unsigned tables = ept.table_pages;
	EXPECT_EQ(ept_map_identity_block(&ept, 5 * GiB + 0x1234, m->limit, uc, &size), EPT_OK);
	EXPECT_EQ(size, GiB);
	EXPECT_EQ(ept.table_pages, tables);             /* the PDPT was there already */
	EXPECT(ept_translate(&ept, 5 * GiB + 0x3FFFF000, &hpa, NULL, NULL));
	EXPECT_EQ(hpa, 5 * GiB + 0x3FFFF000);
	EXPECT_EQ(ept_map_identity_block(&ept, 700 * GiB, m->limit, uc, &size), EPT_OK);
	EXPECT_EQ(ept.table_pages, tables + 1);         /* a new PDPT for the second 512 GiB */
	check_census(&ept);

	/* Only 2 MiB leaves: one page directory per GiB touched. */
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &two_mib_leaves, &alloc), EPT_OK);
	tables = ept.table_pages;
	EXPECT_EQ(ept_map_identity_block(&ept, 6 * GiB + 3 * MiB, m->limit, uc, &size), EPT_OK);
	EXPECT_EQ(size, 2 * MiB);
	EXPECT_EQ(ept.table_pages, tables + 1);
	EXPECT(ept_translate(&ept, 6 * GiB + 2 * MiB, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 6 * GiB + 4 * MiB, NULL, NULL, NULL));
	check_census(&ept);

	/* A block that would reach below the floor is not used: a smaller one is. */
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &all_page_sizes, &alloc), EPT_OK);
	EXPECT_EQ(ept_map_identity_block(&ept, 5 * GiB + 7 * MiB, 5 * GiB + 6 * MiB, uc, &size), EPT_OK);
	EXPECT_EQ(size, 2 * MiB);
	EXPECT(!ept_translate(&ept, 5 * GiB, NULL, NULL, NULL));
	check_census(&ept);
	fake_memory_free(mem);
	free(m);
}

/* An allocator that runs dry: the mapping fails with EPT_NO_MEMORY and what was mapped stays. */
TEST(ept_map_identity_block_reports_a_spent_budget)
{
	struct machine *m = malloc(sizeof(*m));
	struct fake_memory *mem = fake_memory_new(SIZE_MAX);
	struct ept_allocator alloc = fake_allocator(mem);
	struct ept ept;
	uint64_t uc = EPT_RWX | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT);

	pc_512mib(m);
	EXPECT_EQ(ept_build(&ept, NULL, &m->hidden, m->limit, &m->mtrr, &two_mib_leaves, &alloc), EPT_OK);
	mem->budget = mem->count + 2;
	EXPECT_EQ(ept_map_identity_block(&ept, 8 * GiB, m->limit, uc, NULL), EPT_OK);
	EXPECT_EQ(ept_map_identity_block(&ept, 9 * GiB, m->limit, uc, NULL), EPT_OK);
	EXPECT_EQ(ept_map_identity_block(&ept, 10 * GiB, m->limit, uc, NULL), EPT_NO_MEMORY);
	EXPECT_EQ(ept_map_identity_block(&ept, 9 * GiB + 20 * MiB, m->limit, uc, NULL), EPT_OK);  /* its table exists */
	EXPECT(ept_translate(&ept, 8 * GiB, NULL, NULL, NULL));
	EXPECT(!ept_translate(&ept, 10 * GiB, NULL, NULL, NULL));
	check_census(&ept);
	fake_memory_free(mem);
	free(m);
}
