/*
 * RDMSR and WRMSR: VMX stays hidden (IA32_FEATURE_CONTROL locked with VMX
 * off, the VMX capability MSRs absent), MSRs that exist on no CPU raise
 * #GP, ordinary MSRs keep what the guest writes, and the guest may not
 * disable or move its local APIC.
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
 * veneer owns the local APIC's place and state: disabling it or moving
 * it is refused with #GP; writing back what is there is allowed.
 */
GUEST_TEST(msr_apic_base, "msr", "msr-apic-base", 0)
{
	uint64_t base = 0, after = 0;

	if (!check_fault("rdmsr IA32_APIC_BASE", msr_read(IA32_APIC_BASE, &base), PROBE_NONE))
		return;
	check_fault("wrmsr IA32_APIC_BASE with the enable bit clear",
		    msr_write(IA32_APIC_BASE, base & ~APIC_BASE_ENABLE), VECTOR_GP);
	check_fault("wrmsr IA32_APIC_BASE with the base moved by 4 KiB",
		    msr_write(IA32_APIC_BASE, base ^ 0x1000), VECTOR_GP);
	check_fault("wrmsr IA32_APIC_BASE with its current value", msr_write(IA32_APIC_BASE, base), PROBE_NONE);
	msr_read(IA32_APIC_BASE, &after);
	if (!check_eq("IA32_APIC_BASE after the writes", after, base))
		msr_write(IA32_APIC_BASE, base);
}
