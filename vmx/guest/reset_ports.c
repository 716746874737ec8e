/* Port writes that reset the machine (vmx/guest/reset_ports.h). */
#include "vmx/guest/reset_ports.h"

bool port_write_byte(const struct port_write *w, uint16_t port, uint8_t *byte)
{
	if (port < w->port || (unsigned)(port - w->port) >= w->size)
		return false;
	*byte = (uint8_t)(w->value >> (8 * (port - w->port)));
	return true;
}

uint32_t port_write_replace_byte(const struct port_write *w, uint16_t port, uint8_t byte)
{
	unsigned shift = 8 * (unsigned)(port - w->port);

	return (w->value & ~(0xFFu << shift)) | (uint32_t)byte << shift;
}

bool reset_control_write_resets(const struct port_write *w)
{
	uint8_t byte;

	return port_write_byte(w, RESET_CONTROL_PORT, &byte) && (byte & RESET_CONTROL_RST_CPU);
}

bool kbc_command_resets(uint8_t command)
{
	return (command & KBC_PULSE_OUTPUT) == KBC_PULSE_OUTPUT && !(command & KBC_OUTPUT_RESET_HIGH);
}

bool kbc_output_port_resets(uint8_t output)
{
	return !(output & KBC_OUTPUT_RESET_HIGH);
}

bool port_a_write_resets(const struct port_write *w)
{
	uint8_t byte;

	return port_write_byte(w, PORT_A, &byte) && (byte & PORT_A_FAST_RESET);
}

bool acpi_reset_write_resets(const struct port_write *w, uint16_t reset_port, uint8_t reset_value)
{
	uint8_t byte;

	return port_write_byte(w, reset_port, &byte) && byte == reset_value;
}
