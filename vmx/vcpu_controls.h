/* The VM-execution, VM-exit and VM-entry controls every vCPU uses, computed once. */
#ifndef VENEER_VMX_VCPU_CONTROLS_H
#define VENEER_VMX_VCPU_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu_controls {
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t cr0_mask;              /* CR0 bits the hypervisor owns: the guest sees CR0_READ_SHADOW */
	uint64_t cr4_mask;
	uint32_t preemption_timer_value;
};

/* Computes the controls from the capability MSRs; false (with the missing control named) if the CPU cannot run guests. */
bool vcpu_controls_init(void);
const struct vcpu_controls *vcpu_controls(void);

/*
 * CR0/CR4 as the guest sees them: its own bits from the real register,
 * the hypervisor's bits from the read shadow (SDM Vol. 3C, "Guest/Host
 * Masks and Read Shadows for CR0 and CR4").  Current VMCS only.
 */
uint64_t vcpu_guest_cr0(void);
uint64_t vcpu_guest_cr4(void);

/* The CR0/CR4 the CPU must really hold for a value the guest chose (VMX fixed bits applied). */
uint64_t vcpu_real_cr0(uint64_t guest_value);
uint64_t vcpu_real_cr4(uint64_t guest_value);

#endif
