/*
 * The guest's EPT on the real machine: what vmx/ept.c needs from the
 * kernel (the memory plan, the MTRRs, the VMX capabilities, the page
 * allocator) and the INVEPT that makes a CPU forget old translations
 * (SDM Vol. 3C, "Invalidating Cached Translation Information").
 */
#include "arch/mtrr.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/memory_plan.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "vmx/ept.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_root.h"

#define GiB (1ULL << 30)

/* Page tables come from the hypervisor's pool, which is identity mapped: virtual == physical. */
static void *pool_alloc_page(void *ctx)
{
	(void)ctx;
	return alloc_pages(1);  /* zeroed; ends the run with a message if the pool is empty */
}

/*
 * Tables added after the build, while the guest runs (device memory above
 * RAM, the all-ones page over veneer's memory, the write-protected APIC
 * page), come from a budget set aside at build time, never from the pool:
 * whatever the guest touches, it cannot make veneer run out of memory.
 * When the budget is spent, the mapping fails and its caller stops the
 * guest with a message (vmx/handle_fatal.c).
 */
/* kernel/memory_plan.h counts the budget, the bitmaps and the pages made on demand in the pool's size. */
_Static_assert(EPT_ON_DEMAND_TABLE_BUDGET + 5 <= POOL_FIXED_PAGES, "POOL_FIXED_PAGES no longer covers the EPT budget");

static uint8_t *budget_pages;
static unsigned budget_used;

static void *budget_alloc_page(void *ctx)
{
	(void)ctx;
	if (budget_used == EPT_ON_DEMAND_TABLE_BUDGET)
		return NULL;
	return budget_pages + (size_t)4096 * budget_used++;     /* zeroed by alloc_pages */
}

unsigned ept_on_demand_tables_left(void)
{
	return EPT_ON_DEMAND_TABLE_BUDGET - budget_used;
}

static uint64_t pool_virt_to_phys(void *ctx, void *page)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)page;
}

static void *pool_phys_to_virt(void *ctx, uint64_t phys)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

/* Refuses a CPU whose EPT cannot hold veneer's tables, saying what is missing. */
static bool ept_usable(const struct vmx_capabilities *caps)
{
	if (!vmx_has_ept(caps)) {
		pr_error("ept: the CPU cannot enable EPT (secondary control \"enable EPT\"); "
			 "veneer needs it to keep the guest out of its memory");
		return false;
	}
	bool ok = true;
	if (!vmx_has_ept_4level(caps)) {
		pr_error("ept: the CPU does not support 4-level EPT walks (IA32_VMX_EPT_VPID_CAP bit 6)");
		ok = false;
	}
	if (!vmx_has_ept_wb(caps)) {
		pr_error("ept: the CPU cannot access EPT tables as write-back (IA32_VMX_EPT_VPID_CAP bit 14)");
		ok = false;
	}
	return ok;
}

static void log_mtrrs(const struct mtrr_state *mtrr)
{
	if (!mtrr->enabled) {
		pr_warn("ept: the MTRRs are off (or absent): all guest memory is mapped uncacheable, "
			"which is correct but slow");
		return;
	}
	pr_debug("ept: MTRR default %s, fixed ranges %s, %u variable ranges",
		 mtrr_type_name(mtrr->default_type), mtrr->fixed_enabled ? "on" : "off", mtrr->variable_count);
	for (unsigned i = 0; i < mtrr->variable_count; i++) {
		const struct mtrr_variable_range *v = &mtrr->variable[i];
		if (v->valid)
			pr_debug("ept:   MTRR %u: base %#llx mask %#llx %s", i, (unsigned long long)v->base,
				 (unsigned long long)v->mask, mtrr_type_name(v->type));
	}
	if (mtrr->variable_reported > mtrr->variable_count)
		pr_warn("ept: the CPU has %u variable MTRRs; only the first %u are used for the guest's memory types",
			mtrr->variable_reported, mtrr->variable_count);
}

/*
 * Defence in depth: walk the finished tables and make sure no page veneer
 * owns is reachable.  A few thousand walks; a mapped page is a bug.
 */
static void check_hidden_ranges_unmapped(const struct ept *ept, const struct range_set *hidden)
{
	for (size_t i = 0; i < hidden->count; i++) {
		const struct phys_range *r = &hidden->ranges[i];
		for (uint64_t page = align_down(r->start, PAGE_SIZE); page < r->end; page += PAGE_SIZE)
			if (ept_translate(ept, page, NULL, NULL, NULL))
				panic("ept: hypervisor page %#llx is mapped for the guest", (unsigned long long)page);
	}
}

int ept_build_for_guest(struct ept *ept)
{
	static struct mtrr_state mtrr;  /* about 1 KiB: keep it off the stack */
	const struct vmx_capabilities *caps = vmx_caps();
	const struct range_set *hidden = &memory_layout()->owned;

	if (!ept_usable(caps))
		return EPT_NOT_SUPPORTED;

	mtrr_read(&mtrr);
	log_mtrrs(&mtrr);

	/*
	 * A and D flags stay off: nothing reads them, and with them on every
	 * guest page-table access would count as a write (SDM Vol. 3C,
	 * "Accessed and Dirty Flags for EPT").
	 */
	struct ept_config cfg = {
		.use_1gb_pages = vmx_has_ept_1gb_pages(caps),
		.use_2mb_pages = vmx_has_ept_2mb_pages(caps),
		.accessed_dirty = false,
	};
	struct ept_allocator alloc = {
		.alloc_page = pool_alloc_page,
		.virt_to_phys = pool_virt_to_phys,
		.phys_to_virt = pool_phys_to_virt,
		.ctx = NULL,
	};
	/*
	 * memory_map_limit() already covers every RAM range (the usable RAM
	 * passed along changes nothing unless that ever stops being true);
	 * below 4 GiB the guest also owns the devices.
	 */
	uint64_t limit = memory_map_limit();
	if (limit < 4 * GiB)
		limit = 4 * GiB;
	limit = align_up(limit, GiB);

	int err = ept_build(ept, memory_usable(), hidden, limit, &mtrr, &cfg, &alloc);
	if (err) {
		pr_error("ept: cannot build the guest's EPT: %s", ept_error_name(err));
		return err;
	}
	check_hidden_ranges_unmapped(ept, hidden);
	budget_pages = alloc_pages(EPT_ON_DEMAND_TABLE_BUDGET);
	budget_used = 0;
	ept->alloc.alloc_page = budget_alloc_page;

	char summary[200];
	ept_describe(ept, summary, sizeof(summary));
	pr_debug("ept: identity map of %llu GiB for the guest, %zu hidden ranges (%llu KiB): %s",
		(unsigned long long)(limit / GiB), hidden->count,
		(unsigned long long)(range_set_total(hidden) >> 10), summary);
	return EPT_OK;
}

bool ept_invalidate_context(uint64_t eptp)
{
	const struct vmx_capabilities *caps = vmx_caps();
	enum invept_type type;
	const char *name;

	if (vmx_has_invept_single(caps)) {
		type = INVEPT_SINGLE_CONTEXT;
		name = "single-context";
	} else if (vmx_has_invept_all(caps)) {
		type = INVEPT_ALL_CONTEXT;
		name = "all-context";
	} else {
		pr_error("ept: the CPU offers neither single- nor all-context INVEPT; "
			 "stale EPT translations cannot be flushed");
		return false;
	}

	struct vmx_result r = invept(type, eptp);
	if (!vmx_succeeded(r)) {
		char why[96];
		pr_error("ept: %s INVEPT of EPTP %#llx failed: %s", name, (unsigned long long)eptp,
			 vmx_result_describe(r, why, sizeof(why)));
		return false;
	}
	return true;
}
