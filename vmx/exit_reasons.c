/*
 * Exit-reason names and the decoding of the exit-reason field.  Pure: the
 * host unit tests compile it too.
 */
#include "kernel/format.h"
#include "vmx/exit_reasons.h"

static const char *const exit_reason_names[EXIT_REASON_COUNT] = {
#define VMX_EXIT_REASON_NAME(name, number) [number] = #name,
	VMX_EXIT_REASONS(VMX_EXIT_REASON_NAME)
#undef VMX_EXIT_REASON_NAME
};

/* EXIT_REASON_MAX must be the highest number in the list, not just any bound. */
#define VMX_EXIT_REASON_FITS(name, number) \
	_Static_assert(number <= EXIT_REASON_MAX, #name " is above EXIT_REASON_MAX");
VMX_EXIT_REASONS(VMX_EXIT_REASON_FITS)
#undef VMX_EXIT_REASON_FITS
_Static_assert(EXIT_REASON_WRMSRNS_IMMEDIATE == EXIT_REASON_MAX, "EXIT_REASON_MAX is the last reason");

struct vmx_exit_reason_info vmx_decode_exit_reason(uint32_t raw)
{
	return (struct vmx_exit_reason_info){
		.basic             = (uint16_t)(raw & VMX_EXIT_REASON_BASIC_MASK),
		.bus_lock_detected = raw & VMX_EXIT_REASON_FLAG_BUS_LOCK_DETECTED,
		.enclave_mode      = raw & VMX_EXIT_REASON_FLAG_ENCLAVE_MODE,
		.pending_mtf       = raw & VMX_EXIT_REASON_FLAG_PENDING_MTF,
		.exit_from_root    = raw & VMX_EXIT_REASON_FLAG_FROM_VMX_ROOT,
		.entry_failure     = raw & VMX_EXIT_REASON_FLAG_ENTRY_FAILURE,
	};
}

bool vmx_exit_reason_defined(unsigned reason)
{
	return reason <= EXIT_REASON_MAX && exit_reason_names[reason];
}

const char *vmx_exit_reason_name(unsigned reason)
{
	return vmx_exit_reason_defined(reason) ? exit_reason_names[reason] : "unknown exit reason";
}

const char *vmx_exit_reason_describe(uint32_t raw, char *buf, size_t len)
{
	struct vmx_exit_reason_info r = vmx_decode_exit_reason(raw);

	if (len == 0)
		return "";
	format(buf, len, "%s%u %s%s%s%s%s", r.entry_failure ? "VM-entry failure: " : "",
	       (unsigned)r.basic, vmx_exit_reason_name(r.basic),
	       r.enclave_mode ? ", enclave mode" : "",
	       r.bus_lock_detected ? ", bus lock detected" : "",
	       r.pending_mtf ? ", pending MTF VM exit" : "",
	       r.exit_from_root ? ", from VMX root operation" : "");
	return buf;
}
