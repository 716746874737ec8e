/*
 * A console is anywhere log lines go: the serial port, the framebuffer,
 * VGA text memory, the Bochs/QEMU 0xE9 debug port.  The logger writes
 * each complete line to every registered console.
 */
#ifndef VENEER_KERNEL_CONSOLE_H
#define VENEER_KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct console {
	const char *name;
	void (*write)(const char *text, size_t len);
	/* For a console that buffers (NULL otherwise): waits until every line written is out; sends what the device takes now. */
	void (*flush)(void);
	void (*pump)(void);
	struct console *next;
	/* While paused (its device lent to the guest), lines wait in the log history. */
	bool paused;
	unsigned long paused_at;        /* number of the first line it missed */
};

/* Adds a console and replays everything logged so far onto it. */
void console_register(struct console *con);

/*
 * Lends a console's device to the guest: veneer stops writing to it, and
 * on resume writes the lines it missed (those still in the history).
 */
void console_pause(struct console *con);
void console_resume(struct console *con);

#endif
