#include <stddef.h>

#include "boot/boot_layout.h"
#include "kernel/ksyms.h"

struct ksymtab {
	uint64_t count;
	const uint64_t *addresses;      /* sorted */
	const uint32_t *name_offsets;
	const char *names;
};

extern const struct ksymtab ksymtab;
extern const char __kernel_start[], __text_start[], __text_end[];

uint64_t ksym_load_offset(void)
{
	return (uint64_t)(uintptr_t)__kernel_start - KERNEL_LINK_ADDRESS;
}

bool ksym_lookup(uint64_t address, const char **name, uint64_t *offset)
{
	if (address < (uint64_t)(uintptr_t)__text_start || address >= (uint64_t)(uintptr_t)__text_end)
		return false;
	/* The table holds link-time addresses (nm of the first link); the image runs elsewhere. */
	address -= ksym_load_offset();
	if (ksymtab.count == 0 || address < ksymtab.addresses[0])
		return false;

	/* The last symbol at or below address. */
	size_t lo = 0, hi = ksymtab.count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksymtab.addresses[mid] <= address)
			lo = mid;
		else
			hi = mid;
	}
	*name = ksymtab.names + ksymtab.name_offsets[lo];
	*offset = address - ksymtab.addresses[lo];
	return true;
}
