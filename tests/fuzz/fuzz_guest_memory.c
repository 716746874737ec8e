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
 *
 * Speed: a shadow of host memory follows each successful write (through
 * the EPT, one walk per page), and host memory is compared with it once
 * per input that wrote, not once per write; only the pages written are
 * restored for the next input.  So an input costs its accesses and one
 * pass over the 256 KiB, not a copy of it per write.
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
static uint8_t shadow[HOST_BYTES];
/* Bytes written and expected, filled once: per-byte loops here cost more than the accessor. */
static uint8_t pattern[ACCESS_MAX + 256], all_ones_bytes[PAGE];      /* what host memory must hold: pristine and the writes that succeeded */
static bool dirty[HOST_PAGES];          /* pages a successful write reached */
/* EPT tables from a fixed pool: malloc'ing and freeing pages per input cost more than the rest. */
static uint8_t tables[TABLES_MAX][PAGE] __attribute__((aligned(4096)));
static size_t table_count;

static void *table_alloc(void *ctx)
{
	(void)ctx;
	if (table_count == TABLES_MAX)
		return NULL;
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

/*
 * The EPT ept_build makes depends only on the page size and veneer's
 * ranges, and building it costs more than all the accesses of an input:
 * the last one built is kept, its tables copied back when those match.
 */
static struct {
	bool valid, use_2mb_pages;
	struct range_set hidden;
	struct ept ept;
	size_t table_count;
	uint8_t tables[TABLES_MAX][PAGE];
} last_build;

static int build_ept(struct ept *ept, const struct range_set *hidden, const struct ept_config *cfg,
		     const struct ept_allocator *alloc)
{
	static struct mtrr_state mtrr;
	int err;

	if (last_build.valid && last_build.use_2mb_pages == cfg->use_2mb_pages &&
	    last_build.hidden.count == hidden->count &&
	    memcmp(last_build.hidden.ranges, hidden->ranges, hidden->count * sizeof(hidden->ranges[0])) == 0) {
		memcpy(tables, last_build.tables, last_build.table_count * PAGE);
		table_count = last_build.table_count;
		*ept = last_build.ept;
		return EPT_OK;
	}
	err = ept_build(ept, NULL, hidden, HOST_BYTES, &mtrr, cfg, alloc);
	last_build.valid = err == EPT_OK;
	if (err == EPT_OK) {
		last_build.use_2mb_pages = cfg->use_2mb_pages;
		last_build.hidden = *hidden;
		last_build.ept = *ept;
		last_build.table_count = table_count;
		memcpy(last_build.tables, tables, table_count * PAGE);
	}
	return err;
}

static void *host_pointer(uint64_t hpa)
{
	return hpa < HOST_BYTES ? host + hpa : NULL;
}

enum expected { EXPECT_REFUSED, EXPECT_ALL_ONES, EXPECT_HOST };

/*
 * What the guest may see at [gpa, gpa + chunk), which lies in one guest
 * page, for an access needing permission: nothing, 0xFF bytes, or host
 * memory from *hpa on.  Worked out from the EPT independently of the
 * accessor.
 */
static enum expected expected_chunk(const struct guest_memory_view *view, uint64_t gpa, size_t chunk,
				    unsigned permission, uint64_t *hpa)
{
	struct ept_mapping m;

	if (!ept_walk(view->ept, gpa, &m) || !(m.permissions & permission))
		return EXPECT_REFUSED;
	if ((m.hpa & ~(PAGE - 1)) == view->all_ones_page)
		return permission == EPT_READ ? EXPECT_ALL_ONES : EXPECT_REFUSED;
	if (m.hpa + chunk > view->host_map_limit || range_set_overlaps(view->hypervisor, m.hpa, m.hpa + chunk))
		return EXPECT_REFUSED;
	*hpa = m.hpa;
	return EXPECT_HOST;
}

/*
 * A successful access: each page's part checked against the EPT; a
 * write's bytes also go into the shadow.
 */
static void check_success(const struct guest_memory_view *view, uint64_t gpa, const uint8_t *buf, size_t len,
			  bool write)
{
	FUZZ_CHECK(gpa + len >= gpa);
	while (len > 0) {
		size_t chunk = PAGE - (gpa & (PAGE - 1));
		uint64_t hpa = 0;

		if (chunk > len)
			chunk = len;
		switch (expected_chunk(view, gpa, chunk, write ? EPT_WRITE : EPT_READ, &hpa)) {
		case EXPECT_REFUSED:
			FUZZ_CHECK(!"an access the EPT refuses succeeded");
			break;
		case EXPECT_ALL_ONES:
			FUZZ_CHECK(memcmp(buf, all_ones_bytes, chunk) == 0);
			break;
		case EXPECT_HOST:
			FUZZ_CHECK(memcmp(host + hpa, buf, chunk) == 0);
			if (write) {
				memcpy(shadow + hpa, buf, chunk);
				dirty[hpa / PAGE] = true;
			}
			break;
		}
		buf += chunk;
		gpa += chunk;
		len -= chunk;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[ACCESS_MAX];
	static struct range_set hidden;
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
		memcpy(shadow, pristine, HOST_BYTES);
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(0xC3 ^ i ^ (i >> 8) * 29);
		memset(all_ones_bytes, 0xFF, PAGE);
	}
	hidden.count = 0;
	range_set_add(&hidden, all_ones, all_ones + PAGE);     /* the all-ones page is veneer's */
	for (unsigned i = 0; i < 4; i++) {
		uint64_t first = fuzz_take(&in, 1) % HOST_PAGES, count = fuzz_take(&in, 1) % 16;

		if (count && first + count <= HOST_PAGES)
			range_set_add(&hidden, first * PAGE, (first + count) * PAGE);
	}
	memset(&ept, 0, sizeof(ept));
	if (build_ept(&ept, &hidden, &cfg, &alloc) != EPT_OK)
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
			memcpy(buf, pattern + (gpa >> 12) % 256, len);  /* differs from write to write */
			status = guest_memory_copy_to(&view, gpa, buf, len);
		} else {
			status = guest_memory_copy_from(&view, gpa, buf, len);
		}
		FUZZ_CHECK(strcmp(guest_memory_status_name(status), "unknown status") != 0);
		if (status == GUEST_MEMORY_OK)
			check_success(&view, gpa, buf, len, write);
	}

	for (size_t i = 0; i < hidden.count; i++)
		ASAN_UNPOISON_MEMORY_REGION(host + hidden.ranges[i].start, hidden.ranges[i].end - hidden.ranges[i].start);
	if (wrote) {
		/*
		 * Nothing moved but what the successful writes put there: a
		 * refused write changed nothing, a successful one nothing else
		 * (veneer's pages included, though ASan would have caught that).
		 */
		FUZZ_CHECK(memcmp(host, shadow, HOST_BYTES) == 0);
		for (unsigned p = 0; p < HOST_PAGES; p++)
			if (dirty[p]) {
				memcpy(host + p * PAGE, pristine + p * PAGE, PAGE);
				memcpy(shadow + p * PAGE, pristine + p * PAGE, PAGE);
				dirty[p] = false;
			}
	}
out:
	table_count = 0;
	return 0;
}
