/*
 * The I/O ports veneer intercepts, each with its handler: everything else
 * belongs to the guest and never exits (the I/O bitmaps, vmx/guest/guest.c).
 *   - veneer's UART, when the guest is one of veneer's test guests;
 *   - the ACPI PM1 control registers, to see the guest switch the machine
 *     off (SLP_EN with the S5 sleep type);
 *   - the reset ports: 0xCF9 (reset control), 0x64 (keyboard controller
 *     command 0xFE) and the FADT's reset register when it is an I/O port.
 */
#ifndef VENEER_VMX_GUEST_IO_H
#define VENEER_VMX_GUEST_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_qualification.h"

struct guest;
struct vcpu;

typedef bool (*io_port_handler)(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);

/* Adds [first, first+count) to the guest's intercepted ports; false when the table is full. */
bool guest_io_intercept(struct guest *guest, uint16_t first, uint16_t count, io_port_handler handler);

/* Registers the power-off and reset ports of this machine (from the FADT). */
void guest_power_init(struct guest *guest);

/* The guest's UART stand-in (vmx/handle_io.c). */
bool guest_uart_access(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);

#endif
