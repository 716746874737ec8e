/* Reports about a guest that veneer stopped: why, where, and the whole register state. */
#include "arch/msr.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "kernel/panic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

static const char *const end_names[] = {
	[GUEST_END_NONE] = "still running",
	[GUEST_END_SHUTDOWN_REQUEST] = "shutdown requested by hypercall",
	[GUEST_END_POWER_OFF] = "powered off",
	[GUEST_END_RESET] = "reset",
	[GUEST_END_HALTED] = "halted with interrupts disabled",
	[GUEST_END_TRIPLE_FAULT] = "triple fault",
	[GUEST_END_EPT_VIOLATION] = "access to memory it does not own",
	[GUEST_END_FATAL_EXIT] = "unhandled VM exit",
	[GUEST_END_ENTRY_FAILURE] = "VM entry failure",
	[GUEST_END_INIT] = "INIT: waiting for a SIPI",
};

const char *guest_end_name(enum guest_end end)
{
	if ((unsigned)end < sizeof(end_names) / sizeof(end_names[0]) && end_names[end])
		return end_names[end];
	return "unknown";
}

void vcpu_dump(const struct vcpu *vcpu)
{
	print_general_registers("guest ", &vcpu->regs, vmcs_readn(GUEST_RSP));
	pr_error("  guest rip %016llx  rflags %016llx  cs %04x (rights %#x)  ss %04x (rights %#x)",
		 (unsigned long long)vmcs_readn(GUEST_RIP), (unsigned long long)vmcs_readn(GUEST_RFLAGS),
		 vmcs_read16(GUEST_CS_SELECTOR), vmcs_read32(GUEST_CS_ACCESS_RIGHTS),
		 vmcs_read16(GUEST_SS_SELECTOR), vmcs_read32(GUEST_SS_ACCESS_RIGHTS));
	pr_error("  guest cr0 %016llx (reads %llx)  cr3 %016llx  cr4 %016llx (reads %llx)  efer %llx",
		 (unsigned long long)vmcs_readn(GUEST_CR0), (unsigned long long)vmcs_readn(CR0_READ_SHADOW),
		 (unsigned long long)vmcs_readn(GUEST_CR3), (unsigned long long)vmcs_readn(GUEST_CR4),
		 (unsigned long long)vmcs_readn(CR4_READ_SHADOW), (unsigned long long)vmcs_read64(GUEST_IA32_EFER));
	pr_error("  guest gdtr %llx/%x  idtr %llx/%x  activity %u  interruptibility %#x",
		 (unsigned long long)vmcs_readn(GUEST_GDTR_BASE), vmcs_read32(GUEST_GDTR_LIMIT),
		 (unsigned long long)vmcs_readn(GUEST_IDTR_BASE), vmcs_read32(GUEST_IDTR_LIMIT),
		 vmcs_read32(GUEST_ACTIVITY_STATE), vmcs_read32(GUEST_INTERRUPTIBILITY_STATE));
}

bool vcpu_leave_for_shutdown(struct vcpu *vcpu)
{
	if (!shutdown_in_progress)
		return false;
	vcpu->state = VCPU_STOPPED;
	if (vcpu->end == GUEST_END_NONE)
		vcpu->end = GUEST_END_SHUTDOWN_REQUEST;
	return true;
}

void vcpu_stop(struct vcpu *vcpu, enum guest_end end, const char *why)
{
	pr_error("vcpu: guest on CPU %u stopped: %s (%s)", vcpu->cpu_id, guest_end_name(end), why);
	vcpu_dump(vcpu);
	vcpu->state = VCPU_STOPPED;
	vcpu->end = end;
}
