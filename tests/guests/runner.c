/*
 * The test guests' main program: pick the tests the command line asks
 * for, run them in order, print the summary and shut down.
 *
 *   test=<list>    comma-separated test names or group names; "all" is
 *                  every test that is not destructive.  Default: all.
 *                  Destructive tests (they end the guest) run only when
 *                  named, by their name or their group.
 *   hvaddr=<addr>  an address in veneer's own memory, for test=ept and
 *                  vmcall-print-hv-memory.
 */
#include <stdbool.h>
#include <stddef.h>

#include "kernel/string.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/guest.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"

#define SELECTION_MAX   256

/* Calls fn for each comma-separated item of list; stops when it returns true. */
static bool any_item(const char *list, bool (*fn)(const char *item, size_t length, const void *arg),
		     const void *arg)
{
	while (*list) {
		size_t length = 0;

		while (list[length] && list[length] != ',')
			length++;
		if (length && fn(list, length, arg))
			return true;
		list += length;
		if (*list == ',')
			list++;
	}
	return false;
}

static bool same(const char *item, size_t length, const char *name)
{
	return strlen(name) == length && strncmp(item, name, length) == 0;
}

static bool item_selects(const char *item, size_t length, const void *arg)
{
	const struct guest_test *t = arg;

	if (same(item, length, "all"))
		return !(t->flags & TEST_DESTRUCTIVE);
	return same(item, length, t->name) || same(item, length, t->group);
}

static bool item_is_known(const char *item, size_t length, const void *arg)
{
	(void)arg;
	if (same(item, length, "all"))
		return true;
	for (const struct guest_test *t = __guest_tests_start; t < __guest_tests_end; t++)
		if (same(item, length, t->name) || same(item, length, t->group))
			return true;
	return false;
}

static bool item_is_unknown(const char *item, size_t length, const void *arg)
{
	return !item_is_known(item, length, arg);
}

static bool report_if_unknown(const char *item, size_t length, const void *arg)
{
	if (!item_is_known(item, length, arg))
		check(false, "test=: no test or group is called '%.*s'", (int)length, item);
	return false;           /* go on: report every unknown one */
}

void guest_main(const char *cmdline)
{
	char selection[SELECTION_MAX] = "all";

	guest_printf("veneer test guest, %d-bit; command line '%s'", GUEST_BITS, cmdline);
	cmdline_value(cmdline, "test", selection, sizeof(selection));

	/* A misspelt name must not pass as "ran nothing, failed nothing". */
	if (!*selection || any_item(selection, item_is_unknown, NULL)) {
		report_begin("cmdline");
		check(*selection, "test= names no test");
		any_item(selection, report_if_unknown, NULL);
		report_end();
	}

	for (const struct guest_test *t = __guest_tests_start; t < __guest_tests_end; t++) {
		if (!any_item(selection, item_selects, t))
			continue;
		report_begin(t->name);
		t->run();
		report_end();
	}
}
