/*
 * The rules of IA32_APIC_BASE (SDM Vol. 3A, 12.4.4 "Local APIC Status and
 * Location" and 12.12.5 "x2APIC State Transitions"): which bits are
 * reserved, and which of the four states may follow which.  Pure: the host
 * unit tests compile it too.
 */
#ifndef VENEER_VMX_APIC_BASE_H
#define VENEER_VMX_APIC_BASE_H

#include <stdbool.h>
#include <stdint.h>

/* The EN and EXTD bits (11, 10) as one of the SDM's four states. */
enum apic_state {
	APIC_STATE_DISABLED,    /* EN = 0, EXTD = 0 */
	APIC_STATE_INVALID,     /* EN = 0, EXTD = 1: no write may reach it */
	APIC_STATE_XAPIC,       /* EN = 1, EXTD = 0 */
	APIC_STATE_X2APIC,      /* EN = 1, EXTD = 1 */
};

enum apic_state apic_state_of(uint64_t apic_base);

/*
 * A WRMSR of value to IA32_APIC_BASE, which holds current: NULL when the
 * SDM allows it, else why it raises #GP.  maxphyaddr is CPUID's
 * (bits at and above it are reserved); has_x2apic is CPUID.1:ECX.x2APIC
 * (without it, EXTD is reserved).
 */
const char *apic_base_write_fault(uint64_t current, uint64_t value, unsigned maxphyaddr, bool has_x2apic);

#endif
