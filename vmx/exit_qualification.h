/*
 * Decoders for the exit qualification of the exits veneer handles most
 * (SDM Vol. 3C, "Exit Qualification for VM Exits" and its tables "Exit
 * Qualification for Control-Register Accesses", "... for I/O
 * Instructions" and "... for EPT Violations").  The kernel reads
 * EXIT_QUALIFICATION with VMREAD and hands the value here; nothing in this
 * file touches the VMCS.
 *
 * The interruption-information format (VM-exit interruption information,
 * IDT-vectoring information, VM-entry interruption information) is decoded
 * in vmx/interruption.h, next to its encoder.
 */
#ifndef VENEER_VMX_EXIT_QUALIFICATION_H
#define VENEER_VMX_EXIT_QUALIFICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Control-register accesses (exit reason 28). */
enum cr_access_type {
	CR_ACCESS_MOV_TO_CR     = 0,
	CR_ACCESS_MOV_FROM_CR   = 1,
	CR_ACCESS_CLTS          = 2,
	CR_ACCESS_LMSW          = 3,
};

struct cr_access_qualification {
	uint8_t cr;                     /* 3:0: 0, 3, 4 or 8 (CLTS and LMSW: 0) */
	enum cr_access_type type;       /* 5:4 */
	bool lmsw_memory_operand;       /* 6: LMSW's operand was in memory (else a register) */
	/*
	 * 11:8: the general register of MOV CR, by register number.  It may
	 * be 4 (RSP), which is not in struct general_registers: check
	 * register_index_valid() and use GUEST_RSP for 4.  0 for CLTS, LMSW.
	 */
	uint8_t gpr;
	uint16_t lmsw_source;           /* 31:16: LMSW's 16-bit source operand; 0 otherwise */
};

/* Inline: decoded on every control-register exit. */
static inline struct cr_access_qualification vmx_decode_cr_access(uint64_t q)
{
	return (struct cr_access_qualification){
		.cr                  = q & 0xF,
		.type                = (enum cr_access_type)((q >> 4) & 3),
		.lmsw_memory_operand = (q >> 6) & 1,
		.gpr                 = (q >> 8) & 0xF,
		.lmsw_source         = (uint16_t)(q >> 16),
	};
}

/* I/O instructions (exit reason 30). */
struct io_qualification {
	uint8_t size;                   /* 2:0 as bytes: 1, 2 or 4; 0 for the unused encodings 2 and 4-7 */
	bool in;                        /* 3: IN/INS (else OUT/OUTS) */
	bool string;                    /* 4: INS/OUTS */
	bool rep;                       /* 5: REP prefix */
	bool immediate;                 /* 6: port was an immediate operand (else DX) */
	uint16_t port;                  /* 31:16 */
};

/* Inline: decoded on every I/O exit, where only the fields used are worth computing. */
static inline struct io_qualification vmx_decode_io_instruction(uint64_t q)
{
	/* Size of access (bits 2:0): 0 = 1 byte, 1 = 2 bytes, 3 = 4 bytes; other values are not used. */
	unsigned size = (unsigned)(q & 7);

	return (struct io_qualification){
		.size      = (uint8_t)(size == 0 ? 1 : size == 1 ? 2 : size == 3 ? 4 : 0),
		.in        = (q >> 3) & 1,
		.string    = (q >> 4) & 1,
		.rep       = (q >> 5) & 1,
		.immediate = (q >> 6) & 1,
		.port      = (uint16_t)(q >> 16),
	};
}

/*
 * EPT violations (exit reason 48).  Bits 0-2 say what the access was
 * (more than one may be set, e.g. both read and write for an instruction
 * that does both); bits 3-5 what the EPT paging-structure entries allowed
 * for the guest-physical address (the AND over the walk: all three clear
 * means the address was not mapped at all).
 */
struct ept_violation_qualification {
	bool read;                      /* 0: data read */
	bool write;                     /* 1: data write (includes guest A/D-bit updates) */
	bool fetch;                     /* 2: instruction fetch */
	bool readable;                  /* 3 */
	bool writable;                  /* 4 */
	bool executable;                /* 5: executable (for supervisor-mode addresses if mode-based execute control is 1) */
	bool user_executable;           /* 6: executable for user-mode addresses; only with mode-based execute control */
	bool linear_address_valid;      /* 7: GUEST_LINEAR_ADDRESS holds the linear address */
	/*
	 * 8, meaningful when bit 7 is set: the access was to the
	 * guest-physical address a linear address translates to (true), or
	 * to a guest paging-structure entry during the translation (false).
	 */
	bool translated_access;
	/*
	 * 9-11, only when bits 7 and 8 are set and the processor reports
	 * advanced VM-exit information for EPT violations
	 * (IA32_VMX_EPT_VPID_CAP bit 22); otherwise 0 or undefined.
	 */
	bool user_mode_address;         /* 9: the linear address was user-mode */
	bool linear_writable;           /* 10: guest paging allowed writes */
	bool linear_execute_disable;    /* 11: guest paging marked it execute-disable */
	/*
	 * 12: NMI unblocking due to IRET.  Undefined when NMI exiting is on
	 * without virtual NMIs, and when the exit set the IDT-vectoring valid
	 * bit; the handler must set blocking by NMI again before resuming.
	 */
	bool nmi_unblocking;
};

struct ept_violation_qualification vmx_decode_ept_violation(uint64_t qualification);

/*
 * One line for logs, e.g. "write access to a page that is not present,
 * guest linear address valid" or "instruction fetch access to a page
 * mapped rw-, during a guest paging-structure walk".  Writes at most len
 * bytes (always NUL-terminated when len > 0) and returns the length the
 * whole text has, as format() does.
 */
size_t ept_violation_describe(uint64_t qualification, char *buf, size_t len);

#endif
