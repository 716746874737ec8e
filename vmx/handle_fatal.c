/*
 * Exits that end the guest: a triple fault (the guest's own doing, as a
 * real CPU would shut down), an EPT violation (the guest wrote or ran
 * memory it does not own: the hypervisor's; a read is answered, see
 * below) and an EPT misconfiguration (a bug in veneer's EPT).  Each is reported with the
 * guest's state; the hypervisor itself carries on and ends the run cleanly.
 */
#include "arch/mtrr.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/page_alloc.h"
#include "kernel/string.h"
#include "vmx/ept.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/smp.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_qualification.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

bool handle_triple_fault(struct vcpu *vcpu)
{
	vcpu_stop(vcpu, GUEST_END_TRIPLE_FAULT, "the guest's CPU shut down after a fault it could not handle");
	return false;
}

/* One page of all ones: what a read of veneer's memory returns, like a read where no memory answers. */
static void *absent_memory_page;

/*
 * A read of veneer's memory: report it, and let the guest read all ones
 * there from now on, as a bus reads where nothing answers, so the guest
 * learns nothing and goes on (Linux reads reserved ranges through
 * /dev/mem, for one).  Returns false if the page cannot be mapped.
 */
static bool answer_read_of_hidden_memory(struct vcpu *vcpu, uint64_t gpa)
{
	uint64_t page = gpa & ~0xFFFULL;

	if (!absent_memory_page) {
		absent_memory_page = alloc_pages(1);
		memset(absent_memory_page, 0xFF, 4096);
	}
	pr_warn("vcpu: guest read veneer's memory at %#llx (rip %#llx); it reads as all ones",
		(unsigned long long)gpa, (unsigned long long)vmcs_readn(GUEST_RIP));
	if (ept_map_page(&vcpu->guest->ept, page, (uint64_t)(uintptr_t)absent_memory_page,
			 EPT_READ | ((uint64_t)MTRR_TYPE_WB << EPT_MEMORY_TYPE_SHIFT)) != EPT_OK)
		return false;
	ept_invalidate_context(vcpu->guest->ept.eptp);
	vcpu_reinject_interrupted_event(vcpu);
	return true;
}

/*
 * Device memory above the identity map's limit (a 64-bit PCI BAR, say) is
 * the guest's too: map the page uncached when the guest first touches it.
 */
static bool map_device_memory(struct vcpu *vcpu, uint64_t gpa)
{
	uint64_t page = gpa & ~0xFFFULL;

	if (ept_map_page(&vcpu->guest->ept, page, page,
			 EPT_RWX | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT)) != EPT_OK)
		return false;
	pr_debug("vcpu: mapped device memory at %#llx for the guest", (unsigned long long)page);
	ept_invalidate_context(vcpu->guest->ept.eptp);
	vcpu_reinject_interrupted_event(vcpu);
	return true;
}

bool handle_ept_violation(struct vcpu *vcpu)
{
	uint64_t qualification = vmcs_readn(EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	struct ept_violation_qualification q = vmx_decode_ept_violation(qualification);
	bool hidden = range_set_overlaps(&memory_layout()->owned, gpa, gpa + 1);
	char what[160];

	if (hidden && q.read && !q.write && !q.fetch && answer_read_of_hidden_memory(vcpu, gpa))
		return true;
	if (guest_apic_page && (gpa & ~0xFFFULL) == guest_apic_page && q.write)
		return guest_apic_page_write(vcpu, gpa);
	if (!hidden && !q.readable && gpa >= memory_map_limit() && map_device_memory(vcpu, gpa))
		return true;

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
