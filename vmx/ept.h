/*
 * The guest's extended page tables (SDM Vol. 3C, "The Extended Page Table
 * Mechanism (EPT)").
 *
 * veneer gives its one guest the machine: guest-physical address X is
 * host-physical address X, readable, writable and executable, RAM and
 * device memory alike, except for the hypervisor's own ranges, which are
 * not mapped at all, so no guest access can reach them.  Each leaf carries
 * the memory type the MTRRs give its range (arch/mtrr.h), with "ignore
 * PAT" clear, so the guest's own PAT still refines it exactly as it would
 * refine the MTRR type on bare metal (SDM Vol. 3C, "Memory Type Used for
 * Translated Guest-Physical Addresses").
 *
 * Leaves are as large as possible: 1 GiB, else 2 MiB, else 4 KiB, a
 * larger one only where the whole of it is mapped and has one memory
 * type.  An 8 GiB machine with a few hidden ranges needs a handful of
 * table pages.
 *
 * Pure: the tables come from an allocator callback, so the host unit
 * tests build them in malloc'ed memory and walk them with ept_walk().
 * The INVEPT wrapper and the kernel's glue are in vmx/ept_kernel.c.
 */
#ifndef VENEER_VMX_EPT_H
#define VENEER_VMX_EPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/mtrr.h"
#include "kernel/ranges.h"

/* EPT paging-structure entries (SDM Vol. 3C, "EPT Paging-Structure Entries") */
#define EPT_READ                (1ULL << 0)
#define EPT_WRITE               (1ULL << 1)
#define EPT_EXECUTE             (1ULL << 2)     /* supervisor-mode execute under mode-based execute control */
#define EPT_RWX                 (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMORY_TYPE_SHIFT   3               /* bits 5:3 of a leaf: MTRR_TYPE_* numbers */
#define EPT_MEMORY_TYPE_MASK    (7ULL << EPT_MEMORY_TYPE_SHIFT)
#define EPT_IGNORE_PAT          (1ULL << 6)     /* leaf: use the EPT memory type alone */
#define EPT_LARGE_PAGE          (1ULL << 7)     /* PDPTE: 1 GiB page; PDE: 2 MiB page */
#define EPT_ACCESSED            (1ULL << 8)
#define EPT_DIRTY               (1ULL << 9)     /* leaf only */
#define EPT_ADDRESS_MASK        0x000FFFFFFFFFF000ULL   /* bits 51:12 */

/* The extended-page-table pointer (SDM Vol. 3C, "Extended-Page-Table Pointer (EPTP)") */
#define EPTP_MEMORY_TYPE_WB     6ULL            /* bits 2:0: type of the accesses to the EPT tables */
#define EPTP_WALK_LENGTH_SHIFT  3               /* bits 5:3: number of levels minus 1 */
#define EPTP_ACCESSED_DIRTY     (1ULL << 6)

#define EPT_LEVELS              4
#define EPT_ENTRIES             512
#define EPT_ADDRESS_LIMIT       (1ULL << 48)    /* what a 4-level walk translates */

/* Leaf sizes, the index of ept.leaves[]. */
enum ept_page_size {
	EPT_PAGE_4K,
	EPT_PAGE_2M,
	EPT_PAGE_1G,
	EPT_PAGE_SIZES,
};

/* Where the tables come from.  alloc_page returns a zeroed, 4 KiB-aligned page, or NULL. */
struct ept_allocator {
	void *(*alloc_page)(void *ctx);
	uint64_t (*virt_to_phys)(void *ctx, void *page);
	void *(*phys_to_virt)(void *ctx, uint64_t phys);
	void *ctx;
};

/* What the CPU allows (vmx/vmx_capabilities.h predicates). */
struct ept_config {
	bool use_1gb_pages;             /* vmx_has_ept_1gb_pages */
	bool use_2mb_pages;             /* vmx_has_ept_2mb_pages */
	bool accessed_dirty;            /* set EPTP bit 6 (vmx_has_ept_ad_bits) */
};

struct ept {
	uint64_t *pml4;                 /* as the allocator returned it */
	uint64_t pml4_phys;
	uint64_t eptp;                  /* for the VMCS field EPT_POINTER */
	unsigned table_pages;           /* PML4 included */
	unsigned leaves[EPT_PAGE_SIZES];
	uint64_t mapped_bytes;
	uint64_t bytes_by_type[8];      /* mapped bytes per EPT memory type */
	struct ept_allocator alloc;     /* kept for ept_walk() and later mappings */
	struct ept_config config;       /* kept for later mappings */
};

enum ept_error {
	EPT_OK = 0,
	EPT_NO_MEMORY = -1,             /* alloc_page returned NULL */
	EPT_BAD_LIMIT = -2,             /* something to map at or above EPT_ADDRESS_LIMIT */
	EPT_NOT_SUPPORTED = -3,         /* the CPU's EPT lacks what veneer needs (ept_build_for_guest) */
};

const char *ept_error_name(int error);

/*
 * Builds an identity map of [0, limit) and of guest_ram (may be NULL; it
 * matters only for RAM above limit), minus hidden, with read, write
 * and execute access and the MTRR memory types.  Every range is widened to
 * whole 4 KiB pages; a page that touches a hidden range is not mapped.
 * limit is normally max(4 GiB, end of the highest RAM), rounded up to
 * 1 GiB: the devices below 4 GiB are the guest's too.
 *
 * Returns EPT_OK, or a negative enum ept_error.  On failure the tables
 * allocated so far are not given back (the allocator has no free).
 */
int ept_build(struct ept *ept, const struct range_set *guest_ram, const struct range_set *hidden,
	      uint64_t limit, const struct mtrr_state *mtrr, const struct ept_config *cfg,
	      const struct ept_allocator *alloc);

/* The EPTP for a 4-level walk of the PML4 at pml4_phys, with the tables accessed as WB. */
uint64_t ept_make_eptp(uint64_t pml4_phys, bool accessed_dirty);

/* One translation, as ept_walk() finds it. */
struct ept_mapping {
	uint64_t hpa;
	unsigned permissions;           /* EPT_READ | EPT_WRITE | EPT_EXECUTE, as allowed by every level */
	uint8_t memory_type;            /* bits 5:3 of the leaf */
	bool ignore_pat;
	enum ept_page_size page_size;
};

/* A software walk: false when gpa is not mapped. */
bool ept_walk(const struct ept *ept, uint64_t gpa, struct ept_mapping *out);

/* The same, for callers that want the three common facts; any pointer may be NULL. */
bool ept_translate(const struct ept *ept, uint64_t gpa, uint64_t *hpa, unsigned *permissions,
		   uint8_t *memory_type);

/*
 * A one-line summary such as "3 pages of 1 GiB, 494 of 2 MiB, 926 of 4 KiB,
 * 5 table pages (20 KiB); WB 3112184 KiB, UC 1048832 KiB, WP 128 KiB" (the
 * mapped bytes of each memory type) into buf.
 * Returns the length the full text has (format() semantics).
 */
size_t ept_describe(const struct ept *ept, char *buf, size_t len);

/*
 * Kernel only (vmx/ept_kernel.c).
 *
 * ept_build_for_guest: the guest's EPT from the memory plan's owned ranges,
 * memory_map_limit(), the boot CPU's MTRRs and the VMX capabilities; logs
 * a summary.  Needs 4-level walks and WB for the tables; logs why and
 * returns EPT_NOT_SUPPORTED without them.
 *
 * ept_invalidate_context: INVEPT for eptp on the calling CPU only (each
 * CPU caches its own translations): single-context when the CPU has it,
 * else all-context.  Logs and returns false when INVEPT fails.
 */
/*
 * Maps one 4 KiB page gpa -> hpa with flags (permissions and memory type),
 * adding tables where EPT has a hole and splitting a large page that covers
 * gpa (its other pages keep their mapping).  The caller invalidates (INVEPT).
 */
int ept_map_page(struct ept *ept, uint64_t gpa, uint64_t hpa, uint64_t flags);

/*
 * Maps gpa to itself with the largest leaf the CPU allows (1 GiB, 2 MiB,
 * 4 KiB) whose naturally aligned block starts at or above floor and is a
 * hole in EPT; *mapped (may be NULL) gets the leaf's size.  For device
 * memory above RAM, where nothing is hidden: one table page maps 512 GiB.
 */
int ept_map_identity_block(struct ept *ept, uint64_t gpa, uint64_t floor, uint64_t flags, uint64_t *mapped);

int ept_build_for_guest(struct ept *ept);

/*
 * After ept_build_for_guest, tables come from a fixed budget set aside
 * then (256 KiB); an ept_map_* that needs more fails with EPT_NO_MEMORY.
 */
#define EPT_ON_DEMAND_TABLE_BUDGET      64
unsigned ept_on_demand_tables_left(void);
bool ept_invalidate_context(uint64_t eptp);

#endif
