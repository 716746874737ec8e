/* 16550 UART console (COM1 by default, 115200 8N1). */
#ifndef VENEER_KERNEL_SERIAL_H
#define VENEER_KERNEL_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1 0x3F8

/* Programs the UART at port and registers it as a console.  Returns false (and registers nothing) when no UART answers there. */
bool serial_console_init(uint16_t port);
/* The port the console uses, 0 when none: the I/O bitmap protects it from a guest. */
uint16_t serial_console_port(void);

/* Lends the UART to a guest operating system (veneer's lines wait), and takes it back. */
void serial_console_lend(void);
void serial_console_take_back(void);

#endif
