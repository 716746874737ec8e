#include <stddef.h>

#include "arch/msr.h"
#include "vmx/apic_base.h"

/* Bits 7:0 and 9 are reserved on every CPU; bit 10 (EXTD) without x2APIC. */
#define APIC_BASE_RESERVED_LOW  0x2FFULL

enum apic_state apic_state_of(uint64_t apic_base)
{
	bool en = apic_base & APIC_BASE_ENABLE, extd = apic_base & APIC_BASE_X2APIC_ENABLE;

	if (en)
		return extd ? APIC_STATE_X2APIC : APIC_STATE_XAPIC;
	return extd ? APIC_STATE_INVALID : APIC_STATE_DISABLED;
}

const char *apic_base_write_fault(uint64_t current, uint64_t value, unsigned maxphyaddr, bool has_x2apic)
{
	uint64_t reserved = APIC_BASE_RESERVED_LOW | (has_x2apic ? 0 : APIC_BASE_X2APIC_ENABLE);

	if (maxphyaddr < 64)
		reserved |= ~0ULL << maxphyaddr;
	if (value & reserved)
		return "reserved bits set";

	enum apic_state from = apic_state_of(current), to = apic_state_of(value);

	if (to == APIC_STATE_INVALID)
		return "x2APIC mode (EXTD) without the global enable (EN): the invalid state";
	if (from == APIC_STATE_X2APIC && to == APIC_STATE_XAPIC)
		return "x2APIC mode to xAPIC mode: only through the disabled state";
	if (from == APIC_STATE_DISABLED && to == APIC_STATE_X2APIC)
		return "disabled to x2APIC mode: only through xAPIC mode";
	return NULL;
}
