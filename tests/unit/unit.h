/*
 * A minimal host unit-test framework.  A test is
 *
 *     TEST(format_pads_with_zeros) { EXPECT_STREQ(...); }
 *
 * Each TEST registers itself before main() runs; the runner executes every
 * test (or those whose name contains argv[1]), reports each failure with
 * file and line, and ends with the line "N passed, N failed".
 */
#ifndef VENEER_TESTS_UNIT_H
#define VENEER_TESTS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*run)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *test);
void unit_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                              \
	static void test_##name(void);                                          \
	static struct unit_test unit_##name = { #name, test_##name, 0 };        \
	__attribute__((constructor)) static void register_##name(void)          \
	{                                                                       \
		unit_register(&unit_##name);                                    \
	}                                                                       \
	static void test_##name(void)

#define EXPECT(cond)                                                            \
	do {                                                                    \
		if (!(cond))                                                    \
			unit_fail(__FILE__, __LINE__, "expected %s", #cond);    \
	} while (0)

#define EXPECT_EQ(actual, expected)                                             \
	do {                                                                    \
		unsigned long long a_ = (unsigned long long)(actual);           \
		unsigned long long e_ = (unsigned long long)(expected);         \
		if (a_ != e_)                                                   \
			unit_fail(__FILE__, __LINE__, "%s == %#llx, expected %s == %#llx", \
				  #actual, a_, #expected, e_);                  \
	} while (0)

#define EXPECT_STREQ(actual, expected)                                          \
	do {                                                                    \
		const char *a_ = (actual), *e_ = (expected);                    \
		if (!a_ || !e_ || strcmp(a_, e_) != 0)                          \
			unit_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", \
				  #actual, a_ ? a_ : "(null)", e_ ? e_ : "(null)"); \
	} while (0)

#endif
