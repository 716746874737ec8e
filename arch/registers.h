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

#include <stdbool.h>
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

/*
 * Access by register number
 * -------------------------
 * Instruction decoders and exit qualifications name a register by its
 * number.  Numbers 0-15 other than 4 are in the frame; 4 (RSP) is not (the
 * guest's RSP is GUEST_RSP in the VMCS) and numbers above 15 do not exist.
 *
 * Who checks what:
 *   - Code that takes a number from the guest (a CR-access qualification
 *     naming RSP, a ModRM byte, ...) asks register_index_valid() first and
 *     deals with the answer itself: RSP through the VMCS, a bad encoding
 *     with #UD or whatever the instruction calls for.
 *   - The accessors below treat an invalid number, or a size other than
 *     1, 2, 4 or 8 bytes, as a bug in veneer.  They call
 *     register_access_bug(), which panics in the kernel (arch/registers.c)
 *     and is never expected to return there.  The host unit tests define
 *     their own register_access_bug() that records the call and returns;
 *     the accessor then reads as 0 and leaves the frame untouched, so a
 *     test can see both the report and that nothing was written.
 */
static inline bool register_index_valid(unsigned index)
{
	return index < 16 && index != REGISTER_INDEX_RSP;
}

/* accessor: the function that was misused (__func__). */
void register_access_bug(const char *accessor, unsigned index, unsigned size_bytes);

uint64_t get_reg_of_index(const struct general_registers *regs, unsigned index);
void set_reg_of_index(struct general_registers *regs, unsigned index, uint64_t value);

/*
 * Sized views with the processor's semantics (SDM Vol. 1, 3.4.1.1
 * "General-Purpose Registers in 64-Bit Mode"): a read of 1, 2 or 4 bytes
 * returns the low bits zero-extended; a 4-byte write zero-extends into
 * bits 63:32; a 2- or 1-byte write replaces bits 15:0 or 7:0 and keeps
 * the rest.  Bits of value above size_bytes are ignored.  With size 1 the
 * number means the low byte (AL, CL, ... R15B; SPL/BPL/SIL/DIL as with a
 * REX prefix).  A decoder that sees byte-register encodings 4-7 without a
 * REX prefix means AH, CH, DH, BH and uses the high-byte accessors with
 * encoding - 4.
 */
uint64_t reg_read_sized(const struct general_registers *regs, unsigned index, unsigned size_bytes);
void reg_write_sized(struct general_registers *regs, unsigned index, unsigned size_bytes,
		     uint64_t value);

/* AH, CH, DH, BH: bits 15:8 of rax, rcx, rdx, rbx, for index 0-3. */
uint8_t reg_read_high_byte(const struct general_registers *regs, unsigned index);
void reg_write_high_byte(struct general_registers *regs, unsigned index, uint8_t value);

/*
 * The name of a sized view, for disassembly-like log lines: "eax" for
 * (0, 4), "r9w" for (9, 2), "sil" for (6, 1).  RSP's views are named too
 * (names are for messages, not access).  "?" for anything else.
 */
const char *general_register_name_sized(unsigned index, unsigned size_bytes);

/*
 * The fixed registers of CPUID, RDMSR, WRMSR, RDTSC and XSETBV.  Setting
 * a 32-bit register zero-extends it, as the instructions themselves do.
 */
static inline uint32_t regs_eax(const struct general_registers *regs) { return (uint32_t)regs->rax; }
static inline uint32_t regs_ebx(const struct general_registers *regs) { return (uint32_t)regs->rbx; }
static inline uint32_t regs_ecx(const struct general_registers *regs) { return (uint32_t)regs->rcx; }
static inline uint32_t regs_edx(const struct general_registers *regs) { return (uint32_t)regs->rdx; }

static inline void regs_set_eax(struct general_registers *regs, uint32_t v) { regs->rax = v; }
static inline void regs_set_ebx(struct general_registers *regs, uint32_t v) { regs->rbx = v; }
static inline void regs_set_ecx(struct general_registers *regs, uint32_t v) { regs->rcx = v; }
static inline void regs_set_edx(struct general_registers *regs, uint32_t v) { regs->rdx = v; }

/* EDX:EAX as one 64-bit value (WRMSR, XSETBV operands; RDMSR, RDTSC results). */
static inline uint64_t regs_edx_eax(const struct general_registers *regs)
{
	return (uint64_t)regs_edx(regs) << 32 | regs_eax(regs);
}

static inline void regs_set_edx_eax(struct general_registers *regs, uint64_t value)
{
	regs_set_eax(regs, (uint32_t)value);
	regs_set_edx(regs, (uint32_t)(value >> 32));
}

#endif
