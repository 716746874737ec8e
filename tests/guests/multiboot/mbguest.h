/*
 * The Multiboot test kernels (README.md): one program, linked twice, once
 * with the Multiboot1 header and reader (mb1_header.S, mb1_info.c) and
 * once with the Multiboot2 ones (mb2_header.S, mb2_info.c).  entry.S
 * records the registers the boot loader left and calls mb_main()
 * (main.c); the reader turns the loader's information into a struct
 * boot_view, which the checks common to both (checks.c) read.
 */
#ifndef VENEER_TESTS_GUESTS_MULTIBOOT_MBGUEST_H
#define VENEER_TESTS_GUESTS_MULTIBOOT_MBGUEST_H

/* mb_entry[]: what entry.S saw, before it changed anything but ESP. */
#define MB_ENTRY_EAX            0       /* the boot loader's magic */
#define MB_ENTRY_EBX            1       /* the information structure */
#define MB_ENTRY_ESP            2
#define MB_ENTRY_EFLAGS         3
#define MB_ENTRY_CS             4
#define MB_ENTRY_DS             5
#define MB_ENTRY_ES             6
#define MB_ENTRY_FS             7
#define MB_ENTRY_GS             8
#define MB_ENTRY_SS             9
#define MB_ENTRY_COUNT          10

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern uint32_t mb_entry[MB_ENTRY_COUNT];

/* The kernel image, .bss included (mbguest.ld). */
extern char __image_start[], __image_end[];

#define PAGE_SIZE               0x1000u
#define MIB                     0x100000ull
#define GIB                     0x40000000ull

#define CMDLINE_MAX             1024
#define NAME_MAX                128     /* module strings and the loader name */
#define MODULES_MAX             16
#define MAP_MAX                 128
#define REGIONS_MAX             (8 + 2 * MODULES_MAX)

struct map_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

struct module {
	uint32_t start;
	uint32_t end;           /* first byte after the module */
	char string[NAME_MAX];
};

/* Memory the boot loader's information occupies, for the placement checks. */
struct region {
	const char *what;
	uint64_t start, end;
};

/*
 * What the boot loader said, in one form for both protocols.  The reader
 * copies it out of the loader's structures (the low-memory and RAM checks
 * later write to memory they might share).  A has_ flag is false when the
 * loader did not pass that item.
 */
struct boot_view {
	bool read;                      /* the reader ran (the magic was right) */
	bool has_meminfo;
	uint32_t mem_lower, mem_upper;  /* KiB */
	bool has_cmdline;
	char cmdline[CMDLINE_MAX];
	bool has_loader_name;
	char loader_name[NAME_MAX];
	bool has_modules;               /* Multiboot1 flag bit 3; always true for Multiboot2 */
	struct module modules[MODULES_MAX];
	size_t module_count;
	bool has_map;
	struct map_entry map[MAP_MAX];
	size_t map_count;
	struct region regions[REGIONS_MAX];
	size_t region_count;
};

extern struct boot_view boot;

/* A check: a name for PASS/FAIL lines and the function that runs it. */
struct mb_test {
	const char *name;
	void (*run)(void);
};

/* What differs between the two kernels (mb1_info.c, mb2_info.c). */
struct mb_protocol {
	const char *name;               /* "Multiboot1" */
	uint32_t magic;                 /* in EAX at entry */
	bool modules_page_aligned;      /* the header asked for it */
	/* Copies the information at address into boot, FAILing the running check on each defect. */
	void (*read)(uintptr_t address);
	const struct mb_test *tests;    /* run after the common ones that only read */
	size_t test_count;
};

extern const struct mb_protocol mb_protocol;

/* The command line's options (checks.c, README.md). */
struct mb_options {
	bool has_hvaddr;
	uint64_t hvaddr;
	char expect_module[CMDLINE_MAX];        /* comma-separated module names, or "" */
	char module_magic[NAME_MAX];            /* or "" */
	uint64_t min_ram;                       /* bytes available above 1 MiB */
};

extern struct mb_options options;

/* apic.c: the local APIC disabled and enabled again, as some kernels start. */
void test_apic_restart(void);

/* The common checks, in the order they run (checks.c). */
extern const struct mb_test mb_tests_read[];            /* they only read memory */
extern const size_t mb_tests_read_count;
extern const struct mb_test mb_tests_write[];           /* they write (and restore) RAM */
extern const size_t mb_tests_write_count;

/*
 * What main.c found the loader's segments to do.  Each was also read at
 * offset 0xFFFFFFFC: had its limit been below 4 GiB, the kernel would have
 * triple-faulted there, before any output.
 */
struct segment_probe {
	const char *name;
	uint32_t selector;
	bool base_zero;         /* a read through it found the image where it is linked */
	bool writable;          /* a write through it landed there (data segments) */
};

#define SEGMENT_COUNT   6       /* CS DS ES FS GS SS */
extern struct segment_probe entry_segments[SEGMENT_COUNT];
extern uint32_t entry_cr0, entry_cr4;

/* Output (console.c): the print hypercall under veneer, COM1 otherwise. */
void console_init(void);
bool running_under_veneer(void);

/* A physical address as a pointer: protected mode without paging maps them 1:1. */
static inline volatile void *phys_ptr(uint64_t address)
{
	volatile void *p = (volatile void *)(uintptr_t)address;

	/* Hide the value from gcc: address 0 is a real place here. */
	asm("" : "+r"(p));
	return p;
}

/* Memory map queries (checks.c). */
bool map_covers(uint64_t start, uint64_t end, uint32_t type);
bool map_overlaps(uint64_t start, uint64_t end, uint32_t type);
uint64_t map_entry_end(const struct map_entry *e);

/* Copies a NUL-terminated string from guest memory; false if none ends within out_size. */
bool copy_string(char *out, size_t out_size, uint64_t address);

/* Prints and checks the ELF section headers the loader passed (elf_sections.c); count 0: none. */
void read_elf_sections(uint32_t count, uint32_t entry_size, uint32_t name_index, uint64_t table);

/* Adds a structure of the loader's information to boot.regions. */
void add_region(const char *what, uint64_t start, uint64_t length);

/* Sum of bytes with 8-bit wrap-around (ACPI checksums). */
uint8_t byte_sum(const volatile uint8_t *p, size_t length);

void mb_main(void) __attribute__((noreturn));
#endif

#endif
