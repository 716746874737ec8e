/*
 * Entry points for the 32 exception vectors and the NMI.  Each stub makes
 * the stack uniform (a dummy error code where the CPU pushes none, then the
 * vector number), saves the general registers as a struct
 * general_registers and calls exception_handler(struct exception_frame *).
 * If the handler returns (a fixed-up #GP from rdmsr_safe, say), the frame
 * is restored and IRETQ resumes at the possibly changed RIP.
 *
 * Vectors 16-31 may also arrive as interrupts (a fixed IPI from the guest),
 * and an interrupt pushes no error code.  For a vector that has one as an
 * exception, the handler then sets EXCEPTION_FRAME_NO_ERROR_CODE in the
 * frame's vector, and only the vector is popped before IRETQ.
 */
#include "arch/registers_asm.h"

#define EXCEPTION_FRAME_NO_ERROR_CODE_BIT 63

/* Vectors for which the CPU pushes an error code (SDM Vol. 3A, Table 7-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* The table of stub addresses, in vector order, is filled in by the macro. */
	.section .rodata
	.balign 8
	.global exception_stubs
exception_stubs:

	.text
.macro EXCEPTION_STUB vector
	.balign 16
exception_stub_\vector:
	.if HAS_ERROR_CODE(\vector) == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
	.pushsection .rodata
	.quad	exception_stub_\vector
	.popsection
.endm

	.altmacro
.set vector, 0
.rept 32
	EXCEPTION_STUB %vector
	.set vector, vector + 1
.endr

exception_common:
	cld
	SAVE_GENERAL_REGISTERS
	movq	%rsp, %rdi
	/* Align the stack for the C call; the frame pointer chain starts afresh. */
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	exception_handler
	movq	%rbx, %rsp
	RESTORE_GENERAL_REGISTERS
	btq	$EXCEPTION_FRAME_NO_ERROR_CODE_BIT, (%rsp)
	jc	1f
	addq	$16, %rsp			/* vector and error code */
	iretq
1:	addq	$8, %rsp			/* vector: the CPU pushed no error code */
	iretq


/*
 * Every interrupt vector (32-255): the wake-up IPI (VECTOR_WAKEUP) only has
 * to end the HLT of an idle CPU; anything else (a stray device interrupt,
 * an IPI the guest sent) is noted and acknowledged by interrupt_absorb().
 */
	.global wakeup_interrupt
wakeup_interrupt:
	cld
	SAVE_GENERAL_REGISTERS
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	interrupt_absorb
	movq	%rbx, %rsp
	RESTORE_GENERAL_REGISTERS
	iretq
