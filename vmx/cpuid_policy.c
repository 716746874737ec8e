/*
 * The guest's view of CPUID (see vmx/cpuid_policy.h for the list).  Pure:
 * the host unit tests compile it too.
 */
#include "arch/cpu.h"
#include "vmx/cpuid_policy.h"
#include "vmx/guest/hypercall_abi.h"

/*
 * Feature bits arch/cpuid.h does not name yet (SDM Vol. 2A, "CPUID",
 * tables of feature information).  Private names, so that a later
 * addition to arch/cpuid.h cannot clash; move them there when it grows.
 */
#define LEAF7_EBX_INVPCID       (1u << 10)
#define LEAF7_ECX_PKU           (1u << 3)
#define LEAF7_ECX_OSPKE         (1u << 4)
#define LEAF7_ECX_WAITPKG       (1u << 5)
#define LEAFD1_EAX_XSAVES       (1u << 3)

#define HYPERVISOR_LEAF_LAST    (VENEER_CPUID_LEAF_BASE + 0xFF)

_Static_assert(sizeof(VENEER_CPUID_SIGNATURE) - 1 == 12, "the signature fills EBX, ECX and EDX");

/* Bytes 4*word .. 4*word+3 of the signature, the first in bits 7:0. */
static uint32_t signature_word(unsigned word)
{
	static const char signature[] = VENEER_CPUID_SIGNATURE;
	uint32_t value = 0;

	for (unsigned i = 0; i < 4; i++)
		value |= (uint32_t)(uint8_t)signature[4 * word + i] << (8 * i);
	return value;
}

static void hypervisor_leaf(uint32_t leaf, struct cpuid_result *r)
{
	*r = (struct cpuid_result){ 0, 0, 0, 0 };
	if (leaf == VENEER_CPUID_LEAF_BASE) {
		r->eax = VENEER_CPUID_LEAF_MAX;
		r->ebx = signature_word(0);
		r->ecx = signature_word(1);
		r->edx = signature_word(2);
	} else if (leaf == VENEER_CPUID_LEAF_VERSION) {
		r->eax = VENEER_HC_VERSION_VALUE;
	}
}

/* Sets or clears bits in *reg. */
static void assign(uint32_t *reg, uint32_t bits, bool set)
{
	*reg = set ? *reg | bits : *reg & ~bits;
}

void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
			const struct cpuid_policy_info *info)
{
	if (leaf >= VENEER_CPUID_LEAF_BASE && leaf <= HYPERVISOR_LEAF_LAST) {
		hypervisor_leaf(leaf, r);
		return;
	}

	switch (leaf) {
	case 0x1:
		r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_PDCM);
		assign(&r->ecx, CPUID_1_ECX_OSXSAVE,
		       (r->ecx & CPUID_1_ECX_XSAVE) && (info->guest_cr4 & CR4_OSXSAVE));
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		break;
	case 0x7:
		if (subleaf != 0)
			break;
		assign(&r->ecx, LEAF7_ECX_OSPKE,
		       (r->ecx & LEAF7_ECX_PKU) && (info->guest_cr4 & CR4_PKE));
		if (!info->invpcid_enabled)
			r->ebx &= ~LEAF7_EBX_INVPCID;
		if (!info->user_wait_pause_enabled)
			r->ecx &= ~LEAF7_ECX_WAITPKG;
		break;
	case 0xA:
	case 0x23:
		*r = (struct cpuid_result){ 0, 0, 0, 0 };
		break;
	case 0xD:
		if (subleaf == 1 && !info->xsaves_enabled)
			r->eax &= ~LEAFD1_EAX_XSAVES;
		break;
	case 0x80000001:
		if (!info->rdtscp_enabled)
			r->edx &= ~CPUID_80000001_EDX_RDTSCP;
		break;
	default:
		break;
	}
}
