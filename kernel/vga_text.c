/*
 * EGA/VGA text-mode console.  Each character cell is two bytes, the code
 * point and a colour attribute (background in the high nibble, foreground
 * in the low one); the card's own font draws them.  Log lines are light
 * grey, errors light red and warnings yellow so they stand out in a boot
 * that scrolls by.
 */
#include <stdint.h>

#include "arch/io.h"
#include "kernel/console.h"
#include "kernel/string.h"
#include "kernel/vga_text.h"

#define VGA_TEXT_LEGACY_ADDRESS 0xB8000
#define VGA_TEXT_LEGACY_COLS    80
#define VGA_TEXT_LEGACY_ROWS    25

#define ATTR_NORMAL     0x07    /* light grey on black */
#define ATTR_WARNING    0x0E    /* yellow on black */
#define ATTR_ERROR      0x0C    /* light red on black */

/* Code page 437's small square: what we show for bytes that are not printable ASCII. */
#define PLACEHOLDER     0xFE
#define TAB_WIDTH       8

#define CRTC_INDEX              0x3D4
#define CRTC_DATA               0x3D5
#define CRTC_CURSOR_START       0x0A
#define CURSOR_DISABLE          0x20

static struct vga_text {
	uint8_t *base;
	uint32_t pitch;                 /* bytes per row of characters */
	uint32_t cols, rows;
	uint32_t col, row;              /* col == cols: full line, wrap pending */
	uint8_t attr;                   /* colour of the current line */
	bool line_start;                /* the next character begins a line */
} vga;

static bool usable(const struct framebuffer_info *fb)
{
	/* Cells are 16-bit stores: the screen and each row must start on an even byte. */
	return fb->kind == FRAMEBUFFER_EGA_TEXT && fb->address != 0 && fb->address % 2 == 0 &&
	       fb->width > 0 && fb->height > 0 &&
	       fb->pitch % 2 == 0 && (uint64_t)fb->width * 2 <= fb->pitch;
}

/*
 * The cursor is hidden once, rather than moved after every line.  The log
 * is output only, so a blinking cursor would promise input that never
 * comes; and the CRTC is reached through an index port and a data port in
 * turn, state a guest driving the same VGA also relies on: a VM exit that
 * lands between its two writes, followed by a log line of ours that moved
 * the index, would send the guest's value to the wrong register.
 */
static void hide_cursor(void)
{
#ifndef VENEER_HOST_TEST        /* the unit tests run without VGA ports */
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	outb(CRTC_DATA, CURSOR_DISABLE);
#endif
}

static uint16_t *row_cells(uint32_t row)
{
	return (uint16_t *)(vga.base + (size_t)row * vga.pitch);
}

static void clear_row(uint32_t row)
{
	uint16_t *cells = row_cells(row);

	for (uint32_t col = 0; col < vga.cols; col++)
		cells[col] = ATTR_NORMAL << 8 | ' ';
}

/* Also used to wrap a long line, which keeps its colour: only '\n' starts a new log line. */
static void newline(void)
{
	vga.col = 0;
	if (++vga.row < vga.rows)
		return;
	memmove(vga.base, vga.base + vga.pitch, (size_t)(vga.rows - 1) * vga.pitch);
	clear_row(vga.rows - 1);
	vga.row--;
}

static bool starts_with(const char *text, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(text, prefix, n) == 0;
}

/*
 * The logger writes "[cpuN] error: ..." and "[cpuN] warning: ...": the
 * level word right after the CPU tag decides the colour, so an ordinary
 * line that merely mentions "error:" later on stays grey.
 */
static uint8_t line_attribute(const char *line, size_t len)
{
	size_t i = 0;

	if (len > 0 && line[0] == '[') {
		while (i < len && line[i] != ']' && line[i] != '\n')
			i++;
		if (i == len || line[i] != ']')
			return ATTR_NORMAL;
		i++;
		if (i < len && line[i] == ' ')
			i++;
	}
	if (starts_with(line + i, len - i, "error:"))
		return ATTR_ERROR;
	if (starts_with(line + i, len - i, "warning:"))
		return ATTR_WARNING;
	return ATTR_NORMAL;
}

static void put_char(unsigned char c)
{
	if (vga.col == vga.cols)
		newline();
	if (c < 0x20 || c > 0x7E)
		c = PLACEHOLDER;
	row_cells(vga.row)[vga.col++] = (uint16_t)(vga.attr << 8 | c);
}

static void vga_text_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		/* Lines come whole from the logger, so the rest of this one is in text. */
		if (vga.line_start) {
			vga.attr = line_attribute(text + i, len - i);
			vga.line_start = false;
		}
		switch (c) {
		case '\n':
			newline();
			vga.line_start = true;
			break;
		case '\r':
			vga.col = 0;
			break;
		case '\t':
			do
				put_char(' ');
			while (vga.col % TAB_WIDTH && vga.col < vga.cols);
			break;
		default:
			put_char(c);
			break;
		}
	}
}

static struct console vga_text_console = { .name = "vga-text", .write = vga_text_write };

bool vga_text_init(const struct framebuffer_info *fb)
{
	if (!usable(fb))
		return false;
	/* Physical memory is identity-mapped. */
	vga.base = (uint8_t *)(uintptr_t)fb->address;
	vga.pitch = fb->pitch;
	vga.cols = fb->width;
	vga.rows = fb->height;
	vga.col = 0;
	vga.row = 0;
	vga.attr = ATTR_NORMAL;
	vga.line_start = true;
	for (uint32_t row = 0; row < vga.rows; row++)
		clear_row(row);
	hide_cursor();
	console_register(&vga_text_console);
	return true;
}

bool vga_text_init_legacy(void)
{
	struct framebuffer_info fb = {
		.kind = FRAMEBUFFER_EGA_TEXT,
		.address = VGA_TEXT_LEGACY_ADDRESS,
		.pitch = VGA_TEXT_LEGACY_COLS * 2,
		.width = VGA_TEXT_LEGACY_COLS,
		.height = VGA_TEXT_LEGACY_ROWS,
		.bpp = 16,
	};

	return vga_text_init(&fb);
}
