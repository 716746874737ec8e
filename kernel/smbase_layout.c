/* The staggered SMBASEs of veneer's SMM region (kernel/smbase_layout.h). */
#include "kernel/smbase_layout.h"

uint64_t smbase_region_bytes(unsigned cpus)
{
	if (cpus == 0)
		return 0;
	/* The last CPU's save area ends SMM_SAVE_STATE_END - SMM_ENTRY_OFFSET after its entry point. */
	return (uint64_t)(cpus - 1) * SMBASE_STAGGER + SMM_SAVE_STATE_END - SMM_ENTRY_OFFSET;
}

uint32_t smbase_of(uint64_t region, unsigned index)
{
	return (uint32_t)(region - SMM_ENTRY_OFFSET + (uint64_t)index * SMBASE_STAGGER);
}
