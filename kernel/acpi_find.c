/*
 * The ACPI tables of the running machine: where they are, and what they
 * say, kept for the rest of the kernel (the parsing itself is in acpi.c).
 *
 * The RSDP comes from the boot loader when it can: GRUB copies it into the
 * Multiboot2 information on BIOS and UEFI machines alike.  Failing that, a
 * BIOS keeps it on a 16-byte boundary in the first KiB of the Extended BIOS
 * Data Area or in the BIOS read-only area 0xE0000-0xFFFFF (ACPI 6.5,
 * section 5.2.5.1).  UEFI firmware publishes it only in the EFI
 * configuration table (section 5.2.5.2), which veneer does not read.
 */
#include "kernel/acpi.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/multiboot2.h"
#include "kernel/string.h"

#define BDA_EBDA_SEGMENT        0x40E           /* BIOS data area word: the EBDA's real-mode segment */
#define EBDA_SEARCH_LENGTH      1024
#define EBDA_LOWEST             0x500           /* the BIOS data area ends here */
#define CONVENTIONAL_END        0xA0000         /* the EBDA lies below the 640 KiB line */
#define BIOS_AREA_START         0xE0000
#define BIOS_AREA_END           0x100000
#define RSDP_ALIGNMENT          16

static struct acpi_info acpi;

const struct acpi_info *acpi_get(void)
{
	return &acpi;
}

/*
 * Physical memory is mapped at the same virtual address up to
 * memory_map_limit(): all RAM, ACPI tables included, and the first 4 GiB.
 * Address 0 is refused too, as no table lives there and the pointer would
 * read as NULL.
 */
static const void *identity_map(void *ctx, uint64_t phys, size_t len)
{
	uint64_t limit = memory_map_limit();
	const void *virt = (const void *)(uintptr_t)phys;

	(void)ctx;
	if (phys == 0 || len > limit || phys > limit - len)
		return NULL;
	/*
	 * GCC takes a constant pointer below 4 KiB for an offset from NULL and
	 * rejects reads through it (-Warray-bounds); the BIOS data area really
	 * is there, so hide the constant.
	 */
	__asm__("" : "+r"(virt));
	return virt;
}

static uint64_t scan(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a + ACPI_RSDP_V1_LENGTH <= end; a += RSDP_ALIGNMENT) {
		const void *p = identity_map(NULL, a, end - a);

		if (p && acpi_rsdp_valid(p, end - a))
			return a;
	}
	return 0;
}

/* The EBDA's base, or 0 when the BIOS data area holds no plausible pointer (as on UEFI machines). */
static uint64_t ebda_base(void)
{
	const uint8_t *word = identity_map(NULL, BDA_EBDA_SEGMENT, 2);
	uint64_t base;

	if (!word)
		return 0;
	base = (uint64_t)(word[0] | word[1] << 8) << 4;
	if (base < EBDA_LOWEST || base + EBDA_SEARCH_LENGTH > CONVENTIONAL_END)
		return 0;
	return base;
}

uint64_t acpi_find_rsdp(const struct mb2_info *info)
{
	uint64_t base, found;

	if (info->rsdp) {
		if (acpi_rsdp_valid(info->rsdp, info->rsdp_size))
			return (uint64_t)(uintptr_t)info->rsdp;
		pr_warn("ACPI: the boot loader's copy of the RSDP is not valid; searching the BIOS areas");
	}
	base = ebda_base();
	if (base) {
		found = scan(base, base + EBDA_SEARCH_LENGTH);
		if (found)
			return found;
	}
	return scan(BIOS_AREA_START, BIOS_AREA_END);
}

static void log_warning(void *ctx, const char *message)
{
	(void)ctx;
	pr_warn("ACPI: %s", message);
}

/* "I/O port 0x604", "memory 0xfed80000", "none". */
static const char *describe(char *buf, size_t size, const struct acpi_gas *g)
{
	static const char *const spaces[] = {
		[ACPI_GAS_SYSTEM_MEMORY] = "memory",
		[ACPI_GAS_SYSTEM_IO]     = "I/O port",
		[ACPI_GAS_PCI_CONFIG]    = "PCI config",
	};

	if (!g->address)
		format(buf, size, "none");
	else if (g->space_id < sizeof(spaces) / sizeof(spaces[0]))
		format(buf, size, "%s %#llx", spaces[g->space_id], (unsigned long long)g->address);
	else
		format(buf, size, "space %u %#llx", g->space_id, (unsigned long long)g->address);
	return buf;
}

static void log_tables(bool from_boot_loader)
{
	pr_debug("ACPI: RSDP revision %u, OEM '%s', %s %#llx", acpi.revision, acpi.oem_id,
		from_boot_loader ? "copied by the boot loader to" : "at", (unsigned long long)acpi.rsdp_address);
	for (size_t i = 0; i < acpi.table_count; i++) {
		const struct acpi_table_ref *t = &acpi.tables[i];

		pr_debug("ACPI:   %s at %#010llx, %u bytes%s", t->signature, (unsigned long long)t->address, t->length,
			t->valid ? "" : " (broken, skipped)");
	}
	if (acpi.tables_truncated)
		pr_debug("ACPI:   more tables, not listed");
}

static const char *polarity(uint16_t flags)
{
	switch (flags & ACPI_INTI_POLARITY_MASK) {
	case ACPI_INTI_POLARITY_HIGH:
		return "active high";
	case ACPI_INTI_POLARITY_LOW:
		return "active low";
	case ACPI_INTI_POLARITY_CONFORMS:
		return "bus polarity";
	default:
		return "reserved polarity";
	}
}

static const char *trigger(uint16_t flags)
{
	switch (flags & ACPI_INTI_TRIGGER_MASK) {
	case ACPI_INTI_TRIGGER_EDGE:
		return "edge";
	case ACPI_INTI_TRIGGER_LEVEL:
		return "level";
	case ACPI_INTI_TRIGGER_CONFORMS:
		return "bus trigger";
	default:
		return "reserved trigger";
	}
}

static void log_madt(void)
{
	const struct acpi_madt_info *m = &acpi.madt;

	pr_info("ACPI: %zu CPUs (%zu enabled), %zu I/O APICs, local APIC at %#llx", m->cpu_count,
		acpi_enabled_cpus(m), m->ioapic_count, (unsigned long long)m->lapic_address);
	for (size_t i = 0; i < m->cpu_count; i++) {
		const struct acpi_cpu *c = &m->cpus[i];

		pr_debug("ACPI:   CPU APIC ID %u, UID %u%s%s", c->apic_id, c->acpi_uid,
			 c->enabled ? "" : c->online_capable ? ", offline, can be added later" : ", disabled",
			 c->x2apic_entry ? " (x2APIC entry)" : "");
	}
	for (size_t i = 0; i < m->ioapic_count; i++)
		pr_debug("ACPI:   I/O APIC %u at %#x, first GSI %u", m->ioapics[i].id, m->ioapics[i].address,
			m->ioapics[i].gsi_base);
	for (size_t i = 0; i < m->override_count; i++) {
		const struct acpi_override *o = &m->overrides[i];

		pr_debug("ACPI:   IRQ %u on bus %u is GSI %u, %s, %s", o->source_irq, o->bus, o->gsi,
			 polarity(o->flags), trigger(o->flags));
	}
	for (size_t i = 0; i < m->nmi_source_count; i++)
		pr_debug("ACPI:   NMI on GSI %u, %s, %s", m->nmi_sources[i].gsi, polarity(m->nmi_sources[i].flags),
			 trigger(m->nmi_sources[i].flags));
	for (size_t i = 0; i < m->lapic_nmi_count; i++) {
		const struct acpi_lapic_nmi *n = &m->lapic_nmis[i];

		if (n->acpi_uid == ACPI_UID_ALL)
			pr_debug("ACPI:   NMI on LINT%u of every CPU, %s, %s", n->lint, polarity(n->flags),
				 trigger(n->flags));
		else
			pr_debug("ACPI:   NMI on LINT%u of the CPU with UID %u, %s, %s", n->lint, n->acpi_uid,
				 polarity(n->flags), trigger(n->flags));
	}
	if (m->pcat_compat)
		pr_debug("ACPI:   dual 8259 PICs present");
}

static void log_fadt(void)
{
	const struct acpi_fadt_info *f = &acpi.fadt;
	char a[40], b[40];

	pr_debug("ACPI: FADT revision %u: SCI IRQ %u, PM1a control %s, PM1b control %s", f->revision, f->sci_irq,
		describe(a, sizeof(a), &f->pm1a_cnt), describe(b, sizeof(b), &f->pm1b_cnt));
	pr_debug("ACPI:   PM1a events %s, PM1b events %s (%u bytes each)", describe(a, sizeof(a), &f->pm1a_evt),
		describe(b, sizeof(b), &f->pm1b_evt), f->pm1_evt_len);
	if (f->have_reset_reg)
		pr_debug("ACPI:   reset: write %#x to %s", f->reset_value, describe(a, sizeof(a), &f->reset_reg));
	if (f->flags & ACPI_FADT_HW_REDUCED_ACPI)
		pr_debug("ACPI:   hardware-reduced: sleep control %s, sleep status %s",
			describe(a, sizeof(a), &f->sleep_control), describe(b, sizeof(b), &f->sleep_status));
}

/* Before memory_init(): the boot page tables map the first 4 GiB. */
static const void *early_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (phys == 0 || len > (4ULL << 30) || phys > (4ULL << 30) - len)
		return NULL;
	return (const void *)(uintptr_t)phys;
}

static void ignore_warning(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

unsigned acpi_count_cpus(const struct mb2_info *info)
{
	static struct acpi_info early;  /* large: keep it off the stack */
	uint64_t rsdp = info->rsdp && acpi_rsdp_valid(info->rsdp, info->rsdp_size) ?
			(uint64_t)(uintptr_t)info->rsdp : 0;
	unsigned enabled = 0;

	/* Quietly: acpi_init() reads the tables again later and reports what is wrong with them. */
	if (!rsdp || acpi_parse(rsdp, early_map, NULL, ignore_warning, NULL, &early) != 0 || !early.have_madt)
		return 0;
	for (size_t i = 0; i < early.madt.cpu_count; i++)
		if (early.madt.cpus[i].enabled)
			enabled++;
	return enabled;
}

void acpi_init(const struct mb2_info *info)
{
	uint64_t rsdp = acpi_find_rsdp(info);

	if (!rsdp) {
		pr_warn("ACPI: no RSDP, neither from the boot loader nor in the BIOS areas");
		goto unusable;
	}
	if (acpi_parse(rsdp, identity_map, NULL, log_warning, NULL, &acpi) != 0)
		goto unusable;

	log_tables(rsdp == (uint64_t)(uintptr_t)info->rsdp);
	if (acpi.have_madt)
		log_madt();
	else
		pr_warn("ACPI: no usable MADT: only the boot CPU will run");
	if (acpi.have_fadt)
		log_fadt();
	else
		pr_warn("ACPI: no usable FADT: the power-management registers are unknown");
	return;

unusable:
	memset(&acpi, 0, sizeof(acpi));
	pr_warn("ACPI: no usable ACPI tables: only the boot CPU will run");
}
