/*
 * The Multiboot2 header of mb2guest.elf (Multiboot2 2.0, 3.1): magic,
 * architecture 0 (i386 protected mode), length and checksum, then an
 * information request tag and the end tag.  No address tag: the loader
 * takes the load addresses and the entry point from the ELF headers.
 * mbguest.ld puts this section first in the image, well inside the file's
 * first 32 KiB.
 *
 * The request names every tag the kernel checks.  It is not marked
 * optional: a loader must understand each type asked for (all are
 * ordinary ones); it leaves out the framebuffer and ACPI tags when it has
 * nothing to put in them, and the kernel then SKIPs those checks.
 */
#include "tests/guests/multiboot/multiboot.h"

	.section .multiboot, "a"
	.balign	MB2_TAG_ALIGN
	.global	mb2_header
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_HEADER_ARCH_I386
	.long	mb2_header_end - mb2_header
	/* Magic, architecture, length and checksum add up to 0 (mod 2^32). */
	.long	0x100000000 - (MB2_HEADER_MAGIC + MB2_HEADER_ARCH_I386 + (mb2_header_end - mb2_header))

	.balign	MB2_TAG_ALIGN
info_request:
	.word	MB2_HEADER_TAG_INFO_REQUEST
	.word	0				/* flags: not optional */
	.long	info_request_end - info_request
	.long	MB2_TAG_CMDLINE
	.long	MB2_TAG_LOADER_NAME
	.long	MB2_TAG_MODULE
	.long	MB2_TAG_BASIC_MEMINFO
	.long	MB2_TAG_MEMORY_MAP
	.long	MB2_TAG_FRAMEBUFFER
	.long	MB2_TAG_ACPI_OLD
	.long	MB2_TAG_ACPI_NEW
info_request_end:

	.balign	MB2_TAG_ALIGN
	.word	MB2_HEADER_TAG_END
	.word	0
	.long	8
mb2_header_end:
