/*
 * The interruption-information format and event injection.
 *
 * One 32-bit layout serves three VMCS fields (SDM Vol. 3C, "VM-Entry
 * Controls for Event Injection" and "Information for VM Exits Due to
 * Vectored Events" / "Information for VM Exits That Occur During Event
 * Delivery"):
 *
 *   bits   VM-exit interruption info   IDT-vectoring info     VM-entry interruption info
 *   7:0    vector                      vector                 vector
 *   10:8   type                        type                   type
 *   11     error code valid            error code valid       deliver error code
 *   12     NMI unblocking due to IRET  undefined              reserved (0)
 *   30:13  0                           reserved               reserved (0)
 *   31     valid                       valid                  valid
 *
 * Everything here is pure; the kernel does the VMREADs and VMWRITEs.
 */
#ifndef VENEER_VMX_INTERRUPTION_H
#define VENEER_VMX_INTERRUPTION_H

#include <stdbool.h>
#include <stdint.h>

#define VMX_INTR_INFO_VECTOR_MASK       0xFFu
#define VMX_INTR_INFO_TYPE_SHIFT        8
#define VMX_INTR_INFO_TYPE_MASK         (7u << VMX_INTR_INFO_TYPE_SHIFT)
#define VMX_INTR_INFO_ERROR_CODE        (1u << 11)
#define VMX_INTR_INFO_NMI_UNBLOCKING    (1u << 12)
#define VMX_INTR_INFO_VALID             (1u << 31)

/* Bits 10:8.  Type 1 is reserved. */
enum vmx_interruption_type {
	VMX_INTR_EXTERNAL                       = 0,
	VMX_INTR_NMI                            = 2,
	VMX_INTR_HARDWARE_EXCEPTION             = 3,
	VMX_INTR_SOFTWARE_INTERRUPT             = 4,    /* INT n */
	VMX_INTR_PRIVILEGED_SOFTWARE_EXCEPTION  = 5,    /* INT1 (ICEBP) */
	VMX_INTR_SOFTWARE_EXCEPTION             = 6,    /* INT3, INTO */
	VMX_INTR_OTHER_EVENT                    = 7,    /* injection: vector 0 = pending MTF VM exit */
};

struct vmx_interruption_info {
	uint8_t vector;
	enum vmx_interruption_type type;        /* may hold the reserved value 1 */
	bool error_code;                        /* 11: error code valid / deliver error code */
	bool nmi_unblocking;                    /* 12: only meaningful in VM-exit interruption information */
	bool valid;                             /* 31 */
};

struct vmx_interruption_info vmx_decode_interruption_info(uint32_t field);

/* Valid bit set; vector taken modulo 256. */
uint32_t vmx_encode_interruption_info(unsigned vector, enum vmx_interruption_type type,
				      bool deliver_error_code);

/* "external interrupt", "hardware exception", ...; "reserved" for 1 and anything above 7. */
const char *vmx_interruption_type_name(unsigned type);

/*
 * The type to inject an exception or interrupt with when all veneer knows
 * is its vector (SDM Vol. 3C, "VM-Entry Controls for Event Injection":
 * use hardware exception for every exception except #BP and #OF, which
 * are software exceptions):
 *
 *   2           NMI
 *   3, 4        software exception (#BP from INT3, #OF from INTO); the
 *               injector must also write VM_ENTRY_INSTRUCTION_LENGTH
 *   0-31 else   hardware exception, #DB included: a #DB veneer raises
 *               (a single-step trap after emulating an instruction, ...)
 *               is a hardware exception.  Only a #DB caused by the
 *               INT1/ICEBP instruction is a privileged software
 *               exception, and that type arrives with the event in the
 *               IDT-vectoring information, so re-injection keeps it.
 *   32-255      external interrupt: what a virtual device raises.  An
 *               emulated INT n uses VMX_INTR_SOFTWARE_INTERRUPT instead.
 *
 * Vectors above 255 are taken modulo 256, as the 8-bit field would.
 */
enum vmx_interruption_type vmx_interruption_type_from_vector(unsigned vector);

/*
 * Whether the exception with this vector pushes an error code (SDM Vol.
 * 3A, table "Protected-Mode Exceptions and Interrupts"): #DF 8, #TS 10,
 * #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21.  This is the vector's
 * property; an injection delivers the code only as
 * vmx_injection_delivers_error_code() says.
 */
bool vmx_vector_has_error_code(unsigned vector);

/*
 * The VM-entry rule for the deliver-error-code bit (SDM Vol. 3C, "Checks
 * on VM-Entry Control Fields", event-injection checks): set if and only
 * if the type is hardware exception, the vector has an error code, and the
 * guest is in protected mode -- protected_mode meaning guest CR0.PE is 1
 * or "unrestricted guest" is 0.  (Processors with IA32_VMX_BASIC bit 56
 * relax this; veneer keeps to the strict rule.)
 */
bool vmx_injection_delivers_error_code(enum vmx_interruption_type type, unsigned vector,
				       bool protected_mode);

/* Software interrupts and (privileged) software exceptions need VM_ENTRY_INSTRUCTION_LENGTH. */
bool vmx_interruption_type_needs_instruction_length(enum vmx_interruption_type type);

/*
 * Checks a VM-entry interruption-information value against the
 * event-injection rules a VM entry enforces, so that a bad injection is a
 * clear message instead of VM-instruction error 7.  instruction_length is
 * what goes into VM_ENTRY_INSTRUCTION_LENGTH (ignored for types that do
 * not use it; required to be 1-15, the zero-length relaxation of
 * IA32_VMX_MISC bit 30 is not assumed).  A clear valid bit passes: nothing
 * is injected.  On failure *why (if why is not NULL) says which rule.
 */
bool vmx_entry_interruption_info_valid(uint32_t info, unsigned instruction_length,
				       bool protected_mode, const char **why);

/*
 * Re-injecting an event whose delivery a VM exit interrupted (the exit
 * set the valid bit of IDT_VECTORING_INFORMATION: an EPT violation while
 * pushing the exception frame, a task switch, ...).  The event was not
 * delivered, so the guest must see it again on the next entry (SDM Vol.
 * 3C, "Information for VM Exits That Occur During Event Delivery" and
 * "Event Injection").
 */
struct vmx_reinjection {
	uint32_t entry_interruption_info;       /* for VM_ENTRY_INTERRUPTION_INFORMATION */
	bool copy_error_code;                   /* IDT_VECTORING_ERROR_CODE -> VM_ENTRY_EXCEPTION_ERROR_CODE */
	bool copy_instruction_length;           /* VM_EXIT_INSTRUCTION_LENGTH -> VM_ENTRY_INSTRUCTION_LENGTH */
};

/*
 * Returns false (and leaves *out alone) when the valid bit is clear:
 * nothing to re-inject.  Otherwise the entry field keeps vector, type and
 * error-code bit, clears the bits that are undefined or reserved (12, 30:13)
 * and sets valid.  Software interrupts, software exceptions and privileged
 * software exceptions re-inject with the length of the instruction that
 * raised them, which the exit saved in VM_EXIT_INSTRUCTION_LENGTH.
 */
bool vmx_reinjection_from_idt_vectoring(uint32_t idt_vectoring_info, struct vmx_reinjection *out);

/*
 * Reflecting an exception while another event was being delivered (SDM
 * Vol. 3C, "Reflecting Exceptions to Guest Software"; the classes and
 * the rule are SDM Vol. 3A, "Interrupt 8—Double Fault Exception (#DF)",
 * tables "Interrupt and Exception Classes" and "Conditions for Generating
 * a Double Fault").
 */
enum vmx_exception_class {
	VMX_EXCEPTION_BENIGN,
	VMX_EXCEPTION_CONTRIBUTORY,     /* #DE 0, #TS 10, #NP 11, #SS 12, #GP 13, #CP 21 */
	VMX_EXCEPTION_PAGE_FAULT,       /* #PF 14, #VE 20 */
};

enum vmx_exception_class vmx_exception_class(unsigned vector);

/*
 * Whether the exception is a fault: reported before the instruction that
 * raised it, which is restarted (SDM Vol. 3A, table "Exceptions and
 * Interrupts", type column).  A fault's frame has RFLAGS.RF = 1 (SDM Vol.
 * 3A, "EFLAGS Register"/"Interrupt and Exception Handling": RF is set in
 * the image pushed for every fault but an instruction breakpoint).
 * #DB is a fault or a trap by cause; it counts as neither here.
 */
bool vmx_exception_is_fault(unsigned vector);

enum vmx_event_combination {
	VMX_DELIVER_SECOND,             /* handle serially: inject the new exception alone */
	VMX_DELIVER_DOUBLE_FAULT,       /* inject #DF with error code 0 */
	VMX_TRIPLE_FAULT,               /* the guest shuts down */
};

/*
 * What the processor would do when an exception with second_vector
 * occurs while delivering the event in first_info (IDT-vectoring
 * information format).  Only a hardware exception can be the first half
 * of a double fault: interrupts, NMIs and software-raised exceptions are
 * benign.  A first event with the valid bit clear means there was no
 * first event.
 */
enum vmx_event_combination vmx_combine_events(uint32_t first_info, unsigned second_vector);

#endif
