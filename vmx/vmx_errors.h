/*
 * VM-instruction error numbers: what a VMX instruction that ends in
 * VMfailValid leaves in the VM-instruction error field of the current VMCS
 * (SDM Vol. 3C, "VMX Instruction Reference", section "VM Instruction Error
 * Numbers"; Table 30-1 in older editions).
 */
#ifndef VENEER_VMX_VMX_ERRORS_H
#define VENEER_VMX_VMX_ERRORS_H

enum vmx_instruction_error {
	VMXERR_VMCALL_IN_VMX_ROOT                       = 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS                  = 2,
	VMXERR_VMCLEAR_VMXON_POINTER                    = 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS                   = 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS                = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF                    = 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELDS             = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELDS          = 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS                  = 9,
	VMXERR_VMPTRLD_VMXON_POINTER                    = 10,
	VMXERR_VMPTRLD_WRONG_REVISION_ID                = 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT               = 12,
	VMXERR_VMWRITE_READ_ONLY_COMPONENT              = 13,
	/* 14: not assigned by the SDM */
	VMXERR_VMXON_IN_VMX_ROOT                        = 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER     = 16,
	VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS         = 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER   = 18,
	VMXERR_VMCALL_NONCLEAR_VMCS                     = 19,
	VMXERR_VMCALL_INVALID_EXIT_CONTROL_FIELDS       = 20,
	/* 21: not assigned by the SDM */
	VMXERR_VMCALL_WRONG_MSEG_REVISION_ID            = 22,
	VMXERR_VMXOFF_UNDER_DUAL_MONITOR                = 23,
	VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES      = 24,
	VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROL_FIELDS   = 25,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS           = 26,
	/* 27: not assigned by the SDM */
	VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID        = 28,

	VMXERR_LAST = VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID,
};

/*
 * The SDM's description of error number (shortened where it is long), for
 * log lines.  The unassigned numbers 14, 21 and 27 get a "reserved" text;
 * anything outside 1-28 is "unknown VM-instruction error".
 */
const char *vmx_instruction_error_name(unsigned number);

#endif
