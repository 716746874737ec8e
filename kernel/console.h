/*
 * A console is anywhere log lines go: the serial port, the framebuffer,
 * VGA text memory, the Bochs/QEMU 0xE9 debug port.  The logger writes
 * each complete line to every registered console.
 */
#ifndef VENEER_KERNEL_CONSOLE_H
#define VENEER_KERNEL_CONSOLE_H

#include <stddef.h>

struct console {
	const char *name;
	void (*write)(const char *text, size_t len);
	struct console *next;
};

/* Adds a console and replays everything logged so far onto it. */
void console_register(struct console *con);

#endif
