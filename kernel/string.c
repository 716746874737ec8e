/*
 * Freestanding string functions.  gcc may emit calls to memcpy, memmove,
 * memset and memcmp on its own, so these must exist even if nothing in the
 * kernel calls them by name.  REP string instructions: fast on every CPU
 * that has ERMSB and short enough to read.
 */
#include <stdint.h>

#include "kernel/string.h"

/*
 * A machine word per iteration, then the tail: a REP iteration costs about
 * the same whatever its width on an emulator (Bochs counts each one as an
 * instruction), so the modules and pages veneer copies and zeroes at start
 * cost an eighth of what byte strings would.  On hardware with fast
 * strings (ERMS) both forms run at the same speed.  The 32-bit test
 * guests (tests/guests/native/) build this file too: there the word is
 * four bytes.
 */
#ifdef __x86_64__
#define WORD_SUFFIX "q"
#else
#define WORD_SUFFIX "l"
#endif

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / sizeof(unsigned long), tail = n % sizeof(unsigned long);

	asm volatile("rep movs" WORD_SUFFIX : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(tail) : : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	d += n - 1;
	s += n - 1;
	asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	size_t words = n / sizeof(unsigned long), tail = n % sizeof(unsigned long);
	unsigned long pattern = (uint8_t)c * (~0UL / 0xff);

	asm volatile("rep stos" WORD_SUFFIX : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
	asm volatile("rep stosb" : "+D"(dst), "+c"(tail) : "a"(pattern) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
