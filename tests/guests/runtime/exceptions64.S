/*
 * Exception entry of the 64-bit guests.  Each vector's stub makes the
 * stack look the same for all (a zero where the CPU pushes no error code,
 * then the vector), the common path saves the general registers as a
 * struct trap_frame (trap.h) and calls trap_dispatch(), which may change
 * the saved RIP (a probed instruction resumes after itself).
 */

/* Vectors with an error code (SDM Vol. 3A, Table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.irp	vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign	16
exception_stub_\vector:
	.if	HAS_ERROR_CODE(\vector) == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
	.endr

exception_common:
	cld
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	movq	%rsp, %rbx			/* callee-saved: the frame */
	andq	$-16, %rsp			/* the ABI's alignment for the call */
	call	trap_dispatch
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector and error code */
	iretq

	.section .rodata
	.balign	8
	.global	exception_stubs
exception_stubs:
	.irp	vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exception_stub_\vector
	.endr
