#include "boot/multiboot2_abi.h"
#include "kernel/elf.h"
#include "vmx/guest/image.h"

#define LINUX_HEADER_MAGIC_OFFSET       0x202
#define MULTIBOOT1_SEARCH               8192
#define MULTIBOOT2_SEARCH               32768

static uint32_t read32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

const char *guest_image_kind_name(enum guest_image_kind kind)
{
	switch (kind) {
	case GUEST_IMAGE_LINUX: return "Linux bzImage";
	case GUEST_IMAGE_MULTIBOOT2: return "Multiboot2 kernel";
	case GUEST_IMAGE_MULTIBOOT1: return "Multiboot kernel";
	case GUEST_IMAGE_TEST_GUEST: return "veneer test guest";
	default: return "unknown";
	}
}

enum guest_image_kind guest_image_detect(const void *data, size_t size, struct multiboot1_header_info *mb1,
					 struct multiboot2_header_info *mb2)
{
	const uint8_t *p = data;

	if (size >= LINUX_HEADER_MAGIC_OFFSET + 4 && read32(p + LINUX_HEADER_MAGIC_OFFSET) == 0x53726448)
		return GUEST_IMAGE_LINUX;       /* "HdrS" */

	/* Multiboot2 first: a kernel may carry both headers, and then it prefers the newer protocol. */
	for (size_t at = 0; at + 16 <= size && at < MULTIBOOT2_SEARCH; at += 8) {
		uint32_t magic = read32(p + at), arch = read32(p + at + 4), length = read32(p + at + 8);
		if (magic == MB2_HEADER_MAGIC && (uint32_t)(magic + arch + length + read32(p + at + 12)) == 0 &&
		    length >= 16 && length <= size - at) {
			mb2->offset = (uint32_t)at;
			mb2->length = length;
			return GUEST_IMAGE_MULTIBOOT2;
		}
	}
	for (size_t at = 0; at + 12 <= size && at < MULTIBOOT1_SEARCH; at += 4) {
		uint32_t magic = read32(p + at), flags = read32(p + at + 4);
		if (magic == MULTIBOOT1_HEADER_MAGIC && (uint32_t)(magic + flags + read32(p + at + 8)) == 0) {
			mb1->offset = (uint32_t)at;
			mb1->flags = flags;
			return GUEST_IMAGE_MULTIBOOT1;
		}
	}
	if (elf_has_magic(data, size))
		return GUEST_IMAGE_TEST_GUEST;
	return GUEST_IMAGE_UNKNOWN;
}
