/*
 * elf_parse() over arbitrary files: a guest kernel or test guest given as
 * a GRUB module.  The input is copied into a heap block of exactly its
 * size, so a read past the end of the file is an AddressSanitizer report.
 *
 * Invariants of an accepted image: every segment's file bytes lie inside
 * the file, no segment has more file bytes than memory bytes or wraps the
 * address space, a 32-bit image has 32-bit numbers only, and the entry
 * point lies in a segment.  A refused image comes with a message, also
 * when the message buffer is tiny (then cut, but terminated); the answer
 * does not depend on the buffer's size.
 */
// fuzz-source: kernel/elf.c
// fuzz-source: kernel/format.c
#include "fuzz.h"
#include "kernel/elf.h"

#define SMALL_ERROR     12

static void check_accepted(const struct elf_image *image, size_t size)
{
	bool entry_inside = false;

	FUZZ_CHECK(image->bits == 32 || image->bits == 64);
	FUZZ_CHECK(image->segment_count >= 1 && image->segment_count <= ELF_MAX_SEGMENTS);
	for (size_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *s = &image->segments[i];

		FUZZ_CHECK(s->file_offset <= size && s->file_size <= size - s->file_offset);
		FUZZ_CHECK(s->file_size <= s->memory_size);
		FUZZ_CHECK(s->physical_address + s->memory_size >= s->physical_address);
		if (image->bits == 32)
			FUZZ_CHECK(s->physical_address <= UINT32_MAX && s->memory_size <= UINT32_MAX &&
				   s->file_offset <= UINT32_MAX);
		if (image->entry >= s->physical_address && image->entry - s->physical_address < s->memory_size)
			entry_inside = true;
	}
	FUZZ_CHECK(entry_inside);
}

static bool same_image(const struct elf_image *a, const struct elf_image *b)
{
	if (a->bits != b->bits || a->entry != b->entry || a->segment_count != b->segment_count)
		return false;
	for (size_t i = 0; i < a->segment_count; i++) {
		const struct elf_segment *x = &a->segments[i], *y = &b->segments[i];

		if (x->physical_address != y->physical_address || x->file_offset != y->file_offset ||
		    x->file_size != y->file_size || x->memory_size != y->memory_size || x->flags != y->flags)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *file = malloc(size ? size : 1);
	char *small = malloc(SMALL_ERROR);
	struct elf_image image, again;
	char error[160];
	bool ok;

	memcpy(file, data, size);
	error[0] = '\0';
	ok = elf_parse(file, size, &image, error, sizeof(error));
	if (ok)
		check_accepted(&image, size);
	else
		FUZZ_CHECK(fuzz_message_ok(error, sizeof(error)));

	FUZZ_CHECK(elf_parse(file, size, &again, small, SMALL_ERROR) == ok);
	if (ok)
		FUZZ_CHECK(same_image(&image, &again));
	else
		FUZZ_CHECK(fuzz_message_ok(small, SMALL_ERROR) && strncmp(small, error, SMALL_ERROR - 1) == 0);
	free(small);
	free(file);
	return 0;
}
