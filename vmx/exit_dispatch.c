/*
 * vmx_handle_exit: called by the exit stub with the guest's registers
 * saved in vcpu->regs.  It counts the exit, decodes the exit reason (SDM
 * Vol. 3C, "Basic VM-Exit Information") and calls the handler for it.  An
 * exit veneer has no handler for is never resumed silently: the guest is
 * stopped with a report.
 */
#include "kernel/log.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_reasons.h"
#include "vmx/exit_stats.h"
#include "vmx/guest/smp.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

typedef bool (*exit_handler)(struct vcpu *vcpu);

static bool report_unhandled_exit(struct vcpu *vcpu);
static bool report_entry_failure(struct vcpu *vcpu);

/*
 * Every slot has a handler, so dispatch needs no NULL check: the default
 * one reports the exit and stops the guest.  A failed VM entry comes back
 * as an exit with bit 31 set and one of three basic reasons, whose slots
 * report it.  (The range initializer is overridden on purpose.)
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const exit_handler handlers[EXIT_REASON_COUNT] = {
	[0 ... EXIT_REASON_MAX] = report_unhandled_exit,
	[EXIT_REASON_ENTRY_FAILURE_INVALID_GUEST_STATE] = report_entry_failure,
	[EXIT_REASON_ENTRY_FAILURE_MSR_LOADING] = report_entry_failure,
	[EXIT_REASON_ENTRY_FAILURE_MACHINE_CHECK] = report_entry_failure,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INIT_SIGNAL] = handle_init_signal,
	[EXIT_REASON_STARTUP_IPI] = handle_sipi,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_undefined_instruction,   /* SMX is hidden from the guest */
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_invd,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	/* The guest sees no VMX (CPUID hides it): every VMX instruction is undefined for it. */
	[EXIT_REASON_VMCLEAR] = handle_undefined_instruction,
	[EXIT_REASON_VMLAUNCH] = handle_undefined_instruction,
	[EXIT_REASON_VMPTRLD] = handle_undefined_instruction,
	[EXIT_REASON_VMPTRST] = handle_undefined_instruction,
	[EXIT_REASON_VMREAD] = handle_undefined_instruction,
	[EXIT_REASON_VMRESUME] = handle_undefined_instruction,
	[EXIT_REASON_VMWRITE] = handle_undefined_instruction,
	[EXIT_REASON_VMXOFF] = handle_undefined_instruction,
	[EXIT_REASON_VMXON] = handle_undefined_instruction,
	[EXIT_REASON_INVEPT] = handle_undefined_instruction,
	[EXIT_REASON_INVVPID] = handle_undefined_instruction,
	[EXIT_REASON_VMFUNC] = handle_undefined_instruction,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io_instruction,
	[EXIT_REASON_RDMSR] = handle_rdmsr,
	[EXIT_REASON_WRMSR] = handle_wrmsr,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIGURATION] = handle_ept_misconfiguration,
	[EXIT_REASON_EXCEPTION_OR_NMI] = handle_exception,
	[EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED] = handle_preemption_timer,
	[EXIT_REASON_WBINVD_OR_WBNOINVD] = handle_wbinvd,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
};
#pragma GCC diagnostic pop

static bool report_entry_failure(struct vcpu *vcpu)
{
	uint32_t raw = vmcs_read32(EXIT_REASON);
	char reason[96];

	pr_error("vcpu: VM entry failed: %s, exit qualification %#llx",
		 vmx_exit_reason_describe(raw, reason, sizeof(reason)),
		 (unsigned long long)vmcs_readn(EXIT_QUALIFICATION));
	vcpu_stop(vcpu, GUEST_END_ENTRY_FAILURE,
		  (raw & 0xFFFF) == EXIT_REASON_ENTRY_FAILURE_INVALID_GUEST_STATE ?
		  "the guest state in the VMCS is invalid (SDM Vol. 3C, \"Checks on the Guest State Area\")" :
		  "VM entry failed");
	return false;
}

static bool report_unhandled_exit(struct vcpu *vcpu)
{
	uint32_t raw = vmcs_read32(EXIT_REASON);
	char name[96];

	pr_error("vcpu: unhandled VM exit: %s, exit qualification %#llx",
		 vmx_exit_reason_describe(raw, name, sizeof(name)),
		 (unsigned long long)vmcs_readn(EXIT_QUALIFICATION));
	vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "an exit veneer does not handle");
	return false;
}

/* The hot path: one VMREAD, one count, one indirect call. */
static inline __attribute__((always_inline)) bool dispatch(struct vcpu *vcpu, unsigned *reason)
{
	unsigned basic = vmcs_read32(EXIT_REASON) & VMX_EXIT_REASON_BASIC_MASK;

	*reason = basic;
	if (__builtin_expect(basic >= EXIT_REASON_COUNT, 0))
		return report_unhandled_exit(vcpu);
	vcpu->exit_count[basic]++;
	return handlers[basic](vcpu);
}

bool vmx_handle_exit(struct vcpu *vcpu)
{
	unsigned reason;

#ifdef VENEER_COUNT_VMCS_ACCESSES
	/* make bench's counting build: every VMREAD and VMWRITE between the exit and the next entry. */
	uint64_t before = this_cpu()->vmcs_accesses;
	bool resume = dispatch(vcpu, &reason);
	exit_stats_count_vmcs_accesses(vcpu, reason, this_cpu()->vmcs_accesses - before);
	return resume;
#else
	return dispatch(vcpu, &reason);
#endif
}
