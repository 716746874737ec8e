/*
 * Probing reads and writes of MSRs.  The instruction gets an entry in the
 * exception fixup table: if it raises #GP, the handler resumes at the
 * fixup label, which reports failure instead of crashing.
 */
#include "arch/msr.h"

bool rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;
	int ok = 1;

	asm volatile("1:	rdmsr\n"
		     "2:\n"
		     "	.pushsection .fixup_table, \"a\"\n"
		     "	.balign 8\n"
		     "	.quad 1b, 3f\n"
		     "	.popsection\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	xorl %2, %2\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     : "=a"(lo), "=d"(hi), "+r"(ok)
		     : "c"(msr));
	*value = ((uint64_t)hi << 32) | lo;
	return ok;
}

bool wrmsr_safe(uint32_t msr, uint64_t value)
{
	int ok = 1;

	asm volatile("1:	wrmsr\n"
		     "2:\n"
		     "	.pushsection .fixup_table, \"a\"\n"
		     "	.balign 8\n"
		     "	.quad 1b, 3f\n"
		     "	.popsection\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	xorl %0, %0\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     : "+r"(ok)
		     : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
	return ok;
}
