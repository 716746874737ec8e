/*
 * HLT with interrupts off.  On bare metal nothing but an NMI or SMI would
 * wake the CPU; veneer's contract for test guests is that HLT with
 * RFLAGS.IF=0 exits (reason 12) and veneer resumes the guest after it, as
 * if it were a NOP, rather than blocking the vCPU forever.  The test
 * checks that execution continues and that exactly one HLT exit was
 * counted.  If veneer blocks instead, the run hangs here: the line below
 * says where.
 */
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

GUEST_TEST(hlt_interrupts_off, "hlt", "hlt-interrupts-off", 0)
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
