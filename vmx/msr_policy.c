/*
 * The guest's MSR policy, as a table of ranges.  Everything inside the
 * bitmap's ranges that the table does not name passes through: the guest
 * owns the machine.  Outside those ranges every access exits and is denied.
 * Stand-in MSRs pass through too when the CPU has them; only where a probe
 * at boot finds one missing does it exit and get answered per vCPU.
 */
#include <stddef.h>

#include "kernel/log.h"

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
	/*
	 * MSRs every Intel CPU of family 6 has and Linux or Xen use early
	 * (IA32_PLATFORM_ID: Xen's microcode loader), and the machine-check
	 * globals that CPUID.1:EDX.MCA promises (SDM Vol. 3B, 17.3.1): Bochs
	 * announces MCA but lacks them, and Linux panics ("MCA architectural
	 * violation") when reading them faults.
	 */
	{ IA32_PLATFORM_ID, IA32_PLATFORM_ID, MSR_POLICY_STAND_IN },
	{ IA32_MISC_ENABLE, IA32_MISC_ENABLE, MSR_POLICY_STAND_IN },
	{ IA32_BIOS_SIGN_ID, IA32_BIOS_SIGN_ID, MSR_POLICY_STAND_IN },
	{ IA32_MCG_CAP, IA32_MCG_STATUS, MSR_POLICY_STAND_IN },
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

static const uint32_t stand_in_msr[STAND_IN_COUNT] = {
	[STAND_IN_PLATFORM_ID]  = IA32_PLATFORM_ID,
	[STAND_IN_MISC_ENABLE]  = IA32_MISC_ENABLE,
	[STAND_IN_BIOS_SIGN_ID] = IA32_BIOS_SIGN_ID,
	[STAND_IN_MCG_CAP]      = IA32_MCG_CAP,
	[STAND_IN_MCG_STATUS]   = IA32_MCG_STATUS,
};

static bool stand_in_needed[STAND_IN_COUNT];

int msr_stand_in_slot(uint32_t msr)
{
	for (int slot = 0; slot < STAND_IN_COUNT; slot++)
		if (stand_in_msr[slot] == msr)
			return slot;
	return -1;
}

uint64_t msr_stand_in_reset_value(enum msr_stand_in_slot slot)
{
	switch (slot) {
	case STAND_IN_MISC_ENABLE:
		/* Fast strings on, branch trace store and PEBS unavailable, XD not disabled (SDM Vol. 4, bits 0, 11, 12, 34). */
		return 0x1801;
	case STAND_IN_PLATFORM_ID:
		return 0;       /* platform 0 in bits 52:50 (SDM Vol. 4, 17H): no platform to name */
	case STAND_IN_MCG_CAP:
		/* No reporting banks and none of the optional globals: the MCA a CPU without MCA MSRs can honestly describe. */
		return 0;
	case STAND_IN_MCG_STATUS:
		return 0;       /* no machine check in progress */
	case STAND_IN_BIOS_SIGN_ID:
	default:
		return 0;       /* no microcode revision known */
	}
}

/* IA32_MCG_STATUS bits 2:0 (RIPV, EIPV, MCIP); LMCE_S needs MCG_CAP.LMCE_P, which the stand-in lacks. */
#define MCG_STATUS_WRITABLE     0x7ULL

bool msr_stand_in_write_allowed(enum msr_stand_in_slot slot, uint64_t value)
{
	switch (slot) {
	case STAND_IN_PLATFORM_ID:
		return false;   /* read-only (SDM Vol. 4, 17H) */
	case STAND_IN_MCG_CAP:
		return false;   /* read-only (SDM Vol. 3B, 17.3.1.1) */
	case STAND_IN_MCG_STATUS:
		return !(value & ~MCG_STATUS_WRITABLE);
	default:
		return true;
	}
}

void msr_stand_in_probe(void)
{
	for (int slot = 0; slot < STAND_IN_COUNT; slot++) {
		uint64_t value;
		stand_in_needed[slot] = !rdmsr_safe(stand_in_msr[slot], &value);
		if (stand_in_needed[slot])
			pr_debug("msr: the CPU lacks MSR %#x: veneer answers for it (reads %#llx after reset)",
				stand_in_msr[slot], (unsigned long long)msr_stand_in_reset_value(slot));
	}
}

bool msr_stand_in_needed(enum msr_stand_in_slot slot)
{
	return stand_in_needed[slot];
}

void msr_policy_fill_bitmap(uint8_t *bitmap)
{
	msr_stand_in_probe();
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		for (uint32_t msr = rules[i].first; msr <= rules[i].last; msr++) {
			int slot = msr_stand_in_slot(msr);
			if (rules[i].policy == MSR_POLICY_STAND_IN && slot >= 0 && !stand_in_needed[slot])
				continue;       /* the CPU has it: the guest's own */
			msr_bitmap_intercept(bitmap, msr, true, true);
		}
}
