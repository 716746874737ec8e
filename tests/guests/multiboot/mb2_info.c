/*
 * Reading the Multiboot2 boot information (Multiboot2 2.0, 3.6) into the
 * boot view, and the two checks only Multiboot2 has: the ACPI RSDP tags
 * and the framebuffer tag.  The information is a fixed part (total_size,
 * reserved) and a list of tags, each 8-byte aligned, ending with an end
 * tag.  Every defect found while reading is a FAIL of boot-info.
 */
#include "kernel/format.h"
#include "kernel/string.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/multiboot/multiboot.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "vmx/guest/hypercall_abi.h"

/* Far more than a loader needs; a larger total_size is garbage, not read. */
#define MB2_INFO_SIZE_MAX       0x10000u

struct mb2_fixed {
	uint32_t total_size;
	uint32_t reserved;              /* 0 */
} __attribute__((packed));

struct mb2_tag {
	uint32_t type;
	uint32_t size;                  /* of the tag, without the padding after it */
} __attribute__((packed));

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end;
	char string[];
} __attribute__((packed));

struct mb2_tag_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower;
	uint32_t mem_upper;
} __attribute__((packed));

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;
	uint32_t entry_version;         /* 0 */
} __attribute__((packed));

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
} __attribute__((packed));

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t fb_type;
	uint16_t reserved;
	/* colour information follows, by type */
} __attribute__((packed));

/* ACPI 6.5, 5.2.5.3 "Root System Description Pointer (RSDP) Structure". */
struct acpi_rsdp {
	char signature[8];              /* "RSD PTR " */
	uint8_t checksum;               /* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;               /* 0: ACPI 1.0, 20 bytes; 2: the rest is there */
	uint32_t rsdt_address;
	uint32_t length;                /* revision 2 on */
	uint64_t xsdt_address;
	uint8_t extended_checksum;      /* of all length bytes */
	uint8_t reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_V1_SIZE       20
#define ACPI_RSDP_V2_SIZE       36
#define ACPI_TABLE_HEADER_SIZE  36
#define ACPI_TABLE_SIZE_MAX     0x10000u        /* enough for any RSDT or XSDT */

/* 5.2.6 "System Description Table Header", as far as it is read here. */
struct acpi_table_header {
	char signature[4];
	uint32_t length;
} __attribute__((packed));

/* Tags that may appear only once, by type (all below 32). */
#define SINGLE_TAGS     (1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_LOADER_NAME |           \
			 1u << MB2_TAG_BASIC_MEMINFO | 1u << MB2_TAG_MEMORY_MAP |       \
			 1u << MB2_TAG_FRAMEBUFFER | 1u << MB2_TAG_ACPI_OLD |           \
			 1u << MB2_TAG_ACPI_NEW)

/* Where the tags for the Multiboot2-only checks are (0: absent), and their payload sizes. */
static uintptr_t framebuffer_tag;
static uintptr_t rsdp_old, rsdp_new;
static uint32_t rsdp_old_size, rsdp_new_size;

static uint32_t align_tag(uint32_t offset)
{
	return (offset + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1);
}

/* A string that fills the rest of a tag: NUL inside the tag, and it fits out. */
static void tag_string(const char *what, uintptr_t address, uint32_t room, char *out, size_t size)
{
	const volatile char *s = phys_ptr(address);
	uint32_t length = 0;

	while (length < room && s[length])
		length++;
	if (!check(length < room, "%s tag: no NUL inside the tag", what))
		return;
	if (!check(length < size, "%s tag: %u bytes, more than the %zu this kernel reads", what, length,
		   size - 1))
		length = (uint32_t)size - 1;
	for (uint32_t i = 0; i < length; i++)
		out[i] = s[i];
	out[length] = '\0';
}

static void read_module(uintptr_t address, uint32_t size)
{
	const volatile struct mb2_tag_module *t = phys_ptr(address);

	if (!check(size > sizeof(*t), "module tag: size %u, less than %zu", size, sizeof(*t) + 1))
		return;
	if (!check(boot.module_count < MODULES_MAX, "more than the %u module tags this kernel reads",
		   MODULES_MAX))
		return;
	struct module *m = &boot.modules[boot.module_count++];

	m->start = t->mod_start;
	m->end = t->mod_end;
	tag_string("module", address + sizeof(*t), size - sizeof(*t), m->string, sizeof(m->string));
}

static void read_memory_map(uintptr_t address, uint32_t size)
{
	const volatile struct mb2_tag_mmap *t = phys_ptr(address);

	boot.has_map = true;
	if (!check(size >= sizeof(*t), "memory map tag: size %u, less than %zu", size, sizeof(*t)))
		return;
	uint32_t entry_size = t->entry_size, room = size - sizeof(*t);

	check(t->entry_version == 0, "memory map tag: entry_version %u, expected 0", t->entry_version);
	if (!check(entry_size >= sizeof(struct mb2_mmap_entry) && entry_size % 8 == 0,
		   "memory map tag: entry_size %u, expected a multiple of 8, at least %zu", entry_size,
		   sizeof(struct mb2_mmap_entry)))
		return;
	check(room % entry_size == 0, "memory map tag: %u bytes of entries, not a multiple of entry_size %u",
	      room, entry_size);
	for (uint32_t offset = 0; offset + entry_size <= room; offset += entry_size) {
		const volatile struct mb2_mmap_entry *e = phys_ptr(address + sizeof(*t) + offset);

		if (!check(boot.map_count < MAP_MAX, "memory map: more than the %u entries this kernel reads",
			   MAP_MAX))
			return;
		boot.map[boot.map_count++] = (struct map_entry){ e->base_addr, e->length, e->type };
	}
}

static void read_tag(uint32_t type, uintptr_t address, uint32_t size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		boot.has_cmdline = true;
		tag_string("command line", address + sizeof(struct mb2_tag), size - sizeof(struct mb2_tag),
			   boot.cmdline, sizeof(boot.cmdline));
		break;
	case MB2_TAG_LOADER_NAME:
		boot.has_loader_name = true;
		tag_string("boot loader name", address + sizeof(struct mb2_tag), size - sizeof(struct mb2_tag),
			   boot.loader_name, sizeof(boot.loader_name));
		break;
	case MB2_TAG_MODULE:
		read_module(address, size);
		break;
	case MB2_TAG_BASIC_MEMINFO: {
		const volatile struct mb2_tag_meminfo *t = phys_ptr(address);

		if (check(size == sizeof(*t), "basic memory information tag: size %u, expected %zu", size,
			  sizeof(*t))) {
			boot.has_meminfo = true;
			boot.mem_lower = t->mem_lower;
			boot.mem_upper = t->mem_upper;
		}
		break;
	}
	case MB2_TAG_MEMORY_MAP:
		read_memory_map(address, size);
		break;
	case MB2_TAG_BOOT_DEVICE:
		if (check(size >= sizeof(struct mb2_tag) + 12, "boot device tag: size %u, less than 20", size)) {
			const volatile uint32_t *d = phys_ptr(address + sizeof(struct mb2_tag));
			guest_printf("INFO: boot device tag: biosdev 0x%x, partition 0x%x, sub-partition 0x%x", d[0],
				     d[1], d[2]);
		}
		break;
	case MB2_TAG_APM:
		if (check(size >= sizeof(struct mb2_tag) + 20, "APM tag: size %u, less than 28", size)) {
			const volatile uint16_t *a = phys_ptr(address + sizeof(struct mb2_tag));
			/* version, cseg, offset (32 bits), cseg_16, dseg, flags, cseg_len, cseg_16_len, dseg_len */
			guest_printf("INFO: APM tag: version 0x%x, cseg 0x%x, offset 0x%x, cseg_16 0x%x, dseg 0x%x, "
				     "flags 0x%x, lengths 0x%x 0x%x 0x%x", a[0], a[1], a[2] | (uint32_t)a[3] << 16,
				     a[4], a[5], a[6], a[7], a[8], a[9]);
		}
		break;
	case MB2_TAG_VBE:
		if (check(size >= sizeof(struct mb2_tag) + 8, "VBE tag: size %u, less than 16", size)) {
			const volatile uint16_t *v = phys_ptr(address + sizeof(struct mb2_tag));
			guest_printf("INFO: VBE mode 0x%x, interface %x:%x, %u bytes", v[0], v[1], v[2], v[3]);
		}
		break;
	case MB2_TAG_ELF_SECTIONS:
		if (check(size >= sizeof(struct mb2_tag) + 12, "ELF sections tag: size %u, less than 20", size)) {
			const volatile uint32_t *e = phys_ptr(address + sizeof(struct mb2_tag));
			uint32_t count = e[0], entry_size = e[1];
			if (check((uint64_t)count * entry_size <= size - 20,
				  "ELF sections tag: %u headers of %u bytes do not fit in its %u bytes", count,
				  entry_size, size))
				read_elf_sections(count, entry_size, e[2], address + 20);
		}
		break;
	case MB2_TAG_LOAD_BASE_ADDR:
		if (check(size >= sizeof(struct mb2_tag) + 4, "load base address tag: size %u, less than 12", size))
			guest_printf("INFO: load base address 0x%x",
				     *(const volatile uint32_t *)phys_ptr(address + sizeof(struct mb2_tag)));
		break;
	case MB2_TAG_FRAMEBUFFER:
		if (check(size >= sizeof(struct mb2_tag_framebuffer), "framebuffer tag: size %u, less than %zu",
			  size, sizeof(struct mb2_tag_framebuffer)))
			framebuffer_tag = address;
		break;
	case MB2_TAG_ACPI_OLD:
		if (check(size >= sizeof(struct mb2_tag) + ACPI_RSDP_V1_SIZE,
			  "ACPI old RSDP tag: size %u, less than %u", size,
			  (unsigned)sizeof(struct mb2_tag) + ACPI_RSDP_V1_SIZE)) {
			rsdp_old = address + sizeof(struct mb2_tag);
			rsdp_old_size = size - sizeof(struct mb2_tag);
		}
		break;
	case MB2_TAG_ACPI_NEW:
		if (check(size >= sizeof(struct mb2_tag) + ACPI_RSDP_V2_SIZE,
			  "ACPI new RSDP tag: size %u, less than %u", size,
			  (unsigned)sizeof(struct mb2_tag) + ACPI_RSDP_V2_SIZE)) {
			rsdp_new = address + sizeof(struct mb2_tag);
			rsdp_new_size = size - sizeof(struct mb2_tag);
		}
		break;
	default:
		break;          /* other tags are the loader's business */
	}
}

static void mb2_read(uintptr_t address)
{
	const volatile struct mb2_fixed *fixed = phys_ptr(address);
	uint32_t total = fixed->total_size, offset = sizeof(*fixed), seen = 0;
	char types[VENEER_HC_PRINT_MAX] = "";
	size_t used = 0;
	bool ended = false;

	boot.has_modules = true;        /* a module list without module tags is empty */
	check(address % MB2_TAG_ALIGN == 0, "information at 0x%lx is not 8-byte aligned", (unsigned long)address);
	if (!check(total >= sizeof(*fixed) + sizeof(struct mb2_tag) && total <= MB2_INFO_SIZE_MAX,
		   "total_size %u: not between %zu and %u", total, sizeof(*fixed) + sizeof(struct mb2_tag),
		   MB2_INFO_SIZE_MAX))
		return;
	add_region("information structure", address, total);
	check(fixed->reserved == 0, "reserved field 0x%x, expected 0", fixed->reserved);

	while (offset + sizeof(struct mb2_tag) <= total) {
		const volatile struct mb2_tag *tag = phys_ptr(address + offset);
		uint32_t type = tag->type, size = tag->size;

		if (!check(size >= sizeof(*tag) && size <= total - offset,
			   "tag type %u at offset %u: size %u does not fit in total_size %u", type, offset, size,
			   total))
			break;
		if (type == MB2_TAG_END) {
			check(size == sizeof(*tag), "end tag: size %u, expected %zu", size, sizeof(*tag));
			ended = true;
			offset += size;
			break;
		}
		if (type < 32 && (SINGLE_TAGS & (1u << type)))
			check(!(seen & (1u << type)), "tag type %u appears twice", type);
		if (type < 32)
			seen |= 1u << type;
		if (used < sizeof(types))
			used += (size_t)format(types + used, sizeof(types) - used, " %u", type);
		read_tag(type, address + offset, size);
		offset = align_tag(offset + size);
	}
	if (check(ended, "no end tag within total_size %u", total))
		check(offset == total, "the end tag ends at offset %u, total_size is %u", offset, total);
	guest_printf("INFO: information structure at 0x%lx, %u bytes, tags:%s", (unsigned long)address, total,
		     types);
	/* Again alone, for a comparison of the lists. */
	guest_printf("INFO: tag types:%s", types);
}

/* ACPI tables: signature, a believable length, bytes summing to 0. */
static void check_acpi_table(const char *name, uint64_t address)
{
	if (!check(address != 0, "%s address is 0", name))
		return;
	if (address >= 4 * GIB) {
		guest_printf("INFO: %s at 0x%llx, above 4 GiB: not read", name, (unsigned long long)address);
		return;
	}
	const volatile struct acpi_table_header *h = phys_ptr(address);
	char signature[5] = { h->signature[0], h->signature[1], h->signature[2], h->signature[3], 0 };
	uint32_t length = h->length;

	if (!check(memcmp(signature, name, 4) == 0, "%s at 0x%llx: signature '%s'", name,
		   (unsigned long long)address, signature))
		return;
	if (!check(length >= ACPI_TABLE_HEADER_SIZE && length <= ACPI_TABLE_SIZE_MAX,
		   "%s at 0x%llx: length %u", name, (unsigned long long)address, length))
		return;
	check(byte_sum(phys_ptr(address), length) == 0, "%s at 0x%llx: checksum wrong", name,
	      (unsigned long long)address);
}

static void check_rsdp(const char *tag, uintptr_t address, uint32_t room, bool is_new)
{
	const volatile struct acpi_rsdp *r = phys_ptr(address);
	char signature[9];

	for (int i = 0; i < 8; i++)
		signature[i] = r->signature[i];
	signature[8] = '\0';
	if (!check(memcmp(signature, "RSD PTR ", 8) == 0, "%s tag: signature '%s'", tag, signature))
		return;
	check(byte_sum(phys_ptr(address), ACPI_RSDP_V1_SIZE) == 0, "%s tag: checksum of the first %u bytes wrong",
	      tag, ACPI_RSDP_V1_SIZE);
	guest_printf("INFO: %s tag: RSDP revision %u, RSDT 0x%x", tag, r->revision, r->rsdt_address);
	if (is_new) {
		uint32_t length = r->length;

		if (!check(r->revision >= 2, "%s tag: RSDP revision %u, expected 2 or more", tag, r->revision))
			return;
		if (!check(length >= ACPI_RSDP_V2_SIZE && length <= room,
			   "%s tag: RSDP length %u, expected %u up to the tag's %u bytes", tag, length,
			   ACPI_RSDP_V2_SIZE, room))
			return;
		check(byte_sum(phys_ptr(address), length) == 0, "%s tag: extended checksum wrong", tag);
		if (r->xsdt_address)
			check_acpi_table("XSDT", r->xsdt_address);
	}
	if (r->rsdt_address || !is_new)
		check_acpi_table("RSDT", r->rsdt_address);
}

static void test_acpi(void)
{
	if (!rsdp_old && !rsdp_new) {
		skip("no ACPI RSDP tag (type 14 or 15)");
		return;
	}
	if (rsdp_old)
		check_rsdp("ACPI old RSDP", rsdp_old, rsdp_old_size, false);
	if (rsdp_new)
		check_rsdp("ACPI new RSDP", rsdp_new, rsdp_new_size, true);
}

static void test_framebuffer(void)
{
	if (!framebuffer_tag) {
		skip("no framebuffer tag (type 8)");
		return;
	}
	const volatile struct mb2_tag_framebuffer *f = phys_ptr(framebuffer_tag);
	uint64_t addr = f->addr;
	uint32_t pitch = f->pitch, width = f->width, height = f->height;
	unsigned bpp = f->bpp, type = f->fb_type;

	guest_printf("INFO: framebuffer at 0x%llx, %ux%u, %u bits per pixel, pitch %u, type %u",
		     (unsigned long long)addr, width, height, bpp, pitch, type);
	check(addr != 0, "address 0");
	check(width != 0 && height != 0, "size %ux%u", width, height);
	if (!check(type <= MB2_FRAMEBUFFER_EGA_TEXT, "type %u is not defined", type))
		return;
	if (type == MB2_FRAMEBUFFER_EGA_TEXT) {
		/* Width and height count characters; each is a character and an attribute byte. */
		check(bpp == 16, "EGA text: %u bits per character, expected 16", bpp);
		check(pitch >= width * 2, "EGA text: pitch %u, less than %u columns of 2 bytes", pitch, width);
	} else {
		check(bpp != 0, "0 bits per pixel");
		check((uint64_t)pitch * 8 >= (uint64_t)width * bpp, "pitch %u, less than %u pixels of %u bits",
		      pitch, width, bpp);
	}
	check(!map_overlaps(addr, addr + (uint64_t)pitch * height, MB_MEMORY_AVAILABLE),
	      "[0x%llx, 0x%llx) overlaps memory the map calls available", (unsigned long long)addr,
	      (unsigned long long)(addr + (uint64_t)pitch * height));
}

static const struct mb_test mb2_tests[] = {
	{ "acpi", test_acpi },
	{ "framebuffer", test_framebuffer },
};

const struct mb_protocol mb_protocol = {
	.name = "Multiboot2",
	.magic = MB2_BOOTLOADER_MAGIC,
	.modules_page_aligned = false,  /* mb2_header.S has no module alignment tag */
	.read = mb2_read,
	.tests = mb2_tests,
	.test_count = sizeof(mb2_tests) / sizeof(mb2_tests[0]),
};
