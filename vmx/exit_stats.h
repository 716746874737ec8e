/* Exit counts by reason, per vCPU: printed when the vCPU stops and readable by hypercall. */
#ifndef VENEER_VMX_EXIT_STATS_H
#define VENEER_VMX_EXIT_STATS_H

struct vcpu;

void exit_stats_print(const struct vcpu *vcpu);

#endif
