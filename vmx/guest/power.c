/*
 * How a guest ends the machine: ACPI soft-off (SLP_TYP = the S5 type from
 * the DSDT, with SLP_EN, written to PM1a/PM1b control; ACPI 6.5, 4.8.2.1
 * "PM1 Control Registers" and 16.1 "Sleeping States") or a reset (0xCF9,
 * the keyboard controller, or the FADT reset register).  veneer lets every
 * other access to those ports through to the hardware, stops the guest on
 * these, and then does itself what the guest asked once it has reported
 * and left VMX operation (kernel/shutdown.c).
 */
#include "arch/io.h"
#include "kernel/acpi.h"
#include "kernel/acpi_s5.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/vcpu.h"

#define PM1_SLP_EN              (1u << 13)
#define PM1_SLP_TYP_SHIFT       10
#define PM1_SLP_TYP_MASK        7u
#define RESET_CONTROL_PORT      0xCF9
#define RESET_CONTROL_RST_CPU   (1u << 2)
#define KBC_COMMAND_PORT        0x64
#define KBC_PULSE_RESET         0xFE

static bool s5_known;
static uint8_t s5_sleep_type;

static uint32_t port_in(uint16_t port, unsigned size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_out(uint16_t port, unsigned size, uint32_t value)
{
	if (size == 1)
		outb(port, (uint8_t)value);
	else if (size == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, value);
}

static bool end_guest(struct vcpu *vcpu, enum guest_end end)
{
	vcpu->state = VCPU_STOPPED;
	vcpu->end = end;
	return false;
}

/* Handlers see every access that covers one of their ports; what is not theirs goes to the hardware as it was. */
static bool forward(const struct io_qualification *q, uint32_t *value)
{
	if (q->in)
		*value = port_in(q->port, q->size);
	else
		port_out(q->port, q->size, *value);
	return true;
}

static bool pm1_control(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	if (q->in || q->size < 2 || !(*value & PM1_SLP_EN))
		return forward(q, value);
	unsigned type = (*value >> PM1_SLP_TYP_SHIFT) & PM1_SLP_TYP_MASK;
	if (s5_known && type != s5_sleep_type) {
		pr_warn("guest: asked for ACPI sleep type %u; veneer does not support suspend, so it stays awake", type);
		return true;
	}
	pr_info("guest: switched the machine off (ACPI sleep type %u, PM1 control port %#x)", type, q->port);
	shutdown_set_machine_action(MACHINE_POWER_OFF, q->port, *value);
	return end_guest(vcpu, GUEST_END_POWER_OFF);
}

static bool reset_control(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	bool reset = !q->in && q->size == 1 &&
		     ((q->port == RESET_CONTROL_PORT && (*value & RESET_CONTROL_RST_CPU)) ||
		      (q->port == KBC_COMMAND_PORT && (uint8_t)*value == KBC_PULSE_RESET));
	if (!reset)
		return forward(q, value);
	pr_info("guest: reset the machine (port %#x)", q->port);
	shutdown_set_machine_action(MACHINE_RESET, 0, 0);
	return end_guest(vcpu, GUEST_END_RESET);
}

static bool fadt_reset_register(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	const struct acpi_info *acpi = acpi_get();

	if (!q->in && q->size == 1 && q->port == acpi->fadt.reset_reg.address &&
	    (uint8_t)*value == acpi->fadt.reset_value) {
		pr_info("guest: reset the machine (ACPI reset register, port %#x)", q->port);
		shutdown_set_machine_action(MACHINE_RESET, 0, 0);
		return end_guest(vcpu, GUEST_END_RESET);
	}
	return forward(q, value);
}

static void intercept_pm1(struct guest *guest, const struct acpi_gas *reg, uint32_t port, uint8_t length)
{
	uint16_t p = reg->address && reg->space_id == ACPI_GAS_SYSTEM_IO ? (uint16_t)reg->address : (uint16_t)port;

	if (p)
		guest_io_intercept(guest, p, length ? length : 2, pm1_control);
}

void guest_power_init(struct guest *guest)
{
	const struct acpi_info *acpi = acpi_get();

	guest_io_intercept(guest, RESET_CONTROL_PORT, 1, reset_control);
	guest_io_intercept(guest, KBC_COMMAND_PORT, 1, reset_control);
	if (!acpi || !acpi->have_fadt) {
		pr_warn("guest: no FADT: veneer cannot see an ACPI power-off; only a halt or reset ends the guest");
		return;
	}
	const struct acpi_fadt_info *fadt = &acpi->fadt;
	intercept_pm1(guest, &fadt->pm1a_cnt, fadt->pm1a_cnt_port, fadt->pm1_cnt_len);
	intercept_pm1(guest, &fadt->pm1b_cnt, fadt->pm1b_cnt_port, fadt->pm1_cnt_len);
	if (fadt->have_reset_reg && fadt->reset_reg.space_id == ACPI_GAS_SYSTEM_IO &&
	    fadt->reset_reg.address != RESET_CONTROL_PORT)
		guest_io_intercept(guest, (uint16_t)fadt->reset_reg.address, 1, fadt_reset_register);

	/* The DSDT is mapped (identity): its body after the 36-byte header is AML. */
	const struct acpi_table_ref *dsdt = NULL;
	for (size_t i = 0; i < acpi->table_count; i++)
		if (acpi->tables[i].address == fadt->dsdt_address && acpi->tables[i].valid)
			dsdt = &acpi->tables[i];
	if (dsdt && dsdt->length > 36)
		s5_known = acpi_find_s5_sleep_type((const uint8_t *)(uintptr_t)(dsdt->address + 36),
						   dsdt->length - 36, &s5_sleep_type);
	if (s5_known)
		pr_info("guest: ACPI soft-off is sleep type %u on this machine", s5_sleep_type);
	else
		pr_warn("guest: no \\_S5 in the DSDT: any ACPI sleep request will count as switching off");
}
