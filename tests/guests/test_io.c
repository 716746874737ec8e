/*
 * Port I/O.  Harmless ports work (the POST port 0x80, the CMOS clock);
 * veneer's own serial port (COM1, 0x3F8-0x3FF) is protected: a write there
 * completes without a fault but must not reach the line.  The bytes
 * written spell IO_COM1_MARKER so a scenario can reject that text in the
 * log.  String I/O (REP OUTSB/INSB) moves RSI/RDI and counts RCX down.
 */
#include <stdint.h>

#include "kernel/string.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

#define PORT_POST               0x80
#define PORT_CMOS_INDEX         0x70
#define PORT_CMOS_DATA          0x71
#define CMOS_SECONDS            0x00
#define PORT_COM1               0x3F8
#define PORT_COM1_LSR           (PORT_COM1 + 5)

#define IO_COM1_MARKER          "GUEST-COM1-LEAK"

GUEST_TEST(io_post_port, "io", "io-post-port", 0)
{
	uint8_t value;

	check_fault("outb to port 0x80", port_out8(PORT_POST, 0x42), PROBE_NONE);
	check_fault("inb from port 0x80", port_in8(PORT_POST, &value), PROBE_NONE);
}

/* Seconds are at most 59, or 0x59 in BCD: either way not above 0x59. */
GUEST_TEST(io_cmos_seconds, "io", "io-cmos-seconds", 0)
{
	for (int i = 0; i < 2; i++) {
		uint8_t seconds = 0xFF;

		if (!check_fault("outb to port 0x70", port_out8(PORT_CMOS_INDEX, CMOS_SECONDS), PROBE_NONE) ||
		    !check_fault("inb from port 0x71", port_in8(PORT_CMOS_DATA, &seconds), PROBE_NONE))
			return;
		check(seconds <= 0x59, "CMOS seconds read %d: 0x%x is no number of seconds", i + 1, seconds);
	}
}

GUEST_TEST(io_com1_protected, "io", "io-com1-protected", 0)
{
	const char *marker = IO_COM1_MARKER;
	uint8_t lsr;

	for (size_t i = 0; marker[i]; i++)
		if (!check_fault("outb to COM1 (0x3f8)", port_out8(PORT_COM1, (uint8_t)marker[i]), PROBE_NONE))
			return;
	check_fault("inb from COM1's line status (0x3fd)", port_in8(PORT_COM1_LSR, &lsr), PROBE_NONE);
}

static int rep_outsb(uint16_t port, const void **source, unsigned long *count)
{
	probe_arm();
	asm volatile(PROBE_INSN("rep outsb") : "+S"(*source), "+c"(*count) : "d"(port) : "memory");
	return probe_vector;
}

static int rep_insb(uint16_t port, void **destination, unsigned long *count)
{
	probe_arm();
	asm volatile(PROBE_INSN("rep insb") : "+D"(*destination), "+c"(*count) : "d"(port) : "memory");
	return probe_vector;
}

static void check_string_out(const char *name, uint16_t port, const char *text)
{
	unsigned long length = strlen(text), count = length;
	const void *source = text;

	if (!check_fault(name, rep_outsb(port, &source, &count), PROBE_NONE))
		return;
	check_eq("RCX after rep outsb", count, 0);
	check_eq("RSI after rep outsb", (uintptr_t)source, (uintptr_t)(text + length));
}

GUEST_TEST(io_string_post_port, "io", "io-string-post-port", 0)
{
	check_string_out("rep outsb to port 0x80", PORT_POST, "0123456789abcdef");
}

/* String I/O on a port veneer intercepts exercises its string emulation. */
GUEST_TEST(io_string_com1, "io", "io-string-com1", 0)
{
	uint8_t buffer[8];
	void *destination = buffer;
	unsigned long count = sizeof(buffer);

	check_string_out("rep outsb to COM1 (0x3f8)", PORT_COM1, IO_COM1_MARKER);
	if (!check_fault("rep insb from COM1's line status (0x3fd)", rep_insb(PORT_COM1_LSR, &destination, &count),
			 PROBE_NONE))
		return;
	check_eq("RCX after rep insb", count, 0);
	check_eq("RDI after rep insb", (uintptr_t)destination, (uintptr_t)(buffer + sizeof(buffer)));
}
