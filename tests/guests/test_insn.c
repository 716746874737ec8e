/*
 * Instructions VMX lets a hypervisor enable or not for its guest (the
 * "enable RDTSCP" and "enable INVPCID" controls): where CPUID offers them
 * they must work, where it does not they must be #UD, as on a CPU
 * without them.
 */
#include <stdint.h>

#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define CPUID_7_EBX_INVPCID     (1u << 10)
#define INVPCID_ALL_CONTEXTS    2ul     /* including global translations */

GUEST_TEST(insn_rdtscp, "insn", "insn-rdtscp", 0)
{
	bool offered = cpuid_max_extended_leaf() >= 0x80000001 &&
		       (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_RDTSCP);
	uint32_t lo = 0, hi = 0, aux = 0;

	probe_arm();
	asm volatile(PROBE_INSN("rdtscp") : "+a"(lo), "+d"(hi), "+c"(aux) : : "memory");
	check_fault(offered ? "rdtscp (CPUID offers it)" : "rdtscp (CPUID does not offer it)",
		    probe_vector, offered ? PROBE_NONE : VECTOR_UD);
}

GUEST_TEST(insn_invpcid, "insn", "insn-invpcid", 0)
{
	bool offered = cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & CPUID_7_EBX_INVPCID);
	struct { uint64_t pcid, address; } descriptor = { 0, 0 };
	unsigned long type = INVPCID_ALL_CONTEXTS;

	probe_arm();
	asm volatile(PROBE_INSN("invpcid %0, %1") : : "m"(descriptor), "r"(type) : "memory");
	check_fault(offered ? "invpcid type 2 (CPUID offers it)" : "invpcid type 2 (CPUID does not offer it)",
		    probe_vector, offered ? PROBE_NONE : VECTOR_UD);
}
