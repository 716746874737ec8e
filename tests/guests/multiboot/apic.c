/*
 * What some kernels do first thing: disable their local APIC globally and
 * enable it again, to start from its reset state (SDM Vol. 3A, 12.4.3
 * "Enabling or Disabling the Local APIC").  Neither write may fault, and
 * IA32_APIC_BASE reads back each value.  (A bare Bochs ignores the second
 * write: it never enables a globally disabled APIC again until reset.)
 */
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/runtime/probe.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"
#include "tests/guests/runtime/xapic.h"


void test_apic_restart(void)
{
	uint64_t base = 0, now = 0;

	if (!check_fault("rdmsr IA32_APIC_BASE", msr_read(IA32_APIC_BASE, &base), PROBE_NONE))
		return;
	if ((base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE)) != APIC_BASE_ENABLE) {
		skip("the APIC is not in xAPIC mode (IA32_APIC_BASE 0x%llx)", (unsigned long long)base);
		return;
	}
	check_fault("IA32_APIC_BASE: global disable", msr_write(IA32_APIC_BASE, base & ~APIC_BASE_ENABLE), PROBE_NONE);
	msr_read(IA32_APIC_BASE, &now);
	check_eq("IA32_APIC_BASE disabled", now, base & ~APIC_BASE_ENABLE);
	check_fault("IA32_APIC_BASE: enable again", msr_write(IA32_APIC_BASE, base), PROBE_NONE);
	msr_read(IA32_APIC_BASE, &now);
	check_eq("IA32_APIC_BASE enabled again", now, base);
	volatile uint32_t *id = phys((uintptr_t)(base & APIC_BASE_ADDRESS_MASK) + XAPIC_ID);
	check_eq("xAPIC ID register", *id >> 24, cpuid(1, 0).ebx >> 24);
}
