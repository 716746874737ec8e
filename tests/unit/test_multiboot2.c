/*
 * mb2_parse(): the Multiboot2 boot information parser.  Each structure is
 * built by hand, then copied into a heap block of exactly its size, so
 * AddressSanitizer turns any read past the end into a failed test.  Tag
 * padding is filled with 0xA5, never zero, so that a parser relying on
 * padding to terminate a string would be caught too.
 */
// unit-test-source: kernel/multiboot2.c
// unit-test-source: kernel/format.c
#include <stdlib.h>

#include "kernel/multiboot2.h"
#include "unit.h"

#define PAD_BYTE        0xA5

/* Bytes of one tag's payload, after its 8-byte (type, size) header. */
struct payload {
	uint8_t bytes[4096];
	size_t len;
};

static void p_bytes(struct payload *p, const void *data, size_t len)
{
	memcpy(p->bytes + p->len, data, len);
	p->len += len;
}

static void p8(struct payload *p, uint8_t v)
{
	p_bytes(p, &v, sizeof(v));
}

static void p16(struct payload *p, uint16_t v)
{
	p_bytes(p, &v, sizeof(v));
}

static void p32(struct payload *p, uint32_t v)
{
	p_bytes(p, &v, sizeof(v));
}

static void p64(struct payload *p, uint64_t v)
{
	p_bytes(p, &v, sizeof(v));
}

static void pstr(struct payload *p, const char *s)
{
	p_bytes(p, s, strlen(s) + 1);
}

/* A boot information structure under construction. */
static struct {
	uint8_t bytes[8192] __attribute__((aligned(8)));
	size_t len;
} b;

static void put32(size_t offset, uint32_t v)
{
	memcpy(b.bytes + offset, &v, sizeof(v));
}

static void begin(void)
{
	memset(b.bytes, PAD_BYTE, sizeof(b.bytes));
	put32(4, 0xDEADBEEF);           /* reserved: must be ignored */
	b.len = 8;
}

/* Append a tag whose size field says @size, whatever the payload length; returns its offset. */
static size_t add_sized(uint32_t type, uint32_t size, const struct payload *p)
{
	size_t offset = b.len;

	put32(offset, type);
	put32(offset + 4, size);
	if (p)
		memcpy(b.bytes + offset + 8, p->bytes, p->len);
	b.len += (8 + (p ? p->len : 0) + 7) & ~(size_t)7;
	return offset;
}

static size_t add(uint32_t type, const struct payload *p)
{
	return add_sized(type, 8 + (p ? p->len : 0), p);
}

static size_t add_string(uint32_t type, const char *s)
{
	struct payload p = { .len = 0 };

	pstr(&p, s);
	return add(type, &p);
}

static size_t add_module(uint32_t start, uint32_t end, const char *cmdline)
{
	struct payload p = { .len = 0 };

	p32(&p, start);
	p32(&p, end);
	pstr(&p, cmdline);
	return add(MB2_TAG_MODULE, &p);
}

static void mmap_entry(struct payload *p, uint32_t entry_size, uint64_t base, uint64_t length,
		       uint32_t type)
{
	size_t start = p->len;

	p64(p, base);
	p64(p, length);
	p32(p, type);
	p32(p, 0);
	while (p->len < start + entry_size)
		p8(p, 0x5A);            /* fields of a later version */
}

static void mmap_header(struct payload *p, uint32_t entry_size, uint32_t version)
{
	p->len = 0;
	p32(p, entry_size);
	p32(p, version);
}

/* Common framebuffer fields, including the two reserved bytes. */
static void framebuffer_common(struct payload *p, uint64_t addr, uint32_t pitch, uint32_t width,
			       uint32_t height, uint8_t bpp, uint8_t type)
{
	p->len = 0;
	p64(p, addr);
	p32(p, pitch);
	p32(p, width);
	p32(p, height);
	p8(p, bpp);
	p8(p, type);
	p16(p, 0);
}

static size_t add_rsdp(uint32_t type, size_t len)
{
	struct payload p = { .len = 0 };

	p_bytes(&p, "RSD PTR ", 8);
	while (p.len < len)
		p8(&p, (uint8_t)p.len);
	return add(type, &p);
}

static void finish_without_end(void)
{
	put32(0, (uint32_t)b.len);
}

static void finish(void)
{
	add(MB2_TAG_END, NULL);
	finish_without_end();
}

/* One parse of an exactly sized heap copy; the copy lives until done(). */
struct parse {
	uint8_t *copy;
	enum mb2_result result;
	struct mb2_info info;
	struct mb2_error err;
};

static void parse_n(struct parse *r, size_t size, size_t available)
{
	r->copy = malloc(size);
	memcpy(r->copy, b.bytes, size);
	memset(&r->err, 0, sizeof(r->err));
	r->result = mb2_parse(r->copy, available, &r->info, &r->err);
}

static void parse(struct parse *r)
{
	parse_n(r, b.len, b.len);
}

static void done(struct parse *r)
{
	free(r->copy);
}

#define EXPECT_OK(r)                                                            \
	do {                                                                    \
		if ((r)->result != MB2_OK)                                      \
			unit_fail(__FILE__, __LINE__, "refused: %s", (r)->err.message); \
	} while (0)

#define EXPECT_REFUSED(r, want_type, want_offset, text)                         \
	do {                                                                    \
		EXPECT_EQ((r)->result, MB2_ERROR);                              \
		EXPECT_EQ((r)->err.tag_type, want_type);                        \
		EXPECT_EQ((r)->err.offset, want_offset);                        \
		if (!strstr((r)->err.message, text))                            \
			unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", \
				  (r)->err.message, text);                      \
	} while (0)

/* Build one tag (with an end tag after it), parse it, and expect it refused. */
#define EXPECT_TAG_REFUSED(type, size, payload, text)                           \
	do {                                                                    \
		struct parse r_;                                                \
		size_t off_;                                                    \
		begin();                                                        \
		off_ = add_sized(type, size, payload);                          \
		finish();                                                       \
		parse(&r_);                                                     \
		EXPECT_REFUSED(&r_, type, off_, text);                          \
		done(&r_);                                                      \
	} while (0)

TEST(mb2_every_tag_decoded)
{
	struct payload p;
	struct parse r;
	size_t acpi_new, efi_mmap;
	const uint64_t top = 0x100000000ULL;

	begin();
	add_string(MB2_TAG_CMDLINE, "console=serial loglevel=4");
	add_string(MB2_TAG_BOOTLOADER_NAME, "GRUB 2.12");
	add_module(0x200000, 0x280000, "guest.bin");
	add_module(0x280000, 0x280123, "initrd root=/dev/vda");

	p.len = 0;
	p32(&p, 639);
	p32(&p, 523264);
	add(MB2_TAG_BASIC_MEMINFO, &p);

	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	mmap_entry(&p, 24, 0x9fc00, 0x400, MB2_MEMORY_RESERVED);
	mmap_entry(&p, 24, 0x100000, 0x7fee0000, MB2_MEMORY_AVAILABLE);
	mmap_entry(&p, 24, top, 0x80000000, MB2_MEMORY_ACPI_RECLAIMABLE);
	add(MB2_TAG_MMAP, &p);

	framebuffer_common(&p, 0xfd000000, 4096, 1024, 768, 32, MB2_FRAMEBUFFER_TYPE_RGB);
	p8(&p, 16);
	p8(&p, 8);
	p8(&p, 8);
	p8(&p, 8);
	p8(&p, 0);
	p8(&p, 8);
	add(MB2_TAG_FRAMEBUFFER, &p);

	add_rsdp(MB2_TAG_ACPI_OLD, 20);
	acpi_new = add_rsdp(MB2_TAG_ACPI_NEW, 36);

	p.len = 0;
	p64(&p, 0x7f9e0018);
	add(MB2_TAG_EFI64, &p);

	p.len = 0;
	p32(&p, 48);
	p32(&p, 1);
	for (int i = 0; i < 2 * 48; i++)
		p8(&p, (uint8_t)i);
	efi_mmap = add(MB2_TAG_EFI_MMAP, &p);
	finish();

	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.info_start, (uintptr_t)r.copy);
	EXPECT_EQ(r.info.info_size, b.len);
	EXPECT_STREQ(r.info.cmdline, "console=serial loglevel=4");
	EXPECT_STREQ(r.info.bootloader_name, "GRUB 2.12");

	EXPECT_EQ(r.info.module_count, 2);
	EXPECT_EQ(r.info.modules[0].start, 0x200000);
	EXPECT_EQ(r.info.modules[0].end, 0x280000);
	EXPECT_STREQ(r.info.modules[0].cmdline, "guest.bin");
	EXPECT_EQ(r.info.modules[1].start, 0x280000);
	EXPECT_EQ(r.info.modules[1].end, 0x280123);
	EXPECT_STREQ(r.info.modules[1].cmdline, "initrd root=/dev/vda");

	EXPECT(r.info.has_basic_meminfo);
	EXPECT_EQ(r.info.mem_lower_kib, 639);
	EXPECT_EQ(r.info.mem_upper_kib, 523264);

	EXPECT_EQ(r.info.memory_count, 4);
	EXPECT_EQ(r.info.memory[0].base, 0);
	EXPECT_EQ(r.info.memory[0].length, 0x9fc00);
	EXPECT_EQ(r.info.memory[0].type, MB2_MEMORY_AVAILABLE);
	EXPECT_EQ(r.info.memory[1].base, 0x9fc00);
	EXPECT_EQ(r.info.memory[1].type, MB2_MEMORY_RESERVED);
	EXPECT_EQ(r.info.memory[2].length, 0x7fee0000);
	EXPECT_EQ(r.info.memory[3].base, top);
	EXPECT_EQ(r.info.memory[3].length, 0x80000000);
	EXPECT_EQ(r.info.memory[3].type, MB2_MEMORY_ACPI_RECLAIMABLE);

	EXPECT_EQ(r.info.framebuffer.kind, FRAMEBUFFER_RGB);
	EXPECT_EQ(r.info.framebuffer.address, 0xfd000000);
	EXPECT_EQ(r.info.framebuffer.pitch, 4096);
	EXPECT_EQ(r.info.framebuffer.width, 1024);
	EXPECT_EQ(r.info.framebuffer.height, 768);
	EXPECT_EQ(r.info.framebuffer.bpp, 32);
	EXPECT_EQ(r.info.framebuffer.red_position, 16);
	EXPECT_EQ(r.info.framebuffer.red_size, 8);
	EXPECT_EQ(r.info.framebuffer.green_position, 8);
	EXPECT_EQ(r.info.framebuffer.green_size, 8);
	EXPECT_EQ(r.info.framebuffer.blue_position, 0);
	EXPECT_EQ(r.info.framebuffer.blue_size, 8);

	/* The ACPI 2.0 copy wins, and points into the structure itself. */
	EXPECT(r.info.rsdp == r.copy + acpi_new + 8);
	EXPECT_EQ(r.info.rsdp_size, 36);
	EXPECT_EQ(r.info.rsdp_revision, 2);
	EXPECT(memcmp(r.info.rsdp, "RSD PTR ", 8) == 0);

	EXPECT(r.info.booted_from_efi);
	EXPECT_EQ(r.info.efi_system_table, 0x7f9e0018);
	EXPECT(r.info.efi_memory_map == r.copy + efi_mmap + 16);
	EXPECT_EQ(r.info.efi_memory_map_size, 96);
	EXPECT_EQ(r.info.efi_descriptor_size, 48);
	EXPECT_EQ(r.info.efi_descriptor_version, 1);
	done(&r);
}

TEST(mb2_minimal_structure_has_defaults)
{
	struct parse r;

	begin();
	finish();
	EXPECT_EQ(b.len, 16);
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_STREQ(r.info.cmdline, "");
	EXPECT(r.info.bootloader_name == NULL);
	EXPECT_EQ(r.info.memory_count, 0);
	EXPECT_EQ(r.info.module_count, 0);
	EXPECT(r.info.rsdp == NULL);
	EXPECT_EQ(r.info.framebuffer.kind, FRAMEBUFFER_NONE);
	EXPECT(r.info.efi_memory_map == NULL);
	EXPECT_EQ(r.info.efi_system_table, 0);
	EXPECT(!r.info.has_basic_meminfo);
	EXPECT(!r.info.booted_from_efi);
	done(&r);
}

TEST(mb2_framebuffer_ega_text)
{
	struct payload p;
	struct parse r;

	begin();
	framebuffer_common(&p, 0xb8000, 160, 80, 25, 16, MB2_FRAMEBUFFER_TYPE_EGA_TEXT);
	add(MB2_TAG_FRAMEBUFFER, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.framebuffer.kind, FRAMEBUFFER_EGA_TEXT);
	EXPECT_EQ(r.info.framebuffer.address, 0xb8000);
	EXPECT_EQ(r.info.framebuffer.pitch, 160);
	EXPECT_EQ(r.info.framebuffer.width, 80);
	EXPECT_EQ(r.info.framebuffer.height, 25);
	EXPECT_EQ(r.info.framebuffer.bpp, 16);
	done(&r);

	/* The prose of the specification allows a 31-byte common part. */
	begin();
	framebuffer_common(&p, 0xb8000, 160, 80, 25, 16, MB2_FRAMEBUFFER_TYPE_EGA_TEXT);
	add_sized(MB2_TAG_FRAMEBUFFER, 31, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.framebuffer.kind, FRAMEBUFFER_EGA_TEXT);
	done(&r);
}

TEST(mb2_framebuffer_indexed)
{
	struct payload p;
	struct parse r;

	begin();
	framebuffer_common(&p, 0xa0000, 320, 320, 200, 8, MB2_FRAMEBUFFER_TYPE_INDEXED);
	p16(&p, 2);
	p_bytes(&p, "\x00\x00\x00\xff\xff\xff", 6);
	add(MB2_TAG_FRAMEBUFFER, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.framebuffer.kind, FRAMEBUFFER_INDEXED);
	done(&r);

	/* A palette of 256 colours in a tag with room for 2. */
	framebuffer_common(&p, 0xa0000, 320, 320, 200, 8, MB2_FRAMEBUFFER_TYPE_INDEXED);
	p16(&p, 256);
	p_bytes(&p, "\x00\x00\x00\xff\xff\xff", 6);
	EXPECT_TAG_REFUSED(MB2_TAG_FRAMEBUFFER, 8 + p.len, &p, "palette of 256 colours");
}

TEST(mb2_acpi_new_preferred_in_either_order)
{
	struct parse r;
	size_t acpi_new;

	begin();
	acpi_new = add_rsdp(MB2_TAG_ACPI_NEW, 36);
	add_rsdp(MB2_TAG_ACPI_OLD, 20);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT(r.info.rsdp == r.copy + acpi_new + 8);
	EXPECT_EQ(r.info.rsdp_revision, 2);
	EXPECT_EQ(r.info.rsdp_size, 36);
	done(&r);
}

TEST(mb2_acpi_old_alone)
{
	struct parse r;
	size_t acpi_old;

	begin();
	acpi_old = add_rsdp(MB2_TAG_ACPI_OLD, 20);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT(r.info.rsdp == r.copy + acpi_old + 8);
	EXPECT_EQ(r.info.rsdp_revision, 0);
	EXPECT_EQ(r.info.rsdp_size, 20);
	done(&r);
}

TEST(mb2_unknown_and_unused_tags_skipped)
{
	struct payload p = { .len = 0 };
	struct parse r;

	begin();
	add_string(MB2_TAG_CMDLINE, "before");
	p_bytes(&p, "future", 5);      /* size 13: exercises padding to 8 */
	add(99, &p);
	p.len = 0;
	p32(&p, 0x200000);
	add(MB2_TAG_LOAD_BASE_ADDR, &p);
	add_sized(1000, 8, NULL);
	add_string(MB2_TAG_BOOTLOADER_NAME, "after");
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_STREQ(r.info.cmdline, "before");
	EXPECT_STREQ(r.info.bootloader_name, "after");
	done(&r);
}

TEST(mb2_first_of_duplicate_tags_used_but_all_checked)
{
	struct payload p;
	struct parse r;
	size_t bad;

	begin();
	add_string(MB2_TAG_CMDLINE, "first");
	add_string(MB2_TAG_CMDLINE, "second");
	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0x1000, 0x1000, MB2_MEMORY_AVAILABLE);
	add(MB2_TAG_MMAP, &p);
	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0x2000, 0x1000, MB2_MEMORY_RESERVED);
	mmap_entry(&p, 24, 0x3000, 0x1000, MB2_MEMORY_RESERVED);
	add(MB2_TAG_MMAP, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_STREQ(r.info.cmdline, "first");
	EXPECT_EQ(r.info.memory_count, 1);
	EXPECT_EQ(r.info.memory[0].base, 0x1000);
	done(&r);

	begin();
	add_string(MB2_TAG_CMDLINE, "first");
	p.len = 0;
	p_bytes(&p, "unterminated", 12);
	bad = add(MB2_TAG_CMDLINE, &p);
	finish();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_CMDLINE, bad, "not NUL-terminated");
	done(&r);
}

TEST(mb2_larger_mmap_entries_and_top_of_memory_accepted)
{
	struct payload p;
	struct parse r;

	begin();
	mmap_header(&p, 32, 0);
	mmap_entry(&p, 32, 0, 0xa0000, MB2_MEMORY_AVAILABLE);
	mmap_entry(&p, 32, 0x100000, 0x100000, MB2_MEMORY_NVS);
	/* Ending exactly at 2^64 is not a wrap. */
	mmap_entry(&p, 32, 0xfffffffffffff000ULL, 0x1000, MB2_MEMORY_RESERVED);
	add(MB2_TAG_MMAP, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.memory_count, 3);
	EXPECT_EQ(r.info.memory[2].length, 0x1000);
	EXPECT_EQ(r.info.memory[1].base, 0x100000);
	EXPECT_EQ(r.info.memory[1].type, MB2_MEMORY_NVS);
	done(&r);
}

TEST(mb2_error_message_format)
{
	struct payload p;
	struct parse r;

	begin();
	mmap_header(&p, 12, 0);
	add(MB2_TAG_MMAP, &p);
	finish();
	parse(&r);
	EXPECT_EQ(r.result, MB2_ERROR);
	EXPECT_STREQ(r.err.message, "memory map tag (type 6) at offset 0x8: entry size 12 is smaller than 24");
	done(&r);
}

TEST(mb2_header_rejected)
{
	struct parse r;

	/*
	 * total_size claims more than is readable and there is no end tag in
	 * what is: a parser trusting total_size would walk off the block.
	 */
	begin();
	add_string(MB2_TAG_CMDLINE, "x");
	finish_without_end();
	put32(0, (uint32_t)b.len + 64);
	parse(&r);
	EXPECT_REFUSED(&r, MB2_NO_TAG, 0, "total_size 88 is larger than the 24 bytes that are readable");
	done(&r);

	begin();
	finish();
	put32(0, 8);
	parse(&r);
	EXPECT_REFUSED(&r, MB2_NO_TAG, 0, "total_size 8 is smaller than 16");
	done(&r);

	begin();
	add_string(MB2_TAG_CMDLINE, "x");
	finish();
	put32(0, 20);
	parse(&r);
	EXPECT_REFUSED(&r, MB2_NO_TAG, 0, "total_size 20 is not a multiple of 8");
	done(&r);

	/* Fewer readable bytes than the fixed header. */
	begin();
	finish();
	parse_n(&r, 4, 4);
	EXPECT_REFUSED(&r, MB2_NO_TAG, 0, "only 4 bytes are readable");
	done(&r);

	EXPECT_EQ(mb2_parse(NULL, 64, &r.info, &r.err), MB2_ERROR);
	EXPECT_EQ(r.err.tag_type, MB2_NO_TAG);

	/* A NULL error pointer is allowed. */
	EXPECT_EQ(mb2_parse(NULL, 64, &r.info, NULL), MB2_ERROR);
}

TEST(mb2_unaligned_info_rejected)
{
	struct mb2_info info;
	struct mb2_error err;
	uint8_t *block;

	begin();
	finish();
	block = malloc(b.len + 4);
	memcpy(block + 4, b.bytes, b.len);
	EXPECT_EQ(mb2_parse(block + 4, b.len, &info, &err), MB2_ERROR);
	EXPECT_EQ(err.tag_type, MB2_NO_TAG);
	EXPECT(strstr(err.message, "not 8-byte aligned"));
	free(block);
}

TEST(mb2_tag_running_past_end_rejected)
{
	struct payload p;
	struct parse r;
	size_t off;

	/* A memory map claiming eight entries where there is room for one. */
	begin();
	add_string(MB2_TAG_CMDLINE, "ok");
	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0, 0x1000, MB2_MEMORY_AVAILABLE);
	off = add_sized(MB2_TAG_MMAP, 16 + 8 * 24, &p);
	finish();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_MMAP, off, "size 208 runs past the end of the structure (48 bytes left)");
	done(&r);

	/* The end tag itself may not reach past total_size either. */
	begin();
	finish();
	put32(8 + 4, 16);
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_END, 8, "runs past the end");
	done(&r);
}

TEST(mb2_tag_size_below_header_rejected)
{
	struct parse r;
	size_t off;

	for (uint32_t size = 0; size < 8; size += 4) {
		begin();
		add_string(MB2_TAG_CMDLINE, "ok");
		off = add_sized(MB2_TAG_MMAP, size, NULL);
		finish();
		parse(&r);
		EXPECT_REFUSED(&r, MB2_TAG_MMAP, off, "smaller than the 8-byte tag header");
		done(&r);
	}
}

TEST(mb2_end_tag_required)
{
	struct parse r;
	size_t end;

	begin();
	add_string(MB2_TAG_CMDLINE, "no end");
	finish_without_end();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_END, b.len, "end tag (type 0)");
	done(&r);

	/* An end tag just past total_size does not count, even if readable. */
	begin();
	add_string(MB2_TAG_CMDLINE, "short");
	end = b.len;
	finish();
	put32(0, (uint32_t)end);
	parse_n(&r, b.len, b.len);
	EXPECT_REFUSED(&r, MB2_TAG_END, end, "missing");
	done(&r);

	begin();
	add_sized(MB2_TAG_END, 16, NULL);
	b.len += 8;
	finish_without_end();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_END, 8, "size is 16, not 8");
	done(&r);
}

TEST(mb2_strings_must_be_terminated)
{
	struct payload p = { .len = 0 };

	p_bytes(&p, "console=serial", 14);
	EXPECT_TAG_REFUSED(MB2_TAG_CMDLINE, 8 + 14, &p, "not NUL-terminated");
	EXPECT_TAG_REFUSED(MB2_TAG_BOOTLOADER_NAME, 8 + 14, &p, "not NUL-terminated");
	EXPECT_TAG_REFUSED(MB2_TAG_CMDLINE, 8, NULL, "too small to hold a NUL-terminated string");
}

TEST(mb2_bad_modules_rejected)
{
	struct payload p = { .len = 0 };
	struct parse r;
	size_t off;

	begin();
	off = add_module(0x300000, 0x200000, "backwards");
	finish();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_MODULE, off, "start 0x300000 is above end 0x200000");
	done(&r);

	p32(&p, 0x200000);
	p32(&p, 0x300000);
	EXPECT_TAG_REFUSED(MB2_TAG_MODULE, 16, &p, "too small");
	p_bytes(&p, "guest", 5);
	EXPECT_TAG_REFUSED(MB2_TAG_MODULE, 8 + p.len, &p, "not NUL-terminated");
}

TEST(mb2_module_limit)
{
	struct parse r;
	size_t off = 0;

	begin();
	for (int i = 0; i < MB2_MAX_MODULES; i++)
		add_module(0x100000 * i, 0x100000 * i + 0x1000, "m");
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.module_count, MB2_MAX_MODULES);
	done(&r);

	begin();
	for (int i = 0; i <= MB2_MAX_MODULES; i++)
		off = add_module(0x100000 * i, 0x100000 * i + 0x1000, "m");
	finish();
	parse(&r);
	EXPECT_REFUSED(&r, MB2_TAG_MODULE, off, "more than 16 modules (MB2_MAX_MODULES)");
	done(&r);
}

TEST(mb2_bad_memory_maps_rejected)
{
	struct payload p;

	mmap_header(&p, 12, 0);
	mmap_entry(&p, 24, 0, 0x1000, MB2_MEMORY_AVAILABLE);
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "entry size 12 is smaller than 24");

	mmap_header(&p, 28, 0);
	mmap_entry(&p, 28, 0, 0x1000, MB2_MEMORY_AVAILABLE);
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "entry size 28 is not a multiple of 8");

	mmap_header(&p, 24, 1);
	mmap_entry(&p, 24, 0, 0x1000, MB2_MEMORY_AVAILABLE);
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "entry version 1 is not 0");

	/* One whole entry and ten bytes of the next. */
	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0, 0x1000, MB2_MEMORY_AVAILABLE);
	mmap_entry(&p, 24, 0x1000, 0x1000, MB2_MEMORY_AVAILABLE);
	p.len -= 14;
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "34 bytes of entries end in a partial 24-byte entry");

	mmap_header(&p, 24, 0);
	mmap_entry(&p, 24, 0xfffffffffffff000ULL, 0x2000, MB2_MEMORY_RESERVED);
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "entry 0 (base 0xfffffffffffff000, length 0x2000) wraps");

	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 12, NULL, "too small to hold entry_size and entry_version");
}

TEST(mb2_memory_map_limit)
{
	struct payload p;
	struct parse r;

	mmap_header(&p, 24, 0);
	for (int i = 0; i < MB2_MAX_MEMORY_RANGES; i++)
		mmap_entry(&p, 24, 0x1000ULL * i, 0x1000, MB2_MEMORY_AVAILABLE);
	begin();
	add(MB2_TAG_MMAP, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT_EQ(r.info.memory_count, MB2_MAX_MEMORY_RANGES);
	EXPECT_EQ(r.info.memory[MB2_MAX_MEMORY_RANGES - 1].base, 0x1000ULL * (MB2_MAX_MEMORY_RANGES - 1));
	done(&r);

	mmap_entry(&p, 24, 0x1000ULL * MB2_MAX_MEMORY_RANGES, 0x1000, MB2_MEMORY_AVAILABLE);
	EXPECT_TAG_REFUSED(MB2_TAG_MMAP, 8 + p.len, &p, "129 entries exceed the limit of 128");
}

TEST(mb2_bad_framebuffers_rejected)
{
	struct payload p;

	framebuffer_common(&p, 0xfd000000, 4096, 1024, 768, 32, MB2_FRAMEBUFFER_TYPE_EGA_TEXT);
	EXPECT_TAG_REFUSED(MB2_TAG_FRAMEBUFFER, 30, &p, "too small to hold the common framebuffer fields");

	/* RGB without its six colour bytes. */
	framebuffer_common(&p, 0xfd000000, 4096, 1024, 768, 32, MB2_FRAMEBUFFER_TYPE_RGB);
	EXPECT_TAG_REFUSED(MB2_TAG_FRAMEBUFFER, 8 + p.len, &p, "too small for the RGB colour information");
	p_bytes(&p, "\x10\x08\x08\x08", 4);
	EXPECT_TAG_REFUSED(MB2_TAG_FRAMEBUFFER, 8 + p.len, &p, "at least 38 bytes");

	framebuffer_common(&p, 0xfd000000, 4096, 1024, 768, 0, MB2_FRAMEBUFFER_TYPE_RGB);
	p_bytes(&p, "\x10\x08\x08\x08\x00\x08", 6);
	EXPECT_TAG_REFUSED(MB2_TAG_FRAMEBUFFER, 8 + p.len, &p, "0 bits per pixel");
}

TEST(mb2_small_fixed_tags_rejected)
{
	struct payload p = { .len = 0 };

	for (int i = 0; i < 40; i++)
		p8(&p, (uint8_t)i);
	EXPECT_TAG_REFUSED(MB2_TAG_ACPI_OLD, 8 + 10, &p, "too small to hold a 20-byte ACPI 1.0 RSDP");
	EXPECT_TAG_REFUSED(MB2_TAG_ACPI_NEW, 8 + 20, &p, "too small to hold a 36-byte ACPI 2.0 RSDP");
	EXPECT_TAG_REFUSED(MB2_TAG_BASIC_MEMINFO, 12, &p, "too small to hold mem_lower and mem_upper");
	EXPECT_TAG_REFUSED(MB2_TAG_EFI64, 12, &p, "too small to hold a 64-bit pointer");
	EXPECT_TAG_REFUSED(MB2_TAG_EFI32, 8, &p, "too small to hold a 32-bit pointer");
	EXPECT_TAG_REFUSED(MB2_TAG_EFI_MMAP, 12, &p, "too small to hold descriptor_size");
}

TEST(mb2_bad_efi_memory_maps_rejected)
{
	struct payload p = { .len = 0 };

	p32(&p, 32);
	p32(&p, 1);
	for (int i = 0; i < 64; i++)
		p8(&p, 0);
	EXPECT_TAG_REFUSED(MB2_TAG_EFI_MMAP, 8 + p.len, &p, "descriptor size 32 is smaller than the 40 bytes");

	p.len = 0;
	p32(&p, 48);
	p32(&p, 1);
	for (int i = 0; i < 48 + 24; i++)
		p8(&p, 0);
	EXPECT_TAG_REFUSED(MB2_TAG_EFI_MMAP, 8 + p.len, &p, "72 bytes of map end in a partial 48-byte descriptor");
}

TEST(mb2_efi32_system_table)
{
	struct payload p = { .len = 0 };
	struct parse r;

	begin();
	p32(&p, 0x3fe00018);
	add(MB2_TAG_EFI32, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT(r.info.booted_from_efi);
	EXPECT_EQ(r.info.efi_system_table, 0x3fe00018);
	EXPECT(r.info.efi_memory_map == NULL);
	done(&r);
}

TEST(mb2_names_and_usable_ranges)
{
	struct mb2_memory_range ram = { 0x100000, 0x1000, MB2_MEMORY_AVAILABLE };
	struct mb2_memory_range empty = { 0x100000, 0, MB2_MEMORY_AVAILABLE };
	struct mb2_memory_range acpi = { 0x100000, 0x1000, MB2_MEMORY_ACPI_RECLAIMABLE };

	EXPECT_STREQ(mb2_tag_name(MB2_TAG_MMAP), "memory map");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_ACPI_NEW), "ACPI new RSDP");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR), "image load base address");
	EXPECT_STREQ(mb2_tag_name(22), "unknown");
	EXPECT_STREQ(mb2_tag_name(0xffffffff), "unknown");
	EXPECT_STREQ(mb2_memory_type_name(MB2_MEMORY_AVAILABLE), "available");
	EXPECT_STREQ(mb2_memory_type_name(MB2_MEMORY_NVS), "ACPI NVS");
	EXPECT_STREQ(mb2_memory_type_name(MB2_MEMORY_BADRAM), "bad RAM");
	EXPECT_STREQ(mb2_memory_type_name(0), "unknown (reserved)");
	EXPECT_STREQ(mb2_memory_type_name(6), "unknown (reserved)");
	EXPECT(mb2_range_is_usable(&ram));
	EXPECT(!mb2_range_is_usable(&empty));
	EXPECT(!mb2_range_is_usable(&acpi));
}

TEST(mb2_boot_device_apm_and_vbe_decoded)
{
	struct payload p = { .len = 0 };
	struct parse r;
	size_t apm, vbe;

	begin();
	p32(&p, 0x80);
	p32(&p, 1);
	p32(&p, 0xFFFFFFFF);
	add(MB2_TAG_BOOTDEV, &p);
	p.len = 0;
	for (int i = 0; i < MB2_APM_SIZE; i++)
		p8(&p, (uint8_t)(i + 1));
	apm = add(MB2_TAG_APM, &p);
	p.len = 0;
	p16(&p, 0x4117);
	for (int i = 2; i < MB2_VBE_SIZE; i++)
		p8(&p, (uint8_t)i);
	vbe = add(MB2_TAG_VBE, &p);
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT(r.info.has_boot_device);
	EXPECT_EQ(r.info.boot_biosdev, 0x80);
	EXPECT_EQ(r.info.boot_slice, 1);
	EXPECT_EQ(r.info.boot_part, 0xFFFFFFFF);
	EXPECT(r.info.apm == r.copy + apm + 8);
	EXPECT(r.info.vbe == r.copy + vbe + 8);
	done(&r);

	/* Absent: nothing claimed. */
	begin();
	finish();
	parse(&r);
	EXPECT_OK(&r);
	EXPECT(!r.info.has_boot_device && !r.info.apm && !r.info.vbe);
	done(&r);
}

TEST(mb2_short_boot_device_apm_vbe_rejected)
{
	struct payload p = { .len = 0 };

	p32(&p, 0x80);
	p32(&p, 0);
	EXPECT_TAG_REFUSED(MB2_TAG_BOOTDEV, 8 + p.len, &p, "biosdev, slice and part");
	p.len = 0;
	for (int i = 0; i < MB2_APM_SIZE - 2; i++)
		p8(&p, 0);
	EXPECT_TAG_REFUSED(MB2_TAG_APM, 8 + p.len, &p, "APM interface");
	p.len = 0;
	for (int i = 0; i < 512; i++)
		p8(&p, 0);
	EXPECT_TAG_REFUSED(MB2_TAG_VBE, 8 + p.len, &p, "VBE mode");
}
