/*
 * The one way veneer reads and writes guest memory (vmx/guest/memory.c),
 * which checks every guest-physical buffer a hypercall, an instruction
 * fetch or a page walk names: guest_memory_copy_from() and _to() over an
 * EPT the input shapes, with guest-chosen addresses and lengths.
 *
 * The machine: 256 KiB of host memory; veneer owns up to four page ranges of
 * it, chosen by the input, and one of its pages is the all-ones page.
 * The EPT maps host memory one to one except veneer's ranges (ept_build,
 * as veneer does), then the input remaps pages anywhere (into veneer's
 * memory, onto the all-ones page, past the end of veneer's identity map,
 * past host memory) with any permissions.  veneer's pages, the all-ones
 * page included, are poisoned for AddressSanitizer: any byte the accessor
 * touches there is a crash.
 *
 * Input: a flags byte (2 MiB pages), the identity-map limit in pages,
 * the all-ones page, four (first page, page count) bytes for veneer's
 * ranges, up to 16 remaps (gpa page 2 bytes, hpa page 2 bytes, flags 1
 * byte), then accesses (gpa 4 bytes, length 2 bytes, read or write) to
 * the end.
 *
 * Invariants: besides never touching veneer's memory, a read that succeeds
 * returns, byte for byte, what the EPT maps there (0xFF on the all-ones
 * page), a write that succeeds lands where the EPT maps it, and a refused
 * access changes nothing.
 */
// fuzz-source: vmx/guest/memory.c
// fuzz-source: vmx/ept.c
// fuzz-source: arch/mtrr.c
// fuzz-source: kernel/ranges.c
// fuzz-source: kernel/format.c
#include <sanitizer/asan_interface.h>

#include "fuzz.h"
#include "vmx/guest/memory.h"

#define PAGE            4096ULL
#define HOST_PAGES      64
#define HOST_BYTES      (HOST_PAGES * PAGE)
#define TABLES_MAX      64
#define ACCESS_MAX      (3 * PAGE)

static uint8_t *host;
static uint8_t pristine[HOST_BYTES];    /* host memory before any write */
static void *tables[TABLES_MAX];
static size_t table_count;

static void *table_alloc(void *ctx)
{
	(void)ctx;
	if (table_count == TABLES_MAX)
		return NULL;
	tables[table_count] = aligned_alloc(PAGE, PAGE);
	memset(tables[table_count], 0, PAGE);
	return tables[table_count++];
}

static uint64_t table_virt_to_phys(void *ctx, void *page)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)page;
}

static void *table_phys_to_virt(void *ctx, uint64_t phys)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

static void *host_pointer(uint64_t hpa)
{
	return hpa < HOST_BYTES ? host + hpa : NULL;
}

/* What the guest should see at gpa: -1 when no read may succeed there. */
static int expected_byte(const struct guest_memory_view *view, uint64_t gpa, unsigned permission)
{
	struct ept_mapping m;

	if (!ept_walk(view->ept, gpa, &m) || !(m.permissions & permission))
		return -1;
	if ((m.hpa & ~(PAGE - 1)) == view->all_ones_page)
		return permission == EPT_READ ? 0xFF : -1;
	if (m.hpa >= view->host_map_limit || range_set_contains(view->hypervisor, m.hpa, m.hpa + 1))
		return -1;
	return host[m.hpa];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[ACCESS_MAX], before[HOST_BYTES];
	static struct range_set hidden;
	static struct mtrr_state mtrr;
	struct fuzz_input in = { data, size };
	struct ept_config cfg = { .use_2mb_pages = fuzz_take(&in, 1) & 1 };
	struct ept_allocator alloc = { table_alloc, table_virt_to_phys, table_phys_to_virt, NULL };
	struct ept ept;
	uint64_t limit_pages = fuzz_take(&in, 2) % (HOST_PAGES + 1);
	uint64_t all_ones = (fuzz_take(&in, 1) % HOST_PAGES) * PAGE;
	struct guest_memory_view view;

	bool wrote = false;

	if (!host) {
		host = malloc(HOST_BYTES);
		for (size_t i = 0; i < HOST_BYTES; i++)
			pristine[i] = (uint8_t)(i * 7 + (i >> 12));
		memcpy(host, pristine, HOST_BYTES);
	}
	hidden.count = 0;
	range_set_add(&hidden, all_ones, all_ones + PAGE);     /* the all-ones page is veneer's */
	for (unsigned i = 0; i < 4; i++) {
		uint64_t first = fuzz_take(&in, 1) % HOST_PAGES, count = fuzz_take(&in, 1) % 16;

		if (count && first + count <= HOST_PAGES)
			range_set_add(&hidden, first * PAGE, (first + count) * PAGE);
	}
	memset(&ept, 0, sizeof(ept));
	if (ept_build(&ept, NULL, &hidden, HOST_BYTES, &mtrr, &cfg, &alloc) != EPT_OK)
		goto out;
	for (unsigned i = 0; i < 16 && in.size >= 5; i++) {
		uint64_t gpa = fuzz_take(&in, 2) * PAGE, hpa = fuzz_take(&in, 2) * PAGE;
		uint64_t flags = fuzz_take(&in, 1) & (EPT_RWX | EPT_MEMORY_TYPE_MASK);

		if (!(flags & EPT_RWX))
			break;          /* the rest of the input is accesses */
		(void)ept_map_page(&ept, gpa % (2 * HOST_BYTES), hpa, flags);
	}
	view = (struct guest_memory_view){
		.ept = &ept,
		.hypervisor = &hidden,
		.host_map_limit = limit_pages * PAGE,
		.all_ones_page = all_ones,
		.host_pointer = host_pointer,
	};
	for (size_t i = 0; i < hidden.count; i++)
		ASAN_POISON_MEMORY_REGION(host + hidden.ranges[i].start, hidden.ranges[i].end - hidden.ranges[i].start);

	while (in.size > 0) {
		uint64_t gpa = fuzz_take(&in, 4);
		size_t len = (size_t)fuzz_take(&in, 2) % (ACCESS_MAX + 1);
		bool write = fuzz_take(&in, 1) & 1;
		enum guest_memory_status status;

		/*
		 * A write of at most a page cannot meet itself when two guest
		 * pages map one host page, so every byte can be checked after it.
		 */
		if (write)
			len %= PAGE + 1;
		wrote |= write;

		if (gpa & (1u << 31))
			gpa = ~0ULL - (gpa & 0xFFFF);   /* near the top: ranges that wrap */
		else
			gpa %= 2 * HOST_BYTES;
		if (write) {
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)(0xC3 ^ i);
			for (size_t i = 0; i < hidden.count; i++)
				ASAN_UNPOISON_MEMORY_REGION(host + hidden.ranges[i].start,
							    hidden.ranges[i].end - hidden.ranges[i].start);
			memcpy(before, host, HOST_BYTES);
			for (size_t i = 0; i < hidden.count; i++)
				ASAN_POISON_MEMORY_REGION(host + hidden.ranges[i].start,
							  hidden.ranges[i].end - hidden.ranges[i].start);
			status = guest_memory_copy_to(&view, gpa, buf, len);
		} else {
			status = guest_memory_copy_from(&view, gpa, buf, len);
		}
		FUZZ_CHECK(strcmp(guest_memory_status_name(status), "unknown status") != 0);
		if (status == GUEST_MEMORY_OK) {
			FUZZ_CHECK(gpa + len >= gpa);
			for (size_t i = 0; i < len; i++) {
				int expected = expected_byte(&view, gpa + i, write ? EPT_WRITE : EPT_READ);

				FUZZ_CHECK(expected >= 0);
				FUZZ_CHECK(expected == buf[i]);
			}
		} else if (write) {
			/* Nothing moved: compare the guest-visible host memory (veneer's stays poisoned). */
			for (uint64_t a = 0; a < HOST_BYTES; a += PAGE)
				if (!range_set_contains(&hidden, a, a + PAGE))
					FUZZ_CHECK(memcmp(host + a, before + a, PAGE) == 0);
		}
	}

	for (size_t i = 0; i < hidden.count; i++)
		ASAN_UNPOISON_MEMORY_REGION(host + hidden.ranges[i].start, hidden.ranges[i].end - hidden.ranges[i].start);
	if (wrote)
		memcpy(host, pristine, HOST_BYTES);     /* undo the writes, for the next input */
out:
	while (table_count > 0)
		free(tables[--table_count]);
	return 0;
}
