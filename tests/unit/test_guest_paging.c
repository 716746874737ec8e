/*
 * Guest page-table walks over tables built by hand in a 16 MiB stand-in
 * for guest-physical memory, for every paging mode and page size, with
 * the entry formats of the SDM ("32-Bit Paging", "PAE Paging", "4-Level
 * Paging and 5-Level Paging").
 */
// unit-test-source: vmx/guest/paging.c
#include <stdbool.h>
#include <stdlib.h>

#include "arch/cpu.h"
#include "arch/msr.h"
#include "unit.h"
#include "vmx/guest/paging.h"

#define MiB             (1ULL << 20)
#define GiB             (1ULL << 30)
#define GUEST_MEMORY    (16 * MiB)

#define P               (1ULL << 0)     /* present */
#define RW              (1ULL << 1)
#define US              (1ULL << 2)
#define PS              (1ULL << 7)     /* page size */
#define XD              (1ULL << 63)

struct guest {
	uint8_t *memory;
	unsigned reads;
};

/* The read callback: guest-physical [0, 16 MiB) is memory, nothing else is. */
static bool guest_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct guest *g = ctx;

	g->reads++;
	if (gpa >= GUEST_MEMORY || len > GUEST_MEMORY - gpa)
		return false;
	memcpy(buf, g->memory + gpa, len);
	return true;
}

static struct guest *guest_new(void)
{
	struct guest *g = calloc(1, sizeof(*g));

	g->memory = calloc(1, GUEST_MEMORY);
	return g;
}

static void guest_free(struct guest *g)
{
	free(g->memory);
	free(g);
}

static void put32(struct guest *g, uint64_t gpa, uint32_t v)
{
	memcpy(g->memory + gpa, &v, 4);
}

static void put64(struct guest *g, uint64_t gpa, uint64_t v)
{
	memcpy(g->memory + gpa, &v, 8);
}

/* The index linear selects in a table of 8-byte entries at the given level (1 = page table). */
static uint64_t index8(uint64_t linear, unsigned level)
{
	return (linear >> (12 + 9 * (level - 1))) & 511;
}

/* Stores the 8-byte entry that linear selects in the table at gpa. */
static void put_entry(struct guest *g, uint64_t table, uint64_t linear, unsigned level, uint64_t entry)
{
	put64(g, table + index8(linear, level) * 8, entry);
}

static enum guest_walk_result walk(const struct guest_paging_state *s, struct guest *g, uint64_t linear,
				   uint64_t *gpa)
{
	*gpa = 0xDEADBEEF;
	return guest_linear_to_physical(s, linear, guest_read, g, gpa);
}

static struct guest_paging_state paging_32bit(uint64_t cr3, bool pse)
{
	return (struct guest_paging_state){
		.cr0 = CR0_PE | CR0_PG,
		.cr3 = cr3,
		.cr4 = pse ? CR4_PSE : 0,
	};
}

static struct guest_paging_state paging_pae(uint64_t cr3)
{
	return (struct guest_paging_state){
		.cr0 = CR0_PE | CR0_PG,
		.cr3 = cr3,
		.cr4 = CR4_PAE,
	};
}

static struct guest_paging_state paging_4level(uint64_t cr3)
{
	return (struct guest_paging_state){
		.cr0 = CR0_PE | CR0_PG,
		.cr3 = cr3,
		.cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
}

TEST(guest_paging_modes_from_control_registers)
{
	struct guest_paging_state s = { .cr0 = CR0_PE };

	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_OFF);
	s.cr4 = CR4_PAE | CR4_PSE;                      /* ignored while CR0.PG = 0 */
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_OFF);
	s = paging_32bit(0, true);
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_32BIT);
	s = paging_pae(0);
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_PAE);
	s.efer = EFER_LME;                              /* LME alone is not IA-32e mode */
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_PAE);
	s = paging_4level(0);
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_4LEVEL);
	s.cr4 |= CR4_LA57;
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_5LEVEL);
	s.cr4 = 0;
	EXPECT_EQ(guest_paging_mode(&s), GUEST_PAGING_INVALID);
}

TEST(guest_paging_off_linear_is_physical)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = { .cr0 = CR0_PE, .cr3 = 0xFFFFF000 };
	uint64_t gpa;

	EXPECT_EQ(walk(&s, g, 0xFEE00300, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0xFEE00300);
	EXPECT_EQ(walk(&s, g, 0x100001234ULL, &gpa), GUEST_WALK_OK);    /* 32-bit linear addresses */
	EXPECT_EQ(gpa, 0x1234);
	EXPECT_EQ(g->reads, 0);
	guest_free(g);
}

TEST(guest_paging_32bit_4k_pages)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0x10000 | 0x18, false);     /* PWT, PCD: not address bits */
	uint64_t gpa;

	put32(g, 0x10000 + 0x300 * 4, 0x11000 | RW | P);        /* PDE for 0xC0000000-0xC03FFFFF */
	put32(g, 0x11000 + 0x12 * 4, 0x345000 | RW | P);        /* PTE for 0xC0012000 */
	put32(g, 0x11000 + 0x3FF * 4, 0xFFFFF000 | P);          /* PTE for 0xC03FF000 */

	EXPECT_EQ(walk(&s, g, 0xC0012ABC, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x345ABC);
	EXPECT_EQ(g->reads, 2);
	EXPECT_EQ(walk(&s, g, 0xC03FFFFF, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0xFFFFFFFF);
	EXPECT_EQ(walk(&s, g, 0x7FFFFFFFC0012ABCULL, &gpa), GUEST_WALK_OK);  /* bits 63:32 dropped */
	EXPECT_EQ(gpa, 0x345ABC);

	EXPECT_EQ(walk(&s, g, 0xC0013000, &gpa), GUEST_WALK_NOT_PRESENT);   /* PTE clear */
	EXPECT_EQ(gpa, 0xDEADBEEF);
	EXPECT_EQ(walk(&s, g, 0x00400000, &gpa), GUEST_WALK_NOT_PRESENT);   /* PDE clear */
	put32(g, 0x10000 + 1 * 4, 0x11000 | RW);                /* everything but P */
	EXPECT_EQ(walk(&s, g, 0x00412000, &gpa), GUEST_WALK_NOT_PRESENT);
	guest_free(g);
}

TEST(guest_paging_32bit_4m_pages_need_cr4_pse)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0x10000, true);
	uint64_t gpa;

	put32(g, 0x10000 + 0x301 * 4, 0x00C00000 | PS | RW | P);        /* 0xC0400000: 4 MiB at 12 MiB */
	EXPECT_EQ(walk(&s, g, 0xC0412345, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x00C12345);
	EXPECT_EQ(g->reads, 1);

	/* Without CR4.PSE, PS is ignored: the PDE points at a page table at 12 MiB. */
	s.cr4 = 0;
	put32(g, 0x00C00000 + 0x12 * 4, 0x777000 | P);
	EXPECT_EQ(walk(&s, g, 0xC0412345, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x777345);

	/* PS in a PTE is PAT, not a page size. */
	s.cr4 = CR4_PSE;
	put32(g, 0x10000 + 0x302 * 4, 0x00C00000 | P);
	put32(g, 0x00C00000 + 0x0 * 4, 0x888000 | PS | P);
	EXPECT_EQ(walk(&s, g, 0xC0800010, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x888010);
	guest_free(g);
}

TEST(guest_paging_32bit_4m_pages_above_4g_pse36)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0x10000, true);
	uint64_t gpa;

	/* PDE bits 20:13 are physical-address bits 39:32 (MAXPHYADDR capped at 40). */
	put32(g, 0x10000 + 0x3FF * 4, 0xFFC00000 | (0xA5 << 13) | PS | P);
	EXPECT_EQ(walk(&s, g, 0xFFC00123, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0xA5FFC00123ULL);

	put32(g, 0x10000 + 0x3FF * 4, 0xFFC00000 | (1 << 21) | PS | P); /* bit 21: always reserved */
	EXPECT_EQ(walk(&s, g, 0xFFC00123, &gpa), GUEST_WALK_RESERVED_BIT);

	/* MAXPHYADDR 36: bits 16:13 are address bits 35:32, bits 21:17 reserved. */
	s.phys_addr_bits = 36;
	put32(g, 0x10000 + 0x3FF * 4, 0xFFC00000 | (0xF << 13) | PS | P);
	EXPECT_EQ(walk(&s, g, 0xFFC00123, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0xFFFC00123ULL);
	put32(g, 0x10000 + 0x3FF * 4, 0xFFC00000 | (1 << 17) | PS | P);
	EXPECT_EQ(walk(&s, g, 0xFFC00123, &gpa), GUEST_WALK_RESERVED_BIT);
	guest_free(g);
}

TEST(guest_paging_32bit_tables_outside_memory)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0xFFFFF000, false);
	uint64_t gpa;

	EXPECT_EQ(walk(&s, g, 0x1000, &gpa), GUEST_WALK_BAD_TABLE);
	s.cr3 = 0x10000;
	put32(g, 0x10000, 0x80000000 | P);                      /* page table at 2 GiB: not memory */
	EXPECT_EQ(walk(&s, g, 0x1000, &gpa), GUEST_WALK_BAD_TABLE);
	guest_free(g);
}

TEST(guest_paging_pae_4k_and_2m_pages)
{
	struct guest *g = guest_new();
	/* The PDPT is 32-byte aligned, not page aligned; bits 4:3 of CR3 are PCD and PWT. */
	struct guest_paging_state s = paging_pae(0x20020 | 0x18);
	uint64_t gpa;

	put64(g, 0x20020 + 3 * 8, 0x21000 | P);                 /* PDPTE 3: 0xC0000000-0xFFFFFFFF */
	put64(g, 0x21000 + 0 * 8, 0x22000 | RW | P);            /* PDE 0: a page table */
	put64(g, 0x22000 + 5 * 8, 0x456000 | RW | P);           /* PTE 5: 0xC0005000 */
	put64(g, 0x21000 + 1 * 8, 0x00E00000 | PS | RW | P);    /* PDE 1: 2 MiB at 14 MiB */
	put64(g, 0x21000 + 2 * 8, 0x123400000ULL | PS | P);     /* PDE 2: 2 MiB above 4 GiB */

	EXPECT_EQ(walk(&s, g, 0xC0005123, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x456123);
	EXPECT_EQ(g->reads, 3);
	EXPECT_EQ(walk(&s, g, 0xC0312345, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x00F12345);
	EXPECT_EQ(walk(&s, g, 0xC0412345, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x123412345ULL);

	EXPECT_EQ(walk(&s, g, 0x00005123, &gpa), GUEST_WALK_NOT_PRESENT);   /* PDPTE 0 clear */
	EXPECT_EQ(walk(&s, g, 0xC0006000, &gpa), GUEST_WALK_NOT_PRESENT);   /* PTE 6 clear */
	EXPECT_EQ(walk(&s, g, 0xC0600000, &gpa), GUEST_WALK_NOT_PRESENT);   /* PDE 3 clear */
	guest_free(g);
}

TEST(guest_paging_pae_reserved_bits)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_pae(0x20000);
	uint64_t gpa;

	put64(g, 0x20000, 0x21000 | P);
	put64(g, 0x21000, 0x00E00000 | PS | P);

	put64(g, 0x21000, 0x00E00000 | (1ULL << 13) | PS | P); /* 2 MiB page: bits 20:13 reserved */
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	put64(g, 0x21000, 0x00E00000 | (1ULL << 20) | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	put64(g, 0x21000, 0x00E00000 | (1ULL << 12) | PS | P); /* bit 12 is PAT */
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x00E01234);

	/* PAE reserves bits 62:MAXPHYADDR (4-level paging ignores 62:52). */
	put64(g, 0x21000, 0x00E00000 | (1ULL << 52) | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	put64(g, 0x21000, 0x00E00000 | (1ULL << 62) | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	s.phys_addr_bits = 36;
	put64(g, 0x21000, (1ULL << 36) | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	put64(g, 0x21000, (1ULL << 35) | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, (1ULL << 35) | 0x1234);

	/* XD is reserved unless IA32_EFER.NXE is 1. */
	put64(g, 0x21000, 0x00E00000 | XD | PS | P);
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	s.efer = EFER_NXE;
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x00E01234);
	guest_free(g);
}

TEST(guest_paging_pae_pdpte_reserved_bits)
{
	static const unsigned reserved[] = { 1, 2, 5, 6, 7, 8, 36, 51, 52, 62, 63 };
	static const unsigned allowed[] = { 3, 4, 9, 10, 11 };  /* PWT, PCD, ignored */
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_pae(0x20000);
	uint64_t gpa;

	s.phys_addr_bits = 36;
	s.efer = EFER_NXE;                                      /* no XD in a PDPTE even so */
	put64(g, 0x21000, 0x00E00000 | PS | P);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		put64(g, 0x20000, 0x21000 | (1ULL << reserved[i]) | P);
		if (walk(&s, g, 0x1234, &gpa) != GUEST_WALK_RESERVED_BIT)
			unit_fail(__FILE__, __LINE__, "PDPTE bit %u is reserved", reserved[i]);
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		put64(g, 0x20000, 0x21000 | (1ULL << allowed[i]) | P);
		if (walk(&s, g, 0x1234, &gpa) != GUEST_WALK_OK || gpa != 0x00E01234)
			unit_fail(__FILE__, __LINE__, "PDPTE bit %u is not reserved", allowed[i]);
	}
	guest_free(g);
}

TEST(guest_paging_pae_prefers_the_vmcs_pdptes)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_pae(0x20000);
	uint64_t gpa;

	/* In memory PDPTE 0 is clear; the processor's copy (GUEST_PDPTE0) is what counts. */
	put64(g, 0x30000, 0x00A00000 | PS | P);
	s.pdpte[0] = 0x30000 | P;
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_NOT_PRESENT);
	s.use_pdpte_fields = true;
	g->reads = 0;
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x00A01234);
	EXPECT_EQ(g->reads, 1);                                 /* the PDE only */

	s.cr3 = 0xFFFFFFE0;                                     /* not memory: never read */
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_OK);
	s.pdpte[0] = 0x30000 | (1ULL << 1) | P;
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_RESERVED_BIT);
	EXPECT_EQ(walk(&s, g, 0x40001234, &gpa), GUEST_WALK_NOT_PRESENT);   /* pdpte[1] is 0 */

	s.use_pdpte_fields = false;
	EXPECT_EQ(walk(&s, g, 0x1234, &gpa), GUEST_WALK_BAD_TABLE);
	guest_free(g);
}

TEST(guest_paging_4level_4k_2m_and_1g_pages)
{
	struct guest *g = guest_new();
	/* PCID 5 in CR3's low bits (CR4.PCIDE), LAM_U57 in bit 61: neither is an address bit. */
	struct guest_paging_state s = paging_4level(0x40000 | 5 | (1ULL << 61));
	const uint64_t kernel = 0xFFFFFFFF81234567ULL;         /* 4 KiB page */
	const uint64_t direct = 0xFFFF888000212345ULL;         /* 2 MiB page */
	const uint64_t huge = 0x0000004012345678ULL;           /* 1 GiB page */
	uint64_t gpa;

	s.cr4 |= CR4_PCIDE;
	put_entry(g, 0x40000, kernel, 4, 0x41000 | RW | P);
	put_entry(g, 0x41000, kernel, 3, 0x42000 | RW | P);
	put_entry(g, 0x42000, kernel, 2, 0x43000 | RW | P);
	put_entry(g, 0x43000, kernel, 1, 0xABC000 | XD | P);
	EXPECT_EQ(walk(&s, g, kernel, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0xABC567);
	EXPECT_EQ(g->reads, 4);

	put_entry(g, 0x40000, direct, 4, 0x44000 | RW | P);
	put_entry(g, 0x44000, direct, 3, 0x45000 | RW | P);
	put_entry(g, 0x45000, direct, 2, 0x100000000ULL | PS | RW | P);
	EXPECT_EQ(walk(&s, g, direct, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x100012345ULL);

	put_entry(g, 0x40000, huge, 4, 0x46000 | RW | US | P);
	put_entry(g, 0x46000, huge, 3, 0x80000000 | PS | RW | US | P);
	EXPECT_EQ(walk(&s, g, huge, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x92345678);

	/* Not present at each level. */
	EXPECT_EQ(walk(&s, g, 0x0000008000000000ULL, &gpa), GUEST_WALK_NOT_PRESENT);   /* PML4E */
	EXPECT_EQ(walk(&s, g, huge + GiB, &gpa), GUEST_WALK_NOT_PRESENT);               /* PDPTE */
	EXPECT_EQ(walk(&s, g, direct + 2 * MiB, &gpa), GUEST_WALK_NOT_PRESENT);         /* PDE */
	EXPECT_EQ(walk(&s, g, kernel + 0x1000, &gpa), GUEST_WALK_NOT_PRESENT);          /* PTE */
	guest_free(g);
}

TEST(guest_paging_4level_reserved_bits)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_4level(0x40000);
	const uint64_t linear = 0x0000004012345678ULL;         /* PML4E 0, PDPTE 256 */
	uint64_t gpa;

	put_entry(g, 0x40000, linear, 4, 0x46000 | P);

	put_entry(g, 0x46000, linear, 3, 0x80000000 | (1ULL << 13) | PS | P);  /* 1 GiB: 29:13 reserved */
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	put_entry(g, 0x46000, linear, 3, 0x80000000 | (1ULL << 29) | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	put_entry(g, 0x46000, linear, 3, 0x80000000 | (1ULL << 12) | PS | P);  /* PAT */
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x92345678);

	/* 62:52 are ignored here (protection keys, software bits), unlike in PAE paging. */
	put_entry(g, 0x46000, linear, 3, 0x80000000 | (0x7FFULL << 52) | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x92345678);

	/* Address bits at or above MAXPHYADDR. */
	s.phys_addr_bits = 39;
	put_entry(g, 0x46000, linear, 3, (1ULL << 39) | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	put_entry(g, 0x46000, linear, 3, (1ULL << 38) | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, (1ULL << 38) | 0x12345678);
	put_entry(g, 0x40000, linear, 4, 0x46000 | (1ULL << 45) | P);  /* in a non-leaf too */
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	s.phys_addr_bits = 0;                                   /* 52: bit 45 is an address bit */
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_BAD_TABLE);
	put_entry(g, 0x40000, linear, 4, 0x46000 | P);

	/* PS is reserved in a PML4E (0x1000: no bit a 512 GiB page would reserve). */
	put_entry(g, 0x40000, linear, 4, 0x1000 | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	put_entry(g, 0x40000, linear, 4, 0x46000 | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	put_entry(g, 0x40000, linear, 4, 0x46000 | P);

	/* XD without IA32_EFER.NXE. */
	put_entry(g, 0x46000, linear, 3, 0x80000000 | XD | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_OK);
	s.efer &= ~EFER_NXE;
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	guest_free(g);
}

TEST(guest_paging_5level)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_4level(0x50000);
	const uint64_t linear = 0x0001000000201234ULL;         /* PML5E 1, PML4E 0, PDPTE 0, PDE 1 */
	uint64_t gpa;

	s.cr4 |= CR4_LA57;
	put_entry(g, 0x50000, linear, 5, 0x51000 | P);
	put_entry(g, 0x51000, linear, 4, 0x52000 | P);
	put_entry(g, 0x52000, linear, 3, 0x53000 | P);
	put_entry(g, 0x53000, linear, 2, 0x400000 | PS | P);
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_OK);
	EXPECT_EQ(gpa, 0x401234);
	EXPECT_EQ(g->reads, 4);

	/* The same CR3 read as a PML4: entry 0 is clear. */
	s.cr4 &= ~CR4_LA57;
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_NOT_PRESENT);
	s.cr4 |= CR4_LA57;

	put_entry(g, 0x50000, linear, 5, 0x1000 | PS | P);     /* PS is reserved in a PML5E */
	EXPECT_EQ(walk(&s, g, linear, &gpa), GUEST_WALK_RESERVED_BIT);
	guest_free(g);
}

TEST(guest_paging_refuses_lma_without_pae)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_4level(0x40000);
	uint8_t b[4];
	uint64_t gpa;

	s.cr4 = 0;
	EXPECT_EQ(walk(&s, g, 0x1000, &gpa), GUEST_WALK_UNSUPPORTED);
	EXPECT_EQ(gpa, 0xDEADBEEF);
	EXPECT_EQ(guest_read_linear(&s, 0x1000, b, sizeof(b), guest_read, g), GUEST_WALK_UNSUPPORTED);
	EXPECT_EQ(g->reads, 0);
	guest_free(g);
}

TEST(guest_read_linear_crosses_into_an_unrelated_page)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_4level(0x40000);
	const uint64_t page = 0x00007F0000400000ULL;
	uint8_t b[16];

	/* Linear page N is physical 0x300000, page N+1 physical 0x100000: lower and far away. */
	put_entry(g, 0x40000, page, 4, 0x41000 | P);
	put_entry(g, 0x41000, page, 3, 0x42000 | P);
	put_entry(g, 0x42000, page, 2, 0x43000 | P);
	put_entry(g, 0x43000, page, 1, 0x300000 | P);
	put_entry(g, 0x43000, page + 0x1000, 1, 0x100000 | P);
	memcpy(g->memory + 0x300FF8, "ABCDEFGH", 8);
	memcpy(g->memory + 0x100000, "ijklmnop", 8);
	memcpy(g->memory + 0x301000, "XXXXXXXX", 8);            /* what a physical read would wrongly get */

	EXPECT_EQ(guest_read_linear(&s, page + 0xFF8, b, 16, guest_read, g), GUEST_WALK_OK);
	EXPECT(memcmp(b, "ABCDEFGHijklmnop", 16) == 0);
	EXPECT_EQ(guest_read_linear(&s, page + 0xFFC, b, 4, guest_read, g), GUEST_WALK_OK);
	EXPECT(memcmp(b, "EFGH", 4) == 0);                       /* ends at the boundary: one page */
	EXPECT_EQ(guest_read_linear(&s, page + 0x1000, b, 4, guest_read, g), GUEST_WALK_OK);
	EXPECT(memcmp(b, "ijkl", 4) == 0);

	/* The next page is not mapped: the first page's bytes are there, the error is the walk's. */
	memcpy(g->memory + 0x100FFC, "QRST", 4);
	memset(b, 0, sizeof(b));
	EXPECT_EQ(guest_read_linear(&s, page + 0x1FFC, b, 8, guest_read, g), GUEST_WALK_NOT_PRESENT);
	EXPECT(memcmp(b, "QRST\0\0\0\0", 8) == 0);

	/* A mapped page that is not guest memory. */
	put_entry(g, 0x43000, page + 0x2000, 1, 0x80000000 | P);
	EXPECT_EQ(guest_read_linear(&s, page + 0x1FFC, b, 8, guest_read, g), GUEST_WALK_BAD_PAGE);
	EXPECT_EQ(guest_read_linear(&s, page + 0x2000, b, 1, guest_read, g), GUEST_WALK_BAD_PAGE);

	/* Nothing to read: no walk. */
	g->reads = 0;
	EXPECT_EQ(guest_read_linear(&s, 0, b, 0, guest_read, g), GUEST_WALK_OK);
	EXPECT_EQ(g->reads, 0);
	guest_free(g);
}

TEST(guest_read_linear_from_a_2m_page_into_a_4k_page)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_pae(0x20000);
	uint8_t b[8];

	put64(g, 0x20000, 0x21000 | P);
	put64(g, 0x21000 + 0 * 8, 0x00A00000 | PS | P);        /* 0-2 MiB: 2 MiB page at 10 MiB */
	put64(g, 0x21000 + 1 * 8, 0x22000 | P);                 /* 2-4 MiB: page table */
	put64(g, 0x22000 + 0 * 8, 0x00050000 | P);              /* 2 MiB: 320 KiB */
	memcpy(g->memory + 0x00BFFFFC, "ab", 2);
	memcpy(g->memory + 0x00BFFFFE, "cd", 2);
	memcpy(g->memory + 0x00050000, "efgh", 4);

	EXPECT_EQ(guest_read_linear(&s, 0x1FFFFC, b, 8, guest_read, g), GUEST_WALK_OK);
	EXPECT(memcmp(b, "abcdefgh", 8) == 0);
	guest_free(g);
}

TEST(guest_read_linear_many_pages)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0x10000, false);
	static uint8_t b[3 * 4096 + 1];

	/* Linear pages 0x400000.. map physical pages in reverse order: 0x803000, 0x802000, ... */
	put32(g, 0x10000 + 1 * 4, 0x11000 | P);
	for (unsigned i = 0; i < 4; i++) {
		put32(g, 0x11000 + i * 4, (0x803000 - i * 0x1000) | P);
		memset(g->memory + 0x803000 - i * 0x1000, 'A' + i, 4096);
	}
	EXPECT_EQ(guest_read_linear(&s, 0x400FFF, b, sizeof(b), guest_read, g), GUEST_WALK_OK);
	EXPECT_EQ(b[0], 'A');
	EXPECT_EQ(b[1], 'B');
	EXPECT_EQ(b[4096], 'B');
	EXPECT_EQ(b[4097], 'C');
	EXPECT_EQ(b[2 * 4096], 'C');
	EXPECT_EQ(b[2 * 4096 + 1], 'D');
	EXPECT_EQ(b[3 * 4096], 'D');
	guest_free(g);
}

TEST(guest_read_linear_wraps_at_4g_outside_ia32e_mode)
{
	struct guest *g = guest_new();
	struct guest_paging_state s = paging_32bit(0x10000, false);
	uint8_t b[8];

	put32(g, 0x10000 + 0x3FF * 4, 0x11000 | P);             /* 0xFFC00000-0xFFFFFFFF */
	put32(g, 0x11000 + 0x3FF * 4, 0x500000 | P);            /* 0xFFFFF000 */
	put32(g, 0x10000 + 0 * 4, 0x12000 | P);                 /* 0-0x3FFFFF */
	put32(g, 0x12000 + 0 * 4, 0x600000 | P);                /* 0 */
	memcpy(g->memory + 0x500FFC, "wxyz", 4);
	memcpy(g->memory + 0x600000, "0123", 4);

	EXPECT_EQ(guest_read_linear(&s, 0xFFFFFFFC, b, 8, guest_read, g), GUEST_WALK_OK);
	EXPECT(memcmp(b, "wxyz0123", 8) == 0);
	guest_free(g);
}

TEST(guest_paging_names)
{
	EXPECT_STREQ(guest_paging_mode_name(GUEST_PAGING_OFF), "paging off");
	EXPECT_STREQ(guest_paging_mode_name(GUEST_PAGING_32BIT), "32-bit paging");
	EXPECT_STREQ(guest_paging_mode_name(GUEST_PAGING_PAE), "PAE paging");
	EXPECT_STREQ(guest_paging_mode_name(GUEST_PAGING_4LEVEL), "4-level paging");
	EXPECT_STREQ(guest_paging_mode_name(GUEST_PAGING_5LEVEL), "5-level paging");
	EXPECT_STREQ(guest_paging_mode_name((enum guest_paging_mode)42), "unknown paging mode");
	EXPECT_STREQ(guest_walk_result_name(GUEST_WALK_OK), "translated");
	EXPECT_STREQ(guest_walk_result_name(GUEST_WALK_NOT_PRESENT), "not present");
	EXPECT_STREQ(guest_walk_result_name(GUEST_WALK_BAD_PAGE), "page not in readable guest memory");
	EXPECT_STREQ(guest_walk_result_name((enum guest_walk_result)42), "unknown walk result");
}
