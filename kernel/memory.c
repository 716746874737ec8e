/*
 * Turns the boot loader's memory map into veneer's memory plan: which RAM
 * is usable, which ranges veneer owns (and a guest will never see), and
 * the pool the page allocator hands out.
 */
#include "boot/boot_layout.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/shutdown.h"
#include "kernel/smbase_layout.h"
#include "kernel/string.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/*
 * The default SMBASE (SDM Vol. 3C, "SMRAM"): a processor whose firmware
 * never relocated its SMRAM base enters SMM at 0x38000 and saves its state
 * at 0x3FC00-0x3FFFF, in ordinary RAM.  Firmware on real machines
 * relocates every CPU; Bochs's BIOS relocates only the boot CPU.  A guest
 * that wrote code there and sent an SMI to such a CPU would run it in SMM,
 * with all of memory in reach and the saved state to rewrite.  So veneer
 * owns these 64 KiB while it starts: an RSM at the entry point, then its
 * relocation handler while it moves every CPU's SMBASE into its own memory
 * (kernel/smbase.c).  Then the area is zeroed and the guest's, as on the
 * bare machine; only if a CPU's SMBASE could not be moved does veneer keep
 * it, hidden from the guest, with the RSM (the guard).
 */
#define DEFAULT_SMBASE_AREA     ((unsigned long long)SMM_DEFAULT_SMBASE)
#define DEFAULT_SMBASE_AREA_END ((unsigned long long)SMM_DEFAULT_AREA_END)
#define DEFAULT_SMM_ENTRY       (DEFAULT_SMBASE_AREA + SMM_ENTRY_OFFSET)

static struct memory_plan plan;
static bool own_smbase_area;
static struct range_set usable;
static uint64_t map_limit;

const struct range_set *memory_usable(void)
{
	return &usable;
}

const struct memory_plan *memory_layout(void)
{
	return &plan;
}

uint64_t memory_map_limit(void)
{
	return map_limit;
}

/* An SMI at a CPU whose SMBASE is the default one returns at once: RSM at its entry point. */
static void write_smbase_guard(void)
{
	uint8_t *area = (uint8_t *)(uintptr_t)DEFAULT_SMBASE_AREA;

	memset(area, 0, DEFAULT_SMBASE_AREA_END - DEFAULT_SMBASE_AREA);
	area[DEFAULT_SMM_ENTRY - DEFAULT_SMBASE_AREA] = 0x0F;          /* RSM (0F AA) */
	area[DEFAULT_SMM_ENTRY - DEFAULT_SMBASE_AREA + 1] = 0xAA;
}

static void add_or_fail(struct range_set *set, uint64_t start, uint64_t end, const char *what)
{
	if (!range_set_add(set, start, end)) {
		pr_error("memory: too many separate ranges while adding %s [%#llx-%#llx)", what,
			 (unsigned long long)start, (unsigned long long)end);
		shutdown(EXIT_BAD_BOOT_INFO);
	}
}

static void collect_usable(const struct mb2_info *info, struct memory_plan_input *in)
{
	if (info->memory_count == 0) {
		if (!info->has_basic_meminfo) {
			pr_error("memory: the boot loader gave neither a memory map nor basic memory information; "
				 "boot veneer with GRUB 2 (multiboot2)");
			shutdown(EXIT_BAD_BOOT_INFO);
		}
		/* The old two-number summary: conventional memory and memory from 1 MiB up to the first hole. */
		pr_warn("memory: no memory map from the boot loader; using the basic memory information");
		add_or_fail(&in->usable, 0, (uint64_t)info->mem_lower_kib << 10, "lower memory");
		add_or_fail(&in->usable, MiB, MiB + ((uint64_t)info->mem_upper_kib << 10), "upper memory");
		map_limit = MiB + ((uint64_t)info->mem_upper_kib << 10);
		return;
	}
	for (size_t i = 0; i < info->memory_count; i++) {
		const struct mb2_memory_range *r = &info->memory[i];
		uint64_t end = r->base + r->length;
		if (end < r->base)
			end = UINT64_MAX;       /* a bogus length must not wrap */
		pr_debug("memory: [%#014llx-%#014llx) %s", (unsigned long long)r->base,
			 (unsigned long long)end, mb2_memory_type_name(r->type));
		/* Map what is RAM (usable, ACPI, NVS); far-away reserved holes need no mapping. */
		if (r->type != MB2_MEMORY_RESERVED && r->type != MB2_MEMORY_BADRAM && end > map_limit)
			map_limit = end;
		if (mb2_range_is_usable(r))
			add_or_fail(&in->usable, r->base, end, "usable RAM");
	}
}

/* hvmem=, or what veneer will allocate on this machine (kernel/memory_plan.h). */
static uint64_t pool_size(const struct mb2_info *info, const struct veneer_config *cfg, unsigned acpi_cpus,
			  const struct memory_plan_input *in, unsigned *cpus)
{
	*cpus = acpi_cpus && acpi_cpus < MAX_CPUS ? acpi_cpus : MAX_CPUS;
	if (cfg->max_cpus && cfg->max_cpus < *cpus)
		*cpus = cfg->max_cpus;
	if (cfg->hv_memory)
		return cfg->hv_memory;

	uint64_t limit = map_limit > 4 * GiB ? map_limit : 4 * GiB;
	uint64_t fb_end = info->framebuffer.address + (uint64_t)info->framebuffer.pitch * info->framebuffer.height;
	struct pool_need need = {
		.cpus = *cpus,
		.map_limit = align_up(fb_end > limit ? fb_end : limit, GiB),
		.memory_ranges = in->usable.count + 4,  /* veneer's block, a pool away from it, the trampoline, the default SMBASE area */
		.boot_info_bytes = info->info_size,
		.image_bytes = in->kernel_image.end - in->kernel_image.start,
		.smm_cpus = acpi_cpus ? acpi_cpus : 1,
	};
	return memory_plan_pool_size(&need);
}

static void print_owned(unsigned cpus, bool sized_by_user)
{
	pr_info("memory: veneer owns %llu KiB in %zu ranges, hidden from any guest:",
		(unsigned long long)(range_set_total(&plan.owned) >> 10), plan.owned.count);
	for (size_t i = 0; i < plan.owned.count; i++) {
		const struct phys_range *r = &plan.owned.ranges[i];
		if (r->start == plan.trampoline.start && r->end == plan.trampoline.end)
			pr_info("memory:   [%#010llx-%#010llx) AP start-up trampoline",
				(unsigned long long)r->start, (unsigned long long)r->end);
		else if (own_smbase_area && r->start == DEFAULT_SMBASE_AREA && r->end == DEFAULT_SMBASE_AREA_END)
			pr_info("memory:   [%#010llx-%#010llx) default SMBASE area (until every CPU's SMBASE is moved)",
				(unsigned long long)r->start, (unsigned long long)r->end);
		else
			pr_info("memory:   [%#010llx-%#010llx) veneer", (unsigned long long)r->start,
				(unsigned long long)r->end);
	}
	pr_info("memory:     [%#010llx-%#010llx) kernel image (linked at %#x)",
		(unsigned long long)(uintptr_t)__kernel_start, (unsigned long long)(uintptr_t)__kernel_end,
		KERNEL_LINK_ADDRESS);
	if (sized_by_user)
		pr_info("memory:     [%#010llx-%#010llx) hypervisor pool (%llu MiB, hvmem=)",
			(unsigned long long)plan.pool.start, (unsigned long long)plan.pool.end,
			(unsigned long long)((plan.pool.end - plan.pool.start) / MiB));
	else
		pr_info("memory:     [%#010llx-%#010llx) hypervisor pool (%llu MiB for %u CPUs)",
			(unsigned long long)plan.pool.start, (unsigned long long)plan.pool.end,
			(unsigned long long)((plan.pool.end - plan.pool.start) / MiB), cpus);
	if (!plan.pool_next_to_image)
		pr_info("memory: the pool could not go right below the kernel image (the boot loader put it low, or "
			"something lies below it): the guest's memory map has two reserved blocks");
	if (plan.trampoline.end == plan.trampoline.start)
		pr_warn("memory: no free low memory for the AP start-up trampoline; only the boot CPU can run");
}

/*
 * The default SMBASE area is veneer's if it is RAM and the boot loader put
 * nothing there (veneer writes it before it has copied the modules away).
 */
static void claim_default_smbase_area(struct memory_plan_input *in)
{
	if (!range_set_contains(&in->usable, DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END))
		pr_warn("memory: the default SMBASE area [%#llx-%#llx) is not all usable RAM in the memory map; "
			"veneer leaves it alone", DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END);
	else if (range_set_overlaps(&in->in_use, DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END))
		pr_warn("memory: the boot loader's data lies in the default SMBASE area [%#llx-%#llx): a CPU whose "
			"firmware did not relocate its SMBASE would run guest code on an SMI",
			DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END);
	else
		own_smbase_area = true;
	if (own_smbase_area)
		add_or_fail(&in->in_use, DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END, "the default SMBASE area");
}

void memory_init(const struct mb2_info *info, const struct veneer_config *cfg, unsigned acpi_cpus)
{
	static struct memory_plan_input in;     /* large: keep it off the boot stack */
	unsigned cpus;

	in.kernel_image.start = (uint64_t)(uintptr_t)__kernel_start;
	in.kernel_image.end = (uint64_t)(uintptr_t)__kernel_end;
	collect_usable(info, &in);
	in.pool_size = pool_size(info, cfg, acpi_cpus, &in, &cpus);

	add_or_fail(&in.in_use, in.kernel_image.start, in.kernel_image.end, "the kernel image");
	add_or_fail(&in.in_use, info->info_start, info->info_start + info->info_size, "the boot information");
	for (size_t i = 0; i < info->module_count; i++)
		add_or_fail(&in.in_use, info->modules[i].start, info->modules[i].end, "a module");
	claim_default_smbase_area(&in);

	switch (memory_plan_make(&in, &plan)) {
	case MEMORY_PLAN_OK:
		usable = in.usable;
		if (own_smbase_area)
			add_or_fail(&plan.owned, DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END, "the default SMBASE area");
		break;
	case MEMORY_PLAN_NO_POOL:
		pr_error("memory: not enough free RAM below 4 GiB for the hypervisor: it needs %llu MiB in one block, "
			 "the largest free block is %llu KiB; give the machine more memory or lower hvmem= (at least 4M)",
			 (unsigned long long)(in.pool_size / MiB),
			 (unsigned long long)(plan.largest_free_block >> 10));
		shutdown(EXIT_OUT_OF_MEMORY);
	case MEMORY_PLAN_TOO_FRAGMENTED:
		pr_error("memory: the memory map has too many separate ranges (more than %d)", RANGE_SET_MAX);
		shutdown(EXIT_BAD_BOOT_INFO);
	}

	/* The identity map covers at least the 32-bit space, where the local APIC, I/O APICs and most MMIO live. */
	if (map_limit < 4 * GiB)
		map_limit = 4 * GiB;
	map_limit = align_up(map_limit, GiB);

	pr_debug("memory: %llu MiB of usable RAM in %zu ranges",
		(unsigned long long)(range_set_total(&in.usable) / MiB), in.usable.count);
	print_owned(cpus, cfg->hv_memory != 0);
	if (own_smbase_area)
		write_smbase_guard();
	page_alloc_init(plan.pool);
}

void memory_release_trampoline(void)
{
	if (plan.trampoline.end == plan.trampoline.start)
		return;
	/*
	 * Once every CPU is up, low memory is the guest's again: its own AP
	 * start-up code lives there.  Zeroed first, so the guest finds none of
	 * veneer's code or the addresses of its stacks and per-CPU data.
	 */
	memset((void *)(uintptr_t)plan.trampoline.start, 0, plan.trampoline.end - plan.trampoline.start);
	range_set_remove(&plan.owned, plan.trampoline.start, plan.trampoline.end);
	pr_debug("memory: [%#llx-%#llx) (the AP start-up trampoline) is the guest's again, zeroed",
		 (unsigned long long)plan.trampoline.start, (unsigned long long)plan.trampoline.end);
	plan.trampoline.end = plan.trampoline.start;
}

bool memory_owns_default_smbase_area(void)
{
	return own_smbase_area;
}

void memory_guard_default_smbase_area(void)
{
	if (!own_smbase_area)
		return;
	write_smbase_guard();
	pr_info("memory: [%#010llx-%#010llx) default SMBASE area stays veneer's, hidden from the guest "
		"(an RSM at the SMM entry point %#llx)", DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END, DEFAULT_SMM_ENTRY);
}

void memory_release_default_smbase_area(void)
{
	if (!own_smbase_area)
		return;
	/* As the trampoline: zeroed, so the guest finds none of veneer's code or parameters there. */
	memset((void *)(uintptr_t)DEFAULT_SMBASE_AREA, 0, DEFAULT_SMBASE_AREA_END - DEFAULT_SMBASE_AREA);
	range_set_remove(&plan.owned, DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END);
	own_smbase_area = false;
	pr_debug("memory: [%#010llx-%#010llx) default SMBASE area given back to the guest, zeroed: no CPU's SMBASE is there",
		DEFAULT_SMBASE_AREA, DEFAULT_SMBASE_AREA_END);
}

void memory_report_kept(void)
{
	pr_info("memory: veneer keeps %llu KiB in %zu range(s) once started, hidden from any guest",
		(unsigned long long)(range_set_total(&plan.owned) >> 10), plan.owned.count);
}
