/* Starting, using and stopping the other CPUs. */
#ifndef VENEER_KERNEL_SMP_H
#define VENEER_KERNEL_SMP_H

#include <stdbool.h>

struct percpu;

/* Starts every enabled CPU that ACPI lists (at most max_cpus in all, 0 = no limit). */
void smp_start_cpus(unsigned max_cpus);
unsigned smp_cpu_count(void);

/* Hands fn to an idle CPU and wakes it; it runs fn once (possibly for long: a guest's vCPU). */
void smp_give_work(struct percpu *cpu, void (*fn)(void));

/* Runs fn on the online CPU cpu_id (here, if it is this one) and waits, bounded; false if it is not online or did not finish. */
bool smp_call_on(unsigned cpu_id, void (*fn)(void));

/* Runs fn on every online CPU, this one included, and waits (bounded) until all are done; false if one did not finish. */
bool smp_call_on_all(void (*fn)(void));

#endif
