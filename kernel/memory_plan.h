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

enum memory_plan_result memory_plan_make(const struct memory_plan_input *in, struct memory_plan *out);

#endif
