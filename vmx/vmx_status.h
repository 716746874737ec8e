/*
 * The outcome of a VMX instruction, as a value the caller has to look at.
 *
 * SDM Vol. 3C, "VMX Instruction Reference", section "Conventions" (30.2 in
 * older editions) defines three outcomes, reported in RFLAGS:
 *
 *   VMsucceed       CF = 0 and ZF = 0.
 *   VMfailInvalid   CF = 1.  No error number is stored: the failure happened
 *                   where there is no valid current VMCS to store it in.
 *   VMfailValid     ZF = 1.  The error number is in the current VMCS's
 *                   VM-instruction error field (VM_INSTRUCTION_ERROR); it can
 *                   be read only because a current VMCS exists.
 *
 * The wrappers in vmx/vmx_ops.h return a struct vmx_result and are marked
 * VMX_MUST_CHECK, so ignoring a failure is a compile error under -Werror.
 */
#ifndef VENEER_VMX_VMX_STATUS_H
#define VENEER_VMX_VMX_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMX_MUST_CHECK __attribute__((warn_unused_result))

enum vmx_status_kind {
	VMX_SUCCEED,
	VMX_FAIL_INVALID,       /* CF = 1 */
	VMX_FAIL_VALID,         /* ZF = 1, error number in VM_INSTRUCTION_ERROR */
};

struct vmx_result {
	enum vmx_status_kind kind;
	uint32_t error;         /* the VM-instruction error number; 0 unless VMX_FAIL_VALID */
};

static inline bool vmx_succeeded(struct vmx_result r)
{
	return r.kind == VMX_SUCCEED;
}

/*
 * Renders r for a log line, e.g. "VMfailValid: VM-instruction error 15
 * (VMXON executed in VMX root operation)", into buf (always terminated when
 * len > 0) and returns buf.  Defined in vmx/vmx_errors.c.
 */
const char *vmx_result_describe(struct vmx_result r, char *buf, size_t len);

#endif
