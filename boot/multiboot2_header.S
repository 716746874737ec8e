/*
 * Multiboot2 header (Multiboot2 specification, section 3.1).
 *
 * GRUB looks for it in the first 32 KiB of the image, 8-byte aligned.  The
 * tags ask for a framebuffer (optional: a BIOS machine may stay in VGA text
 * mode), for the information veneer needs, and say that the 32-bit entry
 * also works when GRUB comes from UEFI: GRUB then exits boot services and
 * enters us in 32-bit protected mode exactly as on a BIOS machine.
 *
 * The relocatable tag asks GRUB to load veneer as high as it can below
 * 4 GiB, out of the way of every address a guest kernel may want (kernels
 * linked at 1, 2, 4 or 8 MiB); optional, so a loader without it loads
 * veneer at its link address, which works too.
 *
 * A Multiboot (version 1) header is present too, only so that a GRUB entry
 * that says "multiboot" instead of "multiboot2" reaches our entry code and
 * gets a clear message instead of "no multiboot header found".
 */
#include "boot/boot_layout.h"
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

	/* Relocatable image ("Relocatable header tag"): min_addr, max_addr, align, preference. */
	.balign 8
	.short	MB2_HEADER_TAG_RELOCATABLE
	.short	MB2_HEADER_TAG_OPTIONAL
	.long	24
	.long	KERNEL_LOAD_MIN
	.long	KERNEL_LOAD_MAX
	.long	KERNEL_LOAD_ALIGN
	.long	MB2_LOAD_PREFERENCE_HIGH

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
