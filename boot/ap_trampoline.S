/*
 * Start-up code for the application processors.  The boot CPU copies the
 * bytes between ap_trampoline_start and ap_trampoline_end to a page below
 * 1 MiB and sends INIT-SIPI-SIPI with that page's number as the vector
 * (SDM Vol. 3A, 9.4.4 "MP Initialization Example").  The AP starts in
 * real mode with CS = page << 8 and IP = 0, so the code addresses
 * everything relative to its own base: EBX holds that base throughout.
 * It goes to protected mode, turns on PAE paging with the boot page tables
 * (identity map of 4 GiB) and long mode, and jumps to ap_entry64 in the
 * kernel image, which continues with the parameters in the block.
 */
#include "boot/ap_trampoline.h"

#define CR0_PE          (1 << 0)
#define CR0_NW          (1 << 29)
#define CR0_CD          (1 << 30)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xC0000080

	.section .rodata.ap_trampoline, "a"
	.code16
	.global ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx				/* ebx = physical base of this page */

	lgdtl	AP_PARAMS_OFFSET + AP_PARAM_GDT
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*AP_PARAMS_OFFSET + AP_PARAM_PROTECTED_JUMP

	.code32
	.global ap_trampoline_protected
ap_trampoline_protected:
	movw	$AP_GDT_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	AP_PARAMS_OFFSET + AP_PARAM_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	AP_PARAMS_OFFSET + AP_PARAM_EFER(%ebx), %eax
	wrmsr
	/* Caches on: after INIT, CR0.CD and NW are set (SDM Vol. 3A, 10.1.1 "Processor State After Reset"). */
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW), %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	*AP_PARAMS_OFFSET + AP_PARAM_LONG_JUMP(%ebx)

	/* The trampoline's own GDT: flat 32-bit code and data, and 64-bit code. */
	.balign 8
	.global ap_trampoline_gdt
ap_trampoline_gdt:
	.quad	0
	.quad	0x00CF9A000000FFFF			/* AP_GDT_CODE32 */
	.quad	0x00CF92000000FFFF			/* AP_GDT_DATA */
	.quad	0x00AF9A000000FFFF			/* AP_GDT_CODE64 */
	.global ap_trampoline_gdt_end
ap_trampoline_gdt_end:
	.global ap_trampoline_end
ap_trampoline_end:

	/* 64-bit code runs in place, in the kernel image. */
	.text
	.code64
	.global ap_entry64
ap_entry64:
	movl	%ebx, %ebx				/* upper halves are undefined after the switch to 64-bit mode */
	movw	$AP_GDT_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	AP_PARAMS_OFFSET + AP_PARAM_STACK(%rbx), %rsp
	movq	AP_PARAMS_OFFSET + AP_PARAM_PERCPU(%rbx), %rdi
	xorl	%ebp, %ebp
	call	ap_main
1:	cli
	hlt
	jmp	1b
