/*
 * VMX root operation on every CPU: deciding whether this machine can run
 * veneer at all (and saying precisely why not), then VMXON on each CPU and
 * VMXOFF when the run ends.
 */
#ifndef VENEER_VMX_VMX_ROOT_H
#define VENEER_VMX_VMX_ROOT_H

#include <stdbool.h>

#include "vmx/vmx_capabilities.h"

/*
 * On the boot CPU: checks that VMX is there and allowed, reads and reports
 * the capabilities once.  On failure it prints each reason and ends the run
 * (EXIT_NO_VMX or EXIT_VMX_DISABLED).
 */
void vmx_init(void);

/* For tests: from now on IA32_FEATURE_CONTROL reads as firmware that disables VT-x leaves it. */
void vmx_simulate_firmware_lock(void);

/* Enters VMX root operation on the calling CPU (run on every CPU through smp_call_on_all). */
void vmx_enable_this_cpu(void);
/* Leaves it again (VMXOFF), if the calling CPU is in it. */
void vmx_disable_this_cpu(void);
/* An INIT signal reached this CPU and may still be pending: vmx_disable_this_cpu must not VMXOFF (it would deliver it). */
void vmx_note_latched_init(void);

/* The capabilities read on the boot CPU. */
const struct vmx_capabilities *vmx_caps(void);
/* CPUs that failed vmx_enable_this_cpu. */
unsigned vmx_failed_cpus(void);

#endif
