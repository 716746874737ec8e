/*
 * Tests that end the guest, so they run only when named (test=ept, test=reset,
 * test=triplefault) and each must be the last thing a run does.  veneer
 * is expected to report what happened and stop the guest; if the guest
 * gets past the fatal instruction, that is the failure.
 */
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

/*
 * veneer's own memory (hvaddr=, or the start of veneer's block in the
 * boot-area memory map) is not mapped for the guest.  A read is reported and answered as a read of
 * nothing is on a real bus, all ones, and the guest goes on; a write is
 * reported and stops the guest.  The EPT-READ and EPT-WRITE lines come
 * first, so a scenario can check the order.
 */
GUEST_TEST(destructive_ept, "destructive", "ept", TEST_DESTRUCTIVE)
{
	unsigned long long address;
	const char *why = "";

	if (!check(guest_hvaddr(&address, &why), "test=ept needs an address in veneer's memory: %s", why))
		return;
	/* Both guests reach only the first 4 GiB (identity map, or no paging). */
	if (!check(address < (1ull << 32), "veneer's memory at 0x%llx is above 4 GiB", address))
		return;

	guest_printf("EPT-READ: about to read 0x%llx", address);
	uint32_t value = *(volatile uint32_t *)phys((uintptr_t)address);
	check(value == 0xFFFFFFFFu, "reading 0x%llx returned 0x%x, not all ones: veneer's memory shows through",
	      address, value);
	guest_printf("EPT-READ: read 0x%x", value);

	guest_printf("EPT-WRITE: about to write 0x%llx", address);
	*(volatile uint32_t *)phys((uintptr_t)address) = 0x12345678;
	check(false, "writing 0x%llx did not stop the guest", address);
}

/*
 * An IDT with limit 0: INT3 finds no gate (#GP), the #GP finds none
 * (#DF), the #DF finds none: a triple fault, which exits to veneer.
 */
GUEST_TEST(destructive_triple_fault, "destructive", "triplefault", TEST_DESTRUCTIVE)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} empty_idt = { 0, 0 };

	guest_printf("TRIPLE-FAULT: loading an empty IDT and executing INT3");
	asm volatile("lidt %0\n\t"
		     "int3"
		     : : "m"(empty_idt) : "memory");
	check(false, "still running after a triple fault");
}

/* A reset through the reset control register: veneer ends the guest and the run, as the machine would reset. */
GUEST_TEST(destructive_reset, "destructive", "reset", TEST_DESTRUCTIVE)
{
	guest_printf("RESET: writing 0x06 (hard reset) to port 0xCF9");
	asm volatile("outb %0, %1" : : "a"((uint8_t)0x06), "Nd"((uint16_t)0xCF9));
	check(false, "still running after asking for a reset");
}
