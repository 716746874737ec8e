/*
 * The hypercall interface (vmx/guest/hypercall_abi.h): the version, the error
 * for an unknown function, preserved registers, the exit counters, bad
 * arguments, and the refusal of a VMCALL from user mode.  Printing is
 * tested by every line this guest prints.
 */
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/usermode.h"
#include "tests/guests/runtime/x86.h"

#define UNKNOWN_FUNCTION        0x7777
#define CPUID_ROUNDS            10

GUEST_TEST(vmcall_version, "vmcall", "vmcall-version", 0)
{
	if (!needs_veneer())
		return;
	check_long("VENEER_HC_VERSION", hc_version(), VENEER_HC_VERSION_VALUE);
}

/* An unknown function returns ENOSYS, does not fault, and changes only RAX. */
GUEST_TEST(vmcall_unknown, "vmcall", "vmcall-unknown", 0)
{
	if (!needs_veneer())
		return;
	const unsigned long bx = 0x0B0B0B0B, cx = 0x0C0C0C0C, dx = 0x0D0D0D0D;
	const unsigned long si = 0x05050505, di = 0x0D1D1D1D;
	unsigned long ax = UNKNOWN_FUNCTION, b = bx, c = cx, d = dx, s = si, i = di;

	probe_arm();
	asm volatile(PROBE_INSN("vmcall")
		     : "+a"(ax), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(i) : : "memory");
	if (!check_fault("vmcall 0x7777", probe_vector, PROBE_NONE))
		return;
	check_long("vmcall 0x7777", (long)ax, VENEER_HC_ENOSYS);
	check_eq("RBX after vmcall", b, bx);
	check_eq("RCX after vmcall", c, cx);
	check_eq("RDX after vmcall", d, dx);
	check_eq("RSI after vmcall", s, si);
	check_eq("RDI after vmcall", i, di);
}

/* Each CPUID exits once (reason 10), and the counter says so. */
GUEST_TEST(vmcall_exit_count, "vmcall", "vmcall-exit-count", 0)
{
	if (!needs_veneer())
		return;
	long before = hc_exit_count(TEST_EXIT_REASON_CPUID);

	for (int i = 0; i < CPUID_ROUNDS; i++)
		cpuid(0, 0);
	long after = hc_exit_count(TEST_EXIT_REASON_CPUID);

	if (!check(before >= 0 && after >= 0, "VENEER_HC_EXIT_COUNT(10) failed: %ld, %ld", before, after))
		return;
	check_long("CPUID exits counted for 10 CPUIDs", after - before, CPUID_ROUNDS);
}

/* The second call is one more exit at least (other exits may come between). */
GUEST_TEST(vmcall_exit_total, "vmcall", "vmcall-exit-total", 0)
{
	if (!needs_veneer())
		return;
	long first = hc_exit_total();
	long second = hc_exit_total();

	check(first > 0 && second > first, "VENEER_HC_EXIT_TOTAL returned %ld, then %ld", first, second);
}

GUEST_TEST(vmcall_einval, "vmcall", "vmcall-einval", 0)
{
	if (!needs_veneer())
		return;
	static const char text[VENEER_HC_PRINT_MAX + 1] = "this print is longer than VENEER_HC_PRINT_MAX";

	check_long("VENEER_HC_EXIT_COUNT for reason 0xffff", hc_exit_count(0xFFFF), VENEER_HC_EINVAL);
	check_long("VENEER_HC_PRINT of 257 bytes", hc_print(text, sizeof(text)), VENEER_HC_EINVAL);
}

/*
 * veneer's own memory is not mapped for the guest, so it cannot be the
 * text of a print either.  The address: hvaddr=, or veneer's block in the
 * boot-area memory map (see test=ept).
 */
GUEST_TEST(vmcall_print_hv_memory, "vmcall", "vmcall-print-hv-memory", 0)
{
	if (!needs_veneer())
		return;
	unsigned long long address;
	const char *why = "";

	if (!guest_hvaddr(&address, &why)) {
		skip("%s", why);
		return;
	}
	check_long("VENEER_HC_PRINT of veneer's memory", hc_print((const char *)(uintptr_t)address, 16),
		   VENEER_HC_EINVAL);
}

#ifdef __x86_64__
/* Only the guest kernel may call veneer: from CPL 3, VMCALL returns EPERM. */
GUEST_TEST(vmcall_user_mode, "vmcall", "vmcall-user-mode", 0)
{
	if (!needs_veneer())
		return;
	int vector;
	long result = vmcall_from_user_mode(VENEER_HC_VERSION, &vector);

	if (!check_fault("vmcall at CPL 3", vector, PROBE_NONE))
		return;
	check_long("VENEER_HC_VERSION at CPL 3", result, VENEER_HC_EPERM);
}
#endif
