/* Exception handling: vectors, the saved frame, and the reports. */
#ifndef VENEER_ARCH_EXCEPTIONS_H
#define VENEER_ARCH_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/registers.h"

enum exception_vector {
	VECTOR_DE = 0,  VECTOR_DB = 1,  VECTOR_NMI = 2, VECTOR_BP = 3,
	VECTOR_OF = 4,  VECTOR_BR = 5,  VECTOR_UD = 6,  VECTOR_NM = 7,
	VECTOR_DF = 8,  VECTOR_TS = 10, VECTOR_NP = 11, VECTOR_SS = 12,
	VECTOR_GP = 13, VECTOR_PF = 14, VECTOR_MF = 16, VECTOR_AC = 17,
	VECTOR_MC = 18, VECTOR_XM = 19, VECTOR_VE = 20, VECTOR_CP = 21,
	VECTOR_HV = 28, VECTOR_VC = 29, VECTOR_SX = 30,
};

/* What exception_common leaves on the stack, lowest address first. */
struct exception_frame {
	struct general_registers regs;
	uint64_t vector;
	uint64_t error_code;
	/* Pushed by the CPU (SDM Vol. 3A, 7.14.2). */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

/*
 * Set in exception_frame.vector by the handler when the event was an
 * interrupt at a vector whose exception pushes an error code: the CPU
 * pushed none, so error_code holds RIP and so on (exception_entry.S).
 */
#define EXCEPTION_FRAME_NO_ERROR_CODE   (1ULL << 63)

const char *exception_mnemonic(unsigned vector);  /* "#PF" */
const char *exception_name(unsigned vector);      /* "page fault" */

void exception_handler(struct exception_frame *frame);
/*
 * Set by the VMX code: true when an NMI that reached veneer's IDT belongs
 * to the guest this CPU runs and was kept for it; otherwise the NMI is
 * noted and ignored.
 */
extern bool (*exception_nmi_for_guest)(void);
/* An interrupt at vectors 32-255: acknowledged, and noted unless it is veneer's wake-up IPI. */
void interrupt_absorb(void);

#endif
