#include "kernel/acpi.h"
#include "kernel/elf.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/string.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"
#include "vmx/guest/test_guest.h"

#define MODULE_ECHO_MAX 60      /* characters of the module's command line the log shows */
#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

void guest_boot_move(void *dst, const void *src, size_t size)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* Overlapping with the destination above: one backward move. */
	if (d > s && d < s + size) {
		memmove(dst, src, size);
		return;
	}
	while (size > 0) {
		size_t chunk = size < GUEST_BOOT_MOVE_CHUNK ? size : GUEST_BOOT_MOVE_CHUNK;
		memmove(d, s, chunk);
		d += chunk;
		s += chunk;
		size -= chunk;
		log_pump();
	}
}

bool guest_boot_claim(struct guest_boot *boot, uint64_t start, uint64_t end)
{
	if (end <= start || !range_set_contains(&boot->free, start, end))
		return false;
	return range_set_remove(&boot->free, start, end);
}

uint64_t guest_boot_claim_highest(struct guest_boot *boot, uint64_t size, uint64_t limit)
{
	size = align_up(size, 4096);
	for (size_t i = boot->free.count; i-- > 0;) {
		const struct phys_range *r = &boot->free.ranges[i];
		uint64_t end = r->end < limit ? r->end : limit;
		if (end < r->start + size || end < size)
			continue;
		uint64_t start = align_down(end - size, 4096);
		if (start >= r->start && guest_boot_claim(boot, start, start + size))
			return start;
	}
	return 0;
}

uint64_t guest_boot_claim_lowest(struct guest_boot *boot, uint64_t size, uint64_t floor, uint64_t limit)
{
	size = align_up(size, 4096);
	for (size_t i = 0; i < boot->free.count; i++) {
		const struct phys_range *r = &boot->free.ranges[i];
		uint64_t start = align_up(r->start > floor ? r->start : floor, 4096);
		if (start + size <= r->end && start + size <= limit && guest_boot_claim(boot, start, start + size))
			return start;
	}
	return 0;
}

bool guest_boot_load_elf(struct guest_boot *boot, struct elf_image *elf, char *error, size_t error_size)
{
	const void *data = (const void *)(uintptr_t)boot->kernel->start;
	char why[160];

	if (!elf_parse(data, (size_t)(boot->kernel->end - boot->kernel->start), elf, why, sizeof(why)))
		FAIL("%s", why);
	return guest_boot_place_elf(boot, elf, 0, error, error_size);
}

bool guest_boot_place_elf(struct guest_boot *boot, const struct elf_image *elf, uint64_t offset, char *error,
			  size_t error_size)
{
	const void *data = (const void *)(uintptr_t)boot->kernel->start;

	/* Every segment must land in free guest RAM: not on veneer, a module, the boot data or a hole. */
	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct elf_segment *s = &elf->segments[i];
		uint64_t start = align_down(s->physical_address + offset, 4096);
		uint64_t end = align_up(s->physical_address + offset + s->memory_size, 4096);
		if (!guest_boot_claim(boot, start, end))
			FAIL("segment %zu [%#llx-%#llx) is not free guest RAM (it would overlap veneer, a module, "
			     "the boot data or a hole)", i, (unsigned long long)(s->physical_address + offset),
			     (unsigned long long)(s->physical_address + offset + s->memory_size));
	}
	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct elf_segment *s = &elf->segments[i];
		uint8_t *dest = (uint8_t *)(uintptr_t)(s->physical_address + offset);
		guest_boot_move(dest, (const uint8_t *)data + s->file_offset, s->file_size);
		memset(dest + s->file_size, 0, s->memory_size - s->file_size);
	}
	return true;
}

void guest_boot_write_gdt(void)
{
	uint64_t *gdt = (uint64_t *)(uintptr_t)GUEST_BOOT_GDT;

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[GUEST_BOOT_CS / 8] = 0x00CF9B000000FFFFULL;        /* flat 32-bit code */
	gdt[GUEST_BOOT_DS / 8] = 0x00CF93000000FFFFULL;        /* flat data */
}

uint64_t guest_boot_copy_rsdp(size_t *size)
{
	const struct acpi_info *acpi = acpi_get();

	/* The RSDP GRUB gave may sit in memory the guest will reuse; its copy lives in the reserved boot data. */
	if (!acpi || !acpi->rsdp_address)
		return 0;
	*size = acpi->revision >= 2 ? 36 : 20;
	memcpy((void *)(uintptr_t)GUEST_BOOT_RSDP, (const void *)(uintptr_t)acpi->rsdp_address, *size);
	return GUEST_BOOT_RSDP;
}

static bool module_looks_sane(const struct mb2_module *m, char *error, size_t error_size)
{
	if (m->end <= m->start)
		FAIL("the module is empty");
	return true;
}

/* Gives [start, end) back to the loaders, as far as the guest's memory map calls it available. */
static void release(struct guest_boot *boot, uint64_t start, uint64_t end)
{
	struct range_set available;

	guest_memory_map_available(&boot->map, &available);
	for (size_t i = 0; i < available.count; i++) {
		uint64_t s = available.ranges[i].start > start ? available.ranges[i].start : start;
		uint64_t e = available.ranges[i].end < end ? available.ranges[i].end : end;
		if (s < e)
			range_set_add(&boot->free, s, e);
	}
}

/*
 * GRUB put the modules wherever it found room, which may be where the
 * guest kernel's segments must go (GRUB's own relocator moves them at its
 * last step for a kernel it boots).  Before any loader places anything,
 * the modules move together, in order and page-aligned, to the highest
 * free guest RAM below 4 GiB (Multiboot's 32-bit module fields), and the
 * memory they leave is free for the loaders.  The guest is told the new
 * places; the information veneer read them from is in its own memory.
 */
static bool relocate_modules(struct guest_boot *boot, char *error, size_t error_size)
{
	const struct mb2_info *info = boot->info;
	uint64_t total = 0;

	for (size_t i = 0; i < info->module_count; i++)
		total += align_up(info->modules[i].end - info->modules[i].start, 4096);
	if (total == 0)
		return true;
	uint64_t at = guest_boot_claim_highest(boot, total, 4ULL << 30);
	if (!at)
		FAIL("no free guest RAM below 4 GiB to move the %zu module(s) (%llu KiB) out of the kernel's way",
		     info->module_count, (unsigned long long)(total >> 10));
	for (size_t i = 0; i < info->module_count; i++) {
		const struct mb2_module *from = &info->modules[i];
		uint64_t size = from->end - from->start;
		guest_boot_move((void *)(uintptr_t)at, (const void *)(uintptr_t)from->start, size);
		boot->module_copies[i] = (struct mb2_module){ at, at + size, from->cmdline };
		pr_debug("guest: module %zu moved from [%#llx-%#llx) to [%#llx-%#llx)", i,
			 (unsigned long long)from->start, (unsigned long long)from->end, (unsigned long long)at,
			 (unsigned long long)(at + size));
		at += align_up(size, 4096);
	}
	for (size_t i = 0; i < info->module_count; i++)
		release(boot, align_down(info->modules[i].start, 4096), align_up(info->modules[i].end, 4096));
	return true;
}

bool guest_boot_prepare(struct guest *guest, const struct mb2_info *info, size_t kernel_index,
			enum linux_entry linux_entry, char *error, size_t error_size)
{
	static struct guest_boot boot;          /* large: keep it off the stack */

	if (kernel_index >= info->module_count)
		FAIL("there is no module %zu: GRUB loaded %zu module(s); add 'module2 /boot/KERNEL ARGS' to the GRUB entry",
		     kernel_index, info->module_count);
	memset(&boot, 0, sizeof(boot));
	boot.info = info;
	boot.kernel = &boot.module_copies[kernel_index];
	boot.modules = boot.kernel + 1;
	boot.module_count = info->module_count - kernel_index - 1;
	guest->name = info->modules[kernel_index].cmdline;
	if (!module_looks_sane(&info->modules[kernel_index], error, error_size))
		return false;

	/* The guest's memory map: the firmware's, with veneer's memory reserved. */
	if (!guest_memory_map_build(info->memory, info->memory_count, &memory_layout()->owned, &boot.map))
		FAIL("the memory map does not fit in %d entries", GUEST_MAP_MAX);
	guest_memory_map_available(&boot.map, &boot.free);
	guest->memory_map = &boot.map;
	guest->bios_firmware = info->efi_system_table == 0;
	/* Modules stay where GRUB put them until they are moved. */
	for (size_t i = 0; i < info->module_count; i++)
		range_set_remove(&boot.free, align_down(info->modules[i].start, 4096),
				 align_up(info->modules[i].end, 4096));
	if (!relocate_modules(&boot, error, error_size))
		return false;
	boot.kind = guest_image_detect((const void *)(uintptr_t)boot.kernel->start,
				       (size_t)(boot.kernel->end - boot.kernel->start), &boot.mb1, &boot.mb2);
	if (boot.kind == GUEST_IMAGE_UNKNOWN)
		FAIL("unknown format: not a Linux bzImage, a Multiboot or Multiboot2 kernel, or an ELF test guest");
	bool real_mode_linux = boot.kind == GUEST_IMAGE_LINUX && linux_entry == LINUX_ENTRY_REAL_MODE;

	/*
	 * The boot data is ordinary RAM in the guest's map, as GRUB's
	 * structures are: the kernel knows where they are and keeps what it
	 * needs.  Claimed, so that no segment lands on it.  Linux's real-mode
	 * entry needs none, and its setup code goes where GRUB's would, at
	 * the same address.
	 */
	if (!real_mode_linux) {
		if (!guest_boot_claim(&boot, GUEST_BOOT_DATA, GUEST_BOOT_DATA + GUEST_BOOT_DATA_SIZE))
			FAIL("the low memory at %#llx that veneer passes boot data in is not free RAM",
			     (unsigned long long)GUEST_BOOT_DATA);
		memset((void *)(uintptr_t)GUEST_BOOT_DATA, 0, GUEST_BOOT_DATA_SIZE);
	}

	/* The command line's start names the module; the rest (the guest reports it) costs start-up time at the UART. */
	bool long_line = strlen(boot.kernel->cmdline) > MODULE_ECHO_MAX;
	pr_info("guest: module %zu '%.*s%s' is a %s (%llu KiB)", kernel_index, MODULE_ECHO_MAX, boot.kernel->cmdline,
		long_line ? "..." : "", guest_image_kind_name(boot.kind),
		(unsigned long long)((boot.kernel->end - boot.kernel->start) >> 10));
	switch (boot.kind) {
	case GUEST_IMAGE_LINUX:
		if (real_mode_linux)
			return linux16_load(guest, &boot, error, error_size);
		return linux_load(guest, &boot, error, error_size);
	case GUEST_IMAGE_MULTIBOOT1:
	case GUEST_IMAGE_MULTIBOOT2:
		return multiboot_load(guest, &boot, error, error_size);
	case GUEST_IMAGE_TEST_GUEST:
		guest->protect_serial = true;
		return test_guest_load(guest, &boot, error, error_size);
	default:
		FAIL("unknown format");
	}
}
