/*
 * Entering VMX operation (SDM Vol. 3C, 24.7 "Enabling and Entering VMX
 * Operation", 24.8 "Restrictions on VMX Operation"):
 *   - CPUID.1:ECX.VMX must be 1;
 *   - IA32_FEATURE_CONTROL must allow VMXON outside SMX: if the firmware
 *     left it unlocked we set that bit and lock it; if it locked it with
 *     the bit clear, only the firmware's setup screen can change that;
 *   - CR0 and CR4 must satisfy IA32_VMX_CR{0,4}_FIXED{0,1}, CR4.VMXE set;
 *   - VMXON takes a 4 KiB-aligned region whose first word is the VMCS
 *     revision identifier from IA32_VMX_BASIC.
 */
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/shutdown.h"
#include "kernel/string.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_root.h"

static struct vmx_capabilities caps;
static volatile unsigned failed_cpus;

const struct vmx_capabilities *vmx_caps(void)
{
	return &caps;
}

unsigned vmx_failed_cpus(void)
{
	return failed_cpus;
}

static void cpu_vendor(char vendor[13])
{
	struct cpuid_result r = cpuid(0, 0);

	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
}

static void hypervisor_signature(char signature[13])
{
	struct cpuid_result r = cpuid(0x40000000, 0);

	memcpy(signature, &r.ebx, 4);
	memcpy(signature + 4, &r.ecx, 4);
	memcpy(signature + 8, &r.edx, 4);
	signature[12] = '\0';
	for (int i = 0; i < 12; i++)
		if (signature[i] && (signature[i] < 0x20 || signature[i] > 0x7E))
			signature[i] = '?';
}

/* Each reason this CPU cannot do VMX, and what the user can do about it.  Returns true if there is one. */
static bool explain_missing_vmx(void)
{
	char vendor[13];
	bool intel, has_vmx;

	cpu_vendor(vendor);
	intel = strcmp(vendor, "GenuineIntel") == 0;
	has_vmx = cpuid(1, 0).ecx & CPUID_1_ECX_VMX;
	if (intel && has_vmx)
		return false;
	if (!intel)
		pr_error("vmx: the CPU vendor is '%s', not GenuineIntel: veneer needs Intel VT-x (AMD SVM is not supported)",
			 vendor);
	if (!has_vmx)
		pr_error("vmx: the CPU does not offer VMX (CPUID.1:ECX.VMX is 0)");
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
		return true;

	char signature[13];
	hypervisor_signature(signature);
	pr_error("vmx: veneer is itself running under a hypervisor ('%s') that does not pass VMX through", signature);
	if (strcmp(signature, "TCGTCGTCGTCG") == 0)
		pr_error("vmx: QEMU without KVM (TCG) emulates no VMX: use QEMU with -accel kvm -cpu host "
			 "and nested KVM (kvm_intel nested=1), or Bochs with cpu model corei7_skylake_x");
	else if (strncmp(signature, "KVMKVMKVM", 9) == 0)
		pr_error("vmx: enable nested virtualization on the host (kvm_intel nested=1) and give the VM "
			 "-cpu host (or a CPU model with +vmx)");
	else
		pr_error("vmx: enable nested virtualization (VT-x passthrough) in the outer hypervisor's settings");
	return true;
}

/*
 * simulate=vmx-off: emulators' firmware leaves VMX enabled and the MSR
 * locked, so the MSR cannot be made to say "disabled"; instead veneer reads
 * the value such firmware leaves (locked, VMX off) in its place.
 */
static bool simulate_locked_off;

void vmx_simulate_firmware_lock(void)
{
	simulate_locked_off = true;
	pr_info("vmx: simulate=vmx-off: IA32_FEATURE_CONTROL reads as locked with VMX disabled");
}

static bool read_feature_control(uint64_t *value)
{
	if (simulate_locked_off) {
		*value = FEATURE_CONTROL_LOCKED;
		return true;
	}
	return rdmsr_safe(IA32_FEATURE_CONTROL, value);
}

/* IA32_FEATURE_CONTROL: returns the exit code to end with, or EXIT_SUCCESS. */
static enum exit_code check_feature_control(bool report)
{
	uint64_t fc;

	if (!read_feature_control(&fc)) {
		if (report)
			pr_error("vmx: IA32_FEATURE_CONTROL cannot be read; cannot tell whether VMX is allowed");
		return EXIT_NO_VMX;
	}
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		/* Unlocked: the firmware left the choice to us.  Allow VMX outside SMX and lock. */
		fc |= FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED;
		if (!wrmsr_safe(IA32_FEATURE_CONTROL, fc)) {
			if (report)
				pr_error("vmx: IA32_FEATURE_CONTROL is unlocked but refuses to be written");
			return EXIT_NO_VMX;
		}
		if (report)
			pr_info("vmx: IA32_FEATURE_CONTROL was unlocked; enabled VMX outside SMX and locked it");
		return EXIT_SUCCESS;
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		if (report) {
			pr_error("vmx: VMX is disabled by the firmware (enable Intel VT-x in the BIOS/UEFI setup)");
			pr_error("vmx: IA32_FEATURE_CONTROL = %#llx: locked, VMX outside SMX not allowed%s",
				 (unsigned long long)fc,
				 fc & FEATURE_CONTROL_VMX_INSIDE_SMX ? " (only inside SMX, i.e. with Intel TXT)" : "");
		}
		return EXIT_VMX_DISABLED;
	}
	return EXIT_SUCCESS;
}

void vmx_init(void)
{
	struct vmx_msr_values msrs;
	char summary[768];

	if (explain_missing_vmx())
		shutdown(EXIT_NO_VMX);
	enum exit_code fc = check_feature_control(true);
	if (fc != EXIT_SUCCESS)
		shutdown(fc);

	vmx_read_capability_msrs(&msrs);
	vmx_capabilities_decode(&msrs, &caps);
	if (caps.region_size == 0 || caps.region_size > 4096) {
		pr_error("vmx: IA32_VMX_BASIC reports a VMXON/VMCS region size of %u bytes; expected 1..4096",
			 caps.region_size);
		shutdown(EXIT_NO_VMX);
	}
	pr_debug("vmx: CR0 fixed0 %#llx fixed1 %#llx, CR4 fixed0 %#llx fixed1 %#llx",
		 (unsigned long long)caps.cr0_fixed0, (unsigned long long)caps.cr0_fixed1,
		 (unsigned long long)caps.cr4_fixed0, (unsigned long long)caps.cr4_fixed1);
	vmx_capabilities_summary(&caps, summary, sizeof(summary));
	/* One log line per summary line. */
	for (char *line = summary, *end; *line; line = end) {
		end = line;
		while (*end && *end != '\n')
			end++;
		if (*end)
			*end++ = '\0';
		pr_debug("vmx: %s", line);
	}
}

/* CR0 and CR4 as VMX operation requires, or false with the offending bits named. */
static bool apply_fixed_bits(void)
{
	char why[160];
	uint64_t cr0 = vmx_cr_apply_fixed(read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1);
	uint64_t cr4 = read_cr4() | CR4_VMXE;

	/* XSETBV emulation executes XSETBV here, which needs CR4.OSXSAVE (the host itself never uses XSAVE). */
	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	cr4 = vmx_cr_apply_fixed(cr4, caps.cr4_fixed0, caps.cr4_fixed1);

	/* Checked explicitly: fixed0 and fixed1 could contradict each other. */
	if (!vmx_cr_value_valid(cr0, caps.cr0_fixed0, caps.cr0_fixed1)) {
		vmx_cr_describe_invalid(0, cr0, caps.cr0_fixed0, caps.cr0_fixed1, why, sizeof(why));
		pr_error("vmx: CR0 cannot meet the VMX fixed bits: %s", why);
		return false;
	}
	if (!vmx_cr_value_valid(cr4, caps.cr4_fixed0, caps.cr4_fixed1)) {
		vmx_cr_describe_invalid(4, cr4, caps.cr4_fixed0, caps.cr4_fixed1, why, sizeof(why));
		pr_error("vmx: CR4 cannot meet the VMX fixed bits: %s", why);
		return false;
	}
	write_cr0(cr0);
	write_cr4(cr4);
	return true;
}

void vmx_enable_this_cpu(void)
{
	struct percpu *cpu = this_cpu();
	char why[160];

	if (cpu->in_vmx_root)
		return;
	/* The boot CPU checked these for the machine; each CPU has its own MSR and could differ. */
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX) || check_feature_control(cpu->cpu_id != 0) != EXIT_SUCCESS) {
		pr_error("vmx: VMX is not available on this CPU although it is on the boot CPU");
		goto failed;
	}
	if ((uint32_t)rdmsr(IA32_VMX_BASIC) != ((uint32_t)caps.revision_id)) {
		pr_error("vmx: this CPU's VMCS revision differs from the boot CPU's");
		goto failed;
	}
	if (!apply_fixed_bits())
		goto failed;

	if (!cpu->vmxon_region)
		cpu->vmxon_region = alloc_pages(1);
	*(volatile uint32_t *)cpu->vmxon_region = caps.revision_id;   /* bit 31 must be 0 */

	uint64_t region = (uint64_t)(uintptr_t)cpu->vmxon_region;
	struct vmx_result r = vmxon(region);
	if (!vmx_succeeded(r)) {
		pr_error("vmx: VMXON failed: %s", vmx_result_describe(r, why, sizeof(why)));
		goto failed;
	}
	cpu->in_vmx_root = true;
	pr_debug("vmx: CPU %u: VMXON region at %#llx", cpu->cpu_id, (unsigned long long)region);
	pr_debug("vmx: CPU %u in VMX root operation", cpu->cpu_id);     /* the boot CPU says "all N CPUs" at info */
	return;

failed:
	__atomic_fetch_add(&failed_cpus, 1, __ATOMIC_SEQ_CST);
}

static volatile bool init_latched[MAX_CPUS];

void vmx_note_latched_init(void)
{
	init_latched[this_cpu_id()] = true;
}

void vmx_disable_this_cpu(void)
{
	struct percpu *cpu = this_cpu();
	char why[160];

	if (!cpu->in_vmx_root)
		return;
	if (init_latched[cpu->cpu_id]) {
		/* INIT is blocked in VMX root operation and VMXOFF unblocks it (SDM Vol. 3C, VMXOFF). */
		pr_info("vmx: CPU %u stays in VMX root operation: the guest's INIT is held, and leaving would deliver "
			"it, restarting the CPU in the firmware", cpu->cpu_id);
		return;
	}
	struct vmx_result r = vmxoff();
	if (!vmx_succeeded(r)) {
		pr_error("vmx: VMXOFF failed: %s", vmx_result_describe(r, why, sizeof(why)));
		return;
	}
	cpu->in_vmx_root = false;
	write_cr4(read_cr4() & ~CR4_VMXE);
	pr_info("vmx: CPU %u left VMX operation", cpu->cpu_id);
}
