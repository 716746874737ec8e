/*
 * The guest's machine: EPT over all memory but the hypervisor's, the MSR
 * bitmap from the MSR policy, and an I/O bitmap that leaves every port to
 * the guest except the UART veneer logs to.
 */
#include "arch/pci.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/serial.h"
#include "vmx/guest/bios_memory.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/io_bitmap.h"
#include "vmx/msr_policy.h"

bool guest_init(struct guest *guest)
{
	if (ept_build_for_guest(&guest->ept) != EPT_OK)
		return false;

	guest->msr_bitmap = alloc_pages(1);
	msr_policy_fill_bitmap(guest->msr_bitmap);

	guest->io_bitmap_a = alloc_pages(1);
	guest->io_bitmap_b = alloc_pages(1);
	uint16_t uart = serial_console_port();
	if (uart && guest->protect_serial)
		guest_io_intercept(guest, uart, 8, guest_uart_access);
	guest_io_intercept(guest, PCI_CONFIG_ADDRESS_PORT, 8, guest_pci_config_access);
	guest_power_init(guest);
	guest_bios_memory_arm(guest);
	return true;
}
