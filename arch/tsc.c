/*
 * TSC calibration against PIT channel 2, the one timer every PC-compatible
 * machine and emulator has at a known rate (1.193182 MHz).  Channel 2's
 * gate and output are visible in port 0x61, so no interrupt is needed:
 * program a 10 ms one-shot count, read the TSC, wait for the output to go
 * high, read the TSC again.  Machines without a PIT (some new UEFI
 * laptops) are caught by a bounded wait and get the CPUID frequency leaf
 * or a conservative guess instead.
 */
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/io.h"
#include "arch/tsc.h"
#include "kernel/log.h"

#define PIT_HZ                  1193182u
#define PIT_CHANNEL2_DATA       0x42
#define PIT_COMMAND             0x43
#define PIT_CHANNEL2_GATE_PORT  0x61
#define GATE_ENABLE             0x01
#define SPEAKER_ENABLE          0x02
#define CHANNEL2_OUTPUT         0x20
#define CALIBRATION_MS          10
#define FALLBACK_KHZ            1000000u        /* 1 GHz: delays come out long, never short */

static uint64_t khz = FALLBACK_KHZ;

uint64_t tsc_khz(void)
{
	return khz;
}

static uint64_t measure_with_pit(void)
{
	uint32_t count = PIT_HZ / 1000 * CALIBRATION_MS;
	uint8_t gate = inb(PIT_CHANNEL2_GATE_PORT);

	outb(PIT_CHANNEL2_GATE_PORT, (uint8_t)((gate & ~SPEAKER_ENABLE) & ~GATE_ENABLE));
	outb(PIT_COMMAND, 0xB0);        /* channel 2, low then high byte, mode 0 (one-shot), binary */
	outb(PIT_CHANNEL2_DATA, count & 0xFF);
	outb(PIT_CHANNEL2_DATA, (uint8_t)(count >> 8));
	outb(PIT_CHANNEL2_GATE_PORT, (uint8_t)((gate & ~SPEAKER_ENABLE) | GATE_ENABLE));

	uint64_t start = rdtsc();
	/* Bound the wait by TSC ticks too: 10 G ticks is several seconds on any CPU. */
	while (!(inb(PIT_CHANNEL2_GATE_PORT) & CHANNEL2_OUTPUT)) {
		if (rdtsc() - start > 10000000000ULL)
			return 0;
	}
	uint64_t ticks = rdtsc() - start;
	outb(PIT_CHANNEL2_GATE_PORT, gate);
	return ticks / CALIBRATION_MS;
}

/* CPUID leaf 0x15 gives the TSC/crystal ratio and, on newer CPUs, the crystal's frequency. */
static uint64_t frequency_from_cpuid(void)
{
	if (cpuid(0, 0).eax < 0x15)
		return 0;
	struct cpuid_result r = cpuid(0x15, 0);
	if (r.eax == 0 || r.ebx == 0 || r.ecx == 0)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
}

void tsc_calibrate(void)
{
	uint64_t measured = measure_with_pit();

	if (measured) {
		khz = measured;
		pr_debug("tsc: %llu.%03llu MHz (calibrated against the PIT)", (unsigned long long)(khz / 1000),
			(unsigned long long)(khz % 1000));
		return;
	}
	uint64_t reported = frequency_from_cpuid();
	if (reported) {
		khz = reported;
		pr_warn("tsc: no PIT answered; using the CPUID frequency, %llu kHz", (unsigned long long)khz);
		return;
	}
	pr_warn("tsc: no PIT answered and CPUID gives no frequency; assuming %u MHz (delays may be long)",
		FALLBACK_KHZ / 1000);
}

uint64_t tsc_deadline_after_us(uint64_t microseconds)
{
	return rdtsc() + microseconds * khz / 1000;
}

void udelay(uint64_t microseconds)
{
	uint64_t deadline = tsc_deadline_after_us(microseconds);

	while (rdtsc() < deadline)
		log_pump();     /* the UART sends while we wait */
}
