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

/* True if data starts with the ELF magic (worth parsing as ELF). */
bool elf_has_magic(const void *data, size_t size);

#endif
