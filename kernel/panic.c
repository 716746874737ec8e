#include <stdarg.h>

#include "arch/registers.h"
#include "kernel/format.h"
#include "kernel/ksyms.h"
#include "kernel/log.h"
#include "kernel/panic.h"

#define STACK_TRACE_DEPTH 16
#define STACK_TRACE_SPAN  (64 * 1024)   /* a frame pointer further than this from the first is junk */

static void print_address(const char *label, uint64_t address)
{
	const char *name;
	uint64_t offset;

	if (ksym_lookup(address, &name, &offset))
		pr_error("  %s %#018llx <%s+%#llx>", label, (unsigned long long)address, name,
			 (unsigned long long)offset);
	else
		pr_error("  %s %#018llx", label, (unsigned long long)address);
}

void print_stack_trace(uint64_t rip, uint64_t rbp)
{
	char label[8];
	uint64_t start = rbp;

	pr_error("stack trace:");
	format(label, sizeof(label), "#%d", 0);
	print_address(label, rip);
	for (int depth = 1; depth < STACK_TRACE_DEPTH; depth++) {
		/* Each frame: [rbp] = caller's rbp, [rbp+8] = return address.  Follow only sane, rising, aligned links. */
		if (rbp == 0 || (rbp & 7) || rbp < start || rbp - start > STACK_TRACE_SPAN)
			break;
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
		uint64_t return_address = frame[1];
		if (return_address == 0)
			break;
		format(label, sizeof(label), "#%d", depth);
		print_address(label, return_address);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void print_general_registers(const char *prefix, const struct general_registers *regs, uint64_t rsp)
{
	const uint64_t *r = (const uint64_t *)regs;

	for (int i = 0; i < 16; i += 4) {
		uint64_t v[4];
		for (int j = 0; j < 4; j++)
			v[j] = i + j == REGISTER_INDEX_RSP ? rsp : r[i + j];
		pr_error("  %s%-3s %016llx  %-3s %016llx  %-3s %016llx  %-3s %016llx", prefix,
			 general_register_names[i], (unsigned long long)v[0],
			 general_register_names[i + 1], (unsigned long long)v[1],
			 general_register_names[i + 2], (unsigned long long)v[2],
			 general_register_names[i + 3], (unsigned long long)v[3]);
	}
}

void panic(const char *fmt, ...)
{
	char message[256];
	va_list ap;

	log_enter_emergency();
	va_start(ap, fmt);
	format_v(message, sizeof(message), fmt, ap);
	va_end(ap);
	pr_error("PANIC: %s", message);
	print_stack_trace((uint64_t)(uintptr_t)__builtin_return_address(0),
			  (uint64_t)(uintptr_t)__builtin_frame_address(0));
	shutdown(EXIT_PANIC);
}
