/*
 * RDMSR and WRMSR: VMX stays hidden (IA32_FEATURE_CONTROL locked with VMX
 * off, the VMX capability MSRs absent), MSRs that exist on no CPU raise
 * #GP, and ordinary MSRs keep what the guest writes (IA32_APIC_BASE:
 * test_apic.c).
 */
#include <stdint.h>

#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

/* In no range any CPU or hypervisor defines (0x40000000-0x400000FF are hypervisors'). */
#define MSR_NONEXISTENT         0x12345678u

GUEST_TEST(msr_feature_control, "msr", "msr-feature-control", 0)
{
	uint64_t value = 0;

	if (!check_fault("rdmsr IA32_FEATURE_CONTROL", msr_read(IA32_FEATURE_CONTROL, &value), PROBE_NONE))
		return;
	check(value & FEATURE_CONTROL_LOCKED, "IA32_FEATURE_CONTROL 0x%llx: not locked (bit 0)",
	      (unsigned long long)value);
	check(!(value & (FEATURE_CONTROL_VMX_INSIDE_SMX | FEATURE_CONTROL_VMX_OUTSIDE_SMX)),
	      "IA32_FEATURE_CONTROL 0x%llx: VMX enabled (bits 1-2)", (unsigned long long)value);
}

/* A locked IA32_FEATURE_CONTROL raises #GP on any write, the same value included. */
GUEST_TEST(msr_feature_control_write, "msr", "msr-feature-control-write", 0)
{
	uint64_t before = 0, after = 0;

	msr_read(IA32_FEATURE_CONTROL, &before);
	check_fault("wrmsr IA32_FEATURE_CONTROL (same value)", msr_write(IA32_FEATURE_CONTROL, before), VECTOR_GP);
	check_fault("wrmsr IA32_FEATURE_CONTROL (VMX on)",
		    msr_write(IA32_FEATURE_CONTROL, before | FEATURE_CONTROL_VMX_OUTSIDE_SMX), VECTOR_GP);
	msr_read(IA32_FEATURE_CONTROL, &after);
	check_eq("IA32_FEATURE_CONTROL after the writes", after, before);
}

GUEST_TEST(msr_vmx_basic, "msr", "msr-vmx-basic", 0)
{
	uint64_t value;

	check_fault("rdmsr IA32_VMX_BASIC", msr_read(IA32_VMX_BASIC, &value), VECTOR_GP);
}

/* With VMX absent from CPUID, none of the capability MSRs exists. */
GUEST_TEST(msr_vmx_capabilities, "msr", "msr-vmx-capabilities", 0)
{
	for (uint32_t msr = IA32_VMX_BASIC; msr <= IA32_VMX_PROCBASED_CTLS3; msr++) {
		uint64_t value;
		int vector = msr_read(msr, &value);

		check(vector == VECTOR_GP, "rdmsr 0x%x: expected #GP, got %s", msr, vector_name(vector));
	}
}

GUEST_TEST(msr_nonexistent, "msr", "msr-nonexistent", 0)
{
	uint64_t value;

	check_fault("rdmsr 0x12345678", msr_read(MSR_NONEXISTENT, &value), VECTOR_GP);
	check_fault("wrmsr 0x12345678", msr_write(MSR_NONEXISTENT, 0), VECTOR_GP);
}

/* Write, read back, restore. */
static void round_trip(const char *name, uint32_t msr, uint64_t test_value)
{
	uint64_t saved = 0, value = 0;

	if (!check_fault(name, msr_read(msr, &saved), PROBE_NONE))
		return;
	if (!check_fault(name, msr_write(msr, test_value), PROBE_NONE))
		return;
	check_fault(name, msr_read(msr, &value), PROBE_NONE);
	check_eq(name, value, test_value);
	check_fault(name, msr_write(msr, saved), PROBE_NONE);
}

GUEST_TEST(msr_sysenter_cs, "msr", "msr-sysenter-cs", 0)
{
	round_trip("IA32_SYSENTER_CS", IA32_SYSENTER_CS, 0x0018);
}

#ifdef __x86_64__
GUEST_TEST(msr_kernel_gs_base, "msr", "msr-kernel-gs-base", 0)
{
	round_trip("IA32_KERNEL_GS_BASE", IA32_KERNEL_GS_BASE, 0xFFFF800012345000ull);
}
#endif

GUEST_TEST(msr_efer, "msr", "msr-efer", 0)
{
	uint64_t efer = 0;

	if (!check_fault("rdmsr IA32_EFER", msr_read(IA32_EFER, &efer), PROBE_NONE))
		return;
#ifdef __x86_64__
	check((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	      "IA32_EFER 0x%llx: LME or LMA clear in long mode", (unsigned long long)efer);
#else
	check(!(efer & (EFER_LME | EFER_LMA)), "IA32_EFER 0x%llx: LME or LMA set in protected mode",
	      (unsigned long long)efer);
#endif
}

/*
 * IA32_PLATFORM_ID exists on every Intel CPU of display family 6 (SDM
 * Vol. 4, table 2-2, 17H) and is read-only; microcode loaders read it
 * early (Xen's probe faults without it).  Bochs lacks it, so natively on
 * Bochs the read raises #GP; veneer answers with platform 0.
 */
GUEST_TEST(msr_platform_id, "msr", "msr-platform-id", 0)
{
	uint64_t value = 0;

	if (((cpuid(1, 0).eax >> 8) & 0xF) != 6) {
		skip("not display family 6");
		return;
	}
	if (!check_fault("rdmsr IA32_PLATFORM_ID", msr_read(IA32_PLATFORM_ID, &value), PROBE_NONE))
		return;
	check_fault("wrmsr IA32_PLATFORM_ID", msr_write(IA32_PLATFORM_ID, value), VECTOR_GP);
}

/*
 * IA32_MISC_ENABLE exists on every Intel CPU of display family 6 (SDM
 * Vol. 4, table 2-2, 1A0H); bit 0, fast-string enable, is read/write.  A
 * write must stick and be undone as written: veneer's stand-in for a CPU
 * that lacks the MSR (Bochs) keeps what each vCPU writes, as the real MSR
 * does.
 */
#define MISC_ENABLE_FAST_STRINGS        (1ull << 0)

GUEST_TEST(msr_misc_enable, "msr", "msr-misc-enable", 0)
{
	uint64_t value = 0, flipped = 0, restored = 0;

	if (((cpuid(1, 0).eax >> 8) & 0xF) != 6) {
		skip("not display family 6");
		return;
	}
	if (!check_fault("rdmsr IA32_MISC_ENABLE", msr_read(IA32_MISC_ENABLE, &value), PROBE_NONE))
		return;
	if (!check_fault("wrmsr IA32_MISC_ENABLE, fast strings flipped",
			 msr_write(IA32_MISC_ENABLE, value ^ MISC_ENABLE_FAST_STRINGS), PROBE_NONE))
		return;
	msr_read(IA32_MISC_ENABLE, &flipped);
	check_fault("wrmsr IA32_MISC_ENABLE, restored", msr_write(IA32_MISC_ENABLE, value), PROBE_NONE);
	msr_read(IA32_MISC_ENABLE, &restored);
	check_eq("IA32_MISC_ENABLE after flipping fast strings", flipped, value ^ MISC_ENABLE_FAST_STRINGS);
	check_eq("IA32_MISC_ENABLE after restoring it", restored, value);
}

/*
 * CPUID.1:EDX.MCA promises IA32_MCG_CAP and IA32_MCG_STATUS (SDM Vol. 3B,
 * 17.3.1).  Reading them must not fault: Linux panics ("MCA architectural
 * violation") when it does.  MCG_CAP is read-only; MCG_STATUS keeps what
 * is written to its flags.
 */
#define CPUID_1_EDX_MCA         (1u << 14)

GUEST_TEST(msr_machine_check_globals, "msr", "msr-mcg", 0)
{
	uint64_t cap = 0, status = 0;

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_MCA)) {
		skip("CPUID announces no machine-check architecture");
		return;
	}
	check_fault("rdmsr IA32_MCG_CAP", msr_read(IA32_MCG_CAP, &cap), PROBE_NONE);
	if (!check_fault("rdmsr IA32_MCG_STATUS", msr_read(IA32_MCG_STATUS, &status), PROBE_NONE))
		return;
	check_fault("wrmsr IA32_MCG_CAP", msr_write(IA32_MCG_CAP, cap), VECTOR_GP);
	check_fault("wrmsr IA32_MCG_STATUS 0", msr_write(IA32_MCG_STATUS, 0), PROBE_NONE);
	msr_read(IA32_MCG_STATUS, &status);
	check_eq("IA32_MCG_STATUS after writing 0", status, 0);
}
