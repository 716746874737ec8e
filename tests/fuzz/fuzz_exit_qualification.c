/*
 * The exit-qualification decoders (vmx/exit_qualification.c) and the I/O
 * bitmap that decides which port accesses exit (vmx/io_bitmap.c).  A
 * guest chooses, through its instructions, much of what the processor
 * writes in the qualification; the decoders must make of any value
 * something the handlers can index with.
 *
 * Input: the 64-bit qualification, a log-buffer length (0-127), then up
 * to 8 intercepted port ranges (first 2 bytes, count 1 byte).
 *
 * Invariants: control-register numbers, access types and register
 * numbers fit their fields; an I/O size is 0, 1, 2 or 4 and the port is
 * bits 31:16; the EPT-violation text is cut to the buffer, terminated and
 * a prefix of the whole text, whose length is returned; the I/O bitmap
 * says an access exits exactly when it touches an intercepted port or
 * wraps past port 0xFFFF (SDM Vol. 3C, "I/O-Instruction Exiting"), so
 * handle_io_instruction's table and the bitmap agree.
 */
// fuzz-source: vmx/exit_qualification.c
// fuzz-source: vmx/io_bitmap.c
// fuzz-source: kernel/format.c
#include "fuzz.h"
#include "vmx/exit_qualification.h"
#include "vmx/io_bitmap.h"

#define MAX_INTERCEPTS  8

struct intercept {
	uint32_t first, count;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bitmap_a[IO_BITMAP_SIZE], bitmap_b[IO_BITMAP_SIZE];
	struct intercept intercepts[MAX_INTERCEPTS];
	struct fuzz_input in = { data, size };
	uint64_t q = fuzz_take(&in, 8);
	size_t len = (size_t)fuzz_take(&in, 1) % 128;
	unsigned count = 0;
	char whole[256];
	char *cut;
	size_t full;

	struct cr_access_qualification cr = vmx_decode_cr_access(q);
	FUZZ_CHECK(cr.cr == (q & 0xF) && cr.type <= CR_ACCESS_LMSW && cr.gpr < 16);
	FUZZ_CHECK(cr.lmsw_source == (uint16_t)(q >> 16));

	struct io_qualification io = vmx_decode_io_instruction(q);
	FUZZ_CHECK(io.size == 0 || io.size == 1 || io.size == 2 || io.size == 4);
	FUZZ_CHECK(io.port == (uint16_t)(q >> 16) && io.in == ((q >> 3) & 1) && io.string == ((q >> 4) & 1));

	struct ept_violation_qualification ept = vmx_decode_ept_violation(q);
	FUZZ_CHECK(!ept.translated_access || ept.linear_address_valid);

	full = ept_violation_describe(q, whole, sizeof(whole));
	FUZZ_CHECK(full > 0 && full < sizeof(whole) && strlen(whole) == full);
	cut = malloc(len ? len : 1);
	FUZZ_CHECK(ept_violation_describe(q, len ? cut : NULL, len) == full);
	if (len)
		FUZZ_CHECK(memchr(cut, '\0', len) && strncmp(cut, whole, len - 1) == 0 &&
			   strlen(cut) == (full < len ? full : len - 1));
	free(cut);

	while (in.size >= 3 && count < MAX_INTERCEPTS) {
		struct intercept *i = &intercepts[count];

		i->first = (uint32_t)fuzz_take(&in, 2);
		i->count = (uint32_t)fuzz_take(&in, 1);
		/* Refused (count 0 or past 0xFFFF) ranges leave the bitmap as it was. */
		if (io_bitmap_intercept(bitmap_a, bitmap_b, i->first, i->count))
			count++;
		else
			FUZZ_CHECK(i->count == 0 || i->first + i->count > IO_BITMAP_PORTS);
	}
	if (io.size) {
		bool expected = (uint32_t)io.port + io.size > IO_BITMAP_PORTS;

		for (unsigned i = 0; i < count; i++)
			if (io.port < intercepts[i].first + intercepts[i].count &&
			    intercepts[i].first < (uint32_t)io.port + io.size)
				expected = true;
		FUZZ_CHECK(io_bitmap_intercepts(bitmap_a, bitmap_b, io.port, io.size) == expected);
	}
	/* Back to an empty bitmap for the next input (cheaper than clearing 8 KiB). */
	for (unsigned i = 0; i < count; i++)
		FUZZ_CHECK(io_bitmap_pass_through(bitmap_a, bitmap_b, intercepts[i].first, intercepts[i].count));
	return 0;
}
