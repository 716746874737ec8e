/*
 * VMCS field encodings.  This is the single list of them in veneer: each
 * field appears once, under its SDM name, grouped by width and type as in
 * SDM Vol. 3D, Appendix B "Field Encoding in VMCS".  Code that reads or
 * writes a field names it from here; nobody else writes an encoding down.
 * (The vCPU engine owns the full list; for now it holds what the VMX
 * instruction wrappers need.)
 */
#ifndef VENEER_VMX_VMCS_FIELDS_H
#define VENEER_VMX_VMCS_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What an encoding says about its field (SDM Vol. 3C, "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields", table "Structure of VMCS Component
 * Encoding"; 24.11.2 in older editions):
 *
 *   bit 0        access type: 0 = full field, 1 = high 32 bits of a 64-bit field
 *   bits 9:1     index
 *   bits 11:10   type: control, VM-exit information (read-only), guest state, host state
 *   bit 12       reserved (0)
 *   bits 14:13   width: 16-bit, 64-bit, 32-bit, natural width
 *   bits 31:15   reserved (0)
 */
enum vmcs_field_width {
	VMCS_FIELD_WIDTH_16      = 0,
	VMCS_FIELD_WIDTH_64      = 1,
	VMCS_FIELD_WIDTH_32      = 2,
	VMCS_FIELD_WIDTH_NATURAL = 3,   /* 64 bits on a processor with Intel 64 */
};

enum vmcs_field_type {
	VMCS_FIELD_TYPE_CONTROL   = 0,
	VMCS_FIELD_TYPE_EXIT_INFO = 1,  /* "read-only data" */
	VMCS_FIELD_TYPE_GUEST     = 2,
	VMCS_FIELD_TYPE_HOST      = 3,
};

static inline enum vmcs_field_width vmcs_field_width(uint32_t encoding)
{
	return (enum vmcs_field_width)((encoding >> 13) & 3);
}

static inline enum vmcs_field_type vmcs_field_type(uint32_t encoding)
{
	return (enum vmcs_field_type)((encoding >> 10) & 3);
}

/* The "high" encoding of a 64-bit field reaches its upper 32 bits alone. */
static inline bool vmcs_field_is_high_half(uint32_t encoding)
{
	return encoding & 1;
}

/*
 * Every VMCS field veneer uses, as X(name, encoding): SDM Vol. 3D,
 * Appendix B.  The X-macro gives both the enum and the name table
 * (vmcs_field_name) from this one list.
 */
#define VMCS_FIELDS(X) \
	/* 16-bit control fields */ \
	X(VIRTUAL_PROCESSOR_ID, 0x0000) \
	X(POSTED_INTERRUPT_NOTIFICATION_VECTOR, 0x0002) \
	X(EPTP_INDEX, 0x0004) \
	/* 16-bit guest-state fields */ \
	X(GUEST_ES_SELECTOR, 0x0800) \
	X(GUEST_CS_SELECTOR, 0x0802) \
	X(GUEST_SS_SELECTOR, 0x0804) \
	X(GUEST_DS_SELECTOR, 0x0806) \
	X(GUEST_FS_SELECTOR, 0x0808) \
	X(GUEST_GS_SELECTOR, 0x080A) \
	X(GUEST_LDTR_SELECTOR, 0x080C) \
	X(GUEST_TR_SELECTOR, 0x080E) \
	X(GUEST_INTERRUPT_STATUS, 0x0810) \
	X(GUEST_PML_INDEX, 0x0812) \
	/* 16-bit host-state fields */ \
	X(HOST_ES_SELECTOR, 0x0C00) \
	X(HOST_CS_SELECTOR, 0x0C02) \
	X(HOST_SS_SELECTOR, 0x0C04) \
	X(HOST_DS_SELECTOR, 0x0C06) \
	X(HOST_FS_SELECTOR, 0x0C08) \
	X(HOST_GS_SELECTOR, 0x0C0A) \
	X(HOST_TR_SELECTOR, 0x0C0C) \
	/* 64-bit control fields */ \
	X(IO_BITMAP_A, 0x2000) \
	X(IO_BITMAP_B, 0x2002) \
	X(MSR_BITMAP, 0x2004) \
	X(VM_EXIT_MSR_STORE_ADDRESS, 0x2006) \
	X(VM_EXIT_MSR_LOAD_ADDRESS, 0x2008) \
	X(VM_ENTRY_MSR_LOAD_ADDRESS, 0x200A) \
	X(EXECUTIVE_VMCS_POINTER, 0x200C) \
	X(PML_ADDRESS, 0x200E) \
	X(TSC_OFFSET, 0x2010) \
	X(VIRTUAL_APIC_ADDRESS, 0x2012) \
	X(APIC_ACCESS_ADDRESS, 0x2014) \
	X(POSTED_INTERRUPT_DESCRIPTOR_ADDRESS, 0x2016) \
	X(VM_FUNCTION_CONTROLS, 0x2018) \
	X(EPT_POINTER, 0x201A) \
	X(EOI_EXIT_BITMAP_0, 0x201C) \
	X(EOI_EXIT_BITMAP_1, 0x201E) \
	X(EOI_EXIT_BITMAP_2, 0x2020) \
	X(EOI_EXIT_BITMAP_3, 0x2022) \
	X(EPTP_LIST_ADDRESS, 0x2024) \
	X(VMREAD_BITMAP_ADDRESS, 0x2026) \
	X(VMWRITE_BITMAP_ADDRESS, 0x2028) \
	X(VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS, 0x202A) \
	X(XSS_EXITING_BITMAP, 0x202C) \
	X(ENCLS_EXITING_BITMAP, 0x202E) \
	X(TSC_MULTIPLIER, 0x2032) \
	/* 64-bit read-only data fields */ \
	X(GUEST_PHYSICAL_ADDRESS, 0x2400) \
	/* 64-bit guest-state fields */ \
	X(VMCS_LINK_POINTER, 0x2800) \
	X(GUEST_IA32_DEBUGCTL, 0x2802) \
	X(GUEST_IA32_PAT, 0x2804) \
	X(GUEST_IA32_EFER, 0x2806) \
	X(GUEST_IA32_PERF_GLOBAL_CTRL, 0x2808) \
	X(GUEST_PDPTE0, 0x280A) \
	X(GUEST_PDPTE1, 0x280C) \
	X(GUEST_PDPTE2, 0x280E) \
	X(GUEST_PDPTE3, 0x2810) \
	X(GUEST_IA32_BNDCFGS, 0x2812) \
	/* 64-bit host-state fields */ \
	X(HOST_IA32_PAT, 0x2C00) \
	X(HOST_IA32_EFER, 0x2C02) \
	X(HOST_IA32_PERF_GLOBAL_CTRL, 0x2C04) \
	/* 32-bit control fields */ \
	X(PIN_BASED_VM_EXECUTION_CONTROLS, 0x4000) \
	X(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0x4002) \
	X(EXCEPTION_BITMAP, 0x4004) \
	X(PAGE_FAULT_ERROR_CODE_MASK, 0x4006) \
	X(PAGE_FAULT_ERROR_CODE_MATCH, 0x4008) \
	X(CR3_TARGET_COUNT, 0x400A) \
	X(VM_EXIT_CONTROLS, 0x400C) \
	X(VM_EXIT_MSR_STORE_COUNT, 0x400E) \
	X(VM_EXIT_MSR_LOAD_COUNT, 0x4010) \
	X(VM_ENTRY_CONTROLS, 0x4012) \
	X(VM_ENTRY_MSR_LOAD_COUNT, 0x4014) \
	X(VM_ENTRY_INTERRUPTION_INFORMATION, 0x4016) \
	X(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x4018) \
	X(VM_ENTRY_INSTRUCTION_LENGTH, 0x401A) \
	X(TPR_THRESHOLD, 0x401C) \
	X(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0x401E) \
	X(PLE_GAP, 0x4020) \
	X(PLE_WINDOW, 0x4022) \
	/* 32-bit read-only data fields */ \
	X(VM_INSTRUCTION_ERROR, 0x4400) \
	X(EXIT_REASON, 0x4402) \
	X(VM_EXIT_INTERRUPTION_INFORMATION, 0x4404) \
	X(VM_EXIT_INTERRUPTION_ERROR_CODE, 0x4406) \
	X(IDT_VECTORING_INFORMATION, 0x4408) \
	X(IDT_VECTORING_ERROR_CODE, 0x440A) \
	X(VM_EXIT_INSTRUCTION_LENGTH, 0x440C) \
	X(VM_EXIT_INSTRUCTION_INFORMATION, 0x440E) \
	/* 32-bit guest-state fields */ \
	X(GUEST_ES_LIMIT, 0x4800) \
	X(GUEST_CS_LIMIT, 0x4802) \
	X(GUEST_SS_LIMIT, 0x4804) \
	X(GUEST_DS_LIMIT, 0x4806) \
	X(GUEST_FS_LIMIT, 0x4808) \
	X(GUEST_GS_LIMIT, 0x480A) \
	X(GUEST_LDTR_LIMIT, 0x480C) \
	X(GUEST_TR_LIMIT, 0x480E) \
	X(GUEST_GDTR_LIMIT, 0x4810) \
	X(GUEST_IDTR_LIMIT, 0x4812) \
	X(GUEST_ES_ACCESS_RIGHTS, 0x4814) \
	X(GUEST_CS_ACCESS_RIGHTS, 0x4816) \
	X(GUEST_SS_ACCESS_RIGHTS, 0x4818) \
	X(GUEST_DS_ACCESS_RIGHTS, 0x481A) \
	X(GUEST_FS_ACCESS_RIGHTS, 0x481C) \
	X(GUEST_GS_ACCESS_RIGHTS, 0x481E) \
	X(GUEST_LDTR_ACCESS_RIGHTS, 0x4820) \
	X(GUEST_TR_ACCESS_RIGHTS, 0x4822) \
	X(GUEST_INTERRUPTIBILITY_STATE, 0x4824) \
	X(GUEST_ACTIVITY_STATE, 0x4826) \
	X(GUEST_SMBASE, 0x4828) \
	X(GUEST_IA32_SYSENTER_CS, 0x482A) \
	X(VMX_PREEMPTION_TIMER_VALUE, 0x482E) \
	/* 32-bit host-state field */ \
	X(HOST_IA32_SYSENTER_CS, 0x4C00) \
	/* Natural-width control fields */ \
	X(CR0_GUEST_HOST_MASK, 0x6000) \
	X(CR4_GUEST_HOST_MASK, 0x6002) \
	X(CR0_READ_SHADOW, 0x6004) \
	X(CR4_READ_SHADOW, 0x6006) \
	X(CR3_TARGET_VALUE_0, 0x6008) \
	X(CR3_TARGET_VALUE_1, 0x600A) \
	X(CR3_TARGET_VALUE_2, 0x600C) \
	X(CR3_TARGET_VALUE_3, 0x600E) \
	/* Natural-width read-only data fields */ \
	X(EXIT_QUALIFICATION, 0x6400) \
	X(IO_RCX, 0x6402) \
	X(IO_RSI, 0x6404) \
	X(IO_RDI, 0x6406) \
	X(IO_RIP, 0x6408) \
	X(GUEST_LINEAR_ADDRESS, 0x640A) \
	/* Natural-width guest-state fields */ \
	X(GUEST_CR0, 0x6800) \
	X(GUEST_CR3, 0x6802) \
	X(GUEST_CR4, 0x6804) \
	X(GUEST_ES_BASE, 0x6806) \
	X(GUEST_CS_BASE, 0x6808) \
	X(GUEST_SS_BASE, 0x680A) \
	X(GUEST_DS_BASE, 0x680C) \
	X(GUEST_FS_BASE, 0x680E) \
	X(GUEST_GS_BASE, 0x6810) \
	X(GUEST_LDTR_BASE, 0x6812) \
	X(GUEST_TR_BASE, 0x6814) \
	X(GUEST_GDTR_BASE, 0x6816) \
	X(GUEST_IDTR_BASE, 0x6818) \
	X(GUEST_DR7, 0x681A) \
	X(GUEST_RSP, 0x681C) \
	X(GUEST_RIP, 0x681E) \
	X(GUEST_RFLAGS, 0x6820) \
	X(GUEST_PENDING_DEBUG_EXCEPTIONS, 0x6822) \
	X(GUEST_IA32_SYSENTER_ESP, 0x6824) \
	X(GUEST_IA32_SYSENTER_EIP, 0x6826) \
	/* Natural-width host-state fields */ \
	X(HOST_CR0, 0x6C00) \
	X(HOST_CR3, 0x6C02) \
	X(HOST_CR4, 0x6C04) \
	X(HOST_FS_BASE, 0x6C06) \
	X(HOST_GS_BASE, 0x6C08) \
	X(HOST_TR_BASE, 0x6C0A) \
	X(HOST_GDTR_BASE, 0x6C0C) \
	X(HOST_IDTR_BASE, 0x6C0E) \
	X(HOST_IA32_SYSENTER_ESP, 0x6C10) \
	X(HOST_IA32_SYSENTER_EIP, 0x6C12) \
	X(HOST_RSP, 0x6C14) \
	X(HOST_RIP, 0x6C16) \
	/* end */

enum vmcs_field {
#define VMCS_FIELD_ENUM(name, encoding) name = encoding,
	VMCS_FIELDS(VMCS_FIELD_ENUM)
#undef VMCS_FIELD_ENUM
};

/* "GUEST_RIP" for 0x681E; "unknown VMCS field" for anything not in the list. */
const char *vmcs_field_name(uint32_t encoding);

#endif
