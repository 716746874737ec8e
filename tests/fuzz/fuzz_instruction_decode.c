/*
 * decode_mmio_store() and mmio_store_value(): what veneer does with the
 * bytes at the guest's RIP when the guest writes its local APIC page
 * (vmx/guest/smp.c, guest_apic_page_write).  The guest chooses those
 * bytes freely.
 *
 * Input: one byte choosing the code segment's mode (16, 32 or 64 bits, or
 * a value no caller passes), then the instruction bytes, all of which are
 * available to the decoder (copied into a heap block of exactly that
 * size, so a read past them is an AddressSanitizer report).
 *
 * Invariants of a decoded store: 1 to 15 bytes long and within what was
 * available; size 1, 2, 4 or 8 (8 only in 64-bit mode); a source register
 * that indexes the 16-entry register frame (8-15 only in 64-bit mode), a
 * high-byte register only for a byte store of RAX-RBX; an immediate only
 * for MOV, sign-extended from 32 bits for an 8-byte store; the value to
 * write never wider than the store.  Decoding exactly the bytes of the
 * instruction gives the same store; one byte fewer is DECODE_TRUNCATED.
 * With 15 or more bytes available nothing is ever truncated.
 */
// fuzz-source: vmx/guest/instruction_decode.c
#include "fuzz.h"
#include "vmx/guest/instruction_decode.h"

static const unsigned modes[4] = { 16, 32, 64, 8 };

static void check_store(const struct mmio_store *st, size_t available, unsigned mode_bits)
{
	FUZZ_CHECK(st->length >= 1 && st->length <= X86_MAX_INSTRUCTION_LENGTH && st->length <= available);
	FUZZ_CHECK(st->size == 1 || st->size == 2 || st->size == 4 || st->size == 8);
	FUZZ_CHECK(st->size != 8 || mode_bits == 64);
	FUZZ_CHECK(st->source_register < 16);
	FUZZ_CHECK(st->source_register < 8 || mode_bits == 64);
	if (st->source_high_byte)
		FUZZ_CHECK(st->source_register < 4 && st->size == 1 && !st->immediate);
	if (st->immediate) {
		FUZZ_CHECK(!st->is_exchange && st->source_register == 0);
		if (st->size == 8)
			FUZZ_CHECK(st->immediate_value == (uint64_t)(int64_t)(int32_t)(uint32_t)st->immediate_value);
		else
			FUZZ_CHECK(st->immediate_value >> (8 * st->size) == 0);
	}
	for (unsigned i = 0; i < 3; i++) {
		static const uint64_t registers[3] = { 0, ~0ULL, 0x8877665544332211ULL };
		uint64_t value = mmio_store_value(st, registers[i]);

		FUZZ_CHECK(st->size == 8 || value >> (8 * st->size) == 0);
		if (st->immediate)
			FUZZ_CHECK(value == st->immediate_value);
	}
}

static bool same_store(const struct mmio_store *a, const struct mmio_store *b)
{
	return a->length == b->length && a->size == b->size && a->immediate == b->immediate &&
	       a->immediate_value == b->immediate_value && a->source_register == b->source_register &&
	       a->source_high_byte == b->source_high_byte && a->is_exchange == b->is_exchange;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_store st, again;
	enum decode_result result;
	unsigned mode_bits;
	uint8_t *bytes;

	if (size < 1)
		return 0;
	mode_bits = modes[data[0] & 3];
	size--;
	bytes = malloc(size ? size : 1);
	memcpy(bytes, data + 1, size);

	result = decode_mmio_store(bytes, size, mode_bits, &st);
	FUZZ_CHECK(result == DECODE_OK || result == DECODE_UNSUPPORTED || result == DECODE_TRUNCATED);
	FUZZ_CHECK(strcmp(decode_result_name(result), "unknown decode result") != 0);
	if (mode_bits == 8)
		FUZZ_CHECK(result == DECODE_UNSUPPORTED);
	if (result == DECODE_TRUNCATED)
		FUZZ_CHECK(size < X86_MAX_INSTRUCTION_LENGTH);
	if (result == DECODE_OK) {
		check_store(&st, size, mode_bits);
		FUZZ_CHECK(decode_mmio_store(bytes, st.length, mode_bits, &again) == DECODE_OK);
		FUZZ_CHECK(same_store(&st, &again));
		FUZZ_CHECK(decode_mmio_store(bytes, st.length - 1, mode_bits, &again) == DECODE_TRUNCATED);
	}
	free(bytes);
	return 0;
}
