/*
 * ACPI table parser (ACPI 6.5, section 5.2): the RSDP, the root table,
 * the MADT and the FADT.
 *
 * Every table is reached in the same steps: map its 36-byte header, read
 * the length it claims and check that it is plausible, map that many bytes
 * and check the checksum.  Only then is anything else read, and each field
 * and MADT entry is checked against that length before it is touched.
 * Fields are assembled byte by byte because tables promise no alignment
 * (the XSDT's 64-bit entries start at offset 36), so no read depends on
 * what the compiler may assume about a pointer.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/format.h"
#include "kernel/string.h"

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))

/* RSDP (section 5.2.5.3). */
#define RSDP_SIGNATURE          0
#define RSDP_OEM_ID             9
#define RSDP_REVISION           15
#define RSDP_RSDT_ADDRESS       16
#define RSDP_LENGTH             20      /* revision 2 and later */
#define RSDP_XSDT_ADDRESS       24
#define RSDP_MAX_LENGTH         256     /* 36 so far; room for later revisions, not for garbage */

/* System description table header (section 5.2.6). */
#define SDT_LENGTH              4
#define SDT_REVISION            8

/* MADT (section 5.2.12): the local APIC address and flags, then the entries. */
#define MADT_LAPIC_ADDRESS      36
#define MADT_FLAGS              40
#define MADT_ENTRIES            44
#define MADT_PCAT_COMPAT        (1u << 0)

/* MADT entry types ("Interrupt Controller Structure Types"). */
#define MADT_LOCAL_APIC         0
#define MADT_IOAPIC             1
#define MADT_OVERRIDE           2
#define MADT_NMI_SOURCE         3
#define MADT_LAPIC_NMI          4
#define MADT_LAPIC_ADDRESS_OVERRIDE 5
#define MADT_LOCAL_X2APIC       9
#define MADT_X2APIC_NMI         10

/* The fixed sizes of the entries decoded here; later revisions may append fields, never shrink. */
static const uint8_t madt_entry_length[] = {
	[MADT_LOCAL_APIC]             = 8,      /* section 5.2.12.2 */
	[MADT_IOAPIC]                 = 12,     /* section 5.2.12.3 */
	[MADT_OVERRIDE]               = 10,     /* section 5.2.12.5 */
	[MADT_NMI_SOURCE]             = 8,      /* section 5.2.12.6 */
	[MADT_LAPIC_NMI]              = 6,      /* section 5.2.12.7 */
	[MADT_LAPIC_ADDRESS_OVERRIDE] = 12,     /* section 5.2.12.8 */
	[MADT_LOCAL_X2APIC]           = 16,     /* section 5.2.12.12 */
	[MADT_X2APIC_NMI]             = 12,     /* section 5.2.12.13 */
};

/* Local APIC flags, shared by the type 0 and type 9 entries (section 5.2.12.2). */
#define LAPIC_ENABLED           (1u << 0)
#define LAPIC_ONLINE_CAPABLE    (1u << 1)
#define MADT_REVISION_ONLINE_CAPABLE 5  /* ACPI 6.3: before it, bit 1 was reserved */

/* A long list of broken entries says the same thing many times; report this many per MADT. */
#define MADT_MAX_WARNINGS       16

/* FADT (section 5.2.9): byte offsets of the fields veneer reads. */
#define FADT_DSDT               40
#define FADT_SCI_INT            46
#define FADT_PM1A_EVT_BLK       56
#define FADT_PM1B_EVT_BLK       60
#define FADT_PM1A_CNT_BLK       64
#define FADT_PM1B_CNT_BLK       68
#define FADT_PM1_EVT_LEN        88
#define FADT_PM1_CNT_LEN        89
#define FADT_IAPC_BOOT_ARCH     109
#define FADT_FLAGS              112
#define FADT_RESET_REG          116
#define FADT_RESET_VALUE        128
#define FADT_X_DSDT             140
#define FADT_X_PM1A_EVT_BLK     148
#define FADT_X_PM1B_EVT_BLK     160
#define FADT_X_PM1A_CNT_BLK     172
#define FADT_X_PM1B_CNT_BLK     184
#define FADT_SLEEP_CONTROL_REG  244
#define FADT_SLEEP_STATUS_REG   256
#define FADT_V1_LENGTH          116     /* ACPI 1.0's FADT ends with the flags */
#define GAS_LENGTH              12

#define MESSAGE_MAX             192

struct parser {
	acpi_map_fn map;
	void *map_ctx;
	acpi_warn_fn warn;
	void *warn_ctx;
	struct acpi_info *out;
};

/* A table that passed load_table(). */
struct table {
	const uint8_t *bytes;   /* all of its length bytes */
	uint32_t length;
	uint64_t address;
	char signature[5];
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void __attribute__((format(printf, 2, 3))) report(const struct parser *p, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	if (!p->warn)
		return;
	va_start(ap, fmt);
	format_v(message, sizeof(message), fmt, ap);
	va_end(ap);
	p->warn(p->warn_ctx, message);
}

static const uint8_t *map(const struct parser *p, uint64_t phys, size_t len)
{
	return p->map(p->map_ctx, phys, len);
}

/* Firmware strings go into the log: nothing in them may be a control character. */
static char printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7F ? (char)c : '?';
}

static void copy_signature(char dst[5], const uint8_t *src)
{
	for (int i = 0; i < 4; i++)
		dst[i] = printable(src[i]);
	dst[4] = '\0';
}

/* The OEM ID is padded with spaces, by some firmware with NULs. */
static void copy_oem_id(char dst[7], const uint8_t *src)
{
	size_t n = 0;

	while (n < 6 && src[n]) {
		dst[n] = printable(src[n]);
		n++;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

/* The names the specification's prose uses: the MADT's signature is "APIC", the FADT's "FACP". */
static const char *table_name(const char *signature)
{
	if (strcmp(signature, "APIC") == 0)
		return "MADT";
	if (strcmp(signature, "FACP") == 0)
		return "FADT";
	return signature;
}

uint8_t acpi_checksum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return sum;
}

/* Why the RSDP is unusable, into @why; false when it is fine. */
static bool rsdp_problem(const uint8_t *r, size_t available, char *why, size_t size)
{
	uint32_t length;
	uint8_t sum;

	if (available < ACPI_RSDP_V1_LENGTH) {
		format(why, size, "only %zu bytes can be read", available);
		return true;
	}
	if (memcmp(r + RSDP_SIGNATURE, "RSD PTR ", 8) != 0) {
		format(why, size, "no \"RSD PTR \" signature");
		return true;
	}
	sum = acpi_checksum(r, ACPI_RSDP_V1_LENGTH);
	if (sum) {
		format(why, size, "checksum mismatch (sum %#x)", sum);
		return true;
	}
	if (r[RSDP_REVISION] < 2)
		return false;

	/* From revision 2 the structure is longer, says how long, and has a checksum of its own over all of it. */
	if (available < ACPI_RSDP_V2_LENGTH) {
		format(why, size, "revision %u but only %zu bytes can be read", r[RSDP_REVISION], available);
		return true;
	}
	length = rd32(r + RSDP_LENGTH);
	if (length < ACPI_RSDP_V2_LENGTH) {
		format(why, size, "revision %u but length %u, below %u", r[RSDP_REVISION], length,
		       ACPI_RSDP_V2_LENGTH);
		return true;
	}
	if (length > available) {
		format(why, size, "length %u but only %zu bytes can be read", length, available);
		return true;
	}
	sum = acpi_checksum(r, length);
	if (sum) {
		format(why, size, "extended checksum mismatch (sum %#x)", sum);
		return true;
	}
	return false;
}

bool acpi_rsdp_valid(const void *rsdp, size_t available)
{
	char why[80];

	return rsdp && !rsdp_problem(rsdp, available, why, sizeof(why));
}

/* Why the table is unusable, into @why; false when it is fine. */
static bool sdt_problem(const uint8_t *t, size_t available, char *why, size_t size)
{
	uint32_t length;
	uint8_t sum;

	if (available < ACPI_SDT_HEADER_LENGTH) {
		format(why, size, "only %zu bytes can be read", available);
		return true;
	}
	length = rd32(t + SDT_LENGTH);
	if (length < ACPI_SDT_HEADER_LENGTH) {
		format(why, size, "length %u is shorter than the header", length);
		return true;
	}
	if (length > ACPI_MAX_TABLE_LENGTH) {
		format(why, size, "implausible length %#x", length);
		return true;
	}
	if (length > available) {
		format(why, size, "length %u but only %zu bytes can be read", length, available);
		return true;
	}
	sum = acpi_checksum(t, length);
	if (sum) {
		format(why, size, "checksum mismatch (sum %#x)", sum);
		return true;
	}
	return false;
}

bool acpi_sdt_valid(const void *table, size_t available)
{
	char why[80];

	return table && !sdt_problem(table, available, why, sizeof(why));
}

static void record_table(struct parser *p, const char *signature, uint64_t phys, uint32_t length, bool valid)
{
	struct acpi_info *out = p->out;
	struct acpi_table_ref *ref;

	if (out->table_count == ACPI_MAX_TABLES) {
		out->tables_truncated = true;
		return;
	}
	ref = &out->tables[out->table_count++];
	memcpy(ref->signature, signature, sizeof(ref->signature));
	ref->address = phys;
	ref->length = length;
	ref->valid = valid;
}

/*
 * Maps, checks and records the table at @phys: the header first, and the
 * whole table only once its length has been read and found plausible.
 * @expected, when not NULL, is the signature the referring structure
 * promised.  A broken table is reported as
 * "<name> at <address>: <problem>, <consequence>".
 */
static bool load_table(struct parser *p, uint64_t phys, const char *expected, const char *consequence,
		       struct table *t)
{
	const uint8_t *bytes = map(p, phys, ACPI_SDT_HEADER_LENGTH);
	size_t readable = ACPI_SDT_HEADER_LENGTH;
	char why[96];
	bool ok = false;

	t->address = phys;
	t->length = 0;
	if (!bytes) {
		memcpy(t->signature, expected ? expected : "????", sizeof(t->signature));
		record_table(p, t->signature, phys, 0, false);
		report(p, "%s at %#llx: cannot be read, %s", expected ? table_name(expected) : "table",
		       (unsigned long long)phys, consequence);
		return false;
	}
	copy_signature(t->signature, bytes);
	t->length = rd32(bytes + SDT_LENGTH);
	if (expected && memcmp(bytes, expected, 4) != 0) {
		format(why, sizeof(why), "signature is \"%s\", not \"%s\"", t->signature, expected);
	} else {
		if (t->length > ACPI_SDT_HEADER_LENGTH && t->length <= ACPI_MAX_TABLE_LENGTH) {
			const uint8_t *whole = map(p, phys, t->length);

			if (whole) {
				bytes = whole;
				readable = t->length;
			}
		}
		ok = !sdt_problem(bytes, readable, why, sizeof(why));
	}
	record_table(p, t->signature, phys, t->length, ok);
	if (!ok) {
		report(p, "%s at %#llx: %s, %s", table_name(expected ? expected : t->signature),
		       (unsigned long long)phys, why, consequence);
		return false;
	}
	t->bytes = bytes;
	return true;
}

/* Maps the 20 bytes every RSDP has, then, from revision 2, as many as it says it has. */
static const uint8_t *map_rsdp(const struct parser *p, uint64_t phys, size_t *readable)
{
	const uint8_t *r = map(p, phys, ACPI_RSDP_V1_LENGTH);
	const uint8_t *longer;
	uint32_t length;

	*readable = ACPI_RSDP_V1_LENGTH;
	if (!r || r[RSDP_REVISION] < 2)
		return r;
	longer = map(p, phys, ACPI_RSDP_V2_LENGTH);
	if (!longer)
		return r;               /* rsdp_problem() says what is missing */
	r = longer;
	*readable = ACPI_RSDP_V2_LENGTH;
	length = rd32(r + RSDP_LENGTH);
	if (length > ACPI_RSDP_V2_LENGTH && length <= RSDP_MAX_LENGTH) {
		longer = map(p, phys, length);
		if (longer) {
			r = longer;
			*readable = length;
		}
	}
	return r;
}

/*
 * The XSDT when the RSDP has one (revision 2 and later) and it checks out,
 * else the RSDT (sections 5.2.5.3, 5.2.8).  Both list the same tables, so
 * a broken XSDT costs nothing while the RSDT is intact.
 */
static bool load_root(struct parser *p, const uint8_t *rsdp, struct table *root)
{
	uint64_t rsdt = rd32(rsdp + RSDP_RSDT_ADDRESS);
	uint64_t xsdt = p->out->revision >= 2 ? rd64(rsdp + RSDP_XSDT_ADDRESS) : 0;
	char consequence[64];

	if (xsdt) {
		if (rsdt)
			format(consequence, sizeof(consequence), "using the RSDT at %#llx instead",
			       (unsigned long long)rsdt);
		else
			format(consequence, sizeof(consequence), "and there is no RSDT: no usable root table");
		if (load_table(p, xsdt, "XSDT", consequence, root)) {
			p->out->root_is_xsdt = true;
			p->out->root_address = xsdt;
			return true;
		}
		if (!rsdt)
			return false;
	} else if (!rsdt) {
		report(p, "RSDP at %#llx: gives no root table address", (unsigned long long)p->out->rsdp_address);
		return false;
	}
	if (!load_table(p, rsdt, "RSDT", "no usable root table", root))
		return false;
	p->out->root_address = rsdt;
	return true;
}

struct madt_walk {
	struct parser *p;
	const struct table *table;
	struct acpi_madt_info *m;
	unsigned int warnings;
	unsigned int suppressed;
	unsigned int full_reported;     /* bit n: the list for entry type n overflowed and was reported */
	bool lapic_override_seen;
};

/* Reports an entry problem, up to MADT_MAX_WARNINGS per table; the rest are only counted. */
static void __attribute__((format(printf, 2, 3))) madt_warn(struct madt_walk *w, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	if (w->warnings == MADT_MAX_WARNINGS) {
		w->suppressed++;
		return;
	}
	w->warnings++;
	va_start(ap, fmt);
	format_v(message, sizeof(message), fmt, ap);
	va_end(ap);
	report(w->p, "MADT at %#llx: %s", (unsigned long long)w->table->address, message);
}

/* True when @count < @max; otherwise marks the walk truncated and says so once per list. */
static bool room_for(struct madt_walk *w, uint8_t type, size_t count, size_t max, const char *what)
{
	if (count < max)
		return true;
	w->m->truncated = true;
	if (!(w->full_reported & (1u << type))) {
		w->full_reported |= 1u << type;
		madt_warn(w, "more than %zu %s entries; the rest are ignored", max, what);
	}
	return false;
}

static void add_cpu(struct madt_walk *w, size_t offset, uint32_t apic_id, uint32_t uid, uint32_t flags,
		    bool x2apic)
{
	struct acpi_madt_info *m = w->m;
	bool enabled = flags & LAPIC_ENABLED;
	/* Only meaningful while Enabled is clear, and only from the revision that defined it (section 5.2.12.2). */
	bool online_capable = !enabled && (flags & LAPIC_ONLINE_CAPABLE) &&
			      m->revision >= MADT_REVISION_ONLINE_CAPABLE;

	/*
	 * The all-ones ID is the broadcast address and names no processor;
	 * firmware uses it in placeholder entries for sockets left empty.
	 */
	if (apic_id == (x2apic ? 0xFFFFFFFFu : 0xFFu)) {
		if (enabled || online_capable)
			madt_warn(w, "processor entry at offset %#zx has the broadcast APIC ID %#x, skipped", offset,
				  apic_id);
		return;
	}
	for (size_t i = 0; i < m->cpu_count; i++) {
		if (m->cpus[i].apic_id == apic_id) {
			madt_warn(w, "processor entry at offset %#zx repeats APIC ID %u (UID %u), skipped", offset,
				  apic_id, uid);
			return;
		}
	}
	m->processor_entries++;
	if (m->cpu_count == ACPI_MAX_CPUS) {
		m->truncated = true;    /* reported once, with the total, after the walk */
		return;
	}
	m->cpus[m->cpu_count++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.acpi_uid = uid,
		.enabled = enabled,
		.online_capable = online_capable,
		.x2apic_entry = x2apic,
	};
}

static void add_lapic_nmi(struct madt_walk *w, uint8_t type, uint32_t uid, uint16_t flags, uint8_t lint)
{
	struct acpi_madt_info *m = w->m;

	if (room_for(w, type, m->lapic_nmi_count, ACPI_MAX_LAPIC_NMIS, "local APIC NMI"))
		m->lapic_nmis[m->lapic_nmi_count++] = (struct acpi_lapic_nmi){ uid, flags, lint };
}

/* Decodes one entry, already known to lie inside the table and to be long enough for its type. */
static void madt_entry(struct madt_walk *w, const uint8_t *e, size_t offset)
{
	struct acpi_madt_info *m = w->m;
	uint8_t type = e[0];

	switch (type) {
	case MADT_LOCAL_APIC:
		add_cpu(w, offset, e[3], e[2], rd32(e + 4), false);
		break;
	case MADT_IOAPIC:
		if (room_for(w, type, m->ioapic_count, ACPI_MAX_IOAPICS, "I/O APIC"))
			m->ioapics[m->ioapic_count++] = (struct acpi_ioapic){
				.id = e[2],
				.address = rd32(e + 4),
				.gsi_base = rd32(e + 8),
			};
		break;
	case MADT_OVERRIDE:
		if (room_for(w, type, m->override_count, ACPI_MAX_OVERRIDES, "interrupt source override"))
			m->overrides[m->override_count++] = (struct acpi_override){
				.bus = e[2],
				.source_irq = e[3],
				.gsi = rd32(e + 4),
				.flags = rd16(e + 8),
			};
		break;
	case MADT_NMI_SOURCE:
		if (room_for(w, type, m->nmi_source_count, ACPI_MAX_NMI_SOURCES, "NMI source"))
			m->nmi_sources[m->nmi_source_count++] = (struct acpi_nmi_source){
				.gsi = rd32(e + 4),
				.flags = rd16(e + 2),
			};
		break;
	case MADT_LAPIC_NMI:
		/* The 8-bit form says "all processors" with 0xFF; store the one spelling. */
		add_lapic_nmi(w, type, e[2] == 0xFF ? ACPI_UID_ALL : e[2], rd16(e + 3), e[5]);
		break;
	case MADT_LAPIC_ADDRESS_OVERRIDE:
		/* At most one; when present it replaces the 32-bit address for every local APIC (section 5.2.12.8). */
		if (w->lapic_override_seen) {
			madt_warn(w, "another local APIC address override at offset %#zx, ignored", offset);
			break;
		}
		w->lapic_override_seen = true;
		m->lapic_address = rd64(e + 4);
		break;
	case MADT_LOCAL_X2APIC:
		add_cpu(w, offset, rd32(e + 4), rd32(e + 12), rd32(e + 8), true);
		break;
	case MADT_X2APIC_NMI:
		add_lapic_nmi(w, type, rd32(e + 4), rd16(e + 2), e[8]);
		break;
	default:
		/* SAPIC and other architectures' controllers, or types newer than this code. */
		break;
	}
}

static bool parse_madt(struct parser *p, const struct table *t)
{
	struct acpi_madt_info *m = &p->out->madt;
	struct madt_walk w = { .p = p, .table = t, .m = m };
	size_t offset = MADT_ENTRIES;

	if (t->length < MADT_ENTRIES) {
		report(p, "MADT at %#llx: %u bytes, too short for its fixed fields, table skipped",
		       (unsigned long long)t->address, t->length);
		return false;
	}
	m->address = t->address;
	m->length = t->length;
	m->revision = t->bytes[SDT_REVISION];
	m->lapic_address = rd32(t->bytes + MADT_LAPIC_ADDRESS);
	m->pcat_compat = rd32(t->bytes + MADT_FLAGS) & MADT_PCAT_COMPAT;

	/* Each entry starts with its type and its length in bytes, header included. */
	while (offset < t->length) {
		const uint8_t *e = t->bytes + offset;
		size_t left = t->length - offset;

		if (left < 2) {
			madt_warn(&w, "a stray byte at offset %#zx after the last entry, ignored", offset);
			break;
		}
		if (e[1] < 2) {
			/* It cannot be stepped over: nothing after it can be found. */
			madt_warn(&w, "entry type %u at offset %#zx has length %u; it and the entries after it are ignored",
				  e[0], offset, e[1]);
			m->truncated = true;
			break;
		}
		if (e[1] > left) {
			madt_warn(&w, "entry type %u at offset %#zx (length %u) runs past the end of the table at %#x; ignored",
				  e[0], offset, e[1], t->length);
			m->truncated = true;
			break;
		}
		if (e[0] < ARRAY_SIZE(madt_entry_length) && e[1] < madt_entry_length[e[0]]) {
			madt_warn(&w, "entry type %u at offset %#zx has length %u, needs %u; skipped", e[0], offset, e[1],
				  madt_entry_length[e[0]]);
			m->truncated = true;
		} else {
			madt_entry(&w, e, offset);
		}
		offset += e[1];
	}

	if (m->processor_entries > m->cpu_count)
		report(p, "MADT at %#llx: %zu processors listed, veneer supports %d; only the first %d are used",
		       (unsigned long long)t->address, m->processor_entries, ACPI_MAX_CPUS, ACPI_MAX_CPUS);
	if (w.suppressed)
		report(p, "MADT at %#llx: %u more problems with entries not shown", (unsigned long long)t->address,
		       w.suppressed);
	return true;
}

/* The FADT grew with each ACPI version; a field beyond a shorter table's end reads as zero. */
static bool fadt_has(const struct table *t, size_t offset, size_t size)
{
	return offset + size <= t->length;
}

static uint8_t fadt8(const struct table *t, size_t offset)
{
	return fadt_has(t, offset, 1) ? t->bytes[offset] : 0;
}

static uint16_t fadt16(const struct table *t, size_t offset)
{
	return fadt_has(t, offset, 2) ? rd16(t->bytes + offset) : 0;
}

static uint32_t fadt32(const struct table *t, size_t offset)
{
	return fadt_has(t, offset, 4) ? rd32(t->bytes + offset) : 0;
}

static uint64_t fadt64(const struct table *t, size_t offset)
{
	return fadt_has(t, offset, 8) ? rd64(t->bytes + offset) : 0;
}

static struct acpi_gas fadt_gas(const struct table *t, size_t offset)
{
	struct acpi_gas g = { 0 };

	if (fadt_has(t, offset, GAS_LENGTH)) {
		const uint8_t *b = t->bytes + offset;

		g.space_id = b[0];
		g.bit_width = b[1];
		g.bit_offset = b[2];
		g.access_size = b[3];
		g.address = rd64(b + 4);
	}
	return g;
}

/*
 * A PM1 register block as OSPM must use it: the X_ field when its address
 * is not zero, else the 32-bit port field of @len bytes (section 5.2.9).
 * The table's length, not its revision, says whether the X_ fields are
 * there, so a revision number that disagrees with the layout is harmless.
 */
static struct acpi_gas pm1_block(struct parser *p, const struct table *t, const char *name, uint32_t port,
				 uint8_t len, size_t x_offset)
{
	struct acpi_gas x = fadt_gas(t, x_offset);

	if (x.address) {
		if (port && (x.space_id != ACPI_GAS_SYSTEM_IO || x.address != port))
			report(p, "FADT at %#llx: X_%s (space %u, address %#llx) and %s (port %#x) disagree; using X_%s",
			       (unsigned long long)t->address, name, x.space_id, (unsigned long long)x.address, name,
			       port, name);
		return x;
	}
	if (!port)
		return (struct acpi_gas){ 0 };
	return (struct acpi_gas){
		.space_id = ACPI_GAS_SYSTEM_IO,
		.bit_width = len < 32 ? (uint8_t)(len * 8) : 0,
		.address = port,
	};
}

static bool parse_fadt(struct parser *p, const struct table *t)
{
	struct acpi_fadt_info *f = &p->out->fadt;
	uint64_t x_dsdt = fadt64(t, FADT_X_DSDT);

	if (t->length < FADT_V1_LENGTH)
		report(p, "FADT at %#llx: %u bytes, shorter than ACPI 1.0's %u; the missing fields read as zero",
		       (unsigned long long)t->address, t->length, FADT_V1_LENGTH);
	f->address = t->address;
	f->length = t->length;
	f->revision = t->bytes[SDT_REVISION];
	f->flags = fadt32(t, FADT_FLAGS);
	f->sci_irq = fadt16(t, FADT_SCI_INT);
	f->iapc_boot_arch = fadt16(t, FADT_IAPC_BOOT_ARCH);
	/* A nonzero X_DSDT wins over DSDT. */
	f->dsdt_address = x_dsdt ? x_dsdt : fadt32(t, FADT_DSDT);

	f->pm1a_evt_port = fadt32(t, FADT_PM1A_EVT_BLK);
	f->pm1b_evt_port = fadt32(t, FADT_PM1B_EVT_BLK);
	f->pm1a_cnt_port = fadt32(t, FADT_PM1A_CNT_BLK);
	f->pm1b_cnt_port = fadt32(t, FADT_PM1B_CNT_BLK);
	f->pm1_evt_len = fadt8(t, FADT_PM1_EVT_LEN);
	f->pm1_cnt_len = fadt8(t, FADT_PM1_CNT_LEN);
	f->pm1a_evt = pm1_block(p, t, "PM1a_EVT_BLK", f->pm1a_evt_port, f->pm1_evt_len, FADT_X_PM1A_EVT_BLK);
	f->pm1b_evt = pm1_block(p, t, "PM1b_EVT_BLK", f->pm1b_evt_port, f->pm1_evt_len, FADT_X_PM1B_EVT_BLK);
	f->pm1a_cnt = pm1_block(p, t, "PM1a_CNT_BLK", f->pm1a_cnt_port, f->pm1_cnt_len, FADT_X_PM1A_CNT_BLK);
	f->pm1b_cnt = pm1_block(p, t, "PM1b_CNT_BLK", f->pm1b_cnt_port, f->pm1_cnt_len, FADT_X_PM1B_CNT_BLK);

	f->reset_reg = fadt_gas(t, FADT_RESET_REG);
	f->reset_value = fadt8(t, FADT_RESET_VALUE);
	f->have_reset_reg = (f->flags & ACPI_FADT_RESET_REG_SUP) && fadt_has(t, FADT_RESET_VALUE, 1) &&
			    f->reset_reg.address;

	f->sleep_control = fadt_gas(t, FADT_SLEEP_CONTROL_REG);
	f->sleep_status = fadt_gas(t, FADT_SLEEP_STATUS_REG);
	return true;
}

/* Firmware should list each of these once; the first good one is the one OSPM uses. */
static void use_table(struct parser *p, const struct table *t)
{
	struct acpi_info *out = p->out;

	if (strcmp(t->signature, "APIC") == 0) {
		if (out->have_madt)
			report(p, "MADT at %#llx: a second MADT (the first is at %#llx), ignored",
			       (unsigned long long)t->address, (unsigned long long)out->madt.address);
		else
			out->have_madt = parse_madt(p, t);
	} else if (strcmp(t->signature, "FACP") == 0) {
		if (out->have_fadt)
			report(p, "FADT at %#llx: a second FADT (the first is at %#llx), ignored",
			       (unsigned long long)t->address, (unsigned long long)out->fadt.address);
		else
			out->have_fadt = parse_fadt(p, t);
	}
}

/* The root table is a header followed by table addresses: 32-bit in the RSDT, 64-bit in the XSDT. */
static void walk_root(struct parser *p, const struct table *root)
{
	size_t entry_size = p->out->root_is_xsdt ? 8 : 4;
	size_t bytes = root->length - ACPI_SDT_HEADER_LENGTH;

	if (bytes % entry_size)
		report(p, "%s at %#llx: %zu stray bytes after the last entry, ignored", root->signature,
		       (unsigned long long)root->address, bytes % entry_size);
	for (size_t i = 0; i < bytes / entry_size; i++) {
		const uint8_t *e = root->bytes + ACPI_SDT_HEADER_LENGTH + i * entry_size;
		uint64_t phys = entry_size == 8 ? rd64(e) : rd32(e);
		struct table t;

		if (!phys) {
			report(p, "%s at %#llx: entry %zu is zero, skipped", root->signature,
			       (unsigned long long)root->address, i);
			continue;
		}
		if (load_table(p, phys, NULL, "table skipped", &t))
			use_table(p, &t);
	}
}

int acpi_parse(uint64_t rsdp_phys, acpi_map_fn map_fn, void *ctx, acpi_warn_fn warn_fn, void *warn_ctx,
	       struct acpi_info *out)
{
	struct parser p = { .map = map_fn, .map_ctx = ctx, .warn = warn_fn, .warn_ctx = warn_ctx, .out = out };
	struct table root, dsdt;
	const uint8_t *rsdp;
	size_t readable;
	char why[96];

	memset(out, 0, sizeof(*out));
	out->rsdp_address = rsdp_phys;
	rsdp = map_rsdp(&p, rsdp_phys, &readable);
	if (!rsdp) {
		report(&p, "RSDP at %#llx: cannot be read", (unsigned long long)rsdp_phys);
		return ACPI_ERR_RSDP;
	}
	if (rsdp_problem(rsdp, readable, why, sizeof(why))) {
		report(&p, "RSDP at %#llx: %s", (unsigned long long)rsdp_phys, why);
		return ACPI_ERR_RSDP;
	}
	out->revision = rsdp[RSDP_REVISION];
	copy_oem_id(out->oem_id, rsdp + RSDP_OEM_ID);

	if (!load_root(&p, rsdp, &root))
		return ACPI_ERR_ROOT;
	walk_root(&p, &root);

	/* Not in the root table but named by the FADT; checked here so the log shows it whole or broken. */
	if (out->have_fadt && out->fadt.dsdt_address)
		load_table(&p, out->fadt.dsdt_address, "DSDT", "table skipped", &dsdt);
	return 0;
}

size_t acpi_enabled_cpus(const struct acpi_madt_info *madt)
{
	size_t n = 0;

	for (size_t i = 0; i < madt->cpu_count; i++)
		n += madt->cpus[i].enabled;
	return n;
}
