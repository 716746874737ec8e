/*
 * How a run of veneer ends.  Every end prints one final line,
 * "veneer: exit N (name)", that test harnesses look for, then uses the
 * method chosen with exit= on the command line.
 */
#ifndef VENEER_KERNEL_SHUTDOWN_H
#define VENEER_KERNEL_SHUTDOWN_H

#include <stdint.h>

#include "kernel/config.h"

enum exit_code {
	EXIT_SUCCESS = 0,
	EXIT_PANIC = 1,                 /* an internal error: a bug in veneer */
	EXIT_FAULT = 2,                 /* a CPU exception in the hypervisor */
	EXIT_BAD_BOOT_INFO = 3,         /* the Multiboot2 information is malformed */
	EXIT_OUT_OF_MEMORY = 4,         /* not enough RAM for the hypervisor */
	EXIT_NO_VMX = 5,                /* the CPU cannot run veneer's guests */
	EXIT_VMX_DISABLED = 6,          /* VT-x switched off by the firmware */
	EXIT_VMX_FAILED = 7,            /* a VMX instruction failed */
	EXIT_GUEST_FAILED = 8,          /* the guest could not be started or crashed */
	EXIT_CODE_COUNT
};

const char *exit_code_name(enum exit_code code);

/* What the guest asked the machine to do when it ended; done at the end of the run on real hardware (exit=halt). */
enum machine_action {
	MACHINE_HALT,
	MACHINE_POWER_OFF,      /* write value to the ACPI PM1 control port */
	MACHINE_RESET,
};
void shutdown_set_machine_action(enum machine_action action, uint16_t port, uint32_t value);

void shutdown_set_method(enum exit_method method);
/* Stops the other CPUs, prints the final line and ends the run. */
void shutdown(enum exit_code code) __attribute__((noreturn));

/* Set as the run starts to end: vCPUs leave their guest at the next exit. */
extern volatile bool shutdown_in_progress;

/* Set by the SMP code: stops every other CPU (they halt with interrupts off). */
extern void (*shutdown_stop_other_cpus)(void);
/*
 * Set by the VMX layer: the longest a vCPU runs without an exit (the
 * VMX-preemption timer's period), the time a CPU may take to leave its
 * guest once shutdown_in_progress is set.  0 until known.
 */
extern uint64_t shutdown_vcpu_exit_interval_us;
/* Set by the VMX layer: what each CPU must undo before it halts for good (VMXOFF). */
extern void (*shutdown_cpu_teardown)(void);

#endif
