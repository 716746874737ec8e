/*
 * What the two halves of the floppy's program share (tests/disks/README.md):
 * the COM1 registers they print through, and assembler macros for printing.
 * Every line starts with "floppy: " so that a scenario can pick them out.
 */
#ifndef TESTS_DISKS_FLOPPY_H
#define TESTS_DISKS_FLOPPY_H

#define COM1            0x3F8
#define UART_DATA       0       /* DLAB=0 */
#define UART_IER        1       /* DLAB=0 */
#define UART_DLL        0       /* DLAB=1: divisor, low byte */
#define UART_DLM        1       /* DLAB=1: divisor, high byte */
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_LCR_DLAB   0x80
#define UART_LCR_8N1    0x03
#define UART_FCR_ON     0x07    /* FIFOs on, both cleared */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE   0x20    /* transmit holding register empty */
#define UART_DIVISOR_115200 1   /* 115200 baud from the 1.8432 MHz clock */

/* The last word of stage 2: sector 0 checks it after reading stage 2. */
#define STAGE2_MAGIC    0x32475453      /* "STG2" */

/* The text in the disk's last sector (cylinder 79, head 1, sector 18). */
#define LAST_SECTOR_TEXT "veneer floppy: last sector, C79 H1 S18"

/* The video text page the BIOS (and memdisk, through INT 10h) writes. */
#define VGA_TEXT_SEGMENT 0xB800
#define VGA_COLUMNS     80
#define VGA_ROWS        25

#ifdef __ASSEMBLY__
/* Print "floppy: " and TEXT; its string goes into SECTION. */
.macro SAY text, section=.rodata.stage2
	.pushsection \section, "a"
.Lsay\@:
	.asciz	"\text"
	.popsection
	movw	$.Lsay\@, %si
	call	say
.endm

/* Print TEXT. */
.macro PUT text, section=.rodata.stage2
	.pushsection \section, "a"
.Lput\@:
	.asciz	"\text"
	.popsection
	movw	$.Lput\@, %si
	call	puts
.endm

/* Print the low DIGITS hexadecimal digits of the 32-bit VALUE; clobbers EAX, CX. */
.macro HEX value, digits
	movl	\value, %eax
	movw	$\digits, %cx
	call	hex
.endm

/* Print the 32-bit VALUE in decimal; clobbers EAX. */
.macro DEC value
	movl	\value, %eax
	call	dec
.endm
#endif

#endif
