/*
 * acpi_parse() and the RSDP and table checks, over hand-built tables.
 *
 * Fake physical memory is a list of regions.  The map callback returns
 * NULL for any range not wholly inside one region, and otherwise a fresh
 * heap copy of exactly the bytes asked for, so AddressSanitizer turns any
 * read beyond what the parser mapped into a failed test.
 */
// unit-test-source: kernel/acpi.c
// unit-test-source: kernel/format.c
#include <stdbool.h>
#include <stdlib.h>

#include "kernel/acpi.h"
#include "unit.h"

#define MAX_REGIONS     128
#define MAX_MAPS        4096
#define MAX_WARNINGS    64

#define RSDP_AT         0xE0000
#define XSDT_AT         0x10000
#define RSDT_AT         0x20000
#define MADT_AT         0x30000
#define FADT_AT         0x40000
#define DSDT_AT         0x50000
#define HPET_AT         0x60000
#define OTHER_AT        0x70000
#define UNMAPPED_AT     0x90000

struct region {
	uint64_t phys;
	uint8_t *bytes;
	size_t size;
};

static struct {
	struct region regions[MAX_REGIONS];
	size_t region_count;
	void *maps[MAX_MAPS];
	size_t map_count;
	size_t largest_map;
	char warnings[MAX_WARNINGS][256];
	size_t warning_count;
} mem;

static struct acpi_info info;

static void reset(void)
{
	for (size_t i = 0; i < mem.region_count; i++)
		free(mem.regions[i].bytes);
	for (size_t i = 0; i < mem.map_count; i++)
		free(mem.maps[i]);
	memset(&mem, 0, sizeof(mem));
}

/* Puts a copy of @bytes at @phys, replacing what was placed there before. */
static void place(uint64_t phys, const void *bytes, size_t size)
{
	struct region *r = NULL;

	for (size_t i = 0; i < mem.region_count; i++) {
		if (mem.regions[i].phys == phys) {
			r = &mem.regions[i];
			free(r->bytes);
		}
	}
	if (!r) {
		for (size_t i = 0; i < mem.region_count; i++)
			if (phys < mem.regions[i].phys + mem.regions[i].size && mem.regions[i].phys < phys + size)
				abort();        /* overlapping regions would make the test lie */
		if (mem.region_count == MAX_REGIONS)
			abort();
		r = &mem.regions[mem.region_count++];
	}
	r->phys = phys;
	r->size = size;
	r->bytes = malloc(size);
	memcpy(r->bytes, bytes, size);
}

/* The bytes placed at @phys, for corrupting them in place. */
static uint8_t *at(uint64_t phys)
{
	for (size_t i = 0; i < mem.region_count; i++)
		if (mem.regions[i].phys == phys)
			return mem.regions[i].bytes;
	abort();
}

static const void *map_fake(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (len > mem.largest_map)
		mem.largest_map = len;
	for (size_t i = 0; i < mem.region_count; i++) {
		const struct region *r = &mem.regions[i];

		if (phys >= r->phys && len <= r->size && phys - r->phys <= r->size - len) {
			void *copy = malloc(len ? len : 1);

			if (mem.map_count == MAX_MAPS)
				abort();
			memcpy(copy, r->bytes + (phys - r->phys), len);
			mem.maps[mem.map_count++] = copy;
			return copy;
		}
	}
	return NULL;
}

static void collect_warning(void *ctx, const char *message)
{
	(void)ctx;
	if (getenv("ACPI_TEST_VERBOSE"))
		printf("    warning: %s\n", message);
	if (mem.warning_count < MAX_WARNINGS)
		snprintf(mem.warnings[mem.warning_count], sizeof(mem.warnings[0]), "%s", message);
	mem.warning_count++;
}

static bool warned(const char *needle)
{
	for (size_t i = 0; i < mem.warning_count && i < MAX_WARNINGS; i++)
		if (strstr(mem.warnings[i], needle))
			return true;
	return false;
}

static int parse(void)
{
	return acpi_parse(RSDP_AT, map_fake, NULL, collect_warning, NULL, &info);
}

/* A table under construction: header first, then whatever the test appends. */
struct table {
	uint8_t b[8192];
	size_t len;
};

static void put(struct table *t, size_t offset, uint64_t v, size_t size)
{
	for (size_t i = 0; i < size; i++)
		t->b[offset + i] = (uint8_t)(v >> (8 * i));
}

static void t8(struct table *t, uint8_t v)
{
	put(t, t->len, v, 1);
	t->len += 1;
}

static void t16(struct table *t, uint16_t v)
{
	put(t, t->len, v, 2);
	t->len += 2;
}

static void t32(struct table *t, uint32_t v)
{
	put(t, t->len, v, 4);
	t->len += 4;
}

static void t64(struct table *t, uint64_t v)
{
	put(t, t->len, v, 8);
	t->len += 8;
}

static void table_begin(struct table *t, const char *signature, uint8_t revision)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, signature, 4);
	t->b[8] = revision;
	memcpy(t->b + 10, "VENEER", 6);
	memcpy(t->b + 16, "UNITTEST", 8);
	t->len = 36;
}

static void fix_checksum(uint8_t *bytes, size_t len, size_t checksum_offset)
{
	bytes[checksum_offset] = 0;
	bytes[checksum_offset] = (uint8_t)(0x100 - acpi_checksum(bytes, len));
}

/* Writes the length and the checksum. */
static void table_end(struct table *t)
{
	put(t, 4, t->len, 4);
	fix_checksum(t->b, t->len, 9);
}

static void place_table(uint64_t phys, const struct table *t)
{
	place(phys, t->b, t->len);
}

/* An ACPI 1.0 RSDP (revision 0, 20 bytes) or a revision 2 one (36 bytes). */
static size_t make_rsdp(uint8_t *b, unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	struct table t;

	memset(&t, 0, sizeof(t));
	memcpy(t.b, "RSD PTR ", 8);
	memcpy(t.b + 9, "VENEER", 6);
	t.b[15] = (uint8_t)revision;
	put(&t, 16, rsdt, 4);
	fix_checksum(t.b, 20, 8);
	if (revision < 2) {
		memcpy(b, t.b, 20);
		return 20;
	}
	put(&t, 20, 36, 4);
	put(&t, 24, xsdt, 8);
	fix_checksum(t.b, 36, 32);
	memcpy(b, t.b, 36);
	return 36;
}

static void place_rsdp(unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t b[36];

	place(RSDP_AT, b, make_rsdp(b, revision, rsdt, xsdt));
}

static void place_root(uint64_t phys, bool xsdt, const uint64_t *tables, size_t n)
{
	struct table t;

	table_begin(&t, xsdt ? "XSDT" : "RSDT", 1);
	for (size_t i = 0; i < n; i++) {
		if (xsdt)
			t64(&t, tables[i]);
		else
			t32(&t, (uint32_t)tables[i]);
	}
	table_end(&t);
	place_table(phys, &t);
}

/* MADT entries (ACPI 6.5, section 5.2.12). */
static void madt_begin(struct table *t, uint8_t revision)
{
	table_begin(t, "APIC", revision);
	t32(t, 0xFEE00000);
	t32(t, 1);                      /* PCAT_COMPAT */
}

static void local_apic(struct table *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	t8(t, 0);
	t8(t, 8);
	t8(t, uid);
	t8(t, id);
	t32(t, flags);
}

static void ioapic(struct table *t, uint8_t id, uint32_t address, uint32_t gsi_base)
{
	t8(t, 1);
	t8(t, 12);
	t8(t, id);
	t8(t, 0);
	t32(t, address);
	t32(t, gsi_base);
}

static void source_override(struct table *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	t8(t, 2);
	t8(t, 10);
	t8(t, 0);
	t8(t, irq);
	t32(t, gsi);
	t16(t, flags);
}

static void nmi_source(struct table *t, uint16_t flags, uint32_t gsi)
{
	t8(t, 3);
	t8(t, 8);
	t16(t, flags);
	t32(t, gsi);
}

static void lapic_nmi(struct table *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
	t8(t, 4);
	t8(t, 6);
	t8(t, uid);
	t16(t, flags);
	t8(t, lint);
}

static void lapic_address_override(struct table *t, uint64_t address)
{
	t8(t, 5);
	t8(t, 12);
	t16(t, 0);
	t64(t, address);
}

static void x2apic(struct table *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	t8(t, 9);
	t8(t, 16);
	t16(t, 0);
	t32(t, id);
	t32(t, flags);
	t32(t, uid);
}

static void x2apic_nmi(struct table *t, uint16_t flags, uint32_t uid, uint8_t lint)
{
	t8(t, 10);
	t8(t, 12);
	t16(t, flags);
	t32(t, uid);
	t8(t, lint);
	t8(t, 0);
	t16(t, 0);
}

/* Two enabled xAPIC CPUs, one x2APIC CPU, one disabled, and the usual PC interrupt wiring. */
static void standard_madt(struct table *t)
{
	madt_begin(t, 5);
	local_apic(t, 0, 0, 1);
	local_apic(t, 1, 1, 1);
	x2apic(t, 0x100, 1, 2);
	local_apic(t, 3, 3, 0);
	ioapic(t, 2, 0xFEC00000, 0);
	source_override(t, 0, 2, 0);
	source_override(t, 9, 9, ACPI_INTI_POLARITY_HIGH | ACPI_INTI_TRIGGER_LEVEL);
	nmi_source(t, ACPI_INTI_POLARITY_LOW, 23);
	lapic_nmi(t, 0xFF, ACPI_INTI_TRIGGER_EDGE, 1);
	x2apic_nmi(t, 0, 2, 1);
	table_end(t);
}

static void gas(struct table *t, size_t offset, uint8_t space, uint8_t width, uint64_t address)
{
	put(t, offset, space, 1);
	put(t, offset + 1, width, 1);
	put(t, offset + 4, address, 8);
}

/* A FADT of @length bytes with the fields QEMU's q35 machine uses; X_ fields only where they fit. */
static void make_fadt(struct table *t, uint8_t revision, size_t length)
{
	table_begin(t, "FACP", revision);
	t->len = length;
	put(t, 40, DSDT_AT, 4);
	put(t, 46, 9, 2);                       /* SCI_INT */
	put(t, 56, 0x600, 4);                   /* PM1a_EVT_BLK */
	put(t, 64, 0x604, 4);                   /* PM1a_CNT_BLK */
	put(t, 88, 4, 1);                       /* PM1_EVT_LEN */
	put(t, 89, 2, 1);                       /* PM1_CNT_LEN */
	put(t, 109, 0x2, 2);                    /* IAPC_BOOT_ARCH: 8042 */
	put(t, 112, ACPI_FADT_RESET_REG_SUP, 4);
	if (length >= 129) {
		gas(t, 116, ACPI_GAS_SYSTEM_IO, 8, 0xCF9);
		put(t, 128, 0x6, 1);
	}
	if (length >= 196) {
		put(t, 140, DSDT_AT, 8);
		gas(t, 148, ACPI_GAS_SYSTEM_IO, 32, 0x600);
		gas(t, 172, ACPI_GAS_SYSTEM_IO, 16, 0x604);
	}
	table_end(t);
}

static void place_dsdt(void)
{
	struct table t;

	table_begin(&t, "DSDT", 2);
	t32(&t, 0x5F53355F);                    /* a few bytes of "AML" */
	table_end(&t);
	place_table(DSDT_AT, &t);
}

static void place_hpet(uint64_t phys)
{
	struct table t;

	table_begin(&t, "HPET", 1);
	t32(&t, 0x8086A201);
	table_end(&t);
	place_table(phys, &t);
}

static const uint64_t standard_tables[] = { FADT_AT, MADT_AT, HPET_AT };

/* The usual machine: revision 2 RSDP, XSDT and RSDT listing FADT, MADT and HPET; DSDT. */
static void standard_machine(void)
{
	struct table t;

	reset();
	standard_madt(&t);
	place_table(MADT_AT, &t);
	make_fadt(&t, 6, 276);
	place_table(FADT_AT, &t);
	place_dsdt();
	place_hpet(HPET_AT);
	place_root(XSDT_AT, true, standard_tables, 3);
	place_root(RSDT_AT, false, standard_tables, 3);
	place_rsdp(2, RSDT_AT, XSDT_AT);
}

/* Replaces the MADT of the standard machine. */
static void place_madt(struct table *t)
{
	table_end(t);
	place_table(MADT_AT, t);
}

TEST(acpi_checksum_is_the_byte_sum)
{
	const uint8_t zero[] = { 1, 2, 0xFD };
	const uint8_t one[] = { 0xFF, 2 };

	EXPECT_EQ(acpi_checksum(zero, sizeof(zero)), 0);
	EXPECT_EQ(acpi_checksum(one, sizeof(one)), 1);
	EXPECT_EQ(acpi_checksum(one, 0), 0);
}

TEST(acpi_rsdp_v1_checks_signature_and_checksum)
{
	uint8_t b[36];

	make_rsdp(b, 0, RSDT_AT, 0);
	EXPECT(acpi_rsdp_valid(b, 20));
	EXPECT(!acpi_rsdp_valid(b, 19));
	EXPECT(!acpi_rsdp_valid(NULL, 20));
	b[16] ^= 1;
	EXPECT(!acpi_rsdp_valid(b, 20));
	make_rsdp(b, 0, RSDT_AT, 0);
	b[0] = 'r';
	fix_checksum(b, 20, 8);
	EXPECT(!acpi_rsdp_valid(b, 20));
}

TEST(acpi_rsdp_v2_checks_length_and_extended_checksum)
{
	uint8_t b[40];

	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	EXPECT(acpi_rsdp_valid(b, 36));
	EXPECT(!acpi_rsdp_valid(b, 20));        /* revision 2 needs all 36 bytes */
	b[33] = 0x55;                           /* reserved: only the extended checksum covers it */
	EXPECT(acpi_checksum(b, 20) == 0);
	EXPECT(!acpi_rsdp_valid(b, 36));

	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	b[20] = 30;                             /* length below 36 */
	fix_checksum(b, 36, 32);
	EXPECT(!acpi_rsdp_valid(b, 36));

	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	b[20] = 40;                             /* longer than what can be read */
	b[36] = b[37] = b[38] = b[39] = 0;
	fix_checksum(b, 40, 32);
	EXPECT(!acpi_rsdp_valid(b, 36));
	EXPECT(acpi_rsdp_valid(b, 40));
}

TEST(acpi_sdt_checks_length_and_checksum)
{
	struct table t;

	table_begin(&t, "SSDT", 2);
	t32(&t, 0x12345678);
	table_end(&t);
	EXPECT(acpi_sdt_valid(t.b, t.len));
	EXPECT(!acpi_sdt_valid(t.b, t.len - 1));
	EXPECT(!acpi_sdt_valid(NULL, t.len));
	t.b[37] ^= 0x10;
	EXPECT(!acpi_sdt_valid(t.b, t.len));

	table_begin(&t, "SSDT", 2);
	t.len = 35;
	table_end(&t);
	EXPECT(!acpi_sdt_valid(t.b, 36));

	table_begin(&t, "SSDT", 2);
	table_end(&t);
	put(&t, 4, ACPI_MAX_TABLE_LENGTH + 1, 4);
	EXPECT(!acpi_sdt_valid(t.b, sizeof(t.b)));
}

TEST(acpi_v1_rsdp_uses_the_rsdt)
{
	standard_machine();
	place_rsdp(0, RSDT_AT, 0);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT_EQ(info.revision, 0);
	EXPECT_STREQ(info.oem_id, "VENEER");
	EXPECT_EQ(info.rsdp_address, RSDP_AT);
	EXPECT(!info.root_is_xsdt);
	EXPECT_EQ(info.root_address, RSDT_AT);
	EXPECT(info.have_madt);
	EXPECT(info.have_fadt);
}

TEST(acpi_madt_entries_are_decoded)
{
	const struct acpi_madt_info *m = &info.madt;

	standard_machine();
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT(info.have_madt);
	EXPECT_EQ(m->address, MADT_AT);
	EXPECT_EQ(m->revision, 5);
	EXPECT_EQ(m->lapic_address, 0xFEE00000);
	EXPECT(m->pcat_compat);
	EXPECT(!m->truncated);

	EXPECT_EQ(m->cpu_count, 4);
	EXPECT_EQ(m->processor_entries, 4);
	EXPECT_EQ(acpi_enabled_cpus(m), 3);
	EXPECT_EQ(m->cpus[0].apic_id, 0);
	EXPECT(m->cpus[0].enabled && !m->cpus[0].x2apic_entry);
	EXPECT_EQ(m->cpus[1].apic_id, 1);
	EXPECT_EQ(m->cpus[1].acpi_uid, 1);
	EXPECT_EQ(m->cpus[2].apic_id, 0x100);
	EXPECT_EQ(m->cpus[2].acpi_uid, 2);
	EXPECT(m->cpus[2].enabled && m->cpus[2].x2apic_entry);
	EXPECT_EQ(m->cpus[3].apic_id, 3);
	EXPECT(!m->cpus[3].enabled && !m->cpus[3].online_capable);

	EXPECT_EQ(m->ioapic_count, 1);
	EXPECT_EQ(m->ioapics[0].id, 2);
	EXPECT_EQ(m->ioapics[0].address, 0xFEC00000);
	EXPECT_EQ(m->ioapics[0].gsi_base, 0);

	EXPECT_EQ(m->override_count, 2);
	EXPECT_EQ(m->overrides[0].bus, 0);
	EXPECT_EQ(m->overrides[0].source_irq, 0);
	EXPECT_EQ(m->overrides[0].gsi, 2);
	EXPECT_EQ(m->overrides[0].flags, 0);
	EXPECT_EQ(m->overrides[1].source_irq, 9);
	EXPECT_EQ(m->overrides[1].flags & ACPI_INTI_TRIGGER_MASK, ACPI_INTI_TRIGGER_LEVEL);
	EXPECT_EQ(m->overrides[1].flags & ACPI_INTI_POLARITY_MASK, ACPI_INTI_POLARITY_HIGH);

	EXPECT_EQ(m->nmi_source_count, 1);
	EXPECT_EQ(m->nmi_sources[0].gsi, 23);
	EXPECT_EQ(m->nmi_sources[0].flags, ACPI_INTI_POLARITY_LOW);

	EXPECT_EQ(m->lapic_nmi_count, 2);
	EXPECT_EQ(m->lapic_nmis[0].acpi_uid, ACPI_UID_ALL);     /* 0xFF in the 8-bit form */
	EXPECT_EQ(m->lapic_nmis[0].lint, 1);
	EXPECT_EQ(m->lapic_nmis[0].flags, ACPI_INTI_TRIGGER_EDGE);
	EXPECT_EQ(m->lapic_nmis[1].acpi_uid, 2);
	EXPECT_EQ(m->lapic_nmis[1].lint, 1);
}

TEST(acpi_fadt_fields_are_decoded)
{
	const struct acpi_fadt_info *f = &info.fadt;

	standard_machine();
	EXPECT_EQ(parse(), 0);
	EXPECT(info.have_fadt);
	EXPECT_EQ(f->address, FADT_AT);
	EXPECT_EQ(f->length, 276);
	EXPECT_EQ(f->revision, 6);
	EXPECT_EQ(f->sci_irq, 9);
	EXPECT_EQ(f->iapc_boot_arch, 2);
	EXPECT_EQ(f->dsdt_address, DSDT_AT);
	EXPECT_EQ(f->pm1a_cnt_port, 0x604);
	EXPECT_EQ(f->pm1b_cnt_port, 0);
	EXPECT_EQ(f->pm1a_evt_port, 0x600);
	EXPECT_EQ(f->pm1_evt_len, 4);
	EXPECT_EQ(f->pm1_cnt_len, 2);
	EXPECT_EQ(f->pm1a_cnt.space_id, ACPI_GAS_SYSTEM_IO);
	EXPECT_EQ(f->pm1a_cnt.address, 0x604);
	EXPECT_EQ(f->pm1a_cnt.bit_width, 16);
	EXPECT_EQ(f->pm1b_cnt.address, 0);
	EXPECT_EQ(f->pm1a_evt.address, 0x600);
	EXPECT(f->have_reset_reg);
	EXPECT_EQ(f->reset_reg.space_id, ACPI_GAS_SYSTEM_IO);
	EXPECT_EQ(f->reset_reg.address, 0xCF9);
	EXPECT_EQ(f->reset_value, 6);
	EXPECT_EQ(f->sleep_control.address, 0);
}

TEST(acpi_fadt_v1_uses_the_port_fields)
{
	struct table t;
	const struct acpi_fadt_info *f = &info.fadt;

	standard_machine();
	make_fadt(&t, 1, 116);
	place_table(FADT_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT(info.have_fadt);
	EXPECT_EQ(f->dsdt_address, DSDT_AT);
	EXPECT_EQ(f->pm1a_cnt.space_id, ACPI_GAS_SYSTEM_IO);
	EXPECT_EQ(f->pm1a_cnt.address, 0x604);
	EXPECT_EQ(f->pm1a_cnt.bit_width, 16);
	EXPECT_EQ(f->pm1a_evt.bit_width, 32);
	EXPECT(!f->have_reset_reg);             /* RESET_REG_SUP, but no room for the register */
	EXPECT_EQ(f->reset_value, 0);
}

TEST(acpi_fadt_prefers_x_fields_and_reports_disagreement)
{
	struct table t;
	const struct acpi_fadt_info *f = &info.fadt;

	standard_machine();
	make_fadt(&t, 6, 276);
	gas(&t, 172, ACPI_GAS_SYSTEM_IO, 16, 0x1004);   /* X_PM1a_CNT_BLK != PM1a_CNT_BLK */
	put(&t, 140, 0x123456789ULL, 8);                /* X_DSDT beats DSDT */
	table_end(&t);
	place_table(FADT_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(f->pm1a_cnt.address, 0x1004);
	EXPECT_EQ(f->pm1a_cnt_port, 0x604);
	EXPECT(warned("FADT at 0x40000: X_PM1a_CNT_BLK"));
	EXPECT(warned("disagree"));
	EXPECT_EQ(f->dsdt_address, 0x123456789ULL);
	EXPECT(warned("DSDT at 0x123456789: cannot be read"));
}

TEST(acpi_fadt_hardware_reduced_sleep_registers)
{
	struct table t;
	const struct acpi_fadt_info *f = &info.fadt;

	standard_machine();
	make_fadt(&t, 6, 276);
	memset(t.b + 56, 0, 16);                        /* no PM1 blocks */
	memset(t.b + 148, 0, 48);
	put(&t, 112, ACPI_FADT_HW_REDUCED_ACPI, 4);
	gas(&t, 244, ACPI_GAS_SYSTEM_MEMORY, 8, 0xFED80000);
	gas(&t, 256, ACPI_GAS_SYSTEM_MEMORY, 8, 0xFED80001);
	table_end(&t);
	place_table(FADT_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT(f->flags & ACPI_FADT_HW_REDUCED_ACPI);
	EXPECT_EQ(f->pm1a_cnt.address, 0);
	EXPECT(!f->have_reset_reg);
	EXPECT_EQ(f->sleep_control.space_id, ACPI_GAS_SYSTEM_MEMORY);
	EXPECT_EQ(f->sleep_control.address, 0xFED80000);
	EXPECT_EQ(f->sleep_status.address, 0xFED80001);
}

TEST(acpi_fadt_shorter_than_acpi_1_is_read_as_far_as_it_goes)
{
	struct table t;

	standard_machine();
	make_fadt(&t, 1, 80);
	place_table(FADT_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT(info.have_fadt);
	EXPECT(warned("FADT at 0x40000: 80 bytes, shorter than"));
	EXPECT_EQ(info.fadt.pm1a_cnt_port, 0x604);
	EXPECT_EQ(info.fadt.pm1_cnt_len, 0);            /* offset 89: not in the table */
	EXPECT_EQ(info.fadt.flags, 0);
}

TEST(acpi_xsdt_is_preferred)
{
	struct table t;
	const uint64_t rsdt_tables[] = { FADT_AT, OTHER_AT };

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 7, 1);
	table_end(&t);
	place_table(OTHER_AT, &t);              /* the RSDT's MADT: one CPU */
	place_root(RSDT_AT, false, rsdt_tables, 2);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT(info.root_is_xsdt);
	EXPECT_EQ(info.root_address, XSDT_AT);
	EXPECT_EQ(info.revision, 2);
	EXPECT_EQ(info.madt.address, MADT_AT);
	EXPECT_EQ(info.madt.cpu_count, 4);
}

TEST(acpi_broken_xsdt_falls_back_to_the_rsdt)
{
	standard_machine();
	place_root(XSDT_AT, true, standard_tables, 3);
	at(XSDT_AT)[40] ^= 0x01;                /* corrupt an entry */
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("XSDT at 0x10000: checksum mismatch"));
	EXPECT(warned("using the RSDT at 0x20000 instead"));
	EXPECT(!info.root_is_xsdt);
	EXPECT_EQ(info.root_address, RSDT_AT);
	EXPECT(info.have_madt && info.have_fadt);
	EXPECT_STREQ(info.tables[0].signature, "XSDT");
	EXPECT(!info.tables[0].valid);
	EXPECT_STREQ(info.tables[1].signature, "RSDT");
	EXPECT(info.tables[1].valid);

	/* The XSDT pointer leads to a table of another kind. */
	standard_machine();
	place_hpet(XSDT_AT);
	mem.warning_count = 0;
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("XSDT at 0x10000: signature is \"HPET\", not \"XSDT\""));
	EXPECT(info.have_madt);

	/* The XSDT pointer leads nowhere. */
	standard_machine();
	place_rsdp(2, RSDT_AT, UNMAPPED_AT);
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("XSDT at 0x90000: cannot be read, using the RSDT"));
	EXPECT(info.have_madt);
}

TEST(acpi_revision_2_without_xsdt_uses_the_rsdt)
{
	standard_machine();
	place_rsdp(2, RSDT_AT, 0);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT(!info.root_is_xsdt);
	EXPECT(info.have_madt);
}

TEST(acpi_bad_rsdp_is_refused)
{
	uint8_t b[36];

	standard_machine();
	make_rsdp(b, 0, RSDT_AT, 0);
	b[16] ^= 0x40;
	place(RSDP_AT, b, 20);
	EXPECT_EQ(parse(), ACPI_ERR_RSDP);
	EXPECT(warned("RSDP at 0xe0000: checksum mismatch"));
	EXPECT(!info.have_madt);
	EXPECT(!info.have_fadt);

	standard_machine();
	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	b[28] ^= 0x01;                          /* XSDT address: only the extended checksum covers it */
	place(RSDP_AT, b, 36);
	EXPECT_EQ(parse(), ACPI_ERR_RSDP);
	EXPECT(warned("RSDP at 0xe0000: extended checksum mismatch"));
	EXPECT(!info.have_madt);

	standard_machine();
	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	place(RSDP_AT, b, 20);                  /* revision 2, but only 20 bytes readable */
	EXPECT_EQ(parse(), ACPI_ERR_RSDP);
	EXPECT(warned("revision 2 but only 20 bytes can be read"));

	standard_machine();
	EXPECT_EQ(acpi_parse(UNMAPPED_AT, map_fake, NULL, collect_warning, NULL, &info), ACPI_ERR_RSDP);
	EXPECT(warned("RSDP at 0x90000: cannot be read"));
}

TEST(acpi_no_usable_root_table_is_an_error)
{
	standard_machine();
	place_rsdp(0, UNMAPPED_AT, 0);
	EXPECT_EQ(parse(), ACPI_ERR_ROOT);
	EXPECT(warned("RSDT at 0x90000: cannot be read, no usable root table"));
	EXPECT(!info.have_madt);

	standard_machine();
	at(RSDT_AT)[36] ^= 1;
	at(XSDT_AT)[36] ^= 1;
	EXPECT_EQ(parse(), ACPI_ERR_ROOT);
	EXPECT(warned("XSDT at 0x10000: checksum mismatch"));
	EXPECT(warned("RSDT at 0x20000: checksum mismatch"));

	standard_machine();
	place_rsdp(0, 0, 0);
	EXPECT_EQ(parse(), ACPI_ERR_ROOT);
	EXPECT(warned("gives no root table address"));
}

TEST(acpi_madt_with_bad_checksum_is_skipped)
{
	standard_machine();
	at(MADT_AT)[50] ^= 0x20;
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("MADT at 0x30000: checksum mismatch (sum 0x20), table skipped"));
	EXPECT(!info.have_madt);
	EXPECT(info.have_fadt);                         /* the rest still counts */
	EXPECT_STREQ(info.tables[2].signature, "APIC");
	EXPECT(!info.tables[2].valid);
}

TEST(acpi_truncated_madt_is_skipped)
{
	struct table t;

	standard_machine();
	standard_madt(&t);
	place(MADT_AT, t.b, 60);                        /* says t.len bytes, 60 are there */
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("MADT at 0x30000: length"));
	EXPECT(warned("but only 36 bytes can be read, table skipped"));
	EXPECT(!info.have_madt);
	EXPECT(info.have_fadt);
}

TEST(acpi_madt_entry_shorter_than_two_stops_the_walk)
{
	for (uint8_t len = 0; len < 2; len++) {
		struct table t;

		standard_machine();
		madt_begin(&t, 5);
		local_apic(&t, 0, 0, 1);
		t8(&t, 0);
		t8(&t, len);
		t16(&t, 0);
		t32(&t, 0);
		local_apic(&t, 1, 1, 1);
		place_madt(&t);
		EXPECT_EQ(parse(), 0);
		EXPECT(info.have_madt);
		EXPECT_EQ(info.madt.cpu_count, 1);      /* what came before is kept */
		EXPECT(info.madt.truncated);
		EXPECT(warned(len ? "offset 0x34 has length 1" : "offset 0x34 has length 0"));
	}
}

TEST(acpi_madt_entry_running_past_the_end_stops_the_walk)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);
	local_apic(&t, 1, 1, 1);
	t.b[t.len - 7] = 20;                    /* the last entry claims 20 bytes of the 8 left */
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 1);
	EXPECT(info.madt.truncated);
	EXPECT(warned("entry type 0 at offset 0x34 (length 20) runs past the end of the table at 0x3c"));

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);
	t8(&t, 0);                              /* one stray byte */
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 1);
	EXPECT(warned("stray byte at offset 0x34"));
}

TEST(acpi_madt_short_known_entry_is_skipped_and_unknown_types_ignored)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	t8(&t, 1);                              /* an I/O APIC entry of 4 bytes */
	t8(&t, 4);
	t16(&t, 0);
	t8(&t, 0x7F);                           /* an unknown type */
	t8(&t, 3);
	t8(&t, 0xEE);
	t8(&t, 11);                             /* GIC CPU interface: not x86, skipped */
	t8(&t, 2);
	local_apic(&t, 0, 0, 1);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 1);
	EXPECT(warned("entry type 1 at offset 0x2c has length 4, needs 12; skipped"));
	EXPECT_EQ(info.madt.ioapic_count, 0);
	EXPECT_EQ(info.madt.cpu_count, 1);
}

TEST(acpi_madt_duplicate_apic_id_is_skipped)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);
	local_apic(&t, 1, 1, 1);
	local_apic(&t, 2, 1, 1);
	x2apic(&t, 1, 1, 3);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 2);
	EXPECT_EQ(info.madt.cpus[1].acpi_uid, 1);       /* the first one wins */
	EXPECT(warned("processor entry at offset 0x3c repeats APIC ID 1 (UID 2), skipped"));
	EXPECT(warned("processor entry at offset 0x44 repeats APIC ID 1 (UID 3), skipped"));
}

TEST(acpi_madt_disabled_and_online_capable_cpus)
{
	struct table t;
	const struct acpi_cpu *c = info.madt.cpus;

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);                /* enabled */
	local_apic(&t, 1, 1, 0);                /* unusable */
	local_apic(&t, 2, 2, 2);                /* can be brought online */
	local_apic(&t, 3, 3, 3);                /* enabled; bit 1 reserved */
	x2apic(&t, 0x200, 2, 4);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 5);
	EXPECT_EQ(acpi_enabled_cpus(&info.madt), 2);
	EXPECT(c[0].enabled && !c[0].online_capable);
	EXPECT(!c[1].enabled && !c[1].online_capable);
	EXPECT(!c[2].enabled && c[2].online_capable);
	EXPECT(c[3].enabled && !c[3].online_capable);
	EXPECT(!c[4].enabled && c[4].online_capable);

	/* Before MADT revision 5 the bit was reserved. */
	standard_machine();
	madt_begin(&t, 4);
	local_apic(&t, 2, 2, 2);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT(!c[0].enabled && !c[0].online_capable);
}

TEST(acpi_madt_broadcast_apic_id_is_skipped)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);
	local_apic(&t, 1, 0xFF, 0);             /* placeholder: silently skipped */
	local_apic(&t, 2, 0xFF, 0);
	local_apic(&t, 3, 0xFF, 1);             /* claims to be usable */
	x2apic(&t, 0xFFFFFFFF, 1, 4);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 1);
	EXPECT_EQ(mem.warning_count, 2);
	EXPECT(warned("offset 0x44 has the broadcast APIC ID 0xff, skipped"));
	EXPECT(warned("offset 0x4c has the broadcast APIC ID 0xffffffff, skipped"));
}

TEST(acpi_madt_too_many_cpus_keeps_the_first)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	for (uint32_t i = 0; i < 300; i++)
		x2apic(&t, i, 1, i);
	ioapic(&t, 0, 0xFEC00000, 0);           /* entries after the CPUs still count */
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, ACPI_MAX_CPUS);
	EXPECT_EQ(info.madt.processor_entries, 300);
	EXPECT_EQ(info.madt.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	EXPECT(info.madt.truncated);
	EXPECT_EQ(info.madt.ioapic_count, 1);
	EXPECT_EQ(mem.warning_count, 1);
	EXPECT(warned("MADT at 0x30000: 300 processors listed, veneer supports 256"));
}

TEST(acpi_madt_full_lists_are_reported_once)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	for (uint8_t i = 0; i < ACPI_MAX_IOAPICS + 3; i++)
		ioapic(&t, i, 0xFEC00000 + i * 0x1000u, i * 24u);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.ioapic_count, ACPI_MAX_IOAPICS);
	EXPECT(info.madt.truncated);
	EXPECT_EQ(mem.warning_count, 1);
	EXPECT(warned("more than 16 I/O APIC entries"));
}

TEST(acpi_madt_warnings_are_capped)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	for (int i = 0; i < 41; i++)
		local_apic(&t, (uint8_t)i, 5, 1);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.cpu_count, 1);
	EXPECT_EQ(mem.warning_count, 17);
	EXPECT(warned("MADT at 0x30000: 24 more problems with entries not shown"));
}

TEST(acpi_madt_local_apic_address_override)
{
	struct table t;

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 0, 1);
	lapic_address_override(&t, 0x100000000ULL);
	lapic_address_override(&t, 0x200000000ULL);
	place_madt(&t);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.madt.lapic_address, 0x100000000ULL);
	EXPECT(warned("another local APIC address override at offset 0x40, ignored"));
}

TEST(acpi_table_with_absurd_length_is_skipped)
{
	struct table t;

	standard_machine();
	table_begin(&t, "SSDT", 2);
	table_end(&t);
	put(&t, 4, 0xFFFFFF00, 4);
	place_table(HPET_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("SSDT at 0x60000: implausible length 0xffffff00, table skipped"));
	EXPECT(mem.largest_map <= ACPI_MAX_TABLE_LENGTH);
	EXPECT(info.have_madt && info.have_fadt);

	/* A length below the header's own. */
	standard_machine();
	table_begin(&t, "SSDT", 2);
	table_end(&t);
	put(&t, 4, 12, 4);
	place_table(HPET_AT, &t);
	mem.warning_count = 0;
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("SSDT at 0x60000: length 12 is shorter than the header, table skipped"));
}

TEST(acpi_root_entries_pointing_nowhere_are_skipped)
{
	const uint64_t tables[] = { UNMAPPED_AT, 0, MADT_AT, FADT_AT };

	standard_machine();
	place_root(XSDT_AT, true, tables, 4);
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("table at 0x90000: cannot be read, table skipped"));
	EXPECT(warned("XSDT at 0x10000: entry 1 is zero, skipped"));
	EXPECT(info.have_madt && info.have_fadt);
	EXPECT_STREQ(info.tables[1].signature, "????");
	EXPECT(!info.tables[1].valid);
}

TEST(acpi_xsdt_stray_bytes_are_reported)
{
	struct table t;

	standard_machine();
	table_begin(&t, "XSDT", 1);
	t64(&t, MADT_AT);
	t32(&t, FADT_AT);                       /* half an entry */
	table_end(&t);
	place_table(XSDT_AT, &t);
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("XSDT at 0x10000: 4 stray bytes after the last entry, ignored"));
	EXPECT(info.have_madt);
	EXPECT(!info.have_fadt);
}

TEST(acpi_second_madt_is_ignored)
{
	struct table t;
	const uint64_t tables[] = { MADT_AT, OTHER_AT, FADT_AT };

	standard_machine();
	madt_begin(&t, 5);
	local_apic(&t, 0, 9, 1);
	table_end(&t);
	place_table(OTHER_AT, &t);
	place_root(XSDT_AT, true, tables, 3);
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("MADT at 0x70000: a second MADT (the first is at 0x30000), ignored"));
	EXPECT_EQ(info.madt.cpu_count, 4);
}

TEST(acpi_table_list_names_every_table)
{
	standard_machine();
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.table_count, 5);
	EXPECT_STREQ(info.tables[0].signature, "XSDT");
	EXPECT_EQ(info.tables[0].address, XSDT_AT);
	EXPECT_EQ(info.tables[0].length, 36 + 3 * 8);
	EXPECT_STREQ(info.tables[1].signature, "FACP");
	EXPECT_EQ(info.tables[1].length, 276);
	EXPECT_STREQ(info.tables[2].signature, "APIC");
	EXPECT_STREQ(info.tables[3].signature, "HPET");
	EXPECT_STREQ(info.tables[4].signature, "DSDT");
	EXPECT_EQ(info.tables[4].address, DSDT_AT);
	for (size_t i = 0; i < info.table_count; i++)
		EXPECT(info.tables[i].valid);

	/* A broken DSDT is reported by name. */
	standard_machine();
	at(DSDT_AT)[36] ^= 1;
	EXPECT_EQ(parse(), 0);
	EXPECT(warned("DSDT at 0x50000: checksum mismatch"));
	EXPECT(!info.tables[4].valid);
}

TEST(acpi_table_list_overflow_still_parses_everything)
{
	uint64_t tables[ACPI_MAX_TABLES + 8];
	size_t n = 0;

	standard_machine();
	for (; n < ACPI_MAX_TABLES + 6; n++) {
		tables[n] = 0x100000 + n * 0x10000;
		place_hpet(tables[n]);
	}
	tables[n++] = FADT_AT;
	tables[n++] = MADT_AT;
	place_root(XSDT_AT, true, tables, n);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(mem.warning_count, 0);
	EXPECT_EQ(info.table_count, ACPI_MAX_TABLES);
	EXPECT(info.tables_truncated);
	EXPECT(info.have_madt && info.have_fadt);
}

TEST(acpi_firmware_strings_are_made_printable)
{
	uint8_t b[36];

	standard_machine();
	make_rsdp(b, 2, RSDT_AT, XSDT_AT);
	memcpy(b + 9, "A\x01" "B   ", 6);
	fix_checksum(b, 20, 8);
	fix_checksum(b, 36, 32);
	place(RSDP_AT, b, 36);
	at(HPET_AT)[1] = '\n';                  /* in the signature */
	fix_checksum(at(HPET_AT), 40, 9);
	EXPECT_EQ(parse(), 0);
	EXPECT_STREQ(info.oem_id, "A?B");
	EXPECT_STREQ(info.tables[3].signature, "H?ET");
}
