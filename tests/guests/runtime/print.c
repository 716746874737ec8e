/*
 * The guest's only output: format a line on the stack and hand its
 * guest-physical address (the same as its address: memory is identity
 * mapped) to the print hypercall.  veneer prints it as one log line, so
 * the text has no newline.  A longer line is cut at VENEER_HC_PRINT_MAX.
 */
#include "kernel/format.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"

void guest_vprintf(const char *fmt, va_list ap)
{
	char line[VENEER_HC_PRINT_MAX + 1];
	int length = format_v(line, sizeof(line), fmt, ap);

	if (length > VENEER_HC_PRINT_MAX)
		length = VENEER_HC_PRINT_MAX;
	hc_print(line, (size_t)length);
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vprintf(fmt, ap);
	va_end(ap);
}
