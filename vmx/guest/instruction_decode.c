/*
 * The MMIO-store decoder.  An instruction is read front to back:
 *
 *     legacy prefixes*  REX?  opcode  ModR/M  SIB?  displacement?  immediate?
 *
 * (the moffs forms A2/A3 have an address-sized offset instead of ModR/M,
 * SIB and displacement).  Every read goes through take(), which refuses
 * to go past the bytes available or past 15 bytes.
 */
#include "vmx/guest/instruction_decode.h"

#define REX_W   0x08    /* 64-bit operand size */
#define REX_R   0x04    /* extends ModR/M.reg */

#define MODRM_MOD(m)    ((m) >> 6)
#define MODRM_REG(m)    (((m) >> 3) & 7)
#define MODRM_RM(m)     ((m) & 7)
#define SIB_BASE(s)     ((s) & 7)

struct cursor {
	const uint8_t *bytes;
	size_t available;
	unsigned pos;
};

/* Consumes n bytes (n <= 8) as a little-endian number. */
static enum decode_result take(struct cursor *c, unsigned n, uint64_t *value)
{
	uint64_t v = 0;

	if (c->pos + n > X86_MAX_INSTRUCTION_LENGTH)
		return DECODE_UNSUPPORTED;
	if (c->pos + n > c->available)
		return DECODE_TRUNCATED;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*value = v;
	return DECODE_OK;
}

/* Returns from the calling function unless step is DECODE_OK. */
#define TRY(step)                                                       \
	do {                                                            \
		enum decode_result r_ = (step);                         \
		if (r_ != DECODE_OK)                                    \
			return r_;                                      \
	} while (0)

bool x86_is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xF0: case 0xF2: case 0xF3:                        /* LOCK, REPNE, REP */
	case 0x26: case 0x2E: case 0x36: case 0x3E:             /* ES, CS, SS, DS */
	case 0x64: case 0x65:                                   /* FS, GS */
	case 0x66: case 0x67:                                   /* operand size, address size */
		return true;
	default:
		return false;
	}
}

/*
 * Skips what follows the ModR/M byte of a memory operand ("32-Bit
 * Addressing Forms with the ModR/M Byte", "... with the SIB Byte",
 * "16-Bit Addressing Forms with the ModR/M Byte").  REX.B and REX.X do
 * not change the length: r12 as base still needs a SIB byte, r13 with
 * mod 00 still means disp32.
 */
static enum decode_result skip_memory_operand(struct cursor *c, uint8_t modrm, unsigned address_bits)
{
	unsigned mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	unsigned displacement;
	uint64_t sib, unused;

	if (address_bits == 16) {
		/* No SIB; mod 00 with rm 110 is a bare disp16 (there is no [BP]). */
		if (mod == 0)
			displacement = rm == 6 ? 2 : 0;
		else
			displacement = mod == 1 ? 1 : 2;
	} else {
		displacement = mod == 1 ? 1 : mod == 2 ? 4 : 0;
		if (rm == 4) {
			TRY(take(c, 1, &sib));
			/* Base 101 with mod 00: no base register, disp32. */
			if (mod == 0 && SIB_BASE(sib) == 5)
				displacement = 4;
		} else if (mod == 0 && rm == 5) {
			/* disp32: absolute, or RIP-relative in 64-bit mode. */
			displacement = 4;
		}
	}
	if (displacement)
		TRY(take(c, displacement, &unused));
	return DECODE_OK;
}

enum decode_result decode_mmio_store(const uint8_t *bytes, size_t available, unsigned mode_bits,
				     struct mmio_store *out)
{
	struct cursor c = { .bytes = bytes, .available = available, .pos = 0 };
	struct mmio_store st = { .length = 0 };
	bool operand_override = false, address_override = false;
	bool byte_operation, has_modrm = true;
	unsigned address_bits;
	uint8_t rex = 0, opcode;
	uint64_t b;

	if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
		return DECODE_UNSUPPORTED;

	for (;;) {
		TRY(take(&c, 1, &b));
		if (x86_is_legacy_prefix(b)) {
			operand_override |= b == 0x66;
			address_override |= b == 0x67;
			rex = 0;        /* a REX prefix counts only right before the opcode */
		} else if (mode_bits == 64 && (b & 0xF0) == 0x40) {
			rex = (uint8_t)b;
		} else {
			break;
		}
	}
	opcode = (uint8_t)b;

	switch (opcode) {
	case 0x88: byte_operation = true;  break;
	case 0x89: byte_operation = false; break;
	case 0x86: byte_operation = true;  st.is_exchange = true; break;
	case 0x87: byte_operation = false; st.is_exchange = true; break;
	case 0xC6: byte_operation = true;  st.immediate = true; break;
	case 0xC7: byte_operation = false; st.immediate = true; break;
	case 0xA2: byte_operation = true;  has_modrm = false; break;
	case 0xA3: byte_operation = false; has_modrm = false; break;
	default:
		return DECODE_UNSUPPORTED;
	}

	/*
	 * Operand size: 8 for the byte opcodes; else REX.W gives 64 bits,
	 * and 66 switches between the mode's default (16 in 16-bit code,
	 * 32 otherwise) and the other of 16 and 32.  67 does the same for
	 * the address size, whose default is the mode's.
	 */
	if (byte_operation)
		st.size = 1;
	else if (rex & REX_W)
		st.size = 8;
	else
		st.size = (mode_bits == 16) != operand_override ? 2 : 4;

	if (mode_bits == 64)
		address_bits = address_override ? 32 : 64;
	else
		address_bits = (mode_bits == 16) != address_override ? 16 : 32;

	if (!has_modrm) {
		/* moffs: the whole address, as wide as the address size; the source is rAX. */
		TRY(take(&c, address_bits / 8, &b));
		st.source_register = 0;
	} else {
		uint64_t modrm;

		TRY(take(&c, 1, &modrm));
		if (MODRM_MOD(modrm) == 3)
			return DECODE_UNSUPPORTED;      /* a register destination: no store */
		if (st.immediate && MODRM_REG(modrm) != 0)
			return DECODE_UNSUPPORTED;      /* C6/C7 /1-/7: not MOV (XABORT/XBEGIN are mod 11) */
		TRY(skip_memory_operand(&c, (uint8_t)modrm, address_bits));
		st.source_register = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
	}

	if (st.immediate) {
		/* imm8, imm16 or imm32; with REX.W the imm32 is sign-extended to 64 bits. */
		TRY(take(&c, st.size < 4 ? st.size : 4, &st.immediate_value));
		if (st.size == 8)
			st.immediate_value = (uint64_t)(int64_t)(int32_t)(uint32_t)st.immediate_value;
		st.source_register = 0;
	} else if (byte_operation && !rex && st.source_register >= 4) {
		/* Without REX, byte registers 4-7 are AH, CH, DH, BH; with any REX, SPL, BPL, SIL, DIL. */
		st.source_register -= 4;
		st.source_high_byte = true;
	}

	st.length = c.pos;
	*out = st;
	return DECODE_OK;
}

uint64_t mmio_store_value(const struct mmio_store *store, uint64_t source_register_value)
{
	uint64_t value = store->immediate ? store->immediate_value : source_register_value;

	if (!store->immediate && store->source_high_byte)
		value >>= 8;
	return store->size >= 8 ? value : value & ((1ULL << (8 * store->size)) - 1);
}

const char *decode_result_name(enum decode_result result)
{
	switch (result) {
	case DECODE_OK:                 return "ok";
	case DECODE_UNSUPPORTED:        return "unsupported instruction";
	case DECODE_TRUNCATED:          return "instruction truncated";
	}
	return "unknown decode result";
}
