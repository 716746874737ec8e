/*
 * Entry of the 32-bit guest.  veneer starts it in protected mode with
 * paging off: CS=0x18, DS/ES/SS=0x10, ESP=0x90000, EAX='VENR', EBX=0x8000
 * (the command line), CR0=PE|ET|NE.  Record those registers for
 * test_boot.c, move to the guest's own stack, zero .bss and call
 * guest_start().
 */
#include "tests/guests/runtime/entry_state.h"

#define ENTRY_REG(n) (entry_regs + 4 * (n))

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	movl	%eax, ENTRY_REG(ENTRY_REG_AX)
	movl	%ebx, ENTRY_REG(ENTRY_REG_BX)
	movl	%edi, ENTRY_REG(ENTRY_REG_DI)
	movl	%esi, ENTRY_REG(ENTRY_REG_SI)
	movl	%esp, ENTRY_REG(ENTRY_REG_SP)
	movl	$stack_top, %esp
	pushfl
	popl	ENTRY_REG(ENTRY_REG_FLAGS)

	cld
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	call	guest_start
1:	cli				/* guest_start does not return */
	hlt
	jmp	1b

	.data
	.balign 4
	.global entry_regs
entry_regs:
	.fill	ENTRY_REG_COUNT, 4, 0

	.bss
	.balign 16
stack:
	.skip	16384
stack_top:
