#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/veneer_memory.h"
#include "tests/guests/runtime/x86.h"

static void boot_map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type)
{
	const volatile uint8_t *e = phys(BOOT_MAP_ADDRESS + 8 + i * BOOT_MAP_ENTRY_SIZE);

	*base = *(const volatile uint64_t *)e;
	*length = *(const volatile uint64_t *)(e + 8);
	*type = *(const volatile uint32_t *)(e + 16);
}

size_t guest_map_count(void)
{
	uint32_t count = *(const volatile uint32_t *)phys(BOOT_MAP_ADDRESS);

	return count <= BOOT_MAP_MAX ? count : BOOT_MAP_MAX;
}

void guest_map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type)
{
	boot_map_entry(i, base, length, type);
}

bool guest_hvaddr(unsigned long long *address, const char **why)
{
	char text[32];
	uint64_t start, end;

	if (cmdline_value(entry_state.cmdline, "hvaddr", text, sizeof(text))) {
		*why = "hvaddr= is not a number";
		return parse_number(text, address);
	}
	uint32_t count = *(const volatile uint32_t *)phys(BOOT_MAP_ADDRESS);
	if (count > BOOT_MAP_MAX) {
		*why = "the boot-area memory map's count is too large";
		return false;
	}
	if (!veneer_block_in_map(count, boot_map_entry, &start, &end)) {
		*why = "no hvaddr= and no reserved block after RAM in the boot-area memory map";
		return false;
	}
	*address = start;
	return true;
}
