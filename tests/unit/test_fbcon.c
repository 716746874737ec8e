/* The screen consoles, drawing into host memory instead of a screen. */
// unit-test-source: kernel/fbcon.c
// unit-test-source: kernel/font8x16.c
// unit-test-source: kernel/vga_text.c
#include <stdbool.h>
#include <stdlib.h>

#include "kernel/console.h"
#include "kernel/fbcon.h"
#include "kernel/font.h"
#include "kernel/vga_text.h"
#include "unit.h"

/*
 * console_register lives in kernel/log.c, which needs the per-CPU area.
 * This stand-in keeps the console and replays `history` onto it, as the
 * real one replays the log.
 */
static struct console *registered;
static const char *history;

void console_register(struct console *con)
{
	if (history)
		con->write(history, strlen(history));
	registered = con;
}

static void put(const char *text)
{
	registered->write(text, strlen(text));
}

/* Framebuffers: a few spare bytes at the end of every pixel line, so that pitch != width * bpp. */
#define PAD 12

static struct framebuffer_info rgb_fb(uint32_t cols, uint32_t rows, uint8_t bpp)
{
	struct framebuffer_info fb = {
		.kind = FRAMEBUFFER_RGB,
		.width = cols * FONT_WIDTH,
		.height = rows * FONT_HEIGHT,
		.bpp = bpp,
	};

	fb.pitch = fb.width * (bpp / 8) + PAD;
	fb.address = (uintptr_t)malloc((size_t)fb.pitch * fb.height);
	memset((void *)(uintptr_t)fb.address, 0x5A, (size_t)fb.pitch * fb.height);
	return fb;
}

static void set_layout(struct framebuffer_info *fb, uint8_t rpos, uint8_t rsize,
		       uint8_t gpos, uint8_t gsize, uint8_t bpos, uint8_t bsize)
{
	fb->red_position = rpos, fb->red_size = rsize;
	fb->green_position = gpos, fb->green_size = gsize;
	fb->blue_position = bpos, fb->blue_size = bsize;
}

static struct framebuffer_info bgrx32(uint32_t cols, uint32_t rows)
{
	struct framebuffer_info fb = rgb_fb(cols, rows, 32);

	set_layout(&fb, 16, 8, 8, 8, 0, 8);
	return fb;
}

static uint32_t pixel_at(const struct framebuffer_info *fb, uint32_t x, uint32_t y)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)fb->address + (size_t)y * fb->pitch + x * (fb->bpp / 8);
	uint32_t v = 0;

	for (int i = fb->bpp / 8 - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Every pixel of the cell is fg where the glyph of c is set and 0 elsewhere. */
static bool cell_shows(const struct framebuffer_info *fb, uint32_t col, uint32_t row,
		       unsigned char c, uint32_t fg)
{
	const uint8_t *glyph = font_glyph(c);

	for (uint32_t y = 0; y < FONT_HEIGHT; y++)
		for (uint32_t x = 0; x < FONT_WIDTH; x++) {
			uint32_t want = glyph[y] & (0x80 >> x) ? fg : 0;

			if (pixel_at(fb, col * FONT_WIDTH + x, row * FONT_HEIGHT + y) != want)
				return false;
		}
	return true;
}

static const uint32_t grey32 = 0xAAAAAA;

/* Every byte of a text row, the padding after each pixel line included, is 0. */
static bool row_is_clear(const struct framebuffer_info *fb, uint32_t row)
{
	size_t text_row = (size_t)fb->pitch * FONT_HEIGHT;
	const uint8_t *p = (const uint8_t *)(uintptr_t)fb->address + row * text_row;

	for (size_t i = 0; i < text_row; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void free_fb(struct framebuffer_info *fb)
{
	free((void *)(uintptr_t)fb->address);
}

TEST(font_has_distinct_glyphs_and_a_placeholder)
{
	/* The look-alikes must differ; anything unprintable gets the same box, not a blank. */
	EXPECT(memcmp(font_glyph('0'), font_glyph('O'), FONT_HEIGHT) != 0);
	EXPECT(memcmp(font_glyph('1'), font_glyph('l'), FONT_HEIGHT) != 0);
	EXPECT(memcmp(font_glyph('l'), font_glyph('I'), FONT_HEIGHT) != 0);
	EXPECT(font_glyph(0x00) == font_glyph(0x7F));
	EXPECT(font_glyph(0x1F) == font_glyph(0xFF));
	EXPECT(memcmp(font_glyph(0x80), font_glyph(' '), FONT_HEIGHT) != 0);
	for (int c = 0x21; c <= 0x7E; c++) {
		const uint8_t *g = font_glyph((unsigned char)c);
		uint8_t any = 0;

		for (int y = 0; y < FONT_HEIGHT; y++)
			any |= g[y];
		EXPECT(any != 0);
		EXPECT(g != font_glyph(0x7F));
		EXPECT((g[0] | g[FONT_HEIGHT - 1]) == 0);       /* lines never touch */
	}
}

TEST(fbcon_rejects_what_it_cannot_draw)
{
	struct framebuffer_info fb = bgrx32(4, 2), bad;

	bad = fb, bad.kind = FRAMEBUFFER_EGA_TEXT;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.kind = FRAMEBUFFER_INDEXED;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.bpp = 8;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.address = 0;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.width = FONT_WIDTH - 1;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.height = FONT_HEIGHT - 1;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.pitch = fb.width * 4 - 1;
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.red_position = 30;                /* field sticks out of the pixel */
	EXPECT(!fbcon_init(&bad));
	bad = fb, bad.green_size = 0;
	EXPECT(!fbcon_init(&bad));
	EXPECT(fbcon_init(&fb));
	free_fb(&fb);
}

TEST(fbcon_32bpp_draws_in_the_right_cell)
{
	struct framebuffer_info fb = bgrx32(4, 3);

	EXPECT(fbcon_init(&fb));
	for (uint32_t row = 0; row < 3; row++)
		EXPECT(row_is_clear(&fb, row));         /* the buffer started as 0x5A */
	put("AB\nC");
	EXPECT(cell_shows(&fb, 0, 0, 'A', grey32));
	EXPECT(cell_shows(&fb, 1, 0, 'B', grey32));
	EXPECT(cell_shows(&fb, 0, 1, 'C', grey32));
	EXPECT(cell_shows(&fb, 2, 0, ' ', grey32));
	EXPECT(cell_shows(&fb, 1, 1, ' ', grey32));
	/* 'A' row 7 is its crossbar, columns 0 to 6 */
	EXPECT_EQ(pixel_at(&fb, 0, 7), grey32);
	EXPECT_EQ(pixel_at(&fb, 6, 7), grey32);
	EXPECT_EQ(pixel_at(&fb, 7, 7), 0);
	free_fb(&fb);
}

TEST(fbcon_builds_pixels_from_the_reported_layout)
{
	/* Light grey is 0xAA in every channel: what moves is where the channels sit. */
	static const struct {
		uint8_t bpp, rpos, rsize, gpos, gsize, bpos, bsize;
		uint32_t grey;
	} layouts[] = {
		{ 32, 16, 8, 8, 8, 0, 8, 0x00AAAAAA },  /* x8r8g8b8 */
		{ 32, 24, 8, 16, 8, 8, 8, 0xAAAAAA00 }, /* r8g8b8x8 */
		{ 32, 0, 8, 8, 8, 16, 8, 0x00AAAAAA },  /* x8b8g8r8 */
		{ 32, 20, 10, 10, 10, 0, 10, 0x2A8AA2A8 }, /* x2r10g10b10: 0xAA << 2 = 0x2A8 */
		{ 24, 16, 8, 8, 8, 0, 8, 0xAAAAAA },
		{ 16, 11, 5, 5, 6, 0, 5, 0xAD55 },      /* r5g6b5: 0x15, 0x2A, 0x15 */
		{ 16, 10, 5, 5, 5, 0, 5, 0x56B5 },      /* x1r5g5b5 */
		{ 16, 0, 4, 4, 4, 8, 4, 0x0AAA },       /* x4b4g4r4 */
	};

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct framebuffer_info fb = rgb_fb(3, 2, layouts[i].bpp);

		set_layout(&fb, layouts[i].rpos, layouts[i].rsize, layouts[i].gpos,
			   layouts[i].gsize, layouts[i].bpos, layouts[i].bsize);
		EXPECT(fbcon_init(&fb));
		put("\n x");
		if (!cell_shows(&fb, 1, 1, 'x', layouts[i].grey))
			unit_fail(__FILE__, __LINE__, "layout %zu: 'x' not drawn in %#x", i, layouts[i].grey);
		EXPECT(cell_shows(&fb, 0, 1, ' ', layouts[i].grey));
		EXPECT(cell_shows(&fb, 2, 1, ' ', layouts[i].grey));
		free_fb(&fb);
	}
}

TEST(fbcon_scrolls_up_and_clears_the_last_row)
{
	struct framebuffer_info fb = bgrx32(4, 3);

	EXPECT(fbcon_init(&fb));
	put("a\nb\nc");
	EXPECT(cell_shows(&fb, 0, 2, 'c', grey32));
	put("\n");
	EXPECT(cell_shows(&fb, 0, 0, 'b', grey32));
	EXPECT(cell_shows(&fb, 0, 1, 'c', grey32));
	EXPECT(row_is_clear(&fb, 2));
	put("d\ne\n");
	EXPECT(cell_shows(&fb, 0, 0, 'd', grey32));
	EXPECT(cell_shows(&fb, 0, 1, 'e', grey32));
	EXPECT(cell_shows(&fb, 0, 2, ' ', grey32));
	free_fb(&fb);
}

TEST(fbcon_wraps_long_lines)
{
	struct framebuffer_info fb = bgrx32(4, 4);

	EXPECT(fbcon_init(&fb));
	put("abcdef\n");
	EXPECT(cell_shows(&fb, 3, 0, 'd', grey32));
	EXPECT(cell_shows(&fb, 0, 1, 'e', grey32));
	EXPECT(cell_shows(&fb, 1, 1, 'f', grey32));
	/* A line exactly as wide as the screen leaves no empty line after it. */
	put("wxyz\nq");
	EXPECT(cell_shows(&fb, 3, 2, 'z', grey32));
	EXPECT(cell_shows(&fb, 0, 3, 'q', grey32));
	free_fb(&fb);
}

TEST(fbcon_handles_tab_and_carriage_return)
{
	struct framebuffer_info fb = bgrx32(20, 2);

	EXPECT(fbcon_init(&fb));
	put("a\tb\txyz\rQ");
	EXPECT(cell_shows(&fb, 0, 0, 'Q', grey32));
	EXPECT(cell_shows(&fb, 8, 0, 'b', grey32));
	EXPECT(cell_shows(&fb, 16, 0, 'x', grey32));
	EXPECT(cell_shows(&fb, 19, 0, ' ', grey32));
	EXPECT(cell_shows(&fb, 0, 1, ' ', grey32));
	free_fb(&fb);
}

TEST(fbcon_survives_every_byte)
{
	static const uint8_t bpps[] = { 16, 24, 32 };
	char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	for (size_t b = 0; b < sizeof(bpps); b++) {
		struct framebuffer_info fb = rgb_fb(7, 3, bpps[b]);

		set_layout(&fb, 0, 5, 5, 5, 10, 5);
		EXPECT(fbcon_init(&fb));
		for (int round = 0; round < 5; round++)
			registered->write(all, sizeof(all));
		/* ASan checks the bounds; here: bytes without a glyph show as the box. */
		put("\n\x01\x80~");
		EXPECT(cell_shows(&fb, 0, 2, 0x01, 0x56B5));
		EXPECT(cell_shows(&fb, 1, 2, 0x80, 0x56B5));
		EXPECT(cell_shows(&fb, 2, 2, '~', 0x56B5));
		free_fb(&fb);
	}
}

TEST(fbcon_replays_history_half_a_screen_at_a_time)
{
	struct framebuffer_info fb = bgrx32(2, 8);

	/* 10 lines onto 8 rows: after "7\n" the screen jumps by 4 rows. */
	history = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";
	EXPECT(fbcon_init(&fb));
	history = NULL;
	for (uint32_t row = 0; row < 6; row++)
		EXPECT(cell_shows(&fb, 0, row, (unsigned char)('4' + row), grey32));
	EXPECT(cell_shows(&fb, 0, 6, ' ', grey32));
	/* Live lines then scroll one row at a time: "c\n" and "b\n" scrolled once each. */
	put("a\nb\nc\n");
	EXPECT(cell_shows(&fb, 0, 0, '6', grey32));
	EXPECT(cell_shows(&fb, 0, 4, 'a', grey32));
	EXPECT(cell_shows(&fb, 0, 6, 'c', grey32));
	EXPECT(cell_shows(&fb, 0, 7, ' ', grey32));
	free_fb(&fb);
}

/* VGA text: two bytes per cell, code point then attribute. */
static struct framebuffer_info text_fb(uint32_t cols, uint32_t rows)
{
	struct framebuffer_info fb = {
		.kind = FRAMEBUFFER_EGA_TEXT,
		.width = cols,
		.height = rows,
		.pitch = cols * 2 + 4,
		.bpp = 16,
	};

	fb.address = (uintptr_t)calloc(fb.pitch, rows);
	return fb;
}

static uint16_t cell_at(const struct framebuffer_info *fb, uint32_t col, uint32_t row)
{
	return ((const uint16_t *)(uintptr_t)(fb->address + (uint64_t)row * fb->pitch))[col];
}

TEST(vga_text_writes_cells_with_colours)
{
	struct framebuffer_info fb = text_fb(40, 5);

	EXPECT(vga_text_init(&fb));
	EXPECT_EQ(cell_at(&fb, 39, 4), 0x0720);
	put("[cpu0] hi\n[cpu1] error: boom\n[cpu12] warning: hm\n[cpu0] note error: no\nerror: bare");
	EXPECT_EQ(cell_at(&fb, 0, 0), 0x075B);
	EXPECT_EQ(cell_at(&fb, 7, 0), 0x0768);
	EXPECT_EQ(cell_at(&fb, 0, 1), 0x0C5B);
	EXPECT_EQ(cell_at(&fb, 14, 1), 0x0C62);
	EXPECT_EQ(cell_at(&fb, 0, 2), 0x0E5B);
	EXPECT_EQ(cell_at(&fb, 0, 3), 0x075B);
	EXPECT_EQ(cell_at(&fb, 0, 4), 0x0C65);
	free_fb(&fb);
}

TEST(vga_text_scrolls_and_wraps)
{
	struct framebuffer_info fb = text_fb(4, 3);

	EXPECT(vga_text_init(&fb));
	/* The error line fills three rows exactly and stays red where it wrapped. */
	put("[c] error: x\nabcd\nef");
	EXPECT_EQ(cell_at(&fb, 0, 0), 0x0C72);         /* "r: x", scrolled up twice */
	EXPECT_EQ(cell_at(&fb, 3, 0), 0x0C78);
	EXPECT_EQ(cell_at(&fb, 0, 1), 0x0761);         /* "abcd", no empty line after it */
	EXPECT_EQ(cell_at(&fb, 3, 1), 0x0764);
	EXPECT_EQ(cell_at(&fb, 0, 2), 0x0765);
	EXPECT_EQ(cell_at(&fb, 2, 2), 0x0720);
	put("\n");
	EXPECT_EQ(cell_at(&fb, 0, 0), 0x0761);
	EXPECT_EQ(cell_at(&fb, 0, 1), 0x0765);
	for (uint32_t col = 0; col < 4; col++)
		EXPECT_EQ(cell_at(&fb, col, 2), 0x0720);
	free_fb(&fb);
}

TEST(vga_text_survives_every_byte_and_rejects_bad_screens)
{
	struct framebuffer_info fb = text_fb(9, 4), bad;
	char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	EXPECT(vga_text_init(&fb));
	for (int round = 0; round < 5; round++)
		registered->write(all, sizeof(all));
	put("\n\x01\x80~");                           /* on the last row, after scrolling */
	EXPECT_EQ(cell_at(&fb, 0, 3), 0x07FE);
	EXPECT_EQ(cell_at(&fb, 1, 3), 0x07FE);
	EXPECT_EQ(cell_at(&fb, 2, 3), 0x077E);

	bad = fb, bad.kind = FRAMEBUFFER_RGB;
	EXPECT(!vga_text_init(&bad));
	bad = fb, bad.address = 0;
	EXPECT(!vga_text_init(&bad));
	bad = fb, bad.width = 0;
	EXPECT(!vga_text_init(&bad));
	bad = fb, bad.pitch = 17;
	EXPECT(!vga_text_init(&bad));
	free_fb(&fb);
}
