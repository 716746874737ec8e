/*
 * Console in EGA/VGA text mode: the screen a BIOS machine shows when GRUB
 * leaves it in text mode.
 */
#ifndef VENEER_KERNEL_VGA_TEXT_H
#define VENEER_KERNEL_VGA_TEXT_H

#include <stdbool.h>

#include "kernel/framebuffer.h"

/*
 * Clears the text screen described by fb (a FRAMEBUFFER_EGA_TEXT: width
 * and height in characters, pitch in bytes) and registers it as a console,
 * which first replays the log so far.  Returns false, registering nothing,
 * when fb is not a text screen it can use.  Call it (or the legacy variant)
 * once: a console registered twice links the list of consoles into a loop.
 */
bool vga_text_init(const struct framebuffer_info *fb);

/* For a BIOS boot that reported no framebuffer at all: the standard 80x25 screen at 0xB8000. */
bool vga_text_init_legacy(void);

#endif
