/*
 * The checks both kernels make, in the order they run.  The first ones
 * only read; low-memory and ram-writable write to RAM (and put back what
 * was there), so they come last, after everything else has read the boot
 * loader's information.  README.md says what each expects of the loader.
 */
#include "kernel/format.h"
#include "kernel/string.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/multiboot/multiboot.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/veneer_memory.h"
#include "tests/guests/runtime/x86.h"

#define DEFAULT_MIN_RAM         (64 * MIB)
#define LOW_MEMORY_END          0xA0000ull      /* 640 KiB: conventional memory */
#define LOW_MEMORY_KIB_MAX      640
#define EFLAGS_VM               (1ul << 17)
#define REPORTS_MAX             8               /* FAIL lines per kind of defect */

struct boot_view boot;
struct mb_options options = { .min_ram = DEFAULT_MIN_RAM };

static const char *const known_options[] = {
	"hvaddr", "expect_module", "module_magic", "min_ram_mb",
};

/* --- helpers ------------------------------------------------------------ */

uint64_t map_entry_end(const struct map_entry *e)
{
	return e->length > UINT64_MAX - e->base ? UINT64_MAX : e->base + e->length;
}

bool map_covers(uint64_t start, uint64_t end, uint32_t type)
{
	uint64_t at = start;

	/* Step from entry to entry; each step takes the one reaching furthest. */
	while (at < end) {
		uint64_t furthest = at;

		for (size_t i = 0; i < boot.map_count; i++) {
			const struct map_entry *e = &boot.map[i];

			if (e->type == type && e->base <= at && map_entry_end(e) > furthest)
				furthest = map_entry_end(e);
		}
		if (furthest == at)
			return false;
		at = furthest;
	}
	return true;
}

bool map_overlaps(uint64_t start, uint64_t end, uint32_t type)
{
	for (size_t i = 0; i < boot.map_count; i++) {
		const struct map_entry *e = &boot.map[i];

		if (e->type == type && e->length && e->base < end && map_entry_end(e) > start)
			return true;
	}
	return false;
}

bool copy_string(char *out, size_t out_size, uint64_t address)
{
	const volatile char *s = phys_ptr(address);

	for (size_t i = 0; i < out_size; i++) {
		out[i] = s[i];
		if (!out[i])
			return true;
	}
	out[out_size - 1] = '\0';
	return false;
}

void add_region(const char *what, uint64_t start, uint64_t length)
{
	if (boot.region_count < REGIONS_MAX)
		boot.regions[boot.region_count++] = (struct region){ what, start, start + length };
}

uint8_t byte_sum(const volatile uint8_t *p, size_t length)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < length; i++)
		sum += p[i];
	return sum;
}

static bool ranges_overlap(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

static uint64_t image_start(void)
{
	return (uintptr_t)__image_start;
}

static uint64_t image_end(void)
{
	return (uintptr_t)__image_end;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Is needle in haystack?  ASCII case ignored when fold is set. */
static bool contains(const char *haystack, const char *needle, bool fold)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		size_t i = 0;

		while (i < n && haystack[i] &&
		       (fold ? lower(haystack[i]) == lower(needle[i]) : haystack[i] == needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case MB_MEMORY_AVAILABLE:               return "available";
	case MB_MEMORY_RESERVED:                return "reserved";
	case MB_MEMORY_ACPI_RECLAIMABLE:        return "ACPI reclaimable";
	case MB_MEMORY_NVS:                     return "ACPI NVS";
	case MB_MEMORY_BAD:                     return "bad";
	default:                                return "other (reserved)";
	}
}

/* --- boot-info: read the loader's information, check where it lies ------- */

static void test_boot_info(void)
{
	uint32_t magic = mb_entry[MB_ENTRY_EAX], address = mb_entry[MB_ENTRY_EBX];

	if (!check(magic == mb_protocol.magic, "EAX 0x%x is not the %s magic 0x%x: not reading EBX 0x%x",
		   magic, mb_protocol.name, mb_protocol.magic, address))
		return;
	if (!check(address != 0, "EBX is 0: no information structure"))
		return;
	boot.read = true;
	mb_protocol.read(address);

	/* The loader must keep its information clear of the kernel, .bss included. */
	for (size_t i = 0; i < boot.region_count; i++) {
		const struct region *r = &boot.regions[i];

		check(r->end <= 4 * GIB, "%s [0x%llx, 0x%llx) reaches beyond 4 GiB", r->what,
		      (unsigned long long)r->start, (unsigned long long)r->end);
		check(!ranges_overlap(r->start, r->end, image_start(), image_end()),
		      "%s [0x%llx, 0x%llx) overlaps the kernel image [0x%llx, 0x%llx)", r->what,
		      (unsigned long long)r->start, (unsigned long long)r->end,
		      (unsigned long long)image_start(), (unsigned long long)image_end());
	}
}

/* --- magic: EAX and the machine state ----------------------------------- */

static void test_magic(void)
{
	uint32_t eflags = mb_entry[MB_ENTRY_EFLAGS];

	check_eq("EAX (magic)", mb_entry[MB_ENTRY_EAX], mb_protocol.magic);
	check(entry_cr0 & CR0_PE, "CR0 0x%x: PE clear, not protected mode", entry_cr0);
	check(!(entry_cr0 & CR0_PG), "CR0 0x%x: paging is on", entry_cr0);
	check(!(eflags & EFLAGS_VM), "EFLAGS 0x%x: virtual-8086 mode", eflags);
	check(!(eflags & RFLAGS_IF), "EFLAGS 0x%x: interrupts are on", eflags);
	/* The limits: main.c read offset 0xFFFFFFFC through each, and the kernel is still here. */
	for (int i = 0; i < SEGMENT_COUNT; i++) {
		const struct segment_probe *s = &entry_segments[i];

		if (!check(s->base_zero, "%s (selector 0x%x): a read through it did not find the kernel where "
			   "it is linked: base is not 0", s->name, s->selector))
			continue;
		if (i > 0)      /* CS is code: not written */
			check(s->writable, "%s (selector 0x%x): a write through it did not land: not writable data",
			      s->name, s->selector);
	}
}

/* --- cmdline: the kernel's own arguments, and the options ---------------- */

static bool is_known_option(const char *key, size_t length)
{
	for (size_t i = 0; i < sizeof(known_options) / sizeof(known_options[0]); i++)
		if (strlen(known_options[i]) == length && strncmp(key, known_options[i], length) == 0)
			return true;
	return false;
}

static void read_number_option(const char *key, uint64_t *value, bool *present)
{
	char text[32];
	unsigned long long v;

	if (!cmdline_value(boot.cmdline, key, text, sizeof(text)))
		return;
	if (!check(parse_number(text, &v), "%s=%s is not a number", key, text))
		return;
	*value = v;
	if (present)
		*present = true;
}

static void test_cmdline(void)
{
	const char *p = boot.cmdline;
	unsigned known = 0;

	if (!check(boot.has_cmdline, "the loader passed no command line"))
		return;
	guest_printf("INFO: command line '%s'", boot.cmdline);

	for (const char *c = p; *c; c++)
		if (!check((*c >= 0x20 && *c < 0x7F) || *c == '\t', "byte 0x%02x at offset %u is not printable",
			   (unsigned char)*c, (unsigned)(c - p)))
			break;

	/* Every key=value word must be this kernel's: nothing of veneer's own line leaks in. */
	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		size_t key_length = 0;
		bool has_value = false;

		while (*p && *p != ' ') {
			if (*p == '=' && !has_value) {
				has_value = true;
				key_length = (size_t)(p - word);
			}
			p++;
		}
		if (!has_value)
			continue;       /* GRUB may put the file name first */
		if (check(is_known_option(word, key_length), "unknown option '%.*s'", (int)(p - word), word))
			known++;
	}
	check(known > 0, "no option of this kernel (hvaddr=, expect_module=, module_magic=, min_ram_mb=): "
	      "not the kernel's own command line?");

	uint64_t min_ram_mb = options.min_ram / MIB;

	read_number_option("hvaddr", &options.hvaddr, &options.has_hvaddr);
	read_number_option("min_ram_mb", &min_ram_mb, NULL);
	options.min_ram = min_ram_mb * MIB;
	cmdline_value(boot.cmdline, "expect_module", options.expect_module, sizeof(options.expect_module));
	cmdline_value(boot.cmdline, "module_magic", options.module_magic, sizeof(options.module_magic));
}

/* --- memory: the map, mem_lower/mem_upper, veneer's memory --------------- */

static void check_map_entries(void)
{
	unsigned reports = 0;

	for (size_t i = 0; i < boot.map_count; i++) {
		const struct map_entry *e = &boot.map[i];

		guest_printf("INFO: map [0x%llx, 0x%llx) type %u (%s)", (unsigned long long)e->base,
			     (unsigned long long)(e->base + e->length), e->type, type_name(e->type));
		check(e->length != 0, "entry %zu at 0x%llx: length 0", i, (unsigned long long)e->base);
		check(e->length <= UINT64_MAX - e->base, "entry %zu at 0x%llx: length 0x%llx wraps around", i,
		      (unsigned long long)e->base, (unsigned long long)e->length);
	}
	/* Available memory must be exactly that: not twice listed, not also something else. */
	for (size_t i = 0; i < boot.map_count; i++)
		for (size_t j = i + 1; j < boot.map_count; j++) {
			const struct map_entry *a = &boot.map[i], *b = &boot.map[j];

			if (a->type != MB_MEMORY_AVAILABLE && b->type != MB_MEMORY_AVAILABLE)
				continue;
			if (!ranges_overlap(a->base, map_entry_end(a), b->base, map_entry_end(b)))
				continue;
			if (reports++ < REPORTS_MAX)
				check(false, "entries %zu [0x%llx, 0x%llx) type %u and %zu [0x%llx, 0x%llx) type %u overlap",
				      i, (unsigned long long)a->base, (unsigned long long)map_entry_end(a), a->type,
				      j, (unsigned long long)b->base, (unsigned long long)map_entry_end(b), b->type);
			else
				check(false, "more overlapping entries");
		}
}

static void boot_map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type)
{
	*base = boot.map[i].base;
	*length = boot.map[i].length;
	*type = boot.map[i].type;
}

/* The end of the available memory that runs unbroken from address (adjacent entries joined). */
static uint64_t available_run_end(uint64_t address)
{
	uint64_t at = address;

	for (bool moved = true; moved;) {
		moved = false;
		for (size_t i = 0; i < boot.map_count; i++) {
			const struct map_entry *e = &boot.map[i];
			if (e->type == MB_MEMORY_AVAILABLE && e->base <= at && map_entry_end(e) > at) {
				at = map_entry_end(e);
				moved = true;
			}
		}
	}
	return at;
}

static void check_meminfo(void)
{
	uint64_t lower = (uint64_t)boot.mem_lower * 1024, upper = (uint64_t)boot.mem_upper * 1024;

	if (!check(boot.has_meminfo, "no mem_lower/mem_upper (%s)",
		   mb_protocol.magic == MB1_BOOTLOADER_MAGIC ? "flags bit 0" : "basic memory information tag"))
		return;
	guest_printf("INFO: mem_lower %u KiB", boot.mem_lower);
	guest_printf("INFO: mem_upper %u KiB", boot.mem_upper);
	check(boot.mem_lower <= LOW_MEMORY_KIB_MAX, "mem_lower %u KiB: more than 640 KiB", boot.mem_lower);
	check(map_covers(0, lower, MB_MEMORY_AVAILABLE),
	      "mem_lower %u KiB, but [0, 0x%llx) is not all available in the map", boot.mem_lower,
	      (unsigned long long)lower);
	/*
	 * What GRUB gives: the RAM from 1 MiB up to the first hole, all of it
	 * (GRUB's grub_mmap_get_upper), and a kernel sizing its heap by it
	 * needs it to be more than a sliver.
	 */
	uint64_t run = available_run_end(MIB) - MIB;
	check(upper == run, "mem_upper %u KiB, but the map has %llu KiB of RAM unbroken from 1 MiB",
	      boot.mem_upper, (unsigned long long)(run >> 10));
	check(upper >= options.min_ram, "mem_upper %u KiB: less than min_ram_mb (%llu MiB) of RAM from 1 MiB",
	      boot.mem_upper, (unsigned long long)(options.min_ram / MIB));
}

static void check_hypervisor_memory(void)
{
	if (!running_under_veneer()) {
		guest_printf("INFO: not under veneer: hvaddr not checked against the map");
		return;
	}
	if (!options.has_hvaddr) {
		uint64_t start, end;
		/* veneer's memory is one reserved range near the top of RAM, right after the RAM it ends. */
		if (!check(veneer_block_in_map(boot.map_count, boot_map_entry, &start, &end),
			   "no reserved range after the RAM above 1 MiB: where is veneer?"))
			return;
		guest_printf("INFO: veneer's memory: [0x%llx, 0x%llx)", (unsigned long long)start,
			     (unsigned long long)end);
		check(reserved_blocks_inside_ram(boot.map_count, boot_map_entry) <= 1,
		      "more than one reserved range interrupts the RAM above 1 MiB");
		options.hvaddr = start;
	}
	uint64_t page = options.hvaddr & ~(uint64_t)(PAGE_SIZE - 1);

	check(!map_overlaps(page, page + PAGE_SIZE, MB_MEMORY_AVAILABLE),
	      "hvaddr 0x%llx (veneer's memory) lies in an available entry: the guest would use it as RAM",
	      (unsigned long long)options.hvaddr);
	check(map_covers(page, page + PAGE_SIZE, MB_MEMORY_RESERVED),
	      "hvaddr 0x%llx (veneer's memory) is not in a reserved (type 2) entry",
	      (unsigned long long)options.hvaddr);
}

/*
 * The map as the bare machine has it, for the differential scenarios:
 * under veneer, veneer's block given back as RAM (nothing else: the default
 * SMBASE area at 0x30000 is the guest's RAM under veneer too); then entries sorted and adjacent available ones joined
 * (both ways, so that the two runs print alike), and the RAM unbroken from
 * 0 (below 640 KiB) and from 1 MiB in it: the mem_lower the map gives and
 * the mem_upper GRUB gives on the bare machine.  Natively that equals
 * mem_upper.
 */
static void print_machine_map(void)
{
	struct map_entry map[MAP_MAX];
	size_t count = 0;
	uint64_t start = 0, end = 0, lower_end = 0, upper_end = MIB;
	bool veneer = running_under_veneer() && veneer_block_in_map(boot.map_count, boot_map_entry, &start, &end);

	for (size_t i = 0; i < boot.map_count; i++) {
		struct map_entry e = boot.map[i];
		size_t at = count++;

		if (veneer && e.base == start && e.base + e.length == end)
			e.type = MB_MEMORY_AVAILABLE;
		for (; at > 0 && map[at - 1].base > e.base; at--)
			map[at] = map[at - 1];
		map[at] = e;
	}
	for (size_t i = 0; i < count; i++) {
		struct map_entry e = map[i];

		while (i + 1 < count && e.type == MB_MEMORY_AVAILABLE && map[i + 1].type == MB_MEMORY_AVAILABLE &&
		       map[i + 1].base == e.base + e.length)
			e.length += map[++i].length;
		guest_printf("INFO: machine map [0x%llx, 0x%llx) type %u", (unsigned long long)e.base,
			     (unsigned long long)(e.base + e.length), e.type);
		if (e.type == MB_MEMORY_AVAILABLE && e.base == 0)
			lower_end = e.base + e.length < LOW_MEMORY_END ? e.base + e.length : LOW_MEMORY_END;
		if (e.type == MB_MEMORY_AVAILABLE && e.base <= MIB && e.base + e.length > MIB)
			upper_end = e.base + e.length;
	}
	guest_printf("INFO: machine mem_lower %llu KiB", (unsigned long long)(lower_end >> 10));
	guest_printf("INFO: machine mem_upper %llu KiB", (unsigned long long)((upper_end - MIB) >> 10));
}

static void test_memory(void)
{
	uint64_t above_1m = 0;

	if (!check(boot.has_map, "no memory map"))
		return;
	if (!check(boot.map_count > 0, "the memory map has no entries"))
		return;
	check_map_entries();

	for (size_t i = 0; i < boot.map_count; i++) {
		const struct map_entry *e = &boot.map[i];
		uint64_t start = e->base > MIB ? e->base : MIB, end = map_entry_end(e);

		if (e->type == MB_MEMORY_AVAILABLE && end > start)
			above_1m += end - start;
	}
	guest_printf("INFO: %llu MiB available above 1 MiB", (unsigned long long)(above_1m / MIB));
	check(above_1m >= options.min_ram, "%llu MiB available above 1 MiB, expected at least %llu MiB",
	      (unsigned long long)(above_1m / MIB), (unsigned long long)(options.min_ram / MIB));
	check(map_covers(image_start(), image_end(), MB_MEMORY_AVAILABLE),
	      "the kernel image [0x%llx, 0x%llx) is not all in available memory",
	      (unsigned long long)image_start(), (unsigned long long)image_end());
	check_meminfo();
	check_hypervisor_memory();
	print_machine_map();
}

/* --- modules: the guest's own modules, in order, intact ------------------ */

static void check_module_placement(size_t i)
{
	const struct module *m = &boot.modules[i];

	guest_printf("INFO: module %zu [0x%x, 0x%x) '%s'", i, m->start, m->end, m->string);
	if (!check(m->start < m->end, "module %zu: start 0x%x, end 0x%x: empty or reversed", i, m->start,
		   m->end))
		return;
	if (mb_protocol.modules_page_aligned)
		check(m->start % PAGE_SIZE == 0, "module %zu at 0x%x: not page-aligned (the header asks for it)",
		      i, m->start);
	check(!ranges_overlap(m->start, m->end, image_start(), image_end()),
	      "module %zu [0x%x, 0x%x) overlaps the kernel image [0x%llx, 0x%llx)", i, m->start, m->end,
	      (unsigned long long)image_start(), (unsigned long long)image_end());
	check(map_covers(m->start, m->end, MB_MEMORY_AVAILABLE),
	      "module %zu [0x%x, 0x%x) is not all in available memory", i, m->start, m->end);
	for (size_t r = 0; r < boot.region_count; r++)
		check(!ranges_overlap(m->start, m->end, boot.regions[r].start, boot.regions[r].end),
		      "module %zu [0x%x, 0x%x) overlaps the %s", i, m->start, m->end, boot.regions[r].what);
	for (size_t j = 0; j < i; j++)
		check(!ranges_overlap(m->start, m->end, boot.modules[j].start, boot.modules[j].end),
		      "modules %zu and %zu overlap", j, i);
}

/* The module's first bytes: "<magic> <name>". */
static void check_module_contents(size_t i, const char *name, size_t name_length)
{
	const struct module *m = &boot.modules[i];
	const volatile char *data = phys_ptr(m->start);
	size_t magic_length = strlen(options.module_magic);
	size_t want = magic_length + 1 + name_length, size = m->end - m->start;
	char head[NAME_MAX * 2];

	if (!check(size >= want && want < sizeof(head), "module %zu: %zu bytes, too short for '%s %.*s'", i,
		   size, options.module_magic, (int)name_length, name))
		return;
	for (size_t k = 0; k < want; k++)
		head[k] = data[k] >= 0x20 && data[k] < 0x7F ? data[k] : '.';
	head[want] = '\0';
	check(strncmp(head, options.module_magic, magic_length) == 0 && head[magic_length] == ' ' &&
	      strncmp(head + magic_length + 1, name, name_length) == 0,
	      "module %zu at 0x%x begins '%s', expected '%s %.*s'", i, m->start, head, options.module_magic,
	      (int)name_length, name);
}

static void test_modules(void)
{
	const char *list = options.expect_module;
	size_t expected = 0;

	if (!boot.has_modules) {
		check(!*list, "no module information (flags bit 3), but expect_module=%s", list);
		return;
	}
	for (size_t i = 0; i < boot.module_count; i++)
		check_module_placement(i);
	if (!*list)
		return;

	/* expect_module=a,b: exactly these modules, in this order. */
	while (*list) {
		const char *name = list;
		size_t length = 0;
		char wanted[NAME_MAX];

		while (name[length] && name[length] != ',')
			length++;
		list += length + (name[length] == ',');
		if (!length)
			continue;
		if (expected < boot.module_count) {
			format(wanted, sizeof(wanted), "%.*s", (int)length, name);
			check(contains(boot.modules[expected].string, wanted, false),
			      "module %zu is '%s', expected one whose string contains '%s'", expected,
			      boot.modules[expected].string, wanted);
			if (*options.module_magic && boot.modules[expected].start < boot.modules[expected].end)
				check_module_contents(expected, name, length);
		}
		expected++;
	}
	check(boot.module_count == expected, "%zu modules, expected %zu (expect_module=%s)", boot.module_count,
	      expected, options.expect_module);
}

/* --- loader-name --------------------------------------------------------- */

static void test_loader_name(void)
{
	if (!check(boot.has_loader_name, "the loader passed no name"))
		return;
	guest_printf("INFO: boot loader name '%s'", boot.loader_name);
	check(boot.loader_name[0], "the name is empty");
	if (running_under_veneer())
		check(contains(boot.loader_name, "veneer", true), "'%s' does not mention veneer", boot.loader_name);
}

/* --- hypervisor: veneer's CPUID leaves and hypercall --------------------- */

static void test_hypervisor(void)
{
	if (!running_under_veneer()) {
		struct cpuid_result r = cpuid(VENEER_CPUID_LEAF_BASE, 0);
		uint32_t words[3] = { r.ebx, r.ecx, r.edx };
		char found[13];

		memcpy(found, words, 12);
		for (int i = 0; i < 12; i++)
			if (found[i] < 0x20 || found[i] >= 0x7F)
				found[i] = '.';
		found[12] = '\0';
		skip("leaf 0x40000000 says '%s', not veneer's signature: not running under veneer", found);
		return;
	}
	check(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR, "CPUID.1:ECX bit 31 (hypervisor present) clear");
	check(cpuid(VENEER_CPUID_LEAF_BASE, 0).eax >= VENEER_CPUID_LEAF_MAX,
	      "leaf 0x40000000 EAX 0x%x: below 0x%x", cpuid(VENEER_CPUID_LEAF_BASE, 0).eax,
	      VENEER_CPUID_LEAF_MAX);
	check_eq("leaf 0x40000001 EAX (version)", cpuid(VENEER_CPUID_LEAF_VERSION, 0).eax,
		 VENEER_HC_VERSION_VALUE);
	check_eq("VENEER_HC_VERSION", (unsigned long)hc_version(), VENEER_HC_VERSION_VALUE);
}

/* --- low-memory: page 0 and the real-mode area are RAM ------------------- */

/* Fills a page with two patterns, reads each back, puts the old contents back. */
static bool page_round_trip(uint64_t address)
{
	static uint32_t saved[PAGE_SIZE / 4];
	volatile uint32_t *w = phys_ptr(address);
	uint32_t seed = 0x5A5AA5A5u ^ (uint32_t)address;
	bool ok = true;

	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		saved[i] = w[i];
	for (int pass = 0; pass < 2 && ok; pass++) {
		uint32_t pattern = pass ? ~seed : seed;

		for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
			w[i] = pattern + i;
		for (unsigned i = 0; i < PAGE_SIZE / 4 && ok; i++)
			ok = check(w[i] == pattern + i, "0x%llx: wrote 0x%x, read 0x%x",
				   (unsigned long long)(address + 4 * i), pattern + i, w[i]);
	}
	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		w[i] = saved[i];
	for (unsigned i = 0; i < PAGE_SIZE / 4 && ok; i++)
		ok = check(w[i] == saved[i], "0x%llx: restoring 0x%x read 0x%x",
			   (unsigned long long)(address + 4 * i), saved[i], w[i]);
	return ok;
}

static void test_low_memory(void)
{
	/* Page 0, the usual AP start-up pages, the top page below 0x9F000. */
	static const uint32_t required[] = { 0x0, 0x7000, 0x8000, 0x9E000 };
	unsigned pages = 0, failed = 0;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		check(map_covers(required[i], required[i] + PAGE_SIZE, MB_MEMORY_AVAILABLE),
		      "page 0x%x is not available RAM in the memory map", required[i]);

	/* Every page the map gives below 640 KiB: write, read back, restore. */
	for (uint64_t page = 0; page < LOW_MEMORY_END; page += PAGE_SIZE)
		if (map_covers(page, page + PAGE_SIZE, MB_MEMORY_AVAILABLE))
			pages++;
	guest_printf("INFO: low-memory: writing, reading back and restoring the %u available pages below 0x%llx",
		     pages, LOW_MEMORY_END);
	for (uint64_t page = 0; page < LOW_MEMORY_END; page += PAGE_SIZE)
		if (map_covers(page, page + PAGE_SIZE, MB_MEMORY_AVAILABLE) && !page_round_trip(page) &&
		    ++failed >= REPORTS_MAX)
			break;
}

/* --- ram-writable: every available page below 4 GiB is there ------------ */

static void test_ram_writable(void)
{
	uint64_t pages = 0, touched = 0;
	unsigned failures = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			guest_printf("INFO: ram-writable: writing and restoring one word in each of %llu available "
				     "pages below 4 GiB outside the kernel", (unsigned long long)pages);
		for (size_t i = 0; i < boot.map_count; i++) {
			const struct map_entry *e = &boot.map[i];
			uint64_t end = map_entry_end(e) < 4 * GIB ? map_entry_end(e) : 4 * GIB;
			uint64_t first = (e->base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);

			if (e->type != MB_MEMORY_AVAILABLE)
				continue;
			for (uint64_t page = first; page + PAGE_SIZE <= end; page += PAGE_SIZE) {
				if (ranges_overlap(page, page + PAGE_SIZE, image_start(), image_end()))
					continue;       /* the code and stack doing this */
				if (pass == 0) {
					pages++;
					continue;
				}
				volatile uint32_t *w = phys_ptr(page);
				uint32_t old = *w;

				*w = ~old;
				bool ok = *w == ~old;
				*w = old;
				ok = ok && *w == old;
				touched++;
				if (!ok && failures++ < REPORTS_MAX)
					check(false, "0x%llx: the word written did not read back",
					      (unsigned long long)page);
			}
		}
	}
	check(touched == pages, "touched %llu pages of %llu", (unsigned long long)touched,
	      (unsigned long long)pages);
}

const struct mb_test mb_tests_read[] = {
	{ "boot-info", test_boot_info },
	{ "magic", test_magic },
	{ "cmdline", test_cmdline },
	{ "memory", test_memory },
	{ "modules", test_modules },
	{ "loader-name", test_loader_name },
	{ "hypervisor", test_hypervisor },
	{ "apic-restart", test_apic_restart },
};
const size_t mb_tests_read_count = sizeof(mb_tests_read) / sizeof(mb_tests_read[0]);

const struct mb_test mb_tests_write[] = {
	{ "low-memory", test_low_memory },
	{ "ram-writable", test_ram_writable },
};
const size_t mb_tests_write_count = sizeof(mb_tests_write) / sizeof(mb_tests_write[0]);
