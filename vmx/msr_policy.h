/* Which MSRs the guest may use, and how (see vmx/handle_msr.c for why). */
#ifndef VENEER_VMX_MSR_POLICY_H
#define VENEER_VMX_MSR_POLICY_H

#include <stdint.h>

enum msr_policy {
	MSR_POLICY_PASS_THROUGH,        /* no exit: the guest uses the real MSR */
	MSR_POLICY_FORWARD,             /* exits (only when outside the bitmap); done on the real MSR */
	MSR_POLICY_DENY,                /* #GP: the MSR does not exist for the guest */
	MSR_POLICY_FEATURE_CONTROL,     /* emulated: locked, VMX off */
	MSR_POLICY_APIC_BASE,           /* reads forwarded, writes checked */
	MSR_POLICY_STAND_IN,            /* forwarded; where the CPU lacks it, reads msr_stand_in() and drops writes */
	MSR_POLICY_X2APIC_ICR,          /* reads forwarded; INIT and SIPI emulated (vmx/guest/smp.c) */
};

enum msr_policy msr_policy_of(uint32_t msr);
/* What a MSR_POLICY_STAND_IN MSR reads as on a CPU that lacks it. */
uint64_t msr_stand_in(uint32_t msr);

/* Fills the MSR bitmap (4 KiB): every MSR whose policy is not pass-through exits. */
void msr_policy_fill_bitmap(uint8_t *bitmap);

#endif
