/*
 * Tests and their results.  A test is a function registered with
 * GUEST_TEST(); it checks things with check*() and says skip() when the
 * CPU lacks what it tests.  The runner prints, per test, one of
 *
 *   PASS: <name>
 *   FAIL: <name>: <detail>         (once per failed check)
 *   SKIP: <name>: <reason>
 *
 * and at the end "SUMMARY: <n> passed, <m> failed", then shuts down with
 * the number of failed tests (at most 255) as the exit code.
 */
#ifndef VENEER_TESTS_GUESTS_REPORT_H
#define VENEER_TESTS_GUESTS_REPORT_H

#include <stdbool.h>

struct guest_test {
	const char *group;      /* what test=<group> selects, e.g. "cpuid" */
	const char *name;       /* what test=<name> selects and PASS/FAIL print */
	unsigned flags;
	void (*run)(void);
};

/* Ends the guest (EPT violation, triple fault): run only when named. */
#define TEST_DESTRUCTIVE        (1u << 0)

/*
 * GUEST_TEST(fn, group, name, flags) { body } defines test function fn
 * and puts its entry in the .guest_tests section, which the linker script
 * gathers between __guest_tests_start and __guest_tests_end.  Tests run in
 * link order (guests.mk lists the files) and source order within a file.
 */
#define GUEST_TEST(fn, group_, name_, flags_)                                   \
	static void fn(void);                                                   \
	static const struct guest_test fn##_entry                               \
		__attribute__((used, section(".guest_tests"), aligned(sizeof(void *)))) = { \
		.group = group_, .name = name_, .flags = flags_, .run = fn,     \
	};                                                                      \
	static void fn(void)

extern const struct guest_test __guest_tests_start[], __guest_tests_end[];

void report_begin(const char *name);
void report_end(void);

/* Each returns ok; when it is false the test gets a FAIL line. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool check_eq(const char *what, unsigned long long got, unsigned long long want);
bool check_long(const char *what, long got, long want);
bool check_fault(const char *what, int got, int want);  /* vectors or PROBE_NONE */

/* The test does not apply to this CPU; return after calling it. */
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A test of veneer's own interface (hypercalls) says skip() and returns
 * false without veneer: the test programs also run as Multiboot kernels
 * on the bare machine (tests/guests/native/), where VMCALL is #UD.
 */
bool needs_veneer(void);

/* Prints the SUMMARY line and shuts down with the failure count. */
void report_finish(void) __attribute__((noreturn));

/*
 * How a run ends with code (the failure count): each kind of guest brings
 * its own (runtime/start.c: the shutdown hypercall; the Multiboot kernels,
 * which may also run without veneer: multiboot/console.c).
 */
void guest_exit(unsigned code) __attribute__((noreturn));

/* The running test failed beyond recovery: FAIL it, then report_finish(). */
void report_abort(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
