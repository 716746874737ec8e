/*
 * The VMX instructions as C functions (kernel only: outside VMX operation
 * every one of them raises #UD, so the host tests never include this).
 *
 * Each wrapper returns a struct vmx_result that the caller must check
 * (VMX_MUST_CHECK).  The flags are read with GCC's flag-output constraints:
 * "=@ccc" is CF, "=@ccz" is ZF (SDM Vol. 3C, "VMX Instruction Reference",
 * section "Conventions").  On VMfailValid the wrapper fetches the error
 * number from the VM-instruction error field at once, before anything else
 * can overwrite it.
 *
 * Operand forms: VMXON, VMCLEAR, VMPTRLD and VMPTRST take a 64-bit physical
 * address in memory, never in a register; INVEPT and INVVPID take a 128-bit
 * descriptor in memory and the type in a 64-bit register.  In AT&T syntax
 * the source comes first: "vmread field, value" and "vmwrite value, field".
 */
#ifndef VENEER_VMX_VMX_OPS_H
#define VENEER_VMX_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_status.h"

/* INVEPT types (SDM Vol. 3C, "INVEPT - Invalidate Translations Derived from EPT") */
enum invept_type {
	INVEPT_SINGLE_CONTEXT   = 1,    /* mappings tagged with one EPTP */
	INVEPT_ALL_CONTEXT      = 2,    /* mappings tagged with any EPTP */
};

/* INVVPID types (SDM Vol. 3C, "INVVPID - Invalidate Translations Based on VPID") */
enum invvpid_type {
	INVVPID_INDIVIDUAL_ADDRESS                = 0,
	INVVPID_SINGLE_CONTEXT                    = 1,
	INVVPID_ALL_CONTEXT                       = 2,
	INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS  = 3,
};

/*
 * A plain VMREAD of the VM-instruction error field, ignoring the flags.
 * Only meaningful right after a VMfailValid, when a current VMCS exists.
 */
static inline uint32_t vmx_read_instruction_error(void)
{
	uint64_t value = 0;

	vmcs_access_counted();
	asm volatile("vmread %[field], %[value]"
		     : [value] "=r"(value)
		     : [field] "r"((uint64_t)VM_INSTRUCTION_ERROR)
		     : "cc");
	return (uint32_t)value;
}

static inline struct vmx_result vmx_result_from_flags(bool cf, bool zf)
{
	if (cf)
		return (struct vmx_result){ .kind = VMX_FAIL_INVALID, .error = 0 };
	if (zf)
		return (struct vmx_result){ .kind = VMX_FAIL_VALID, .error = vmx_read_instruction_error() };
	return (struct vmx_result){ .kind = VMX_SUCCEED, .error = 0 };
}

/* Enters VMX root operation with the VMXON region at phys (4 KiB aligned, revision id written). */
static inline VMX_MUST_CHECK struct vmx_result vmxon(uint64_t phys)
{
	bool cf, zf;

	asm volatile("vmxon %[pa]" : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_result_from_flags(cf, zf);
}

static inline VMX_MUST_CHECK struct vmx_result vmxoff(void)
{
	bool cf, zf;

	asm volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_result_from_flags(cf, zf);
}

/* Writes the VMCS at phys back to memory and sets its launch state to clear. */
static inline VMX_MUST_CHECK struct vmx_result vmclear(uint64_t phys)
{
	bool cf, zf;

	asm volatile("vmclear %[pa]" : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_result_from_flags(cf, zf);
}

/* Makes the VMCS at phys the current VMCS. */
static inline VMX_MUST_CHECK struct vmx_result vmptrld(uint64_t phys)
{
	bool cf, zf;

	asm volatile("vmptrld %[pa]" : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_result_from_flags(cf, zf);
}

/* Stores the current-VMCS pointer (all ones when there is none) in *phys. */
static inline VMX_MUST_CHECK struct vmx_result vmptrst(uint64_t *phys)
{
	bool cf, zf;

	asm volatile("vmptrst %[pa]" : "=@ccc"(cf), "=@ccz"(zf), [pa] "=m"(*phys) : : "memory");
	return vmx_result_from_flags(cf, zf);
}

/* Reads field of the current VMCS into *value (0 when the read fails). */
static inline VMX_MUST_CHECK struct vmx_result vmread(uint32_t field, uint64_t *value)
{
	uint64_t v = 0;
	bool cf, zf;

	vmcs_access_counted();
	asm volatile("vmread %[field], %[v]"
		     : "=@ccc"(cf), "=@ccz"(zf), [v] "+r"(v)
		     : [field] "r"((uint64_t)field));
	*value = v;
	return vmx_result_from_flags(cf, zf);
}

static inline VMX_MUST_CHECK struct vmx_result vmwrite(uint32_t field, uint64_t value)
{
	bool cf, zf;

	vmcs_access_counted();
	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [field] "r"((uint64_t)field), [value] "r"(value));
	return vmx_result_from_flags(cf, zf);
}

static inline VMX_MUST_CHECK struct vmx_result invept(enum invept_type type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } descriptor = { eptp, 0 };
	bool cf, zf;

	asm volatile("invept %[desc], %[type]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [desc] "m"(descriptor), [type] "r"((uint64_t)type)
		     : "memory");
	return vmx_result_from_flags(cf, zf);
}

/* address is used only by INVVPID_INDIVIDUAL_ADDRESS. */
static inline VMX_MUST_CHECK struct vmx_result invvpid(enum invvpid_type type, uint16_t vpid,
							uint64_t address)
{
	/* Bits 63:16 of the first quadword are reserved (0). */
	struct { uint64_t vpid, address; } descriptor = { vpid, address };
	bool cf, zf;

	asm volatile("invvpid %[desc], %[type]"
		     : "=@ccc"(cf), "=@ccz"(zf)
		     : [desc] "m"(descriptor), [type] "r"((uint64_t)type)
		     : "memory");
	return vmx_result_from_flags(cf, zf);
}

#endif
