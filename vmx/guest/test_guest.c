/*
 * Loading one of veneer's own test guests (tests/guests/): an ELF
 * executable that starts in 64-bit mode (ELFCLASS64) or in 32-bit
 * protected mode with paging off (ELFCLASS32), as tests/guests/README.md
 * describes.  veneer prepares the boot area the contract promises: a GDT,
 * the guest's memory map (where veneer's memory is reserved), for 64-bit
 * guests an identity map of the first 4 GiB, and the module's command
 * line.
 */
#include "arch/paging.h"
#include "kernel/elf.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"
#include "vmx/guest/test_guest.h"

#define BOOT_AREA_START         0x1000ULL
#define BOOT_AREA_END           0x9000ULL
#define BOOT_GDT                0x1000ULL
#define BOOT_MAP                0x1800ULL       /* the guest's memory map: count, then 24-byte entries */
#define BOOT_MAP_ENTRY_SIZE     24
#define BOOT_MAP_MAX            ((0x2000 - BOOT_MAP - 8) / BOOT_MAP_ENTRY_SIZE)
#define BOOT_PML4               0x2000ULL
#define BOOT_PDPT               0x3000ULL
#define BOOT_PD                 0x4000ULL       /* four page directories: 4 GiB */
#define BOOT_CMDLINE            0x8000ULL
#define BOOT_CMDLINE_MAX        4095
#define BOOT_STACK_TOP          0x90000ULL
#define BOOT_STACK_SIZE         0x10000ULL
#define BOOT_MAGIC              0x56454E52ULL   /* 'VENR' */

#define SELECTOR_CODE64         0x08
#define SELECTOR_DATA           0x10
#define SELECTOR_CODE32         0x18

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

bool test_guest_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size)
{
	const struct mb2_module *module = boot->kernel;
	struct elf_image image;

	if (!guest_boot_claim(boot, BOOT_AREA_START, BOOT_AREA_END) ||
	    !guest_boot_claim(boot, BOOT_STACK_TOP - BOOT_STACK_SIZE, BOOT_STACK_TOP))
		FAIL("the low memory the test-guest boot area needs is not free RAM");
	if (!guest_boot_load_elf(boot, &image, error, error_size))
		return false;
	/* The boot area maps (64-bit) or reaches (32-bit, paging off) the first 4 GiB only. */
	for (size_t i = 0; i < image.segment_count; i++)
		if (image.segments[i].physical_address + image.segments[i].memory_size > (4ULL << 30))
			FAIL("segment %zu lies above 4 GiB, out of a test guest's reach", i);

	/* The GDT: null, 64-bit code, flat data, 32-bit code. */
	uint64_t *gdt = (uint64_t *)(uintptr_t)BOOT_GDT;
	memset(gdt, 0, 4096);
	gdt[SELECTOR_CODE64 / 8] = 0x00AF9B000000FFFFULL;
	gdt[SELECTOR_DATA / 8] = 0x00CF93000000FFFFULL;
	gdt[SELECTOR_CODE32 / 8] = 0x00CF9B000000FFFFULL;

	/* The memory map, as far as it fits (a test guest reads it to find veneer's block). */
	uint8_t *map = (uint8_t *)(uintptr_t)BOOT_MAP;
	uint32_t count = boot->map.count < BOOT_MAP_MAX ? (uint32_t)boot->map.count : (uint32_t)BOOT_MAP_MAX;
	memcpy(map, &count, 4);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *e = map + 8 + i * BOOT_MAP_ENTRY_SIZE;
		memcpy(e, &boot->map.entries[i].base, 8);
		memcpy(e + 8, &boot->map.entries[i].length, 8);
		memcpy(e + 16, &boot->map.entries[i].type, 4);
	}

	/* An identity map of 4 GiB with 2 MiB pages, for a 64-bit start. */
	uint64_t *pml4 = (uint64_t *)(uintptr_t)BOOT_PML4, *pdpt = (uint64_t *)(uintptr_t)BOOT_PDPT;
	uint64_t *pd = (uint64_t *)(uintptr_t)BOOT_PD;
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT | PTE_PRESENT | PTE_WRITABLE;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD + i * 4096) | PTE_PRESENT | PTE_WRITABLE;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;

	char *cmdline = (char *)(uintptr_t)BOOT_CMDLINE;
	size_t cmdline_length = strnlen(module->cmdline, BOOT_CMDLINE_MAX);
	memcpy(cmdline, module->cmdline, cmdline_length);
	cmdline[cmdline_length] = '\0';

	struct guest_entry *e = &guest->entry;
	memset(e, 0, sizeof(*e));
	e->rip = image.entry;
	e->rsp = BOOT_STACK_TOP;
	e->gdt_base = BOOT_GDT;
	e->gdt_limit = 4 * 8 - 1;
	e->data_selector = SELECTOR_DATA;
	if (image.bits == 64) {
		e->mode = GUEST_ENTRY_LONG_MODE;
		e->code_selector = SELECTOR_CODE64;
		e->cr3 = BOOT_PML4;
		e->regs.rdi = BOOT_MAGIC;
		e->regs.rsi = BOOT_CMDLINE;
	} else {
		e->mode = GUEST_ENTRY_PROTECTED_MODE;
		e->code_selector = SELECTOR_CODE32;
		e->regs.rax = BOOT_MAGIC;
		e->regs.rbx = BOOT_CMDLINE;
	}
	pr_info("guest: test guest '%s': %u-bit ELF, %zu segments, entry %#llx", module->cmdline, image.bits,
		image.segment_count, (unsigned long long)image.entry);
	return true;
}
