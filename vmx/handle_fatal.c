/*
 * Exits that end the guest: a triple fault (the guest's own doing, as a
 * real CPU would shut down), an EPT violation (the guest touched memory it
 * does not own: the hypervisor's, or nothing at all) and an EPT
 * misconfiguration (a bug in veneer's EPT).  Each is reported with the
 * guest's state; the hypervisor itself carries on and ends the run cleanly.
 */
#include "kernel/log.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_qualification.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

bool handle_triple_fault(struct vcpu *vcpu)
{
	vcpu_stop(vcpu, GUEST_END_TRIPLE_FAULT, "the guest's CPU shut down after a fault it could not handle");
	return false;
}

bool handle_ept_violation(struct vcpu *vcpu)
{
	uint64_t qualification = vmcs_readn(EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	char what[160];

	ept_violation_describe(qualification, what, sizeof(what));
	pr_error("vcpu: EPT violation at guest-physical address %#llx: %s (qualification %#llx)",
		 (unsigned long long)gpa, what, (unsigned long long)qualification);
	if (vmx_decode_ept_violation(qualification).linear_address_valid)
		pr_error("vcpu:   guest linear address %#llx", (unsigned long long)vmcs_readn(GUEST_LINEAR_ADDRESS));
	vcpu_stop(vcpu, GUEST_END_EPT_VIOLATION, "memory the guest does not own");
	return false;
}

bool handle_ept_misconfiguration(struct vcpu *vcpu)
{
	pr_error("vcpu: EPT misconfiguration at guest-physical address %#llx: a bug in veneer's EPT tables",
		 (unsigned long long)vmcs_read64(GUEST_PHYSICAL_ADDRESS));
	vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "EPT misconfiguration");
	return false;
}
