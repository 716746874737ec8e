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

enum vmcs_field {
	/* 32-bit read-only data fields (Appendix B.3.2) */
	VM_INSTRUCTION_ERROR            = 0x4400,
};

#endif
