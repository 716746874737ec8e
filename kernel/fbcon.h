/*
 * Text console on a linear RGB framebuffer (what UEFI machines, and BIOS
 * machines booted with a graphics gfxpayload, give us).
 */
#ifndef VENEER_KERNEL_FBCON_H
#define VENEER_KERNEL_FBCON_H

#include <stdbool.h>

#include "kernel/framebuffer.h"

/*
 * Clears the screen and registers it as a console, which first replays the
 * log so far.  Returns false, registering nothing, for a framebuffer it
 * cannot draw on: not RGB, not 16, 24 or 32 bits per pixel, smaller than
 * one character, or without an address.  Call it once: a console that is
 * registered twice links the list of consoles into a loop.
 */
bool fbcon_init(const struct framebuffer_info *fb);

#endif
