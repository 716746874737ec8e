/* The machine's memory as the hypervisor sees it, decided once at boot (see memory_plan.h). */
#ifndef VENEER_KERNEL_MEMORY_H
#define VENEER_KERNEL_MEMORY_H

#include "kernel/config.h"
#include "kernel/memory_plan.h"
#include "kernel/multiboot2.h"

/* Plans memory from the boot information and starts the page allocator; ends the run with a clear message if that is impossible. */
/* acpi_cpus: the CPUs the MADT lists (0: unknown), for the pool's size when hvmem= does not set it. */
void memory_init(const struct mb2_info *info, const struct veneer_config *cfg, unsigned acpi_cpus);

const struct memory_plan *memory_layout(void);
/* After SMP start-up: the trampoline's pages stop being veneer's (a guest may use low memory). */
void memory_release_trampoline(void);
/*
 * The default SMBASE area, 0x30000-0x40000 (kernel/smbase.c): veneer's
 * while it starts if it is RAM the boot loader left free.  The guard keeps
 * it veneer's with an RSM at the default SMM entry point 0x38000; once no
 * CPU's SMBASE is there, the release zeroes it and gives it to the guest.
 */
bool memory_owns_default_smbase_area(void);
void memory_guard_default_smbase_area(void);
void memory_release_default_smbase_area(void);
/* After those releases: the guest RAM veneer keeps for good (make bench reads this line). */
void memory_report_kept(void);

/* RAM the firmware reported as available (the guest's, except what veneer owns). */
const struct range_set *memory_usable(void);
/* One past the highest physical address the identity map must cover. */
uint64_t memory_map_limit(void);

extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __ksymtab_start[], __ksymtab_end[];

#endif
