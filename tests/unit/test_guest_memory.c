/*
 * The guest-memory accessor over a small machine: 16 MiB of "host
 * memory" in a malloc'ed buffer, veneer owning [8 MiB, 10 MiB), veneer's
 * identity map ending at 12 MiB, and the guest's EPT built by ept_build.
 * Every refusal is checked with its status, and a refused access moves no
 * byte.
 */
// unit-test-source: vmx/guest/memory.c
// unit-test-source: vmx/ept.c
// unit-test-source: arch/mtrr.c
// unit-test-source: kernel/ranges.c
// unit-test-source: kernel/format.c
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmx/guest/memory.h"

#define MiB (1ULL << 20)
#define HOST_BYTES      (16 * MiB)
#define HV_START        (8 * MiB)
#define HV_END          (10 * MiB)
#define HOST_MAP_LIMIT  (12 * MiB)
#define ALL_ONES_PAGE   (9 * MiB)       /* one of veneer's pages */

/* The EPT's own tables: plain malloc, with "physical" = the pointer, outside host memory. */
#define TABLES_MAX 64
static void *tables[TABLES_MAX];
static size_t table_count;

static void *table_alloc(void *ctx)
{
	(void)ctx;
	if (table_count == TABLES_MAX)
		return NULL;
	void *page = aligned_alloc(4096, 4096);
	memset(page, 0, 4096);
	tables[table_count++] = page;
	return page;
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

static uint8_t *host_memory;

static void *host_pointer(uint64_t hpa)
{
	return hpa < HOST_BYTES ? host_memory + hpa : NULL;
}

struct small_machine {
	struct ept ept;
	struct range_set hidden;
	struct mtrr_state mtrr;
	struct guest_memory_view view;
};

static struct small_machine *small_machine_new(void)
{
	static const struct ept_config cfg = { .use_2mb_pages = true };
	struct ept_allocator alloc = { table_alloc, table_virt_to_phys, table_phys_to_virt, NULL };
	struct small_machine *m = calloc(1, sizeof(*m));

	host_memory = malloc(HOST_BYTES);
	for (uint64_t i = 0; i < HOST_BYTES; i++)
		host_memory[i] = (uint8_t)(i * 7 + (i >> 12));
	range_set_add(&m->hidden, HV_START, HV_END);
	EXPECT_EQ(ept_build(&m->ept, NULL, &m->hidden, HOST_BYTES, &m->mtrr, &cfg, &alloc), EPT_OK);
	m->view = (struct guest_memory_view){
		.ept = &m->ept,
		.hypervisor = &m->hidden,
		.host_map_limit = HOST_MAP_LIMIT,
		.all_ones_page = ALL_ONES_PAGE,
		.host_pointer = host_pointer,
	};
	return m;
}

static void small_machine_free(struct small_machine *m)
{
	while (table_count > 0)
		free(tables[--table_count]);
	free(host_memory);
	host_memory = NULL;
	free(m);
}

TEST(guest_memory_reads_and_writes_guest_ram)
{
	struct small_machine *m = small_machine_new();
	uint8_t buf[64];

	EXPECT_EQ(guest_memory_copy_from(&m->view, 0x123456, buf, sizeof(buf)), GUEST_MEMORY_OK);
	EXPECT(memcmp(buf, host_memory + 0x123456, sizeof(buf)) == 0);
	memset(buf, 0x5A, sizeof(buf));
	EXPECT_EQ(guest_memory_copy_to(&m->view, 0x2FF0, buf, sizeof(buf)), GUEST_MEMORY_OK);   /* crosses a page */
	EXPECT_EQ(host_memory[0x2FF0], 0x5A);
	EXPECT_EQ(host_memory[0x2FF0 + 63], 0x5A);
	EXPECT_EQ(guest_memory_copy_from(&m->view, 0, buf, 0), GUEST_MEMORY_OK);
	small_machine_free(m);
}

/* Two guest pages side by side may be anywhere in host memory: each is translated on its own. */
TEST(guest_memory_translates_each_page_through_ept)
{
	struct small_machine *m = small_machine_new();
	uint8_t buf[8];
	uint64_t rw = EPT_READ | EPT_WRITE;

	EXPECT_EQ(ept_map_page(&m->ept, 0x5000, 0x7000, rw), EPT_OK);
	EXPECT_EQ(guest_memory_copy_from(&m->view, 0x4FFC, buf, 8), GUEST_MEMORY_OK);
	EXPECT(memcmp(buf, host_memory + 0x4FFC, 4) == 0);
	EXPECT(memcmp(buf + 4, host_memory + 0x7000, 4) == 0);
	small_machine_free(m);
}

/* veneer's memory: not mapped at all, or remapped to the all-ones page, which reads as 0xFF and is never written. */
TEST(guest_memory_never_reaches_veneers_memory)
{
	struct small_machine *m = small_machine_new();
	uint8_t buf[16];

	EXPECT_EQ(guest_memory_copy_from(&m->view, HV_START + 0x100, buf, sizeof(buf)), GUEST_MEMORY_UNMAPPED);
	EXPECT_EQ(guest_memory_copy_from(&m->view, HV_START - 8, buf, sizeof(buf)), GUEST_MEMORY_UNMAPPED);

	memset(host_memory + ALL_ONES_PAGE, 0xFF, 4096);
	host_memory[ALL_ONES_PAGE + 0x10] = 0x42;       /* a reader that looked at veneer's page would see this */
	EXPECT_EQ(ept_map_page(&m->ept, HV_START, ALL_ONES_PAGE, EPT_READ), EPT_OK);
	EXPECT_EQ(guest_memory_copy_from(&m->view, HV_START + 0x8, buf, sizeof(buf)), GUEST_MEMORY_OK);
	for (size_t i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 0xFF);
	EXPECT_EQ(guest_memory_copy_to(&m->view, HV_START, buf, 4), GUEST_MEMORY_NO_ACCESS);

	/* Even a (mistaken) writable mapping of veneer's memory is refused. */
	EXPECT_EQ(ept_map_page(&m->ept, HV_START + 0x1000, HV_START + 0x3000, EPT_READ | EPT_WRITE), EPT_OK);
	EXPECT_EQ(guest_memory_copy_from(&m->view, HV_START + 0x1000, buf, 4), GUEST_MEMORY_HYPERVISOR);
	EXPECT_EQ(guest_memory_copy_to(&m->view, HV_START + 0x1000, buf, 4), GUEST_MEMORY_HYPERVISOR);
	small_machine_free(m);
}

TEST(guest_memory_refuses_what_veneer_cannot_address)
{
	struct small_machine *m = small_machine_new();
	uint8_t buf[16];

	EXPECT_EQ(guest_memory_copy_from(&m->view, HOST_MAP_LIMIT + 0x40, buf, 4), GUEST_MEMORY_OUT_OF_REACH);
	EXPECT_EQ(guest_memory_copy_from(&m->view, HOST_MAP_LIMIT - 2, buf, 4), GUEST_MEMORY_OUT_OF_REACH);
	EXPECT_EQ(guest_memory_copy_from(&m->view, HOST_BYTES, buf, 4), GUEST_MEMORY_UNMAPPED);
	EXPECT_EQ(guest_memory_copy_from(&m->view, 1ULL << 32, buf, 4), GUEST_MEMORY_UNMAPPED);
	EXPECT_EQ(guest_memory_copy_from(&m->view, UINT64_MAX - 2, buf, 8), GUEST_MEMORY_BAD_RANGE);
	EXPECT_EQ(guest_memory_copy_from(&m->view, 1ULL << 52, buf, 4), GUEST_MEMORY_UNMAPPED);
	small_machine_free(m);
}

/* A write that would fail on its second page changes nothing on its first. */
TEST(guest_memory_failed_write_changes_nothing)
{
	struct small_machine *m = small_machine_new();
	uint8_t buf[32];
	uint8_t before[16];

	memset(buf, 0xA5, sizeof(buf));
	memcpy(before, host_memory + HV_START - 16, 16);
	EXPECT_EQ(guest_memory_copy_to(&m->view, HV_START - 16, buf, sizeof(buf)), GUEST_MEMORY_UNMAPPED);
	EXPECT(memcmp(before, host_memory + HV_START - 16, 16) == 0);

	EXPECT_EQ(ept_map_page(&m->ept, 0x9000, 0x9000, EPT_READ), EPT_OK);
	EXPECT_EQ(guest_memory_copy_to(&m->view, 0x8FF8, buf, 16), GUEST_MEMORY_NO_ACCESS);
	EXPECT(host_memory[0x8FF8] != 0xA5);
	EXPECT_STREQ(guest_memory_status_name(GUEST_MEMORY_HYPERVISOR), "veneer's own memory");
	small_machine_free(m);
}
