/*
 * Where the kernel's lines go, and how it ends.  Lines go to COM1 with or
 * without veneer: veneer lends the serial port to a Multiboot guest, so a
 * run under veneer and one on the bare machine print the same bytes and a
 * differential scenario can compare them.  The end: under veneer (its
 * CPUID signature at leaf 0x40000000) the shutdown hypercall with the
 * failure count; anywhere else QEMU's isa-debug-exit device at port 0xF4,
 * whose exit status is then (code << 1) | 1, and a halt (Bochs).  This
 * file implements the runtime's print.h.
 */
#include <stdint.h>

#include "arch/io.h"
#include "kernel/format.h"
#include "kernel/string.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

#define COM1                    0x3F8
#define UART_DATA               0       /* DLAB=0 */
#define UART_INTERRUPT_ENABLE   1       /* DLAB=0 */
#define UART_DIVISOR_LOW        0       /* DLAB=1 */
#define UART_DIVISOR_HIGH       1       /* DLAB=1 */
#define UART_FIFO_CONTROL       2
#define UART_LINE_CONTROL       3
#define UART_MODEM_CONTROL      4
#define UART_LINE_STATUS        5
#define UART_LCR_8N1            0x03
#define UART_LCR_DLAB           0x80
#define UART_FCR_ENABLE_CLEAR   0x07
#define UART_MCR_DTR_RTS        0x03
#define UART_LSR_THR_EMPTY      0x20
#define UART_DIVISOR_115200     1

#define ISA_DEBUG_EXIT_PORT     0xF4    /* QEMU -device isa-debug-exit,iobase=0xf4,iosize=4 */

static bool under_veneer;

/* 115200 8N1, FIFOs on; a missing UART makes every write a no-op. */
static void com1_init(void)
{
	outb(COM1 + UART_INTERRUPT_ENABLE, 0);
	outb(COM1 + UART_LINE_CONTROL, UART_LCR_DLAB);
	outb(COM1 + UART_DIVISOR_LOW, UART_DIVISOR_115200);
	outb(COM1 + UART_DIVISOR_HIGH, 0);
	outb(COM1 + UART_LINE_CONTROL, UART_LCR_8N1);
	outb(COM1 + UART_FIFO_CONTROL, UART_FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MODEM_CONTROL, UART_MCR_DTR_RTS);
}

static void com1_putc(char c)
{
	/* Bounded: a UART that never drains must not hang the kernel. */
	for (unsigned spin = 0; spin < 100000; spin++)
		if (inb(COM1 + UART_LINE_STATUS) & UART_LSR_THR_EMPTY)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void console_init(void)
{
	under_veneer = veneer_signature_present();
	com1_init();
}

bool running_under_veneer(void)
{
	return under_veneer;
}

void guest_vprintf(const char *fmt, va_list ap)
{
	char line[VENEER_HC_PRINT_MAX + 1];
	int length = format_v(line, sizeof(line), fmt, ap);

	if (length > VENEER_HC_PRINT_MAX)
		length = VENEER_HC_PRINT_MAX;
	for (int i = 0; i < length; i++)
		com1_putc(line[i]);
	com1_putc('\r');
	com1_putc('\n');
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vprintf(fmt, ap);
	va_end(ap);
}

void guest_exit(unsigned code)
{
	if (under_veneer) {
		hc_shutdown(code);
		guest_printf("FAIL: runtime: the shutdown hypercall returned");
	} else {
		outl(ISA_DEBUG_EXIT_PORT, code);
		guest_printf("INFO: still running after the write to port 0x%x (no isa-debug-exit device): halting",
			     ISA_DEBUG_EXIT_PORT);
	}
	halt_forever();
}
