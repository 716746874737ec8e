/*
 * veneer's hypercalls (vmx/guest/hypercall_abi.h) as C functions.  The ABI says
 * registers other than RAX are preserved; the wrappers do not rely on it
 * (RBX, RCX and RDX are declared as changed), so a hypervisor that breaks
 * the promise fails vmcall-registers instead of corrupting the guest.
 */
#ifndef VENEER_TESTS_GUESTS_HYPERCALL_H
#define VENEER_TESTS_GUESTS_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/string.h"
#include "tests/guests/runtime/x86.h"
#include "vmx/guest/hypercall_abi.h"

/* Basic exit reasons the tests count (SDM Vol. 3C, Appendix C). */
#define TEST_EXIT_REASON_CPUID  10
#define TEST_EXIT_REASON_HLT    12

/*
 * Is veneer there?  Its signature at CPUID leaf 0x40000000.  The test
 * programs also run as Multiboot kernels on the bare machine
 * (tests/guests/native/), where VMCALL is #UD.
 */
static inline bool veneer_signature_present(void)
{
	struct cpuid_result r = cpuid(VENEER_CPUID_LEAF_BASE, 0);
	uint32_t signature[3] = { r.ebx, r.ecx, r.edx };

	return memcmp(signature, VENEER_CPUID_SIGNATURE, sizeof(signature)) == 0;
}

static inline long vmcall3(unsigned long function, unsigned long arg1,
			   unsigned long arg2, unsigned long arg3)
{
	unsigned long result = function;

	asm volatile("vmcall"
		     : "+a"(result), "+b"(arg1), "+c"(arg2), "+d"(arg3)
		     : : "memory");
	return (long)result;
}

static inline long hc_version(void)
{
	return vmcall3(VENEER_HC_VERSION, 0, 0, 0);
}

static inline long hc_print(const char *text, size_t length)
{
	return vmcall3(VENEER_HC_PRINT, (uintptr_t)text, length, 0);
}

static inline long hc_exit_count(unsigned long reason)
{
	return vmcall3(VENEER_HC_EXIT_COUNT, reason, 0, 0);
}

static inline long hc_exit_total(void)
{
	return vmcall3(VENEER_HC_EXIT_TOTAL, 0, 0, 0);
}

static inline long hc_shutdown(unsigned long code)
{
	return vmcall3(VENEER_HC_SHUTDOWN, code, 0, 0);
}

#endif
