/* Fatal errors inside veneer. */
#ifndef VENEER_KERNEL_PANIC_H
#define VENEER_KERNEL_PANIC_H

#include <stdint.h>

#include "kernel/shutdown.h"

/* Reports an internal error with a stack trace and ends the run with EXIT_PANIC. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Prints the frame-pointer chain that starts at rbp (bounded and checked). */
void print_stack_trace(uint64_t rip, uint64_t rbp);

struct general_registers;
/* Logs the sixteen general registers in rows of four; the frame's RSP slot is unused, so rsp comes apart. */
void print_general_registers(const char *prefix, const struct general_registers *regs, uint64_t rsp);

#define BUG_ON(cond)                                                            \
	do {                                                                    \
		if (__builtin_expect(!!(cond), 0))                              \
			panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__);   \
	} while (0)

#endif
