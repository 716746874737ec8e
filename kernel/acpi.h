/*
 * ACPI tables: finding the RSDP, walking the root table (XSDT or RSDT) and
 * decoding the two tables veneer reads, the MADT (which CPUs and interrupt
 * controllers exist) and the FADT (the power-management registers through
 * which a guest resets or switches off the machine).
 *
 * Firmware tables are input from outside, and real firmware gets them
 * wrong: every table is checked (signature, length, checksum) before it is
 * used and every MADT entry is bounds-checked against its table.  A broken
 * table or entry is reported and skipped; it never stops the machine from
 * booting.  The parser is pure: it reads memory only through the caller's
 * map function and reports only through the caller's warn function, so the
 * same code runs in the kernel over physical memory and in the host unit
 * tests over hand-built buffers.
 *
 * References are to the ACPI Specification 6.5, chapter 5.2.
 */
#ifndef VENEER_KERNEL_ACPI_H
#define VENEER_KERNEL_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mb2_info;

#define ACPI_RSDP_V1_LENGTH     20      /* section 5.2.5.3: ACPI 1.0 fields only */
#define ACPI_RSDP_V2_LENGTH     36      /* revision 2 and later */
#define ACPI_SDT_HEADER_LENGTH  36      /* section 5.2.6 */

/*
 * Real tables stay far below this, even the DSDT of a big server; a larger
 * length is a corrupt header, and reading that far could run into device
 * memory.
 */
#define ACPI_MAX_TABLE_LENGTH   (4u << 20)

#define ACPI_MAX_CPUS           256
#define ACPI_MAX_IOAPICS        16
#define ACPI_MAX_OVERRIDES      32
#define ACPI_MAX_NMI_SOURCES    16
#define ACPI_MAX_LAPIC_NMIS     ACPI_MAX_CPUS   /* firmware often lists one per CPU */
#define ACPI_MAX_TABLES         64

/* An NMI entry's processor UID that means every processor (0xFF in the 8-bit form). */
#define ACPI_UID_ALL            0xFFFFFFFFu

/* MPS INTI flags of interrupt source overrides and NMI entries (section 5.2.12.5). */
#define ACPI_INTI_POLARITY_MASK         0x3
#define ACPI_INTI_POLARITY_CONFORMS     0x0     /* to the bus: active high for ISA */
#define ACPI_INTI_POLARITY_HIGH         0x1
#define ACPI_INTI_POLARITY_LOW          0x3
#define ACPI_INTI_TRIGGER_MASK          0xC
#define ACPI_INTI_TRIGGER_CONFORMS      0x0     /* to the bus: edge for ISA */
#define ACPI_INTI_TRIGGER_EDGE          0x4
#define ACPI_INTI_TRIGGER_LEVEL         0xC

/* Generic Address Structure address spaces (section 5.2.3.2). */
#define ACPI_GAS_SYSTEM_MEMORY  0
#define ACPI_GAS_SYSTEM_IO      1
#define ACPI_GAS_PCI_CONFIG     2

/* FADT fixed feature flags (section 5.2.9, "Fixed ACPI Description Table Fixed Feature Flags"). */
#define ACPI_FADT_RESET_REG_SUP         (1u << 10)
#define ACPI_FADT_HW_REDUCED_ACPI       (1u << 20)

/*
 * Reads @len bytes of physical memory at @phys: returns a pointer to them,
 * valid until acpi_parse() returns, or NULL when any byte of the range
 * cannot be read.  The parser never reads outside a range it mapped.
 */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t phys, size_t len);

/* One line per problem, naming the table and its address; no trailing newline. */
typedef void (*acpi_warn_fn)(void *ctx, const char *message);

/* A Processor Local APIC or Processor Local x2APIC entry (sections 5.2.12.2, 5.2.12.12). */
struct acpi_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;      /* what the NMI entries and the DSDT call this processor */
	bool enabled;           /* present and ready to be started */
	bool online_capable;    /* not enabled now, but firmware could add it at run time */
	bool x2apic_entry;      /* from a type 9 entry rather than a type 0 one */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;      /* the global system interrupt of its input 0 */
};

/* An ISA interrupt that does not arrive on the I/O APIC input of the same number. */
struct acpi_override {
	uint8_t bus;            /* 0: ISA, the only bus the specification allows */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags;         /* ACPI_INTI_* */
};

/* A global system interrupt wired to NMI (section 5.2.12.6). */
struct acpi_nmi_source {
	uint32_t gsi;
	uint16_t flags;         /* ACPI_INTI_* */
};

/* A local APIC LINT pin wired to NMI (sections 5.2.12.7, 5.2.12.13). */
struct acpi_lapic_nmi {
	uint32_t acpi_uid;      /* ACPI_UID_ALL for every processor */
	uint16_t flags;         /* ACPI_INTI_* */
	uint8_t lint;           /* 0 or 1 */
};

struct acpi_madt_info {
	uint64_t address;
	uint32_t length;
	uint8_t revision;
	uint64_t lapic_address;         /* after any Local APIC Address Override */
	bool pcat_compat;               /* dual 8259s present: mask them before using the I/O APICs */

	/* In table order, which firmware is asked to start with the boot processor (section 5.2.12.1). */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	size_t cpu_count;
	size_t processor_entries;       /* usable processor entries seen, kept or not */

	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	size_t ioapic_count;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	size_t override_count;
	struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
	size_t nmi_source_count;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	size_t lapic_nmi_count;

	/* Entries were lost: a broken entry ended the walk early or a list above was full. */
	bool truncated;
};

/* Generic Address Structure (section 5.2.3.2). */
struct acpi_gas {
	uint8_t space_id;       /* ACPI_GAS_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;       /* 0: the register does not exist */
};

/*
 * What veneer needs from the FADT (section 5.2.9).  A guest switches the
 * machine off by writing SLP_TYPx and SLP_EN to the PM1 control registers
 * (or, on hardware-reduced machines, to the sleep control register), so
 * the hypervisor must know where those are.  Fields the table is too short
 * to contain read as zero.
 */
struct acpi_fadt_info {
	uint64_t address;
	uint32_t length;
	uint8_t revision;
	uint32_t flags;                 /* ACPI_FADT_* */
	uint16_t sci_irq;               /* an ISA IRQ on 8259 machines, a GSI otherwise */
	uint16_t iapc_boot_arch;        /* IA-PC boot architecture flags */
	uint64_t dsdt_address;          /* X_DSDT when set, else DSDT */

	/* The 32-bit port fields as written; 0 when the block does not exist. */
	uint32_t pm1a_evt_port;
	uint32_t pm1b_evt_port;
	uint32_t pm1a_cnt_port;
	uint32_t pm1b_cnt_port;
	uint8_t pm1_evt_len;            /* bytes: status then enable registers, half each */
	uint8_t pm1_cnt_len;

	/*
	 * The blocks as OSPM must use them: the X_ field when its address is
	 * not zero, else the port field.  When the two disagree a guest may
	 * still use the port, so watch both.
	 */
	struct acpi_gas pm1a_evt;
	struct acpi_gas pm1b_evt;
	struct acpi_gas pm1a_cnt;
	struct acpi_gas pm1b_cnt;

	bool have_reset_reg;            /* RESET_REG_SUP set and a register given */
	struct acpi_gas reset_reg;
	uint8_t reset_value;

	/* Hardware-reduced ACPI: sleep (S5 included) goes through these instead of PM1. */
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
};

/* A table met while walking, for the boot log. */
struct acpi_table_ref {
	char signature[5];      /* printable; "????" when the header could not be read */
	uint64_t address;
	uint32_t length;
	bool valid;             /* readable, plausible length, checksum correct */
};

struct acpi_info {
	uint64_t rsdp_address;
	unsigned int revision;          /* the RSDP's: 0 for ACPI 1.0, 2 for 2.0 and later */
	char oem_id[7];                 /* printable, trailing spaces removed */
	uint64_t root_address;
	bool root_is_xsdt;

	/* The root table first, then every table it names, then the DSDT. */
	struct acpi_table_ref tables[ACPI_MAX_TABLES];
	size_t table_count;
	bool tables_truncated;          /* more tables than the list holds; all were still parsed */

	bool have_madt;
	struct acpi_madt_info madt;
	bool have_fadt;
	struct acpi_fadt_info fadt;
};

enum acpi_error {
	ACPI_ERR_RSDP = -1,     /* the RSDP cannot be read or is invalid */
	ACPI_ERR_ROOT = -2,     /* neither the XSDT nor the RSDT is usable */
};

/* The 8-bit sum of @len bytes; a table is intact when the sum of all its bytes is 0. */
uint8_t acpi_checksum(const void *data, size_t len);

/*
 * Checks an RSDP of which @available bytes can be read: the signature, the
 * checksum of the first 20 bytes and, from revision 2, the length and the
 * extended checksum of the whole structure.
 */
bool acpi_rsdp_valid(const void *rsdp, size_t available);

/* Checks a system description table of which @available bytes can be read: its length and checksum. */
bool acpi_sdt_valid(const void *table, size_t available);

/*
 * Walks the ACPI tables from the RSDP at @rsdp_phys into @out.  Returns 0,
 * or an enum acpi_error when nothing usable was found; either way every
 * problem has been reported through @warn (which may be NULL), and a
 * missing or broken MADT or FADT only leaves have_madt or have_fadt false.
 */
int acpi_parse(uint64_t rsdp_phys, acpi_map_fn map, void *ctx, acpi_warn_fn warn, void *warn_ctx,
	       struct acpi_info *out);

size_t acpi_enabled_cpus(const struct acpi_madt_info *madt);

/* Kernel only (acpi_find.c). */

/* The RSDP from the boot loader's tag, else from the BIOS areas; 0 when there is none. */
uint64_t acpi_find_rsdp(const struct mb2_info *info);

/* Finds and parses the tables and logs what they say; needs the identity map of paging_init(). */
void acpi_init(const struct mb2_info *info);

/*
 * The enabled CPUs in the MADT, read before memory_init() (to size the
 * hypervisor's pool) from the boot loader's copy of the RSDP and without
 * a word in the log; 0 when that does not work.
 */
unsigned acpi_count_cpus(const struct mb2_info *info);

/* The result of acpi_init(); have_madt is false before it or when ACPI is unusable. */
const struct acpi_info *acpi_get(void);

#endif
