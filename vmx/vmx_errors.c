/*
 * Names for VM-instruction error numbers and the one-line rendering of a
 * VMX instruction's outcome.  Pure: the host unit tests compile it too.
 */
#include "kernel/format.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_status.h"

/*
 * The SDM's descriptions; the long ones about the dual-monitor treatment
 * of SMIs and SMM are shortened, keeping what the failing attempt was.
 */
static const char *const error_names[VMXERR_LAST + 1] = {
	[VMXERR_VMCALL_IN_VMX_ROOT]             = "VMCALL executed in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDRESS]        = "VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_POINTER]          = "VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS]         = "VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS]      = "VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF]          = "VMRESUME after VMXOFF (VMX operation was left and "
						  "re-entered since the VMLAUNCH)",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELDS]   = "VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELDS] = "VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDRESS]        = "VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_POINTER]          = "VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_WRONG_REVISION_ID]      = "VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_VMCS_COMPONENT]     = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY_COMPONENT]    = "VMWRITE to read-only VMCS component",
	[14]                                    = "reserved VM-instruction error 14 (not assigned by the SDM)",
	[VMXERR_VMXON_IN_VMX_ROOT]              = "VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER] = "VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS] = "VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER] =
		"VM entry with executive-VMCS pointer not VMXON pointer (while deactivating "
		"the dual-monitor treatment of SMIs and SMM)",
	[VMXERR_VMCALL_NONCLEAR_VMCS]           = "VMCALL with non-clear VMCS (while activating the "
						  "dual-monitor treatment of SMIs and SMM)",
	[VMXERR_VMCALL_INVALID_EXIT_CONTROL_FIELDS] = "VMCALL with invalid VM-exit control fields",
	[21]                                    = "reserved VM-instruction error 21 (not assigned by the SDM)",
	[VMXERR_VMCALL_WRONG_MSEG_REVISION_ID]  = "VMCALL with incorrect MSEG revision identifier (while "
						  "activating the dual-monitor treatment)",
	[VMXERR_VMXOFF_UNDER_DUAL_MONITOR]      = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES] = "VMCALL with invalid SMM-monitor features (while "
						  "activating the dual-monitor treatment)",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROL_FIELDS] =
		"VM entry with invalid VM-execution control fields in executive VMCS (on a "
		"return from SMM)",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] = "VM entry with events blocked by MOV SS",
	[27]                                    = "reserved VM-instruction error 27 (not assigned by the SDM)",
	[VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_instruction_error_name(unsigned number)
{
	if (number < sizeof(error_names) / sizeof(error_names[0]) && error_names[number])
		return error_names[number];
	return "unknown VM-instruction error";
}

const char *vmx_result_describe(struct vmx_result r, char *buf, size_t len)
{
	if (len == 0)
		return "";
	switch (r.kind) {
	case VMX_SUCCEED:
		format(buf, len, "VMsucceed");
		break;
	case VMX_FAIL_INVALID:
		format(buf, len, "VMfailInvalid (CF set, no error number: usually there is no current VMCS)");
		break;
	case VMX_FAIL_VALID:
		format(buf, len, "VMfailValid: VM-instruction error %u (%s)", (unsigned)r.error,
		       vmx_instruction_error_name(r.error));
		break;
	default:
		format(buf, len, "invalid VMX status kind %d", (int)r.kind);
		break;
	}
	return buf;
}
