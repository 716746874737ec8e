/* The XCR0 rules of XSETBV.  Pure: the host unit tests compile it too. */
#include "vmx/xcr0.h"

static bool refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return false;
}

/* Both bits of a pair, or neither. */
static bool all_or_none(uint64_t value, uint64_t bits)
{
	return (value & bits) == 0 || (value & bits) == bits;
}

bool xcr0_valid(uint64_t value, uint64_t supported, const char **why)
{
	if (!(value & XFEATURE_X87))
		return refuse(why, "bit 0 (x87 state) must be set");
	if (value & XFEATURE_SUPERVISOR_MASK)
		return refuse(why, "sets a supervisor state component (those are enabled in IA32_XSS)");
	if (value & ~(supported | XFEATURE_X87))
		return refuse(why, "sets a state component the processor does not support");
	if ((value & XFEATURE_AVX) && !(value & XFEATURE_SSE))
		return refuse(why, "AVX state (bit 2) requires SSE state (bit 1)");
	if (!all_or_none(value, XFEATURE_AVX512))
		return refuse(why, "the AVX-512 bits 7:5 must be all set or all clear");
	if ((value & XFEATURE_AVX512) && !(value & XFEATURE_AVX))
		return refuse(why, "AVX-512 state (bits 7:5) requires AVX state (bit 2)");
	if (!all_or_none(value, XFEATURE_MPX))
		return refuse(why, "the MPX bits 3 (BNDREGS) and 4 (BNDCSR) must be equal");
	if (!all_or_none(value, XFEATURE_AMX))
		return refuse(why, "the AMX bits 17 (XTILECFG) and 18 (XTILEDATA) must be equal");
	return true;
}
