/*
 * Multiprocessor start-up and shutdown.  The boot CPU starts the others
 * with INIT-SIPI-SIPI through the trampoline below 1 MiB (SDM Vol. 3A,
 * 9.4.4.1 "Typical BSP Initialization Sequence": INIT, 10 ms, SIPI,
 * 200 us, SIPI): the INITs to all at once, the SIPIs one CPU at a time;
 * it waits for each to say it is online, and leaves out
 * any that does not answer in time.  Started CPUs wait in an idle loop for
 * work from the boot CPU, or for the order to stop.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/descriptors.h"
#include "arch/msr.h"
#include "arch/paging.h"
#include "arch/tsc.h"
#include "boot/ap_trampoline.h"
#include "kernel/acpi.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/memory_plan.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/shutdown.h"
#include "kernel/smp.h"
#include "kernel/string.h"

#define AP_STACK_PAGES          4
#define AP_ANSWER_TIMEOUT_US    1000000         /* 1 s: generous even for emulators */
#define WORK_TIMEOUT_US         5000000
#define STOP_TIMEOUT_US         100000

extern const char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_protected[];
extern const char ap_trampoline_gdt[], ap_trampoline_gdt_end[];
extern const char ap_entry64[];
extern char boot_pml4[];
extern int boot_cpu_has_nx;
extern volatile int exceptions_stopping_all;

void ap_main(struct percpu *cpu) __attribute__((noreturn));

static unsigned cpu_count = 1;

unsigned smp_cpu_count(void)
{
	return cpu_count;
}

static void stop_this_cpu(void)
{
	struct percpu *cpu = this_cpu();

	if (shutdown_cpu_teardown)
		shutdown_cpu_teardown();
	__atomic_store_n(&cpu->stopped, 1, __ATOMIC_RELEASE);
	halt_forever();
}

/*
 * An idle CPU halts until the wake-up IPI (VECTOR_WAKEUP) that comes with
 * new work; in an emulator this also keeps idle CPUs from slowing the busy
 * one down.  STI;HLT is one step: an IPI that arrives after the check is
 * taken right after STI's one-instruction shadow, and ends the HLT.
 * (MONITOR/MWAIT on the work word was tried: Bochs does not always wake a
 * CPU whose monitored line another CPU writes.)
 */
static void __attribute__((noreturn)) idle_loop(struct percpu *cpu)
{
	for (;;) {
		void (*fn)(void) = __atomic_load_n(&cpu->work, __ATOMIC_ACQUIRE);
		if (fn) {
			fn();
			/* Clear only what was done: new work (the order to stop) may have come meanwhile. */
			__atomic_compare_exchange_n(&cpu->work, &fn, NULL, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			continue;
		}
		asm volatile("sti; hlt; cli" : : : "memory");
	}
}

void smp_give_work(struct percpu *cpu, void (*fn)(void))
{
	__atomic_store_n(&cpu->work, fn, __ATOMIC_RELEASE);
	apic_send_fixed(cpu->apic_id, VECTOR_WAKEUP);
}

void ap_main(struct percpu *cpu)
{
	percpu_install(cpu);
	descriptors_load(cpu->descriptors);
	write_cr3(paging_kernel_cr3());
	apic_init_this_cpu();
	__atomic_store_n(&cpu->online, 1, __ATOMIC_RELEASE);
	pr_info("smp: CPU %u online (APIC ID %u)", cpu->cpu_id, cpu->apic_id);
	idle_loop(cpu);
}

static void *trampoline_params(uint64_t base)
{
	return (void *)(uintptr_t)(base + AP_PARAMS_OFFSET);
}

static void prepare_trampoline(uint64_t base)
{
	size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);

	BUG_ON(size > AP_PARAMS_OFFSET);
	memcpy((void *)(uintptr_t)base, ap_trampoline_start, size);

	uint8_t *p = trampoline_params(base);
	uint16_t gdt_limit = (uint16_t)(ap_trampoline_gdt_end - ap_trampoline_gdt - 1);
	uint32_t gdt_base = (uint32_t)(base + (uint64_t)(ap_trampoline_gdt - ap_trampoline_start));
	uint32_t protected_entry = (uint32_t)(base + (uint64_t)(ap_trampoline_protected - ap_trampoline_start));
	uint32_t long_entry = (uint32_t)(uintptr_t)ap_entry64;
	uint16_t code32 = AP_GDT_CODE32, code64 = AP_GDT_CODE64;
	uint32_t cr3 = (uint32_t)(uintptr_t)boot_pml4;
	uint32_t efer = (uint32_t)(EFER_LME | (boot_cpu_has_nx ? EFER_NXE : 0));

	memcpy(p + AP_PARAM_GDT, &gdt_limit, 2);
	memcpy(p + AP_PARAM_GDT + 2, &gdt_base, 4);
	memcpy(p + AP_PARAM_PROTECTED_JUMP, &protected_entry, 4);
	memcpy(p + AP_PARAM_PROTECTED_JUMP + 4, &code32, 2);
	memcpy(p + AP_PARAM_LONG_JUMP, &long_entry, 4);
	memcpy(p + AP_PARAM_LONG_JUMP + 4, &code64, 2);
	memcpy(p + AP_PARAM_CR3, &cr3, 4);
	memcpy(p + AP_PARAM_EFER, &efer, 4);
}

/* A started CPU's own block: its per-CPU data and descriptor tables. */
#define PERCPU_BLOCK_PAGES ((sizeof(struct percpu) + sizeof(struct cpu_descriptors) + 4095) / 4096)

/* kernel/memory_plan.h counts these pages (with VMXON region, VMCS and vCPU) when it sizes the pool. */
_Static_assert(PERCPU_BLOCK_PAGES + AP_STACK_PAGES + 3 <=
	       POOL_PAGES_PER_CPU, "POOL_PAGES_PER_CPU no longer covers a CPU's pages");

static struct percpu *new_cpu(unsigned cpu_id, uint32_t apic)
{
	uint8_t *block = alloc_pages(PERCPU_BLOCK_PAGES);
	struct percpu *cpu = (struct percpu *)block;
	uint8_t *stack = alloc_pages(AP_STACK_PAGES);

	cpu->cpu_id = cpu_id;
	cpu->apic_id = apic;
	cpu->descriptors = (struct cpu_descriptors *)(block + ((sizeof(struct percpu) + 63) & ~63ul));
	cpu->stack_top = (uint64_t)(uintptr_t)(stack + AP_STACK_PAGES * 4096);
	return cpu;
}

static bool wait_online(struct percpu *cpu, uint64_t microseconds)
{
	uint64_t deadline = tsc_deadline_after_us(microseconds);

	while (rdtsc() < deadline) {
		if (__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE))
			return true;
		log_pump();
	}
	return __atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE);
}

/* The SIPIs of INIT-SIPI-SIPI, the INIT and its 10 ms wait done (smp_start_cpus). */
static bool start_cpu(uint64_t trampoline, struct percpu *cpu)
{
	uint8_t *p = trampoline_params(trampoline);
	uint64_t stack = cpu->stack_top, percpu = (uint64_t)(uintptr_t)cpu;

	memcpy(p + AP_PARAM_STACK, &stack, 8);
	memcpy(p + AP_PARAM_PERCPU, &percpu, 8);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	uint8_t vector = (uint8_t)(trampoline >> 12);
	for (int sipi = 0; sipi < 2; sipi++) {
		if (!apic_send_startup(cpu->apic_id, vector))
			return false;
		if (wait_online(cpu, sipi == 0 ? 200 : AP_ANSWER_TIMEOUT_US))
			return true;
	}
	return false;
}

static void stop_other_cpus(void)
{
	struct percpu *self = this_cpu();

	exceptions_stopping_all = 1;
	/*
	 * A CPU running a vCPU leaves the guest at its next exit
	 * (shutdown_in_progress); then it can take the order.  A guest that
	 * spins with interrupts off exits only when the preemption timer
	 * fires: wait for two of its periods (400 ms each in Bochs, whose TSC
	 * runs at 50 MHz), else the order and the NMI would reach the guest
	 * instead and that CPU would stay in VMX non-root operation.
	 */
	uint64_t leave_us = STOP_TIMEOUT_US;
	if (leave_us < 2 * shutdown_vcpu_exit_interval_us)
		leave_us = 2 * shutdown_vcpu_exit_interval_us;
	uint64_t leave_deadline = tsc_deadline_after_us(leave_us);
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (!cpu || cpu == self || !cpu->online)
			continue;
		while (__atomic_load_n(&cpu->vcpu, __ATOMIC_ACQUIRE) && rdtsc() < leave_deadline)
			cpu_relax();
		/*
		 * Still in: most likely in the wait-for-SIPI activity state, where
		 * only a SIPI makes a VM exit (SDM Vol. 3C, "Other Causes of VM
		 * Exits"); a CPU in any other state ignores it.
		 */
		if (__atomic_load_n(&cpu->vcpu, __ATOMIC_ACQUIRE)) {
			apic_send_startup(cpu->apic_id, 0);
			uint64_t sipi_deadline = tsc_deadline_after_us(STOP_TIMEOUT_US);
			while (__atomic_load_n(&cpu->vcpu, __ATOMIC_ACQUIRE) && rdtsc() < sipi_deadline)
				cpu_relax();
		}
		/* Said, not hidden: the run's end would otherwise read as clean while that CPU stays in the guest. */
		if (__atomic_load_n(&cpu->vcpu, __ATOMIC_ACQUIRE))
			pr_warn("smp: CPU %u is still running its guest after %llu ms: it may stay in VMX non-root "
				"operation", id, (unsigned long long)(leave_us / 1000));
	}
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (cpu && cpu != self && cpu->online)
			smp_give_work(cpu, stop_this_cpu);
	}
	uint64_t deadline = tsc_deadline_after_us(STOP_TIMEOUT_US);
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (!cpu || cpu == self || !cpu->online)
			continue;
		while (!__atomic_load_n(&cpu->stopped, __ATOMIC_ACQUIRE) && rdtsc() < deadline)
			cpu_relax();
		if (!cpu->stopped) {
			/* Busy or stuck with interrupts off: an NMI stops it (see arch/exceptions.c). */
			apic_send_nmi(cpu->apic_id);
		}
	}
}

void smp_start_cpus(unsigned max_cpus)
{
	const struct acpi_info *acpi = acpi_get();
	const struct memory_plan *mem = memory_layout();
	uint32_t self = apic_id();

	this_cpu()->apic_id = self;
	shutdown_stop_other_cpus = stop_other_cpus;
	if (!acpi || !acpi->have_madt) {
		pr_warn("smp: no MADT: running on the boot CPU only");
		return;
	}
	if (mem->trampoline.end == mem->trampoline.start) {
		pr_warn("smp: no low memory for the start-up trampoline: running on the boot CPU only");
		return;
	}
	prepare_trampoline(mem->trampoline.start);

	static uint32_t chosen[MAX_CPUS];
	unsigned listed = 0, count = 0;
	for (size_t i = 0; i < acpi->madt.cpu_count; i++) {
		const struct acpi_cpu *c = &acpi->madt.cpus[i];
		if (!c->enabled)
			continue;
		listed++;
		if (c->apic_id == self)
			continue;
		if (max_cpus && 1 + count >= max_cpus)
			continue;
		if (1 + count >= MAX_CPUS) {
			pr_warn("smp: veneer supports %d CPUs; leaving out APIC ID %u", MAX_CPUS, c->apic_id);
			continue;
		}
		if (c->apic_id > 0xFF && !apic_x2apic_mode()) {
			pr_warn("smp: APIC ID %u needs x2APIC mode, which the firmware did not enable; leaving it out",
				c->apic_id);
			continue;
		}
		chosen[count++] = c->apic_id;
	}

	/*
	 * INIT to every chosen CPU, then one 10 ms wait for all of them, then
	 * the SIPIs CPU by CPU (the trampoline holds one CPU's stack and
	 * per-CPU data at a time): each CPU still sees INIT, 10 ms, SIPI,
	 * 200 us, SIPI (SDM Vol. 3A, 9.4.4.1), and the start costs one wait,
	 * not one per CPU.
	 */
	bool init_sent[MAX_CPUS];
	for (unsigned i = 0; i < count; i++)
		init_sent[i] = apic_send_init(chosen[i]);
	if (count)
		udelay(10000);
	for (unsigned i = 0; i < count; i++) {
		struct percpu *cpu = init_sent[i] ? new_cpu(cpu_count, chosen[i]) : NULL;
		if (cpu && start_cpu(mem->trampoline.start, cpu)) {
			cpu_count++;
		} else {
			pr_warn("smp: CPU with APIC ID %u did not answer INIT-SIPI-SIPI; leaving it out", chosen[i]);
			/* Its memory stays allocated: the CPU might still wake up and use it. */
		}
	}
	pr_info("smp: %u of %u CPUs online%s", cpu_count, listed,
		max_cpus && listed > max_cpus ? " (limited by cpus= on the command line)" : "");
}

/* Waits (bounded by deadline) until cpu has done the work it was given; the log drains meanwhile. */
static bool work_done_by(struct percpu *cpu, unsigned id, uint64_t deadline)
{
	while (__atomic_load_n(&cpu->work, __ATOMIC_ACQUIRE) && rdtsc() < deadline)
		log_pump();
	if (__atomic_load_n(&cpu->work, __ATOMIC_ACQUIRE)) {
		pr_error("smp: CPU %u did not finish its work in time", id);
		return false;
	}
	return true;
}

bool smp_call_on(unsigned cpu_id, void (*fn)(void))
{
	struct percpu *cpu = percpu_of(cpu_id);

	if (!cpu || !cpu->online)
		return false;
	if (cpu == this_cpu()) {
		fn();
		return true;
	}
	smp_give_work(cpu, fn);
	return work_done_by(cpu, cpu_id, tsc_deadline_after_us(WORK_TIMEOUT_US));
}

bool smp_call_on_all(void (*fn)(void))
{
	struct percpu *self = this_cpu();
	bool all_done = true;

	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (cpu && cpu != self && cpu->online)
			smp_give_work(cpu, fn);
	}
	fn();
	uint64_t deadline = tsc_deadline_after_us(WORK_TIMEOUT_US);
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (cpu && cpu != self && cpu->online && !work_done_by(cpu, id, deadline))
			all_done = false;
	}
	return all_done;
}
