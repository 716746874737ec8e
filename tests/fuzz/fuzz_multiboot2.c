/*
 * mb2_parse() over arbitrary boot information.  The input is copied into a
 * heap block of exactly its size (malloc aligns it to 8 bytes, as the
 * specification promises the real structure is), so AddressSanitizer sees
 * any read past what the caller said was readable.
 *
 * Invariants: whatever the parser accepts points inside the structure
 * (strings NUL-terminated there, the RSDP copy and the EFI memory map
 * wholly inside), counts stay within their limits, module ranges are not
 * reversed and memory ranges do not wrap; whatever it refuses comes with a
 * message.
 */
// fuzz-source: kernel/multiboot2.c
// fuzz-source: kernel/format.c
#include "fuzz.h"
#include "kernel/multiboot2.h"

static void check_accepted(const struct mb2_info *info, const uint8_t *base, size_t size)
{
	FUZZ_CHECK(info->info_start == (uintptr_t)base);
	FUZZ_CHECK(info->info_size >= 16 && info->info_size <= size && info->info_size % 8 == 0);
	size = info->info_size;         /* nothing the parser returns may lie past total_size */

	FUZZ_CHECK(info->cmdline != NULL);
	FUZZ_CHECK(info->cmdline[0] == '\0' || fuzz_string_inside(info->cmdline, base, size));
	FUZZ_CHECK(!info->bootloader_name || fuzz_string_inside(info->bootloader_name, base, size));

	FUZZ_CHECK(info->memory_count <= MB2_MAX_MEMORY_RANGES);
	for (size_t i = 0; i < info->memory_count; i++) {
		const struct mb2_memory_range *r = &info->memory[i];
		FUZZ_CHECK(r->base == 0 || r->length <= 0 - r->base);
		(void)mb2_memory_type_name(r->type);
		(void)mb2_range_is_usable(r);
	}

	FUZZ_CHECK(info->module_count <= MB2_MAX_MODULES);
	for (size_t i = 0; i < info->module_count; i++) {
		const struct mb2_module *m = &info->modules[i];
		FUZZ_CHECK(m->start <= m->end);
		FUZZ_CHECK(fuzz_string_inside(m->cmdline, base, size));
	}

	if (info->rsdp) {
		FUZZ_CHECK(fuzz_inside(info->rsdp, info->rsdp_size, base, size));
		FUZZ_CHECK(info->rsdp_revision == 0 || info->rsdp_revision == 2);
		FUZZ_CHECK(info->rsdp_size >= (info->rsdp_revision == 2 ? 36u : 20u));
	} else {
		FUZZ_CHECK(info->rsdp_size == 0);
	}

	if (info->efi_memory_map) {
		FUZZ_CHECK(fuzz_inside(info->efi_memory_map, info->efi_memory_map_size, base, size));
		FUZZ_CHECK(info->efi_descriptor_size >= 40);
		FUZZ_CHECK(info->efi_memory_map_size % info->efi_descriptor_size == 0);
		FUZZ_CHECK(info->booted_from_efi);
	}
	FUZZ_CHECK(info->framebuffer.kind <= FRAMEBUFFER_INDEXED);
	if (info->framebuffer.kind == FRAMEBUFFER_RGB)
		FUZZ_CHECK(info->framebuffer.bpp != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct mb2_info *info = malloc(sizeof(*info));
	struct mb2_error err;

	memcpy(copy, data, size);
	memset(&err, 0, sizeof(err));
	if (mb2_parse(copy, size, info, &err) == MB2_OK) {
		check_accepted(info, copy, size);
	} else {
		FUZZ_CHECK(fuzz_message_ok(err.message, sizeof(err.message)));
		FUZZ_CHECK(err.tag_type == MB2_NO_TAG || err.offset <= size);
		FUZZ_CHECK(mb2_tag_name(err.tag_type) != NULL);
		/* Without an error structure it must refuse the same input, quietly. */
		FUZZ_CHECK(mb2_parse(copy, size, info, NULL) == MB2_ERROR);
	}
	free(info);
	free(copy);
	return 0;
}
