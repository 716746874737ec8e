/*
 * PCI configuration space through configuration mechanism #1: a dword
 * written to CONFIG_ADDRESS (0xCF8) selects bus, device, function and
 * register; CONFIG_DATA (0xCFC-0xCFF) then reads or writes it (PCI Local
 * Bus Specification 3.0, 3.2.2.3.2).  Only a dword access at 0xCF8 is
 * CONFIG_ADDRESS: bytes and words there reach other devices (0xCF9 is the
 * chipset's reset control register).
 *
 * The two steps must not interleave with another CPU's: every user,
 * veneer itself and the guest's forwarded accesses, holds pci_config_lock.
 */
#ifndef VENEER_ARCH_PCI_H
#define VENEER_ARCH_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONFIG_ADDRESS_PORT 0xCF8
#define PCI_CONFIG_DATA_PORT    0xCFC
#define PCI_CONFIG_ENABLE       (1u << 31)

/* Standard header registers (PCI 3.0, 6.1). */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_CLASS_REVISION      0x08
#define PCI_VENDOR_NONE         0xFFFF

struct pci_function {
	uint8_t bus, device, function;
};

static inline uint32_t pci_config_address(struct pci_function f, unsigned offset)
{
	return PCI_CONFIG_ENABLE | (uint32_t)f.bus << 16 | (uint32_t)(f.device & 0x1F) << 11 |
	       (uint32_t)(f.function & 7) << 8 | (offset & 0xFC);
}

void pci_config_lock(void);
void pci_config_unlock(void);

/* Each takes the lock; offset is a byte offset in the 256-byte configuration space. */
uint8_t pci_config_read8(struct pci_function f, unsigned offset);
uint16_t pci_config_read16(struct pci_function f, unsigned offset);
uint32_t pci_config_read32(struct pci_function f, unsigned offset);
void pci_config_write8(struct pci_function f, unsigned offset, uint8_t value);

#endif
