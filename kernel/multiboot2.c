/*
 * Multiboot2 boot information parser (Multiboot2 specification 2.0,
 * section 3.6).
 *
 * The structure is a fixed 8-byte header (total_size, reserved) followed
 * by tags.  Every tag starts with (type, size), where size counts the tag
 * header but not the padding that brings the next tag to an 8-byte
 * boundary; the list ends with a tag of type 0 and size 8.  The parser
 * walks that list once.  Before it reads any field it has checked that the
 * field lies inside the tag and the tag inside total_size, and total_size
 * inside what the caller says is readable, so no boot loader bug can make
 * it read stray memory.  Fields are read with byte copies, never through
 * cast pointers, so the compiler may assume nothing about alignment.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/format.h"
#include "kernel/multiboot2.h"
#include "kernel/string.h"

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))

/* Wire layouts, section 3.6.  Strings and variable parts follow these. */
struct mb2_fixed_header {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end;
	/* NUL-terminated command line */
};

struct mb2_tag_basic_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower;
	uint32_t mem_upper;
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;
	uint32_t entry_version;
	/* entries of entry_size bytes, each starting with a mb2_mmap_entry */
};

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

/*
 * The prose of section 3.6.12 gives 'reserved' one byte, but the
 * specification's own example header (section 4.4) and GRUB make it two,
 * so the colour information starts at offset 32.  Only the fields before
 * 'reserved' are required to be present.
 */
struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;
	uint16_t reserved;
	/* colour information */
};

#define FRAMEBUFFER_COMMON_SIZE (offsetof(struct mb2_tag_framebuffer, reserved) + 1)

struct mb2_framebuffer_rgb {
	uint8_t red_position;
	uint8_t red_size;
	uint8_t green_position;
	uint8_t green_size;
	uint8_t blue_position;
	uint8_t blue_size;
};

#define PALETTE_ENTRY_SIZE      3       /* red, green, blue bytes */

struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	uint32_t descriptor_size;
	uint32_t descriptor_version;
	/* the map as GetMemoryMap() returned it */
};

/* EFI_MEMORY_DESCRIPTOR (UEFI 2.10, section 7.2): firmware may use a larger stride. */
#define EFI_MEMORY_DESCRIPTOR_SIZE      40

#define ACPI_RSDP_V1_SIZE       20      /* ACPI 6.5, section 5.2.5.3 */
#define ACPI_RSDP_V2_SIZE       36

static const char *const tag_names[] = {
	[MB2_TAG_END]             = "end",
	[MB2_TAG_CMDLINE]         = "command line",
	[MB2_TAG_BOOTLOADER_NAME] = "boot loader name",
	[MB2_TAG_MODULE]          = "module",
	[MB2_TAG_BASIC_MEMINFO]   = "basic memory information",
	[MB2_TAG_BOOTDEV]         = "BIOS boot device",
	[MB2_TAG_MMAP]            = "memory map",
	[MB2_TAG_VBE]             = "VBE information",
	[MB2_TAG_FRAMEBUFFER]     = "framebuffer",
	[MB2_TAG_ELF_SECTIONS]    = "ELF sections",
	[MB2_TAG_APM]             = "APM table",
	[MB2_TAG_EFI32]           = "EFI 32-bit system table",
	[MB2_TAG_EFI64]           = "EFI 64-bit system table",
	[MB2_TAG_SMBIOS]          = "SMBIOS tables",
	[MB2_TAG_ACPI_OLD]        = "ACPI old RSDP",
	[MB2_TAG_ACPI_NEW]        = "ACPI new RSDP",
	[MB2_TAG_NETWORK]         = "networking information",
	[MB2_TAG_EFI_MMAP]        = "EFI memory map",
	[MB2_TAG_EFI_BS]          = "EFI boot services not terminated",
	[MB2_TAG_EFI32_IH]        = "EFI 32-bit image handle",
	[MB2_TAG_EFI64_IH]        = "EFI 64-bit image handle",
	[MB2_TAG_LOAD_BASE_ADDR]  = "image load base address",
};

const char *mb2_tag_name(uint32_t type)
{
	if (type < ARRAY_SIZE(tag_names) && tag_names[type])
		return tag_names[type];
	return "unknown";
}

static const char *const memory_type_names[] = {
	[MB2_MEMORY_AVAILABLE]        = "available",
	[MB2_MEMORY_RESERVED]         = "reserved",
	[MB2_MEMORY_ACPI_RECLAIMABLE] = "ACPI reclaimable",
	[MB2_MEMORY_NVS]              = "ACPI NVS",
	[MB2_MEMORY_BADRAM]           = "bad RAM",
};

const char *mb2_memory_type_name(uint32_t type)
{
	if (type < ARRAY_SIZE(memory_type_names) && memory_type_names[type])
		return memory_type_names[type];
	/* Section 3.6.8: any other value is a reserved area. */
	return "unknown (reserved)";
}

bool mb2_range_is_usable(const struct mb2_memory_range *range)
{
	/* ACPI reclaimable memory still holds the tables we have not read yet. */
	return range->type == MB2_MEMORY_AVAILABLE && range->length != 0;
}

struct parser {
	const uint8_t *base;
	size_t size;            /* total_size, already known to be readable */
	struct mb2_info *out;
	struct mb2_error *err;
	uint32_t seen;          /* one bit per single-instance tag type already used */
};

/* One tag; decoders only see tags already checked to lie wholly inside total_size. */
struct tag_view {
	uint32_t type;
	uint32_t size;
	size_t offset;
	const uint8_t *data;
};

static enum mb2_result fail_v(struct parser *ps, uint32_t type, size_t offset,
			      const char *prefix, const char *fmt, va_list ap)
{
	struct mb2_error *err = ps->err;
	int n;

	if (!err)
		return MB2_ERROR;
	err->tag_type = type;
	err->offset = offset;
	if (prefix)
		n = format(err->message, sizeof(err->message), "%s", prefix);
	else
		n = format(err->message, sizeof(err->message), "%s tag (type %u) at offset 0x%zx: ",
			   mb2_tag_name(type), type, offset);
	if (n >= 0 && (size_t)n < sizeof(err->message))
		format_v(err->message + n, sizeof(err->message) - n, fmt, ap);
	return MB2_ERROR;
}

static enum mb2_result __attribute__((format(printf, 2, 3)))
fail_header(struct parser *ps, const char *fmt, ...)
{
	enum mb2_result r;
	va_list ap;

	va_start(ap, fmt);
	r = fail_v(ps, MB2_NO_TAG, 0, "boot information header: ", fmt, ap);
	va_end(ap);
	return r;
}

static enum mb2_result __attribute__((format(printf, 4, 5)))
fail_tag(struct parser *ps, uint32_t type, size_t offset, const char *fmt, ...)
{
	enum mb2_result r;
	va_list ap;

	va_start(ap, fmt);
	r = fail_v(ps, type, offset, NULL, fmt, ap);
	va_end(ap);
	return r;
}

#define fail(ps, t, ...)        fail_tag(ps, (t)->type, (t)->offset, __VA_ARGS__)

/*
 * Copy @len bytes at @offset in the tag.  Callers have checked that they
 * lie inside the tag; the byte copy keeps unaligned boot loader data from
 * becoming undefined behaviour.
 */
static void load(void *dst, const struct tag_view *t, size_t offset, size_t len)
{
	__builtin_memcpy(dst, t->data + offset, len);
}

/* True the first time a single-instance tag type is met: that one is used. */
static bool first_of_type(struct parser *ps, uint32_t type)
{
	uint32_t bit = 1u << type;

	if (ps->seen & bit)
		return false;
	ps->seen |= bit;
	return true;
}

/*
 * The NUL-terminated string that fills the tag from @offset to its end, or
 * NULL (with the error recorded) when the NUL is missing.
 */
static const char *tag_string(struct parser *ps, const struct tag_view *t, size_t offset)
{
	const char *s = (const char *)t->data + offset;
	size_t room = t->size - offset;

	if (strnlen(s, room) == room) {
		fail(ps, t, "string is not NUL-terminated inside the tag's %u bytes", t->size);
		return NULL;
	}
	return s;
}

static enum mb2_result decode_string_tag(struct parser *ps, const struct tag_view *t)
{
	const char *s = tag_string(ps, t, sizeof(struct mb2_tag));

	if (!s)
		return MB2_ERROR;
	if (!first_of_type(ps, t->type))
		return MB2_OK;
	if (t->type == MB2_TAG_CMDLINE)
		ps->out->cmdline = s;
	else
		ps->out->bootloader_name = s;
	return MB2_OK;
}

static enum mb2_result decode_module(struct parser *ps, const struct tag_view *t)
{
	struct mb2_tag_module m;
	struct mb2_module *mod;
	const char *cmdline;

	load(&m, t, 0, sizeof(m));
	cmdline = tag_string(ps, t, sizeof(m));
	if (!cmdline)
		return MB2_ERROR;
	if (m.mod_start > m.mod_end)
		return fail(ps, t, "start 0x%x is above end 0x%x", m.mod_start, m.mod_end);
	if (ps->out->module_count == MB2_MAX_MODULES)
		return fail(ps, t, "more than %d modules (MB2_MAX_MODULES)", MB2_MAX_MODULES);

	mod = &ps->out->modules[ps->out->module_count++];
	mod->start = m.mod_start;
	mod->end = m.mod_end;
	mod->cmdline = cmdline;
	return MB2_OK;
}

static enum mb2_result decode_basic_meminfo(struct parser *ps, const struct tag_view *t)
{
	struct mb2_tag_basic_meminfo m;

	if (!first_of_type(ps, t->type))
		return MB2_OK;
	load(&m, t, 0, sizeof(m));
	ps->out->has_basic_meminfo = true;
	ps->out->mem_lower_kib = m.mem_lower;
	ps->out->mem_upper_kib = m.mem_upper;
	return MB2_OK;
}

/* Section 3.6.8.  Entries may grow in later versions; we read the first 24 bytes. */
static enum mb2_result decode_mmap(struct parser *ps, const struct tag_view *t)
{
	struct mb2_tag_mmap h;
	size_t bytes, count;
	bool keep;

	load(&h, t, 0, sizeof(h));
	if (h.entry_size < sizeof(struct mb2_mmap_entry))
		return fail(ps, t, "entry size %u is smaller than %zu",
			    h.entry_size, sizeof(struct mb2_mmap_entry));
	if (h.entry_size % 8)
		return fail(ps, t, "entry size %u is not a multiple of 8", h.entry_size);
	if (h.entry_version != 0)
		return fail(ps, t, "entry version %u is not 0", h.entry_version);

	bytes = t->size - sizeof(h);
	if (bytes % h.entry_size)
		return fail(ps, t, "%zu bytes of entries end in a partial %u-byte entry",
			    bytes, h.entry_size);
	count = bytes / h.entry_size;
	if (count > MB2_MAX_MEMORY_RANGES)
		return fail(ps, t, "%zu entries exceed the limit of %d (MB2_MAX_MEMORY_RANGES)",
			    count, MB2_MAX_MEMORY_RANGES);

	keep = first_of_type(ps, t->type);
	for (size_t i = 0; i < count; i++) {
		struct mb2_mmap_entry e;
		struct mb2_memory_range *r;

		load(&e, t, sizeof(h) + i * h.entry_size, sizeof(e));
		/* A range may end exactly at 2^64, but not beyond. */
		if (e.base_addr && e.length > 0 - e.base_addr)
			return fail(ps, t, "entry %zu (base 0x%llx, length 0x%llx) wraps around the address space",
				    i, (unsigned long long)e.base_addr, (unsigned long long)e.length);
		if (!keep)
			continue;
		r = &ps->out->memory[i];
		r->base = e.base_addr;
		r->length = e.length;
		r->type = e.type;
	}
	if (keep)
		ps->out->memory_count = count;
	return MB2_OK;
}

/* Section 3.6.12. */
static enum mb2_result decode_framebuffer(struct parser *ps, const struct tag_view *t)
{
	struct mb2_tag_framebuffer f;
	struct framebuffer_info fb = { 0 };
	size_t need;

	load(&f, t, 0, FRAMEBUFFER_COMMON_SIZE);
	fb.address = f.addr;
	fb.pitch = f.pitch;
	fb.width = f.width;
	fb.height = f.height;
	fb.bpp = f.bpp;

	switch (f.type) {
	case MB2_FRAMEBUFFER_TYPE_RGB: {
		struct mb2_framebuffer_rgb rgb;

		need = sizeof(f) + sizeof(rgb);
		if (t->size < need)
			return fail(ps, t, "size %u is too small for the RGB colour information (at least %zu bytes)",
				    t->size, need);
		if (f.bpp == 0)
			return fail(ps, t, "RGB framebuffer with 0 bits per pixel");
		load(&rgb, t, sizeof(f), sizeof(rgb));
		fb.kind = FRAMEBUFFER_RGB;
		fb.red_position = rgb.red_position;
		fb.red_size = rgb.red_size;
		fb.green_position = rgb.green_position;
		fb.green_size = rgb.green_size;
		fb.blue_position = rgb.blue_position;
		fb.blue_size = rgb.blue_size;
		break;
	}
	case MB2_FRAMEBUFFER_TYPE_INDEXED: {
		uint16_t colours;

		/* We never draw on a palette, but its length must still fit. */
		need = sizeof(f) + sizeof(colours);
		if (t->size < need)
			return fail(ps, t, "size %u is too small for the palette length (at least %zu bytes)",
				    t->size, need);
		load(&colours, t, sizeof(f), sizeof(colours));
		need += (size_t)colours * PALETTE_ENTRY_SIZE;
		if (t->size < need)
			return fail(ps, t, "palette of %u colours needs %zu bytes, the tag has %u",
				    colours, need, t->size);
		fb.kind = FRAMEBUFFER_INDEXED;
		break;
	}
	case MB2_FRAMEBUFFER_TYPE_EGA_TEXT:
		fb.kind = FRAMEBUFFER_EGA_TEXT;
		break;
	default:
		/* A type from a later revision: nothing we can draw on, and no reason to refuse. */
		fb.kind = FRAMEBUFFER_NONE;
		break;
	}

	if (first_of_type(ps, t->type))
		ps->out->framebuffer = fb;
	return MB2_OK;
}

/* Only one system table is used, from whichever EFI tag comes first. */
static enum mb2_result decode_efi_system_table(struct parser *ps, const struct tag_view *t)
{
	ps->out->booted_from_efi = true;
	if (!first_of_type(ps, MB2_TAG_EFI64))
		return MB2_OK;
	if (t->type == MB2_TAG_EFI32) {
		uint32_t pointer;

		load(&pointer, t, sizeof(struct mb2_tag), sizeof(pointer));
		ps->out->efi_system_table = pointer;
	} else {
		load(&ps->out->efi_system_table, t, sizeof(struct mb2_tag), sizeof(uint64_t));
	}
	return MB2_OK;
}

/* Sections 3.6.16 and 3.6.17: a copy of the RSDP, which the ACPI code reads. */
static enum mb2_result decode_acpi(struct parser *ps, const struct tag_view *t)
{
	struct mb2_info *out = ps->out;

	if (!first_of_type(ps, t->type))
		return MB2_OK;
	/* The ACPI 2.0 RSDP also gives the XSDT, so it wins whatever the order. */
	if (t->type == MB2_TAG_ACPI_OLD && out->rsdp_revision == 2)
		return MB2_OK;
	out->rsdp = t->data + sizeof(struct mb2_tag);
	out->rsdp_size = t->size - sizeof(struct mb2_tag);
	out->rsdp_revision = t->type == MB2_TAG_ACPI_NEW ? 2 : 0;
	return MB2_OK;
}

/* Section 3.6.19. */
static enum mb2_result decode_efi_mmap(struct parser *ps, const struct tag_view *t)
{
	struct mb2_tag_efi_mmap h;
	size_t bytes;

	load(&h, t, 0, sizeof(h));
	if (h.descriptor_size < EFI_MEMORY_DESCRIPTOR_SIZE)
		return fail(ps, t, "descriptor size %u is smaller than the %d bytes of EFI_MEMORY_DESCRIPTOR",
			    h.descriptor_size, EFI_MEMORY_DESCRIPTOR_SIZE);
	bytes = t->size - sizeof(h);
	if (bytes % h.descriptor_size)
		return fail(ps, t, "%zu bytes of map end in a partial %u-byte descriptor",
			    bytes, h.descriptor_size);

	ps->out->booted_from_efi = true;
	if (!first_of_type(ps, t->type))
		return MB2_OK;
	ps->out->efi_memory_map = t->data + sizeof(h);
	ps->out->efi_memory_map_size = bytes;
	ps->out->efi_descriptor_size = h.descriptor_size;
	ps->out->efi_descriptor_version = h.descriptor_version;
	return MB2_OK;
}

/* Section 3.6.6: three 32-bit numbers. */
static enum mb2_result decode_boot_device(struct parser *ps, const struct tag_view *t)
{
	struct mb2_info *out = ps->out;

	if (!first_of_type(ps, t->type))
		return MB2_OK;
	out->has_boot_device = true;
	load(&out->boot_biosdev, t, sizeof(struct mb2_tag), 4);
	load(&out->boot_slice, t, sizeof(struct mb2_tag) + 4, 4);
	load(&out->boot_part, t, sizeof(struct mb2_tag) + 8, 4);
	return MB2_OK;
}

/* Sections 3.6.8 and 3.6.10: kept as bytes, for veneer passes them to its guest unread. */
static enum mb2_result decode_passed_on(struct parser *ps, const struct tag_view *t)
{
	if (!first_of_type(ps, t->type))
		return MB2_OK;
	if (t->type == MB2_TAG_APM)
		ps->out->apm = t->data + sizeof(struct mb2_tag);
	else
		ps->out->vbe = t->data + sizeof(struct mb2_tag);
	return MB2_OK;
}

/*
 * The tags we decode.  min_size covers every fixed field the decoder reads,
 * so a decoder may load them without further checks; 'holds' says what
 * those bytes are, for the error message.
 */
struct tag_rule {
	uint32_t min_size;
	const char *holds;
	enum mb2_result (*decode)(struct parser *ps, const struct tag_view *t);
};

static const struct tag_rule tag_rules[] = {
	[MB2_TAG_CMDLINE] = {
		sizeof(struct mb2_tag) + 1, "a NUL-terminated string", decode_string_tag },
	[MB2_TAG_BOOTLOADER_NAME] = {
		sizeof(struct mb2_tag) + 1, "a NUL-terminated string", decode_string_tag },
	[MB2_TAG_MODULE] = {
		sizeof(struct mb2_tag_module) + 1, "two addresses and a NUL-terminated string",
		decode_module },
	[MB2_TAG_BASIC_MEMINFO] = {
		sizeof(struct mb2_tag_basic_meminfo), "mem_lower and mem_upper",
		decode_basic_meminfo },
	[MB2_TAG_MMAP] = {
		sizeof(struct mb2_tag_mmap), "entry_size and entry_version", decode_mmap },
	[MB2_TAG_BOOTDEV] = {
		sizeof(struct mb2_tag) + 12, "biosdev, slice and part", decode_boot_device },
	[MB2_TAG_VBE] = {
		sizeof(struct mb2_tag) + MB2_VBE_SIZE, "the VBE mode, interface and info blocks", decode_passed_on },
	[MB2_TAG_APM] = {
		sizeof(struct mb2_tag) + MB2_APM_SIZE, "the APM interface fields", decode_passed_on },
	[MB2_TAG_FRAMEBUFFER] = {
		FRAMEBUFFER_COMMON_SIZE, "the common framebuffer fields", decode_framebuffer },
	[MB2_TAG_EFI32] = {
		sizeof(struct mb2_tag) + 4, "a 32-bit pointer", decode_efi_system_table },
	[MB2_TAG_EFI64] = {
		sizeof(struct mb2_tag) + 8, "a 64-bit pointer", decode_efi_system_table },
	[MB2_TAG_ACPI_OLD] = {
		sizeof(struct mb2_tag) + ACPI_RSDP_V1_SIZE, "a 20-byte ACPI 1.0 RSDP", decode_acpi },
	[MB2_TAG_ACPI_NEW] = {
		sizeof(struct mb2_tag) + ACPI_RSDP_V2_SIZE, "a 36-byte ACPI 2.0 RSDP", decode_acpi },
	[MB2_TAG_EFI_MMAP] = {
		sizeof(struct mb2_tag_efi_mmap), "descriptor_size and descriptor_version",
		decode_efi_mmap },
};

/* parser.seen has one bit per decoded type. */
_Static_assert(ARRAY_SIZE(tag_rules) <= 32, "tag types outgrow parser.seen");

static enum mb2_result decode_tag(struct parser *ps, const struct tag_view *t)
{
	const struct tag_rule *rule;

	/* Tags we have no use for, and types newer than we know, are skipped. */
	if (t->type >= ARRAY_SIZE(tag_rules) || !tag_rules[t->type].decode)
		return MB2_OK;
	rule = &tag_rules[t->type];
	if (t->size < rule->min_size)
		return fail(ps, t, "size %u is too small to hold %s (at least %u bytes)",
			    t->size, rule->holds, rule->min_size);
	return rule->decode(ps, t);
}

static enum mb2_result check_header(struct parser *ps, const void *info, size_t available)
{
	struct mb2_fixed_header h;

	if (!info)
		return fail_header(ps, "the pointer is NULL");
	/* Section 3.6.1: the structure and every tag are 8-byte aligned. */
	if ((uintptr_t)info % 8)
		return fail_header(ps, "address %p is not 8-byte aligned", info);
	if (available < sizeof(h))
		return fail_header(ps, "only %zu bytes are readable, less than the %zu-byte header",
				   available, sizeof(h));

	__builtin_memcpy(&h, info, sizeof(h));
	if (h.total_size < sizeof(h) + sizeof(struct mb2_tag))
		return fail_header(ps, "total_size %u is smaller than %zu (header and end tag)",
				   h.total_size, sizeof(h) + sizeof(struct mb2_tag));
	if (h.total_size % 8)
		return fail_header(ps, "total_size %u is not a multiple of 8", h.total_size);
	if (h.total_size > available)
		return fail_header(ps, "total_size %u is larger than the %zu bytes that are readable",
				   h.total_size, available);
	ps->size = h.total_size;
	return MB2_OK;
}

enum mb2_result mb2_parse(const void *info, size_t available, struct mb2_info *out,
			  struct mb2_error *err)
{
	struct parser ps = { .base = info, .out = out, .err = err };
	size_t offset, next;

	memset(out, 0, sizeof(*out));
	if (check_header(&ps, info, available) != MB2_OK)
		return MB2_ERROR;
	out->info_start = (uintptr_t)info;
	out->info_size = ps.size;
	out->cmdline = "";

	/*
	 * Offsets start at 8 and advance by sizes rounded up to 8, so every
	 * tag is 8-byte aligned; total_size being a multiple of 8 then means
	 * any offset below it has a whole 8-byte tag header before the end.
	 */
	for (offset = sizeof(struct mb2_fixed_header); offset < ps.size; offset = next) {
		struct mb2_tag h;
		struct tag_view t;

		__builtin_memcpy(&h, ps.base + offset, sizeof(h));
		t = (struct tag_view){ h.type, h.size, offset, ps.base + offset };
		if (h.size < sizeof(h))
			return fail(&ps, &t, "size %u is smaller than the 8-byte tag header", h.size);
		if (h.size > ps.size - offset)
			return fail(&ps, &t, "size %u runs past the end of the structure (%zu bytes left)",
				    h.size, ps.size - offset);
		if (h.type == MB2_TAG_END) {
			if (h.size != sizeof(h))
				return fail(&ps, &t, "size is %u, not 8", h.size);
			/* Bytes after the end tag, if total_size counts any, are ignored. */
			return MB2_OK;
		}
		if (decode_tag(&ps, &t) != MB2_OK)
			return MB2_ERROR;
		/* Cannot pass ps.size: the room left is a multiple of 8 and at least h.size. */
		next = offset + (((size_t)h.size + 7) & ~(size_t)7);
	}
	return fail_tag(&ps, MB2_TAG_END, offset, "missing, the other tags fill all %zu bytes of total_size",
			ps.size);
}
