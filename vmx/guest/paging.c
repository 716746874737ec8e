/*
 * Walking the guest's page tables.  Pure: the host unit tests compile it
 * too.
 *
 * Three entry formats cover the five modes:
 *   - 32-bit paging: 4-byte entries, two levels, with 4 MiB pages in the
 *     page directory when CR4.PSE is 1 ("32-Bit Paging");
 *   - PAE paging: four PDPTEs of their own format, then 8-byte PDEs and
 *     PTEs ("PAE Paging");
 *   - 4-level and 5-level paging: 8-byte entries at every level, 1 GiB
 *     pages in the PDPT and 2 MiB pages in the page directory ("4-Level
 *     Paging and 5-Level Paging").
 * PAE's PDEs and PTEs have the 4-level format except for the reserved
 * bits 62:52, which 4-level paging ignores; walk_8byte() serves both.
 */
#include "arch/cpu.h"
#include "arch/msr.h"
#include "vmx/guest/paging.h"

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1ULL << PAGE_SHIFT)
#define LEVEL_BITS      9               /* 512 8-byte entries per table */

/* Bits every entry format shares. */
#define ENTRY_PRESENT   (1ULL << 0)
#define ENTRY_PS        (1ULL << 7)     /* page size: this entry maps a page (PTEs: PAT instead) */
#define ENTRY_XD        (1ULL << 63)    /* execute-disable; reserved when IA32_EFER.NXE = 0 */

#define LIMIT_32BIT     0xFFFFFFFFULL   /* linear addresses outside IA-32e mode */

/* The mask of bits hi:lo (inclusive); empty when hi < lo. */
static uint64_t bit_range(unsigned hi, unsigned lo)
{
	if (hi < lo || hi > 63)
		return 0;
	return (~0ULL >> (63 - hi)) & ~((1ULL << lo) - 1);
}

static unsigned maxphyaddr(const struct guest_paging_state *s)
{
	if (s->phys_addr_bits == 0 || s->phys_addr_bits > 52)
		return 52;
	if (s->phys_addr_bits < 32)
		return 32;
	return s->phys_addr_bits;
}

/* Reads one little-endian entry of 4 or 8 bytes (x86 is little-endian, the host tests too). */
static bool read_entry(guest_read_fn read, void *ctx, uint64_t gpa, unsigned size, uint64_t *entry)
{
	*entry = 0;
	return read(ctx, gpa, entry, size);
}

enum guest_paging_mode guest_paging_mode(const struct guest_paging_state *s)
{
	if (!(s->cr0 & CR0_PG))
		return GUEST_PAGING_OFF;
	if (!(s->cr4 & CR4_PAE))
		return (s->efer & EFER_LMA) ? GUEST_PAGING_INVALID : GUEST_PAGING_32BIT;
	if (!(s->efer & EFER_LMA))
		return GUEST_PAGING_PAE;
	return (s->cr4 & CR4_LA57) ? GUEST_PAGING_5LEVEL : GUEST_PAGING_4LEVEL;
}

/*
 * 32-bit paging: CR3[31:12] locates the page directory, linear bits 31:22
 * select a PDE, bits 21:12 a PTE.  With CR4.PSE a PDE with PS = 1 maps a
 * 4 MiB page whose physical address takes bits 31:22 from the PDE's bits
 * 31:22 and bits (M-1):32 from its bits (M-20):13, where
 * M = min(MAXPHYADDR, 40); the bits between, up to bit 21, are reserved.
 * Without CR4.PSE the PS bit is ignored.  No other 32-bit entry has
 * reserved bits.
 */
static enum guest_walk_result walk_32bit(const struct guest_paging_state *s, uint32_t linear,
					 guest_read_fn read, void *ctx, uint64_t *gpa)
{
	uint64_t pde, pte;
	uint64_t directory = s->cr3 & 0xFFFFF000;

	if (!read_entry(read, ctx, directory + (linear >> 22) * 4, 4, &pde))
		return GUEST_WALK_BAD_TABLE;
	if (!(pde & ENTRY_PRESENT))
		return GUEST_WALK_NOT_PRESENT;

	if ((s->cr4 & CR4_PSE) && (pde & ENTRY_PS)) {
		unsigned m = maxphyaddr(s) < 40 ? maxphyaddr(s) : 40;
		unsigned high_bits = m - 32;

		if (pde & bit_range(21, 13 + high_bits))
			return GUEST_WALK_RESERVED_BIT;
		*gpa = (((pde >> 13) & ((1ULL << high_bits) - 1)) << 32) | (pde & 0xFFC00000) |
		       (linear & 0x3FFFFF);
		return GUEST_WALK_OK;
	}

	if (!read_entry(read, ctx, (pde & 0xFFFFF000) + ((linear >> 12) & 0x3FF) * 4, 4, &pte))
		return GUEST_WALK_BAD_TABLE;
	if (!(pte & ENTRY_PRESENT))
		return GUEST_WALK_NOT_PRESENT;
	*gpa = (pte & 0xFFFFF000) | (linear & 0xFFF);
	return GUEST_WALK_OK;
}

/*
 * The 8-byte formats, from the table at physical address table, level
 * levels above the page (1 = page table, 2 = page directory, 3 = PDPT,
 * 4 = PML4, 5 = PML5).  Level n indexes with linear bits
 * (12 + 9n - 1):(12 + 9(n-1)).  A PS bit in levels 2 and 3 ends the walk
 * with a 2 MiB or 1 GiB page, whose bits 12 (PAT) and below the page
 * size down to 13 are reserved; PS is reserved in levels 4 and 5.
 */
static enum guest_walk_result walk_8byte(const struct guest_paging_state *s, bool pae, uint64_t table,
					 unsigned level, uint64_t linear, guest_read_fn read, void *ctx,
					 uint64_t *gpa)
{
	unsigned m = maxphyaddr(s);
	uint64_t address_mask = bit_range(m - 1, PAGE_SHIFT);
	/* PAE entries reserve bits 62:M; 4-level and 5-level entries bits 51:M (62:52 are ignored). */
	uint64_t reserved = pae ? bit_range(62, m) : bit_range(51, m);

	if (!(s->efer & EFER_NXE))
		reserved |= ENTRY_XD;

	for (;; level--) {
		unsigned shift = PAGE_SHIFT + LEVEL_BITS * (level - 1);
		uint64_t index = (linear >> shift) & ((1ULL << LEVEL_BITS) - 1);
		uint64_t entry;

		if (!read_entry(read, ctx, table + index * 8, 8, &entry))
			return GUEST_WALK_BAD_TABLE;
		if (!(entry & ENTRY_PRESENT))
			return GUEST_WALK_NOT_PRESENT;
		if (entry & reserved)
			return GUEST_WALK_RESERVED_BIT;

		if (level == 1 || (entry & ENTRY_PS)) {
			uint64_t offset_mask = (1ULL << shift) - 1;

			if (level >= 4)
				return GUEST_WALK_RESERVED_BIT;
			if (level > 1 && (entry & bit_range(shift - 1, PAGE_SHIFT + 1)))
				return GUEST_WALK_RESERVED_BIT;
			*gpa = (entry & address_mask & ~offset_mask) | (linear & offset_mask);
			return GUEST_WALK_OK;
		}
		table = entry & address_mask;
	}
}

/*
 * PAE paging: linear bits 31:30 select one of four PDPTEs, from the
 * VMCS's copy of the PDPTE registers or from the 32-byte-aligned table at
 * CR3[31:5].  A PDPTE reserves bits 63:M, 8:5 and 2:1 and never maps a
 * page; the walk goes on at the page directory.
 */
static enum guest_walk_result walk_pae(const struct guest_paging_state *s, uint32_t linear,
				       guest_read_fn read, void *ctx, uint64_t *gpa)
{
	unsigned m = maxphyaddr(s);
	unsigned index = linear >> 30;
	uint64_t pdpte;

	if (s->use_pdpte_fields)
		pdpte = s->pdpte[index];
	else if (!read_entry(read, ctx, (s->cr3 & 0xFFFFFFE0) + index * 8, 8, &pdpte))
		return GUEST_WALK_BAD_TABLE;

	if (!(pdpte & ENTRY_PRESENT))
		return GUEST_WALK_NOT_PRESENT;
	if (pdpte & (bit_range(63, m) | bit_range(8, 5) | bit_range(2, 1)))
		return GUEST_WALK_RESERVED_BIT;
	return walk_8byte(s, true, pdpte & bit_range(m - 1, PAGE_SHIFT), 2, linear, read, ctx, gpa);
}

enum guest_walk_result guest_linear_to_physical(const struct guest_paging_state *s, uint64_t linear,
						guest_read_fn read, void *ctx, uint64_t *gpa)
{
	/* CR3's low bits hold PCID or PWT/PCD, its high bits LAM controls: the table is at (M-1):12. */
	uint64_t top = s->cr3 & bit_range(maxphyaddr(s) - 1, PAGE_SHIFT);

	switch (guest_paging_mode(s)) {
	case GUEST_PAGING_OFF:
		*gpa = linear & LIMIT_32BIT;
		return GUEST_WALK_OK;
	case GUEST_PAGING_32BIT:
		return walk_32bit(s, (uint32_t)linear, read, ctx, gpa);
	case GUEST_PAGING_PAE:
		return walk_pae(s, (uint32_t)linear, read, ctx, gpa);
	case GUEST_PAGING_4LEVEL:
		return walk_8byte(s, false, top, 4, linear, read, ctx, gpa);
	case GUEST_PAGING_5LEVEL:
		return walk_8byte(s, false, top, 5, linear, read, ctx, gpa);
	case GUEST_PAGING_INVALID:
		break;
	}
	return GUEST_WALK_UNSUPPORTED;
}

enum guest_walk_result guest_read_linear(const struct guest_paging_state *s, uint64_t linear,
					 void *buf, size_t n, guest_read_fn read, void *ctx)
{
	uint8_t *out = buf;

	while (n > 0) {
		size_t chunk = PAGE_SIZE - (linear & (PAGE_SIZE - 1));
		enum guest_walk_result result;
		uint64_t gpa;

		if (chunk > n)
			chunk = n;
		result = guest_linear_to_physical(s, linear, read, ctx, &gpa);
		if (result != GUEST_WALK_OK)
			return result;
		if (!read(ctx, gpa, out, chunk))
			return GUEST_WALK_BAD_PAGE;
		out += chunk;
		linear += chunk;        /* the translation drops bit 32 again outside IA-32e mode */
		n -= chunk;
	}
	return GUEST_WALK_OK;
}

const char *guest_paging_mode_name(enum guest_paging_mode mode)
{
	switch (mode) {
	case GUEST_PAGING_OFF:          return "paging off";
	case GUEST_PAGING_32BIT:        return "32-bit paging";
	case GUEST_PAGING_PAE:          return "PAE paging";
	case GUEST_PAGING_4LEVEL:       return "4-level paging";
	case GUEST_PAGING_5LEVEL:       return "5-level paging";
	case GUEST_PAGING_INVALID:      return "no paging mode (IA32_EFER.LMA without CR4.PAE)";
	}
	return "unknown paging mode";
}

const char *guest_walk_result_name(enum guest_walk_result result)
{
	switch (result) {
	case GUEST_WALK_OK:             return "translated";
	case GUEST_WALK_NOT_PRESENT:    return "not present";
	case GUEST_WALK_RESERVED_BIT:   return "reserved bit set in a paging-structure entry";
	case GUEST_WALK_BAD_TABLE:      return "paging structure not in readable guest memory";
	case GUEST_WALK_UNSUPPORTED:    return "unsupported paging mode";
	case GUEST_WALK_BAD_PAGE:       return "page not in readable guest memory";
	}
	return "unknown walk result";
}
