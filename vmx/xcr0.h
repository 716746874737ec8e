/*
 * XCR0, the XSAVE feature-enable mask, and the rules XSETBV enforces on
 * it (SDM Vol. 2C, "XSETBV—Set Extended Control Register"; SDM Vol. 1,
 * 13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features").
 * XSETBV always exits in VMX non-root operation; the handler checks the
 * guest's value here and injects #GP(0) when it is refused.
 */
#ifndef VENEER_VMX_XCR0_H
#define VENEER_VMX_XCR0_H

#include <stdbool.h>
#include <stdint.h>

/* State components (SDM Vol. 1, 13.1 "XSAVE-Supported Features and State-Component Bitmaps"). */
#define XFEATURE_X87            (1ULL << 0)
#define XFEATURE_SSE            (1ULL << 1)
#define XFEATURE_AVX            (1ULL << 2)
#define XFEATURE_BNDREGS        (1ULL << 3)     /* MPX */
#define XFEATURE_BNDCSR         (1ULL << 4)     /* MPX */
#define XFEATURE_OPMASK         (1ULL << 5)     /* AVX-512 */
#define XFEATURE_ZMM_HI256      (1ULL << 6)     /* AVX-512 */
#define XFEATURE_HI16_ZMM       (1ULL << 7)     /* AVX-512 */
#define XFEATURE_PKRU           (1ULL << 9)
#define XFEATURE_XTILECFG       (1ULL << 17)    /* AMX */
#define XFEATURE_XTILEDATA      (1ULL << 18)    /* AMX */

#define XFEATURE_MPX            (XFEATURE_BNDREGS | XFEATURE_BNDCSR)
#define XFEATURE_AVX512         (XFEATURE_OPMASK | XFEATURE_ZMM_HI256 | XFEATURE_HI16_ZMM)
#define XFEATURE_AMX            (XFEATURE_XTILECFG | XFEATURE_XTILEDATA)

/*
 * Supervisor state components, enabled through IA32_XSS and never in
 * XCR0: PT 8, PASID 10, CET_U 11, CET_S 12, HDC 13, UINTR 14, LBR 15,
 * HWP 16.  CPUID never reports them as XCR0-supported; xcr0_valid()
 * refuses them even if a caller's supported mask is wrong.
 */
#define XFEATURE_SUPERVISOR_MASK ((1ULL << 8) | (0x7FULL << 10))

/*
 * Whether XSETBV with ECX = 0 accepts value, given supported: the
 * components the guest may enable (CPUID.(EAX=0DH,ECX=0):EDX:EAX as the
 * guest sees it).  The rules, each a #GP(0) when broken:
 *   - bit 0 (x87) is set;
 *   - no bit outside supported is set;
 *   - AVX (bit 2) requires SSE (bit 1);
 *   - the AVX-512 bits 7:5 are all set or all clear, and set only with AVX;
 *   - the MPX bits 3 and 4 are equal;
 *   - the AMX bits 17 and 18 are equal.
 * PKRU (bit 9) needs nothing but support.  On refusal *why (if why is not
 * NULL) names the broken rule.  CPL and ECX are the caller's checks.
 */
bool xcr0_valid(uint64_t value, uint64_t supported, const char **why);

#endif
