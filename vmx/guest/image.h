/*
 * What kind of kernel a guest module holds, told from its contents:
 *   - a Linux bzImage: "HdrS" at 0x202 (Linux boot protocol, x86);
 *   - a Multiboot2 kernel: its header (magic 0xE85250D6, 8-byte aligned,
 *     in the first 32 KiB, checksum right);
 *   - a Multiboot kernel: its header (magic 0x1BADB002, 4-byte aligned, in
 *     the first 8 KiB, checksum right);
 *   - one of veneer's own test guests: any other ELF executable.
 * Pure: unit-tested.
 */
#ifndef VENEER_VMX_GUEST_IMAGE_H
#define VENEER_VMX_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum guest_image_kind {
	GUEST_IMAGE_UNKNOWN,
	GUEST_IMAGE_LINUX,
	GUEST_IMAGE_MULTIBOOT2,
	GUEST_IMAGE_MULTIBOOT1,
	GUEST_IMAGE_TEST_GUEST,
};

struct multiboot1_header_info {
	uint32_t offset;        /* of the header in the image */
	uint32_t flags;
};

struct multiboot2_header_info {
	uint32_t offset;
	uint32_t length;
};

enum guest_image_kind guest_image_detect(const void *data, size_t size, struct multiboot1_header_info *mb1,
					 struct multiboot2_header_info *mb2);
const char *guest_image_kind_name(enum guest_image_kind kind);

#endif
