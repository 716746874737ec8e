/*
 * The guest's view of its local APIC's state: IA32_APIC_BASE.
 *
 * The APIC is physically shared: veneer sends and takes its own IPIs
 * through the same unit (waking CPUs, starting vCPUs, stopping the run).
 * So the guest's IA32_APIC_BASE is kept per vCPU and read back exactly as
 * written, with the SDM's checks (#GP for reserved bits and illegal
 * transitions, vmx/apic_base.c), and carried out on the real APIC as far
 * as veneer can afford:
 *   - xAPIC <-> x2APIC mode and moving the base: done on the real APIC;
 *     the write-protected xAPIC page (INIT/SIPI interception) follows the
 *     base;
 *   - global disable (EN = 0): the real APIC stays globally enabled and is
 *     software-disabled instead (SVR = 0xFF, what a global disable resets
 *     it to), and the x2APIC MSRs raise #GP for that vCPU.  A globally
 *     disabled APIC could neither take veneer's IPIs, and on Bochs it can
 *     never be enabled again (its WRMSR ignores every write until reset).
 *     What the guest can tell: the xAPIC page still reads as an APIC;
 *   - disabled -> xAPIC after x2APIC: the real APIC must leave x2APIC mode,
 *     which only passes through the real disabled state; veneer does that
 *     and says so if the CPU did not come back (Bochs).
 * A base on veneer's own memory is refused with #GP: the APIC's page would
 * cover hypervisor memory for that CPU.
 */
#ifndef VENEER_VMX_GUEST_LOCAL_APIC_H
#define VENEER_VMX_GUEST_LOCAL_APIC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* At every start of the vCPU: its IA32_APIC_BASE (the real one at power-on) and the MSR bitmap that goes with it. */
void guest_apic_vcpu_start(struct vcpu *vcpu);
/* A guest WRMSR to IA32_APIC_BASE; false when it must raise #GP. */
bool guest_apic_base_write(struct vcpu *vcpu, uint64_t value);
/* Whether the guest's APIC on this vCPU is in x2APIC mode / xAPIC mode now. */
bool guest_apic_x2apic(const struct vcpu *vcpu);
bool guest_apic_xapic(const struct vcpu *vcpu);

#endif
