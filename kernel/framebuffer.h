/*
 * What the boot loader told us about the display, independent of how it
 * told us (the Multiboot2 framebuffer tag today).  Consumed by the text
 * consoles: an EGA text buffer or a linear RGB framebuffer.
 */
#ifndef VENEER_KERNEL_FRAMEBUFFER_H
#define VENEER_KERNEL_FRAMEBUFFER_H

#include <stdint.h>

enum framebuffer_kind {
	FRAMEBUFFER_NONE = 0,
	FRAMEBUFFER_RGB,        /* linear pixels */
	FRAMEBUFFER_EGA_TEXT,   /* 16-bit character cells, width x height in characters */
	FRAMEBUFFER_INDEXED,    /* palette-based: not drawn on */
};

struct framebuffer_info {
	enum framebuffer_kind kind;
	uint64_t address;       /* physical */
	uint32_t pitch;         /* bytes per line */
	uint32_t width;         /* pixels, or characters for EGA text */
	uint32_t height;
	uint8_t bpp;
	uint8_t red_position, red_size;
	uint8_t green_position, green_size;
	uint8_t blue_position, blue_size;
};

#endif
