/*
 * What exit handlers do to the guest: step past the instruction they
 * emulated, and queue an exception for the next VM entry (SDM Vol. 3C,
 * "Event Injection").
 */
#include "arch/cpu.h"
#include "vmx/interruption.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

void vcpu_inject_exception(struct vcpu *vcpu, unsigned vector, uint32_t error_code)
{
	(void)vcpu;
	enum vmx_interruption_type type = vmx_interruption_type_from_vector(vector);
	bool protected_mode = vmcs_readn(GUEST_CR0) & CR0_PE;
	bool deliver_error_code = vmx_injection_delivers_error_code(type, vector, protected_mode);

	vmcs_write32(VM_ENTRY_INTERRUPTION_INFORMATION,
		     vmx_encode_interruption_info(vector, type, deliver_error_code));
	if (deliver_error_code)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	if (vmx_interruption_type_needs_instruction_length(type))
		vmcs_write32(VM_ENTRY_INSTRUCTION_LENGTH, vmcs_read32(VM_EXIT_INSTRUCTION_LENGTH));
	/*
	 * Injection pushes the guest-state RFLAGS as it is (SDM Vol. 3C, "Event
	 * Injection"); a fault the CPU raised itself pushes RF = 1, so the
	 * handler's IRET does not take an instruction breakpoint twice.  (A
	 * real-mode frame has no room for RF.)
	 */
	if (protected_mode && type == VMX_INTR_HARDWARE_EXCEPTION && vmx_exception_is_fault(vector))
		vmcs_writen(GUEST_RFLAGS, vmcs_readn(GUEST_RFLAGS) | RFLAGS_RF);
}

unsigned vcpu_cpl(void)
{
	/* SS.DPL is the CPL (SDM Vol. 3C, "Guest Register State"), also in real mode (0). */
	return (vmcs_read32(GUEST_SS_ACCESS_RIGHTS) >> 5) & 3;
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring
 * information valid) must deliver it again on the next entry, or the
 * event is lost (SDM Vol. 3C, "Information for VM Exits During Event
 * Delivery" and "Event Injection").  Instruction exits never happen during
 * delivery; handlers of the other exits that resume the guest call this.
 */
void vcpu_reinject_interrupted_event(struct vcpu *vcpu)
{
	struct vmx_reinjection again;

	(void)vcpu;
	if (!vmx_reinjection_from_idt_vectoring(vmcs_read32(IDT_VECTORING_INFORMATION), &again))
		return;
	vmcs_write32(VM_ENTRY_INTERRUPTION_INFORMATION, again.entry_interruption_info);
	if (again.copy_error_code)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (again.copy_instruction_length)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LENGTH, vmcs_read32(VM_EXIT_INSTRUCTION_LENGTH));
}
