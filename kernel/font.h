/*
 * The framebuffer console's built-in 8x16 bitmap font: printable ASCII,
 * and a hollow box for every other byte so that stray control characters
 * or UTF-8 in a log line show up instead of vanishing.
 */
#ifndef VENEER_KERNEL_FONT_H
#define VENEER_KERNEL_FONT_H

#include <stdint.h>

#define FONT_WIDTH      8
#define FONT_HEIGHT     16

/* FONT_HEIGHT rows, top first; bit 7 of a row is its leftmost pixel. */
const uint8_t *font_glyph(unsigned char c);

#endif
