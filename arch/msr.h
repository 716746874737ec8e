/*
 * Model-specific registers veneer uses, with their SDM addresses (SDM Vol.
 * 4, "Model-Specific Registers"), and the RDMSR/WRMSR wrappers.  This is
 * the one place an MSR number is written down.
 */
#ifndef VENEER_ARCH_MSR_H
#define VENEER_ARCH_MSR_H

#include <stdbool.h>
#include <stdint.h>

enum msr {
	IA32_TIME_STAMP_COUNTER         = 0x010,
	IA32_PLATFORM_ID                = 0x017,
	IA32_APIC_BASE                  = 0x01B,
	IA32_FEATURE_CONTROL            = 0x03A,
	IA32_TSC_ADJUST                 = 0x03B,
	IA32_SPEC_CTRL                  = 0x048,
	IA32_BIOS_UPDT_TRIG             = 0x079,
	IA32_BIOS_SIGN_ID               = 0x08B,
	IA32_SMM_MONITOR_CTL            = 0x09B,
	IA32_PMC0                       = 0x0C1,
	IA32_PMC7                       = 0x0C8,
	IA32_MTRRCAP                    = 0x0FE,
	IA32_ARCH_CAPABILITIES          = 0x10A,
	IA32_SYSENTER_CS                = 0x174,
	IA32_SYSENTER_ESP               = 0x175,
	IA32_SYSENTER_EIP               = 0x176,
	IA32_MCG_CAP                    = 0x179,
	IA32_MCG_STATUS                 = 0x17A,
	IA32_PERFEVTSEL0                = 0x186,
	IA32_PERFEVTSEL7                = 0x18D,
	IA32_FIXED_CTR0                 = 0x309,
	IA32_FIXED_CTR3                 = 0x30C,
	IA32_PERF_CAPABILITIES          = 0x345,
	IA32_FIXED_CTR_CTRL             = 0x38D,
	IA32_PERF_GLOBAL_STATUS         = 0x38E,
	IA32_PERF_GLOBAL_CTRL           = 0x38F,
	IA32_PERF_GLOBAL_OVF_CTRL       = 0x390,
	IA32_PERF_GLOBAL_STATUS_SET     = 0x391,
	IA32_A_PMC0                     = 0x4C1,
	IA32_A_PMC7                     = 0x4C8,
	IA32_MISC_ENABLE                = 0x1A0,
	IA32_DEBUGCTL                   = 0x1D9,
	IA32_MTRR_PHYSBASE0             = 0x200,
	IA32_MTRR_PHYSMASK0             = 0x201,
	IA32_MTRR_FIX64K_00000          = 0x250,
	IA32_MTRR_FIX16K_80000          = 0x258,
	IA32_MTRR_FIX16K_A0000          = 0x259,
	IA32_MTRR_FIX4K_C0000           = 0x268,
	IA32_MTRR_FIX4K_C8000           = 0x269,
	IA32_MTRR_FIX4K_D0000           = 0x26A,
	IA32_MTRR_FIX4K_D8000           = 0x26B,
	IA32_MTRR_FIX4K_E0000           = 0x26C,
	IA32_MTRR_FIX4K_E8000           = 0x26D,
	IA32_MTRR_FIX4K_F0000           = 0x26E,
	IA32_MTRR_FIX4K_F8000           = 0x26F,
	IA32_PAT                        = 0x277,
	IA32_MTRR_DEF_TYPE              = 0x2FF,

	IA32_VMX_BASIC                  = 0x480,
	IA32_VMX_PINBASED_CTLS          = 0x481,
	IA32_VMX_PROCBASED_CTLS         = 0x482,
	IA32_VMX_EXIT_CTLS              = 0x483,
	IA32_VMX_ENTRY_CTLS             = 0x484,
	IA32_VMX_MISC                   = 0x485,
	IA32_VMX_CR0_FIXED0             = 0x486,
	IA32_VMX_CR0_FIXED1             = 0x487,
	IA32_VMX_CR4_FIXED0             = 0x488,
	IA32_VMX_CR4_FIXED1             = 0x489,
	IA32_VMX_VMCS_ENUM              = 0x48A,
	IA32_VMX_PROCBASED_CTLS2        = 0x48B,
	IA32_VMX_EPT_VPID_CAP           = 0x48C,
	IA32_VMX_TRUE_PINBASED_CTLS     = 0x48D,
	IA32_VMX_TRUE_PROCBASED_CTLS    = 0x48E,
	IA32_VMX_TRUE_EXIT_CTLS         = 0x48F,
	IA32_VMX_TRUE_ENTRY_CTLS        = 0x490,
	IA32_VMX_VMFUNC                 = 0x491,
	IA32_VMX_PROCBASED_CTLS3        = 0x492,

	IA32_X2APIC_FIRST               = 0x800,       /* the x2APIC registers: 0x800 + offset / 16 */
	IA32_X2APIC_APICID              = 0x802,
	IA32_X2APIC_EOI                 = 0x80B,
	IA32_X2APIC_SIVR                = 0x80F,
	IA32_X2APIC_ICR                 = 0x830,
	IA32_X2APIC_LAST                = 0x8FF,

	IA32_XSS                        = 0xDA0,

	IA32_EFER                       = 0xC0000080,
	IA32_STAR                       = 0xC0000081,
	IA32_LSTAR                      = 0xC0000082,
	IA32_CSTAR                      = 0xC0000083,
	IA32_FMASK                      = 0xC0000084,
	IA32_FS_BASE                    = 0xC0000100,
	IA32_GS_BASE                    = 0xC0000101,
	IA32_KERNEL_GS_BASE             = 0xC0000102,
	IA32_TSC_AUX                    = 0xC0000103,
};

/* IA32_FEATURE_CONTROL (SDM Vol. 3C, 25.7 "Enabling and entering VMX operation") */
#define FEATURE_CONTROL_LOCKED                  (1ULL << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX          (1ULL << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX         (1ULL << 2)

/* IA32_EFER */
#define EFER_SCE        (1ULL << 0)
#define EFER_LME        (1ULL << 8)
#define EFER_LMA        (1ULL << 10)
#define EFER_NXE        (1ULL << 11)

/* IA32_APIC_BASE */
#define APIC_BASE_BSP           (1ULL << 8)
#define APIC_BASE_X2APIC_ENABLE (1ULL << 10)
#define APIC_BASE_ENABLE        (1ULL << 11)
#define APIC_BASE_ADDRESS_MASK  0xFFFFFFFFFF000ULL

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}

/*
 * For probing: an MSR the CPU lacks raises #GP.  These return false
 * instead (the #GP handler sees the instruction's fixup entry and skips
 * it; see arch/exceptions.c).
 */
bool rdmsr_safe(uint32_t msr, uint64_t *value);
bool wrmsr_safe(uint32_t msr, uint64_t value);

#endif
