/*
 * Sector 0 of build/disks/floppy.img: what the BIOS (or memdisk's INT 13h
 * hook standing in for a floppy drive) loads at 0000:7C00 and jumps to, in
 * real mode, with the boot drive in DL.  It says which drive it came from,
 * reads the rest of the program (stage 2, probes.S) from the following
 * sectors with INT 13h AH=02h, and runs it.  It also holds the printing
 * routines both halves use: COM1 at 115200 8N1, as the in-guest tests and
 * veneer print.  Every routine here keeps every register.
 */
#include "tests/disks/floppy.h"

	.code16
	.section .boot, "ax"
	.global _start
_start:
	/* Some BIOSes jump to 07C0:0000; the code is linked for CS=0. */
	ljmp	$0, $1f
1:	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7C00, %sp		/* below the boot sector, in free conventional memory */
	sti
	cld
	movb	%dl, boot_drive
	call	com1_init

	SAY	"booted from drive 0x", .rodata.boot
	HEX	boot_drive, 2
	call	newline

	/* Stage 2 follows this sector: cylinder 0, head 0, sectors 2 onwards. */
	movb	$0x02, %ah
	movb	$stage2_sectors, %al	/* floppy.ld counts them */
	movw	$0x0002, %cx
	movb	$0, %dh
	movb	boot_drive, %dl
	movw	$stage2_start, %bx	/* ES:BX = 0000:7E00 */
	int	$0x13
	call	keep_result
	SAY	"INT 13h AH=02h C0 H0 S2, stage 2: ", .rodata.boot
	call	print_cf_ah
	cmpl	$STAGE2_MAGIC, stage2_marker
	jne	1f
	PUT	", marker found", .rodata.boot
	call	newline
	jmp	stage2
1:	PUT	", marker missing", .rodata.boot
	call	newline
	/* fall through */

/* The end: halting with interrupts off (a run under veneer ends there too). */
	.global halt
halt:
	cli
	hlt
	jmp	halt

/* COM1 at 115200 8N1 with its FIFOs on (the 16550's registers). */
com1_init:
	pushal
	movw	$COM1 + UART_IER, %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$COM1 + UART_LCR, %dx
	movb	$UART_LCR_DLAB, %al
	outb	%al, %dx
	movw	$COM1 + UART_DLL, %dx
	movb	$UART_DIVISOR_115200, %al
	outb	%al, %dx
	incw	%dx			/* UART_DLM */
	xorb	%al, %al
	outb	%al, %dx
	movw	$COM1 + UART_LCR, %dx
	movb	$UART_LCR_8N1, %al
	outb	%al, %dx
	movw	$COM1 + UART_FCR, %dx
	movb	$UART_FCR_ON, %al
	outb	%al, %dx
	movw	$COM1 + UART_MCR, %dx
	movb	$UART_MCR_DTR_RTS, %al
	outb	%al, %dx
	popal
	ret

/* Send AL, once the transmitter is empty (a bounded wait: no UART, no hang). */
	.global putc
putc:
	pushal
	movb	%al, %bl
	movw	$COM1 + UART_LSR, %dx
	xorw	%cx, %cx
1:	inb	%dx, %al
	testb	$UART_LSR_THRE, %al
	loopz	1b
	movb	%bl, %al
	movw	$COM1 + UART_DATA, %dx
	outb	%al, %dx
	popal
	ret

/* Print the NUL-terminated string at DS:SI; "say" starts a line with "floppy: " first. */
	.global say, puts
say:
	pushw	%si
	movw	$line_prefix, %si
	call	puts
	popw	%si
puts:
	pushal
1:	lodsb
	testb	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	popal
	ret

	.global newline
newline:
	pushal
	movb	$'\r', %al
	call	putc
	movb	$'\n', %al
	call	putc
	popal
	ret

/* Print the low CX (1-8) hexadecimal digits of EAX. */
	.global hex
hex:
	pushal
	movl	%eax, %edx
	movw	%cx, %bx
	shlw	$2, %cx			/* rotate right by 4*CX: the first digit is then on top */
	rorl	%cl, %edx
	movw	%bx, %cx
1:	roll	$4, %edx
	movb	%dl, %al
	andb	$0x0F, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	2f
	addb	$'a' - '0' - 10, %al
2:	call	putc
	loop	1b
	popal
	ret

/*
 * Right after a BIOS call: keep what it returned (CF and the registers)
 * for the printing that follows.  A call changes no flag.
 */
	.global keep_result
keep_result:
	setc	result_cf
	movl	%eax, result_eax
	movl	%ebx, result_ebx
	movl	%ecx, result_ecx
	movl	%edx, result_edx
	movl	%edi, result_edi
	movw	%es, result_es
	ret

/* "CF=c AH=0xhh" of the last BIOS call. */
	.global print_cf_ah
print_cf_ah:
	pushal
	PUT	"CF=", .rodata.boot
	movzbl	result_cf, %eax
	movw	$1, %cx
	call	hex
	PUT	" AH=0x", .rodata.boot
	movzbl	result_eax + 1, %eax
	movw	$2, %cx
	call	hex
	popal
	ret

	.section .rodata.boot, "a"
line_prefix:
	.asciz	"floppy: "

	/* What the BIOS calls returned, and the boot drive: below the boot sector, not in the image. */
	.bss
	.global boot_drive, result_cf, result_eax, result_ebx, result_ecx, result_edx, result_edi, result_es
boot_drive:	.skip	1
result_cf:	.skip	1
result_es:	.skip	2
result_eax:	.skip	4
result_ebx:	.skip	4
result_ecx:	.skip	4
result_edx:	.skip	4
result_edi:	.skip	4
