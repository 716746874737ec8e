/*
 * Hostile-guest suite: VMX, MSRs and control registers.  A guest that could
 * run VMX instructions on real VMCS memory, turn VMX on, reach SMM's MSRs
 * or move its APIC onto veneer's memory would get under veneer; each attack
 * checks the refusal a CPU without those features gives.  Operands point at
 * veneer's own memory (hvaddr=) where the instruction takes an address, so
 * that an instruction that was carried out would touch veneer.  Group
 * attack-vmx, run only when named; the guest goes on after each.
 */
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define ATTACK (TEST_DESTRUCTIVE)

#define EFER_MSR                0xC0000080u
#define EFER_SVME               (1ull << 12)    /* AMD's SVM enable: reserved on Intel */
#define MSR_SMM_MONITOR_CTL     0x9Bu
#define MSR_SMBASE              0x9Eu
#define MSR_BIOS_UPDT_TRIG      0x79u
#define MSR_APIC_BASE           0x1Bu

#define EXPECT_FAULT(name, vector, ...)                                         \
	do {                                                                    \
		probe_arm();                                                    \
		asm volatile(__VA_ARGS__);                                      \
		check_fault(name, probe_vector, vector);                        \
	} while (0)

/* veneer's memory, from hvaddr= or the boot-area map; 0 (and a FAIL) without it. */
static uint64_t hv_address(void)
{
	unsigned long long address;
	const char *why = "";

	if (!check(guest_hvaddr(&address, &why), "this attack needs an address in veneer's memory: %s", why))
		return 0;
	return address;
}

static uint64_t operand;
static struct { uint64_t first, second; } descriptor;

GUEST_TEST(attack_vmxon_hv, "attack-vmx", "attack-vmxon-hv", ATTACK)
{
	unsigned long cr4 = cr4_read();

	check_fault("mov to CR4 with VMXE", cr4_write(cr4 | CR4_VMXE), VECTOR_GP);
	check(!(cr4_read() & CR4_VMXE), "CR4.VMXE reads set after the refused write");
	operand = hv_address();
	EXPECT_FAULT("vmxon on veneer's memory", VECTOR_UD, PROBE_INSN("vmxon %0") : : "m"(operand) : "memory", "cc");
}

GUEST_TEST(attack_vmptrld_hv, "attack-vmx", "attack-vmptrld-hv", ATTACK)
{
	operand = hv_address();
	EXPECT_FAULT("vmptrld of veneer's memory", VECTOR_UD,
		     PROBE_INSN("vmptrld %0") : : "m"(operand) : "memory", "cc");
}

GUEST_TEST(attack_vmclear_hv, "attack-vmx", "attack-vmclear-hv", ATTACK)
{
	operand = hv_address();
	EXPECT_FAULT("vmclear of veneer's memory", VECTOR_UD,
		     PROBE_INSN("vmclear %0") : : "m"(operand) : "memory", "cc");
}

/* VMREAD of the VMCS-link pointer field and VMWRITE of the host RIP: veneer's VMCS must stay out of reach. */
GUEST_TEST(attack_vmwrite_host_rip, "attack-vmx", "attack-vmwrite-host-rip", ATTACK)
{
	unsigned long field = 0x6C16, value = 0;        /* HOST_RIP */

	EXPECT_FAULT("vmwrite HOST_RIP", VECTOR_UD,
		     PROBE_INSN("vmwrite %0, %1") : : "r"(value), "r"(field) : "memory", "cc");
	field = 0x2800;                                 /* VMCS link pointer */
	EXPECT_FAULT("vmread VMCS link pointer", VECTOR_UD,
		     PROBE_INSN("vmread %1, %0") : "+r"(value) : "r"(field) : "memory", "cc");
}

GUEST_TEST(attack_invept_all, "attack-vmx", "attack-invept-global", ATTACK)
{
	unsigned long type = 2;                         /* all-context */

	EXPECT_FAULT("invept all-context", VECTOR_UD,
		     PROBE_INSN("invept %0, %1") : : "m"(descriptor), "r"(type) : "memory", "cc");
	type = 0xFFFF;
	EXPECT_FAULT("invept with an invalid type", VECTOR_UD,
		     PROBE_INSN("invept %0, %1") : : "m"(descriptor), "r"(type) : "memory", "cc");
}

GUEST_TEST(attack_invvpid_bad, "attack-vmx", "attack-invvpid-vpid0", ATTACK)
{
	unsigned long type = 1;                         /* single-context, VPID 0: veneer's own */

	descriptor.first = 0;
	EXPECT_FAULT("invvpid of VPID 0", VECTOR_UD,
		     PROBE_INSN("invvpid %0, %1") : : "m"(descriptor), "r"(type) : "memory", "cc");
}

/* EPTP switching to index 1..511: there is no list, so #UD and the guest's EPT stays. */
GUEST_TEST(attack_vmfunc_switch, "attack-vmx", "attack-vmfunc-eptp-switch", ATTACK)
{
	for (unsigned index = 1; index < 512; index *= 8)
		EXPECT_FAULT("vmfunc EPTP switching", VECTOR_UD, PROBE_INSN("vmfunc") : : "a"(0), "c"(index) : "memory");
}

/* GETSEC (SMX) without CR4.SMXE is #UD; CR4.SMXE itself must not be settable unless CPUID shows SMX. */
GUEST_TEST(attack_smx, "attack-vmx", "attack-smx", ATTACK)
{
	uint32_t eax = 1, ebx = 0, ecx = 0, edx = 0;

	asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	EXPECT_FAULT("getsec", VECTOR_UD, PROBE_INSN("getsec") : : "a"(0), "b"(0) : "memory");
	if (ecx & (1u << 6)) {
		check(false, "CPUID shows SMX to the guest: veneer would have to virtualize it");
		return;
	}
	unsigned long cr4 = cr4_read();
	check_fault("mov to CR4 with SMXE", cr4_write(cr4 | CR4_SMXE), VECTOR_GP);
	check(!(cr4_read() & CR4_SMXE), "CR4.SMXE reads set");
}

GUEST_TEST(attack_feature_control_unlock, "attack-vmx", "attack-msr-feature-control-unlock", ATTACK)
{
	uint64_t value = 0;

	check_fault("wrmsr IA32_FEATURE_CONTROL = 0 (unlocked)", msr_write(IA32_FEATURE_CONTROL, 0), VECTOR_GP);
	check_fault("wrmsr IA32_FEATURE_CONTROL = VMX on, unlocked", msr_write(IA32_FEATURE_CONTROL, 0x4), VECTOR_GP);
	check_fault("rdmsr IA32_FEATURE_CONTROL", msr_read(IA32_FEATURE_CONTROL, &value), PROBE_NONE);
	check_eq("IA32_FEATURE_CONTROL after the attack", value & 7, 1);
}

GUEST_TEST(attack_vmx_msr_write, "attack-vmx", "attack-msr-vmx-capabilities-write", ATTACK)
{
	for (uint32_t msr = 0x480; msr <= 0x492; msr++)
		check_fault("wrmsr of a VMX capability MSR", msr_write(msr, 0), VECTOR_GP);
}

GUEST_TEST(attack_smbase, "attack-vmx", "attack-msr-smbase", ATTACK)
{
	uint64_t value = 0;

	check_fault("rdmsr IA32_SMBASE outside SMM", msr_read(MSR_SMBASE, &value), VECTOR_GP);
	check_fault("wrmsr IA32_SMBASE outside SMM", msr_write(MSR_SMBASE, 0x100000), VECTOR_GP);
}

/* Dual-monitor treatment of SMM (an SMM transfer monitor of the guest's choosing): refused. */
GUEST_TEST(attack_smm_monitor, "attack-vmx", "attack-msr-smm-monitor-ctl", ATTACK)
{
	check_fault("wrmsr IA32_SMM_MONITOR_CTL valid", msr_write(MSR_SMM_MONITOR_CTL, 1), VECTOR_GP);
	check_fault("wrmsr IA32_SMM_MONITOR_CTL MSEG at veneer", msr_write(MSR_SMM_MONITOR_CTL, hv_address() | 1),
		    VECTOR_GP);
}

GUEST_TEST(attack_microcode, "attack-vmx", "attack-msr-microcode-update", ATTACK)
{
	check_fault("wrmsr IA32_BIOS_UPDT_TRIG with veneer's memory", msr_write(MSR_BIOS_UPDT_TRIG, hv_address()),
		    VECTOR_GP);
}

GUEST_TEST(attack_efer_svme, "attack-vmx", "attack-msr-efer-svme", ATTACK)
{
	uint64_t before = 0, after = 0;

	msr_read(EFER_MSR, &before);
	check_fault("wrmsr EFER with SVME", msr_write(EFER_MSR, before | EFER_SVME), VECTOR_GP);
	msr_read(EFER_MSR, &after);
	check_eq("EFER after the attack", after, before);
}

GUEST_TEST(attack_apic_base_hv, "attack-vmx", "attack-msr-apic-base-hv", ATTACK)
{
	uint64_t base = 0, after = 0;
	uint64_t hv = hv_address();

	msr_read(MSR_APIC_BASE, &base);
	check_fault("wrmsr IA32_APIC_BASE onto veneer's memory",
		    msr_write(MSR_APIC_BASE, (base & ~APIC_BASE_ADDRESS_MASK) | (hv & APIC_BASE_ADDRESS_MASK)), VECTOR_GP);
	msr_read(MSR_APIC_BASE, &after);
	check_eq("IA32_APIC_BASE after the attack", after, base);
}
