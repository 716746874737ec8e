/*
 * Interruption information: decoding, encoding, the injection rules and
 * re-injection after an exit during event delivery.  Pure: the host unit
 * tests compile it too.
 */
#include "arch/exceptions.h"
#include "vmx/interruption.h"

/* Vectors 0-31 are exceptions (or reserved for them); 32-255 are interrupts. */
#define FIRST_INTERRUPT_VECTOR  32

/* Bits that must be 0 in VM-entry interruption information: 30:12. */
#define ENTRY_INFO_RESERVED     0x7FFFF000u

struct vmx_interruption_info vmx_decode_interruption_info(uint32_t field)
{
	return (struct vmx_interruption_info){
		.vector         = (uint8_t)(field & VMX_INTR_INFO_VECTOR_MASK),
		.type           = (enum vmx_interruption_type)((field & VMX_INTR_INFO_TYPE_MASK) >>
							       VMX_INTR_INFO_TYPE_SHIFT),
		.error_code     = field & VMX_INTR_INFO_ERROR_CODE,
		.nmi_unblocking = field & VMX_INTR_INFO_NMI_UNBLOCKING,
		.valid          = field & VMX_INTR_INFO_VALID,
	};
}

uint32_t vmx_encode_interruption_info(unsigned vector, enum vmx_interruption_type type,
				      bool deliver_error_code)
{
	return (vector & VMX_INTR_INFO_VECTOR_MASK) |
	       (((uint32_t)type << VMX_INTR_INFO_TYPE_SHIFT) & VMX_INTR_INFO_TYPE_MASK) |
	       (deliver_error_code ? VMX_INTR_INFO_ERROR_CODE : 0) |
	       VMX_INTR_INFO_VALID;
}

const char *vmx_interruption_type_name(unsigned type)
{
	switch (type) {
	case VMX_INTR_EXTERNAL:                      return "external interrupt";
	case VMX_INTR_NMI:                           return "NMI";
	case VMX_INTR_HARDWARE_EXCEPTION:            return "hardware exception";
	case VMX_INTR_SOFTWARE_INTERRUPT:            return "software interrupt";
	case VMX_INTR_PRIVILEGED_SOFTWARE_EXCEPTION: return "privileged software exception";
	case VMX_INTR_SOFTWARE_EXCEPTION:            return "software exception";
	case VMX_INTR_OTHER_EVENT:                   return "other event";
	default:                                     return "reserved";
	}
}

enum vmx_interruption_type vmx_interruption_type_from_vector(unsigned vector)
{
	vector &= VMX_INTR_INFO_VECTOR_MASK;
	if (vector == VECTOR_NMI)
		return VMX_INTR_NMI;
	if (vector == VECTOR_BP || vector == VECTOR_OF)
		return VMX_INTR_SOFTWARE_EXCEPTION;
	if (vector < FIRST_INTERRUPT_VECTOR)
		return VMX_INTR_HARDWARE_EXCEPTION;
	return VMX_INTR_EXTERNAL;
}

bool vmx_vector_has_error_code(unsigned vector)
{
	switch (vector) {
	case VECTOR_DF: case VECTOR_TS: case VECTOR_NP: case VECTOR_SS:
	case VECTOR_GP: case VECTOR_PF: case VECTOR_AC: case VECTOR_CP:
		return true;
	default:
		return false;
	}
}

bool vmx_injection_delivers_error_code(enum vmx_interruption_type type, unsigned vector,
				       bool protected_mode)
{
	return type == VMX_INTR_HARDWARE_EXCEPTION && vmx_vector_has_error_code(vector) &&
	       protected_mode;
}

bool vmx_interruption_type_needs_instruction_length(enum vmx_interruption_type type)
{
	return type == VMX_INTR_SOFTWARE_INTERRUPT || type == VMX_INTR_SOFTWARE_EXCEPTION ||
	       type == VMX_INTR_PRIVILEGED_SOFTWARE_EXCEPTION;
}

static bool fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return false;
}

bool vmx_entry_interruption_info_valid(uint32_t info, unsigned instruction_length,
				       bool protected_mode, const char **why)
{
	struct vmx_interruption_info i = vmx_decode_interruption_info(info);

	if (!i.valid)
		return true;
	if (info & ENTRY_INFO_RESERVED)
		return fail(why, "reserved bits 30:12 are set");
	if (i.type == 1)
		return fail(why, "interruption type 1 is reserved");
	if (i.type == VMX_INTR_NMI && i.vector != VECTOR_NMI)
		return fail(why, "an NMI must have vector 2");
	if (i.type == VMX_INTR_HARDWARE_EXCEPTION && i.vector >= FIRST_INTERRUPT_VECTOR)
		return fail(why, "a hardware exception must have a vector below 32");
	if (i.type == VMX_INTR_OTHER_EVENT && i.vector != 0)
		return fail(why, "other event must have vector 0 (pending MTF VM exit)");
	if (i.error_code != vmx_injection_delivers_error_code(i.type, i.vector, protected_mode))
		return fail(why, i.error_code ?
			    "deliver-error-code is set for an event that has no error code" :
			    "deliver-error-code is clear for an exception that has an error code");
	if (vmx_interruption_type_needs_instruction_length(i.type) &&
	    (instruction_length < 1 || instruction_length > 15))
		return fail(why, "software interrupts and exceptions need an instruction length of 1-15");
	return true;
}

bool vmx_reinjection_from_idt_vectoring(uint32_t idt_vectoring_info, struct vmx_reinjection *out)
{
	struct vmx_interruption_info i = vmx_decode_interruption_info(idt_vectoring_info);

	if (!i.valid)
		return false;
	*out = (struct vmx_reinjection){
		.entry_interruption_info = vmx_encode_interruption_info(i.vector, i.type, i.error_code),
		.copy_error_code         = i.error_code,
		.copy_instruction_length = vmx_interruption_type_needs_instruction_length(i.type),
	};
	return true;
}

enum vmx_exception_class vmx_exception_class(unsigned vector)
{
	switch (vector) {
	case VECTOR_DE: case VECTOR_TS: case VECTOR_NP: case VECTOR_SS: case VECTOR_GP: case VECTOR_CP:
		return VMX_EXCEPTION_CONTRIBUTORY;
	case VECTOR_PF: case VECTOR_VE:
		return VMX_EXCEPTION_PAGE_FAULT;
	default:
		return VMX_EXCEPTION_BENIGN;
	}
}

bool vmx_exception_is_fault(unsigned vector)
{
	switch (vector) {
	case VECTOR_DE: case VECTOR_BR: case VECTOR_UD: case VECTOR_NM:
	case VECTOR_TS: case VECTOR_NP: case VECTOR_SS: case VECTOR_GP:
	case VECTOR_PF: case VECTOR_MF: case VECTOR_AC: case VECTOR_XM:
	case VECTOR_VE: case VECTOR_CP:
		return true;
	default:
		return false;
	}
}

enum vmx_event_combination vmx_combine_events(uint32_t first_info, unsigned second_vector)
{
	struct vmx_interruption_info first = vmx_decode_interruption_info(first_info);
	enum vmx_exception_class second = vmx_exception_class(second_vector);

	if (!first.valid || first.type != VMX_INTR_HARDWARE_EXCEPTION ||
	    second == VMX_EXCEPTION_BENIGN)
		return VMX_DELIVER_SECOND;
	/* A contributory exception or page fault while delivering #DF: shutdown. */
	if (first.vector == VECTOR_DF)
		return VMX_TRIPLE_FAULT;
	switch (vmx_exception_class(first.vector)) {
	case VMX_EXCEPTION_CONTRIBUTORY:
		/* A page fault after a contributory exception is handled serially. */
		return second == VMX_EXCEPTION_CONTRIBUTORY ? VMX_DELIVER_DOUBLE_FAULT
							    : VMX_DELIVER_SECOND;
	case VMX_EXCEPTION_PAGE_FAULT:
		return VMX_DELIVER_DOUBLE_FAULT;
	default:
		return VMX_DELIVER_SECOND;
	}
}
