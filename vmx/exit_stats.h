/* Exit counts by reason, per vCPU: printed when the vCPU stops and readable by hypercall. */
#ifndef VENEER_VMX_EXIT_STATS_H
#define VENEER_VMX_EXIT_STATS_H

struct vcpu;

void exit_stats_print(const struct vcpu *vcpu);

#ifdef VENEER_COUNT_VMCS_ACCESSES
#include <stdint.h>
/* make bench's counting build: one exit of reason took accesses VMREADs + VMWRITEs. */
void exit_stats_count_vmcs_accesses(struct vcpu *vcpu, unsigned reason, uint64_t accesses);
#endif

#endif
