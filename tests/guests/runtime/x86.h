/*
 * Instruction wrappers for the test guests, in the guest's natural width
 * (unsigned long is 32 or 64 bits), so one test source builds for both
 * guests.  Every wrapper of an instruction that may fault runs it as a
 * probe (probe.h) and returns the vector it raised, or PROBE_NONE.
 *
 * Register and bit names come from veneer's own headers: arch/cpu.h
 * (CR0_*, CR4_*), arch/msr.h (MSR numbers and bits) and arch/cpuid.h
 * (cpuid() and feature bits).  Their inline helpers for 64-bit code are
 * not used here; only width-neutral ones (cpuid, rdtsc) are.
 */
#ifndef VENEER_TESTS_GUESTS_X86_H
#define VENEER_TESTS_GUESTS_X86_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "tests/guests/runtime/probe.h"

#define RFLAGS_FIXED1   (1ul << 1)      /* always set */

/* XCR0 (SDM Vol. 1, 13.3 "Enabling the XSAVE feature set") */
#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)

/* A pointer to guest-physical memory (identity mapped in both guests). */
static inline void *phys(uintptr_t address)
{
	void *p = (void *)address;

	/* Hide the constant so gcc does not judge the access by its value. */
	asm("" : "+r"(p));
	return p;
}

#define DEFINE_CR(n)                                                            \
	static inline unsigned long cr##n##_read(void)                          \
	{                                                                       \
		unsigned long value;                                            \
		asm volatile("mov %%cr" #n ", %0" : "=r"(value));               \
		return value;                                                   \
	}                                                                       \
	static inline int cr##n##_write(unsigned long value)                    \
	{                                                                       \
		probe_arm();                                                    \
		asm volatile(PROBE_INSN("mov %0, %%cr" #n) : : "r"(value) : "memory"); \
		return probe_vector;                                            \
	}

DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

static inline int clts_probe(void)
{
	probe_arm();
	asm volatile(PROBE_INSN("clts") : : : "memory");
	return probe_vector;
}

static inline int lmsw_probe(uint16_t value)
{
	probe_arm();
	asm volatile(PROBE_INSN("lmsw %0") : : "r"(value) : "memory");
	return probe_vector;
}

static inline unsigned long flags_read(void)
{
	unsigned long flags;

	asm volatile("pushf\n\tpop %0" : "=r"(flags));
	return flags;
}

static inline int msr_read(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;

	probe_arm();
	asm volatile(PROBE_INSN("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return probe_vector;
}

static inline int msr_write(uint32_t msr, uint64_t value)
{
	probe_arm();
	asm volatile(PROBE_INSN("wrmsr")
		     : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
	return probe_vector;
}

static inline int xcr_read(uint32_t xcr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;

	probe_arm();
	asm volatile(PROBE_INSN("xgetbv") : "+a"(lo), "+d"(hi) : "c"(xcr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return probe_vector;
}

static inline int xcr_write(uint32_t xcr, uint64_t value)
{
	probe_arm();
	asm volatile(PROBE_INSN("xsetbv")
		     : : "c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
	return probe_vector;
}

static inline int port_out8(uint16_t port, uint8_t value)
{
	probe_arm();
	asm volatile(PROBE_INSN("outb %0, %1") : : "a"(value), "Nd"(port) : "memory");
	return probe_vector;
}

static inline int port_in8(uint16_t port, uint8_t *value)
{
	uint8_t v = 0;

	probe_arm();
	asm volatile(PROBE_INSN("inb %1, %0") : "+a"(v) : "Nd"(port) : "memory");
	*value = v;
	return probe_vector;
}

static inline int hlt_probe(void)
{
	probe_arm();
	asm volatile(PROBE_INSN("hlt") : : : "memory");
	return probe_vector;
}

static inline bool cpu_has_xsave(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE;
}

#endif
