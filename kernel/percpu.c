/*
 * Per-CPU data.  The boot CPU's lives in .bss so that it exists before
 * any allocator does; the other CPUs' are allocated when they are started.
 */
#include "arch/msr.h"
#include "kernel/percpu.h"

static struct percpu boot_cpu;
static struct percpu *cpus[MAX_CPUS];

void percpu_install(struct percpu *cpu)
{
	cpu->self = cpu;
	cpus[cpu->cpu_id] = cpu;
	wrmsr(IA32_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

void percpu_init_boot_cpu(struct cpu_descriptors *descriptors)
{
	boot_cpu.cpu_id = 0;
	boot_cpu.descriptors = descriptors;
	boot_cpu.online = 1;
	percpu_install(&boot_cpu);
}

struct percpu *percpu_of(unsigned cpu_id)
{
	return cpu_id < MAX_CPUS ? cpus[cpu_id] : 0;
}
