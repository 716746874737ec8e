/* format(): the kernel's printf.  Some cases are deliberately malformed, so format checks are off here. */
// unit-test-source: kernel/format.c
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#include "kernel/format.h"
#include "unit.h"

static char out[128];

#define FMT(expected, ...)                                                      \
	do {                                                                    \
		int n_ = format(out, sizeof(out), __VA_ARGS__);                 \
		EXPECT_STREQ(out, expected);                                    \
		EXPECT_EQ(n_, strlen(expected));                                \
	} while (0)

TEST(format_integers)
{
	FMT("42", "%d", 42);
	FMT("-42", "%d", -42);
	FMT("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	FMT("18446744073709551615", "%llu", 18446744073709551615ULL);
	FMT("ff FF 0xff", "%x %X %#x", 255, 255, 255);
	FMT("17", "%o", 15);
	FMT("255", "%hhu", 0x1ff);
	FMT("+5| 5", "%+d|% d", 5, 5);
}

TEST(format_width_and_padding)
{
	FMT("0000beef", "%08x", 0xbeef);
	FMT("    beef", "%8x", 0xbeef);
	FMT("beef    |", "%-8x|", 0xbeef);
	FMT("-0042", "%05d", -42);
	FMT("  007", "%5.3d", 7);
	FMT("   ab", "%*s", 5, "ab");
	FMT("ab   |", "%-*s|", 5, "ab");
	FMT("abc", "%.3s", "abcdef");
	FMT("", "%.0d", 0);
}

TEST(format_pointers_strings_chars)
{
	FMT("0x1000", "%p", (void *)0x1000);
	FMT("(null)", "%s", (char *)NULL);
	FMT("x=y", "%c=%c", 'x', 'y');
	FMT("100%", "100%%");
	FMT("%q", "%q");
	FMT("end%", "end%");
}

TEST(format_truncates_and_reports_full_length)
{
	char small[6];
	int n = format(small, sizeof(small), "%s", "hello world");

	EXPECT_STREQ(small, "hello");
	EXPECT_EQ(n, 11);
	n = format(small, 0, "abc");
	EXPECT_EQ(n, 3);
}

TEST(format_size_t_and_long)
{
	FMT("123456789012", "%zu", (size_t)123456789012ULL);
	FMT("fffffffffffff000", "%lx", 0xfffffffffffff000UL);
}
