/*
 * Counting and printing results (report.h).  Output goes through the print
 * hypercall only, so a test's verdict is in veneer's log as
 * "[cpuN] guest: PASS: <name>".
 */
#include <stdarg.h>
#include <stddef.h>

#include "kernel/format.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/probe.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

static const char *current = "runtime";        /* before and between tests */
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

bool check_long(const char *what, long got, long want)
{
	return check(got == want, "%s: got %ld, expected %ld", what, got, want);
}

bool check_fault(const char *what, int got, int want)
{
	if (got == want)
		return true;
	if (got != PROBE_NONE && got == probe_vector)
		return check(false, "%s: expected %s, got %s (error code 0x%lx)", what,
			     vector_name(want), vector_name(got), probe_error);
	return check(false, "%s: expected %s, got %s", what, vector_name(want), vector_name(got));
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

bool needs_veneer(void)
{
	if (veneer_signature_present())
		return true;
	skip("tests veneer's hypercalls, and there is no veneer (no CPUID signature)");
	return false;
}

void report_finish(void)
{
	guest_printf("SUMMARY: %u passed, %u failed", passed, failed);
	guest_exit(failed > 255 ? 255 : failed);
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
