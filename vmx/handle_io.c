/*
 * I/O instructions.  The guest owns the machine's ports except the few in
 * vmx/guest/io.h; the I/O bitmap sends those here, to their handlers.
 * A test guest's UART: the guest sees a quiet UART that is always ready to
 * transmit; what it transmits is not sent to the wire, where it would tear
 * veneer's own log lines apart, but shown in veneer's log, a line at a time.
 * String forms (INS/OUTS, REP) go element by element through the same
 * handlers (vmx/guest/string_io.c).
 *
 * An access that wraps past port 0xFFFF (a word or dword at 0xFFFF-0xFFFD)
 * always exits when the I/O bitmaps are in use (SDM Vol. 3C, "Instructions
 * That Cause VM Exits Conditionally", I/O instructions), whether or not any
 * port it touches is intercepted.  When none is, veneer performs the
 * access itself, at the same port and width, so the machine sees what it
 * would have seen from the guest.
 */
#include "arch/cpu.h"
#include "arch/io.h"
#include "kernel/log.h"
#include "kernel/serial.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_qualification.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/io_bitmap.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

#define UART_LSR                5
#define LSR_TRANSMITTER_IDLE    0x60    /* THR empty and transmitter empty */
#define GUEST_LINE_MAX          160

struct guest_uart {
	char line[GUEST_LINE_MAX + 1];
	unsigned length;
};

static struct guest_uart guest_uart;

static void guest_uart_output(char c)
{
	struct guest_uart *u = &guest_uart;

	if (c == '\r')
		return;
	if (c != '\n') {
		u->line[u->length++] = (c >= 0x20 && c <= 0x7E) ? c : '?';
		if (u->length < GUEST_LINE_MAX)
			return;
	}
	u->line[u->length] = '\0';
	pr_info("guest serial: %s", u->line);
	u->length = 0;
}

static uint32_t guest_uart_input(unsigned offset)
{
	return offset == UART_LSR ? LSR_TRANSMITTER_IDLE : 0;
}

bool guest_uart_access(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	uint16_t uart = serial_console_port();

	(void)vcpu;
	if (q->in)
		*value = guest_uart_input(q->port - uart);
	else if (q->port == uart)
		guest_uart_output((char)*value);
	return true;
}

/* Whether [port, port + size) modulo 64 Ki meets [first, first + count). */
static bool ports_meet(uint16_t port, unsigned size, uint16_t first, uint16_t count)
{
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		if (p >= first && (uint32_t)p < (uint32_t)first + count)
			return true;
	}
	return false;
}

/* The wrapping access the guest made, done on the real port (none of its ports is veneer's). */
bool guest_port_pass_through(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	(void)vcpu;
	if (q->in)
		*value = q->size == 1 ? inb(q->port) : q->size == 2 ? inw(q->port) : inl(q->port);
	else if (q->size == 1)
		outb(q->port, (uint8_t)*value);
	else if (q->size == 2)
		outw(q->port, (uint16_t)*value);
	else
		outl(q->port, *value);
	return true;
}

bool guest_io_intercept(struct guest *guest, uint16_t first, uint16_t count, io_port_handler handler)
{
	if (guest->io_intercept_count == GUEST_IO_INTERCEPTS_MAX)
		return false;
	guest->io_intercepts[guest->io_intercept_count++] =
		(struct guest_io_intercept){ .first = first, .count = count, .handler = handler };
	io_bitmap_intercept(guest->io_bitmap_a, guest->io_bitmap_b, first, count);
	return true;
}

bool handle_io_instruction(struct vcpu *vcpu)
{
	struct io_qualification q = vmx_decode_io_instruction(vmcs_readn(EXIT_QUALIFICATION));
	const struct guest_io_intercept *hit = NULL;
	struct guest *guest = vcpu->guest;

	if (q.size == 0) {
		vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "I/O exit with a reserved access size");
		return false;
	}
	/* An access exits when any port it covers is intercepted: a dword at 0xCF8 covers 0xCF9. */
	for (unsigned i = 0; i < guest->io_intercept_count; i++)
		if (ports_meet(q.port, q.size, guest->io_intercepts[i].first, guest->io_intercepts[i].count)) {
			hit = &guest->io_intercepts[i];
			break;
		}
	bool wraps = q.port + q.size > 0x10000u;
	if (!hit && !wraps) {
		/* Only registered ports and wrapping accesses exit; anything else means the bitmap and the table disagree. */
		vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "I/O exit for a port veneer does not intercept");
		return false;
	}
	if (q.string)
		return guest_string_io(vcpu, &q, hit ? hit->handler : guest_port_pass_through);
	uint32_t value = (uint32_t)vcpu->regs.rax;
	if (!(hit ? hit->handler : guest_port_pass_through)(vcpu, &q, &value))
		return false;
	if (q.in)
		reg_write_sized(&vcpu->regs, 0, q.size, value);   /* AL/AX/EAX; a 32-bit IN zero-extends */
	vcpu_skip_instruction(vcpu);
	return true;
}
