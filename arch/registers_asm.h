/*
 * Assembly macros that build and tear down a struct general_registers on
 * the stack (arch/registers.h).  Pushing r15 first and rax last leaves rax
 * at the lowest address, so after SAVE_GENERAL_REGISTERS %rsp points at
 * the frame.  The RSP slot is an 8-byte gap.  RESTORE pops in the reverse
 * order.  Used by the exception entry and by the VM-exit stub.
 */
#ifndef VENEER_ARCH_REGISTERS_ASM_H
#define VENEER_ARCH_REGISTERS_ASM_H

#ifdef __ASSEMBLY__

.macro SAVE_GENERAL_REGISTERS
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%r11
	pushq	%r10
	pushq	%r9
	pushq	%r8
	pushq	%rdi
	pushq	%rsi
	pushq	%rbp
	leaq	-8(%rsp), %rsp		/* RSP slot: unused (lea: flags untouched) */
	pushq	%rbx
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
.endm

.macro RESTORE_GENERAL_REGISTERS
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rbx
	leaq	8(%rsp), %rsp		/* RSP slot (lea: flags untouched) */
	popq	%rbp
	popq	%rsi
	popq	%rdi
	popq	%r8
	popq	%r9
	popq	%r10
	popq	%r11
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
.endm

#endif
#endif
