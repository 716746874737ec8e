/*
 * The bench guest: how many TSC ticks a round trip through veneer costs
 * for each kind of exit (in Bochs a tick is one instruction, so the
 * numbers are exact and repeatable).  Each operation runs BENCH_WARMUP
 * times, then BENCH_ROUNDS times between two "LFENCE; RDTSC" reads, and
 * the guest prints
 *
 *   BENCH: rdtsc-overhead min=<ticks> avg=<ticks>   timing an empty function
 *   BENCH: <operation> min=<ticks> avg=<ticks>      minus the overhead's min
 *
 * for each operation below, then "BENCH: done" and shuts down with 0.
 * An operation that faults on its trial run is reported as skipped.
 *
 *   cpuid      CPUID leaf 0 (always exits)
 *   vmcall     VENEER_HC_VERSION (always exits)
 *   rdmsr      RDMSR IA32_FEATURE_CONTROL (intercepted: VMX is hidden)
 *   in         IN from COM1's line status register, 0x3FD (veneer
 *              intercepts its serial port)
 *   mov-cr0    MOV to CR0 flipping NE.  VMX requires CR0.NE=1, so veneer
 *              must own NE in the CR0 guest/host mask and shadow the
 *              guest's value; a MOV to CR0 exits when a masked bit of the
 *              new value differs from the read shadow (SDM Vol. 3C,
 *              26.1.3), so writing NE alternately clear and set exits
 *              every time.
 */
#include <stdint.h>

#include "tests/guests/runtime/guest.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define BENCH_WARMUP    100
#define BENCH_ROUNDS    1000

#define PORT_COM1_LSR   0x3FD

struct bench_result {
	uint64_t min, avg;
};

static inline uint64_t tsc_fenced(void)
{
	uint32_t lo, hi;

	asm volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Operations are called, not inlined, the empty one too: same overhead for all. */
#define BENCH_OP __attribute__((noinline))

static BENCH_OP void op_nothing(void)
{
	asm volatile("" : : : "memory");
}

static BENCH_OP void op_cpuid(void)
{
	cpuid(0, 0);
}

static BENCH_OP void op_vmcall(void)
{
	hc_version();
}

static BENCH_OP void op_rdmsr(void)
{
	rdmsr(IA32_FEATURE_CONTROL);
}

static BENCH_OP void op_in(void)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"((uint16_t)PORT_COM1_LSR));
}

static unsigned long cr0_ne_set, cr0_ne_clear;
static bool ne_cleared;

static BENCH_OP void op_mov_cr0(void)
{
	ne_cleared = !ne_cleared;
	asm volatile("mov %0, %%cr0" : : "r"(ne_cleared ? cr0_ne_clear : cr0_ne_set) : "memory");
}

static struct bench_result measure(void (*op)(void))
{
	uint64_t min = UINT64_MAX, sum = 0;

	for (int i = 0; i < BENCH_WARMUP; i++)
		op();
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		uint64_t start = tsc_fenced();

		op();
		uint64_t ticks = tsc_fenced() - start;

		if (ticks < min)
			min = ticks;
		sum += ticks;
	}
	return (struct bench_result){ .min = min, .avg = sum / BENCH_ROUNDS };
}

static uint64_t minus(uint64_t ticks, uint64_t overhead)
{
	return ticks > overhead ? ticks - overhead : 0;
}

static void bench(const char *name, void (*op)(void), int trial_vector, uint64_t overhead)
{
	if (trial_vector != PROBE_NONE) {
		guest_printf("BENCH: %s skipped: its trial run raised %s", name, vector_name(trial_vector));
		return;
	}
	struct bench_result r = measure(op);

	guest_printf("BENCH: %s min=%llu avg=%llu", name, (unsigned long long)minus(r.min, overhead),
		     (unsigned long long)minus(r.avg, overhead));
}

void guest_main(const char *cmdline)
{
	uint64_t value;
	uint8_t byte;

	(void)cmdline;
	guest_printf("BENCH: veneer round trips in TSC ticks, %d rounds after %d warm-up rounds",
		     BENCH_ROUNDS, BENCH_WARMUP);

	struct bench_result overhead = measure(op_nothing);
	guest_printf("BENCH: rdtsc-overhead min=%llu avg=%llu", (unsigned long long)overhead.min,
		     (unsigned long long)overhead.avg);

	bench("cpuid", op_cpuid, PROBE_NONE, overhead.min);
	bench("vmcall", op_vmcall, PROBE_NONE, overhead.min);
	bench("rdmsr", op_rdmsr, msr_read(IA32_FEATURE_CONTROL, &value), overhead.min);
	bench("in", op_in, port_in8(PORT_COM1_LSR, &byte), overhead.min);

	cr0_ne_set = cr0_read() | CR0_NE;
	cr0_ne_clear = cr0_ne_set & ~CR0_NE;
	int trial = cr0_write(cr0_ne_clear);
	if (trial == PROBE_NONE)
		trial = cr0_write(cr0_ne_set);
	bench("mov-cr0", op_mov_cr0, trial, overhead.min);
	if (ne_cleared)
		cr0_write(cr0_ne_set);

	guest_printf("BENCH: done");
	hc_shutdown(0);
}
