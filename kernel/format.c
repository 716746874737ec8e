/*
 * A small vsnprintf.  It must not allocate, must not fault on any format
 * string the kernel passes, and must be usable from a fault handler, so it
 * keeps all state on the stack and writes through one bounded sink.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/format.h"

struct sink {
	char *buf;
	size_t size;
	size_t len;             /* characters produced so far, even past size */
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_repeated(struct sink *s, char c, int count)
{
	while (count-- > 0)
		put(s, c);
}

struct spec {
	bool left;              /* '-' */
	bool zero;              /* '0' */
	bool plus;              /* '+' */
	bool space;             /* ' ' */
	bool alternate;         /* '#' */
	int width;
	int precision;          /* -1 when absent */
};

static void put_string(struct sink *s, const char *str, const struct spec *sp)
{
	int len = 0;

	if (!str)
		str = "(null)";
	while (str[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	if (!sp->left)
		put_repeated(s, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(s, str[i]);
	if (sp->left)
		put_repeated(s, ' ', sp->width - len);
}

static void put_number(struct sink *s, uint64_t value, bool negative, unsigned base,
		       bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int ndigits = 0;
	char sign = 0;
	const char *prefix = "";
	int prefix_len = 0;

	if (value == 0 && sp->precision == 0)
		ndigits = 0;
	else
		do {
			tmp[ndigits++] = digits[value % base];
			value /= base;
		} while (value);

	if (negative)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';

	if (sp->alternate && base == 16 && ndigits > 0) {
		prefix = upper ? "0X" : "0x";
		prefix_len = 2;
	} else if (sp->alternate && base == 8) {
		prefix = "0";
		prefix_len = 1;
	}

	int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
	int body = ndigits + zeros + prefix_len + (sign ? 1 : 0);
	int pad = sp->width > body ? sp->width - body : 0;

	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_repeated(s, ' ', pad);
	if (sign)
		put(s, sign);
	for (int i = 0; i < prefix_len; i++)
		put(s, prefix[i]);
	put_repeated(s, '0', zeros);
	while (ndigits)
		put(s, tmp[--ndigits]);
	if (sp->left)
		put_repeated(s, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:  return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE:  return va_arg(*ap, size_t);
	default:        return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:  return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG:  return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE:  return va_arg(*ap, long);
	default:        return va_arg(*ap, int);
	}
}

static int parse_int(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

int format_v(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct sink s = { .buf = buf, .size = size, .len = 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&s, *p);
			continue;
		}
		p++;
		struct spec sp = { .precision = -1 };
		for (;; p++) {
			if (*p == '-') sp.left = true;
			else if (*p == '0') sp.zero = true;
			else if (*p == '+') sp.plus = true;
			else if (*p == ' ') sp.space = true;
			else if (*p == '#') sp.alternate = true;
			else break;
		}
		if (*p == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			p++;
		} else {
			sp.width = parse_int(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				sp.precision = va_arg(ap, int);
				if (sp.precision < 0)
					sp.precision = -1;
				p++;
			} else {
				sp.precision = parse_int(&p);
			}
		}

		enum length len = LEN_INT;
		if (*p == 'h') {
			len = LEN_SHORT;
			if (*++p == 'h') { len = LEN_CHAR; p++; }
		} else if (*p == 'l') {
			len = LEN_LONG;
			if (*++p == 'l') { len = LEN_LLONG; p++; }
		} else if (*p == 'z' || *p == 't' || *p == 'j') {
			len = LEN_SIZE;
			p++;
		}

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&ap, len);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_number(&s, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
			put_number(&s, fetch_unsigned(&ap, len), false, 10, false, &sp);
			break;
		case 'x':
		case 'X':
			put_number(&s, fetch_unsigned(&ap, len), false, 16, *p == 'X', &sp);
			break;
		case 'o':
			put_number(&s, fetch_unsigned(&ap, len), false, 8, false, &sp);
			break;
		case 'p':
			sp.alternate = true;
			put_number(&s, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			sp.precision = -1;
			if (c[0] == 0) {
				put(&s, 0);     /* a NUL character is still one character */
				break;
			}
			put_string(&s, c, &sp);
			break;
		}
		case 's':
			put_string(&s, va_arg(ap, const char *), &sp);
			break;
		case '%':
			put(&s, '%');
			break;
		case '\0':
			p--;            /* a lone '%' at the end: print it, stop */
			put(&s, '%');
			break;
		default:
			/* Unknown conversion: show it as written rather than guess. */
			put(&s, '%');
			put(&s, *p);
			break;
		}
	}
	va_end(ap);
	if (size > 0)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void text_append(struct text_buffer *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (t->len < t->size)
		n = format_v(t->buf + t->len, t->size - t->len, fmt, ap);
	else
		n = format_v(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}
