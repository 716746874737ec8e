/*
 * Deliberate exceptions, chosen on the command line, so that the tests
 * can check that a fault in the hypervisor is reported fully and ends the
 * run cleanly.  Each one goes through a real instruction that faults.
 */
#include "kernel/fault_injection.h"
#include "kernel/log.h"
#include "kernel/panic.h"

extern char __text_start[];

/* Each frame holds a page of stack; recursion runs into the guard page, and the CPU cannot push the #PF frame there either: #DF. */
static volatile unsigned recursion_limit = ~0u;     /* never reached: the stack runs out first */

static __attribute__((noinline)) unsigned overflow_stack(unsigned depth)
{
	volatile char page[4096];

	page[0] = (char)depth;
	if (depth == recursion_limit)
		return 0;
	return overflow_stack(depth + 1) + page[0];
}

void fault_inject(enum fault_injection fault)
{
	volatile unsigned zero = 0;

	if (fault == FAULT_NONE)
		return;
	pr_info("fault injection: raising the exception requested with fault= on the command line");
	switch (fault) {
	case FAULT_DIVIDE_ERROR:
		asm volatile("divl %1" : : "a"(1), "r"(zero), "d"(0));
		break;
	case FAULT_BREAKPOINT:
		asm volatile("int3");
		break;
	case FAULT_INVALID_OPCODE:
		asm volatile("ud2");
		break;
	case FAULT_GENERAL_PROTECTION:
		/* A non-canonical address. */
		asm volatile("movq (%0), %%rax" : : "r"(0x8000000000000000ULL) : "rax");
		break;
	case FAULT_PAGE_FAULT:
		/* Just past the end of a 4 TiB identity map: nothing is mapped there. */
		asm volatile("movq (%0), %%rax" : : "r"(0x40000000000ULL + 0x123) : "rax");
		break;
	case FAULT_WRITE_TEXT:
		*(volatile char *)__text_start = 0;
		break;
	case FAULT_STACK_OVERFLOW:
		overflow_stack(0);
		break;
	case FAULT_NONE:
		return;
	}
	panic("fault injection: the requested exception did not happen");
}
