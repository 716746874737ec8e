/*
 * RDMSR and WRMSR.  Most MSRs pass straight through (the MSR bitmap is
 * clear for them, vmx/guest/guest.c); the ones that exit are here:
 *   - IA32_FEATURE_CONTROL reads as locked with VMX off (the guest sees no
 *     VMX), and cannot be written;
 *   - the VMX capability MSRs and the performance-monitoring MSRs do not
 *     exist for the guest (#GP): CPUID hides VMX and the PMU;
 *   - IA32_APIC_BASE is the guest's own per vCPU, with the SDM's checks,
 *     carried out on the shared APIC as vmx/guest/local_apic.h describes;
 *     while the guest's APIC is off but the real one stays in x2APIC mode,
 *     the x2APIC MSRs exit too, and raise #GP as on a disabled APIC;
 *   - IA32_SMM_MONITOR_CTL and microcode updates are refused;
 *   - IA32_PLATFORM_ID, IA32_MISC_ENABLE, IA32_BIOS_SIGN_ID, IA32_MCG_CAP and
 *     IA32_MCG_STATUS exit only where a probe at boot found the CPU lacking
 *     them (Bochs): then each vCPU has a stand-in that starts at the reset value and keeps
 *     what the guest writes (vmx/msr_policy.c), since Linux uses them early;
 *   - any MSR outside the two bitmap ranges always exits (SDM Vol. 3C,
 *     "MSR-Bitmap Address"); no such MSR exists on Intel CPUs that the
 *     guest may use, so they raise #GP.  veneer decides this itself: Bochs
 *     returns 0 for MSRs it does not know.
 * A forwarded access that faults on the real CPU becomes a #GP for the
 * guest, never a fault in the hypervisor (rdmsr_safe/wrmsr_safe).
 */
#include "arch/msr.h"
#include "kernel/log.h"
#include "vmx/exit_handlers.h"
#include "vmx/guest/local_apic.h"
#include "vmx/guest/smp.h"
#include "vmx/msr_bitmap.h"
#include "vmx/msr_policy.h"
#include "vmx/vcpu.h"

static bool gp(struct vcpu *vcpu, const char *what, uint32_t msr)
{
	pr_debug("vcpu: %s of MSR %#x: #GP", what, msr);
	vcpu_inject_gp(vcpu);
	return true;
}

/* An x2APIC register while the guest's APIC is not in x2APIC mode: #GP (SDM Vol. 3A, 12.12.1.2). */
static __attribute__((noinline)) bool x2apic_register_absent(const struct vcpu *vcpu, uint32_t msr)
{
	return msr >= IA32_X2APIC_FIRST && msr <= IA32_X2APIC_LAST && !guest_apic_x2apic(vcpu);
}

/* The vCPU's stand-in for msr, or NULL where the CPU has the MSR itself (off the hot path: never inlined). */
static __attribute__((noinline)) uint64_t *stand_in_of(struct vcpu *vcpu, uint32_t msr)
{
	int slot = msr_stand_in_slot(msr);

	if (slot < 0 || !msr_stand_in_needed(slot))
		return NULL;
	if (!vcpu->stand_ins_loaded) {
		for (int i = 0; i < STAND_IN_COUNT; i++)
			vcpu->stand_in[i] = msr_stand_in_reset_value(i);
		vcpu->stand_ins_loaded = true;
	}
	return &vcpu->stand_in[slot];
}

bool handle_rdmsr(struct vcpu *vcpu)
{
	uint32_t msr = regs_ecx(&vcpu->regs);
	uint64_t value, *stand_in;

	switch (msr_policy_of(msr)) {
	case MSR_POLICY_FEATURE_CONTROL:
		/* Locked, no VMX inside or outside SMX, no SENTER: what firmware without VT-x reports. */
		value = FEATURE_CONTROL_LOCKED;
		break;
	case MSR_POLICY_PASS_THROUGH:
	case MSR_POLICY_FORWARD:
	case MSR_POLICY_X2APIC_ICR:
		if (!msr_bitmap_covers(msr) || x2apic_register_absent(vcpu, msr) || !rdmsr_safe(msr, &value))
			return gp(vcpu, "read", msr);
		break;
	case MSR_POLICY_APIC_BASE:
		value = vcpu->apic_base;
		break;
	case MSR_POLICY_STAND_IN:
		stand_in = stand_in_of(vcpu, msr);
		if (stand_in)
			value = *stand_in;
		else if (!rdmsr_safe(msr, &value))
			return gp(vcpu, "read", msr);
		break;
	case MSR_POLICY_DENY:
	default:
		return gp(vcpu, "read", msr);
	}
	regs_set_edx_eax(&vcpu->regs, value);
	vcpu_skip_instruction(vcpu);
	return true;
}

bool handle_wrmsr(struct vcpu *vcpu)
{
	uint32_t msr = regs_ecx(&vcpu->regs);
	uint64_t value = regs_edx_eax(&vcpu->regs);
	uint64_t *stand_in;

	switch (msr_policy_of(msr)) {
	case MSR_POLICY_APIC_BASE:
		if (!guest_apic_base_write(vcpu, value))
			return gp(vcpu, "write", msr);
		break;
	case MSR_POLICY_PASS_THROUGH:
	case MSR_POLICY_FORWARD:
		if (!msr_bitmap_covers(msr) || x2apic_register_absent(vcpu, msr) || !wrmsr_safe(msr, value))
			return gp(vcpu, "write", msr);
		break;
	case MSR_POLICY_STAND_IN:
		stand_in = stand_in_of(vcpu, msr);
		if (stand_in) {
			if (!msr_stand_in_write_allowed(msr_stand_in_slot(msr), value))
				return gp(vcpu, "write", msr);
			*stand_in = value;
		} else if (!wrmsr_safe(msr, value)) {
			return gp(vcpu, "write", msr);
		}
		break;
	case MSR_POLICY_X2APIC_ICR:
		if (!guest_apic_x2apic(vcpu))
			return gp(vcpu, "write", msr);
		guest_x2apic_icr_write(value);
		vcpu_skip_instruction(vcpu);
		return guest_take_pending_init(vcpu);    /* an INIT it sent itself stops it after this WRMSR */
	case MSR_POLICY_FEATURE_CONTROL:
	case MSR_POLICY_DENY:
	default:
		return gp(vcpu, "write", msr);
	}
	vcpu_skip_instruction(vcpu);
	return true;
}
