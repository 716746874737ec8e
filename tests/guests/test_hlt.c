/*
 * HLT with interrupts off.  On bare metal nothing but an NMI or SMI would
 * wake the CPU, so what a hypervisor does with it is policy:
 *
 *  - veneer today ends the guest ("guest: ended: halted with interrupts
 *    disabled"), as an operating system halting a CPU for good means;
 *  - the alternative is to count the exit (reason 12) and resume after
 *    the HLT as if it were a NOP.
 *
 * Either way the run cannot go on past this test under the first policy,
 * so it runs only when named (test=hlt), like the destructive tests.  If
 * the guest does come back, it checks that exactly one HLT exit was
 * counted and the run goes on to its SUMMARY.  The INFO line marks where
 * the guest was when it stopped.
 */
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

GUEST_TEST(hlt_interrupts_off, "hlt", "hlt-interrupts-off", TEST_DESTRUCTIVE)
{
	long before, after;

	if (!check(!(flags_read() & RFLAGS_IF), "interrupts are on"))
		return;
	guest_printf("INFO: hlt-interrupts-off: executing HLT with interrupts off");
	before = hc_exit_count(TEST_EXIT_REASON_HLT);
	check_fault("hlt", hlt_probe(), PROBE_NONE);
	after = hc_exit_count(TEST_EXIT_REASON_HLT);
	if (!check(before >= 0 && after >= 0, "VENEER_HC_EXIT_COUNT(12) failed: %ld, %ld", before, after))
		return;
	check_long("HLT exits counted for one HLT", after - before, 1);
}
