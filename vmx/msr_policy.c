/*
 * The guest's MSR policy, as a table of ranges.  Everything inside the
 * bitmap's ranges that the table does not name passes through: the guest
 * owns the machine.  Outside those ranges every access exits and is denied.
 */
#include <stddef.h>

#include "arch/msr.h"
#include "vmx/msr_bitmap.h"
#include "vmx/msr_policy.h"

struct msr_rule {
	uint32_t first, last;
	enum msr_policy policy;
};

static const struct msr_rule rules[] = {
	{ IA32_APIC_BASE, IA32_APIC_BASE, MSR_POLICY_APIC_BASE },
	{ IA32_FEATURE_CONTROL, IA32_FEATURE_CONTROL, MSR_POLICY_FEATURE_CONTROL },
	{ IA32_BIOS_UPDT_TRIG, IA32_BIOS_UPDT_TRIG, MSR_POLICY_DENY },
	{ IA32_SMM_MONITOR_CTL, IA32_SMM_MONITOR_CTL, MSR_POLICY_DENY },
	/* MSRs every Intel CPU of family 6 has and Linux uses early, which Bochs lacks (see msr_stand_in). */
	{ IA32_MISC_ENABLE, IA32_MISC_ENABLE, MSR_POLICY_STAND_IN },
	{ IA32_BIOS_SIGN_ID, IA32_BIOS_SIGN_ID, MSR_POLICY_STAND_IN },
	/* The architectural PMU is hidden (CPUID leaf 0xA reads 0) until it is virtualized. */
	{ IA32_PMC0, IA32_PMC7, MSR_POLICY_DENY },
	{ IA32_PERFEVTSEL0, IA32_PERFEVTSEL7, MSR_POLICY_DENY },
	{ IA32_FIXED_CTR0, IA32_FIXED_CTR3, MSR_POLICY_DENY },
	{ IA32_PERF_CAPABILITIES, IA32_PERF_CAPABILITIES, MSR_POLICY_DENY },
	{ IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_STATUS_SET, MSR_POLICY_DENY },
	{ IA32_A_PMC0, IA32_A_PMC7, MSR_POLICY_DENY },
	/* The guest's INIT and SIPI start vCPUs, not real CPUs. */
	{ IA32_X2APIC_ICR, IA32_X2APIC_ICR, MSR_POLICY_X2APIC_ICR },
	/* VMX does not exist for the guest. */
	{ IA32_VMX_BASIC, IA32_VMX_PROCBASED_CTLS3, MSR_POLICY_DENY },
};

enum msr_policy msr_policy_of(uint32_t msr)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (msr >= rules[i].first && msr <= rules[i].last)
			return rules[i].policy;
	return msr_bitmap_covers(msr) ? MSR_POLICY_PASS_THROUGH : MSR_POLICY_DENY;
}

void msr_policy_fill_bitmap(uint8_t *bitmap)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		for (uint32_t msr = rules[i].first; msr <= rules[i].last; msr++)
			msr_bitmap_intercept(bitmap, msr, true, true);
}

uint64_t msr_stand_in(uint32_t msr)
{
	switch (msr) {
	case IA32_MISC_ENABLE:
		/* Fast strings on, branch trace store and PEBS unavailable, XD not disabled (SDM Vol. 4, bits 0, 11, 12, 34). */
		return 0x1801;
	default:
		return 0;       /* IA32_BIOS_SIGN_ID: no microcode revision known */
	}
}
