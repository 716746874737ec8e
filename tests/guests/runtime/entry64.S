/*
 * Entry of the 64-bit guests.  veneer starts them in long mode with
 * CS=0x08, DS/ES/SS=0x10, RSP=0x90000, RFLAGS=0x2, RDI='VENR' and
 * RSI=0x8000 (the command line).  Record those registers for test_boot.c,
 * move to the guest's own stack, zero .bss (the contract loads PT_LOAD
 * segments; zeroing here does not depend on veneer clearing the rest),
 * and call guest_start().
 */
#include "tests/guests/runtime/entry_state.h"

#define ENTRY_REG(n) (entry_regs + 8 * (n))

	.section .text.entry, "ax"
	.code64
	.global _start
_start:
	movq	%rax, ENTRY_REG(ENTRY_REG_AX)(%rip)
	movq	%rbx, ENTRY_REG(ENTRY_REG_BX)(%rip)
	movq	%rdi, ENTRY_REG(ENTRY_REG_DI)(%rip)
	movq	%rsi, ENTRY_REG(ENTRY_REG_SI)(%rip)
	movq	%rsp, ENTRY_REG(ENTRY_REG_SP)(%rip)
	leaq	stack_top(%rip), %rsp
	pushfq
	popq	ENTRY_REG(ENTRY_REG_FLAGS)(%rip)

	cld
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	call	guest_start
1:	cli				/* guest_start does not return */
	hlt
	jmp	1b

	.data
	.balign 8
	.global entry_regs
entry_regs:
	.fill	ENTRY_REG_COUNT, 8, 0

	.bss
	.balign 16
stack:
	.skip	16384
stack_top:
