/* PCI configuration mechanism #1 (arch/pci.h). */
#include "arch/io.h"
#include "arch/pci.h"
#include "kernel/spinlock.h"

static struct spinlock config_lock = SPINLOCK_INIT;

void pci_config_lock(void)
{
	spin_lock(&config_lock);
}

void pci_config_unlock(void)
{
	spin_unlock(&config_lock);
}

static uint32_t read_dword(struct pci_function f, unsigned offset)
{
	pci_config_lock();
	outl(PCI_CONFIG_ADDRESS_PORT, pci_config_address(f, offset));
	uint32_t value = inl(PCI_CONFIG_DATA_PORT);
	pci_config_unlock();
	return value;
}

uint32_t pci_config_read32(struct pci_function f, unsigned offset)
{
	return read_dword(f, offset);
}

/* Narrower reads take their bytes out of the aligned dword: every host bridge decodes that. */
uint16_t pci_config_read16(struct pci_function f, unsigned offset)
{
	return (uint16_t)(read_dword(f, offset) >> ((offset & 2) * 8));
}

uint8_t pci_config_read8(struct pci_function f, unsigned offset)
{
	return (uint8_t)(read_dword(f, offset) >> ((offset & 3) * 8));
}

void pci_config_write8(struct pci_function f, unsigned offset, uint8_t value)
{
	pci_config_lock();
	outl(PCI_CONFIG_ADDRESS_PORT, pci_config_address(f, offset));
	outb((uint16_t)(PCI_CONFIG_DATA_PORT + (offset & 3)), value);
	pci_config_unlock();
}
