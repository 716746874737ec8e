/*
 * The 64-bit division helpers gcc calls from 32-bit code: kernel/format.c
 * divides uint64_t values when it prints them.  The 32-bit guest links
 * without libgcc (the host has no 32-bit one), so it brings its own:
 * shift and subtract, one quotient bit per step; slow, but only printing
 * uses it.
 */
#include <stdbool.h>
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *remainder);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *remainder)
{
	uint64_t quotient = 0, r = 0;

	if (d == 0)
		return 0;       /* undefined in C; never asked for here */
	for (int bit = 63; bit >= 0; bit--) {
		/* r < d, so r * 2 + 1 fits in 65 bits: keep the carry. */
		bool carry = r >> 63;

		r = r << 1 | ((n >> bit) & 1);
		if (carry || r >= d) {
			r -= d;
			quotient |= 1ull << bit;
		}
	}
	if (remainder)
		*remainder = r;
	return quotient;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r = 0;

	__udivmoddi4(n, d, &r);
	return r;
}
