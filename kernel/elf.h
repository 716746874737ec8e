/*
 * Checking and describing an ELF executable held in memory (a GRUB module)
 * before anything is copied out of it.  Pure: the host tests feed it
 * truncated and corrupt images.  ELF facts from the System V ABI (gABI)
 * and its i386 and x86-64 supplements.
 */
#ifndef VENEER_KERNEL_ELF_H
#define VENEER_KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t physical_address;      /* p_paddr: where the image wants it in (guest-)physical memory */
	uint64_t file_offset;
	uint64_t file_size;
	uint64_t memory_size;           /* >= file_size; the rest is zeroed */
	uint32_t flags;                 /* PF_X 1, PF_W 2, PF_R 4 */
};

struct elf_image {
	unsigned bits;                  /* 32 or 64 */
	uint64_t entry;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	size_t segment_count;           /* PT_LOAD segments only */
};

/* Returns true and fills image, or false with a message naming the problem. */
bool elf_parse(const void *data, size_t size, struct elf_image *image, char *error, size_t error_size);

/*
 * The section header table (gABI, "Sections"), for a boot loader that
 * hands it to the kernel (Multiboot's ELF section header information).
 * Extended numbering is resolved: a count or name index too large for the
 * ELF header's 16 bits is in section 0's sh_size or sh_link.
 */
struct elf_section_table {
	unsigned bits;                  /* 32 or 64: which header layout */
	uint64_t offset;                /* e_shoff */
	uint32_t count;                 /* 0: the file has none */
	uint32_t entry_size;            /* e_shentsize */
	uint32_t name_index;            /* e_shstrndx: the section of section names */
};

struct elf_section {
	uint32_t type;                  /* sh_type */
	uint64_t address;               /* sh_addr: 0 for a section not in a loaded segment */
	uint64_t file_offset;           /* sh_offset */
	uint64_t size;                  /* sh_size */
	uint64_t alignment;             /* sh_addralign: 0 and 1 mean none */
};

#define ELF_SHT_NOBITS  8               /* occupies no file bytes (.bss) */

/*
 * Finds the table of an image elf_parse() accepted; false with a message
 * when it does not lie inside the file or its entries are too small.
 */
bool elf_parse_sections(const void *data, size_t size, struct elf_section_table *table, char *error,
			size_t error_size);
/* Reads one entry of a table (its entry_size bytes at header). */
void elf_read_section(const void *header, unsigned bits, struct elf_section *section);
/* Writes sh_addr of one entry: where a loader put a section. */
void elf_write_section_address(void *header, unsigned bits, uint64_t address);

/* True if data starts with the ELF magic (worth parsing as ELF). */
bool elf_has_magic(const void *data, size_t size);

#endif
