/*
 * Running an instruction that may fault.  A test wraps the one instruction
 * whose exception it wants to see in PROBE_INSN(); the assembler adds an
 * entry to the probe table (section .probe_table) that names the
 * instruction and where to resume.  If the instruction raises an
 * exception, trap_dispatch() (trap.c) finds the entry, records the vector
 * and error code and resumes after the instruction, so the test gets
 * "which exception, if any" as a plain value:
 *
 *	probe_arm();
 *	asm volatile(PROBE_INSN("wrmsr") : : "c"(msr), "a"(lo), "d"(hi) : "memory");
 *	if (probe_vector == VECTOR_GP) ...
 *
 * An exception anywhere else is unexpected: trap_dispatch() reports it as
 * a FAIL and shuts the guest down.  Outputs of a faulting instruction keep
 * the values they had before it, so give them one ("+a", not "=a").
 */
#ifndef VENEER_TESTS_GUESTS_PROBE_H
#define VENEER_TESTS_GUESTS_PROBE_H

#define PROBE_NONE      (-1)    /* the instruction completed */

#ifdef __x86_64__
#define PROBE_POINTER   ".quad"
#else
#define PROBE_POINTER   ".long"
#endif

#define PROBE_INSN(insn)                                        \
	"1:	" insn "\n"                                     \
	"2:\n"                                                  \
	"	.pushsection .probe_table, \"a\"\n"             \
	"	.balign 8\n"                                    \
	"	" PROBE_POINTER " 1b, 2b\n"                     \
	"	.popsection\n"

#ifndef __ASSEMBLY__
extern volatile int probe_vector;
extern volatile unsigned long probe_error;
extern volatile unsigned long probe_flags;      /* the (E/R)FLAGS image the exception pushed */

static inline void probe_arm(void)
{
	probe_vector = PROBE_NONE;
	probe_error = 0;
	probe_flags = 0;
}
#endif

#endif
