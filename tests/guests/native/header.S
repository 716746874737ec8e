/*
 * The Multiboot (version 1) header that makes the test programs a kernel
 * GRUB boots by itself (mbtests32*.elf): magic, flags, checksum (Multiboot
 * 0.6.96, 3.1.1).  The flags ask for memory information (bit 1); bit 16,
 * the a.out kludge, stays clear, so the loader takes the load addresses
 * and the entry point from the ELF headers.  mbtests.ld puts this section
 * first, inside the file's first 8 KiB.
 */
#include "tests/guests/multiboot/multiboot.h"

#define MBTESTS_FLAGS   MB1_HEADER_MEMORY_INFO

	.section .multiboot, "a"
	.balign	4
	.long	MB1_HEADER_MAGIC
	.long	MBTESTS_FLAGS
	.long	-(MB1_HEADER_MAGIC + MBTESTS_FLAGS)	/* the three add up to 0 */
