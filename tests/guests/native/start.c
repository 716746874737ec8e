/*
 * From runtime/entry32.S to guest_main() in the test programs booted as a
 * Multiboot kernel, natively by GRUB or by veneer's Multiboot loader: the
 * same runner and tests as testguest32.elf, with the boot information of
 * Multiboot 0.6.96 (3.3) in place of veneer's test-guest boot contract.
 * The command line and the memory map are copied out of the information
 * first, since tests write to low memory.  Output goes to COM1 both ways
 * (multiboot/console.c): under veneer a Multiboot guest gets the serial
 * port, so the two runs print the same bytes.
 */
#include <stdint.h>

#include "kernel/string.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/multiboot/multiboot.h"
#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/descriptors.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/guest.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/veneer_memory.h"
#include "tests/guests/runtime/x86.h"

#define CMDLINE_MAX     1024
#define COPIED_MAP_MAX         64

/* Multiboot 0.6.96, 3.3: the fields of the information structure read here. */
#define INFO_FLAGS              0
#define INFO_CMDLINE            16
#define INFO_MMAP_LENGTH        44
#define INFO_MMAP_ADDR          48

struct entry_state entry_state;

static char cmdline[CMDLINE_MAX];
static struct { uint64_t base, length; uint32_t type; } map[COPIED_MAP_MAX];
static size_t map_count;

static uint32_t info_word(uint32_t info, unsigned offset)
{
	return *(const volatile uint32_t *)phys(info + offset);
}

static void copy_cmdline(uint32_t info)
{
	const volatile char *text = phys(info_word(info, INFO_CMDLINE));
	size_t i = 0;

	while (i < CMDLINE_MAX - 1 && text[i])
		cmdline[i] = text[i], i++;
	cmdline[i] = 0;
}

/* Entries are { size, base, length, type }, size not counting itself (3.3). */
static void copy_map(uint32_t info)
{
	uint32_t at = info_word(info, INFO_MMAP_ADDR), end = at + info_word(info, INFO_MMAP_LENGTH);

	while (at + 24 <= end && map_count < COPIED_MAP_MAX) {
		const volatile uint8_t *e = phys(at);
		uint32_t size = *(const volatile uint32_t *)e;

		map[map_count].base = *(const volatile uint64_t *)(e + 4);
		map[map_count].length = *(const volatile uint64_t *)(e + 12);
		map[map_count].type = *(const volatile uint32_t *)(e + 20);
		map_count++;
		if (size < 20)
			break;
		at += size + 4;
	}
}

static void map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type)
{
	*base = map[i].base;
	*length = map[i].length;
	*type = map[i].type;
}

size_t guest_map_count(void)
{
	return map_count;
}

void guest_map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type)
{
	map_entry(i, base, length, type);
}

/* runtime/boot_map.h, from the Multiboot memory map: veneer's block is there only under veneer. */
bool guest_hvaddr(unsigned long long *address, const char **why)
{
	char text[32];
	uint64_t start, end;

	if (cmdline_value(entry_state.cmdline, "hvaddr", text, sizeof(text))) {
		*why = "hvaddr= is not a number";
		return parse_number(text, address);
	}
	if (!running_under_veneer()) {
		*why = "not running under veneer";
		return false;
	}
	if (!veneer_block_in_map(map_count, map_entry, &start, &end)) {
		*why = "no hvaddr= and no reserved block after RAM in the Multiboot memory map";
		return false;
	}
	*address = start;
	return true;
}

void guest_start(void)
{
	uint32_t magic = (uint32_t)entry_regs[ENTRY_REG_AX], info = (uint32_t)entry_regs[ENTRY_REG_BX];
	uint32_t flags = 0;

	entry_state.ax = magic;
	entry_state.bx = info;
	entry_state.cmdline = cmdline;
	if (magic == MB1_BOOTLOADER_MAGIC && info) {
		flags = info_word(info, INFO_FLAGS);
		if (flags & MB1_INFO_CMDLINE)
			copy_cmdline(info);
		if (flags & MB1_INFO_MEMORY_MAP)
			copy_map(info);
	}
	console_init();
	gdt_init();
	idt_init();
	if (magic != MB1_BOOTLOADER_MAGIC)
		report_abort("booted with EAX 0x%x, not the Multiboot magic", magic);
	guest_main(cmdline);
	report_finish();
}
