/*
 * Multiboot2 header (Multiboot2 specification, section 3.1).
 *
 * GRUB looks for it in the first 32 KiB of the image, 8-byte aligned.  The
 * tags ask for a framebuffer (optional: a BIOS machine may stay in VGA text
 * mode), for the information veneer needs, and say that the 32-bit entry
 * also works when GRUB comes from UEFI: GRUB then exits boot services and
 * enters us in 32-bit protected mode exactly as on a BIOS machine.
 *
 * A Multiboot (version 1) header is present too, only so that a GRUB entry
 * that says "multiboot" instead of "multiboot2" reaches our entry code and
 * gets a clear message instead of "no multiboot header found".
 */
#include "boot/multiboot2_abi.h"

	.section .multiboot, "a"

	.balign 4
multiboot1_header:
	.long	MULTIBOOT1_HEADER_MAGIC
	.long	0
	.long	-(MULTIBOOT1_HEADER_MAGIC)

	.balign 8
multiboot2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	multiboot2_header_end - multiboot2_header
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))

	/* Information request: optional, so a BIOS GRUB that has no EFI tags still boots us. */
	.balign 8
info_request:
	.short	MB2_HEADER_TAG_INFO_REQUEST
	.short	MB2_HEADER_TAG_OPTIONAL
	.long	info_request_end - info_request
	.long	MB2_TAG_CMDLINE
	.long	MB2_TAG_MODULE
	.long	MB2_TAG_MMAP
	.long	MB2_TAG_FRAMEBUFFER
	.long	MB2_TAG_ACPI_OLD
	.long	MB2_TAG_ACPI_NEW
	.long	MB2_TAG_EFI_MMAP
info_request_end:

	/* Modules page-aligned: the guest loader maps and copies them by page. */
	.balign 8
	.short	MB2_HEADER_TAG_MODULE_ALIGN
	.short	0
	.long	8

	/* Console: we can drive an EGA text console or a linear framebuffer. */
	.balign 8
	.short	MB2_HEADER_TAG_CONSOLE_FLAGS
	.short	MB2_HEADER_TAG_OPTIONAL
	.long	12
	.long	MB2_CONSOLE_EGA_TEXT_SUPPORTED

	/* Framebuffer: no preferred geometry; GRUB's gfxpayload decides. */
	.balign 8
	.short	MB2_HEADER_TAG_FRAMEBUFFER
	.short	MB2_HEADER_TAG_OPTIONAL
	.long	20
	.long	0
	.long	0
	.long	32

	.balign 8
	.short	MB2_HEADER_TAG_END
	.short	0
	.long	8
multiboot2_header_end:
