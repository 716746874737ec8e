/*
 * The Multiboot (version 1) header of mb1guest.elf: the magic, the flags
 * and their checksum (Multiboot 0.6.96, 3.1.1).  The flags ask for
 * page-aligned modules (bit 0) and memory information (bit 1); bit 16 (the
 * a.out kludge) stays clear, so the loader takes the load addresses and
 * the entry point from the ELF headers.  mbguest.ld puts this section
 * first in the image, well inside the file's first 8 KiB.
 */
#include "tests/guests/multiboot/multiboot.h"

#define MB1_FLAGS       (MB1_HEADER_PAGE_ALIGN_MODULES | MB1_HEADER_MEMORY_INFO)

	.section .multiboot, "a"
	.balign	4
	.global	mb1_header
mb1_header:
	.long	MB1_HEADER_MAGIC
	.long	MB1_FLAGS
	.long	-(MB1_HEADER_MAGIC + MB1_FLAGS)	/* the three add up to 0 */
