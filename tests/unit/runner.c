/* Runs every registered unit test and prints the conventional summary line. */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

static struct unit_test *tests;
static struct unit_test **tail = &tests;
static int current_failures;

void unit_register(struct unit_test *test)
{
	*tail = test;
	tail = &test->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	current_failures++;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;

	for (struct unit_test *t = tests; t; t = t->next) {
		if (filter && !strstr(t->name, filter))
			continue;
		current_failures = 0;
		t->run();
		if (current_failures) {
			printf("FAIL: %s\n", t->name);
			failed++;
		} else {
			printf("PASS: %s\n", t->name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed || passed == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
