/* The XSETBV rules for XCR0 (SDM Vol. 2C XSETBV; Vol. 1, 13.3). */
// unit-test-source: vmx/xcr0.c
#include "unit.h"
#include "vmx/xcr0.h"

/* CPUID.(EAX=0DH,ECX=0):EDX:EAX of a few real parts. */
#define SUPPORTED_SANDY_BRIDGE  0x7ULL          /* x87, SSE, AVX */
#define SUPPORTED_SKYLAKE       0x1FULL         /* + MPX */
#define SUPPORTED_SKYLAKE_SP    0x2FFULL        /* + AVX-512, PKRU */
#define SUPPORTED_SAPPHIRE      0x602E7ULL      /* x87..AVX, AVX-512, PKRU, AMX; no MPX */

TEST(xcr0_accepts_the_values_operating_systems_write)
{
	const char *why = NULL;

	EXPECT(xcr0_valid(0x1, SUPPORTED_SANDY_BRIDGE, &why));
	EXPECT(xcr0_valid(0x3, SUPPORTED_SANDY_BRIDGE, &why));
	EXPECT(xcr0_valid(0x7, SUPPORTED_SANDY_BRIDGE, &why));
	EXPECT(xcr0_valid(0x1F, SUPPORTED_SKYLAKE, &why));
	EXPECT(xcr0_valid(0xE7, SUPPORTED_SKYLAKE_SP, &why));
	EXPECT(xcr0_valid(0x207, SUPPORTED_SKYLAKE_SP, &why));
	EXPECT(xcr0_valid(0x2FF, SUPPORTED_SKYLAKE_SP, &why));
	EXPECT(xcr0_valid(0x602E7, SUPPORTED_SAPPHIRE, &why));
	EXPECT(why == NULL);                                    /* untouched on success */
	EXPECT(!xcr0_valid(0x202E7, SUPPORTED_SAPPHIRE, &why));  /* half of AMX */
	EXPECT(why && strstr(why, "AMX"));
	EXPECT(!xcr0_valid(0x402E7, SUPPORTED_SAPPHIRE, &why));
}

TEST(xcr0_x87_is_mandatory)
{
	const char *why = NULL;

	EXPECT(!xcr0_valid(0x0, SUPPORTED_SKYLAKE_SP, &why));
	EXPECT(why && strstr(why, "x87"));
	EXPECT(!xcr0_valid(0x6, SUPPORTED_SKYLAKE_SP, &why));
	/* Even a supported mask without bit 0 does not make bit 0 unsupported. */
	EXPECT(xcr0_valid(0x3, 0x2, NULL));
}

TEST(xcr0_unsupported_and_supervisor_bits_are_refused)
{
	const char *why = NULL;

	EXPECT(!xcr0_valid(0x7, 0x3, &why));                    /* AVX on a part without it */
	EXPECT(why && strstr(why, "does not support"));
	EXPECT(!xcr0_valid(0x207, SUPPORTED_SKYLAKE, &why));    /* PKRU */
	EXPECT(!xcr0_valid(1ULL << 63, ~0ULL, &why));
	EXPECT(!xcr0_valid(0x103, ~0ULL, &why));                /* PT is an IA32_XSS component */
	EXPECT(why && strstr(why, "supervisor"));
	EXPECT(!xcr0_valid(0x1803, ~0ULL, &why));               /* CET_U, CET_S */
	EXPECT(!xcr0_valid(0x10003, ~0ULL, &why));              /* HWP */
}

TEST(xcr0_avx_needs_sse)
{
	const char *why = NULL;

	EXPECT(!xcr0_valid(0x5, SUPPORTED_SANDY_BRIDGE, &why));
	EXPECT(why && strstr(why, "SSE"));
}

TEST(xcr0_avx512_bits_together_and_with_avx)
{
	const char *why;

	for (uint64_t partial = 1; partial < 7; partial++) {
		why = NULL;
		EXPECT(!xcr0_valid(0x7 | partial << 5, SUPPORTED_SKYLAKE_SP, &why));
		EXPECT(why && strstr(why, "7:5"));
	}
	why = NULL;
	EXPECT(!xcr0_valid(0xE3, SUPPORTED_SKYLAKE_SP, &why));  /* AVX-512 without AVX */
	EXPECT(why && strstr(why, "requires AVX"));
	EXPECT(xcr0_valid(0x07, SUPPORTED_SKYLAKE_SP, NULL));   /* all clear is fine */
}

TEST(xcr0_mpx_bits_together)
{
	const char *why = NULL;

	EXPECT(!xcr0_valid(0xB, SUPPORTED_SKYLAKE, &why));
	EXPECT(why && strstr(why, "MPX"));
	EXPECT(!xcr0_valid(0x13, SUPPORTED_SKYLAKE, &why));
	EXPECT(xcr0_valid(0x1B, SUPPORTED_SKYLAKE, NULL));      /* MPX without AVX is allowed */
}
