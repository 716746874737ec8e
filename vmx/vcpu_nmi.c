/*
 * NMIs of the guest that arrive while its CPU is in VMX root operation.
 * veneer leaves "NMI exiting" off: an NMI in VMX non-root operation goes
 * through the guest's IDT as on bare metal.  But veneer carries out the
 * guest's writes to the interrupt command register itself (INIT and SIPI
 * go to vCPUs, vmx/guest/smp.c), so an NMI the guest sends to its own CPU
 * arrives while that CPU is in root and lands in veneer's IDT (Xen sends
 * itself one to patch its code, and waits for it); so does an NMI from
 * another CPU that comes during an exit.  Bare metal would have delivered
 * it, so it is kept and injected at the next VM entry at which the guest
 * can take it (SDM Vol. 3C, "Event Injection"):
 *   - not while another event is being injected, nor in the shadow of STI
 *     or MOV SS, nor while NMIs are blocked (the guest is in its NMI
 *     handler until IRET): it waits for a later exit (at most the
 *     preemption timer's period; without virtual NMIs there is no
 *     NMI-window exit to ask for);
 *   - a vCPU halted in the guest (activity state HLT) wakes up, as HLT
 *     does for an NMI;
 *   - one waiting for a SIPI or in the shutdown state drops it: those
 *     states block NMIs on bare metal too.
 * Several NMIs before the injection make one, as a CPU latches only one
 * while another is blocked.
 */
#include "arch/exceptions.h"
#include "kernel/percpu.h"
#include "vmx/guest/guest.h"
#include "vmx/interruption.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

bool vcpu_nmi_for_guest(void)
{
	struct vcpu *vcpu = this_cpu()->vcpu;

	if (!vcpu || vcpu->state != VCPU_RUNNING)
		return false;   /* idle in veneer, or the guest has ended: veneer's to note and ignore */
	vcpu->nmi_pending = true;
	return true;
}

void vcpu_inject_pending_nmi(struct vcpu *vcpu)
{
	uint32_t activity = vmcs_read32(GUEST_ACTIVITY_STATE);

	if (activity == GUEST_ACTIVITY_WAIT_FOR_SIPI || activity == GUEST_ACTIVITY_SHUTDOWN) {
		vcpu->nmi_pending = false;
		return;
	}
	if (vmcs_read32(VM_ENTRY_INTERRUPTION_INFORMATION) & VMX_INTR_INFO_VALID)
		return;
	if (vmcs_read32(GUEST_INTERRUPTIBILITY_STATE) & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS | BLOCKING_BY_NMI))
		return;
	vcpu->nmi_pending = false;
	vmcs_write32(VM_ENTRY_INTERRUPTION_INFORMATION, vmx_encode_interruption_info(VECTOR_NMI, VMX_INTR_NMI, false));
	if (activity == GUEST_ACTIVITY_HLT)
		vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
}
