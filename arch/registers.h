/*
 * The general-purpose register frame.  The order is the x86 register
 * number (SDM Vol. 2A, Table 2-2: RAX=0, RCX=1, RDX=2, RBX=3, RSP=4,
 * RBP=5, RSI=6, RDI=7, R8..R15 = 8..15), so an instruction's register
 * operand indexes it directly.  The RSP slot is never used: a guest's RSP
 * lives in the VMCS and an interrupted kernel's RSP in the exception frame.
 *
 * arch/registers_asm.h builds this frame on the stack; the static asserts
 * below tie the two together.
 */
#ifndef VENEER_ARCH_REGISTERS_H
#define VENEER_ARCH_REGISTERS_H

#include <stddef.h>
#include <stdint.h>

struct general_registers {
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint64_t unused_rsp;
	uint64_t rbp;
	uint64_t rsi;
	uint64_t rdi;
	uint64_t r8;
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;
};

#define GENERAL_REGISTERS_SIZE  (16 * 8)
#define REGISTER_INDEX_RSP      4

_Static_assert(sizeof(struct general_registers) == GENERAL_REGISTERS_SIZE, "frame size");
_Static_assert(offsetof(struct general_registers, rax) == 0 * 8, "rax is register 0");
_Static_assert(offsetof(struct general_registers, rbx) == 3 * 8, "rbx is register 3");
_Static_assert(offsetof(struct general_registers, unused_rsp) == 4 * 8, "rsp is register 4");
_Static_assert(offsetof(struct general_registers, rdi) == 7 * 8, "rdi is register 7");
_Static_assert(offsetof(struct general_registers, r15) == 15 * 8, "r15 is register 15");

/* Register names by index, for dumps. */
extern const char *const general_register_names[16];

#endif
