/* Which MSRs the guest may use, and how (see vmx/handle_msr.c for why). */
#ifndef VENEER_VMX_MSR_POLICY_H
#define VENEER_VMX_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum msr_policy {
	MSR_POLICY_PASS_THROUGH,        /* no exit: the guest uses the real MSR */
	MSR_POLICY_FORWARD,             /* exits (only when outside the bitmap); done on the real MSR */
	MSR_POLICY_DENY,                /* #GP: the MSR does not exist for the guest */
	MSR_POLICY_FEATURE_CONTROL,     /* emulated: locked, VMX off */
	MSR_POLICY_APIC_BASE,           /* reads forwarded, writes checked */
	MSR_POLICY_STAND_IN,            /* forwarded; where the CPU lacks it, a per-vCPU stand-in (msr_stand_in_*) */
	MSR_POLICY_X2APIC_ICR,          /* reads forwarded; INIT and SIPI emulated (vmx/guest/smp.c) */
};

enum msr_policy msr_policy_of(uint32_t msr);

/*
 * Stand-ins: architectural MSRs that CPUID promises (or that every Intel
 * CPU of family 6 has) but that the CPU may lack (Bochs).  Each has a
 * slot in every vCPU, holding what the guest wrote.
 */
enum msr_stand_in_slot {
	STAND_IN_PLATFORM_ID,
	STAND_IN_MISC_ENABLE,
	STAND_IN_BIOS_SIGN_ID,
	STAND_IN_MCG_CAP,
	STAND_IN_MCG_STATUS,
	STAND_IN_COUNT,
};
/* The slot of a MSR_POLICY_STAND_IN MSR (-1 for any other MSR). */
int msr_stand_in_slot(uint32_t msr);
/* Its value after reset (SDM Vol. 4), which the slot starts with. */
uint64_t msr_stand_in_reset_value(enum msr_stand_in_slot slot);
/* Whether a guest write of value is one the real MSR would take (false: #GP). */
bool msr_stand_in_write_allowed(enum msr_stand_in_slot slot, uint64_t value);
/* On the boot CPU: probes (RDMSR with exception fixup) which stand-in MSRs the CPU lacks. */
void msr_stand_in_probe(void);
/* Whether the probe found the MSR missing: then the vCPU's slot answers. */
bool msr_stand_in_needed(enum msr_stand_in_slot slot);

/* Fills the MSR bitmap (4 KiB): every MSR whose policy is not pass-through exits. */
void msr_policy_fill_bitmap(uint8_t *bitmap);

#endif
