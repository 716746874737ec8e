/*
 * How a guest ends the machine: ACPI soft-off (SLP_TYP = the S5 type from
 * the DSDT, with SLP_EN, written to PM1a/PM1b control; ACPI 6.5, 4.8.2.1
 * "PM1 Control Registers" and 16.1 "Sleeping States") or a reset (0xCF9,
 * the keyboard controller, System Control Port A at 0x92, or the FADT reset
 * register), by an access of any width that carries the reset value to the
 * port.  veneer lets every
 * other access to those ports through to the hardware, stops the guest on
 * these, and then does itself what the guest asked once it has reported
 * and left VMX operation (kernel/shutdown.c).
 */
#include "arch/io.h"
#include "arch/pci.h"
#include "kernel/acpi.h"
#include "kernel/acpi_s5.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/guest/reset_ports.h"
#include "vmx/vcpu.h"

#define PM1_SLP_EN              (1u << 13)
#define PM1_SLP_TYP_SHIFT       10
#define PM1_SLP_TYP_MASK        7u

static bool s5_known;
static uint8_t s5_sleep_type;
static bool kbc_output_port_next;       /* the guest wrote 0xD1 to 0x64: its next 0x60 byte is the output port */

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

static struct port_write write_of(const struct io_qualification *q, uint32_t value)
{
	return (struct port_write){ .port = q->port, .size = q->size, .value = value };
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

static bool reset(struct vcpu *vcpu, const char *how, uint16_t port)
{
	pr_info("guest: reset the machine (%s, port %#x)", how, port);
	shutdown_set_machine_action(MACHINE_RESET, 0, 0);
	return end_guest(vcpu, GUEST_END_RESET);
}

/*
 * INIT to the boot CPU: the BSP does not wait for a SIPI after INIT, it
 * starts over at the reset vector (SDM Vol. 3A, "Multiple-Processor
 * Management", BSP and AP after INIT), i.e. into the firmware, which
 * veneer has taken the machine from.  So it ends the guest as a reset.
 */
bool guest_init_to_boot_cpu(struct vcpu *vcpu)
{
	pr_info("guest: INIT to the boot CPU: a reset of the machine");
	shutdown_set_machine_action(MACHINE_RESET, 0, 0);
	return end_guest(vcpu, GUEST_END_RESET);
}

bool guest_reset_control_write(struct vcpu *vcpu, const struct io_qualification *q, uint32_t value)
{
	const struct acpi_info *acpi = acpi_get();
	struct port_write w = write_of(q, value);

	if (reset_control_write_resets(&w)) {
		reset(vcpu, "reset control register", RESET_CONTROL_PORT);
		return true;
	}
	if (acpi && acpi->have_fadt && acpi->fadt.have_reset_reg &&
	    acpi->fadt.reset_reg.space_id == ACPI_GAS_SYSTEM_IO && acpi->fadt.reset_reg.address == RESET_CONTROL_PORT &&
	    acpi_reset_write_resets(&w, RESET_CONTROL_PORT, acpi->fadt.reset_value)) {
		reset(vcpu, "ACPI reset register", RESET_CONTROL_PORT);
		return true;
	}
	return false;
}

/*
 * The keyboard controller resets the CPU on command 0xFE (and, on real
 * controllers, on any 0xF0-0xFE pulse with bit 0 clear) and when the guest
 * writes its output port (command 0xD1, then a data byte) with bit 0 low.
 * Its other way to the A20 gate, output port bit 1 and Bochs's command
 * 0xDD, is kept on (see system_control_port_a).
 */
static bool kbc_command(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	struct port_write w = write_of(q, *value);
	uint8_t command;

	if (q->in || !port_write_byte(&w, KBC_COMMAND_PORT, &command))
		return forward(q, value);
	kbc_output_port_next = command == KBC_WRITE_OUTPUT_PORT;
	if (kbc_command_resets(command))
		return reset(vcpu, "keyboard controller pulse", KBC_COMMAND_PORT);
	if (command == KBC_DISABLE_A20) {
		pr_info("guest: ignored the keyboard controller's A20-off command: A20 stays enabled");
		return true;
	}
	return forward(q, value);
}

static bool kbc_data(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	struct port_write w = write_of(q, *value);
	uint8_t output;

	if (q->in || !kbc_output_port_next || !port_write_byte(&w, KBC_DATA_PORT, &output))
		return forward(q, value);
	kbc_output_port_next = false;
	if (kbc_output_port_resets(output))
		return reset(vcpu, "keyboard controller output port", KBC_DATA_PORT);
	uint32_t written = port_write_replace_byte(&w, KBC_DATA_PORT, (uint8_t)(output | KBC_OUTPUT_A20));
	return forward(q, &written);
}

/*
 * System Control Port A: bit 0 written as 1 resets the CPU ("fast reset"),
 * bit 1 is the A20 gate.  veneer keeps A20 enabled.  On the hardware
 * veneer targets A20M# no longer matters: VMXON blocks and disables A20M
 * for as long as the CPU is in VMX operation (SDM Vol. 3C, VMXON, "block
 * and disable A20M"; VMXOFF re-enables it), so masking address bit 20 is
 * not something a guest can ask of the CPU.  Emulators may still apply
 * their A20 mask to every physical address, after EPT — Bochs does, which
 * let guest RAM above 1 MiB alias veneer's memory — so the gate stays on:
 * a write of bit 1 = 0 leaves it set, and reads report it set, which is
 * what the guest would see of a machine whose A20 cannot be turned off.
 */
static bool system_control_port_a(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	uint8_t byte;

	if (q->in) {
		forward(q, value);
		struct port_write r = write_of(q, *value);
		if (port_write_byte(&r, PORT_A, &byte))
			*value = port_write_replace_byte(&r, PORT_A, (uint8_t)(byte | PORT_A_A20));
		return true;
	}
	struct port_write w = write_of(q, *value);
	if (!port_write_byte(&w, PORT_A, &byte))
		return forward(q, value);
	if (port_a_write_resets(&w))
		return reset(vcpu, "fast reset through System Control Port A", PORT_A);
	uint32_t written = port_write_replace_byte(&w, PORT_A, (uint8_t)(byte | PORT_A_A20));
	return forward(q, &written);
}

static bool fadt_reset_register(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	const struct acpi_info *acpi = acpi_get();
	struct port_write w = write_of(q, *value);
	uint16_t port = (uint16_t)acpi->fadt.reset_reg.address;

	if (!q->in && acpi_reset_write_resets(&w, port, acpi->fadt.reset_value))
		return reset(vcpu, "ACPI reset register", port);
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

	/* 0xCF9 belongs to the PCI configuration ports' handler (vmx/guest/pci_config.c), which asks us. */
	guest_io_intercept(guest, KBC_DATA_PORT, 1, kbc_data);
	guest_io_intercept(guest, KBC_COMMAND_PORT, 1, kbc_command);
	guest_io_intercept(guest, PORT_A, 1, system_control_port_a);
	if (!acpi || !acpi->have_fadt) {
		pr_warn("guest: no FADT: veneer cannot see an ACPI power-off; only a halt or reset ends the guest");
		return;
	}
	const struct acpi_fadt_info *fadt = &acpi->fadt;
	intercept_pm1(guest, &fadt->pm1a_cnt, fadt->pm1a_cnt_port, fadt->pm1_cnt_len);
	intercept_pm1(guest, &fadt->pm1b_cnt, fadt->pm1b_cnt_port, fadt->pm1_cnt_len);
	if (fadt->have_reset_reg && fadt->reset_reg.space_id == ACPI_GAS_SYSTEM_IO &&
	    (fadt->reset_reg.address < PCI_CONFIG_ADDRESS_PORT || fadt->reset_reg.address > PCI_CONFIG_DATA_PORT + 3))
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
		pr_debug("guest: ACPI soft-off is sleep type %u on this machine", s5_sleep_type);
	else
		pr_warn("guest: no \\_S5 in the DSDT: any ACPI sleep request will count as switching off");
}
