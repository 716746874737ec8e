/*
 * Decoding the instruction behind an MMIO write (SDM Vol. 2A, "Instruction
 * Format", "Instruction Prefixes", "ModR/M and SIB Bytes", "REX
 * Prefixes"; Vol. 2B, "MOV—Move" and "XCHG—Exchange Register/Memory with
 * Register").
 *
 * When the guest writes a page that EPT maps read-only (the xAPIC page),
 * the EPT violation says which guest-physical address was written, but
 * not what value or how long the instruction was.  veneer fetches the
 * bytes at CS.base + RIP (vmx/guest/paging.h) and decodes them here:
 * length advances RIP, size and source give the value to write.
 *
 * Only the plain stores a kernel uses for a device register are known:
 *
 *     88 /r        MOV r/m8, r8                A2  MOV moffs8, AL
 *     89 /r        MOV r/m16/32/64, r16/32/64  A3  MOV moffs16/32/64, rAX
 *     C6 /0 ib     MOV r/m8, imm8              86 /r  XCHG r/m8, r8
 *     C7 /0 iw/id  MOV r/m16/32/64, imm        87 /r  XCHG r/m16/32/64, r16/32/64
 *
 * with any legacy prefixes (operand size 66, address size 67, the six
 * segment overrides, LOCK F0, and F2/F3, which these opcodes ignore or
 * take as an HLE hint) and, in 64-bit mode, a REX prefix.  The memory
 * operand is decoded only for its length; the address is the one the
 * EPT violation reported.  Everything else (register destinations, string
 * stores, read-modify-write arithmetic, MOVNTI, VEX and EVEX encodings)
 * is DECODE_UNSUPPORTED: the caller stops the guest with a message rather
 * than guess.
 *
 * Pure: the host unit tests compile it too.
 */
#ifndef VENEER_VMX_INSTRUCTION_DECODE_H
#define VENEER_VMX_INSTRUCTION_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No x86 instruction is longer; the processor raises #GP for one that would be. */
#define X86_MAX_INSTRUCTION_LENGTH      15

/* Group 1-4 prefixes (SDM Vol. 2A, "Instruction Prefixes"): any number, in any order, before the opcode. */
bool x86_is_legacy_prefix(uint8_t b);

struct mmio_store {
	unsigned length;                /* instruction bytes, prefixes included: what RIP advances by */
	unsigned size;                  /* bytes stored: 1, 2, 4 or 8 */
	bool immediate;                 /* the value is immediate_value (else a register) */
	uint64_t immediate_value;       /* as stored: zero-extended, or sign-extended imm32 for 8 bytes */
	/*
	 * The register number (SDM Vol. 2A, "Register Codes": RAX = 0 ...
	 * R15 = 15) when !immediate.  4 is RSP (or SPL, SP, ESP), which is
	 * GUEST_RSP, not in the register frame.  For the 8-bit stores
	 * without a REX prefix, encodings 4-7 are AH, CH, DH and BH: then
	 * source_register is 0-3 (RAX, RCX, RDX, RBX) and source_high_byte
	 * says the byte is bits 15:8 of it.
	 */
	unsigned source_register;
	bool source_high_byte;
	/*
	 * XCHG: the memory's old value must also go to the source register,
	 * the way an operation of that size writes a register: 8 and 16
	 * bits leave the rest unchanged, 32 bits clear bits 63:32.
	 */
	bool is_exchange;
};

enum decode_result {
	DECODE_OK,
	DECODE_UNSUPPORTED,             /* not one of the stores above, or longer than 15 bytes */
	DECODE_TRUNCATED,               /* the instruction goes on past the bytes available */
};

/*
 * Decodes the instruction at bytes[0], reading no more than available
 * bytes (more than 15 are never needed).  mode_bits is the code
 * segment's default size: 64 in 64-bit mode (IA-32e mode and CS.L = 1),
 * else 32 when CS.D = 1, else 16 (real mode, virtual-8086 mode and 16-bit
 * protected mode); it fixes the default operand and address sizes and
 * whether 40-4F are REX prefixes.  Any other value is DECODE_UNSUPPORTED.
 *
 * A caller that could fetch only the bytes up to the end of a page may
 * pass those: DECODE_TRUNCATED says the rest is needed.  *out is written
 * only on DECODE_OK.
 */
enum decode_result decode_mmio_store(const uint8_t *bytes, size_t available, unsigned mode_bits,
				     struct mmio_store *out);

/*
 * The bytes the store writes, in the low size bytes of the result (the
 * rest zero), given the full 64-bit value of its source register (not
 * used for an immediate).
 */
uint64_t mmio_store_value(const struct mmio_store *store, uint64_t source_register_value);

/* "ok", "unsupported instruction", "instruction truncated": for logs. */
const char *decode_result_name(enum decode_result result);

#endif
