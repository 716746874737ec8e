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
#include "vmx/guest/bios_memory.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/memory.h"
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

/*
 * A read of veneer's memory: report it, and let the guest read all ones
 * there from now on, as a bus reads where nothing answers, so the guest
 * learns nothing and goes on (Linux reads reserved ranges through
 * /dev/mem, for one).  Returns false if the page cannot be mapped.
 */
static bool answer_read_of_hidden_memory(struct vcpu *vcpu, uint64_t gpa)
{
	uint64_t page = gpa & ~0xFFFULL;

	pr_warn("vcpu: guest read veneer's memory at %#llx (rip %#llx); it reads as all ones",
		(unsigned long long)gpa, (unsigned long long)vmcs_readn(GUEST_RIP));
	if (ept_map_page(&vcpu->guest->ept, page, guest_all_ones_page(),
			 EPT_READ | ((uint64_t)MTRR_TYPE_WB << EPT_MEMORY_TYPE_SHIFT)) != EPT_OK) {
		pr_error("vcpu: cannot map the all-ones page at %#llx: the budget of %u EPT table pages for "
			 "mappings made while the guest runs is spent", (unsigned long long)page,
			 EPT_ON_DEMAND_TABLE_BUDGET);
		return false;
	}
	ept_invalidate_context(vcpu->guest->ept.eptp);
	vcpu_reinject_interrupted_event(vcpu);
	return true;
}

/*
 * Device memory above the identity map's limit (a 64-bit PCI BAR, say) is
 * the guest's too: map it uncached, identity, when the guest first touches
 * it, with the largest page EPT allows (1 GiB where the CPU has it, so the
 * whole physical address space costs a few table pages).  The tables come
 * from a fixed budget (vmx/ept_kernel.c); when it is spent the guest is
 * stopped with a message, and veneer carries on.
 */
static bool map_device_memory(struct vcpu *vcpu, uint64_t gpa)
{
	unsigned tables_before = ept_on_demand_tables_left();
	uint64_t floor = align_up(memory_map_limit(), 1ULL << 30);
	uint64_t size = 0;
	int err = ept_map_identity_block(&vcpu->guest->ept, gpa, floor,
					 EPT_RWX | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT), &size);

	if (err == EPT_NO_MEMORY) {
		pr_error("vcpu: the guest touched device memory at %#llx, but the budget of %u EPT table pages for "
			 "mappings made while the guest runs is spent", (unsigned long long)gpa,
			 EPT_ON_DEMAND_TABLE_BUDGET);
		vcpu_stop(vcpu, GUEST_END_EPT_VIOLATION, "too much device memory mapped on demand");
		return false;
	}
	if (err != EPT_OK)
		return false;
	if (ept_on_demand_tables_left() != tables_before)
		pr_info("vcpu: mapped device memory at %#llx (%llu KiB pages) for the guest; %u of %u EPT table pages "
			"left for such mappings", (unsigned long long)(gpa & ~(size - 1)),
			(unsigned long long)(size >> 10), ept_on_demand_tables_left(), EPT_ON_DEMAND_TABLE_BUDGET);
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
	bool resume;
	if (q.fetch && guest_bios_memory_fetch(vcpu, gpa, &resume))
		return resume;
	if (!hidden && !q.readable && gpa >= memory_map_limit()) {
		if (map_device_memory(vcpu, gpa))
			return true;
		if (vcpu->state == VCPU_STOPPED)
			return false;
	}

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
