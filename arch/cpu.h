/* Control registers, flags and the few single instructions C needs. */
#ifndef VENEER_ARCH_CPU_H
#define VENEER_ARCH_CPU_H

#include <stdint.h>

#define CR0_PE          (1ULL << 0)
#define CR0_MP          (1ULL << 1)
#define CR0_EM          (1ULL << 2)
#define CR0_TS          (1ULL << 3)
#define CR0_ET          (1ULL << 4)
#define CR0_NE          (1ULL << 5)
#define CR0_WP          (1ULL << 16)
#define CR0_AM          (1ULL << 18)
#define CR0_NW          (1ULL << 29)
#define CR0_CD          (1ULL << 30)
#define CR0_PG          (1ULL << 31)

#define CR4_VME         (1ULL << 0)
#define CR4_PVI         (1ULL << 1)
#define CR4_TSD         (1ULL << 2)
#define CR4_DE          (1ULL << 3)
#define CR4_PSE         (1ULL << 4)
#define CR4_PAE         (1ULL << 5)
#define CR4_MCE         (1ULL << 6)
#define CR4_PGE         (1ULL << 7)
#define CR4_PCE         (1ULL << 8)
#define CR4_OSFXSR      (1ULL << 9)
#define CR4_OSXMMEXCPT  (1ULL << 10)
#define CR4_UMIP        (1ULL << 11)
#define CR4_LA57        (1ULL << 12)
#define CR4_VMXE        (1ULL << 13)
#define CR4_SMXE        (1ULL << 14)
#define CR4_FSGSBASE    (1ULL << 16)
#define CR4_PCIDE       (1ULL << 17)
#define CR4_OSXSAVE     (1ULL << 18)
#define CR4_SMEP        (1ULL << 20)
#define CR4_SMAP        (1ULL << 21)
#define CR4_PKE         (1ULL << 22)

#define RFLAGS_CF       (1ULL << 0)
#define RFLAGS_RESERVED_1 (1ULL << 1)   /* always 1 (SDM Vol. 1, 3.4.3) */
#define RFLAGS_TF       (1ULL << 8)
#define RFLAGS_ZF       (1ULL << 6)
#define RFLAGS_IF       (1ULL << 9)
#define RFLAGS_RF       (1ULL << 16)

#define DEFINE_CR_ACCESSORS(n)                                          \
	static inline uint64_t read_cr##n(void)                         \
	{                                                               \
		uint64_t v;                                             \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));           \
		return v;                                               \
	}                                                               \
	static inline void write_cr##n(uint64_t v)                      \
	{                                                               \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");  \
	}

DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)

/* DR6, which veneer leaves to the guest (no exit changes it): for a #DB veneer reflects into the guest. */
static inline uint64_t read_dr6(void)
{
	uint64_t v;

	asm volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(uint64_t v)
{
	asm volatile("mov %0, %%dr6" : : "r"(v));
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static inline void halt_forever(void) __attribute__((noreturn));
static inline void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void invlpg(uintptr_t address)
{
	asm volatile("invlpg (%0)" : : "r"(address) : "memory");
}

#endif
