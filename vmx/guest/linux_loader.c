/*
 * Booting Linux by its 32-bit boot protocol (Documentation/arch/x86/
 * boot.rst in the kernel source: "The Linux/x86 Boot Protocol", version
 * 2.02 or later), the way GRUB 2.06's `linux` command does it.  veneer
 * does what a boot loader does:
 *   - checks the setup header of the bzImage (guest_image_parse_linux);
 *   - copies the protected-mode kernel to its preferred address (1 MiB for
 *     a kernel older than 2.10 or not relocatable; a relocatable one goes
 *     to another aligned place in RAM if that is taken) with room for
 *     init_size bytes, and the initrd high in RAM below initrd_addr_max;
 *   - fills the zero page (struct boot_params): the setup header, the e820
 *     map with veneer's memory reserved, the command line, the initrd, the
 *     ACPI RSDP address (acpi_rsdp_addr, so Linux finds ACPI after a UEFI
 *     boot too) and the screen in screen_info;
 *   - starts it in 32-bit protected mode with paging off, flat __BOOT_CS and
 *     __BOOT_DS, ESI (and ESP, as GRUB) pointing at the zero page, interrupts off, at
 *     code32_start moved with the kernel (GRUB jumps to the load address
 *     plus code32_start - 1 MiB).
 * The zero page and command line sit at 0x90000, below 640 KiB, where the
 * protocol's memory layout puts them for old kernels too.
 */
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"

/* Zero-page fields outside the setup header. */
#define BP_SCREEN_INFO          0x000
#define BP_ACPI_RSDP_ADDR       0x070
#define BP_E820_ENTRIES         0x1E8
#define BP_E820_TABLE           0x2D0

#define LOADER_TYPE_UNDEFINED   0xFF
#define BOOT_PARAMS             GUEST_BOOT_DATA
#define COMMAND_LINE            (GUEST_BOOT_DATA + 0x1000)
#define COMMAND_LINE_ROOM       0x1000

#define VIDEO_TYPE_VGAC         0x22
#define VIDEO_TYPE_VLFB         0x23
#define VIDEO_TYPE_EFI          0x70
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

static void put(uint8_t *p, unsigned offset, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[offset + i] = (uint8_t)(v >> (8 * i));
}

static void fill_screen_info(uint8_t *bp, const struct mb2_info *info)
{
	const struct framebuffer_info *fb = &info->framebuffer;
	uint8_t *si = bp + BP_SCREEN_INFO;

	if (fb->kind == FRAMEBUFFER_RGB) {
		uint64_t size = (uint64_t)fb->pitch * fb->height;
		si[0x0F] = info->booted_from_efi ? VIDEO_TYPE_EFI : VIDEO_TYPE_VLFB;
		put(si, 0x12, fb->width, 2);
		put(si, 0x14, fb->height, 2);
		put(si, 0x16, fb->bpp, 2);
		put(si, 0x18, (uint32_t)fb->address, 4);
		/* VESA framebuffers count in 64 KiB units, EFI ones in bytes. */
		put(si, 0x1C, info->booted_from_efi ? size : (size + 0xFFFF) >> 16, 4);
		put(si, 0x24, fb->pitch, 2);
		si[0x26] = fb->red_size;
		si[0x27] = fb->red_position;
		si[0x28] = fb->green_size;
		si[0x29] = fb->green_position;
		si[0x2A] = fb->blue_size;
		si[0x2B] = fb->blue_position;
		if (fb->address >> 32) {
			put(si, 0x36, VIDEO_CAPABILITY_64BIT_BASE, 4);
			put(si, 0x3A, fb->address >> 32, 4);
		}
	} else if (fb->kind == FRAMEBUFFER_EGA_TEXT || (fb->kind == FRAMEBUFFER_NONE && !info->booted_from_efi)) {
		si[0x06] = 3;                   /* 80x25 colour text */
		si[0x07] = 80;
		si[0x0E] = 25;
		si[0x0F] = VIDEO_TYPE_VGAC;
		put(si, 0x10, 16, 2);
		si[0x01] = 24;                  /* cursor on the last line: veneer has written the screen */
	}
}

bool linux_place_initrd(struct guest_boot *boot, uint64_t limit, uint64_t *address, uint64_t *size, char *error,
			size_t error_size)
{
	*address = *size = 0;
	if (boot->module_count == 0)
		return true;
	const struct mb2_module *m = &boot->modules[0];
	*size = m->end - m->start;
	/* The modules already moved high, into memory of their own: there, if the kernel can reach it. */
	*address = m->end <= limit ? m->start : guest_boot_claim_highest(boot, *size, limit);
	if (!*address)
		FAIL("no free RAM below %#llx for the %llu KiB initrd (module '%s')", (unsigned long long)limit,
		     (unsigned long long)(*size >> 10), m->cmdline);
	if (*address != m->start)
		guest_boot_move((void *)(uintptr_t)*address, (const void *)(uintptr_t)m->start, *size);
	return true;
}

bool linux_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size)
{
	const uint8_t *image = (const uint8_t *)(uintptr_t)boot->kernel->start;
	size_t size = (size_t)(boot->kernel->end - boot->kernel->start);
	struct linux_setup_header h;

	if (!guest_image_parse_linux(image, size, &h, error, error_size))
		return false;
	unsigned version = h.version;
	if (h.announced_size >= h.kernel_size + 16)
		pr_warn("guest: the setup header announces %llu bytes of kernel, the module holds %zu: loading what "
			"there is, as GRUB does", (unsigned long long)h.announced_size, h.kernel_size);
	size_t kernel_offset = h.kernel_offset, kernel_size = h.kernel_size;
	uint64_t init_size = h.init_size, preferred = h.preferred_address;
	uint64_t alignment = h.alignment ? h.alignment : 0x200000;

	/*
	 * The kernel where it wants to be (1 MiB for a kernel that is not
	 * relocatable), or, relocatable, at the lowest aligned free place
	 * above 1 MiB.  A kernel before 2.10 names no init_size: its room is
	 * an estimate, and the image itself is enough if that much is not free.
	 */
	uint64_t load = preferred;
	if (version < 0x020A && !range_set_contains(&boot->free, load, load + init_size))
		init_size = align_up(kernel_size, 4096);
	if (!guest_boot_claim(boot, load, load + init_size)) {
		load = 0;
		for (size_t i = 0; h.relocatable && i < boot->free.count && !load; i++) {
			const struct phys_range *r = &boot->free.ranges[i];
			uint64_t start = align_up(r->start > 0x100000 ? r->start : 0x100000, alignment);
			if (start + init_size <= r->end && guest_boot_claim(boot, start, start + init_size))
				load = start;
		}
		if (!load)
			FAIL("no free RAM for the kernel: it needs %llu KiB at %#llx%s", (unsigned long long)(init_size >> 10),
			     (unsigned long long)preferred, h.relocatable ? " or anywhere aligned" : " and is not relocatable");
	}

	/* The initrd goes high, clear of the kernel's room and of every module; then the kernel moves in. */
	uint64_t initrd = 0, initrd_size = 0;
	if (!linux_place_initrd(boot, h.initrd_addr_max + 1, &initrd, &initrd_size, error, error_size))
		return false;
	guest_boot_move((void *)(uintptr_t)load, image + kernel_offset, kernel_size);

	/* The zero page. */
	uint8_t *bp = (uint8_t *)(uintptr_t)BOOT_PARAMS;
	memcpy(bp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, h.header_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	uint32_t entry = (uint32_t)load + h.entry_offset;
	put(bp, HDR_CODE32_START, entry, 4);
	put(bp, HDR_RAMDISK_IMAGE, initrd, 4);
	put(bp, HDR_RAMDISK_SIZE, initrd_size, 4);

	size_t room = h.cmdline_max;
	if (room == 0 || room >= COMMAND_LINE_ROOM)
		room = COMMAND_LINE_ROOM - 1;
	size_t length = strnlen(boot->kernel->cmdline, room);
	if (boot->kernel->cmdline[length])
		pr_warn("guest: the kernel command line is longer than the kernel accepts (%zu bytes); cut", room);
	memcpy((void *)(uintptr_t)COMMAND_LINE, boot->kernel->cmdline, length);
	put(bp, HDR_CMD_LINE_PTR, COMMAND_LINE, 4);

	bp[BP_E820_ENTRIES] = (uint8_t)boot->map.count;
	for (size_t i = 0; i < boot->map.count; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * 20;
		put(e, 0, boot->map.entries[i].base, 8);
		put(e, 8, boot->map.entries[i].length, 8);
		put(e, 16, boot->map.entries[i].type, 4);
	}
	size_t rsdp_size;
	uint64_t rsdp = guest_boot_copy_rsdp(&rsdp_size);
	put(bp, BP_ACPI_RSDP_ADDR, rsdp, 8);
	fill_screen_info(bp, boot->info);
	guest_boot_write_gdt();

	struct guest_entry *e = &guest->entry;
	memset(e, 0, sizeof(*e));
	e->mode = GUEST_ENTRY_PROTECTED_MODE;
	e->rip = entry;
	e->regs.rsi = BOOT_PARAMS;
	/*
	 * The protocol leaves ESP undefined; GRUB's 'linux' points it at the
	 * zero page too, and a kernel that reads its stack at once (memdisk,
	 * made for 'linux16', takes its arguments from there) finds the same.
	 */
	e->rsp = BOOT_PARAMS;
	e->gdt_base = GUEST_BOOT_GDT;
	e->gdt_limit = 4 * 8 - 1;
	e->code_selector = GUEST_BOOT_CS;
	e->data_selector = GUEST_BOOT_DS;
	pr_info("guest: Linux boot protocol %u.%02u: kernel at %#llx (%llu KiB of room), initrd at %#llx (%llu KiB), "
		"%zu memory map entries", version >> 8, version & 0xFF, (unsigned long long)load,
		(unsigned long long)(init_size >> 10), (unsigned long long)initrd,
		(unsigned long long)(initrd_size >> 10), boot->map.count);
	pr_debug("guest: command line '%s'", (const char *)(uintptr_t)COMMAND_LINE);
	return true;
}
