/*
 * Reading the Multiboot (version 1) information structure (Multiboot
 * 0.6.96, 3.3 "Boot information format") into the boot view.  Each item
 * counts only when its flag bit says it is there.  Every defect is a FAIL
 * of the running check, boot-info.
 */
#include "kernel/string.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/multiboot/multiboot.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"

/* The fixed part, as far as these kernels read it. */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower;             /* bit 0 */
	uint32_t mem_upper;
	uint32_t boot_device;           /* bit 1 */
	uint32_t cmdline;               /* bit 2 */
	uint32_t mods_count;            /* bit 3 */
	uint32_t mods_addr;
	uint32_t syms[4];               /* bit 4 or 5 */
	uint32_t mmap_length;           /* bit 6 */
	uint32_t mmap_addr;
	uint32_t drives_length;         /* bit 7 */
	uint32_t drives_addr;
	uint32_t config_table;          /* bit 8 */
	uint32_t boot_loader_name;      /* bit 9 */
	uint32_t apm_table;             /* bit 10 */
	uint32_t vbe_control_info;      /* bit 11 */
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;      /* bit 12 */
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
} __attribute__((packed));

/* The flag bits, one INFO line each, so that a comparison can tell one missing item from another. */
static const char *const flag_names[] = {
	"mem_lower/mem_upper", "boot_device", "cmdline", "mods", "a.out symbols", "ELF section headers",
	"mmap", "drives", "config_table", "boot_loader_name", "apm_table", "VBE", "framebuffer",
};

struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;                /* 0: no string */
	uint32_t reserved;
} __attribute__((packed));

/* A memory map entry; size (of the rest) sits before base, so entries may grow. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

#define MB1_MMAP_ENTRY_MIN      20      /* base_addr, length, type */

static void read_string(const char *what, uint32_t address, char *out, size_t size)
{
	if (!check(address != 0, "%s: flag set but the address is 0", what))
		return;
	if (!check(copy_string(out, size, address), "%s at 0x%x: no NUL in the first %zu bytes",
		   what, address, size))
		return;
	add_region(what, address, strlen(out) + 1);
}

static void read_modules(const volatile struct mb1_info *info)
{
	uint32_t count = info->mods_count;
	const volatile struct mb1_module *mods = phys_ptr(info->mods_addr);

	boot.has_modules = true;
	if (count == 0)
		return;
	if (!check(info->mods_addr != 0, "mods_count %u but mods_addr is 0", count))
		return;
	add_region("module list", info->mods_addr, (uint64_t)count * sizeof(struct mb1_module));
	if (!check(count <= MODULES_MAX, "mods_count %u: more than the %u this kernel reads",
		   count, MODULES_MAX))
		count = MODULES_MAX;
	for (uint32_t i = 0; i < count; i++) {
		struct module *m = &boot.modules[i];

		m->start = mods[i].mod_start;
		m->end = mods[i].mod_end;
		if (mods[i].string)
			read_string("module string", mods[i].string, m->string, sizeof(m->string));
	}
	boot.module_count = count;
}

static void read_memory_map(const volatile struct mb1_info *info)
{
	uint32_t length = info->mmap_length, offset = 0;

	boot.has_map = true;
	if (!check(info->mmap_addr != 0 && length != 0, "memory map flag set, but mmap_addr 0x%x, mmap_length %u",
		   info->mmap_addr, length))
		return;
	add_region("memory map", info->mmap_addr, length);
	while (offset < length) {
		const volatile struct mb1_mmap_entry *e = phys_ptr((uint64_t)info->mmap_addr + offset);

		if (!check(length - offset >= 4 + MB1_MMAP_ENTRY_MIN && e->size >= MB1_MMAP_ENTRY_MIN &&
			   e->size <= length - offset - 4,
			   "memory map entry at offset %u: size %u does not fit (mmap_length %u, at least %u each)",
			   offset, length - offset >= 4 ? e->size : 0, length, MB1_MMAP_ENTRY_MIN))
			return;
		if (!check(boot.map_count < MAP_MAX, "memory map: more than the %u entries this kernel reads",
			   MAP_MAX))
			return;
		boot.map[boot.map_count++] = (struct map_entry){ e->base_addr, e->length, e->type };
		offset += 4 + e->size;
	}
}

static void mb1_read(uintptr_t address)
{
	const volatile struct mb1_info *info = phys_ptr(address);
	uint32_t flags = info->flags;

	guest_printf("INFO: information structure at 0x%lx, flags 0x%x", (unsigned long)address, flags);
	for (unsigned bit = 0; bit < sizeof(flag_names) / sizeof(flag_names[0]); bit++)
		if (flags & (1u << bit))
			guest_printf("INFO: flag %u (%s) set", bit, flag_names[bit]);
	add_region("information structure", address, sizeof(struct mb1_info));
	check(!(flags & ~MB1_INFO_DEFINED), "flags 0x%x: bits beyond 12 are not defined", flags);
	check((flags & (MB1_INFO_AOUT_SYMBOLS | MB1_INFO_ELF_SECTIONS)) !=
	      (MB1_INFO_AOUT_SYMBOLS | MB1_INFO_ELF_SECTIONS),
	      "flags 0x%x: bits 4 and 5 exclude each other", flags);

	if (flags & MB1_INFO_MEMORY) {
		boot.has_meminfo = true;
		boot.mem_lower = info->mem_lower;
		boot.mem_upper = info->mem_upper;
	}
	if (flags & MB1_INFO_CMDLINE) {
		read_string("command line", info->cmdline, boot.cmdline, sizeof(boot.cmdline));
		boot.has_cmdline = true;
	}
	if (flags & MB1_INFO_MODULES)
		read_modules(info);
	if (flags & MB1_INFO_MEMORY_MAP)
		read_memory_map(info);
	if (flags & MB1_INFO_BOOT_DEVICE)
		guest_printf("INFO: boot device 0x%x", info->boot_device);
	if (flags & MB1_INFO_ELF_SECTIONS)
		read_elf_sections(info->syms[0], info->syms[1], info->syms[3], info->syms[2]);
	if (flags & MB1_INFO_VBE)
		guest_printf("INFO: VBE mode 0x%x, interface %x:%x, %u bytes", info->vbe_mode,
			     info->vbe_interface_seg, info->vbe_interface_off, info->vbe_interface_len);
	if (flags & MB1_INFO_FRAMEBUFFER)
		guest_printf("INFO: framebuffer at 0x%llx, %ux%u, %u bits per pixel, pitch %u, type %u",
			     (unsigned long long)info->framebuffer_addr, info->framebuffer_width,
			     info->framebuffer_height, info->framebuffer_bpp, info->framebuffer_pitch,
			     info->framebuffer_type);
	if (flags & MB1_INFO_LOADER_NAME) {
		read_string("boot loader name", info->boot_loader_name, boot.loader_name,
			    sizeof(boot.loader_name));
		boot.has_loader_name = true;
	}
}

const struct mb_protocol mb_protocol = {
	.name = "Multiboot1",
	.magic = MB1_BOOTLOADER_MAGIC,
	.modules_page_aligned = true,   /* mb1_header.S asks for it */
	.read = mb1_read,
	.tests = NULL,
	.test_count = 0,
};
