/*
 * Reading the VMX capability MSRs on this CPU into a struct vmx_msr_values
 * for vmx_capabilities_decode().  The caller has checked CPUID.1:ECX.VMX[5]:
 * with it, the always-present MSRs (basic, the four ordinary control MSRs,
 * misc, the CR fixed bits, VMCS enumeration) exist.  The others exist only
 * when an earlier MSR says so (SDM Vol. 3D, Appendix A); they are read with
 * rdmsr_safe() so that a CPU, or a hypervisor underneath us, that claims a
 * feature without the MSR costs the feature instead of a #GP.
 */
#include "arch/msr.h"
#include "kernel/string.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

/* The allowed-1 half of a control capability MSR. */
static uint32_t allowed1(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

void vmx_read_capability_msrs(struct vmx_msr_values *out)
{
	memset(out, 0, sizeof(*out));

	out->basic = rdmsr(IA32_VMX_BASIC);
	out->pinbased = rdmsr(IA32_VMX_PINBASED_CTLS);
	out->procbased = rdmsr(IA32_VMX_PROCBASED_CTLS);
	out->exit = rdmsr(IA32_VMX_EXIT_CTLS);
	out->entry = rdmsr(IA32_VMX_ENTRY_CTLS);
	out->misc = rdmsr(IA32_VMX_MISC);
	out->cr0_fixed0 = rdmsr(IA32_VMX_CR0_FIXED0);
	out->cr0_fixed1 = rdmsr(IA32_VMX_CR0_FIXED1);
	out->cr4_fixed0 = rdmsr(IA32_VMX_CR4_FIXED0);
	out->cr4_fixed1 = rdmsr(IA32_VMX_CR4_FIXED1);
	out->vmcs_enum = rdmsr(IA32_VMX_VMCS_ENUM);

	/*
	 * The TRUE_* MSRs exist when IA32_VMX_BASIC bit 55 is set.  If one of
	 * them faults anyway, bit 55 is cleared in the copy, so the decoder
	 * falls back to the ordinary MSRs, which are always correct (only
	 * more conservative about the default1 controls).
	 */
	if (out->basic & VMX_BASIC_TRUE_CONTROLS) {
		bool ok = rdmsr_safe(IA32_VMX_TRUE_PINBASED_CTLS, &out->true_pinbased);

		ok = rdmsr_safe(IA32_VMX_TRUE_PROCBASED_CTLS, &out->true_procbased) && ok;
		ok = rdmsr_safe(IA32_VMX_TRUE_EXIT_CTLS, &out->true_exit) && ok;
		ok = rdmsr_safe(IA32_VMX_TRUE_ENTRY_CTLS, &out->true_entry) && ok;
		if (!ok)
			out->basic &= ~VMX_BASIC_TRUE_CONTROLS;
	}

	/* Allowed-1 bits are the same in the ordinary and the TRUE MSR; either will do. */
	if (allowed1(out->procbased) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		out->has_procbased2 = rdmsr_safe(IA32_VMX_PROCBASED_CTLS2, &out->procbased2);
	if (!out->has_procbased2)
		return;

	if (allowed1(out->procbased2) & (SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID))
		out->has_ept_vpid_cap = rdmsr_safe(IA32_VMX_EPT_VPID_CAP, &out->ept_vpid_cap);
	if (allowed1(out->procbased2) & SECONDARY_ENABLE_VM_FUNCTIONS)
		out->has_vmfunc = rdmsr_safe(IA32_VMX_VMFUNC, &out->vmfunc);
}
