/*
 * Exception entry of the 32-bit guest: as exceptions64.S, with PUSHAD for
 * the registers and the frame pointer passed on the stack (cdecl).  No
 * privilege change happens in this guest, so the CPU pushes no SS:ESP.
 */

/* Vectors with an error code (SDM Vol. 3A, Table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.irp	vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign	16
exception_stub_\vector:
	.if	HAS_ERROR_CODE(\vector) == 0
	pushl	$0
	.endif
	pushl	$\vector
	jmp	exception_common
	.endr

exception_common:
	cld
	pushal
	movl	%esp, %ebx			/* callee-saved: the frame */
	andl	$-16, %esp
	subl	$12, %esp			/* 16-byte aligned at the call */
	pushl	%ebx
	call	trap_dispatch
	movl	%ebx, %esp
	popal
	addl	$8, %esp			/* vector and error code */
	iret

	.section .rodata
	.balign	4
	.global	exception_stubs
exception_stubs:
	.irp	vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long	exception_stub_\vector
	.endr
