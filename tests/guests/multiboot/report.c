/*
 * Counting and printing results: the runtime's report.h, for kernels that
 * may run without veneer.  It differs from tests/guests/runtime/report.c
 * in one place, the end: console_exit() uses the shutdown hypercall only
 * under veneer.  The runtime's trap.c reports unexpected exceptions
 * through report_abort() here.  Only what these kernels and trap.c call is
 * implemented (no check_long, check_fault).
 */
#include <stdarg.h>
#include <stdbool.h>

#include "kernel/format.h"
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"

static const char *current = "runtime";        /* before and between checks */
static bool current_failed;
static bool current_skipped;
static unsigned passed, failed;

void report_begin(const char *name)
{
	current = name;
	current_failed = false;
	current_skipped = false;
}

void report_end(void)
{
	if (current_failed)
		failed++;
	else if (!current_skipped) {
		guest_printf("PASS: %s", current);
		passed++;
	}
	current = "runtime";
}

static void fail_v(const char *fmt, va_list ap)
{
	char detail[VENEER_HC_PRINT_MAX];

	format_v(detail, sizeof(detail), fmt, ap);
	guest_printf("FAIL: %s: %s", current, detail);
	current_failed = true;
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok) {
		va_start(ap, fmt);
		fail_v(fmt, ap);
		va_end(ap);
	}
	return ok;
}

bool check_eq(const char *what, unsigned long long got, unsigned long long want)
{
	return check(got == want, "%s: got 0x%llx, expected 0x%llx", what, got, want);
}

void skip(const char *fmt, ...)
{
	char reason[VENEER_HC_PRINT_MAX];
	va_list ap;

	va_start(ap, fmt);
	format_v(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	guest_printf("SKIP: %s: %s", current, reason);
	current_skipped = true;
}

void report_finish(void)
{
	guest_printf("SUMMARY: %u passed, %u failed", passed, failed);
	console_exit(failed > 255 ? 255 : failed);
}

void report_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(fmt, ap);
	va_end(ap);
	failed++;
	report_finish();
}
