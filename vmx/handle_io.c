/*
 * I/O instructions.  The guest owns the machine's ports except the few in
 * vmx/guest/io.h; the I/O bitmap sends those here, to their handlers.
 * A test guest's UART: the guest sees a quiet UART that is always ready to
 * transmit; what it transmits is not sent to the wire, where it would tear
 * veneer's own log lines apart, but shown in veneer's log, a line at a time.
 * String forms (INS/OUTS) on the protected port are completed without
 * effect (pointers and count advance as if done): reading the guest's
 * buffer would mean walking its page tables, for a port nobody drives that
 * way.
 */
#include "arch/cpu.h"
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

static void complete_string_instruction(struct vcpu *vcpu, const struct io_qualification *q)
{
	uint64_t count = q->rep ? vcpu->regs.rcx : 1;
	int64_t step = (vmcs_readn(GUEST_RFLAGS) & (1ULL << 10)) ? -(int64_t)q->size : q->size;     /* DF */

	if (q->in)
		vcpu->regs.rdi += (uint64_t)(step * (int64_t)count);
	else
		vcpu->regs.rsi += (uint64_t)(step * (int64_t)count);
	if (q->rep)
		vcpu->regs.rcx = 0;
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

	/* An access exits when any port it covers is intercepted: a dword at 0xCF8 covers 0xCF9. */
	for (unsigned i = 0; i < guest->io_intercept_count; i++)
		if (q.port < guest->io_intercepts[i].first + guest->io_intercepts[i].count &&
		    guest->io_intercepts[i].first < q.port + q.size) {
			hit = &guest->io_intercepts[i];
			break;
		}
	if (!hit || q.size == 0) {
		/* Only registered ports exit; anything else means the bitmap and the table disagree. */
		vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "I/O exit for a port veneer does not intercept");
		return false;
	}
	if (q.string) {
		if (hit->handler != guest_uart_access) {
			vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "string I/O to a port veneer intercepts");
			return false;
		}
		complete_string_instruction(vcpu, &q);
		vcpu_skip_instruction(vcpu);
		return true;
	}
	uint32_t value = (uint32_t)vcpu->regs.rax;
	if (!hit->handler(vcpu, &q, &value))
		return false;
	if (q.in)
		reg_write_sized(&vcpu->regs, 0, q.size, value);   /* AL/AX/EAX; a 32-bit IN zero-extends */
	vcpu_skip_instruction(vcpu);
	return true;
}
