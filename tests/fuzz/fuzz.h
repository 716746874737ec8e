/*
 * Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.c).
 *
 * Each target feeds bytes it does not control to one of veneer's parsers,
 * compiled for the host with -DVENEER_HOST_TEST the way the unit tests
 * are, under AddressSanitizer and UndefinedBehaviorSanitizer.  The
 * sanitizers catch stray reads and undefined arithmetic; FUZZ_CHECK
 * catches a parser that returns without crashing but says something
 * impossible (a range outside the buffer, a length above the limit).
 * A failed check prints the condition and aborts, which libFuzzer
 * reports as a crash and saves the input that caused it.
 *
 * The kernel sources a target needs are named on lines of the form
 *     // fuzz-source: kernel/multiboot2.c
 * which the Makefile reads, as it reads "unit-test-source" lines.
 */
#ifndef VENEER_TESTS_FUZZ_H
#define VENEER_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",        \
				__FILE__, __LINE__, #cond);                     \
			abort();                                                \
		}                                                               \
	} while (0)

/* Takes values from the front of the input; past its end, zeros. */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->size; i++, in->data++, in->size--)
		v |= (uint64_t)in->data[0] << (8 * i);
	return v;
}

/* True when the NUL-terminated string s lies wholly inside [base, base + size). */
static inline bool fuzz_string_inside(const char *s, const void *base, size_t size)
{
	const char *b = base;

	if (s < b || s >= b + size)
		return false;
	return memchr(s, '\0', (size_t)(b + size - s)) != NULL;
}

/* True when [p, p + len) lies inside [base, base + size). */
static inline bool fuzz_inside(const void *p, size_t len, const void *base, size_t size)
{
	const uint8_t *q = p, *b = base;

	return q >= b && q <= b + size && len <= (size_t)(b + size - q);
}

/* A message buffer was written: NUL-terminated within its size and not empty. */
static inline bool fuzz_message_ok(const char *message, size_t size)
{
	return memchr(message, '\0', size) != NULL && message[0] != '\0';
}

#endif
