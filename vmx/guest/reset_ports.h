/*
 * What a port write means for the machine's reset and A20 lines, decided
 * from the write alone (vmx/guest/power.c applies it).  An OUT of any width
 * puts one byte on each port it covers: a word written at 0x63 puts its
 * high byte on 0x64, a dword at 0xCF9 its low byte on 0xCF9.  These are
 * pure functions, so the unit tests try every width and offset.
 */
#ifndef VENEER_VMX_GUEST_RESET_PORTS_H
#define VENEER_VMX_GUEST_RESET_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#define RESET_CONTROL_PORT      0xCF9
#define RESET_CONTROL_RST_CPU   (1u << 2)
#define KBC_DATA_PORT           0x60
#define KBC_COMMAND_PORT        0x64
#define KBC_WRITE_OUTPUT_PORT   0xD1    /* the next data byte is the output port */
#define KBC_DISABLE_A20         0xDD    /* some controllers (and Bochs): A20 off */
#define KBC_PULSE_OUTPUT        0xF0    /* 0xF0-0xFF: pulse the output lines whose bits are 0 */
#define KBC_OUTPUT_RESET_HIGH   (1u << 0)       /* output port bit 0: the CPU reset line, active low */
#define KBC_OUTPUT_A20          (1u << 1)
#define PORT_A                  0x92    /* System Control Port A */
#define PORT_A_FAST_RESET       (1u << 0)
#define PORT_A_A20              (1u << 1)

struct port_write {
	uint16_t port;          /* the first port */
	unsigned size;          /* 1, 2 or 4 */
	uint32_t value;
};

/* The byte the write puts on port; false when it does not cover it. */
bool port_write_byte(const struct port_write *w, uint16_t port, uint8_t *byte);
/* The write's value with the byte for port (which it covers) replaced. */
uint32_t port_write_replace_byte(const struct port_write *w, uint16_t port, uint8_t byte);

/* Does the write set RST_CPU in the reset control register (0xCF9)? */
bool reset_control_write_resets(const struct port_write *w);
/* Does this keyboard controller command pulse the reset line (0xFE, and any even 0xF0-0xFE)? */
bool kbc_command_resets(uint8_t command);
/* Does writing the keyboard controller's output port with this byte hold the reset line low? */
bool kbc_output_port_resets(uint8_t output);
/* Does the write set the fast reset bit of port 0x92? */
bool port_a_write_resets(const struct port_write *w);
/* Does the write put the FADT's reset value on its reset register (an I/O port)? */
bool acpi_reset_write_resets(const struct port_write *w, uint16_t reset_port, uint8_t reset_value);

#endif
