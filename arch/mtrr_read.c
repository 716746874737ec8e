/*
 * Reading this CPU's MTRRs into a struct mtrr_state (SDM Vol. 3A,
 * "Memory Type Range Registers (MTRRs)").  The firmware programs the same
 * MTRRs on every CPU (SDM Vol. 3A, "MTRR Considerations in MP Systems"),
 * so the boot CPU's are the machine's.
 */
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "arch/mtrr.h"
#include "kernel/string.h"

/* The fixed-range MSRs in address order, with the index of their first range (SDM Vol. 3A, "Fixed Range MTRRs"). */
static const struct {
	uint32_t msr;
	uint8_t first;
} fixed_msrs[] = {
	{ IA32_MTRR_FIX64K_00000, 0 },
	{ IA32_MTRR_FIX16K_80000, 8 },
	{ IA32_MTRR_FIX16K_A0000, 16 },
	{ IA32_MTRR_FIX4K_C0000, 24 },
	{ IA32_MTRR_FIX4K_C8000, 32 },
	{ IA32_MTRR_FIX4K_D0000, 40 },
	{ IA32_MTRR_FIX4K_D8000, 48 },
	{ IA32_MTRR_FIX4K_E0000, 56 },
	{ IA32_MTRR_FIX4K_E8000, 64 },
	{ IA32_MTRR_FIX4K_F0000, 72 },
	{ IA32_MTRR_FIX4K_F8000, 80 },
};

void mtrr_read(struct mtrr_state *out)
{
	memset(out, 0, sizeof(*out));
	out->phys_addr_mask = mtrr_phys_addr_mask(cpu_max_phys_addr_bits());
	if (!(cpuid(1, 0).edx & CPUID_1_EDX_MTRR))
		return;

	uint64_t cap = rdmsr(IA32_MTRRCAP);
	uint64_t def = rdmsr(IA32_MTRR_DEF_TYPE);

	out->enabled = def & MTRR_DEF_TYPE_E;
	out->fixed_enabled = (cap & MTRRCAP_FIX) && (def & MTRR_DEF_TYPE_FE);
	out->default_type = (uint8_t)(def & MTRR_DEF_TYPE_MASK);

	if (cap & MTRRCAP_FIX) {
		for (size_t i = 0; i < sizeof(fixed_msrs) / sizeof(fixed_msrs[0]); i++) {
			uint64_t value = rdmsr(fixed_msrs[i].msr);
			for (unsigned byte = 0; byte < 8; byte++)
				out->fixed[fixed_msrs[i].first + byte] = (uint8_t)(value >> (8 * byte));
		}
	}

	out->variable_reported = (unsigned)(cap & MTRRCAP_VCNT_MASK);
	out->variable_count = out->variable_reported < MTRR_VARIABLE_MAX ? out->variable_reported : MTRR_VARIABLE_MAX;
	for (unsigned i = 0; i < out->variable_count; i++) {
		uint64_t base = rdmsr(IA32_MTRR_PHYSBASE0 + 2 * i);
		uint64_t mask = rdmsr(IA32_MTRR_PHYSMASK0 + 2 * i);
		struct mtrr_variable_range *v = &out->variable[i];

		v->base = base & out->phys_addr_mask;
		v->mask = mask & out->phys_addr_mask;
		v->valid = mask & MTRR_PHYSMASK_VALID;
		v->type = (uint8_t)(base & MTRR_PHYSBASE_TYPE_MASK);
	}
}
