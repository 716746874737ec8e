/*
 * The SMI handler that moves a CPU's SMBASE (SDM Vol. 3C, 34.11 "SMBASE
 * Relocation").  veneer copies it to the default entry point 38000H and
 * sends each CPU an SMI (kernel/smbase.c).  A CPU whose SMBASE is still
 * the default one runs it in SMM: real-address-like, CS base SMBASE and
 * IP 8000H, DS base 0 with a 4 GiB limit (SDM Vol. 3C, 34.5.1 "Initial
 * SMM Execution Environment", Table 34-4), so the addr32 prefix reaches
 * any address below 4 GiB through DS.  It finds its parameter slot by its
 * initial APIC ID (CPUID.1:EBX[31:24]), copies the SMBASE field and the
 * SMM revision identifier out of the state save map there (Intel 64 map,
 * Table 34-3: the CPU ran veneer's 64-bit code when the SMI came), and
 * writes the slot's new SMBASE into the SMBASE field only if there is one,
 * the revision identifier says the processor supports relocation (bit 17)
 * and the field holds the default SMBASE, as it must when the map is the
 * one expected.  RSM returns to where the SMI interrupted, with every
 * register this code changed restored from the save map, and takes the
 * SMBASE field as the CPU's SMBASE from then on.  The done marker, written
 * last, tells veneer that this handler, not the firmware's, answered.
 */
#include "kernel/smbase_layout.h"

#define SAVED(offset)           (SMM_DEFAULT_SMBASE + (offset))

	.section .rodata.smm_relocation, "a"
	.code16
	.global smm_relocation_start
smm_relocation_start:
	movl	$1, %eax
	cpuid
	shrl	$24, %ebx				/* initial APIC ID */
	shll	$4, %ebx				/* * SMM_SLOT_SIZE */
	addl	$SMM_RELOCATION_SLOTS, %ebx		/* ebx = this CPU's slot */
	addr32 movl	SAVED(SMM_REVISION_ID_OFFSET), %eax
	addr32 movl	%eax, SMM_PARAM_SEEN_REVISION(%ebx)
	addr32 movl	SAVED(SMM_SMBASE_FIELD_OFFSET), %ecx
	addr32 movl	%ecx, SMM_PARAM_SEEN_SMBASE(%ebx)
	testl	$SMM_REVISION_SMBASE_RELOCATION, %eax
	jz	1f
	cmpl	$SMM_DEFAULT_SMBASE, %ecx
	jne	1f
	addr32 movl	SMM_PARAM_NEW_SMBASE(%ebx), %eax
	testl	%eax, %eax
	jz	1f
	addr32 movl	%eax, SAVED(SMM_SMBASE_FIELD_OFFSET)
1:
	addr32 movl	$SMM_RELOCATION_DONE, SMM_PARAM_DONE(%ebx)
	rsm
	.global smm_relocation_end
smm_relocation_end:
	.code64
