/*
 * The guest's PCI configuration mechanism #1 (ports 0xCF8-0xCFF, arch/pci.h).
 * Everything passes through to the hardware, with two exceptions:
 *   - a write that would change the registers keeping SMRAM closed
 *     (vmx/guest/smram.c) loses those bytes, as a locked chipset drops them;
 *     the other bytes of the access are written;
 *   - bytes and words at 0xCF8-0xCFB are not configuration cycles; one that
 *     reaches 0xCF9, the reset control register, may be a reset
 *     (vmx/guest/power.c).
 * The guest's CONFIG_ADDRESS write and its data access each happen under
 * veneer's configuration lock, and the data access reads back the address
 * the hardware holds, so no other CPU can slip in between the check and the
 * write.
 */
#include "arch/io.h"
#include "arch/pci.h"
#include "kernel/log.h"
#include "vmx/guest/io.h"
#include "vmx/guest/smram.h"

#define CONFIG_DATA_LAST        (PCI_CONFIG_DATA_PORT + 3)
#define DROPPED_WRITES_LOGGED   8

static unsigned dropped_writes;

static uint32_t port_read(uint16_t port, unsigned size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_write(uint16_t port, unsigned size, uint32_t value)
{
	if (size == 1)
		outb(port, (uint8_t)value);
	else if (size == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, value);
}

/* The function and register CONFIG_ADDRESS selects for data port `port`. */
static bool selected_register(uint32_t address, uint16_t port, struct pci_function *f, unsigned *offset)
{
	if (!(address & PCI_CONFIG_ENABLE) || port < PCI_CONFIG_DATA_PORT || port > CONFIG_DATA_LAST)
		return false;
	*f = (struct pci_function){ (uint8_t)(address >> 16), (uint8_t)((address >> 11) & 0x1F),
				    (uint8_t)((address >> 8) & 7) };
	*offset = (address & 0xFC) + (port - PCI_CONFIG_DATA_PORT);
	return true;
}

static bool protected_byte(uint32_t address, uint16_t port)
{
	struct pci_function f;
	unsigned offset;

	return selected_register(address, port, &f, &offset) && smram_control_register(f, offset);
}

static void write_data(const struct io_qualification *q, uint32_t value)
{
	uint32_t address = inl(PCI_CONFIG_ADDRESS_PORT);
	bool any_protected = false;

	for (unsigned i = 0; i < q->size; i++)
		any_protected |= protected_byte(address, (uint16_t)(q->port + i));
	if (!any_protected) {
		port_write(q->port, q->size, value);
		return;
	}
	/* Byte by byte, leaving out the protected ones (bytes outside 0xCFC-0xCFF are never protected). */
	for (unsigned i = 0; i < q->size; i++) {
		uint16_t port = (uint16_t)(q->port + i);
		if (protected_byte(address, port)) {
			if (dropped_writes++ < DROPPED_WRITES_LOGGED)
				pr_warn("guest: dropped a write of %#x to PCI 00:00.0 register %#x (SMRAM control): "
					"SMRAM stays closed and locked", (value >> (8 * i)) & 0xFF,
					(address & 0xFC) + (port - PCI_CONFIG_DATA_PORT));
			continue;
		}
		outb(port, (uint8_t)(value >> (8 * i)));
	}
}

bool guest_pci_config_access(struct vcpu *vcpu, const struct io_qualification *q, uint32_t *value)
{
	bool config_address = q->port == PCI_CONFIG_ADDRESS_PORT && q->size == 4;

	if (!config_address && !q->in && guest_reset_control_write(vcpu, q, *value))
		return false;   /* the guest reset the machine: it has ended */
	pci_config_lock();
	if (q->in)
		*value = port_read(q->port, q->size);
	else if (config_address)
		outl(PCI_CONFIG_ADDRESS_PORT, *value);
	else
		write_data(q, *value);
	pci_config_unlock();
	return true;
}
