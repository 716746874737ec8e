/*
 * Layout of the AP start-up trampoline's parameter block, shared by the
 * assembly (boot/ap_trampoline.S) and the C code that fills it in
 * (kernel/smp.c).  The block sits at a fixed offset in the copied page.
 */
#ifndef VENEER_BOOT_AP_TRAMPOLINE_H
#define VENEER_BOOT_AP_TRAMPOLINE_H

#define AP_PARAMS_OFFSET        0xF00   /* from the start of the trampoline page */
#define AP_PARAM_GDT            0       /* 2-byte limit, 4-byte base (lgdt operand) */
#define AP_PARAM_PROTECTED_JUMP 8       /* 4-byte offset, 2-byte selector (far jump operand) */
#define AP_PARAM_LONG_JUMP      16      /* same, into 64-bit code */
#define AP_PARAM_CR3            24      /* 4 bytes: page tables below 4 GiB */
#define AP_PARAM_EFER           28      /* 4 bytes: EFER bits to set (LME, NXE) */
#define AP_PARAM_STACK          32      /* 8 bytes: the AP's stack top */
#define AP_PARAM_PERCPU         40      /* 8 bytes: the AP's struct percpu */
#define AP_PARAMS_SIZE          48

#define AP_GDT_CODE32           0x08
#define AP_GDT_DATA             0x10
#define AP_GDT_CODE64           0x18

#endif
