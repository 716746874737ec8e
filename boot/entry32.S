/*
 * 32-bit entry: GRUB jumps here in protected mode with paging off,
 * EAX = boot loader magic, EBX = physical address of the boot information
 * (Multiboot2 specification, section 3.3).  The image is position
 * independent and may sit anywhere below 4 GiB (the relocatable header
 * tag), so this code first finds its own address, then applies the
 * image's relocations (every absolute address the compiler left in data is
 * an R_X86_64_RELATIVE entry between __rela_start and __rela_end), checks
 * that we were loaded the way we expect and that the CPU can run us,
 * builds an identity map of the first 4 GiB with 2 MiB pages, enters long
 * mode (SDM Vol. 3A, 10.8.5) and calls kernel_main(magic, info) in C.
 * kernel_main replaces these page tables with W^X ones as soon as it knows
 * the memory map.
 *
 * Until the relocations are applied only position-independent code runs:
 * every address is EBP (the run-time address of label "here") plus a
 * link-time difference.
 *
 * Failure here cannot use the C console code, so a tiny writer prints the
 * reason to the VGA text buffer and to COM1, then the CPU halts for good.
 */
#include "boot/multiboot2_abi.h"
#include "boot/boot_layout.h"

#define COM1            0x3F8
#define CR0_PE          (1 << 0)
#define CR0_NW          (1 << 29)
#define CR0_CD          (1 << 30)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xC0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define PTE_PRESENT     (1 << 0)
#define PTE_WRITABLE    (1 << 1)
#define PTE_LARGE       (1 << 7)

	.code32
	.section .boot.text, "ax"
	.global _start
_start:
	cli
	cld
	/*
	 * No stack yet (Multiboot leaves ESP undefined) and no known address:
	 * borrow the second word of the boot information (reserved in
	 * Multiboot2, mem_lower in Multiboot 1) as a one-word stack for a CALL
	 * that reveals EIP, then put the word back.
	 */
	movl	%eax, %edi			/* magic */
	movl	4(%ebx), %ecx
	leal	8(%ebx), %esp
	call	here
here:	popl	%ebp
	movl	%ecx, 4(%ebx)
	leal	(boot_stack_top - here)(%ebp), %esp
	movl	%ebx, (boot_info_saved - here)(%ebp)

	/* delta = where we run - where we were linked; the relocations add it. */
	leal	(__kernel_start - here)(%ebp), %eax
	subl	$KERNEL_LINK_ADDRESS, %eax
	leal	(__rela_start - here)(%ebp), %esi
	leal	(__rela_end - here)(%ebp), %edx
0:	cmpl	%edx, %esi
	jae	0f
	/* Elf64_Rela: r_offset, r_info, r_addend; the build checks every entry is R_X86_64_RELATIVE below 4 GiB. */
	movl	0(%esi), %ebx
	addl	%eax, %ebx			/* the field, where it is now */
	movl	16(%esi), %ecx
	addl	%eax, %ecx			/* the address it holds, where that is now */
	movl	%ecx, 0(%ebx)
	movl	$0, 4(%ebx)
	addl	$24, %esi
	jmp	0b
0:
	call	early_serial_init

	cmpl	$MB2_BOOTLOADER_MAGIC, %edi
	je	1f
	leal	(msg_multiboot1 - here)(%ebp), %esi
	cmpl	$MULTIBOOT1_BOOTLOADER_MAGIC, %edi
	je	early_fail
	leal	(msg_bad_magic - here)(%ebp), %esi
	jmp	early_fail
1:
	/* CPUID exists when EFLAGS.ID (bit 21) can be toggled. */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$(1 << 21), %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	leal	(msg_no_cpuid - here)(%ebp), %esi
	je	early_fail

	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	leal	(msg_no_long_mode - here)(%ebp), %esi
	jb	early_fail
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx		/* CPUID.80000001H:EDX.LM */
	jz	early_fail
	xorl	%ebx, %ebx
	testl	$(1 << 20), %edx		/* CPUID.80000001H:EDX.NX */
	jz	2f
	movl	$EFER_NXE, %ebx
	movl	$1, (boot_cpu_has_nx - here)(%ebp)
2:
	/* Identity map 0..4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
	leal	(boot_pdpt - here)(%ebp), %eax
	orl	$(PTE_PRESENT | PTE_WRITABLE), %eax
	movl	%eax, (boot_pml4 - here)(%ebp)

	leal	(boot_pd - here)(%ebp), %eax
	orl	$(PTE_PRESENT | PTE_WRITABLE), %eax
	leal	(boot_pdpt - here)(%ebp), %edx
	xorl	%ecx, %ecx
3:	movl	%eax, (%edx, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	3b

	leal	(boot_pd - here)(%ebp), %edx
	xorl	%ecx, %ecx			/* ecx = 2 MiB page number 0..2047 */
4:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_PRESENT | PTE_WRITABLE | PTE_LARGE), %eax
	movl	%eax, (%edx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax			/* bits 32+ of the address: page >> 11 */
	movl	%eax, 4(%edx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	4b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	leal	(boot_pml4 - here)(%ebp), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	orl	%ebx, %eax
	wrmsr
	/*
	 * Caches on: a CPU comes out of reset with CR0.CD and NW set and not
	 * every firmware clears them.  VM entry never loads CD and NW, so
	 * guests inherit ours (SDM Vol. 3C, "Loading Guest Control Registers").
	 */
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW), %eax
	orl	$(CR0_PE | CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	/* The GDT pointer and the far jump's target hold run-time addresses: fill them in. */
	leal	(boot_gdt - here)(%ebp), %eax
	movl	%eax, (boot_gdt_pointer + 2 - here)(%ebp)
	leal	(entry64 - here)(%ebp), %eax
	movl	%eax, (entry64_pointer - here)(%ebp)
	lgdt	(boot_gdt_pointer - here)(%ebp)
	ljmp	*(entry64_pointer - here)(%ebp)

/* Program COM1 for 115200 8N1 so early failures are visible on a serial line. */
early_serial_init:
	movw	$COM1 + 1, %dx
	xorb	%al, %al
	outb	%al, %dx			/* no interrupts */
	movw	$COM1 + 3, %dx
	movb	$0x80, %al
	outb	%al, %dx			/* DLAB on */
	movw	$COM1 + 0, %dx
	movb	$1, %al
	outb	%al, %dx			/* divisor 1 = 115200 baud */
	movw	$COM1 + 1, %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$COM1 + 3, %dx
	movb	$0x03, %al
	outb	%al, %dx			/* 8N1, DLAB off */
	ret

/* Print the NUL-terminated string at ESI on VGA text (white on red) and COM1, then halt forever (any address: no relocation needed). */
early_fail:
	movl	$0xB8000, %edi
5:	lodsb
	testb	%al, %al
	jz	8f
	movb	%al, %ah
	movw	$COM1 + 5, %dx
	movl	$100000, %ecx			/* bounded wait: a missing UART must not hang us here */
6:	inb	%dx, %al
	testb	$0x20, %al
	jnz	7f
	loop	6b
7:	movw	$COM1, %dx
	movb	%ah, %al
	outb	%al, %dx
	cmpb	$'\n', %al
	je	5b
	movb	$0x4F, %ah
	movw	%ax, (%edi)
	addl	$2, %edi
	jmp	5b
8:	cli
	hlt
	jmp	8b

	.section .boot.rodata, "a"
msg_bad_magic:
	.asciz	"veneer: not started by a Multiboot2 boot loader (bad magic in EAX); halting.\r\n"
msg_multiboot1:
	.asciz	"veneer: loaded with Multiboot version 1; use 'multiboot2' (not 'multiboot') in the GRUB entry. Halting.\r\n"
msg_no_cpuid:
	.asciz	"veneer: this CPU has no CPUID instruction; veneer needs a 64-bit CPU with Intel VT-x. Halting.\r\n"
msg_no_long_mode:
	.asciz	"veneer: this CPU does not support 64-bit long mode; veneer needs a 64-bit CPU with Intel VT-x. Halting.\r\n"

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00AF9A000000FFFF		/* 64-bit code, DPL 0 */
	.quad	0x00CF92000000FFFF		/* data, DPL 0 */
boot_gdt_end:

	.code64
	.section .boot.text, "ax"
entry64:
	movw	$BOOT_GDT_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp			/* terminates stack traces */
	movl	%edi, %edi			/* magic, zero-extended: first argument */
	movl	boot_info_saved(%rip), %esi
	call	kernel_main
9:	cli
	hlt
	jmp	9b

	/* Written by the 32-bit code above before it has relocated anything. */
	.section .data
	.balign 8
boot_gdt_pointer:
	.short	boot_gdt_end - boot_gdt - 1
	.long	0				/* boot_gdt, at run time */
	.balign 8
entry64_pointer:
	.long	0				/* entry64, at run time */
	.short	BOOT_GDT_CODE64

	.section .boot.bss, "aw", @nobits
	.balign 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * 4
	/* The page below the boot stack is left unmapped by arch/paging.c: an overflow faults. */
	.global boot_stack_guard
	.balign 4096
boot_stack_guard: .skip 4096
	.global boot_stack_top
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
	.global boot_cpu_has_nx
boot_cpu_has_nx: .long 0
boot_info_saved: .long 0
