/*
 * 16550 UART console.  A laptop often has no serial port at all, and a
 * missing UART reads back 0xFF from every register, so the port is probed
 * (scratch register and loopback) before it is used, and every wait for the
 * transmitter is bounded.
 *
 * At 115200 baud a character takes 87 us on the wire.  Waiting for each
 * one made the log the largest part of veneer's start, so lines go into a
 * buffer, and the UART gets what it can take whenever its transmitter
 * holding register is empty (LSR bit 5, THRE): with the FIFO on, 16
 * characters at once.  The CPU goes on with its work while they leave,
 * and long loops at start hand the UART its next burst (log_pump()).  The
 * log flushes the buffer (waits) where a line must be out: before the
 * guest runs, before the UART is lent, before the run ends, and after
 * every warning and error (log.c).
 */
#include "arch/cpu.h"
#include "arch/io.h"
#include "kernel/console.h"
#include "kernel/serial.h"

enum uart_register {
	UART_DATA = 0,          /* DLAB=0: transmit/receive; DLAB=1: divisor low */
	UART_IER = 1,           /* DLAB=1: divisor high */
	UART_FCR = 2,           /* write: FIFO control */
	UART_IIR = 2,           /* read: interrupt identification */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCRATCH = 7,
};

#define LCR_8N1         0x03
#define LCR_DLAB        0x80
#define MCR_DTR_RTS_OUT2 0x0B
#define MCR_LOOPBACK    0x10
#define LSR_THR_EMPTY   0x20    /* THRE: the transmit FIFO (or holding register) takes more */
#define LSR_TX_IDLE     0x40    /* TEMT: FIFO and shift register empty, the last character has left */
#define FCR_ENABLE_CLEAR 0x07
#define FCR_ENABLE      0x01
#define IIR_FIFO_ENABLED 0xC0   /* bits 7:6 read 11 when a 16550A's FIFOs are on */
#define DIVISOR_115200  1
#define UART_FIFO_SIZE  16
#define THRE_WAIT_POLLS 100000  /* a UART that never gets ready: give up on it after this */

static uint16_t uart;
static unsigned burst_size = 1;         /* characters per THRE: the FIFO's size, or one */

/* Characters not yet handed to the UART: a ring, sent from head, added at tail (free-running counters). */
#define PENDING_SIZE    16384u
static char pending[PENDING_SIZE];
static uint32_t pending_head, pending_tail;

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

/* An 8250 or 16450 has no FIFO (IIR bits 7:6 stay 0): one character per THRE. */
static unsigned characters_per_thre(void)
{
	return (inb(uart + UART_IIR) & IIR_FIFO_ENABLED) == IIR_FIFO_ENABLED ? UART_FIFO_SIZE : 1;
}

static bool transmitter_empty(void)
{
	return inb(uart + UART_LSR) & LSR_THR_EMPTY;
}

/* One burst from the ring: as much as an empty transmitter takes. */
static void send_burst(void)
{
	for (unsigned n = 0; n < burst_size && pending_head != pending_tail; n++)
		outb(uart + UART_DATA, (uint8_t)pending[pending_head++ % PENDING_SIZE]);
}

/* Hands the UART what it can take now, without waiting. */
static void serial_pump(void)
{
	while (pending_head != pending_tail && transmitter_empty())
		send_burst();
}

/* Waits (bounded) for the transmitter, then sends a burst; a UART that stays busy loses the burst rather than hang veneer. */
static void send_burst_waiting(void)
{
	for (int i = 0; i < THRE_WAIT_POLLS && !transmitter_empty(); i++)
		cpu_relax();
	send_burst();
}

/*
 * Until the last character has left the UART, not only the buffer: the
 * next step may end the machine (an emulator's exit port) or hand the
 * UART to the guest, and the FIFO would lose what it still holds.
 */
static void serial_flush(void)
{
	while (pending_head != pending_tail)
		send_burst_waiting();
	for (int i = 0; i < THRE_WAIT_POLLS && !(inb(uart + UART_LSR) & LSR_TX_IDLE); i++)
		cpu_relax();
}

static void queue(char c)
{
	if (pending_tail - pending_head == PENDING_SIZE)
		send_burst_waiting();
	pending[pending_tail++ % PENDING_SIZE] = c;
}

static void serial_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			queue('\r');
		queue(text[i]);
	}
	serial_pump();
}

static struct console serial_console = { .name = "serial", .write = serial_write, .flush = serial_flush,
					  .pump = serial_pump };

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
	burst_size = characters_per_thre();
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
	/* FIFOs on, not cleared: the guest's last characters may still be leaving. */
	outb(uart + UART_FCR, FCR_ENABLE);
	burst_size = characters_per_thre();
	serial_write("\n", 1);
	console_resume(&serial_console);
}
