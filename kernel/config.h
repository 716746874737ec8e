/*
 * veneer's configuration, parsed once from the Multiboot2 command line.
 * Every option and its default is listed in README.md ("Command line").
 */
#ifndef VENEER_KERNEL_CONFIG_H
#define VENEER_KERNEL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/log.h"

enum exit_method {
	EXIT_METHOD_HALT,       /* real hardware: stop the CPUs */
	EXIT_METHOD_QEMU,       /* isa-debug-exit device at port 0xF4 */
	EXIT_METHOD_BOCHS,      /* "Shutdown" written to port 0x8900 */
};

/* Deliberate faults, so tests can check that a fault is reported well. */
enum fault_injection {
	FAULT_NONE,
	FAULT_DIVIDE_ERROR,     /* fault=de */
	FAULT_BREAKPOINT,       /* fault=bp */
	FAULT_INVALID_OPCODE,   /* fault=ud */
	FAULT_GENERAL_PROTECTION, /* fault=gp */
	FAULT_PAGE_FAULT,       /* fault=pf */
	FAULT_WRITE_TEXT,       /* fault=wx: write to the kernel's own code */
	FAULT_STACK_OVERFLOW,   /* fault=df: overflow the stack into a double fault */
};

/* Machine conditions that emulators cannot produce, simulated for tests of veneer's reaction to them. */
enum simulation {
	SIMULATE_NONE,
	SIMULATE_VMX_OFF_BY_FIRMWARE,   /* simulate=vmx-off: lock IA32_FEATURE_CONTROL with VMX off, as firmware would */
	SIMULATE_UNKNOWN_CHIPSET,       /* simulate=unknown-chipset: treat the host bridge as one veneer does not know */
};

/* How the guest's INIT-SIPI-SIPI reaches its vCPUs (vmx/guest/smp.c). */
enum sipi_method {
	SIPI_INTERCEPT,         /* sipi=intercept: veneer intercepts the guest's ICR writes */
	SIPI_WAIT,              /* sipi=wait: APs wait in the wait-for-SIPI activity state; the hardware delivers */
};

/* What veneer does when it cannot close and lock SMRAM (vmx/guest/smram.c). */
enum smram_policy {
	SMRAM_LOCK,             /* smram=lock: close and lock it, or refuse to run the guest */
	SMRAM_UNCHECKED,        /* smram=unchecked: warn and run the guest anyway */
};

/* How veneer enters a Linux bzImage guest: like GRUB's 'linux' or its 'linux16' (vmx/guest/linux*_loader.c). */
enum linux_entry {
	LINUX_ENTRY_32BIT,      /* linux=32: the 32-bit boot protocol, at code32_start with a zero page */
	LINUX_ENTRY_REAL_MODE,  /* linux=16: the real-mode setup code, which asks the BIOS itself */
};

struct veneer_config {
	enum log_level loglevel;
	uint16_t serial_port;   /* 0: no serial console */
	bool debugcon;          /* also log to the 0xE9 debug port */
	enum exit_method exit_method;
	enum fault_injection fault;
	enum simulation simulate;
	unsigned max_cpus;      /* 0: every CPU the firmware lists */
	enum sipi_method sipi;
	enum smram_policy smram;
	enum linux_entry linux_entry;
	unsigned guest_module;  /* which GRUB module is the guest kernel; the ones after it are its initrd/modules */
	uint64_t hv_memory;     /* bytes reserved for the hypervisor's own allocations */
};

#define CONFIG_DEFAULT_HV_MEMORY 0        /* sized from what this machine needs (kernel/memory_plan.h) */
#define CONFIG_MIN_HV_MEMORY     (4ULL << 20)

typedef void (*config_warn_fn)(void *ctx, const char *option, const char *problem);

void config_defaults(struct veneer_config *cfg);
/* Parses cmdline into cfg; each unknown or malformed option is reported through warn and keeps its default.  Returns the number of warnings. */
unsigned config_parse(struct veneer_config *cfg, const char *cmdline, config_warn_fn warn, void *ctx);

#endif
