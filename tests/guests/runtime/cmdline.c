/* Reading key=value words from the guest's command line (cmdline.h). */
#include "kernel/string.h"
#include "tests/guests/runtime/cmdline.h"

bool cmdline_value(const char *cmdline, const char *key, char *out, size_t size)
{
	size_t key_length = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		size_t word_length = (size_t)(p - word);

		if (word_length > key_length && word[key_length] == '=' &&
		    strncmp(word, key, key_length) == 0) {
			size_t value_length = word_length - key_length - 1;

			if (value_length >= size)
				value_length = size - 1;
			memcpy(out, word + key_length + 1, value_length);
			out[value_length] = '\0';
			return true;
		}
	}
	return false;
}

bool parse_number(const char *text, unsigned long long *value)
{
	unsigned base = 10;
	unsigned long long v = 0;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
	}
	if (!*text)
		return false;
	for (; *text; text++) {
		unsigned digit;

		if (*text >= '0' && *text <= '9')
			digit = (unsigned)(*text - '0');
		else if (base == 16 && *text >= 'a' && *text <= 'f')
			digit = (unsigned)(*text - 'a' + 10);
		else if (base == 16 && *text >= 'A' && *text <= 'F')
			digit = (unsigned)(*text - 'A' + 10);
		else
			return false;
		v = v * base + digit;
	}
	*value = v;
	return true;
}
