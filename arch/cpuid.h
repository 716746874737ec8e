/* CPUID (SDM Vol. 2A, "CPUID") and the feature bits veneer tests. */
#ifndef VENEER_ARCH_CPUID_H
#define VENEER_ARCH_CPUID_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_result {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_result cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_result r;

	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

/* Leaf 1 */
#define CPUID_1_ECX_MONITOR     (1u << 3)
#define CPUID_1_ECX_VMX         (1u << 5)
#define CPUID_1_ECX_SMX         (1u << 6)
#define CPUID_1_ECX_PDCM        (1u << 15)
#define CPUID_1_ECX_X2APIC      (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_XSAVE       (1u << 26)
#define CPUID_1_ECX_OSXSAVE     (1u << 27)
#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_1_EDX_PSE         (1u << 3)
#define CPUID_1_EDX_TSC         (1u << 4)
#define CPUID_1_EDX_MSR         (1u << 5)
#define CPUID_1_EDX_APIC        (1u << 9)
#define CPUID_1_EDX_MTRR        (1u << 12)
#define CPUID_1_EDX_PAT         (1u << 16)

/* Leaf 0x80000001 */
#define CPUID_80000001_EDX_NX       (1u << 20)
#define CPUID_80000001_EDX_PAGE1GB  (1u << 26)
#define CPUID_80000001_EDX_RDTSCP   (1u << 27)
#define CPUID_80000001_EDX_LM       (1u << 29)

static inline uint32_t cpuid_max_extended_leaf(void)
{
	return cpuid(0x80000000, 0).eax;
}

static inline bool cpu_has_1gb_pages(void)
{
	return cpuid_max_extended_leaf() >= 0x80000001 &&
	       (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_PAGE1GB);
}

/* MAXPHYADDR: CPUID.80000008H:EAX[7:0], or 36 without that leaf (SDM Vol. 3A, "Enumeration of Paging Features by CPUID"). */
static inline unsigned cpu_max_phys_addr_bits(void)
{
	if (cpuid_max_extended_leaf() < 0x80000008)
		return 36;
	return cpuid(0x80000008, 0).eax & 0xFF;
}

static inline bool cpu_has_nx(void)
{
	return cpuid_max_extended_leaf() >= 0x80000001 &&
	       (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX);
}

#endif
