/*
 * What veneer asks of VMX, and why:
 *   - pin-based: nothing required; external interrupts and NMIs go straight
 *     to the guest (it owns the devices).  The preemption timer, when the
 *     CPU has it, brings every vCPU back now and then, so a vCPU halted in
 *     the guest still notices that the run is ending.
 *   - primary: MSR and I/O bitmaps (intercept only what needs it), HLT
 *     exiting (to see a guest halt for good), secondary controls.
 *   - secondary: EPT and unrestricted guest are required (the guest's memory
 *     map and its real-mode and paging-off start); VPID, RDTSCP, INVPCID and
 *     XSAVES are enabled when present so a modern guest does not get #UD.
 *   - exit/entry: a 64-bit host, and IA32_EFER saved and loaded both ways
 *     (the guest switches modes itself); IA32_PAT too when possible.  The
 *     debug controls too: every VM exit sets DR7 to 0x400 and clears
 *     IA32_DEBUGCTL (SDM Vol. 3C, "Loading Host Control Registers, Debug
 *     Registers, MSRs"), so without "save debug controls" and "load debug
 *     controls" (which the TRUE capability MSRs allow to be 0) the guest's
 *     DR7 and IA32_DEBUGCTL would not survive an exit.  DR0-DR3 and DR6 are
 *     not in the VMCS: no exit changes them, and veneer never uses them.
 *     Never "load IA32_PERF_GLOBAL_CTRL": Bochs advertises it but lacks the MSR.
 */
#include "arch/cpu.h"
#include "arch/tsc.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_root.h"

/* About 10 ms between preemption-timer exits on a 2-4 GHz TSC (MISC[4:0] scales the rate). */
#define PREEMPTION_TIMER_TSC_TICKS 20000000ULL

static struct vcpu_controls controls;

const struct vcpu_controls *vcpu_controls(void)
{
	return &controls;
}

static bool adjust(enum vmx_control_kind kind, uint32_t required, uint32_t wanted, uint32_t *out)
{
	struct vmx_adjust_error err;

	if (vmx_adjust_controls(vmx_caps(), kind, required, wanted, out, &err))
		return true;
	pr_error("vmx: %s; veneer cannot run a guest on this CPU", err.message);
	return false;
}

bool vcpu_controls_init(void)
{
	const struct vmx_capabilities *caps = vmx_caps();

	if (!adjust(VMX_CONTROLS_PIN, 0, PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER, &controls.pin) ||
	    !adjust(VMX_CONTROLS_PROC,
		    CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_USE_IO_BITMAPS | CPU_BASED_HLT_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
		    0, &controls.proc) ||
	    !adjust(VMX_CONTROLS_PROC2, SECONDARY_ENABLE_EPT | SECONDARY_UNRESTRICTED_GUEST,
		    SECONDARY_ENABLE_VPID | SECONDARY_ENABLE_RDTSCP | SECONDARY_ENABLE_INVPCID |
			    SECONDARY_ENABLE_XSAVES_XRSTORS,
		    &controls.proc2) ||
	    !adjust(VMX_CONTROLS_EXIT,
		    VM_EXIT_HOST_ADDRESS_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			    VM_EXIT_SAVE_DEBUG_CONTROLS,
		    VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT, &controls.exit) ||
	    !adjust(VMX_CONTROLS_ENTRY, VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_DEBUG_CONTROLS, VM_ENTRY_LOAD_IA32_PAT,
		    &controls.entry))
		return false;

	/* PAT is switched only if both directions are available. */
	if (!(controls.exit & VM_EXIT_LOAD_IA32_PAT) || !(controls.entry & VM_ENTRY_LOAD_IA32_PAT)) {
		controls.exit &= ~(VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT);
		controls.entry &= ~VM_ENTRY_LOAD_IA32_PAT;
	}
	controls.entry &= ~VM_ENTRY_IA32E_MODE_GUEST;   /* chosen per guest at entry */

	/*
	 * CR0/CR4 bits VMX constrains (fixed to 1 or to 0) belong to the
	 * hypervisor; with unrestricted guest, CR0.PE and CR0.PG are the guest's
	 * (SDM Vol. 3C, "Unrestricted Guests").
	 */
	controls.cr0_mask = (caps->cr0_fixed0 | ~caps->cr0_fixed1) & ~(CR0_PE | CR0_PG);
	controls.cr4_mask = caps->cr4_fixed0 | ~caps->cr4_fixed1;

	unsigned rate = vmx_preemption_timer_rate(caps);
	controls.preemption_timer_value = (uint32_t)(PREEMPTION_TIMER_TSC_TICKS >> rate);
	/* How long the end of the run may wait for a vCPU to leave its guest (kernel/smp.c). */
	if (controls.pin & PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER)
		shutdown_vcpu_exit_interval_us = PREEMPTION_TIMER_TSC_TICKS * 1000 / tsc_khz() + 1;

	pr_debug("vmx: controls pin %#x, primary %#x, secondary %#x, exit %#x, entry %#x",
		controls.pin, controls.proc, controls.proc2, controls.exit, controls.entry);
	return true;
}

uint64_t vcpu_real_cr0(uint64_t guest_value)
{
	const struct vmx_capabilities *caps = vmx_caps();

	return (guest_value | (caps->cr0_fixed0 & ~(CR0_PE | CR0_PG))) & (caps->cr0_fixed1 | CR0_PE | CR0_PG);
}

uint64_t vcpu_real_cr4(uint64_t guest_value)
{
	const struct vmx_capabilities *caps = vmx_caps();

	return (guest_value | caps->cr4_fixed0) & caps->cr4_fixed1;
}

uint64_t vcpu_guest_cr0(void)
{
	return (vmcs_readn(GUEST_CR0) & ~controls.cr0_mask) | (vmcs_readn(CR0_READ_SHADOW) & controls.cr0_mask);
}

uint64_t vcpu_guest_cr4(void)
{
	return (vmcs_readn(GUEST_CR4) & ~controls.cr4_mask) | (vmcs_readn(CR4_READ_SHADOW) & controls.cr4_mask);
}
