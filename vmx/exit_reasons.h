/*
 * VM-exit reasons.  The exit-reason field of the VMCS (32 bits) holds the
 * basic exit reason in bits 15:0 and a few flags above it (SDM Vol. 3C,
 * "Basic VM-Exit Information", table "Format of Exit Reason"):
 *
 *   15:0   basic exit reason (SDM Vol. 3D, Appendix C "VMX Basic Exit Reasons")
 *   16     always 0
 *   26     a bus lock was detected (set on exits for other reasons too)
 *   27     the exit was incident to enclave mode (SGX)
 *   28     pending MTF VM exit: an SMM VM exit took priority over an MTF exit
 *   29     the exit came from VMX root operation (SMM VM exits only)
 *   31     VM-entry failure: the entry failed and loaded host state
 *   other  not defined
 */
#ifndef VENEER_VMX_EXIT_REASONS_H
#define VENEER_VMX_EXIT_REASONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every basic exit reason of SDM Vol. 3D, Appendix C, as X(name, number).
 * The numbers 35, 38, 42, 71, 82 and 83 are not assigned.  The names
 * follow the SDM's descriptions; the enum and the name table both come
 * from this list.
 */
#define VMX_EXIT_REASONS(X) \
	X(EXCEPTION_OR_NMI, 0) \
	X(EXTERNAL_INTERRUPT, 1) \
	X(TRIPLE_FAULT, 2) \
	X(INIT_SIGNAL, 3) \
	X(STARTUP_IPI, 4) \
	X(IO_SMI, 5) \
	X(OTHER_SMI, 6) \
	X(INTERRUPT_WINDOW, 7) \
	X(NMI_WINDOW, 8) \
	X(TASK_SWITCH, 9) \
	X(CPUID, 10) \
	X(GETSEC, 11) \
	X(HLT, 12) \
	X(INVD, 13) \
	X(INVLPG, 14) \
	X(RDPMC, 15) \
	X(RDTSC, 16) \
	X(RSM, 17) \
	X(VMCALL, 18) \
	X(VMCLEAR, 19) \
	X(VMLAUNCH, 20) \
	X(VMPTRLD, 21) \
	X(VMPTRST, 22) \
	X(VMREAD, 23) \
	X(VMRESUME, 24) \
	X(VMWRITE, 25) \
	X(VMXOFF, 26) \
	X(VMXON, 27) \
	X(CR_ACCESS, 28) \
	X(DR_ACCESS, 29) \
	X(IO_INSTRUCTION, 30) \
	X(RDMSR, 31) \
	X(WRMSR, 32) \
	X(ENTRY_FAILURE_INVALID_GUEST_STATE, 33) \
	X(ENTRY_FAILURE_MSR_LOADING, 34) \
	X(MWAIT, 36) \
	X(MONITOR_TRAP_FLAG, 37) \
	X(MONITOR, 39) \
	X(PAUSE, 40) \
	X(ENTRY_FAILURE_MACHINE_CHECK, 41) \
	X(TPR_BELOW_THRESHOLD, 43) \
	X(APIC_ACCESS, 44) \
	X(VIRTUALIZED_EOI, 45) \
	X(GDTR_IDTR_ACCESS, 46) \
	X(LDTR_TR_ACCESS, 47) \
	X(EPT_VIOLATION, 48) \
	X(EPT_MISCONFIGURATION, 49) \
	X(INVEPT, 50) \
	X(RDTSCP, 51) \
	X(VMX_PREEMPTION_TIMER_EXPIRED, 52) \
	X(INVVPID, 53) \
	X(WBINVD_OR_WBNOINVD, 54) \
	X(XSETBV, 55) \
	X(APIC_WRITE, 56) \
	X(RDRAND, 57) \
	X(INVPCID, 58) \
	X(VMFUNC, 59) \
	X(ENCLS, 60) \
	X(RDSEED, 61) \
	X(PML_FULL, 62) \
	X(XSAVES, 63) \
	X(XRSTORS, 64) \
	X(PCONFIG, 65) \
	X(SPP_RELATED_EVENT, 66) \
	X(UMWAIT, 67) \
	X(TPAUSE, 68) \
	X(LOADIWKEY, 69) \
	X(ENCLV, 70) \
	X(ENQCMD_PASID_TRANSLATION_FAILURE, 72) \
	X(ENQCMDS_PASID_TRANSLATION_FAILURE, 73) \
	X(BUS_LOCK, 74) \
	X(INSTRUCTION_TIMEOUT, 75) \
	X(SEAMCALL, 76) \
	X(TDCALL, 77) \
	X(RDMSRLIST, 78) \
	X(WRMSRLIST, 79) \
	X(URDMSR, 80) \
	X(UWRMSR, 81) \
	X(RDMSR_IMMEDIATE, 84) \
	X(WRMSRNS_IMMEDIATE, 85) \
	/* end */

enum vmx_exit_reason {
#define VMX_EXIT_REASON_ENUM(name, number) EXIT_REASON_##name = number,
	VMX_EXIT_REASONS(VMX_EXIT_REASON_ENUM)
#undef VMX_EXIT_REASON_ENUM
};

/* The highest basic exit reason the SDM defines. */
#define EXIT_REASON_MAX 85
/* Entries of a table indexed by basic exit reason; check reason <= EXIT_REASON_MAX before indexing. */
#define EXIT_REASON_COUNT (EXIT_REASON_MAX + 1)

/* Flags of the exit-reason field (see the table at the top). */
#define VMX_EXIT_REASON_BASIC_MASK              0xFFFFu
#define VMX_EXIT_REASON_FLAG_BUS_LOCK_DETECTED  (1u << 26)
#define VMX_EXIT_REASON_FLAG_ENCLAVE_MODE       (1u << 27)
#define VMX_EXIT_REASON_FLAG_PENDING_MTF        (1u << 28)
#define VMX_EXIT_REASON_FLAG_FROM_VMX_ROOT      (1u << 29)
#define VMX_EXIT_REASON_FLAG_ENTRY_FAILURE      (1u << 31)

struct vmx_exit_reason_info {
	uint16_t basic;                 /* 15:0 */
	bool bus_lock_detected;         /* 26 */
	bool enclave_mode;              /* 27 */
	bool pending_mtf;               /* 28 */
	bool exit_from_root;            /* 29 */
	bool entry_failure;             /* 31 */
};

struct vmx_exit_reason_info vmx_decode_exit_reason(uint32_t raw);

/* True for the numbers Appendix C assigns (0-85 less the gaps). */
bool vmx_exit_reason_defined(unsigned reason);

/* "CPUID" for 10, "EPT_VIOLATION" for 48; "unknown exit reason" for anything else. */
const char *vmx_exit_reason_name(unsigned reason);

/*
 * One line for logs about a raw exit-reason field, e.g. "48 EPT_VIOLATION"
 * or "VM-entry failure: 33 ENTRY_FAILURE_INVALID_GUEST_STATE", followed by
 * any flags (", enclave mode", ", bus lock detected", ...).  Returns buf;
 * the text is cut to fit len.
 */
const char *vmx_exit_reason_describe(uint32_t raw, char *buf, size_t len);

#endif
