/*
 * Building the guest's EPT identity map (SDM Vol. 3C, "EPT Translation
 * Mechanism", "EPT Paging-Structure Entries", "EPT and Memory Typing").
 *
 * The builder walks the address space top-down.  Each entry of a table
 * covers a naturally aligned block (512 GiB, 1 GiB, 2 MiB or 4 KiB):
 *   - nothing in it is to be mapped (above the limit, or all hidden): the
 *     entry stays zero, "not present";
 *   - all of it is to be mapped, the CPU allows a leaf of that size and
 *     the MTRRs give the whole block one type: a leaf;
 *   - otherwise: a table one level down, filled the same way.
 * A 4 KiB block always falls in the first two cases: the ranges are
 * widened to whole pages and the MTRRs work on pages.
 */
#include <stdarg.h>

#include "kernel/format.h"
#include "vmx/ept.h"

#define PAGE_SHIFT      12
#define PAGE_SIZE_4K    (1ULL << PAGE_SHIFT)
#define LEVEL_BITS      9

enum coverage {
	COVER_NONE,     /* not one page to map */
	COVER_ALL,      /* every page to map */
	COVER_SOME,
};

struct builder {
	struct ept *ept;
	const struct range_set *guest_ram;
	const struct range_set *hidden;
	uint64_t limit;
	const struct mtrr_state *mtrr;
	const struct ept_config *cfg;
};

const char *ept_error_name(int error)
{
	switch (error) {
	case EPT_OK:
		return "no error";
	case EPT_NO_MEMORY:
		return "out of memory for EPT tables";
	case EPT_BAD_LIMIT:
		return "memory to map above the 256 TiB a 4-level EPT walk reaches";
	case EPT_NOT_SUPPORTED:
		return "the CPU's EPT lacks a required feature";
	default:
		return "unknown error";
	}
}

/* Level 0 is the page table (4 KiB entries), 3 the PML4 (512 GiB entries). */
static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + LEVEL_BITS * level;
}

/* A range widened to whole pages, its end capped at EPT_ADDRESS_LIMIT. */
static struct phys_range page_range(const struct phys_range *r)
{
	uint64_t end = r->end < EPT_ADDRESS_LIMIT ? r->end : EPT_ADDRESS_LIMIT;

	return (struct phys_range){ align_down(r->start, PAGE_SIZE_4K), align_up(end, PAGE_SIZE_4K) };
}

static bool pages_overlap(const struct range_set *set, uint64_t start, uint64_t end)
{
	for (size_t i = 0; set && i < set->count; i++) {
		struct phys_range r = page_range(&set->ranges[i]);
		if (r.start < end && start < r.end)
			return true;
	}
	return false;
}

/*
 * Whether [start, end) lies in [0, floor) together with the set's ranges
 * widened to pages.  The set is sorted, so one pass that pushes "covered up
 * to here" forward decides it (widening may make neighbours overlap; that
 * does no harm).
 */
static bool pages_cover(const struct range_set *set, uint64_t floor, uint64_t start, uint64_t end)
{
	uint64_t reached = start > floor ? start : floor;

	for (size_t i = 0; set && i < set->count && reached < end; i++) {
		struct phys_range r = page_range(&set->ranges[i]);
		if (r.start > reached)
			break;
		if (r.end > reached)
			reached = r.end;
	}
	return reached >= end;
}

static enum coverage coverage(const struct builder *b, uint64_t start, uint64_t end)
{
	bool wanted_somewhere = start < b->limit || pages_overlap(b->guest_ram, start, end);

	if (!wanted_somewhere || pages_cover(b->hidden, 0, start, end))
		return COVER_NONE;
	if (pages_cover(b->guest_ram, b->limit, start, end) && !pages_overlap(b->hidden, start, end))
		return COVER_ALL;
	return COVER_SOME;
}

static bool leaf_allowed(const struct ept_config *cfg, unsigned level)
{
	switch (level) {
	case 0:
		return true;
	case 1:
		return cfg->use_2mb_pages;
	case 2:
		return cfg->use_1gb_pages;
	default:
		return false;   /* a PML4 entry cannot map a page */
	}
}

static uint64_t leaf_entry(uint64_t address, unsigned level, uint8_t type)
{
	uint64_t entry = address | EPT_RWX | ((uint64_t)type << EPT_MEMORY_TYPE_SHIFT);

	if (level > 0)
		entry |= EPT_LARGE_PAGE;
	return entry;
}

static int fill_table(struct builder *b, uint64_t *table, unsigned level, uint64_t base)
{
	unsigned shift = level_shift(level);
	uint64_t size = 1ULL << shift;

	for (unsigned i = 0; i < EPT_ENTRIES; i++) {
		uint64_t start = base + (uint64_t)i * size;
		enum coverage c = coverage(b, start, start + size);

		if (c == COVER_NONE)
			continue;
		if (c == COVER_ALL && leaf_allowed(b->cfg, level)) {
			bool uniform;
			uint8_t type = mtrr_type_of_range(b->mtrr, start, size, &uniform);
			if (uniform || level == 0) {
				table[i] = leaf_entry(start, level, type);
				b->ept->leaves[level]++;
				b->ept->mapped_bytes += size;
				b->ept->bytes_by_type[type & 7] += size;
				continue;
			}
		}
		if (level == 0)
			continue;       /* cannot happen: a page is all or nothing */

		const struct ept_allocator *a = &b->ept->alloc;
		uint64_t *child = a->alloc_page(a->ctx);
		if (!child)
			return EPT_NO_MEMORY;
		b->ept->table_pages++;
		/* A non-leaf entry: all access (the leaves decide), bits 7:3 zero. */
		table[i] = (a->virt_to_phys(a->ctx, child) & EPT_ADDRESS_MASK) | EPT_RWX;
		int err = fill_table(b, child, level - 1, start);
		if (err)
			return err;
	}
	return EPT_OK;
}

uint64_t ept_make_eptp(uint64_t pml4_phys, bool accessed_dirty)
{
	uint64_t eptp = (pml4_phys & EPT_ADDRESS_MASK) | EPTP_MEMORY_TYPE_WB |
			((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT);

	if (accessed_dirty)
		eptp |= EPTP_ACCESSED_DIRTY;
	return eptp;
}

int ept_build(struct ept *ept, const struct range_set *guest_ram, const struct range_set *hidden,
	      uint64_t limit, const struct mtrr_state *mtrr, const struct ept_config *cfg,
	      const struct ept_allocator *alloc)
{
	*ept = (struct ept){ .alloc = *alloc, .config = *cfg };

	limit = align_up(limit, PAGE_SIZE_4K);
	if (limit > EPT_ADDRESS_LIMIT)
		return EPT_BAD_LIMIT;
	for (size_t i = 0; guest_ram && i < guest_ram->count; i++)
		if (guest_ram->ranges[i].end > EPT_ADDRESS_LIMIT)
			return EPT_BAD_LIMIT;

	ept->pml4 = alloc->alloc_page(alloc->ctx);
	if (!ept->pml4)
		return EPT_NO_MEMORY;
	ept->table_pages = 1;
	ept->pml4_phys = alloc->virt_to_phys(alloc->ctx, ept->pml4);
	ept->eptp = ept_make_eptp(ept->pml4_phys, cfg->accessed_dirty);

	struct builder b = {
		.ept = ept,
		.guest_ram = guest_ram,
		.hidden = hidden,
		.limit = limit,
		.mtrr = mtrr,
		.cfg = cfg,
	};
	return fill_table(&b, ept->pml4, EPT_LEVELS - 1, 0);
}

bool ept_walk(const struct ept *ept, uint64_t gpa, struct ept_mapping *out)
{
	const uint64_t *table = ept->pml4;
	unsigned permissions = EPT_RWX;

	if (!table || gpa >= EPT_ADDRESS_LIMIT)
		return false;
	for (unsigned level = EPT_LEVELS - 1; ; level--) {
		unsigned shift = level_shift(level);
		uint64_t entry = table[(gpa >> shift) & (EPT_ENTRIES - 1)];

		/* Bits 2:0 all clear: not present (SDM Vol. 3C, "EPT Paging-Structure Entries"). */
		if (!(entry & EPT_RWX))
			return false;
		permissions &= (unsigned)(entry & EPT_RWX);
		if (level == 0 || (level < EPT_LEVELS - 1 && (entry & EPT_LARGE_PAGE))) {
			uint64_t offset_mask = (1ULL << shift) - 1;
			*out = (struct ept_mapping){
				.hpa = (entry & EPT_ADDRESS_MASK & ~offset_mask) | (gpa & offset_mask),
				.permissions = permissions,
				.memory_type = (uint8_t)((entry & EPT_MEMORY_TYPE_MASK) >> EPT_MEMORY_TYPE_SHIFT),
				.ignore_pat = entry & EPT_IGNORE_PAT,
				.page_size = (enum ept_page_size)level,
			};
			return true;
		}
		table = ept->alloc.phys_to_virt(ept->alloc.ctx, entry & EPT_ADDRESS_MASK);
		if (!table)
			return false;
	}
}

bool ept_translate(const struct ept *ept, uint64_t gpa, uint64_t *hpa, unsigned *permissions,
		   uint8_t *memory_type)
{
	struct ept_mapping m;

	if (!ept_walk(ept, gpa, &m))
		return false;
	if (hpa)
		*hpa = m.hpa;
	if (permissions)
		*permissions = m.permissions;
	if (memory_type)
		*memory_type = m.memory_type;
	return true;
}

/* "8 GiB", "33 MiB", "12 KiB": the largest unit that divides bytes exactly (mappings are whole pages). */
static void text_add_bytes(struct text_buffer *t, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t value = bytes >> 10;
	unsigned unit = 0;

	while (unit + 1 < sizeof(units) / sizeof(units[0]) && value >= 1024 && value % 1024 == 0) {
		value /= 1024;
		unit++;
	}
	text_append(t, "%llu %s", (unsigned long long)value, units[unit]);
}

size_t ept_describe(const struct ept *ept, char *buf, size_t len)
{
	/* The common types first. */
	static const uint8_t order[] = { MTRR_TYPE_WB, MTRR_TYPE_UC, MTRR_TYPE_WC, MTRR_TYPE_WT, MTRR_TYPE_WP };
	struct text_buffer t = { .buf = buf, .size = len, .len = 0 };
	const char *separator = "; ";

	if (len > 0)
		buf[0] = '\0';
	text_append(&t, "%u pages of 1 GiB, %u of 2 MiB, %u of 4 KiB, %u table pages (%u KiB)",
		 ept->leaves[EPT_PAGE_1G], ept->leaves[EPT_PAGE_2M], ept->leaves[EPT_PAGE_4K],
		 ept->table_pages, ept->table_pages * 4);
	for (size_t i = 0; i < sizeof(order); i++) {
		if (!ept->bytes_by_type[order[i]])
			continue;
		text_append(&t, "%s%s ", separator, mtrr_type_name(order[i]));
		text_add_bytes(&t, ept->bytes_by_type[order[i]]);
		separator = ", ";
	}
	return t.len;
}

/* Replaces the large leaf *entry (at level, mapping base) by a table of the next smaller leaves, same type and access. */
static int split_large_page(struct ept *ept, uint64_t *entry, unsigned level)
{
	uint64_t *child = ept->alloc.alloc_page(ept->alloc.ctx);
	uint64_t base = *entry & EPT_ADDRESS_MASK & ~((1ULL << level_shift(level)) - 1);
	uint64_t attributes = *entry & (EPT_RWX | EPT_MEMORY_TYPE_MASK | EPT_IGNORE_PAT);
	uint64_t step = 1ULL << level_shift(level - 1);

	if (!child)
		return EPT_NO_MEMORY;
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		child[i] = (base + i * step) | attributes | (level - 1 > 0 ? EPT_LARGE_PAGE : 0);
	ept->table_pages++;
	ept->leaves[level]--;
	ept->leaves[level - 1] += EPT_ENTRIES;
	*entry = (ept->alloc.virt_to_phys(ept->alloc.ctx, child) & EPT_ADDRESS_MASK) | EPT_RWX;
	return EPT_OK;
}

/*
 * Maps the naturally aligned block of level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB)
 * at gpa to hpa with flags, adding tables where EPT has a hole and
 * splitting a larger page on the way.  Whatever the leaf replaces below
 * it (a table) is not given back: the caller maps only holes or pages.
 */
static int map_leaf(struct ept *ept, uint64_t gpa, uint64_t hpa, unsigned leaf_level, uint64_t flags)
{
	uint64_t *table = ept->pml4;
	uint64_t size = 1ULL << level_shift(leaf_level);

	if (gpa >= EPT_ADDRESS_LIMIT || (gpa & (size - 1)) || (hpa & (size - 1)))
		return EPT_BAD_LIMIT;
	for (unsigned level = EPT_LEVELS - 1; level > leaf_level; level--) {
		uint64_t *entry = &table[(gpa >> level_shift(level)) & (EPT_ENTRIES - 1)];
		if (*entry & EPT_LARGE_PAGE) {
			int err = split_large_page(ept, entry, level);
			if (err)
				return err;
		} else if (!(*entry & EPT_RWX)) {
			uint64_t *child = ept->alloc.alloc_page(ept->alloc.ctx);
			if (!child)
				return EPT_NO_MEMORY;
			ept->table_pages++;
			*entry = (ept->alloc.virt_to_phys(ept->alloc.ctx, child) & EPT_ADDRESS_MASK) | EPT_RWX;
		}
		table = ept->alloc.phys_to_virt(ept->alloc.ctx, *entry & EPT_ADDRESS_MASK);
	}
	uint64_t *leaf = &table[(gpa >> level_shift(leaf_level)) & (EPT_ENTRIES - 1)];
	if (!(*leaf & EPT_RWX)) {
		ept->leaves[leaf_level]++;
		ept->mapped_bytes += size;
		ept->bytes_by_type[(flags & EPT_MEMORY_TYPE_MASK) >> EPT_MEMORY_TYPE_SHIFT] += size;
	}
	*leaf = (hpa & EPT_ADDRESS_MASK) | flags | (leaf_level > 0 ? EPT_LARGE_PAGE : 0);
	return EPT_OK;
}

int ept_map_page(struct ept *ept, uint64_t gpa, uint64_t hpa, uint64_t flags)
{
	return map_leaf(ept, gpa, hpa, 0, flags);
}

/* The entry at level on gpa's walk; NULL when a table above it is missing or a larger page maps gpa. */
static uint64_t *entry_on_walk(const struct ept *ept, uint64_t gpa, unsigned target)
{
	uint64_t *table = ept->pml4;

	for (unsigned level = EPT_LEVELS - 1; ; level--) {
		uint64_t *entry = &table[(gpa >> level_shift(level)) & (EPT_ENTRIES - 1)];
		if (level == target)
			return entry;
		if (!(*entry & EPT_RWX) || (*entry & EPT_LARGE_PAGE))
			return NULL;
		table = ept->alloc.phys_to_virt(ept->alloc.ctx, *entry & EPT_ADDRESS_MASK);
	}
}

int ept_map_identity_block(struct ept *ept, uint64_t gpa, uint64_t floor, uint64_t flags, uint64_t *mapped)
{
	for (unsigned level = EPT_PAGE_1G + 1; level-- > 0;) {
		uint64_t size = 1ULL << level_shift(level);
		uint64_t block = gpa & ~(size - 1);
		const uint64_t *entry;

		if (!leaf_allowed(&ept->config, level) || block < floor)
			continue;
		/* A table already there holds other mappings: go down into it. */
		entry = entry_on_walk(ept, gpa, level);
		if (entry && (*entry & EPT_RWX))
			continue;
		int err = map_leaf(ept, block, block, level, flags);
		if (err == EPT_OK && mapped)
			*mapped = size;
		return err;
	}
	return EPT_BAD_LIMIT;
}
