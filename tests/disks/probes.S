/*
 * Stage 2 of build/disks/floppy.img (boot_sector.S loads it at 0000:7E00):
 * asks the BIOS what a real-mode program booted from this disk sees, one
 * "floppy: " line per answer on COM1, then halts.  Booted by syslinux's
 * memdisk (tests/scenarios/foreign-memdisk*.scn), each answer comes from
 * memdisk's hooks or through them:
 *
 *   - INT 13h AH=08h, the drive's geometry (memdisk's emulated floppy);
 *   - INT 13h AH=02h of the disk's last sector and the text it holds;
 *   - memdisk's installation check (INT 13h AX=454Dh, doc/memdisk.txt of
 *     syslinux) and its info structure: where it put the image, how much
 *     conventional memory there was before it took its share;
 *   - INT 15h E820h, every entry (memdisk reserves its own memory there),
 *     E801h and AH=88h;
 *   - INT 12h and the BIOS data area's word at 40:13h;
 *   - the text screen, row by row (memdisk prints its banner there).
 */
#include "tests/disks/floppy.h"

#define E820_SIGNATURE  0x534D4150      /* "SMAP" */
#define E820_MAX        32              /* enough for any BIOS here; a loop stops there */
#define TEXT_MAX        64              /* longest text printed from memory */

	.code16
	.section .stage2, "ax"
	.global stage2
stage2:
	call	drive_parameters
	call	read_last_sector
	call	memdisk_check
	call	e820_map
	call	e801_sizes
	call	extended_memory
	call	base_memory
	call	screen
	SAY	"done, halting"
	call	newline
	jmp	halt

/* INT 13h AH=08h: CX (cylinders and sectors), DH (last head), DL (drives), BL (type). */
drive_parameters:
	movb	$0x08, %ah
	movb	boot_drive, %dl
	xorw	%di, %di		/* ES:DI 0:0, as some BIOSes want for a floppy */
	pushw	%es
	int	$0x13
	call	keep_result
	popw	%es
	SAY	"INT 13h AH=08h: "
	call	print_cf_ah
	PUT	" BL=0x"
	HEX	result_ebx, 2
	PUT	" CX=0x"
	HEX	result_ecx, 4
	PUT	" DX=0x"
	HEX	result_edx, 4
	jmp	newline

/* INT 13h AH=02h of cylinder 79, head 1, sector 18: the last of a 1.44 MB disk. */
read_last_sector:
	movw	$sector_buffer, %di
	movw	$256, %cx
	xorw	%ax, %ax
	rep stosw			/* a read that fails shows no stale text */
	movw	$0x0201, %ax
	movw	$(79 << 8) | 18, %cx
	movb	$1, %dh
	movb	boot_drive, %dl
	movw	$sector_buffer, %bx
	int	$0x13
	call	keep_result
	SAY	"INT 13h AH=02h C79 H1 S18: "
	call	print_cf_ah
	PUT	" text '"
	movw	$sector_buffer, %si
	call	print_text
	PUT	"'"
	jmp	newline

/*
 * memdisk's installation check: INT 13h AH=08h with "EM" in EAX's high
 * half, "MD" in ECX's, "IS" in EDX's and "?K" in EBX's; memdisk answers
 * "!M", "EM", "DI", "SK" there and ES:DI at its info structure.
 */
memdisk_check:
	movl	$0x454D0800, %eax
	movl	$0x444D0000, %ecx
	movl	$0x53490000, %edx
	movb	boot_drive, %dl
	movl	$0x3F4B0000, %ebx
	pushw	%es
	int	$0x13
	call	keep_result
	popw	%es
	SAY	"memdisk check: CF="
	movzbl	result_cf, %eax
	call	dec
	PUT	" EAX=0x"
	HEX	result_eax, 8
	PUT	" EBX=0x"
	HEX	result_ebx, 8
	PUT	" ECX=0x"
	HEX	result_ecx, 8
	PUT	" EDX=0x"
	HEX	result_edx, 8
	call	newline
	cmpw	$0x4D21, result_eax + 2
	jne	1f
	cmpw	$0x4D45, result_ecx + 2
	jne	1f
	cmpw	$0x4944, result_edx + 2
	jne	1f
	cmpw	$0x4B53, result_ebx + 2
	jne	1f

	/* The info structure (30 bytes since memdisk 3.71). */
	movw	result_es, %fs
	movw	result_edi, %bx
	SAY	"memdisk info at 0x"
	HEX	result_es, 4
	PUT	":0x"
	HEX	result_edi, 4
	PUT	": version "
	movzbl	%fs:3(%bx), %eax
	call	dec
	PUT	"."
	movzbl	%fs:2(%bx), %eax
	HEX	%eax, 2
	PUT	", image at 0x"
	HEX	%fs:4(%bx), 8
	PUT	", "
	DEC	%fs:8(%bx)
	PUT	" sectors, conventional memory before it "
	movzwl	%fs:24(%bx), %eax
	call	dec
	PUT	" KiB"
	call	newline
	SAY	"memdisk command line '"
	pushw	%ds
	ldsw	%fs:12(%bx), %si
	call	print_text
	popw	%ds
	PUT	"'"
	jmp	newline
1:	SAY	"memdisk check: no memdisk answered"
	jmp	newline

/* INT 15h E820h from continuation 0 until EBX is 0 again or CF is set (ACPI, "System Address Map Interfaces"). */
e820_map:
	movl	$0, e820_count
	xorl	%ebx, %ebx
1:	movl	$0xE820, %eax
	movl	$E820_SIGNATURE, %edx
	movl	$20, %ecx
	movw	$e820_entry, %di
	int	$0x15
	call	keep_result
	jc	3f
	cmpl	$E820_SIGNATURE, %eax
	jne	4f
	incl	e820_count
	SAY	"E820 "
	HEX	e820_entry + 4, 8
	HEX	e820_entry, 8
	PUT	" +0x"
	HEX	e820_entry + 12, 8
	HEX	e820_entry + 8, 8
	PUT	" type "
	DEC	e820_entry + 16
	call	newline
	cmpl	$E820_MAX, e820_count
	jae	5f
	movl	result_ebx, %ebx
	testl	%ebx, %ebx
	jnz	1b
	SAY	"E820 ended with EBX=0 after "
	jmp	6f
3:	SAY	"E820 ended with CF=1 (EAX=0x"
	HEX	result_eax, 8
	PUT	") after "
	jmp	6f
4:	SAY	"E820 ended without SMAP in EAX (0x"
	HEX	result_eax, 8
	PUT	") after "
	jmp	6f
5:	SAY	"E820 stopped after "
6:	DEC	e820_count
	PUT	" entries"
	jmp	newline

/* INT 15h E801h: AX/CX KiB between 1 and 16 MiB, BX/DX 64 KiB blocks above. */
e801_sizes:
	movw	$0xE801, %ax
	xorw	%bx, %bx
	xorw	%cx, %cx
	xorw	%dx, %dx
	int	$0x15
	call	keep_result
	SAY	"INT 15h E801h: CF="
	movzbl	result_cf, %eax
	call	dec
	PUT	" AX=0x"
	HEX	result_eax, 4
	PUT	" BX=0x"
	HEX	result_ebx, 4
	PUT	" CX=0x"
	HEX	result_ecx, 4
	PUT	" DX=0x"
	HEX	result_edx, 4
	jmp	newline

/* INT 15h AH=88h: KiB of extended memory from 1 MiB (at most 63 MiB). */
extended_memory:
	movb	$0x88, %ah
	int	$0x15
	call	keep_result
	SAY	"INT 15h AH=88h: CF="
	movzbl	result_cf, %eax
	call	dec
	PUT	" AX=0x"
	HEX	result_eax, 4
	jmp	newline

/* INT 12h and the BIOS data area's count of conventional memory (memdisk lowers it). */
base_memory:
	int	$0x12
	call	keep_result
	SAY	"INT 12h: "
	movzwl	result_eax, %eax
	call	dec
	PUT	" KiB, BIOS data area 40:13h: "
	movzwl	0x413, %eax
	call	dec
	PUT	" KiB"
	jmp	newline

/* The text screen, each row that is not blank, without its trailing blanks. */
screen:
	movw	$VGA_TEXT_SEGMENT, %ax
	movw	%ax, %fs
	xorw	%bx, %bx		/* the row's first cell */
1:	movw	$VGA_COLUMNS, %cx	/* find its last character that is not blank */
2:	movw	%cx, %di
	shlw	%di
	movb	%fs:-2(%bx, %di), %al
	cmpb	$' ', %al
	ja	3f
	loop	2b
	jmp	5f			/* a blank row */
3:	SAY	"screen: "
	xorw	%di, %di
4:	movb	%fs:(%bx, %di), %al
	call	printable
	call	putc
	addw	$2, %di
	loop	4b
	call	newline
5:	addw	$2 * VGA_COLUMNS, %bx
	cmpw	$2 * VGA_COLUMNS * VGA_ROWS, %bx
	jb	1b
	ret

/* Print the NUL-terminated text at DS:SI, at most TEXT_MAX characters. */
print_text:
	pushal
	movw	$TEXT_MAX, %cx
1:	lodsb
	testb	%al, %al
	jz	2f
	call	printable
	call	putc
	loop	1b
2:	popal
	ret

/* AL, or '.' when it is not printable ASCII. */
printable:
	cmpb	$' ', %al
	jb	1f
	cmpb	$'~', %al
	jbe	2f
1:	movb	$'.', %al
2:	ret

/* Print EAX in decimal. */
dec:
	pushal
	movl	$10, %ebx
	xorw	%cx, %cx
1:	xorl	%edx, %edx
	divl	%ebx
	pushw	%dx
	incw	%cx
	testl	%eax, %eax
	jnz	1b
2:	popw	%ax
	addb	$'0', %al
	call	putc
	loop	2b
	popal
	ret

	/* The last word of stage 2: sector 0 finds it once stage 2 is read. */
	.section .stage2.end, "a"
	.global stage2_marker
stage2_marker:
	.long	STAGE2_MAGIC

	/* The disk's last sector: its text, then zeros (floppy.ld places it). */
	.section .last_sector, "a"
	.asciz	LAST_SECTOR_TEXT

	.bss
	.balign 4
e820_count:	.skip	4
e820_entry:	.skip	24
	.balign 16
sector_buffer:	.skip	512
