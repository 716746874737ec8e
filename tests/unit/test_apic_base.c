/* IA32_APIC_BASE: reserved bits and the legal state transitions (SDM Vol. 3A, 12.4.4, 12.12.5). */
// unit-test-source: vmx/apic_base.c
#include "arch/msr.h"
#include "unit.h"
#include "vmx/apic_base.h"

#define BASE            0xFEE00000ULL
#define DISABLED        BASE
#define XAPIC           (BASE | APIC_BASE_ENABLE)
#define X2APIC          (BASE | APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE)
#define INVALID         (BASE | APIC_BASE_X2APIC_ENABLE)

TEST(apic_base_states_from_en_and_extd)
{
	EXPECT_EQ(apic_state_of(DISABLED), APIC_STATE_DISABLED);
	EXPECT_EQ(apic_state_of(XAPIC), APIC_STATE_XAPIC);
	EXPECT_EQ(apic_state_of(X2APIC), APIC_STATE_X2APIC);
	EXPECT_EQ(apic_state_of(INVALID), APIC_STATE_INVALID);
}

TEST(apic_base_legal_transitions)
{
	/* Staying, xAPIC <-> disabled, xAPIC -> x2APIC, x2APIC -> disabled. */
	EXPECT(apic_base_write_fault(XAPIC, XAPIC, 39, true) == NULL);
	EXPECT(apic_base_write_fault(XAPIC, DISABLED, 39, true) == NULL);
	EXPECT(apic_base_write_fault(DISABLED, XAPIC, 39, true) == NULL);
	EXPECT(apic_base_write_fault(DISABLED, DISABLED, 39, true) == NULL);
	EXPECT(apic_base_write_fault(XAPIC, X2APIC, 39, true) == NULL);
	EXPECT(apic_base_write_fault(X2APIC, X2APIC, 39, true) == NULL);
	EXPECT(apic_base_write_fault(X2APIC, DISABLED, 39, true) == NULL);
	/* The BSP flag and a moved base are not transitions. */
	EXPECT(apic_base_write_fault(XAPIC | APIC_BASE_BSP, XAPIC, 39, true) == NULL);
	EXPECT(apic_base_write_fault(XAPIC, 0x12345000ULL | APIC_BASE_ENABLE, 39, true) == NULL);
}

TEST(apic_base_illegal_transitions)
{
	const char *why;

	EXPECT((why = apic_base_write_fault(X2APIC, XAPIC, 39, true)) != NULL);
	EXPECT(why && strstr(why, "disabled state"));
	EXPECT((why = apic_base_write_fault(DISABLED, X2APIC, 39, true)) != NULL);
	EXPECT(why && strstr(why, "xAPIC mode"));
	EXPECT(apic_base_write_fault(XAPIC, INVALID, 39, true) != NULL);
	EXPECT(apic_base_write_fault(X2APIC, INVALID, 39, true) != NULL);
	EXPECT(apic_base_write_fault(DISABLED, INVALID, 39, true) != NULL);
}

TEST(apic_base_reserved_bits)
{
	for (unsigned bit = 0; bit < 8; bit++)
		EXPECT(apic_base_write_fault(XAPIC, XAPIC | (1ULL << bit), 39, true) != NULL);
	EXPECT(apic_base_write_fault(XAPIC, XAPIC | (1ULL << 9), 39, true) != NULL);
	/* EXTD is reserved without x2APIC. */
	EXPECT(apic_base_write_fault(XAPIC, X2APIC, 39, false) != NULL);
	/* Address bits at and above MAXPHYADDR. */
	EXPECT(apic_base_write_fault(XAPIC, XAPIC | (1ULL << 39), 39, true) != NULL);
	EXPECT(apic_base_write_fault(XAPIC, XAPIC | (1ULL << 38), 39, true) == NULL);
	EXPECT(apic_base_write_fault(XAPIC, XAPIC | (1ULL << 46), 52, true) == NULL);
}
