/*
 * Hostile-guest suite: hypercalls.  Every function called with arguments
 * meant to make veneer read or write where it should not (huge lengths,
 * addresses that wrap, veneer's own memory, nothing at all, 64-bit values
 * that a 32-bit truncation would turn into valid ones), unknown function
 * numbers, and every function from user mode.  Each must give its error
 * code, without a fault in the guest or in veneer.  Group attack-hypercall
 * (64-bit guest), run only when named; the guest goes on after each.
 */
#ifdef __x86_64__
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/probe.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/usermode.h"

#define ATTACK (TEST_DESTRUCTIVE)

static uint64_t hv_address(void)
{
	unsigned long long address;
	const char *why = "";

	if (!check(guest_hvaddr(&address, &why), "this attack needs an address in veneer's memory: %s", why))
		return 0;
	return address;
}

static const char sample[] = "hostile";

static void expect_einval(const char *what, unsigned long function, unsigned long a1, unsigned long a2)
{
	check_long(what, vmcall3(function, a1, a2, 0), VENEER_HC_EINVAL);
}

GUEST_TEST(attack_print_length, "attack-hypercall", "attack-hc-print-huge-length", ATTACK)
{
	expect_einval("print of 2^64-1 bytes", VENEER_HC_PRINT, (uintptr_t)sample, ~0ul);
	expect_einval("print of 2^32+7 bytes (7 if truncated)", VENEER_HC_PRINT, (uintptr_t)sample, (1ul << 32) + 7);
	expect_einval("print of 2^63 bytes", VENEER_HC_PRINT, (uintptr_t)sample, 1ul << 63);
}

GUEST_TEST(attack_print_wrap, "attack-hypercall", "attack-hc-print-wrapping-address", ATTACK)
{
	expect_einval("print of 32 bytes at 2^64-16", VENEER_HC_PRINT, ~0ul - 15, 32);
	expect_einval("print of 1 byte at 2^64-1", VENEER_HC_PRINT, ~0ul, 1);
	expect_einval("print at 2^32 + the text (the text if truncated)", VENEER_HC_PRINT,
		      (1ul << 32) + (uintptr_t)sample, 7);
}

GUEST_TEST(attack_print_beyond, "attack-hypercall", "attack-hc-print-beyond-memory", ATTACK)
{
	expect_einval("print at 2^52 (beyond any physical address)", VENEER_HC_PRINT, 1ul << 52, 16);
	expect_einval("print at 2^63", VENEER_HC_PRINT, 1ul << 63, 16);
	expect_einval("print at 512 GiB (no memory there)", VENEER_HC_PRINT, 512ul << 30, 16);
}

GUEST_TEST(attack_print_hv, "attack-hypercall", "attack-hc-print-hv-memory", ATTACK)
{
	uint64_t hv = hv_address();

	if (!hv)
		return;
	expect_einval("print of veneer's memory", VENEER_HC_PRINT, hv, 16);
	expect_einval("print straddling into veneer's memory", VENEER_HC_PRINT, hv - 8, 16);
	expect_einval("print of 256 bytes ending in veneer's memory", VENEER_HC_PRINT, hv - 255, 256);
}

/* Control characters and escape sequences reach veneer's consoles as '?'; the scenario checks the line. */
GUEST_TEST(attack_print_control, "attack-hypercall", "attack-hc-print-control-chars", ATTACK)
{
	static const char text[] = "CTRL[\x1b[2J\x1b[31m\r\a\b\x7f]END";

	check_long("print with control characters", hc_print(text, sizeof(text) - 1), 0);
}

GUEST_TEST(attack_exit_count, "attack-hypercall", "attack-hc-exit-count-bad-reason", ATTACK)
{
	expect_einval("exit count of reason 2^64-1", VENEER_HC_EXIT_COUNT, ~0ul, 0);
	expect_einval("exit count of reason 2^32+10 (CPUID if truncated)", VENEER_HC_EXIT_COUNT, (1ul << 32) + 10, 0);
	expect_einval("exit count of reason 0x10000", VENEER_HC_EXIT_COUNT, 0x10000, 0);
	expect_einval("exit count of reason -1 as int", VENEER_HC_EXIT_COUNT, 0xFFFFFFFFul, 0);
}

GUEST_TEST(attack_unknown, "attack-hypercall", "attack-hc-unknown-functions", ATTACK)
{
	static const unsigned long functions[] = {
		5, 0xFF, 0x80000000ul, ~0ul,
		1ul << 32,              /* VERSION if truncated to 32 bits */
		(1ul << 32) | 3,        /* SHUTDOWN if truncated */
		(1ul << 63) | 1,        /* PRINT if the top bit were dropped */
	};

	for (unsigned i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		check_long("unknown function", vmcall3(functions[i], (uintptr_t)sample, 7, 0), VENEER_HC_ENOSYS);
}

/* From CPL 3 every function, shutdown included, is refused: the guest is still here to check. */
GUEST_TEST(attack_user_mode, "attack-hypercall", "attack-hc-user-mode", ATTACK)
{
	static const unsigned long functions[] = {
		VENEER_HC_VERSION, VENEER_HC_PRINT, VENEER_HC_EXIT_COUNT, VENEER_HC_SHUTDOWN, VENEER_HC_EXIT_TOTAL,
		0x7777,
	};

	for (unsigned i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		int vector = PROBE_NONE;
		long result = vmcall_from_user_mode(functions[i], &vector);
		check_fault("VMCALL at CPL 3", vector, PROBE_NONE);
		check_long("VMCALL at CPL 3", result, VENEER_HC_EPERM);
	}
}

/* A shutdown with a code that does not fit any exit status: a guest failure, reported with the code. */
GUEST_TEST(attack_shutdown_code, "attack-hc-shutdown", "attack-hc-shutdown-huge-code", ATTACK)
{
	guest_printf("HC-ATTACK: shutdown with code 2^63");
	hc_shutdown(1ul << 63);
	check(false, "still running after the shutdown hypercall");
}
#endif
