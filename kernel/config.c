/*
 * Command-line parsing.  The command line is a list of words separated by
 * spaces; each is "name=value" or a bare "name".  A mistake in one option
 * must never stop the machine from booting: it is reported by name and the
 * option keeps its default.
 */
#include "kernel/config.h"
#include "kernel/string.h"

#define OPTION_MAX 64

void config_defaults(struct veneer_config *cfg)
{
	*cfg = (struct veneer_config){
		.loglevel = LOG_INFO,
		.serial_port = 0x3F8,
		.debugcon = false,
		.exit_method = EXIT_METHOD_HALT,
		.fault = FAULT_NONE,
		.max_cpus = 0,
		.hv_memory = CONFIG_DEFAULT_HV_MEMORY,
	};
}

struct name_value {
	const char *name;
	int value;
};

static bool lookup(const struct name_value *table, const char *name, int *value)
{
	for (; table->name; table++) {
		if (strcmp(table->name, name) == 0) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

/* Parses a decimal or 0x-prefixed hexadecimal number; false on junk or overflow. */
static bool parse_number(const char *s, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (p == digits)
		return false;
	*out = v;
	*end = p;
	return true;
}

static bool parse_plain_number(const char *s, uint64_t *out)
{
	const char *end;

	return parse_number(s, out, &end) && *end == '\0';
}

/* A size: a number with an optional K, M or G suffix (binary units). */
static bool parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, shift = 0;

	if (!parse_number(s, &v, &end))
		return false;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return false;
	}
	if (*end != '\0' || (v << shift) >> shift != v)
		return false;
	*out = v << shift;
	return true;
}

static const struct name_value loglevels[] = {
	{ "error", LOG_ERROR }, { "warn", LOG_WARN }, { "warning", LOG_WARN },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ "1", LOG_ERROR }, { "2", LOG_WARN }, { "3", LOG_INFO }, { "4", LOG_DEBUG },
	{ 0, 0 },
};

static const struct name_value serial_ports[] = {
	{ "off", 0 }, { "com1", 0x3F8 }, { "com2", 0x2F8 }, { "com3", 0x3E8 }, { "com4", 0x2E8 },
	{ 0, 0 },
};

static const struct name_value exit_methods[] = {
	{ "halt", EXIT_METHOD_HALT }, { "qemu", EXIT_METHOD_QEMU }, { "bochs", EXIT_METHOD_BOCHS },
	{ 0, 0 },
};

static const struct name_value faults[] = {
	{ "none", FAULT_NONE }, { "de", FAULT_DIVIDE_ERROR }, { "bp", FAULT_BREAKPOINT },
	{ "ud", FAULT_INVALID_OPCODE }, { "gp", FAULT_GENERAL_PROTECTION },
	{ "pf", FAULT_PAGE_FAULT }, { "wx", FAULT_WRITE_TEXT }, { "df", FAULT_STACK_OVERFLOW },
	{ 0, 0 },
};

static const struct name_value simulations[] = {
	{ "none", SIMULATE_NONE }, { "vmx-off", SIMULATE_VMX_OFF_BY_FIRMWARE },
	{ "unknown-chipset", SIMULATE_UNKNOWN_CHIPSET },
	{ 0, 0 },
};

static const struct name_value sipi_methods[] = {
	{ "intercept", SIPI_INTERCEPT }, { "wait", SIPI_WAIT },
	{ 0, 0 },
};

static const struct name_value smram_policies[] = {
	{ "lock", SMRAM_LOCK }, { "unchecked", SMRAM_UNCHECKED },
	{ 0, 0 },
};

static const struct name_value linux_entries[] = {
	{ "32", LINUX_ENTRY_32BIT }, { "16", LINUX_ENTRY_REAL_MODE },
	{ 0, 0 },
};

static const struct name_value on_off[] = {
	{ "on", 1 }, { "off", 0 }, { "yes", 1 }, { "no", 0 }, { "1", 1 }, { "0", 0 },
	{ 0, 0 },
};

/* Applies one option; returns NULL or a description of what is wrong with it. */
static const char *apply_option(struct veneer_config *cfg, const char *name, const char *value)
{
	uint64_t n;
	int v;

	if (strcmp(name, "loglevel") == 0) {
		if (!value || !lookup(loglevels, value, &v))
			return "expected error, warn, info or debug";
		cfg->loglevel = (enum log_level)v;
	} else if (strcmp(name, "serial") == 0) {
		if (value && lookup(serial_ports, value, &v))
			cfg->serial_port = (uint16_t)v;
		else if (value && parse_plain_number(value, &n) && n > 0 && n <= 0xFFF8)
			cfg->serial_port = (uint16_t)n;
		else
			return "expected off, com1..com4 or an I/O port number";
	} else if (strcmp(name, "debugcon") == 0) {
		if (!value)
			v = 1;
		else if (!lookup(on_off, value, &v))
			return "expected on or off";
		cfg->debugcon = v;
	} else if (strcmp(name, "exit") == 0) {
		if (!value || !lookup(exit_methods, value, &v))
			return "expected halt, qemu or bochs";
		cfg->exit_method = (enum exit_method)v;
	} else if (strcmp(name, "fault") == 0) {
		if (!value || !lookup(faults, value, &v))
			return "expected de, bp, ud, gp, pf, wx or df";
		cfg->fault = (enum fault_injection)v;
	} else if (strcmp(name, "simulate") == 0) {
		if (!value || !lookup(simulations, value, &v))
			return "expected vmx-off or unknown-chipset";
		cfg->simulate = (enum simulation)v;
	} else if (strcmp(name, "cpus") == 0) {
		if (!value || !parse_plain_number(value, &n) || n == 0 || n > 4096)
			return "expected a CPU count from 1";
		cfg->max_cpus = (unsigned)n;
	} else if (strcmp(name, "sipi") == 0) {
		if (!value || !lookup(sipi_methods, value, &v))
			return "expected intercept or wait";
		cfg->sipi = (enum sipi_method)v;
	} else if (strcmp(name, "smram") == 0) {
		if (!value || !lookup(smram_policies, value, &v))
			return "expected lock or unchecked";
		cfg->smram = (enum smram_policy)v;
	} else if (strcmp(name, "linux") == 0) {
		if (!value || !lookup(linux_entries, value, &v))
			return "expected 32 (GRUB's 'linux') or 16 (GRUB's 'linux16')";
		cfg->linux_entry = (enum linux_entry)v;
	} else if (strcmp(name, "guest") == 0) {
		if (!value || !parse_plain_number(value, &n) || n > 255)
			return "expected the number of the guest kernel's module (0 is the first)";
		cfg->guest_module = (unsigned)n;
	} else if (strcmp(name, "hvmem") == 0) {
		if (!value || !parse_size(value, &n))
			return "expected a size such as 32M";
		if (n < CONFIG_MIN_HV_MEMORY)
			return "too small: at least 4M";
		cfg->hv_memory = (n + 0x1FFFFF) & ~0x1FFFFFULL;  /* whole 2 MiB pages */
	} else {
		return "unknown option";
	}
	return NULL;
}

unsigned config_parse(struct veneer_config *cfg, const char *cmdline, config_warn_fn warn, void *ctx)
{
	unsigned warnings = 0;
	const char *p = cmdline ? cmdline : "";

	for (;;) {
		char word[OPTION_MAX + 1];
		size_t len = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t word_len = (size_t)(p - start);
		if (word_len > OPTION_MAX) {
			memcpy(word, start, OPTION_MAX);
			word[OPTION_MAX] = '\0';
			warn(ctx, word, "option too long");
			warnings++;
			continue;
		}
		memcpy(word, start, word_len);
		word[word_len] = '\0';

		char *value = NULL;
		for (len = 0; len < word_len; len++) {
			if (word[len] == '=') {
				word[len] = '\0';
				value = &word[len + 1];
				break;
			}
		}
		const char *problem = apply_option(cfg, word, value);
		if (problem) {
			/* Show the option as written, with its value. */
			if (value)
				value[-1] = '=';
			warn(ctx, word, problem);
			warnings++;
		}
	}
	return warnings;
}
