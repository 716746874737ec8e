/*
 * One trip to CPL 3 and back, for the user-mode VMCALL test.
 *
 * long user_mode_vmcall(unsigned long function, void *user_stack_top)
 *
 * IRETQ to user code that runs VMCALL with RAX=function; the user code
 * then returns to the kernel with INT USER_RETURN_VECTOR, a DPL-3
 * interrupt gate to user_return_entry, which discards the interrupt frame
 * (it is on the TSS's RSP0 stack), restores the kernel stack and segments
 * and returns the RAX VMCALL left.  The VMCALL is a probe (probe.h): if
 * veneer injects an exception instead of returning, the handler records it
 * and resumes the user code at the INT.  No SYSCALL/SYSRET setup needed.
 */
#include "tests/guests/runtime/descriptors.h"

	.text
	.global	user_mode_vmcall
user_mode_vmcall:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, kernel_rsp(%rip)
	movq	%rdi, %rax			/* the function, for user_code */
	pushq	$GUEST_SEL_USER_DATA		/* SS */
	pushq	%rsi				/* RSP */
	pushq	$0x2				/* RFLAGS: interrupts stay off */
	pushq	$GUEST_SEL_USER_CODE64		/* CS */
	leaq	user_code(%rip), %rcx
	pushq	%rcx				/* RIP */
	iretq

user_code:					/* CPL 3 */
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
1:	vmcall
2:	int	$USER_RETURN_VECTOR
	ud2					/* not reached */
	.pushsection .probe_table, "a"
	.balign	8
	.quad	1b, 2b
	.popsection

	.global	user_return_entry
user_return_entry:				/* CPL 0, from the IDT */
	movq	kernel_rsp(%rip), %rsp
	/* Going to CPL 3 nulled the data segments, coming back nulled SS. */
	movl	$GUEST_SEL_DATA, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %fs
	movl	%ecx, %gs
	movl	%ecx, %ss
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.balign	8
kernel_rsp:
	.quad	0
