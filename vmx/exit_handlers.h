/*
 * The exit handlers.  Each returns true to resume the guest and false when
 * the vCPU has stopped (vcpu->end says why).  vmx_handle_exit dispatches
 * on the basic exit reason (vmx/exit_dispatch.c).
 */
#ifndef VENEER_VMX_EXIT_HANDLERS_H
#define VENEER_VMX_EXIT_HANDLERS_H

#include <stdbool.h>

struct vcpu;

bool handle_cpuid(struct vcpu *vcpu);
bool handle_rdmsr(struct vcpu *vcpu);
bool handle_wrmsr(struct vcpu *vcpu);
bool handle_cr_access(struct vcpu *vcpu);
bool handle_io_instruction(struct vcpu *vcpu);
bool handle_hlt(struct vcpu *vcpu);
bool handle_vmcall(struct vcpu *vcpu);
bool handle_xsetbv(struct vcpu *vcpu);
bool handle_invd(struct vcpu *vcpu);
bool handle_wbinvd(struct vcpu *vcpu);
bool handle_undefined_instruction(struct vcpu *vcpu);
bool handle_preemption_timer(struct vcpu *vcpu);
bool handle_triple_fault(struct vcpu *vcpu);
bool handle_ept_violation(struct vcpu *vcpu);
bool handle_ept_misconfiguration(struct vcpu *vcpu);
bool handle_exception(struct vcpu *vcpu);

#endif
