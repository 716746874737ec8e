/*
 * guest_image_detect() over arbitrary guest modules: which kind of kernel
 * a module holds (Linux bzImage, Multiboot2, Multiboot, veneer test
 * guest), told from its bytes.  The input is copied into a heap block of
 * exactly its size.  A detected ELF test guest or Multiboot kernel is then
 * given to elf_parse(), as vmx/guest/boot.c does.
 *
 * Invariants: a Multiboot2 header is 8-byte aligned in the first 32 KiB
 * and lies (with the length it claims) inside the module, its magic and
 * checksum right; a Multiboot header is 4-byte aligned in the first 8 KiB
 * and its 12 bytes inside the module; "HdrS" is there for a bzImage.
 */
// fuzz-source: vmx/guest/image.c
// fuzz-source: kernel/elf.c
// fuzz-source: kernel/format.c
#include "boot/multiboot2_abi.h"
#include "fuzz.h"
#include "kernel/elf.h"
#include "vmx/guest/image.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *module = malloc(size ? size : 1);
	struct multiboot1_header_info mb1 = { 0 };
	struct multiboot2_header_info mb2 = { 0 };
	enum guest_image_kind kind;
	struct elf_image elf;
	char error[160];

	memcpy(module, data, size);
	kind = guest_image_detect(module, size, &mb1, &mb2);
	FUZZ_CHECK(strcmp(guest_image_kind_name(kind), "unknown") != 0 || kind == GUEST_IMAGE_UNKNOWN);

	switch (kind) {
	case GUEST_IMAGE_LINUX:
		FUZZ_CHECK(size >= 0x206 && memcmp(module + 0x202, "HdrS", 4) == 0);
		break;
	case GUEST_IMAGE_MULTIBOOT2: {
		const uint8_t *h = module + mb2.offset;

		FUZZ_CHECK(mb2.offset % 8 == 0 && mb2.offset < 32768);
		FUZZ_CHECK(mb2.length >= 16 && mb2.offset <= size && mb2.length <= size - mb2.offset);
		FUZZ_CHECK(rd32(h) == MB2_HEADER_MAGIC && rd32(h + 8) == mb2.length);
		FUZZ_CHECK((uint32_t)(rd32(h) + rd32(h + 4) + rd32(h + 8) + rd32(h + 12)) == 0);
		(void)elf_parse(module, size, &elf, error, sizeof(error));
		break;
	}
	case GUEST_IMAGE_MULTIBOOT1: {
		const uint8_t *h = module + mb1.offset;

		FUZZ_CHECK(mb1.offset % 4 == 0 && mb1.offset < 8192);
		FUZZ_CHECK(mb1.offset <= size && size - mb1.offset >= 12);
		FUZZ_CHECK(rd32(h) == MULTIBOOT1_HEADER_MAGIC && rd32(h + 4) == mb1.flags);
		FUZZ_CHECK((uint32_t)(rd32(h) + rd32(h + 4) + rd32(h + 8)) == 0);
		(void)elf_parse(module, size, &elf, error, sizeof(error));
		break;
	}
	case GUEST_IMAGE_TEST_GUEST:
		FUZZ_CHECK(elf_has_magic(module, size));
		(void)elf_parse(module, size, &elf, error, sizeof(error));
		break;
	case GUEST_IMAGE_UNKNOWN:
		FUZZ_CHECK(!elf_has_magic(module, size));
		break;
	}
	free(module);
	return 0;
}
