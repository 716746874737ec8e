/*
 * Booting a Multiboot (version 1, 0.6.96) or Multiboot2 (2.0) kernel as
 * veneer's guest, the way GRUB 2.06's `multiboot` and `multiboot2`
 * commands do: the image is loaded by the header's address fields when it
 * has them (Multiboot's a.out kludge, header flag 16; Multiboot2's address
 * tag), otherwise as an ELF32 or ELF64 executable at its segments'
 * physical addresses; a Multiboot2 kernel with the relocatable tag goes
 * where its preference says in its address window, the whole image moved
 * by one offset (address tag or ELF alike); the entry address tag
 * overrides the entry point, and moves with a relocated image.  The
 * information structure is built
 * in the lowest free RAM from 1 MiB (memory map without veneer's memory, command
 * line, the guest's own modules passed through where GRUB left them, the
 * ELF section headers with the sections no segment holds loaded, the
 * boot device, VBE facts and framebuffer GRUB gave veneer, and for
 * Multiboot2 the APM table and the ACPI RSDP), and the kernel starts
 * in 32-bit protected mode with paging off, EAX holding the boot loader
 * magic and EBX the structure's address.
 */
#include "boot/multiboot2_abi.h"
#include "kernel/elf.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "kernel/version.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"
#include "vmx/guest/multiboot_layout.h"

#define LOADER_NAME             "veneer " VENEER_VERSION

/* Multiboot 1 information flags (Multiboot 0.6.96, 3.3 "Boot information format"). */
#define MB1_INFO_MEMORY         (1u << 0)
#define MB1_INFO_BOOT_DEVICE    (1u << 1)
#define MB1_INFO_CMDLINE        (1u << 2)
#define MB1_INFO_MODULES        (1u << 3)
#define MB1_INFO_ELF_SECTIONS   (1u << 5)
#define MB1_INFO_MMAP           (1u << 6)
#define MB1_INFO_LOADER_NAME    (1u << 9)
#define MB1_INFO_VBE            (1u << 11)
#define MB1_INFO_FRAMEBUFFER    (1u << 12)
#define MB1_INFO_SIZE           116     /* up to the framebuffer's colour information */
#define VBE_CONTROL_INFO_SIZE   512     /* VBE 3.0 VbeInfoBlock */
#define VBE_MODE_INFO_SIZE      256     /* VBE 3.0 ModeInfoBlock */
/* Multiboot 1 header flags (3.1.2 "The magic fields of Multiboot header"). */
#define MB1_HEADER_VIDEO_MODE   (1u << 2)
#define MB1_HEADER_REQUIRED_UNKNOWN 0x0000FFF8u /* bits 3-15: requirements no boot loader knows */
#define MB1_HEADER_AOUT_KLUDGE  (1u << 16)
#define MB1_HEADER_ADDRESS_FIELDS 12            /* header_addr .. entry_addr follow magic, flags, checksum */

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

/* A bump allocator over the information area: every piece 8-byte aligned, bounded. */
struct info_writer {
	uint64_t next, end;
	bool overflow;
};

static void *info_alloc(struct info_writer *w, size_t size)
{
	uint64_t at = align_up(w->next, 8);

	if (at + size > w->end) {
		w->overflow = true;
		return NULL;
	}
	w->next = at + size;
	return memset((void *)(uintptr_t)at, 0, size);
}

static uint32_t info_string(struct info_writer *w, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = info_alloc(w, n);

	if (!p)
		return 0;
	memcpy(p, s, n);
	return (uint32_t)(uintptr_t)p;
}

static uint32_t read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(void *p, unsigned offset, uint32_t v)
{
	memcpy((uint8_t *)p + offset, &v, 4);
}

static void put64(void *p, unsigned offset, uint64_t v)
{
	memcpy((uint8_t *)p + offset, &v, 8);
}

/* KiB of RAM from 0 and from 1 MiB, as the old BIOS calls count them. */
static void lower_upper_kib(const struct guest_boot *boot, uint32_t *lower, uint32_t *upper)
{
	struct range_set ram;

	guest_memory_map_available(&boot->map, &ram);
	*lower = *upper = 0;
	for (size_t i = 0; i < ram.count; i++) {
		if (ram.ranges[i].start == 0)
			*lower = (uint32_t)((ram.ranges[i].end < 0xA0000 ? ram.ranges[i].end : 0xA0000) >> 10);
		if (ram.ranges[i].start <= 0x100000 && ram.ranges[i].end > 0x100000)
			*upper = (uint32_t)((ram.ranges[i].end - 0x100000) >> 10);
	}
}

/*
 * Multiboot's boot_device (3.3): the BIOS drive in the top byte, then the
 * partition and sub-partition, 0xFF where there is none; GRUB fills it
 * from the same root device it reports in Multiboot2's boot device tag.
 */
static uint32_t mb1_boot_device(const struct mb2_info *info)
{
	return (info->boot_biosdev & 0xFF) << 24 | (info->boot_slice & 0xFF) << 16 | (info->boot_part & 0xFF) << 8 |
	       0xFF;
}

/*
 * A framebuffer's description as both versions lay it out (Multiboot 0.6.96
 * section 3.3 from offset 88; Multiboot2 tag 8 from offset 8): address,
 * pitch, width, height, bpp and type, then the RGB colour fields, which
 * follow a reserved word in Multiboot2 (colour_offset 24 there, 22 in
 * version 1).
 */
static void put_framebuffer(uint8_t *p, const struct framebuffer_info *fb, unsigned colour_offset)
{
	put64(p, 0, fb->address);
	put32(p, 8, fb->pitch);
	put32(p, 12, fb->width);
	put32(p, 16, fb->height);
	p[20] = fb->bpp;
	p[21] = fb->kind == FRAMEBUFFER_RGB ? MB2_FRAMEBUFFER_TYPE_RGB : MB2_FRAMEBUFFER_TYPE_EGA_TEXT;
	if (fb->kind == FRAMEBUFFER_RGB) {
		uint8_t *colour = p + colour_offset;
		colour[0] = fb->red_position;
		colour[1] = fb->red_size;
		colour[2] = fb->green_position;
		colour[3] = fb->green_size;
		colour[4] = fb->blue_position;
		colour[5] = fb->blue_size;
	}
}

/* The framebuffer veneer was given, in Multiboot's fields (offsets 88-115); false when there is none to give. */
static bool mb1_framebuffer(uint8_t *info, const struct framebuffer_info *fb)
{
	if (fb->kind != FRAMEBUFFER_RGB && fb->kind != FRAMEBUFFER_EGA_TEXT)
		return false;
	put_framebuffer(info + 88, fb, 22);
	return true;
}

/* The VBE facts of Multiboot2's tag 7 (mode, interface, info blocks) in Multiboot's fields (offsets 72-87). */
static bool mb1_vbe(struct info_writer *w, uint8_t *info, const uint8_t *vbe)
{
	uint8_t *blocks = vbe ? info_alloc(w, VBE_CONTROL_INFO_SIZE + VBE_MODE_INFO_SIZE) : NULL;

	if (!blocks)
		return false;
	memcpy(blocks, vbe + 8, VBE_CONTROL_INFO_SIZE + VBE_MODE_INFO_SIZE);
	put32(info, 72, (uint32_t)(uintptr_t)blocks);
	put32(info, 76, (uint32_t)(uintptr_t)(blocks + VBE_CONTROL_INFO_SIZE));
	memcpy(info + 80, vbe, 8);              /* mode, interface segment, offset, length: 16 bits each */
	return true;
}

static uint32_t build_multiboot1_info(struct guest_boot *boot, const struct elf_section_table *sections,
				      struct info_writer *w)
{
	const struct mb2_info *given = boot->info;
	uint8_t *info = info_alloc(w, MB1_INFO_SIZE);
	uint32_t flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODULES | MB1_INFO_MMAP | MB1_INFO_LOADER_NAME;
	uint32_t lower, upper;

	if (!info)
		return 0;
	lower_upper_kib(boot, &lower, &upper);
	put32(info, 4, lower);
	put32(info, 8, upper);
	if (given->has_boot_device) {
		flags |= MB1_INFO_BOOT_DEVICE;
		put32(info, 12, mb1_boot_device(given));
	}
	put32(info, 16, info_string(w, boot->kernel->cmdline));

	uint8_t *mods = info_alloc(w, 16 * (boot->module_count ? boot->module_count : 1));
	for (size_t i = 0; i < boot->module_count && mods; i++) {
		put32(mods, (unsigned)(16 * i), (uint32_t)boot->modules[i].start);
		put32(mods, (unsigned)(16 * i + 4), (uint32_t)boot->modules[i].end);
		put32(mods, (unsigned)(16 * i + 8), info_string(w, boot->modules[i].cmdline));
	}
	put32(info, 20, (uint32_t)boot->module_count);
	put32(info, 24, (uint32_t)(uintptr_t)mods);

	if (sections->count) {
		size_t bytes = (size_t)sections->count * sections->entry_size;
		uint8_t *table = info_alloc(w, bytes);
		if (table) {
			memcpy(table, (const uint8_t *)(uintptr_t)boot->kernel->start + sections->offset, bytes);
			flags |= MB1_INFO_ELF_SECTIONS;
			put32(info, 28, sections->count);
			put32(info, 32, sections->entry_size);
			put32(info, 36, (uint32_t)(uintptr_t)table);
			put32(info, 40, sections->name_index);
		}
	}

	/* Each entry: size (20, not counting itself), base, length, type. */
	uint8_t *mmap = info_alloc(w, 24 * boot->map.count);
	for (size_t i = 0; i < boot->map.count && mmap; i++) {
		put32(mmap, (unsigned)(24 * i), 20);
		put64(mmap, (unsigned)(24 * i + 4), boot->map.entries[i].base);
		put64(mmap, (unsigned)(24 * i + 12), boot->map.entries[i].length);
		put32(mmap, (unsigned)(24 * i + 20), boot->map.entries[i].type);
	}
	put32(info, 44, (uint32_t)(24 * boot->map.count));
	put32(info, 48, (uint32_t)(uintptr_t)mmap);
	put32(info, 64, info_string(w, LOADER_NAME));
	/*
	 * No APM table (bit 10): GRUB 2.06 copies the APM facts into its
	 * Multiboot buffer but never sets the bit or apm_table, so a kernel
	 * booted by it has none either.
	 */
	if (mb1_vbe(w, info, given->vbe))
		flags |= MB1_INFO_VBE;
	if (mb1_framebuffer(info, &given->framebuffer))
		flags |= MB1_INFO_FRAMEBUFFER;
	put32(info, 0, flags);
	return (uint32_t)(uintptr_t)info;
}

static uint8_t *mb2_tag(struct info_writer *w, uint32_t type, uint32_t size)
{
	uint8_t *tag = info_alloc(w, size);

	if (tag) {
		put32(tag, 0, type);
		put32(tag, 4, size);
	}
	return tag;
}

static void mb2_string_tag(struct info_writer *w, uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	uint8_t *tag = mb2_tag(w, type, 8 + n);

	if (tag)
		memcpy(tag + 8, s, n);
}

/* A tag whose payload veneer was given by GRUB and passes on unread (APM, VBE). */
static void mb2_copy_tag(struct info_writer *w, uint32_t type, const void *payload, uint32_t size)
{
	uint8_t *tag = payload ? mb2_tag(w, type, 8 + size) : NULL;

	if (tag)
		memcpy(tag + 8, payload, size);
}

/* The tags in the order GRUB 2.06 writes them (grub_multiboot2_make_mbi), so a kernel sees the same list. */
static uint32_t build_multiboot2_info(struct guest_boot *boot, const struct elf_section_table *sections,
				      struct info_writer *w)
{
	const struct mb2_info *given = boot->info;
	uint8_t *info = info_alloc(w, 8);
	uint32_t lower, upper;

	uint8_t *base = mb2_tag(w, MB2_TAG_LOAD_BASE_ADDR, 12);
	if (base)
		put32(base, 8, (uint32_t)boot->load_base);
	mb2_string_tag(w, MB2_TAG_CMDLINE, boot->kernel->cmdline);
	mb2_string_tag(w, MB2_TAG_BOOTLOADER_NAME, LOADER_NAME);
	mb2_copy_tag(w, MB2_TAG_APM, given->apm, MB2_APM_SIZE);
	for (size_t i = 0; i < boot->module_count; i++) {
		uint32_t n = (uint32_t)strlen(boot->modules[i].cmdline) + 1;
		uint8_t *tag = mb2_tag(w, MB2_TAG_MODULE, 16 + n);
		if (!tag)
			break;
		put32(tag, 8, (uint32_t)boot->modules[i].start);
		put32(tag, 12, (uint32_t)boot->modules[i].end);
		memcpy(tag + 16, boot->modules[i].cmdline, n);
	}
	uint8_t *mmap = mb2_tag(w, MB2_TAG_MMAP, (uint32_t)(16 + 24 * boot->map.count));
	if (mmap) {
		put32(mmap, 8, 24);             /* entry size */
		put32(mmap, 12, 0);             /* entry version */
		for (size_t i = 0; i < boot->map.count; i++) {
			put64(mmap, (unsigned)(16 + 24 * i), boot->map.entries[i].base);
			put64(mmap, (unsigned)(16 + 24 * i + 8), boot->map.entries[i].length);
			put32(mmap, (unsigned)(16 + 24 * i + 16), boot->map.entries[i].type);
		}
	}
	/* GRUB writes this tag for every kernel, with no sections for one loaded by the address tag. */
	size_t table_bytes = (size_t)sections->count * sections->entry_size;
	uint8_t *elf = mb2_tag(w, MB2_TAG_ELF_SECTIONS, (uint32_t)(20 + table_bytes));
	if (elf) {
		put32(elf, 8, sections->count);
		put32(elf, 12, sections->entry_size);
		put32(elf, 16, sections->name_index);
		memcpy(elf + 20, (const uint8_t *)(uintptr_t)boot->kernel->start + sections->offset, table_bytes);
	}
	lower_upper_kib(boot, &lower, &upper);
	uint8_t *meminfo = mb2_tag(w, MB2_TAG_BASIC_MEMINFO, 16);
	if (meminfo) {
		put32(meminfo, 8, lower);
		put32(meminfo, 12, upper);
	}
	uint8_t *bootdev = given->has_boot_device ? mb2_tag(w, MB2_TAG_BOOTDEV, 20) : NULL;
	if (bootdev) {
		put32(bootdev, 8, given->boot_biosdev);
		put32(bootdev, 12, given->boot_slice);
		put32(bootdev, 16, given->boot_part);
	}
	mb2_copy_tag(w, MB2_TAG_VBE, given->vbe, MB2_VBE_SIZE);
	const struct framebuffer_info *fb = &given->framebuffer;
	if (fb->kind == FRAMEBUFFER_RGB || fb->kind == FRAMEBUFFER_EGA_TEXT) {
		uint8_t *tag = mb2_tag(w, MB2_TAG_FRAMEBUFFER, fb->kind == FRAMEBUFFER_RGB ? 38 : 32);
		if (tag)
			put_framebuffer(tag + 8, fb, 24);
	}
	size_t rsdp_size;
	uint64_t rsdp = guest_boot_copy_rsdp(&rsdp_size);
	if (rsdp) {
		uint8_t *tag = mb2_tag(w, rsdp_size > 20 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD, (uint32_t)(8 + rsdp_size));
		if (tag)
			memcpy(tag + 8, (const void *)(uintptr_t)rsdp, rsdp_size);
	}
	mb2_tag(w, MB2_TAG_END, 8);
	put32(info, 0, (uint32_t)(w->next - (uint64_t)(uintptr_t)info));
	return (uint32_t)(uintptr_t)info;
}

/*
 * The sections no loaded segment holds (sh_addr 0: symbol and string
 * tables, section names) go into memory, as GRUB 2.06's ELF loader puts
 * them (multiboot_elfxx.c), so that the section headers handed to the
 * kernel point at them.  Here they share one block of the lowest free RAM
 * from 1 MiB, each at its alignment (up to a page); their new addresses
 * are written into the section header table in veneer's copy of the
 * image, from which the information structure takes it.
 */
static bool load_unplaced_sections(struct guest_boot *boot, const struct elf_section_table *t, char *error,
				   size_t error_size)
{
	uint8_t *image = (uint8_t *)(uintptr_t)boot->kernel->start;
	size_t size = (size_t)(boot->kernel->end - boot->kernel->start);
	uint64_t total = 0;

	for (int pass = 0; pass < 2; pass++) {
		uint64_t block = 0, at = 0;
		if (pass == 1) {
			if (total == 0)
				return true;
			block = guest_boot_claim_lowest(boot, total, GUEST_BOOT_INFO_FLOOR, 4ULL << 30);
			if (!block)
				FAIL("no free RAM below 4 GiB for the kernel's %llu bytes of ELF sections outside its "
				     "segments", (unsigned long long)total);
		}
		for (uint32_t i = 0; i < t->count; i++) {
			uint8_t *header = image + t->offset + (uint64_t)i * t->entry_size;
			struct elf_section s;
			elf_read_section(header, t->bits, &s);
			if (s.address != 0 || s.size == 0)
				continue;
			uint64_t align = s.alignment && !(s.alignment & (s.alignment - 1)) ? s.alignment : 1;
			at = align_up(at, align < 4096 ? align : 4096);
			if (pass == 0) {
				bool in_file = s.type == ELF_SHT_NOBITS ||
					       (s.file_offset <= size && size - s.file_offset >= s.size);
				if (!in_file)
					FAIL("ELF section %u (%llu bytes at offset %#llx) runs past the end of the file", i,
					     (unsigned long long)s.size, (unsigned long long)s.file_offset);
			} else {
				uint8_t *dest = (uint8_t *)(uintptr_t)(block + at);
				if (s.type == ELF_SHT_NOBITS)
					memset(dest, 0, s.size);
				else
					memcpy(dest, image + s.file_offset, s.size);
				elf_write_section_address(header, t->bits, block + at);
			}
			at += s.size;
		}
		total = at;
	}
	pr_info("guest: %llu bytes of ELF sections outside the segments loaded", (unsigned long long)total);
	return true;
}

/*
 * Loads the image by its header's address fields (a.out kludge, address
 * tag); a relocatable Multiboot2 image moves as a whole into its window
 * (request NULL for Multiboot).  link_base is where the fields put it,
 * load_base where it went.
 */
static bool load_by_address_fields(struct guest_boot *boot, const struct guest_image_address_fields *fields,
				   const struct multiboot2_request *request, uint64_t *link_base, uint64_t *load_base,
				   char *error, size_t error_size)
{
	const uint8_t *image = (const uint8_t *)(uintptr_t)boot->kernel->start;
	size_t size = (size_t)(boot->kernel->end - boot->kernel->start);
	bool v2 = request != NULL;
	struct guest_image_layout layout;

	if (!guest_image_address_layout(size, fields, v2, &layout, error, error_size))
		return false;
	uint64_t at = layout.load_address;
	if (request && request->relocatable) {
		at = multiboot2_relocation_target(&boot->free, request, align_up(layout.memory_size, 4096));
		if (!at)
			FAIL("no free RAM for the relocatable image (%llu KiB, aligned to %#x, in [%#x, %#x])",
			     (unsigned long long)(layout.memory_size >> 10), request->align, request->min_addr,
			     request->max_addr);
		pr_info("guest: relocatable image (preference %u): linked at %#llx, loaded at %#llx", request->preference,
			(unsigned long long)layout.load_address, (unsigned long long)at);
	}
	uint64_t start = align_down(at, 4096);
	uint64_t end = align_up(at + layout.memory_size, 4096);
	if (end > 0x100000000ULL)
		FAIL("the image [%#llx-%#llx) reaches above 4 GiB, where a 32-bit entry cannot reach",
		     (unsigned long long)at, (unsigned long long)(at + layout.memory_size));
	if (!guest_boot_claim(boot, start, end))
		FAIL("the image [%#llx-%#llx) is not free guest RAM (it would overlap veneer, a module, the boot data "
		     "or a hole)", (unsigned long long)at, (unsigned long long)(at + layout.memory_size));
	uint8_t *dest = (uint8_t *)(uintptr_t)at;
	memcpy(dest, image + layout.file_offset, layout.file_size);
	memset(dest + layout.file_size, 0, layout.memory_size - layout.file_size);
	*link_base = layout.load_address;
	*load_base = at;
	pr_info("guest: loaded by the header's address fields: %llu bytes from offset %#llx at %#llx, %llu bytes of bss",
		(unsigned long long)layout.file_size, (unsigned long long)layout.file_offset,
		(unsigned long long)at, (unsigned long long)(layout.memory_size - layout.file_size));
	return true;
}

/*
 * Loads an ELF kernel, moved if it is relocatable (Multiboot2).  Back come
 * its entry as linked, link_base (its lowest segment's physical address)
 * and load_base (where that went).
 */
static bool load_elf_kernel(struct guest_boot *boot, const struct multiboot2_request *request, uint64_t *entry,
			    uint64_t *link_base, uint64_t *load_base, struct elf_section_table *sections, char *error,
			    size_t error_size)
{
	const void *data = (const void *)(uintptr_t)boot->kernel->start;
	struct elf_image elf;
	char why[160];

	if (!elf_parse(data, (size_t)(boot->kernel->end - boot->kernel->start), &elf, why, sizeof(why)) ||
	    !elf_parse_sections(data, (size_t)(boot->kernel->end - boot->kernel->start), sections, why, sizeof(why)))
		FAIL("%s", why);
	uint64_t lowest = UINT64_MAX, highest = 0;
	for (size_t i = 0; i < elf.segment_count; i++) {
		const struct elf_segment *s = &elf.segments[i];
		if (s->physical_address < lowest)
			lowest = s->physical_address;
		if (s->physical_address + s->memory_size > highest)
			highest = s->physical_address + s->memory_size;
	}
	uint64_t offset = 0;
	if (request && request->relocatable) {
		/* As GRUB: the lowest segment's first byte, not its page, goes to an aligned address. */
		uint64_t span = align_up(highest - lowest, 4096);
		uint64_t target = multiboot2_relocation_target(&boot->free, request, span);
		if (!target)
			FAIL("no free RAM for the relocatable image (%llu KiB, aligned to %#x, in [%#x, %#x])",
			     (unsigned long long)(span >> 10), request->align, request->min_addr, request->max_addr);
		offset = target - lowest;
		pr_info("guest: relocatable image (preference %u): linked at %#llx, loaded at %#llx", request->preference,
			(unsigned long long)lowest, (unsigned long long)(lowest + offset));
	}
	if (highest + offset > 0x100000000ULL)
		FAIL("the kernel's segments end at %#llx, above 4 GiB where a 32-bit entry cannot reach",
		     (unsigned long long)(highest + offset));
	if (!guest_boot_place_elf(boot, &elf, offset, error, error_size))
		return false;
	*entry = elf.entry;
	*link_base = lowest;
	*load_base = lowest + offset;
	pr_info("guest: ELF%u kernel: %zu segments", elf.bits, elf.segment_count);
	return true;
}

bool multiboot_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size)
{
	const uint8_t *image = (const uint8_t *)(uintptr_t)boot->kernel->start;
	size_t size = (size_t)(boot->kernel->end - boot->kernel->start);
	bool v2 = boot->kind == GUEST_IMAGE_MULTIBOOT2;
	uint64_t entry = 0, link_base = 0, load_base = 0;
	struct elf_section_table sections = { 0 };      /* none for an image loaded by address fields */

	if (v2) {
		struct multiboot2_request request;
		if (!guest_image_parse_multiboot2(image, size, &boot->mb2, &request, error, error_size))
			return false;
		if (request.has_address) {
			if (!request.has_entry)
				FAIL("the Multiboot2 header has an address tag but no entry address tag");
			if (!load_by_address_fields(boot, &request.address, &request, &link_base, &load_base, error,
						    error_size))
				return false;
		} else if (!load_elf_kernel(boot, &request, &entry, &link_base, &load_base, &sections, error,
					   error_size)) {
			return false;
		}
		entry = multiboot2_entry(&request, entry, link_base, load_base);
		boot->load_base = load_base;
	} else {
		uint32_t flags = boot->mb1.flags;
		if (flags & MB1_HEADER_REQUIRED_UNKNOWN)
			FAIL("the Multiboot header requires features veneer does not know (flags %#x)", flags);
		if (flags & MB1_HEADER_VIDEO_MODE)
			pr_warn("guest: the kernel asks for a video mode; it gets the screen as veneer found it");
		if (flags & MB1_HEADER_AOUT_KLUDGE) {
			/* The address fields win over an ELF header, as the specification says (3.1.3). */
			uint64_t at = (uint64_t)boot->mb1.offset + MB1_HEADER_ADDRESS_FIELDS;
			if (at + 20 > size)
				FAIL("truncated: the Multiboot header's address fields run past the end of the file");
			struct guest_image_address_fields fields = {
				.header_offset = boot->mb1.offset,
				.header_addr = read_le32(image + at),
				.load_addr = read_le32(image + at + 4),
				.load_end_addr = read_le32(image + at + 8),
				.bss_end_addr = read_le32(image + at + 12),
			};
			entry = read_le32(image + at + 16);
			if (!load_by_address_fields(boot, &fields, NULL, &link_base, &load_base, error, error_size))
				return false;
		} else if (!load_elf_kernel(boot, NULL, &entry, &link_base, &load_base, &sections, error, error_size)) {
			return false;
		}
	}
	if (entry >= 0x100000000ULL)
		FAIL("entry point %#llx is above 4 GiB: a Multiboot kernel starts in 32-bit mode",
		     (unsigned long long)entry);

	/* Room for the rest, the section header table and the VBE blocks (which Multiboot2 and 1 both copy). */
	uint64_t area_size = GUEST_BOOT_INFO_SIZE + (uint64_t)sections.count * sections.entry_size + 8 +
			     VBE_CONTROL_INFO_SIZE + VBE_MODE_INFO_SIZE + 16;
	uint64_t area = guest_boot_claim_lowest(boot, area_size, GUEST_BOOT_INFO_FLOOR, 4ULL << 30);
	if (!area)
		FAIL("no free RAM above %#llx for the %llu bytes of boot information", (unsigned long long)GUEST_BOOT_INFO_FLOOR,
		     (unsigned long long)area_size);
	if (!load_unplaced_sections(boot, &sections, error, error_size))
		return false;
	struct info_writer w = { .next = area, .end = area + area_size };
	uint32_t info = v2 ? build_multiboot2_info(boot, &sections, &w) : build_multiboot1_info(boot, &sections, &w);
	if (w.overflow)
		FAIL("the boot information does not fit in veneer's %llu bytes for it (too many modules or map entries)",
		     (unsigned long long)area_size);
	guest_boot_write_gdt();

	struct guest_entry *e = &guest->entry;
	memset(e, 0, sizeof(*e));
	e->mode = GUEST_ENTRY_PROTECTED_MODE;
	e->rip = entry;
	e->regs.rax = v2 ? MB2_BOOTLOADER_MAGIC : MULTIBOOT1_BOOTLOADER_MAGIC;
	e->regs.rbx = info;
	e->gdt_base = GUEST_BOOT_GDT;
	e->gdt_limit = 4 * 8 - 1;
	e->code_selector = GUEST_BOOT_CS;
	e->data_selector = GUEST_BOOT_DS;
	pr_info("guest: %s: entry %#llx, %zu module(s), information at %#x (%llu bytes)",
		v2 ? "Multiboot2" : "Multiboot", (unsigned long long)entry,
		boot->module_count, info, (unsigned long long)(w.next - info));
	return true;
}
