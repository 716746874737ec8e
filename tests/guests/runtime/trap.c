/*
 * Where every exception in the guest ends up (trap.h).  A probed
 * instruction (probe.h) is expected to fault: record which exception it
 * raised and resume after it.  Anything else is a failure of the test that
 * was running: report the vector, error code and address, then end the run.
 */
#include <stddef.h>

#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/probe.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

struct probe_entry {
	uintptr_t insn;         /* the probed instruction */
	uintptr_t resume;       /* the one after it */
};

extern const struct probe_entry __probe_table_start[], __probe_table_end[];

volatile int probe_vector = PROBE_NONE;
volatile unsigned long probe_error;
volatile unsigned long probe_flags;
volatile unsigned trap_nmis_expected, trap_nmis_taken;

/* SDM Vol. 3A, Table 6-1 "Protected-Mode Exceptions and Interrupts". */
static const char *const mnemonics[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#09", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *vector_name(int vector)
{
	if (vector == PROBE_NONE)
		return "no exception";
	if (vector >= 0 && vector < 32)
		return mnemonics[vector];
	return "an interrupt";
}

static const struct probe_entry *find_probe(uintptr_t ip)
{
	for (const struct probe_entry *e = __probe_table_start; e < __probe_table_end; e++)
		if (e->insn == ip)
			return e;
	return NULL;
}

void trap_dispatch(struct trap_frame *frame)
{
	static int nesting;
	const struct probe_entry *probe = find_probe(frame->ip);

	if (frame->vector == VECTOR_NMI && trap_nmis_expected) {
		trap_nmis_expected--;
		trap_nmis_taken++;
		return;
	}
	if (probe) {
		probe_vector = (int)frame->vector;
		probe_error = frame->error;
		probe_flags = frame->flags;
		frame->ip = probe->resume;
		return;
	}
	/* A fault while reporting a fault: do not try to print again. */
	if (nesting++) {
		hc_shutdown(255);
		halt_forever();
	}
	report_abort("unexpected %s (vector %lu), error code 0x%lx, at %s 0x%lx",
		     vector_name((int)frame->vector), frame->vector, frame->error,
		     (frame->cs & 3) ? "user-mode ip" : "ip", frame->ip);
}
