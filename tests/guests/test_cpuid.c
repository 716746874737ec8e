/*
 * CPUID as the guest sees it: veneer hides VMX, the PMU and PDCM, says a
 * hypervisor is present and answers its own leaves (vmx/guest/hypercall_abi.h).
 */
#include <stdint.h>

#include "kernel/string.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

GUEST_TEST(cpuid_vendor, "cpuid", "cpuid-vendor", 0)
{
	struct cpuid_result r = cpuid(0, 0);
	char vendor[13];

	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	check(strcmp(vendor, "GenuineIntel") == 0, "vendor is '%s', expected 'GenuineIntel'", vendor);
}

GUEST_TEST(cpuid_vmx_hidden, "cpuid", "cpuid-vmx-hidden", 0)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	check(!(ecx & CPUID_1_ECX_VMX), "CPUID.1:ECX 0x%x has VMX (bit 5)", ecx);
}

GUEST_TEST(cpuid_hypervisor_bit, "cpuid", "cpuid-hypervisor-bit", 0)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	check(ecx & CPUID_1_ECX_HYPERVISOR, "CPUID.1:ECX 0x%x lacks hypervisor-present (bit 31)", ecx);
}

GUEST_TEST(cpuid_pdcm_hidden, "cpuid", "cpuid-pdcm-hidden", 0)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	check(!(ecx & CPUID_1_ECX_PDCM), "CPUID.1:ECX 0x%x has PDCM (bit 15)", ecx);
}

/* Leaf 0xA describes the PMU, which veneer does not give guests. */
GUEST_TEST(cpuid_pmu_hidden, "cpuid", "cpuid-pmu-hidden", 0)
{
	struct cpuid_result r = cpuid(0xA, 0);

	check(!r.eax && !r.ebx && !r.ecx && !r.edx, "leaf 0xa is %08x %08x %08x %08x, expected zeros",
	      r.eax, r.ebx, r.ecx, r.edx);
}

GUEST_TEST(cpuid_signature, "cpuid", "cpuid-signature", 0)
{
	struct cpuid_result r = cpuid(VENEER_CPUID_LEAF_BASE, 0);
	char signature[12];

	memcpy(signature, &r.ebx, 4);
	memcpy(signature + 4, &r.ecx, 4);
	memcpy(signature + 8, &r.edx, 4);
	check(memcmp(signature, VENEER_CPUID_SIGNATURE, 12) == 0,
	      "leaf 0x40000000 EBX ECX EDX are %08x %08x %08x, not VENEER_CPUID_SIGNATURE",
	      r.ebx, r.ecx, r.edx);
	check(r.eax >= VENEER_CPUID_LEAF_VERSION, "leaf 0x40000000 EAX (highest leaf) is 0x%x, below 0x%x",
	      r.eax, VENEER_CPUID_LEAF_VERSION);
}

GUEST_TEST(cpuid_version_leaf, "cpuid", "cpuid-version-leaf", 0)
{
	check_eq("leaf 0x40000001 EAX", cpuid(VENEER_CPUID_LEAF_VERSION, 0).eax, VENEER_HC_VERSION_VALUE);
}
