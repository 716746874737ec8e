#include "boot/multiboot2_abi.h"
#include "kernel/elf.h"
#include "kernel/format.h"
#include "kernel/string.h"
#include "vmx/guest/image.h"

#define MULTIBOOT1_SEARCH               8192
#define MULTIBOOT2_SEARCH               32768

static uint32_t read32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t read16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

#define ZERO_PAGE_EDD_MBR_SIG_BUFFER 0x290      /* the first zero-page field after the largest setup header */
#define BOOT_FLAG_SIGNATURE     0xAA55
#define LOADED_HIGH             0x01
#define MAX_SETUP_SECTS         64              /* GRUB's limit: the setup code must fit below 0x8000 */
#define BZIMAGE_ADDRESS         0x100000ULL
#define INITRD_LIMIT            0x3FFFFFFFULL   /* GRUB caps initrd_addr_max here: some kernels claim more than they handle */
#define OLD_INITRD_ADDR_MAX     0x37FFFFFFULL   /* boot.rst: what a kernel before 2.03 can take */
#define OLD_CMDLINE_MAX         255

bool guest_image_parse_linux(const void *data, size_t size, struct linux_setup_header *h, char *error,
			     size_t error_size)
{
	const uint8_t *p = data;

	memset(h, 0, sizeof(*h));
	if (size < HDR_JUMP + 2)
		FAIL("truncated: %zu bytes is too small for a bzImage's setup header", size);
	h->header_end = HDR_JUMP + 2 + p[HDR_JUMP + 1];
	if (size < h->header_end)
		FAIL("truncated: the setup header runs to %#x, the module holds %zu bytes", h->header_end, size);
	/*
	 * The setup sectors come first: every header field read below lies
	 * in them (below 0x400), whatever the jump at 0x200 claims.
	 */
	_Static_assert(HDR_INIT_SIZE + 4 <= 2 * 512, "a header field beyond the fewest setup sectors (one, and the boot sector)");
	unsigned setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
	if (setup_sects > MAX_SETUP_SECTS)
		FAIL("%u setup sectors: more than the %u a boot loader has room for", setup_sects, MAX_SETUP_SECTS);
	h->kernel_offset = (size_t)(setup_sects + 1) * 512;
	if (size <= h->kernel_offset)
		FAIL("truncated: the module holds %zu bytes, and its %u setup sectors end at %zu", size, setup_sects,
		     h->kernel_offset);
	if (read16(p + HDR_BOOT_FLAG) != BOOT_FLAG_SIGNATURE)
		FAIL("not a bzImage: boot_flag is %#x, not 0xaa55", read16(p + HDR_BOOT_FLAG));
	h->version = read16(p + HDR_VERSION);
	if (h->version < 0x0202)
		FAIL("boot protocol version %u.%02u is too old: veneer needs 2.02 or later", h->version >> 8,
		     h->version & 0xFF);
	if (!(p[HDR_LOADFLAGS] & LOADED_HIGH))
		FAIL("the kernel cannot be loaded at 1 MiB or above (LOADED_HIGH clear): a zImage, not a bzImage");
	if (h->header_end > ZERO_PAGE_EDD_MBR_SIG_BUFFER)
		FAIL("the setup header (to %#x) is larger than the zero page has room for", h->header_end);
	h->kernel_size = size - h->kernel_offset;
	h->announced_size = (uint64_t)read32(p + HDR_SYSSIZE) * 16;

	h->preferred_address = BZIMAGE_ADDRESS;
	if (h->version >= 0x0205) {
		uint32_t alignment = read32(p + HDR_KERNEL_ALIGNMENT);
		/* GRUB ignores the relocatable flag when the alignment is not a power of two. */
		if (alignment && !(alignment & (alignment - 1))) {
			h->alignment = alignment;
			h->relocatable = p[HDR_RELOCATABLE_KERNEL] != 0;
		}
	}
	uint64_t file_room = (h->kernel_size + 4095) & ~4095ULL;
	if (h->version >= 0x020A) {
		if (h->relocatable)
			h->preferred_address = read32(p + HDR_PREF_ADDRESS) |
					       (uint64_t)read32(p + HDR_PREF_ADDRESS + 4) << 32;
		h->init_size = ((uint64_t)read32(p + HDR_INIT_SIZE) + 4095) & ~4095ULL;
		if (h->init_size < file_room)
			h->init_size = file_room;
	} else {
		/* Older kernels do not say how much room decompression takes: keep three times the image. */
		h->init_size = 3 * file_room;
	}
	h->entry_offset = read32(p + HDR_CODE32_START) - (uint32_t)BZIMAGE_ADDRESS;
	h->cmdline_max = h->version >= 0x0206 ? read32(p + HDR_CMDLINE_SIZE) : OLD_CMDLINE_MAX;
	h->initrd_addr_max = h->version >= 0x0203 ? read32(p + HDR_INITRD_ADDR_MAX) : OLD_INITRD_ADDR_MAX;
	if (h->initrd_addr_max > INITRD_LIMIT)
		h->initrd_addr_max = INITRD_LIMIT;
	return true;
}

bool guest_image_address_layout(size_t size, const struct guest_image_address_fields *f, bool multiboot2,
				struct guest_image_layout *layout, char *error, size_t error_size)
{
	memset(layout, 0, sizeof(*layout));
	if (multiboot2 && f->load_addr == 0xFFFFFFFF) {
		/* Multiboot2: load from the file's first byte. */
		layout->file_offset = 0;
		layout->load_address = (uint64_t)f->header_addr - f->header_offset;
		if (f->header_offset > f->header_addr)
			FAIL("header_addr %#x is below the header's own offset %#x in the file", f->header_addr,
			     f->header_offset);
	} else {
		if (f->load_addr > f->header_addr)
			FAIL("load_addr %#x is above header_addr %#x", f->load_addr, f->header_addr);
		if (f->header_addr - f->load_addr > f->header_offset)
			FAIL("header_addr - load_addr (%#x) reaches before the start of the file (header at offset %#x)",
			     f->header_addr - f->load_addr, f->header_offset);
		layout->file_offset = f->header_offset - (f->header_addr - f->load_addr);
		layout->load_address = f->load_addr;
	}
	if (layout->file_offset >= size)
		FAIL("the image starts at offset %#llx, past the end of the %zu-byte file",
		     (unsigned long long)layout->file_offset, size);
	if (f->load_end_addr == 0) {
		layout->file_size = size - layout->file_offset;
	} else {
		if (f->load_end_addr <= layout->load_address)
			FAIL("load_end_addr %#x is not above the load address %#llx", f->load_end_addr,
			     (unsigned long long)layout->load_address);
		layout->file_size = f->load_end_addr - layout->load_address;
		if (layout->file_size > size - layout->file_offset)
			FAIL("truncated: load_end_addr %#x asks for %llu bytes from offset %#llx, the file holds %zu",
			     f->load_end_addr, (unsigned long long)layout->file_size,
			     (unsigned long long)layout->file_offset, size);
	}
	layout->memory_size = layout->file_size;
	if (f->bss_end_addr) {
		uint64_t load_end = layout->load_address + layout->file_size;
		if (f->bss_end_addr < load_end)
			FAIL("bss_end_addr %#x is below the end of the loaded image %#llx", f->bss_end_addr,
			     (unsigned long long)load_end);
		layout->memory_size = f->bss_end_addr - layout->load_address;
	}
	if (layout->load_address + layout->memory_size > 0x100000000ULL)
		FAIL("the image [%#llx-%#llx) does not fit below 4 GiB", (unsigned long long)layout->load_address,
		     (unsigned long long)(layout->load_address + layout->memory_size));
	return true;
}

bool guest_image_multiboot2_info_provided(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOTLOADER_NAME:
	case MB2_TAG_MODULE:
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_MMAP:
	case MB2_TAG_FRAMEBUFFER:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
	case MB2_TAG_LOAD_BASE_ADDR:
		return true;
	default:
		return false;
	}
}

bool guest_image_parse_multiboot2(const void *data, size_t size, const struct multiboot2_header_info *header,
				  struct multiboot2_request *request, char *error, size_t error_size)
{
	const uint8_t *p = data;
	uint64_t at = (uint64_t)header->offset + 16, end = (uint64_t)header->offset + header->length;

	memset(request, 0, sizeof(*request));
	if (end > size)
		FAIL("the Multiboot2 header runs past the end of the file");
	for (;;) {
		if (at + 8 > end)
			FAIL("the Multiboot2 header has no end tag");
		uint32_t type = read16(p + at), flags = read16(p + at + 2), tag_size = read32(p + at + 4);
		bool optional = flags & MB2_HEADER_TAG_OPTIONAL;
		if (tag_size < 8 || tag_size > end - at)
			FAIL("Multiboot2 header tag %u at offset %#llx has a bad size %u", type, (unsigned long long)at,
			     tag_size);
		const uint8_t *t = p + at;
		switch (type) {
		case MB2_HEADER_TAG_END:
			return true;
		case MB2_HEADER_TAG_INFO_REQUEST:
			for (uint32_t i = 8; i + 4 <= tag_size; i += 4) {
				uint32_t wanted = read32(t + i);
				if (!optional && !guest_image_multiboot2_info_provided(wanted))
					FAIL("the kernel requires boot information of type %u, which veneer does not give",
					     wanted);
			}
			break;
		case MB2_HEADER_TAG_ADDRESS:
			if (tag_size < 24)
				FAIL("Multiboot2 address tag is %u bytes, not 24", tag_size);
			request->has_address = true;
			request->address.header_offset = header->offset;
			request->address.header_addr = read32(t + 8);
			request->address.load_addr = read32(t + 12);
			request->address.load_end_addr = read32(t + 16);
			request->address.bss_end_addr = read32(t + 20);
			break;
		case MB2_HEADER_TAG_ENTRY_ADDRESS:
			if (tag_size < 12)
				FAIL("Multiboot2 entry address tag is %u bytes, not 12", tag_size);
			request->has_entry = true;
			request->entry = read32(t + 8);
			break;
		case MB2_HEADER_TAG_RELOCATABLE:
			if (tag_size < 24)
				FAIL("Multiboot2 relocatable tag is %u bytes, not 24", tag_size);
			request->relocatable = true;
			request->min_addr = read32(t + 8);
			request->max_addr = read32(t + 12);
			request->align = read32(t + 16);
			request->preference = read32(t + 20);
			if (request->align & (request->align - 1))
				FAIL("Multiboot2 relocatable tag: alignment %#x is not a power of two", request->align);
			if (request->min_addr > request->max_addr)
				FAIL("Multiboot2 relocatable tag: min_addr %#x is above max_addr %#x", request->min_addr,
				     request->max_addr);
			break;
		case MB2_HEADER_TAG_CONSOLE_FLAGS:
		case MB2_HEADER_TAG_FRAMEBUFFER:
		case MB2_HEADER_TAG_MODULE_ALIGN:       /* modules are page-aligned already */
		case MB2_HEADER_TAG_EFI_BS:             /* EFI tags: veneer's guest never has EFI boot services */
		case MB2_HEADER_TAG_ENTRY_EFI32:
		case MB2_HEADER_TAG_ENTRY_EFI64:
			break;
		default:
			if (!optional)
				FAIL("the Multiboot2 header has a tag of type %u that veneer does not know, not marked optional",
				     type);
			break;
		}
		at += (tag_size + 7) & ~7u;
	}
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

	if (size >= HDR_MAGIC + 4 && read32(p + HDR_MAGIC) == 0x53726448)
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
