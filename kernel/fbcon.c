/*
 * Framebuffer text console: the built-in 8x16 font drawn in light grey on
 * black into a linear RGB framebuffer of 16, 24 or 32 bits per pixel.
 * Pixel values are built from the red/green/blue positions and sizes the
 * boot loader reported, since the layout varies between firmwares.
 *
 * Scrolling copies the framebuffer up by one text row and clears the last
 * one.  That copy is the expensive part (megabytes through the emulated
 * display in Bochs), so while registration replays the log history, a burst
 * that nobody reads line by line, the console scrolls half a screen at a
 * time instead.
 */
#include <stdint.h>

#include "kernel/console.h"
#include "kernel/fbcon.h"
#include "kernel/font.h"
#include "kernel/string.h"

/* Light grey, like the VGA text console.  The background is black. */
#define FG_RED          0xAA
#define FG_GREEN        0xAA
#define FG_BLUE         0xAA
#define TAB_WIDTH       8

/* Pixel stores that need no alignment: a boot loader's pitch is not checked for it. */
typedef uint16_t __attribute__((aligned(1), may_alias)) pixel16;
typedef uint32_t __attribute__((aligned(1), may_alias)) pixel32;

static struct fbcon {
	uint8_t *base;
	uint32_t pitch;                 /* bytes per pixel line */
	uint32_t bytes_per_pixel;
	uint32_t cols, rows;            /* the screen in characters */
	uint32_t col, row;              /* where the next character goes */
	uint32_t fg;                    /* light grey in the framebuffer's layout */
	uint32_t scroll_lines;          /* text rows to scroll by when the screen is full */
} fbcon;

/* Scales an 8-bit intensity to a field of size bits at position. */
static uint32_t channel(uint32_t value, uint8_t position, uint8_t size)
{
	if (size < 8)
		value >>= 8 - size;
	else
		value <<= size - 8;
	return value << position;
}

static bool channel_fits(uint8_t position, uint8_t size, uint8_t bpp)
{
	return size > 0 && position + size <= bpp;
}

static bool drawable(const struct framebuffer_info *fb)
{
	if (fb->kind != FRAMEBUFFER_RGB || fb->address == 0)
		return false;
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return false;
	if (!channel_fits(fb->red_position, fb->red_size, fb->bpp) ||
	    !channel_fits(fb->green_position, fb->green_size, fb->bpp) ||
	    !channel_fits(fb->blue_position, fb->blue_size, fb->bpp))
		return false;
	if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
		return false;
	return (uint64_t)fb->width * (fb->bpp / 8) <= fb->pitch;
}

static uint8_t *cell_address(uint32_t col, uint32_t row)
{
	return fbcon.base + (size_t)row * FONT_HEIGHT * fbcon.pitch +
	       (size_t)col * FONT_WIDTH * fbcon.bytes_per_pixel;
}

/* Draws every pixel of the cell, background included, so whatever was there goes. */
static void draw_char(uint32_t col, uint32_t row, unsigned char c)
{
	const uint8_t *glyph = font_glyph(c);
	uint8_t *line = cell_address(col, row);
	uint32_t fg = fbcon.fg;

	for (int y = 0; y < FONT_HEIGHT; y++, line += fbcon.pitch) {
		unsigned int bits = glyph[y];

		switch (fbcon.bytes_per_pixel) {
		case 4:
			for (int x = 0; x < FONT_WIDTH; x++)
				((pixel32 *)line)[x] = bits & (0x80 >> x) ? fg : 0;
			break;
		case 3:
			for (int x = 0; x < FONT_WIDTH; x++) {
				uint32_t v = bits & (0x80 >> x) ? fg : 0;

				line[3 * x] = (uint8_t)v;
				line[3 * x + 1] = (uint8_t)(v >> 8);
				line[3 * x + 2] = (uint8_t)(v >> 16);
			}
			break;
		default:
			for (int x = 0; x < FONT_WIDTH; x++)
				((pixel16 *)line)[x] = (uint16_t)(bits & (0x80 >> x) ? fg : 0);
			break;
		}
	}
}

/* Black is all channels zero in every layout, so clearing is a memset. */
static void clear_rows(uint32_t first, uint32_t count)
{
	memset(cell_address(0, first), 0, (size_t)count * FONT_HEIGHT * fbcon.pitch);
}

static void scroll(void)
{
	uint32_t lines = fbcon.scroll_lines;
	size_t text_row = (size_t)FONT_HEIGHT * fbcon.pitch;

	memmove(fbcon.base, fbcon.base + lines * text_row, (fbcon.rows - lines) * text_row);
	clear_rows(fbcon.rows - lines, lines);
	fbcon.row -= lines;
}

static void newline(void)
{
	fbcon.col = 0;
	if (++fbcon.row == fbcon.rows)
		scroll();
}

/*
 * col == cols means the line is full but not yet wrapped: the wrap waits
 * for the next character, so that a line exactly as wide as the screen
 * followed by '\n' does not leave an empty line behind it.
 */
static void put_char(unsigned char c)
{
	if (fbcon.col == fbcon.cols)
		newline();
	draw_char(fbcon.col++, fbcon.row, c);
}

static void fbcon_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		switch (c) {
		case '\n':
			newline();
			break;
		case '\r':
			fbcon.col = 0;
			break;
		case '\t':
			do
				put_char(' ');
			while (fbcon.col % TAB_WIDTH && fbcon.col < fbcon.cols);
			break;
		default:
			put_char(c);    /* the font draws a box for what it lacks */
			break;
		}
	}
}

static struct console fbcon_console = { .name = "framebuffer", .write = fbcon_write };

bool fbcon_init(const struct framebuffer_info *fb)
{
	if (!drawable(fb))
		return false;
	/* Physical memory is identity-mapped. */
	fbcon.base = (uint8_t *)(uintptr_t)fb->address;
	fbcon.pitch = fb->pitch;
	fbcon.bytes_per_pixel = fb->bpp / 8;
	fbcon.cols = fb->width / FONT_WIDTH;
	fbcon.rows = fb->height / FONT_HEIGHT;
	fbcon.col = 0;
	fbcon.row = 0;
	fbcon.fg = channel(FG_RED, fb->red_position, fb->red_size) |
		   channel(FG_GREEN, fb->green_position, fb->green_size) |
		   channel(FG_BLUE, fb->blue_position, fb->blue_size);
	memset(fbcon.base, 0, (size_t)fb->height * fb->pitch);

	/* The replay of the history is a burst (see the top of this file). */
	fbcon.scroll_lines = fbcon.rows > 1 ? fbcon.rows / 2 : 1;
	console_register(&fbcon_console);
	fbcon.scroll_lines = 1;
	return true;
}
