/*
 * WBINVD and INVD.  INVD exits unconditionally; veneer must not let the
 * guest throw away dirty lines that are not its own (doing a WBINVD
 * instead is the usual answer).  Both must simply complete.  INVD runs
 * once only: it is slow in Bochs.
 */
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

GUEST_TEST(cache_wbinvd, "cache", "cache-wbinvd", 0)
{
	probe_arm();
	asm volatile(PROBE_INSN("wbinvd") : : : "memory");
	check_fault("wbinvd", probe_vector, PROBE_NONE);
}

GUEST_TEST(cache_invd, "cache", "cache-invd", 0)
{
	probe_arm();
	asm volatile(PROBE_INSN("invd") : : : "memory");
	check_fault("invd", probe_vector, PROBE_NONE);
}
