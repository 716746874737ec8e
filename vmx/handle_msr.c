/*
 * RDMSR and WRMSR.  Most MSRs pass straight through (the MSR bitmap is
 * clear for them, vmx/guest/guest.c); the ones that exit are here:
 *   - IA32_FEATURE_CONTROL reads as locked with VMX off (the guest sees no
 *     VMX), and cannot be written;
 *   - the VMX capability MSRs and the performance-monitoring MSRs do not
 *     exist for the guest (#GP): CPUID hides VMX and the PMU;
 *   - IA32_APIC_BASE writes are checked: the local APIC stays enabled at its
 *     address, because veneer's own IPIs go through it (on Bochs, clearing
 *     the enable bit would even leave it dead until reset);
 *   - IA32_SMM_MONITOR_CTL and microcode updates are refused;
 *   - IA32_MISC_ENABLE and IA32_BIOS_SIGN_ID are forwarded, with stand-in
 *     values where the CPU lacks them (Bochs), since Linux uses them early;
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

bool handle_rdmsr(struct vcpu *vcpu)
{
	uint32_t msr = regs_ecx(&vcpu->regs);
	uint64_t value;

	switch (msr_policy_of(msr)) {
	case MSR_POLICY_FEATURE_CONTROL:
		/* Locked, no VMX inside or outside SMX, no SENTER: what firmware without VT-x reports. */
		value = FEATURE_CONTROL_LOCKED;
		break;
	case MSR_POLICY_PASS_THROUGH:
	case MSR_POLICY_FORWARD:
	case MSR_POLICY_X2APIC_ICR:
		if (!msr_bitmap_covers(msr) || !rdmsr_safe(msr, &value))
			return gp(vcpu, "read", msr);
		break;
	case MSR_POLICY_APIC_BASE:
		value = rdmsr(IA32_APIC_BASE);
		break;
	case MSR_POLICY_STAND_IN:
		if (!rdmsr_safe(msr, &value))
			value = msr_stand_in(msr);
		break;
	case MSR_POLICY_DENY:
	default:
		return gp(vcpu, "read", msr);
	}
	regs_set_edx_eax(&vcpu->regs, value);
	vcpu_skip_instruction(vcpu);
	return true;
}

/* A guest write to IA32_APIC_BASE: the enable bit stays set and the base stays put; x2APIC may be turned on. */
static bool apic_base_write_allowed(uint64_t value)
{
	uint64_t current = rdmsr(IA32_APIC_BASE);
	uint64_t fixed = APIC_BASE_ENABLE | APIC_BASE_ADDRESS_MASK | APIC_BASE_BSP;

	if ((value & fixed) != (current & fixed))
		return false;
	/* Leaving x2APIC mode needs the enable bit cleared first, which is already refused. */
	if ((current & APIC_BASE_X2APIC_ENABLE) && !(value & APIC_BASE_X2APIC_ENABLE))
		return false;
	return true;
}

bool handle_wrmsr(struct vcpu *vcpu)
{
	uint32_t msr = regs_ecx(&vcpu->regs);
	uint64_t value = regs_edx_eax(&vcpu->regs);

	switch (msr_policy_of(msr)) {
	case MSR_POLICY_APIC_BASE:
		if (!apic_base_write_allowed(value)) {
			pr_warn("vcpu: refused guest write %#llx to IA32_APIC_BASE (%#llx): the local APIC must stay "
				"enabled at its address", (unsigned long long)value,
				(unsigned long long)rdmsr(IA32_APIC_BASE));
			return gp(vcpu, "write", msr);
		}
		if (!wrmsr_safe(msr, value))
			return gp(vcpu, "write", msr);
		break;
	case MSR_POLICY_PASS_THROUGH:
	case MSR_POLICY_FORWARD:
		if (!msr_bitmap_covers(msr) || !wrmsr_safe(msr, value))
			return gp(vcpu, "write", msr);
		break;
	case MSR_POLICY_STAND_IN:
		/* Where the CPU lacks the MSR there is nothing to change: the write is dropped. */
		wrmsr_safe(msr, value);
		break;
	case MSR_POLICY_X2APIC_ICR:
		if (!(rdmsr(IA32_APIC_BASE) & APIC_BASE_X2APIC_ENABLE))
			return gp(vcpu, "write", msr);
		guest_x2apic_icr_write(value);
		break;
	case MSR_POLICY_FEATURE_CONTROL:
	case MSR_POLICY_DENY:
	default:
		return gp(vcpu, "write", msr);
	}
	vcpu_skip_instruction(vcpu);
	return true;
}
