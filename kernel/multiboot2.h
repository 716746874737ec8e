/*
 * The Multiboot2 boot information (Multiboot2 specification 2.0, section
 * 3.6), checked and decoded into one plain structure.
 *
 * The boot loader's structure is the only thing the kernel knows about the
 * machine before it has a memory map, so nothing in it is trusted: every
 * size is checked against the bytes that are really there before anything
 * is read, and a malformed structure is refused with a message that names
 * the tag and its offset.  The parser is pure (no logging, no globals) so
 * the host unit tests run it on hand-built structures.
 */
#ifndef VENEER_KERNEL_MULTIBOOT2_H
#define VENEER_KERNEL_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot2_abi.h"
#include "kernel/framebuffer.h"

/*
 * Real machines report a few dozen memory map entries and veneer boots one
 * or two modules; more than this is refused rather than silently cut short,
 * because a truncated memory map could hide a reserved range.
 */
#define MB2_MAX_MEMORY_RANGES   128
#define MB2_MAX_MODULES         16

struct mb2_memory_range {
	uint64_t base;
	uint64_t length;
	uint32_t type;          /* MB2_MEMORY_* */
};

struct mb2_module {
	uint64_t start;
	uint64_t end;           /* exclusive */
	const char *cmdline;    /* points into the boot information */
};

/*
 * Pointers point into the boot information, which must therefore stay
 * mapped and untouched for as long as they are used.  Of a tag type that
 * should appear once (everything but modules), the first instance is used;
 * later ones are still checked.
 */
struct mb2_info {
	uint64_t info_start;            /* address of the structure */
	uint64_t info_size;             /* its total_size */

	const char *cmdline;            /* "" when absent */
	const char *bootloader_name;    /* NULL when absent */

	struct mb2_memory_range memory[MB2_MAX_MEMORY_RANGES];
	size_t memory_count;            /* 0 when there is no memory map tag */

	struct mb2_module modules[MB2_MAX_MODULES];
	size_t module_count;

	/* A copy of the RSDP inside the tag; the ACPI 2.0 one when both are given. */
	const void *rsdp;               /* NULL when absent */
	size_t rsdp_size;
	unsigned int rsdp_revision;     /* 0 from the old tag, 2 from the new */

	struct framebuffer_info framebuffer;    /* kind FRAMEBUFFER_NONE when absent */

	/* The UEFI memory map, present only when the loader exited boot services. */
	const void *efi_memory_map;     /* NULL when absent */
	size_t efi_memory_map_size;
	uint32_t efi_descriptor_size;
	uint32_t efi_descriptor_version;
	uint64_t efi_system_table;      /* physical address, 0 when absent */

	bool has_basic_meminfo;
	uint32_t mem_lower_kib;         /* conventional memory below 1 MiB */
	uint32_t mem_upper_kib;         /* from 1 MiB to the first hole */

	bool booted_from_efi;           /* an EFI system table or memory map tag was seen */

	/* Section 3.6.6: the BIOS drive and partitions the boot loader came from (GRUB's root device). */
	bool has_boot_device;
	uint32_t boot_biosdev, boot_slice, boot_part;   /* slice, part: 0xFFFFFFFF when there is none */

	/* Section 3.6.10: the APM BIOS's protected-mode interface, as INT 15h AX=5303h reported it. */
	const void *apm;                /* the MB2_APM_SIZE bytes after the tag header; NULL when absent */

	/* Section 3.6.8: VBE mode, protected-mode interface and the controller's and mode's info blocks. */
	const void *vbe;                /* the MB2_VBE_SIZE bytes after the tag header; NULL when absent */
};

/* Payload sizes (after the 8-byte tag header) of the tags passed on as they are. */
#define MB2_APM_SIZE            20      /* version .. dseg_len: nine 16-bit fields and a 32-bit offset */
#define MB2_VBE_SIZE            776     /* mode, interface seg/off/len, 512-byte control info, 256-byte mode info */

enum mb2_result {
	MB2_OK,
	MB2_ERROR,
};

/* tag_type when the fault is in the fixed header rather than in a tag. */
#define MB2_NO_TAG              UINT32_MAX

struct mb2_error {
	char message[160];
	uint32_t tag_type;      /* the offending tag, or MB2_NO_TAG */
	size_t offset;          /* of that tag from the start of the structure */
};

/*
 * Check and decode the boot information at @info.  @available is how many
 * bytes at @info the caller can vouch are readable; nothing beyond
 * min(total_size, available) is read, and nothing the structure merely
 * points at (modules, the real RSDP) is touched.  On MB2_ERROR, @err (which
 * may be NULL) says why and @out must not be used.
 */
enum mb2_result mb2_parse(const void *info, size_t available, struct mb2_info *out,
			  struct mb2_error *err);

/* Short names for logs: "memory map", "ACPI new RSDP", "unknown". */
const char *mb2_tag_name(uint32_t type);
const char *mb2_memory_type_name(uint32_t type);

/* RAM the kernel may allocate from: available and not empty. */
bool mb2_range_is_usable(const struct mb2_memory_range *range);

#endif
