/*
 * The I/O ports veneer intercepts, each with its handler: everything else
 * belongs to the guest and never exits (the I/O bitmaps, vmx/guest/guest.c).
 *   - veneer's UART, when the guest is one of veneer's test guests;
 *   - the ACPI PM1 control registers, to see the guest switch the machine
 *     off (SLP_EN with the S5 sleep type);
 *   - the reset ports: 0xCF9 (reset control), the keyboard controller (0x64
 *     command 0xFE, 0x60 output port), System Control Port A (0x92, which
 *     also holds the A20 gate veneer keeps on) and the FADT's reset register
 *     when it is an I/O port;
 *   - PCI configuration mechanism #1 (0xCF8-0xCFF), to keep the guest from
 *     the registers that keep SMRAM closed (vmx/guest/smram.c).
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

/* A write that covers 0xCF9 outside a configuration cycle: true when it reset the machine (the guest has ended). */
bool guest_reset_control_write(struct vcpu *vcpu, const struct io_qualification *q, uint32_t value);

/* INIT reached the boot CPU's vCPU: the guest reset the machine (ends it; returns false). */
bool guest_init_to_boot_cpu(struct vcpu *vcpu);

/* The guest's PCI configuration ports 0xCF8-0xCFF (vmx/guest/pci_config.c). */
bool guest_pci_config_access(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);

/*
 * INS/OUTS (with or without REP) to an intercepted port, each element
 * through handler (vmx/guest/string_io.c); false when the guest ended.
 */
bool guest_string_io(struct vcpu *vcpu, const struct io_qualification *q, io_port_handler handler);

/* An access done on the machine's port as the guest asked (a wrapping access to ports veneer leaves alone). */
bool guest_port_pass_through(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);

/* The guest's UART stand-in (vmx/handle_io.c). */
bool guest_uart_access(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value);

#endif
