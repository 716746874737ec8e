/*
 * Per-CPU data, reached through the GS base of each CPU.  The first field
 * points at the structure itself so that C can get a plain pointer with
 * one GS-relative load.
 */
#ifndef VENEER_KERNEL_PERCPU_H
#define VENEER_KERNEL_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu_descriptors;
struct vcpu;

struct percpu {
	struct percpu *self;
	uint32_t cpu_id;                /* veneer's index: 0 is the boot CPU */
	uint32_t apic_id;
	uint64_t exception_depth;       /* nested faults: see arch/exceptions.c */
	struct cpu_descriptors *descriptors;
	uint64_t stack_top;

	/* SMP bookkeeping (kernel/smp.c) */
	volatile int online;
	volatile int stopped;
	void (*volatile work)(void);    /* set by the boot CPU, cleared by this CPU when done */

	/* VMX root operation (vmx/vmx_root.c) */
	bool in_vmx_root;
	void *vmxon_region;
	struct vcpu *vcpu;              /* the vCPU this CPU runs, while it runs it */
	struct vcpu *guest_vcpu;        /* the guest's vCPU assigned to this CPU (APs: vmx/guest/smp.c) */
	uint64_t vmcs_accesses;         /* VMREADs + VMWRITEs, counted only by make bench's counting build */
};

#define MAX_CPUS 64

void percpu_init_boot_cpu(struct cpu_descriptors *descriptors);
void percpu_install(struct percpu *cpu);
struct percpu *percpu_of(unsigned cpu_id);

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	asm volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned this_cpu_id(void)
{
	unsigned id;

	asm volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(offsetof(struct percpu, cpu_id)));
	return id;
}

#endif
