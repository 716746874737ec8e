/*
 * XSETBV, which always exits: veneer must apply the architectural checks
 * itself (SDM Vol. 2C, "XSETBV"): XCR0 must keep x87, AVX needs SSE, only
 * bits CPUID.(EAX=0xD,ECX=0) reports may be set, only XCR0 exists, and
 * with CR4.OSXSAVE clear the instruction is #UD.
 *
 * Each test sets CR4.OSXSAVE for itself and leaves CR4 and XCR0 as it
 * found them (XCR0 = x87 when OSXSAVE was off, its reset value).
 */
#include <stdint.h>

#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define XCR_XCR0                0
#define XCR_NONEXISTENT         0x100
#define XCR0_BIT62              (1ull << 62)

struct xsave_state {
	unsigned long cr4;
	uint64_t xcr0;
};

/* XCR0 bits the CPU supports, from CPUID.(EAX=0xD,ECX=0):EDX:EAX. */
static uint64_t xcr0_supported(void)
{
	struct cpuid_result r = cpuid(0xD, 0);

	return ((uint64_t)r.edx << 32) | r.eax;
}

/* Skips the test and returns false without XSAVE; else turns OSXSAVE on. */
static bool xsave_begin(struct xsave_state *saved)
{
	saved->cr4 = cr4_read();
	saved->xcr0 = XCR0_X87;
	if (!cpu_has_xsave()) {
		skip("CPUID.1:ECX.XSAVE is clear");
		return false;
	}
	if (saved->cr4 & CR4_OSXSAVE)
		xcr_read(XCR_XCR0, &saved->xcr0);
	return check_fault("mov to CR4 setting OSXSAVE", cr4_write(saved->cr4 | CR4_OSXSAVE), PROBE_NONE);
}

static void xsave_end(const struct xsave_state *saved)
{
	check_fault("xsetbv restoring XCR0", xcr_write(XCR_XCR0, saved->xcr0), PROBE_NONE);
	check_fault("mov to CR4 restoring OSXSAVE", cr4_write(saved->cr4), PROBE_NONE);
}

/* Writes XCR0 and, when that worked, reads it back. */
static void check_xcr0_accepted(const char *name, uint64_t value)
{
	uint64_t read = 0;

	if (!check_fault(name, xcr_write(XCR_XCR0, value), PROBE_NONE))
		return;
	if (check_fault("xgetbv", xcr_read(XCR_XCR0, &read), PROBE_NONE))
		check_eq(name, read, value);
}

GUEST_TEST(xsetbv_x87_sse, "xsetbv", "xsetbv-x87-sse", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	check_xcr0_accepted("xsetbv XCR0=x87|SSE", XCR0_X87 | XCR0_SSE);
	xsave_end(&saved);
}

GUEST_TEST(xsetbv_avx, "xsetbv", "xsetbv-avx", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	if (!(xcr0_supported() & XCR0_AVX))
		skip("CPUID.(EAX=0xD,ECX=0):EAX lacks AVX state (bit 2)");
	else
		check_xcr0_accepted("xsetbv XCR0=x87|SSE|AVX", XCR0_X87 | XCR0_SSE | XCR0_AVX);
	xsave_end(&saved);
}

/* Each value is refused with #GP and leaves XCR0 as it was. */
static void check_xcr0_refused(const char *name, uint32_t xcr, uint64_t value)
{
	uint64_t before = 0, after = 0;

	xcr_read(XCR_XCR0, &before);
	check_fault(name, xcr_write(xcr, value), VECTOR_GP);
	xcr_read(XCR_XCR0, &after);
	check_eq("XCR0 after a refused xsetbv", after, before);
}

GUEST_TEST(xsetbv_without_x87, "xsetbv", "xsetbv-without-x87", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	check_xcr0_refused("xsetbv XCR0=0", XCR_XCR0, 0);
	check_xcr0_refused("xsetbv XCR0=SSE", XCR_XCR0, XCR0_SSE);
	xsave_end(&saved);
}

GUEST_TEST(xsetbv_avx_without_sse, "xsetbv", "xsetbv-avx-without-sse", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	check_xcr0_refused("xsetbv XCR0=x87|AVX", XCR_XCR0, XCR0_X87 | XCR0_AVX);
	xsave_end(&saved);
}

GUEST_TEST(xsetbv_unsupported_bit, "xsetbv", "xsetbv-unsupported-bit", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	if (xcr0_supported() & XCR0_BIT62)
		skip("this CPU supports XCR0 bit 62");
	else
		check_xcr0_refused("xsetbv XCR0=x87|SSE|bit 62", XCR_XCR0, XCR0_X87 | XCR0_SSE | XCR0_BIT62);
	xsave_end(&saved);
}

GUEST_TEST(xsetbv_bad_xcr, "xsetbv", "xsetbv-bad-xcr", 0)
{
	struct xsave_state saved;

	if (!xsave_begin(&saved))
		return;
	check_xcr0_refused("xsetbv XCR 0x100", XCR_NONEXISTENT, XCR0_X87);
	xsave_end(&saved);
}

/* Without CR4.OSXSAVE (or without XSAVE at all) XSETBV and XGETBV are #UD. */
GUEST_TEST(xsetbv_osxsave_off, "xsetbv", "xsetbv-osxsave-off", 0)
{
	unsigned long cr4 = cr4_read();
	uint64_t value;

	if (cr4 & CR4_OSXSAVE)
		cr4_write(cr4 & ~CR4_OSXSAVE);
	check_fault("xsetbv with CR4.OSXSAVE clear", xcr_write(XCR_XCR0, XCR0_X87), VECTOR_UD);
	check_fault("xgetbv with CR4.OSXSAVE clear", xcr_read(XCR_XCR0, &value), VECTOR_UD);
	if (cr4 & CR4_OSXSAVE)
		cr4_write(cr4);
}
