/* CPUID: the host's answer, passed through the guest's CPUID policy (vmx/cpuid_policy.c). */
#include "arch/cpuid.h"
#include "vmx/cpuid_policy.h"
#include "vmx/exit_handlers.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"

bool handle_cpuid(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;
	uint32_t leaf = (uint32_t)r->rax, subleaf = (uint32_t)r->rcx;
	uint32_t proc2 = vcpu_controls()->proc2;
	struct cpuid_policy_info info = {
		.rdtscp_enabled = proc2 & SECONDARY_ENABLE_RDTSCP,
		.invpcid_enabled = proc2 & SECONDARY_ENABLE_INVPCID,
		.xsaves_enabled = proc2 & SECONDARY_ENABLE_XSAVES_XRSTORS,
		.user_wait_pause_enabled = proc2 & SECONDARY_ENABLE_USER_WAIT_PAUSE,
	};

	/* Only leaves 1 and 7 reflect CR4 (OSXSAVE, OSPKE): spare the VMREAD on the others. */
	if (leaf == 1 || leaf == 7)
		info.guest_cr4 = vcpu_guest_cr4();
	/* Leaf 0xD describes the XCR0 in force: the guest's, which stays loaded while veneer runs. */
	struct cpuid_result result = cpuid(leaf, subleaf);
	cpuid_policy_apply(leaf, subleaf, &result, &info);
	regs_set_eax(r, result.eax);
	regs_set_ebx(r, result.ebx);
	regs_set_ecx(r, result.ecx);
	regs_set_edx(r, result.edx);
	vcpu_skip_instruction(vcpu);
	return true;
}
