/*
 * The guest's command line: the arguments of its GRUB module2 line, which
 * veneer copies to guest-physical 0x8000.  Words are separated by spaces;
 * the guests read "key=value" words and ignore the rest (GRUB may put the
 * module's file name first).
 */
#ifndef VENEER_TESTS_GUESTS_CMDLINE_H
#define VENEER_TESTS_GUESTS_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of the first "key=value" word into out; false if there is none. */
bool cmdline_value(const char *cmdline, const char *key, char *out, size_t size);

/* "0x1f" or "31"; false unless the whole text is a number. */
bool parse_number(const char *text, unsigned long long *value);

#endif
