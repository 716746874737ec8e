/*
 * What exit handlers do to the guest: step past the instruction they
 * emulated, and queue an exception for the next VM entry (SDM Vol. 3C,
 * "Event Injection").
 */
#include "arch/cpu.h"
#include "vmx/interruption.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

/* Guest interruptibility state bits (SDM Vol. 3C, "Guest Non-Register State"). */
#define BLOCKING_BY_STI         (1u << 0)
#define BLOCKING_BY_MOV_SS      (1u << 1)

void vcpu_skip_instruction(struct vcpu *vcpu)
{
	(void)vcpu;
	vmcs_writen(GUEST_RIP, vmcs_readn(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LENGTH));

	/* The emulated instruction completed: a one-instruction interrupt shadow it was in is over. */
	uint32_t interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_STATE);
	if (interruptibility & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE,
			     interruptibility & ~(BLOCKING_BY_STI | BLOCKING_BY_MOV_SS));
}

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
}

unsigned vcpu_cpl(void)
{
	/* SS.DPL is the CPL (SDM Vol. 3C, "Guest Register State"), also in real mode (0). */
	return (vmcs_read32(GUEST_SS_ACCESS_RIGHTS) >> 5) & 3;
}
