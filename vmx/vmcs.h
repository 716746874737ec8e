/*
 * Reading and writing the current VMCS.  A VMREAD or VMWRITE that fails
 * is a bug in veneer (a wrong field, or no current VMCS), so the wrappers
 * stop the machine with the field's name and the VM-instruction error
 * instead of returning something the caller might ignore.
 *
 * The sized forms check at compile time that the field has that width
 * (bits 14:13 of its encoding, SDM Vol. 3C "Field Encoding in VMCS"):
 * vmcs_read32(GUEST_RIP) does not build.
 */
#ifndef VENEER_VMX_VMCS_H
#define VENEER_VMX_VMCS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_fields.h"

#define VMCS_ENCODING_WIDTH(field)      (((field) >> 13) & 3)

/*
 * make bench's counting build (-DVENEER_COUNT_VMCS_ACCESSES, never the
 * image you boot): every VMREAD and VMWRITE adds one to this CPU's count,
 * and vmx_handle_exit files the count of each exit under its reason
 * (vmx/exit_stats.c).  One GS-relative increment, so the count is exact.
 */
#ifdef VENEER_COUNT_VMCS_ACCESSES
#include "kernel/percpu.h"
#define vmcs_access_counted() \
	asm volatile("incq %%gs:%c0" : : "i"(offsetof(struct percpu, vmcs_accesses)) : "cc", "memory")
#else
#define vmcs_access_counted() do { } while (0)
#endif

/* Out of line and cold: report which access failed, with the VM-instruction error, and stop. */
void vmcs_read_failed(uint32_t field) __attribute__((noreturn, cold));
void vmcs_write_failed(uint32_t field) __attribute__((noreturn, cold));

/*
 * On the exit path every instruction counts, so the wrappers are inline:
 * VMREAD and one JBE (CF or ZF set: VMfailInvalid or VMfailValid).
 */
static inline uint64_t vmcs_read(uint32_t field)
{
	uint64_t value;

	vmcs_access_counted();
	asm goto("vmread %[field], %[value]\n\t"
		 "jbe %l[failed]"
		 : [value] "=r"(value)
		 : [field] "r"((uint64_t)field)
		 : "cc"
		 : failed);
	return value;
failed:
	vmcs_read_failed(field);
}

static inline void vmcs_write(uint32_t field, uint64_t value)
{
	vmcs_access_counted();
	asm goto("vmwrite %[value], %[field]\n\t"
		 "jbe %l[failed]"
		 :
		 : [field] "r"((uint64_t)field), [value] "rm"(value)
		 : "cc", "memory"
		 : failed);
	return;
failed:
	vmcs_write_failed(field);
}

#define vmcs_read16(field) ({                                                   \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_16, #field " is not 16-bit"); \
	(uint16_t)vmcs_read(field); })
#define vmcs_read32(field) ({                                                   \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_32, #field " is not 32-bit"); \
	(uint32_t)vmcs_read(field); })
#define vmcs_read64(field) ({                                                   \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_64, #field " is not 64-bit"); \
	vmcs_read(field); })
#define vmcs_readn(field) ({                                                    \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_NATURAL, #field " is not natural-width"); \
	vmcs_read(field); })

#define vmcs_write16(field, value) do {                                         \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_16, #field " is not 16-bit"); \
	vmcs_write(field, (uint16_t)(value)); } while (0)
#define vmcs_write32(field, value) do {                                         \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_32, #field " is not 32-bit"); \
	vmcs_write(field, (uint32_t)(value)); } while (0)
#define vmcs_write64(field, value) do {                                         \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_64, #field " is not 64-bit"); \
	vmcs_write(field, (uint64_t)(value)); } while (0)
#define vmcs_writen(field, value) do {                                          \
	_Static_assert(VMCS_ENCODING_WIDTH(field) == VMCS_FIELD_WIDTH_NATURAL, #field " is not natural-width"); \
	vmcs_write(field, (uint64_t)(value)); } while (0)

/* A VMCS region: allocated once per vCPU, made current on the CPU that runs it. */
void *vmcs_alloc(void);
/* VMCLEAR then VMPTRLD (SDM Vol. 3C, "VMCS Life Cycle"); false with a message on failure. */
bool vmcs_bind(void *vmcs);
/* VMCLEAR: the VMCS is written back to memory and may move to another CPU. */
bool vmcs_unbind(void *vmcs);

#endif
