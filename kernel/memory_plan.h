/*
 * Deciding where the hypervisor's memory is.  veneer keeps a fixed set of
 * physical ranges for itself: its image, one contiguous pool that every
 * later allocation comes from (page tables, VMCSs, stacks, EPT tables),
 * and, while the other CPUs start, the AP start-up trampoline below 1 MiB.
 * GRUB loads the image high (the relocatable header tag); the pool goes
 * right below it, so that image and pool are one block near the top of
 * RAM below 4 GiB, out of the way of every address a guest kernel wants.  Everything else is the
 * guest's, so the ranges must be known before the guest starts: EPT leaves
 * them unmapped and the guest's memory map marks them reserved.
 *
 * Pure code: the host unit tests run it over sample memory maps.
 */
#ifndef VENEER_KERNEL_MEMORY_PLAN_H
#define VENEER_KERNEL_MEMORY_PLAN_H

#include "kernel/ranges.h"

#define PAGE_SIZE               4096ULL
#define LARGE_PAGE_SIZE         (2ULL << 20)
#define LOW_MEMORY_END          0x100000ULL     /* 1 MiB: real-mode addressable */
#define TRAMPOLINE_SIZE         (2 * PAGE_SIZE)
#define TRAMPOLINE_LIMIT        0xA0000ULL      /* below the legacy video/ROM hole */
#define POOL_LIMIT              (4ULL << 30)

struct memory_plan_input {
	struct range_set usable;        /* RAM the firmware reports as available */
	struct range_set in_use;        /* kernel image, boot information, modules */
	struct phys_range kernel_image;
	uint64_t pool_size;             /* multiple of LARGE_PAGE_SIZE */
};

struct memory_plan {
	struct range_set free;          /* usable, page-aligned, not in use, above 1 MiB, not the pool */
	struct phys_range pool;
	struct phys_range trampoline;   /* start == end when no low page was free */
	struct range_set owned;         /* what the guest must never see: one block, and the trampoline */
	bool pool_next_to_image;        /* false: the pool had to go elsewhere, two blocks */
	uint64_t largest_free_block;    /* below POOL_LIMIT: for the error message when the pool does not fit */
};

enum memory_plan_result {
	MEMORY_PLAN_OK,
	MEMORY_PLAN_NO_POOL,            /* no free block large enough for the pool */
	MEMORY_PLAN_TOO_FRAGMENTED,     /* the range sets overflowed */
};

/*
 * The pool's size when hvmem= does not set it: every page veneer
 * allocates, counted from the machine, plus a quarter, in whole 2 MiB
 * blocks (EPT hides the pool with large pages), at least POOL_MIN.
 * Nothing is allocated per page of guest RAM; what grows with the machine
 * is per CPU and the page tables, bounded as if neither the kernel's map
 * nor EPT could use 1 GiB pages.  A pool that still runs dry ends the run
 * with a message that names hvmem= (kernel/page_alloc_kernel.c).
 */
#define POOL_MIN                (4ULL << 20)
/* Per CPU: per-CPU data with its descriptors and IST stacks (7), stack (4), VMXON region, VMCS, vCPU; 2 spare. */
#define POOL_PAGES_PER_CPU      16
/* EPT tables added while the guest runs (a budget of 64), MSR and I/O bitmaps (3), pages made on demand (2); 27 spare. */
#define POOL_FIXED_PAGES        96
/* 4 KiB EPT tables where a variable MTRR's range ends inside a 2 MiB block: 32 ranges, two ends each. */
#define POOL_MTRR_TABLES        64
#define POOL_MARGIN_DIVISOR     4       /* a quarter more than counted */

struct pool_need {
	unsigned cpus;                  /* CPUs veneer may start */
	uint64_t map_limit;             /* end of what the kernel's map and the guest's EPT cover */
	size_t memory_ranges;           /* usable RAM ranges and veneer's ranges: each end may need a 4 KiB table */
	uint64_t boot_info_bytes;       /* the boot information veneer keeps a copy of */
	uint64_t image_bytes;           /* the kernel image, mapped with 4 KiB pages (W^X) */
	unsigned smm_cpus;              /* CPUs whose SMBASE veneer moves into its pool (all the MADT lists) */
};

uint64_t memory_plan_pool_size(const struct pool_need *need);

enum memory_plan_result memory_plan_make(const struct memory_plan_input *in, struct memory_plan *out);

#endif
