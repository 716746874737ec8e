/*
 * Entering the guest and coming back.
 *
 * vmx_launch(struct vcpu *vcpu) saves the hypervisor's callee-saved
 * registers, remembers its stack in vcpu->host_rsp, loads the guest's
 * registers from vcpu->regs and executes VMLAUNCH (or VMRESUME for a vCPU
 * already launched).  It returns only when the vCPU leaves the loop: the
 * exit handler said stop (VMX_RUN_STOPPED) or a VM entry failed
 * (VMX_RUN_FAIL_INVALID / VMX_RUN_FAIL_VALID, from CF and ZF).
 *
 * On a VM exit the CPU loads HOST_RSP = &vcpu->host_rsp, so the pushes of
 * SAVE_GENERAL_REGISTERS land exactly in vcpu->regs and leave %rsp
 * pointing at the vcpu itself.  The stub then moves to the hypervisor
 * stack, calls vmx_handle_exit(vcpu) and, if it returns true, pops the
 * guest's registers straight from vcpu->regs and resumes.  That is the
 * whole hot path: 16 pushes, one call, one test for a held NMI, 16 pops,
 * VMRESUME.
 */
#include "arch/registers_asm.h"
#include "vmx/vmx_entry.h"

	.text
	.global vmx_launch
vmx_launch:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi				/* keeps the stack 16-byte aligned for the handler call */
	movq	%rsp, VCPU_HOST_RSP(%rdi)
	movb	VCPU_LAUNCHED(%rdi), %al
	movb	$1, VCPU_LAUNCHED(%rdi)		/* from now on the VMCS is launched, or this entry failed */
	movq	%rdi, %rsp
	testb	%al, %al
	RESTORE_GENERAL_REGISTERS		/* leaves %rsp = &vcpu->host_rsp; does not touch flags */
	jnz	1f
	vmlaunch
	jmp	entry_failed
1:	vmresume
	jmp	entry_failed

	.global vmx_exit_stub
vmx_exit_stub:
	SAVE_GENERAL_REGISTERS			/* %rsp = vcpu */
	movq	%rsp, %rbx			/* callee-saved: survives the call */
	movq	VCPU_HOST_RSP(%rbx), %rsp
	movq	%rbx, %rdi
	call	vmx_handle_exit
	testb	%al, %al
	jz	guest_stopped
	/* An NMI of the guest's that came while in VMX root: injected now if it can be (vmx/vcpu_nmi.c). */
	cmpb	$0, VCPU_NMI_PENDING(%rbx)
	jne	inject_nmi
resume:
	movq	%rbx, %rsp
	RESTORE_GENERAL_REGISTERS
	vmresume
	/* fall through: VMRESUME failed */

entry_failed:
	/* %rsp = &vcpu->host_rsp; the guest's registers are lost from the CPU but still in vcpu->regs. */
	movl	$VMX_RUN_FAIL_VALID, %eax
	movl	$VMX_RUN_FAIL_INVALID, %ecx
	cmovcl	%ecx, %eax			/* CF: VMfailInvalid; otherwise ZF: VMfailValid */
	movq	(%rsp), %rsp
	jmp	leave_launch

inject_nmi:
	movq	%rbx, %rdi
	call	vcpu_inject_pending_nmi
	jmp	resume
guest_stopped:
	movl	$VMX_RUN_STOPPED, %eax
leave_launch:
	popq	%rdi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
