/*
 * Entry of both Multiboot test kernels.  The boot loader jumps here in
 * 32-bit protected mode with paging off, EAX = its magic, EBX = the
 * information structure, and ESP, GDTR and IDTR undefined (Multiboot
 * 0.6.96 section 3.2, Multiboot2 section 3.3).  Record those registers and
 * the segment selectors in mb_entry[] (mbguest.h), take the kernel's own
 * stack, zero .bss and call mb_main().  Nothing here loads a segment
 * register: main.c still has to look at the loader's segments.
 */
#include "tests/guests/multiboot/mbguest.h"

#define ENTRY(n) (mb_entry + 4 * (n))

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	movl	%eax, ENTRY(MB_ENTRY_EAX)
	movl	%ebx, ENTRY(MB_ENTRY_EBX)
	movl	%esp, ENTRY(MB_ENTRY_ESP)
	movl	$stack_top, %esp		/* the loader's ESP may point anywhere */
	pushfl
	popl	ENTRY(MB_ENTRY_EFLAGS)

	xorl	%eax, %eax			/* selectors are 16 bits: zero the rest */
	movw	%cs, %ax
	movl	%eax, ENTRY(MB_ENTRY_CS)
	movw	%ds, %ax
	movl	%eax, ENTRY(MB_ENTRY_DS)
	movw	%es, %ax
	movl	%eax, ENTRY(MB_ENTRY_ES)
	movw	%fs, %ax
	movl	%eax, ENTRY(MB_ENTRY_FS)
	movw	%gs, %ax
	movl	%eax, ENTRY(MB_ENTRY_GS)
	movw	%ss, %ax
	movl	%eax, ENTRY(MB_ENTRY_SS)

	cld					/* the specifications leave DF open */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	call	mb_main
1:	cli					/* mb_main does not return */
	hlt
	jmp	1b

	.data
	.balign	4
	.global	mb_entry
mb_entry:					/* .data: .bss is zeroed after it is written */
	.fill	MB_ENTRY_COUNT, 4, 0

	.bss
	.balign	16
stack:
	.skip	16384
stack_top:
