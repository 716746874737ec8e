/*
 * acpi_parse() over arbitrary firmware memory.  The input is the whole of
 * "physical memory" from address 0, with the RSDP at address 0, so a table
 * address is just an offset into the input.  The map callback returns a
 * fresh heap copy of exactly the bytes asked for, or NULL for anything
 * not wholly inside the input: AddressSanitizer then catches any read past
 * a range the parser mapped.
 *
 * Checksums would stop almost every mutated input at the first table, so
 * when the input's first byte is odd the callback repairs them the moment
 * the parser maps a whole table (SDT checksum, byte 9) or the RSDP
 * (bytes 8 and 32); even inputs keep their checksums as they are, so the
 * rejection paths are fuzzed too.
 *
 * Invariants: a table recorded as valid lies inside memory with a
 * plausible length; the MADT lists no broadcast and no repeated APIC ID
 * and stays within its limits; every warning and every name copied from
 * the firmware is printable text, so tables cannot drive the consoles.
 */
// fuzz-source: kernel/acpi.c
// fuzz-source: kernel/acpi_s5.c
// fuzz-source: kernel/format.c
#include "fuzz.h"
#include "kernel/acpi.h"
#include "kernel/acpi_s5.h"

#define MAX_MAPS        8192

struct memory {
	uint8_t *bytes;
	size_t size;
	bool repair_checksums;
	void *maps[MAX_MAPS];
	size_t map_count;
	size_t warnings;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_checksum(uint8_t *bytes, size_t len, size_t at)
{
	bytes[at] = 0;
	bytes[at] = (uint8_t)(0 - acpi_checksum(bytes, len));
}

static const void *map(void *ctx, uint64_t phys, size_t len)
{
	struct memory *m = ctx;
	void *copy;

	FUZZ_CHECK(len > 0 && len <= ACPI_MAX_TABLE_LENGTH);
	if (phys >= m->size || len > m->size - phys || m->map_count == MAX_MAPS)
		return NULL;
	if (m->repair_checksums) {
		uint8_t *b = m->bytes + phys;

		if (phys == 0 && len == ACPI_RSDP_V1_LENGTH)
			fix_checksum(b, len, 8);
		else if (phys == 0 && len >= ACPI_RSDP_V2_LENGTH && len == rd32(b + 20))
			fix_checksum(b, len, 32);
		else if (len >= ACPI_SDT_HEADER_LENGTH && len == rd32(b + 4))
			fix_checksum(b, len, 9);
	}
	copy = malloc(len);
	memcpy(copy, m->bytes + phys, len);
	m->maps[m->map_count++] = copy;
	return copy;
}

static bool printable(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return false;
	return true;
}

static void warn(void *ctx, const char *message)
{
	struct memory *m = ctx;

	m->warnings++;
	FUZZ_CHECK(message[0] != '\0');
	FUZZ_CHECK(printable(message, 192));
}

static void check_madt(const struct acpi_madt_info *madt)
{
	FUZZ_CHECK(madt->cpu_count <= ACPI_MAX_CPUS && madt->cpu_count <= madt->processor_entries);
	FUZZ_CHECK(madt->ioapic_count <= ACPI_MAX_IOAPICS);
	FUZZ_CHECK(madt->override_count <= ACPI_MAX_OVERRIDES);
	FUZZ_CHECK(madt->nmi_source_count <= ACPI_MAX_NMI_SOURCES);
	FUZZ_CHECK(madt->lapic_nmi_count <= ACPI_MAX_LAPIC_NMIS);
	FUZZ_CHECK(madt->length >= 44);
	for (size_t i = 0; i < madt->cpu_count; i++) {
		const struct acpi_cpu *c = &madt->cpus[i];

		FUZZ_CHECK(c->apic_id != (c->x2apic_entry ? 0xFFFFFFFFu : 0xFFu));
		FUZZ_CHECK(c->x2apic_entry || c->apic_id <= 0xFF);
		FUZZ_CHECK(!(c->enabled && c->online_capable));
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(madt->cpus[j].apic_id != c->apic_id);
	}
	FUZZ_CHECK(acpi_enabled_cpus(madt) <= madt->cpu_count);
}

static void check_info(const struct memory *m, const struct acpi_info *info, int result)
{
	FUZZ_CHECK(printable(info->oem_id, sizeof(info->oem_id)));
	FUZZ_CHECK(info->table_count <= ACPI_MAX_TABLES);
	for (size_t i = 0; i < info->table_count; i++) {
		const struct acpi_table_ref *t = &info->tables[i];

		FUZZ_CHECK(printable(t->signature, sizeof(t->signature)) && strlen(t->signature) == 4);
		if (t->valid)
			FUZZ_CHECK(t->length >= ACPI_SDT_HEADER_LENGTH && t->length <= ACPI_MAX_TABLE_LENGTH &&
				   t->address < m->size && t->length <= m->size - t->address);
	}
	if (result != 0) {
		FUZZ_CHECK(result == ACPI_ERR_RSDP || result == ACPI_ERR_ROOT);
		FUZZ_CHECK(!info->have_madt && !info->have_fadt);
		return;
	}
	/*
	 * The root table is recorded, valid, at root_address.  It need not be
	 * the first record: a broken XSDT is recorded first, and then the
	 * RSDT serves (load_root).
	 */
	bool root_recorded = false;
	for (size_t i = 0; i < info->table_count; i++)
		if (info->tables[i].valid && info->tables[i].address == info->root_address)
			root_recorded = true;
	FUZZ_CHECK(info->table_count >= 1 && root_recorded);
	FUZZ_CHECK(info->tables[0].valid || (!info->root_is_xsdt && info->table_count >= 2));
	if (info->have_madt)
		check_madt(&info->madt);
	if (info->have_fadt) {
		const struct acpi_fadt_info *f = &info->fadt;

		FUZZ_CHECK(f->length >= ACPI_SDT_HEADER_LENGTH);
		FUZZ_CHECK(!f->have_reset_reg || (f->reset_reg.address && f->length > 128));
	}
}

/* What vmx/guest/power.c does with the result: look for \_S5 in a valid DSDT. */
static void find_s5(const struct memory *m, const struct acpi_info *info)
{
	uint8_t slp_typ;

	if (!info->have_fadt)
		return;
	for (size_t i = 0; i < info->table_count; i++) {
		const struct acpi_table_ref *t = &info->tables[i];

		if (t->address == info->fadt.dsdt_address && t->valid && t->length > 36) {
			uint8_t *aml = malloc(t->length - 36);

			memcpy(aml, m->bytes + t->address + 36, t->length - 36);
			(void)acpi_find_s5_sleep_type(aml, t->length - 36, &slp_typ);
			free(aml);
			return;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memory m;
	static struct acpi_info info;
	int result;

	if (size < 1)
		return 0;
	memset(&m, 0, sizeof(m));
	m.repair_checksums = data[0] & 1;
	m.size = size - 1;
	m.bytes = malloc(m.size ? m.size : 1);
	memcpy(m.bytes, data + 1, m.size);

	result = acpi_parse(0, map, &m, warn, &m, &info);
	check_info(&m, &info, result);
	find_s5(&m, &info);

	/*
	 * The exported check agrees with the parser on the RSDP it started
	 * from (unless a repaired checksum of a table overlapping the RSDP
	 * changed it after it was read).
	 */
	if (result != ACPI_ERR_RSDP && !m.repair_checksums)
		FUZZ_CHECK(acpi_rsdp_valid(m.bytes, m.size));
	(void)acpi_sdt_valid(m.bytes, m.size);

	for (size_t i = 0; i < m.map_count; i++)
		free(m.maps[i]);
	free(m.bytes);
	return 0;
}
