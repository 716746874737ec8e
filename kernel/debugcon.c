/* The 0xE9 debug port: each byte written appears on the emulator's console or log. */
#include "arch/io.h"
#include "kernel/console.h"
#include "kernel/debugcon.h"

#define DEBUGCON_PORT 0xE9

static void debugcon_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		outb(DEBUGCON_PORT, (uint8_t)text[i]);
}

static struct console debugcon = { .name = "debugcon", .write = debugcon_write };

void debugcon_init(void)
{
	console_register(&debugcon);
}
