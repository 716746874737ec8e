/*
 * 16550 UART console.  A laptop often has no serial port at all, and a
 * missing UART reads back 0xFF from every register, so the port is probed
 * (scratch register and loopback) before it is used, and every wait for the
 * transmitter is bounded.
 */
#include "arch/io.h"
#include "kernel/console.h"
#include "kernel/serial.h"

enum uart_register {
	UART_DATA = 0,          /* DLAB=0: transmit/receive; DLAB=1: divisor low */
	UART_IER = 1,           /* DLAB=1: divisor high */
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCRATCH = 7,
};

#define LCR_8N1         0x03
#define LCR_DLAB        0x80
#define MCR_DTR_RTS_OUT2 0x0B
#define MCR_LOOPBACK    0x10
#define LSR_THR_EMPTY   0x20
#define FCR_ENABLE_CLEAR 0x07
#define DIVISOR_115200  1

static uint16_t uart;

static bool uart_present(uint16_t port)
{
	outb(port + UART_SCRATCH, 0x5A);
	if (inb(port + UART_SCRATCH) != 0x5A)
		return false;
	/* Loopback: what we send comes straight back if a 16550 is there. */
	outb(port + UART_MCR, MCR_LOOPBACK);
	outb(port + UART_DATA, 0xA5);
	for (int i = 0; i < 1000; i++)
		if (inb(port + UART_LSR) & 0x01)
			break;
	bool echoed = inb(port + UART_DATA) == 0xA5;
	outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
	return echoed;
}

static void uart_putc(char c)
{
	for (int i = 0; i < 100000; i++)
		if (inb(uart + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(uart + UART_DATA, (uint8_t)c);
}

static void serial_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			uart_putc('\r');
		uart_putc(text[i]);
	}
}

static struct console serial_console = { .name = "serial", .write = serial_write };

bool serial_console_init(uint16_t port)
{
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DATA, DIVISOR_115200 & 0xFF);
	outb(port + UART_IER, DIVISOR_115200 >> 8);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	if (!uart_present(port))
		return false;
	uart = port;
	console_register(&serial_console);
	return true;
}

uint16_t serial_console_port(void)
{
	return uart;
}

void serial_console_lend(void)
{
	if (uart)
		console_pause(&serial_console);
}

void serial_console_take_back(void)
{
	if (!uart || !serial_console.paused)
		return;
	/* Whatever the guest left the UART in, make it ours again: 115200 8N1, no interrupts. */
	outb(uart + UART_IER, 0x00);
	outb(uart + UART_LCR, LCR_DLAB);
	outb(uart + UART_DATA, DIVISOR_115200 & 0xFF);
	outb(uart + UART_IER, DIVISOR_115200 >> 8);
	outb(uart + UART_LCR, LCR_8N1);
	outb(uart + UART_MCR, MCR_DTR_RTS_OUT2);
	uart_putc('\r');
	uart_putc('\n');
	console_resume(&serial_console);
}
