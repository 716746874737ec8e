/* Output through the print hypercall: one call is one line of veneer's log. */
#ifndef VENEER_TESTS_GUESTS_PRINT_H
#define VENEER_TESTS_GUESTS_PRINT_H

#include <stdarg.h>

/* Formats like printf (kernel/format.c) and prints at most VENEER_HC_PRINT_MAX bytes. */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_vprintf(const char *fmt, va_list ap);

#endif
