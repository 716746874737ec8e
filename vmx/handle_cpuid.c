/* CPUID: the host's answer, passed through the guest's CPUID policy (vmx/cpuid_policy.c). */
#include "arch/cpuid.h"
#include "vmx/cpuid_policy.h"
#include "vmx/exit_handlers.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"

/* The controls the policy depends on are the same for every exit: worked out once. */
static struct cpuid_policy_info controls_info;
static bool controls_info_ready;

static void __attribute__((noinline)) apply_policy(uint32_t leaf, uint32_t subleaf, struct cpuid_result *result)
{
	if (!controls_info_ready) {
		uint32_t proc2 = vcpu_controls()->proc2;
		controls_info = (struct cpuid_policy_info){
			.rdtscp_enabled = proc2 & SECONDARY_ENABLE_RDTSCP,
			.invpcid_enabled = proc2 & SECONDARY_ENABLE_INVPCID,
			.xsaves_enabled = proc2 & SECONDARY_ENABLE_XSAVES_XRSTORS,
			.user_wait_pause_enabled = proc2 & SECONDARY_ENABLE_USER_WAIT_PAUSE,
		};
		controls_info_ready = true;
	}
	struct cpuid_policy_info info = controls_info;
	/* Only leaves 1 and 7 reflect CR4 (OSXSAVE, OSPKE): spare the VMREADs on the others. */
	if (leaf == 1 || leaf == 7)
		info.guest_cr4 = vcpu_guest_cr4();
	cpuid_policy_apply(leaf, subleaf, result, &info);
}

static void __attribute__((noinline)) cpuid_with_policy(struct general_registers *r)
{
	uint32_t leaf = (uint32_t)r->rax, subleaf = (uint32_t)r->rcx;
	struct cpuid_result result = cpuid(leaf, subleaf);

	apply_policy(leaf, subleaf, &result);
	r->rax = result.eax;
	r->rbx = result.ebx;
	r->rcx = result.ecx;
	r->rdx = result.edx;
}

bool handle_cpuid(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;

	/* Leaf 0xD describes the XCR0 in force: the guest's, which stays loaded while veneer runs. */
	if (cpuid_policy_changes_leaf((uint32_t)r->rax)) {
		cpuid_with_policy(r);
	} else {
		/* The common case, straight into the frame: CPUID zero-extends its 32-bit results. */
		asm volatile("cpuid"
			     : "=a"(r->rax), "=b"(r->rbx), "=c"(r->rcx), "=d"(r->rdx)
			     : "a"((uint32_t)r->rax), "c"((uint32_t)r->rcx));
	}
	vcpu_skip_instruction(vcpu);
	return true;
}
