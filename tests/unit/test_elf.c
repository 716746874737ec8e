/* elf_parse over hand-built images: good ones of both classes, and every kind of damage. */
// unit-test-source: kernel/elf.c
// unit-test-source: kernel/format.c
#include <stdlib.h>

#include "kernel/elf.h"
#include "unit.h"

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A 64-bit image: header, one PT_LOAD at offset 0x100 of 0x80 bytes, paddr 0x100000, vaddr 0xffff800000100000. */
static size_t build64(uint8_t *b)
{
	memset(b, 0, 0x200);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2; b[5] = 1; b[6] = 1;
	put(b + 16, 2, 2);                      /* ET_EXEC */
	put(b + 18, 62, 2);                     /* x86-64 */
	put(b + 20, 1, 4);
	put(b + 24, 0xffff800000100010ULL, 8);  /* entry */
	put(b + 32, 64, 8);                     /* phoff */
	put(b + 52, 64, 2);
	put(b + 54, 56, 2);
	put(b + 56, 1, 2);
	uint8_t *ph = b + 64;
	put(ph, 1, 4);
	put(ph + 4, 5, 4);
	put(ph + 8, 0x100, 8);
	put(ph + 16, 0xffff800000100000ULL, 8);
	put(ph + 24, 0x100000, 8);
	put(ph + 32, 0x80, 8);
	put(ph + 40, 0x1000, 8);
	return 0x180;
}

static size_t build32(uint8_t *b)
{
	memset(b, 0, 0x200);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 1; b[5] = 1; b[6] = 1;
	put(b + 16, 2, 2);
	put(b + 18, 3, 2);
	put(b + 20, 1, 4);
	put(b + 24, 0x100000, 4);
	put(b + 28, 52, 4);
	put(b + 42, 32, 2);
	put(b + 44, 2, 2);
	uint8_t *ph = b + 52;
	put(ph, 6, 4);                          /* PT_PHDR: skipped */
	ph += 32;
	put(ph, 1, 4);
	put(ph + 4, 0x100, 4);
	put(ph + 8, 0x100000, 4);
	put(ph + 12, 0x100000, 4);
	put(ph + 16, 0x40, 4);
	put(ph + 20, 0x40, 4);
	put(ph + 24, 7, 4);
	return 0x140;
}

static bool parse(const uint8_t *b, size_t size, struct elf_image *img, char *err)
{
	/* An exactly sized copy: the sanitizer catches any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, b, size);
	bool ok = elf_parse(copy, size, img, err, 200);
	free(copy);
	return ok;
}

TEST(elf_64bit_image)
{
	uint8_t b[0x200];
	struct elf_image img;
	char err[200];
	size_t n = build64(b);

	EXPECT(parse(b, n, &img, err));
	EXPECT_EQ(img.bits, 64);
	EXPECT_EQ(img.segment_count, 1);
	EXPECT_EQ(img.segments[0].physical_address, 0x100000);
	EXPECT_EQ(img.segments[0].file_size, 0x80);
	EXPECT_EQ(img.segments[0].memory_size, 0x1000);
	EXPECT_EQ(img.entry, 0x100010);         /* translated to the physical address */
}

TEST(elf_32bit_image_skips_other_headers)
{
	uint8_t b[0x200];
	struct elf_image img;
	char err[200];
	size_t n = build32(b);

	EXPECT(parse(b, n, &img, err));
	EXPECT_EQ(img.bits, 32);
	EXPECT_EQ(img.segment_count, 1);
	EXPECT_EQ(img.entry, 0x100000);
	EXPECT_EQ(img.segments[0].flags, 7);
}

TEST(elf_rejects_damage_with_a_reason)
{
	uint8_t b[0x200];
	struct elf_image img;
	char err[200];
	size_t n;

	n = build64(b);
	EXPECT(!parse(b, 3, &img, err));
	EXPECT(strstr(err, "not an ELF") != NULL);
	EXPECT(!parse(b, 40, &img, err));
	EXPECT(strstr(err, "truncated") != NULL);
	EXPECT(!parse(b, 0x150, &img, err));     /* segment data cut off */
	EXPECT(strstr(err, "truncated") != NULL);
	EXPECT(!parse(b, 100, &img, err));       /* program headers cut off */
	EXPECT(strstr(err, "program headers") != NULL);

	n = build64(b); b[5] = 2;
	EXPECT(!parse(b, n, &img, err));
	EXPECT(strstr(err, "little-endian") != NULL);
	n = build64(b); b[4] = 3;
	EXPECT(!parse(b, n, &img, err));
	n = build64(b); put(b + 16, 3, 2);       /* ET_DYN */
	EXPECT(!parse(b, n, &img, err));
	EXPECT(strstr(err, "executable") != NULL);
	n = build64(b); put(b + 18, 3, 2);       /* i386 machine in a 64-bit file */
	EXPECT(!parse(b, n, &img, err));
	n = build64(b); put(b + 24, 0x5000000, 8);
	EXPECT(!parse(b, n, &img, err));
	EXPECT(strstr(err, "entry point") != NULL);
	n = build64(b); put(b + 64 + 32, 0x2000, 8);     /* filesz > memsz */
	EXPECT(!parse(b, n, &img, err));
	n = build64(b); put(b + 64 + 24, 0xFFFFFFFFFFFFF000ULL, 8);
	EXPECT(!parse(b, n, &img, err));
	EXPECT(strstr(err, "wraps") != NULL);
	n = build64(b); put(b + 56, 0, 2);
	EXPECT(!parse(b, n, &img, err));
	n = build64(b); put(b + 54, 8, 2);
	EXPECT(!parse(b, n, &img, err));
	n = build64(b); put(b + 64, 2, 4);       /* no PT_LOAD */
	EXPECT(!parse(b, n, &img, err));
	EXPECT(strstr(err, "loadable") != NULL);
	n = build64(b); put(b + 56, 0xFFFF, 2);  /* absurd count */
	EXPECT(!parse(b, n, &img, err));
}

/* build32 plus three section headers at 0x140: null, a loaded .text, an unloaded .symtab. */
static size_t build32_with_sections(uint8_t *b)
{
	build32(b);
	put(b + 32, 0x140, 4);                  /* e_shoff */
	put(b + 46, 40, 2);                     /* e_shentsize */
	put(b + 48, 3, 2);                      /* e_shnum */
	put(b + 50, 2, 2);                      /* e_shstrndx */
	uint8_t *sh = b + 0x140 + 40;
	put(sh + 4, 1, 4);                      /* PROGBITS */
	put(sh + 12, 0x100000, 4);
	put(sh + 16, 0x100, 4);
	put(sh + 20, 0x40, 4);
	sh += 40;
	put(sh + 4, 2, 4);                      /* SYMTAB */
	put(sh + 16, 0x120, 4);
	put(sh + 20, 0x20, 4);
	put(sh + 32, 4, 4);
	return 0x140 + 3 * 40;
}

TEST(elf_section_table_32)
{
	static uint8_t b[0x400];
	size_t size = build32_with_sections(b);
	struct elf_section_table t;
	struct elf_section s;
	char err[200];

	EXPECT(elf_parse_sections(b, size, &t, err, sizeof(err)));
	EXPECT_EQ(t.bits, 32);
	EXPECT_EQ(t.count, 3);
	EXPECT_EQ(t.entry_size, 40);
	EXPECT_EQ(t.name_index, 2);
	elf_read_section(b + 0x140 + 40, 32, &s);
	EXPECT_EQ(s.address, 0x100000);
	EXPECT_EQ(s.size, 0x40);
	elf_read_section(b + 0x140 + 80, 32, &s);
	EXPECT_EQ(s.type, 2);
	EXPECT_EQ(s.address, 0);
	EXPECT_EQ(s.file_offset, 0x120);
	EXPECT_EQ(s.alignment, 4);
	elf_write_section_address(b + 0x140 + 80, 32, 0x12345000);
	elf_read_section(b + 0x140 + 80, 32, &s);
	EXPECT_EQ(s.address, 0x12345000);
	EXPECT_EQ(s.size, 0x20);                /* the neighbour field untouched */

	/* The table one byte short of the file's end; entries too small. */
	EXPECT(!elf_parse_sections(b, size - 1, &t, err, sizeof(err)));
	EXPECT(strstr(err, "run past the end") != NULL);
	put(b + 46, 32, 2);
	EXPECT(!elf_parse_sections(b, size, &t, err, sizeof(err)));
	put(b + 46, 40, 2);
	/* Extended numbering: e_shnum 0, the count in section 0's sh_size. */
	put(b + 48, 0, 2);
	put(b + 0x140 + 20, 3, 4);
	EXPECT(elf_parse_sections(b, size, &t, err, sizeof(err)));
	EXPECT_EQ(t.count, 3);
	/* No table at all. */
	put(b + 32, 0, 4);
	EXPECT(elf_parse_sections(b, size, &t, err, sizeof(err)));
	EXPECT_EQ(t.count, 0);
}

TEST(elf_section_fields_64)
{
	uint8_t h[64] = { 0 };
	struct elf_section s;

	put(h + 4, 3, 4);
	put(h + 16, 0xffff800000200000ULL, 8);
	put(h + 24, 0x2000, 8);
	put(h + 32, 0x300, 8);
	put(h + 48, 16, 8);
	elf_read_section(h, 64, &s);
	EXPECT_EQ(s.type, 3);
	EXPECT_EQ(s.address, 0xffff800000200000ULL);
	EXPECT_EQ(s.file_offset, 0x2000);
	EXPECT_EQ(s.size, 0x300);
	EXPECT_EQ(s.alignment, 16);
}
