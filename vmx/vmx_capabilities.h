/*
 * What this CPU's VMX implementation supports, decoded once from its
 * capability MSRs (SDM Vol. 3D, Appendix A "VMX Capability Reporting
 * Facility"), and the one place control values are computed from it.
 *
 * Pure: the kernel fills a struct vmx_msr_values with rdmsr
 * (vmx/vmx_capabilities_read.c), the host unit tests fill it with sample
 * values; everything below works on those numbers alone.
 */
#ifndef VENEER_VMX_VMX_CAPABILITIES_H
#define VENEER_VMX_VMX_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmx/vmx_controls.h"

/* The raw capability MSRs.  The has_* flags say whether the optional ones were read. */
struct vmx_msr_values {
	uint64_t basic;
	uint64_t pinbased, procbased, procbased2, exit, entry;
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t ept_vpid_cap;
	uint64_t vmfunc;
	uint64_t vmcs_enum;
	bool has_procbased2, has_ept_vpid_cap, has_vmfunc;
};

/*
 * Kernel only (vmx/vmx_capabilities_read.c): reads this CPU's capability
 * MSRs, the optional ones only where the others say they exist.
 */
void vmx_read_capability_msrs(struct vmx_msr_values *out);

/* IA32_VMX_BASIC (Appendix A.1 "Basic VMX Information") */
#define VMX_BASIC_REVISION_ID_MASK              0x7FFFFFFFULL   /* bits 30:0; bit 31 is 0 */
#define VMX_BASIC_REGION_SIZE_SHIFT             32              /* bits 44:32, in bytes */
#define VMX_BASIC_REGION_SIZE_MASK              0x1FFFULL
#define VMX_BASIC_PHYS_ADDR_32BIT               (1ULL << 48)    /* VMX structures below 4 GiB */
#define VMX_BASIC_DUAL_MONITOR                  (1ULL << 49)    /* dual-monitor SMM treatment */
#define VMX_BASIC_MEMORY_TYPE_SHIFT             50              /* bits 53:50 */
#define VMX_BASIC_MEMORY_TYPE_MASK              0xFULL
#define VMX_BASIC_INS_OUTS_INFO                 (1ULL << 54)    /* INS/OUTS exits give instruction info */
#define VMX_BASIC_TRUE_CONTROLS                 (1ULL << 55)    /* IA32_VMX_TRUE_*_CTLS exist */
#define VMX_BASIC_NO_ERROR_CODE_CHECK           (1ULL << 56)    /* no error-code check on injection */

/* Memory types IA32_VMX_BASIC may report for the VMCS and the structures it references */
#define VMX_MEMORY_TYPE_UC                      0
#define VMX_MEMORY_TYPE_WB                      6

/* IA32_VMX_MISC (Appendix A.6 "Miscellaneous Data") */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK     0x1FULL         /* bits 4:0: vmx_preemption_timer_rate() */
#define VMX_MISC_STORES_EFER_LMA                (1ULL << 5)     /* exits save EFER.LMA in "IA-32e mode guest" */
#define VMX_MISC_ACTIVITY_HLT                   (1ULL << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN              (1ULL << 7)
#define VMX_MISC_ACTIVITY_WAIT_FOR_SIPI         (1ULL << 8)
#define VMX_MISC_PT_IN_VMX                      (1ULL << 14)    /* Intel PT usable in VMX operation */
#define VMX_MISC_RDMSR_SMBASE_IN_SMM            (1ULL << 15)
#define VMX_MISC_CR3_TARGET_SHIFT               16              /* bits 24:16: CR3-target values */
#define VMX_MISC_CR3_TARGET_MASK                0x1FFULL
#define VMX_MISC_MSR_LIST_SHIFT                 25              /* bits 27:25: vmx_misc_max_msr_list_entries() */
#define VMX_MISC_MSR_LIST_MASK                  0x7ULL
#define VMX_MISC_SMM_MONITOR_CTL_BIT2           (1ULL << 28)
#define VMX_MISC_VMWRITE_ANY_FIELD              (1ULL << 29)    /* VMWRITE to exit-information fields too */
#define VMX_MISC_ZERO_LENGTH_INJECTION          (1ULL << 30)    /* inject with instruction length 0 */
#define VMX_MISC_MSEG_REVISION_SHIFT            32              /* bits 63:32 */

/* IA32_VMX_EPT_VPID_CAP (Appendix A.10 "VPID and EPT Capabilities") */
#define VMX_EPT_EXECUTE_ONLY                    (1ULL << 0)
#define VMX_EPT_PAGE_WALK_4                     (1ULL << 6)
#define VMX_EPT_PAGE_WALK_5                     (1ULL << 7)
#define VMX_EPT_MEMORY_TYPE_UC                  (1ULL << 8)     /* EPT paging structures may be UC */
#define VMX_EPT_MEMORY_TYPE_WB                  (1ULL << 14)    /* ... or WB */
#define VMX_EPT_2MB_PAGES                       (1ULL << 16)    /* PDEs may map 2 MiB pages */
#define VMX_EPT_1GB_PAGES                       (1ULL << 17)    /* PDPTEs may map 1 GiB pages */
#define VMX_EPT_INVEPT                          (1ULL << 20)
#define VMX_EPT_ACCESSED_DIRTY                  (1ULL << 21)
#define VMX_EPT_ADVANCED_EXIT_INFO              (1ULL << 22)
#define VMX_EPT_SUPERVISOR_SHADOW_STACK         (1ULL << 23)
#define VMX_EPT_INVEPT_SINGLE_CONTEXT           (1ULL << 25)
#define VMX_EPT_INVEPT_ALL_CONTEXT              (1ULL << 26)
#define VMX_VPID_INVVPID                        (1ULL << 32)
#define VMX_VPID_INVVPID_INDIVIDUAL_ADDRESS     (1ULL << 40)
#define VMX_VPID_INVVPID_SINGLE_CONTEXT         (1ULL << 41)
#define VMX_VPID_INVVPID_ALL_CONTEXT            (1ULL << 42)
#define VMX_VPID_INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS (1ULL << 43)

/* IA32_VMX_VMFUNC (Appendix A.11 "VM Functions") */
#define VMX_VMFUNC_EPTP_SWITCHING               (1ULL << 0)

/* IA32_VMX_VMCS_ENUM (Appendix A.9 "VMCS Enumeration") */
#define VMX_VMCS_ENUM_MAX_INDEX_SHIFT           1               /* bits 9:1: highest field index */
#define VMX_VMCS_ENUM_MAX_INDEX_MASK            0x1FFULL

/*
 * The allowed settings of one 32-bit control field (Appendix A.3-A.5):
 * bit X set in allowed0 means control X must be 1; bit X clear in allowed1
 * means control X must be 0.
 */
struct vmx_control_caps {
	uint32_t allowed0;
	uint32_t allowed1;
};

struct vmx_capabilities {
	/* IA32_VMX_BASIC */
	uint32_t revision_id;           /* goes in the first word of every VMXON and VMCS region */
	uint32_t region_size;           /* bytes the CPU uses of those regions */
	uint8_t memory_type;            /* VMX_MEMORY_TYPE_* the CPU uses to access them */
	bool phys_addr_32bit;           /* bit 48 */
	bool dual_monitor;              /* bit 49 */
	bool ins_outs_info;             /* bit 54 */
	bool true_controls;             /* bit 55: pin/proc/exit/entry came from the TRUE_* MSRs */
	bool no_error_code_check;       /* bit 56 */

	/* Allowed control settings; proc2 is all zero without secondary controls. */
	struct vmx_control_caps pin, proc, proc2, exit, entry;

	uint64_t misc;                  /* IA32_VMX_MISC */
	uint64_t cr0_fixed0, cr0_fixed1;
	uint64_t cr4_fixed0, cr4_fixed1;
	uint64_t ept_vpid_cap;          /* 0 unless the CPU has EPT or VPID */
	uint64_t vmfunc;                /* 0 unless the CPU has VM functions */
	uint32_t vmcs_max_index;        /* IA32_VMX_VMCS_ENUM bits 9:1 */
};

/*
 * Decodes msrs into caps (Appendix A):
 *  - pin/proc/exit/entry come from the TRUE_* MSRs when IA32_VMX_BASIC bit 55
 *    is set (they may allow some "default1" controls to be 0), else from the
 *    ordinary ones;
 *  - secondary controls exist only when the primary allowed-1 bit 31
 *    ("activate secondary controls") is set and the MSR was read;
 *  - EPT/VPID capabilities only with "enable EPT" or "enable VPID" allowed,
 *    VM-function controls only with "enable VM functions" allowed.
 * Tertiary controls are ignored.
 */
void vmx_capabilities_decode(const struct vmx_msr_values *msrs, struct vmx_capabilities *caps);

/* The five 32-bit control fields. */
enum vmx_control_kind {
	VMX_CONTROLS_PIN,
	VMX_CONTROLS_PROC,
	VMX_CONTROLS_PROC2,
	VMX_CONTROLS_EXIT,
	VMX_CONTROLS_ENTRY,
};

/* The allowed settings of one field (all zero for an unknown kind). */
const struct vmx_control_caps *vmx_control_caps(const struct vmx_capabilities *caps,
						enum vmx_control_kind kind);

/* "pin-based", "primary processor-based", ... for messages. */
const char *vmx_control_kind_name(enum vmx_control_kind kind);

/* The SDM name of control bit (e.g. "ENABLE_EPT"), or NULL for a bit veneer does not name. */
const char *vmx_control_bit_name(enum vmx_control_kind kind, unsigned bit);

struct vmx_adjust_error {
	enum vmx_control_kind kind;
	uint32_t missing;               /* required bits the CPU cannot set */
	char message[160];
};

/*
 * Computes the value of one control field from what the hypervisor needs
 * and what the CPU allows (Appendix A.3-A.5):
 *
 *     *out = ((required | wanted) & allowed1) | allowed0
 *
 * Wanted bits the CPU cannot set are dropped; bits the CPU insists on are
 * added.  Returns false, leaving *out alone and filling *err (if not NULL)
 * with a message naming the first missing bit, when a required bit is not
 * in allowed1 (or when the MSR claims a bit must be both 1 and 0).  Without
 * secondary controls, allowed1 of VMX_CONTROLS_PROC2 is 0, so any required
 * secondary bit fails.  Setting CPU_BASED_ACTIVATE_SECONDARY_CONTROLS in the
 * primary field stays the caller's job.
 */
bool vmx_adjust_controls(const struct vmx_capabilities *caps, enum vmx_control_kind kind,
			 uint32_t required, uint32_t wanted, uint32_t *out,
			 struct vmx_adjust_error *err);

/*
 * CR0 and CR4 in VMX operation (SDM Vol. 3C, "Restrictions on VMX
 * Operation"; Appendix A.7 "VMX-Fixed Bits in CR0" and A.8 "... in CR4"):
 * a bit set in FIXED0 must be 1, a bit clear in FIXED1 must be 0.  This
 * holds at VMXON and throughout VMX root operation; for a guest, VM entry
 * relaxes CR0.PE and CR0.PG under "unrestricted guest".
 */
static inline bool vmx_cr_value_valid(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value & fixed0) == fixed0 && (value & ~fixed1) == 0;
}

static inline uint64_t vmx_cr_apply_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

/*
 * Names what is wrong with value as CR0 or CR4 (cr = 0 or 4), e.g.
 * "CR0.PE CR0.NE must be 1; CR4 bit 23 must be 0", into buf.  Writes an
 * empty string and returns 0 when value is valid; otherwise returns the
 * length the full text has (format() semantics).
 */
size_t vmx_cr_describe_invalid(unsigned cr, uint64_t value, uint64_t fixed0, uint64_t fixed1,
			       char *buf, size_t len);

/*
 * A few short lines, each ending in '\n', for the boot log: revision id,
 * region size, memory type, TRUE controls, EPT, VPID, unrestricted guest,
 * preemption timer, activity states, bitmaps, XSAVES/INVPCID/RDTSCP, VMCS
 * shadowing, VMFUNC.  Returns the length the full text has.
 */
size_t vmx_capabilities_summary(const struct vmx_capabilities *caps, char *buf, size_t len);

/* Predicates: what a hypervisor may turn on. */

static inline bool vmx_control_allowed(const struct vmx_control_caps *c, uint32_t bits)
{
	return (c->allowed1 & bits) == bits;
}

static inline bool vmx_control_clearable(const struct vmx_control_caps *c, uint32_t bits)
{
	return (c->allowed0 & bits) == 0;
}

static inline bool vmx_has_secondary_controls(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
}

static inline bool vmx_has_msr_bitmaps(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc, CPU_BASED_USE_MSR_BITMAPS);
}

static inline bool vmx_has_io_bitmaps(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc, CPU_BASED_USE_IO_BITMAPS);
}

static inline bool vmx_has_tsc_offsetting(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc, CPU_BASED_USE_TSC_OFFSETTING);
}

static inline bool vmx_has_monitor_trap_flag(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc, CPU_BASED_MONITOR_TRAP_FLAG);
}

static inline bool vmx_has_virtual_nmis(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->pin, PIN_BASED_VIRTUAL_NMIS);
}

static inline bool vmx_has_posted_interrupts(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->pin, PIN_BASED_PROCESS_POSTED_INTERRUPTS);
}

static inline bool vmx_has_preemption_timer(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->pin, PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER);
}

/* The preemption timer counts down by 1 each time bit N of the TSC changes; this is N. */
static inline unsigned vmx_preemption_timer_rate(const struct vmx_capabilities *caps)
{
	return (unsigned)(caps->misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK);
}

static inline bool vmx_has_load_efer(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->entry, VM_ENTRY_LOAD_IA32_EFER) &&
	       vmx_control_allowed(&caps->exit, VM_EXIT_LOAD_IA32_EFER);
}

static inline bool vmx_has_load_pat(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->entry, VM_ENTRY_LOAD_IA32_PAT) &&
	       vmx_control_allowed(&caps->exit, VM_EXIT_LOAD_IA32_PAT);
}

static inline bool vmx_has_ept(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_EPT);
}

static inline bool vmx_has_vpid(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_VPID);
}

static inline bool vmx_has_unrestricted_guest(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_UNRESTRICTED_GUEST);
}

static inline bool vmx_has_rdtscp(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_RDTSCP);
}

static inline bool vmx_has_invpcid(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_INVPCID);
}

static inline bool vmx_has_xsaves(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_XSAVES_XRSTORS);
}

static inline bool vmx_has_vmcs_shadowing(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_VMCS_SHADOWING);
}

static inline bool vmx_has_vmfunc(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_VM_FUNCTIONS);
}

static inline bool vmx_has_eptp_switching(const struct vmx_capabilities *caps)
{
	return vmx_has_vmfunc(caps) && (caps->vmfunc & VMX_VMFUNC_EPTP_SWITCHING);
}

static inline bool vmx_has_pause_loop_exiting(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_PAUSE_LOOP_EXITING);
}

static inline bool vmx_has_tsc_scaling(const struct vmx_capabilities *caps)
{
	return vmx_control_allowed(&caps->proc2, SECONDARY_USE_TSC_SCALING);
}

static inline bool vmx_ept_cap(const struct vmx_capabilities *caps, uint64_t bits)
{
	return vmx_has_ept(caps) && (caps->ept_vpid_cap & bits) == bits;
}

static inline bool vmx_has_ept_4level(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_PAGE_WALK_4);
}

static inline bool vmx_has_ept_execute_only(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_EXECUTE_ONLY);
}

static inline bool vmx_has_ept_2mb_pages(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_2MB_PAGES);
}

static inline bool vmx_has_ept_1gb_pages(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_1GB_PAGES);
}

static inline bool vmx_has_ept_wb(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_MEMORY_TYPE_WB);
}

static inline bool vmx_has_ept_ad_bits(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_ACCESSED_DIRTY);
}

static inline bool vmx_has_invept_single(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_INVEPT | VMX_EPT_INVEPT_SINGLE_CONTEXT);
}

static inline bool vmx_has_invept_all(const struct vmx_capabilities *caps)
{
	return vmx_ept_cap(caps, VMX_EPT_INVEPT | VMX_EPT_INVEPT_ALL_CONTEXT);
}

static inline bool vmx_vpid_cap(const struct vmx_capabilities *caps, uint64_t bits)
{
	return vmx_has_vpid(caps) && (caps->ept_vpid_cap & bits) == bits;
}

static inline bool vmx_has_invvpid_address(const struct vmx_capabilities *caps)
{
	return vmx_vpid_cap(caps, VMX_VPID_INVVPID | VMX_VPID_INVVPID_INDIVIDUAL_ADDRESS);
}

static inline bool vmx_has_invvpid_single(const struct vmx_capabilities *caps)
{
	return vmx_vpid_cap(caps, VMX_VPID_INVVPID | VMX_VPID_INVVPID_SINGLE_CONTEXT);
}

static inline bool vmx_has_invvpid_all(const struct vmx_capabilities *caps)
{
	return vmx_vpid_cap(caps, VMX_VPID_INVVPID | VMX_VPID_INVVPID_ALL_CONTEXT);
}

static inline bool vmx_has_hlt_activity(const struct vmx_capabilities *caps)
{
	return caps->misc & VMX_MISC_ACTIVITY_HLT;
}

static inline bool vmx_has_shutdown_activity(const struct vmx_capabilities *caps)
{
	return caps->misc & VMX_MISC_ACTIVITY_SHUTDOWN;
}

static inline bool vmx_has_wait_for_sipi_activity(const struct vmx_capabilities *caps)
{
	return caps->misc & VMX_MISC_ACTIVITY_WAIT_FOR_SIPI;
}

static inline bool vmx_has_vmwrite_any_field(const struct vmx_capabilities *caps)
{
	return caps->misc & VMX_MISC_VMWRITE_ANY_FIELD;
}

static inline unsigned vmx_misc_cr3_target_count(const struct vmx_capabilities *caps)
{
	return (unsigned)((caps->misc >> VMX_MISC_CR3_TARGET_SHIFT) & VMX_MISC_CR3_TARGET_MASK);
}

/* Recommended maximum number of entries in each VM-exit/VM-entry MSR list. */
static inline unsigned vmx_misc_max_msr_list_entries(const struct vmx_capabilities *caps)
{
	return 512 * (unsigned)(((caps->misc >> VMX_MISC_MSR_LIST_SHIFT) & VMX_MISC_MSR_LIST_MASK) + 1);
}

static inline uint32_t vmx_misc_mseg_revision_id(const struct vmx_capabilities *caps)
{
	return (uint32_t)(caps->misc >> VMX_MISC_MSEG_REVISION_SHIFT);
}

#endif
