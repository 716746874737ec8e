/*
 * printf-style formatting into a buffer, shared by the kernel and the host
 * unit tests.  Supported: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+'
 * ' ' '#', a width and precision (also '*'), and the length modifiers
 * hh h l ll z t j.  Output is always NUL-terminated when size > 0; the
 * return value is the length the full output would have had.
 */
#ifndef VENEER_KERNEL_FORMAT_H
#define VENEER_KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int format_v(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A buffer filled piece by piece: len counts the full length, as format() does; buf stays terminated. */
struct text_buffer {
	char *buf;
	size_t size;
	size_t len;
};

void text_append(struct text_buffer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
