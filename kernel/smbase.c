/*
 * Moving every CPU's SMBASE out of the default SMRAM (SDM Vol. 3C, 34.11
 * "SMBASE Relocation"), as firmware does at start: otherwise a CPU whose
 * firmware never moved it (Bochs's BIOS moves only the boot CPU's) enters
 * SMM at 0x38000, in RAM the guest owns, and would run the guest's code
 * there on an SMI the guest sends it.
 *
 * veneer puts its relocation handler (arch/smm_relocation.S) at 0x38000,
 * with one parameter slot per APIC ID, and each CPU takes one SMI.  The
 * new SMBASEs point into veneer's pool, hidden from the guest by EPT,
 * staggered so that no entry point or state save area overlaps another
 * (kernel/smbase_layout.h); each entry point holds only RSM, so a later
 * SMI, the guest's too, returns at once.
 *
 * A CPU that runs veneer sends the SMI to itself and then watches its slot
 * for a while: an SMI is taken at an instruction boundary as soon as the
 * local APIC has delivered it (apic_send_smi waits for the send), so by
 * the time that CPU executes the watch, its SMI has been taken, however
 * an emulator schedules its CPUs.  What the slot then says:
 * - done, with the default SMBASE in the save map and bit 17 of the
 *   revision identifier: moved;
 * - not done: another handler answered, so the CPU's SMBASE is not the
 *   default one (the firmware moved it, and on real machines SMRAM is
 *   closed; Bochs's boot CPU);
 * - done otherwise (no relocation support, a save map other than the one
 *   expected): the guard stays, as before this existed.
 * A CPU the MADT lists that veneer does not run (cpus=, or it did not
 * start) gets its SMI from the boot CPU; it counts as moved only if its
 * slot says so, otherwise the guard stays (an SMI it takes late then
 * finds the guard's RSM).  Last, every moved CPU takes a second SMI,
 * which must not come to 0x38000 any more.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/tsc.h"
#include "kernel/acpi.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/memory_plan.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/smbase.h"
#include "kernel/smbase_layout.h"
#include "kernel/smp.h"
#include "kernel/string.h"

#define SELF_SMI_WATCH_US       100     /* the CPU itself watches: its own SMI came before the first look */
#define OTHER_SMI_WAIT_US       10000   /* a CPU veneer does not run: its SMI crosses the APIC bus */

extern const char smm_relocation_start[], smm_relocation_end[];

enum smbase_route {
	SMBASE_MOVED,
	SMBASE_NOT_DEFAULT,             /* a CPU veneer runs took its SMI in another handler */
	SMBASE_NO_RELOCATION,           /* revision identifier bit 17 clear */
	SMBASE_UNEXPECTED_MAP,          /* the SMBASE field did not hold the default SMBASE */
	SMBASE_NO_ANSWER,               /* a CPU veneer does not run did not answer */
	SMBASE_NOT_SENT,                /* the APIC did not send the SMI, or it has no slot */
};

static bool smi_not_sent[SMM_SLOT_COUNT];

static volatile uint32_t *slot(uint32_t apic, unsigned offset)
{
	return (volatile uint32_t *)(uintptr_t)(SMM_RELOCATION_SLOTS + apic * SMM_SLOT_SIZE + offset);
}

static bool answered(uint32_t apic)
{
	return *slot(apic, SMM_PARAM_DONE) == SMM_RELOCATION_DONE;
}

static bool wait_for_answer(uint32_t apic, uint64_t microseconds)
{
	uint64_t deadline = tsc_deadline_after_us(microseconds);

	do {
		if (answered(apic))
			return true;
		cpu_relax();
	} while (rdtsc() < deadline);
	return false;
}

/* Run on each CPU veneer runs, one at a time (smp_call_on): an SMI to itself, then a look at its slot. */
static void smi_to_self(void)
{
	uint32_t apic = this_cpu()->apic_id;

	if (apic >= SMM_SLOT_COUNT)
		return;                 /* no slot: reported as not sent */
	if (!apic_send_smi(apic)) {
		smi_not_sent[apic] = true;
		return;
	}
	wait_for_answer(apic, SELF_SMI_WATCH_US);
}

/* veneer's index of the online CPU with this APIC ID, or -1 if veneer does not run it. */
static int cpu_running(uint32_t apic)
{
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (cpu && cpu->apic_id == apic && cpu->online)
			return (int)id;
	}
	return -1;
}

static bool runs_veneer(uint32_t apic)
{
	return cpu_running(apic) >= 0;
}

/*
 * One SMI at every CPU in apics, one CPU at a time: CPUs whose SMBASE is
 * still the default one share one state save area (SMBASE + FE00H, SDM
 * Vol. 3C, 34.4.1), so two of them in SMM together would each resume
 * from the other's saved state.  The ones veneer runs send it themselves;
 * the boot CPU sends the others'.  A CPU veneer does not run that does not
 * answer ends the round (its SMI may still come, and must come alone):
 * the CPUs after it are not sent one.  False if a CPU veneer runs did not
 * do its part in time, or one did not answer.
 */
static bool smi_to_each(const uint32_t *apics, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		if (apics[i] < SMM_SLOT_COUNT) {
			*slot(apics[i], SMM_PARAM_DONE) = 0;
			smi_not_sent[apics[i]] = false;
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < count; i++) {
		uint32_t apic = apics[i];
		bool in_time;

		if (apic >= SMM_SLOT_COUNT)
			continue;               /* no slot: route_of reports it as not sent */
		int cpu = cpu_running(apic);
		if (cpu >= 0) {
			in_time = smp_call_on((unsigned)cpu, smi_to_self);
			if (!in_time)
				smi_not_sent[apic] = true;      /* whatever its slot says later */
		} else if ((apic > 0xFF && !apic_x2apic_mode()) || !apic_send_smi(apic)) {
			smi_not_sent[apic] = true;
			continue;
		} else {
			in_time = wait_for_answer(apic, OTHER_SMI_WAIT_US);
		}
		if (!in_time) {
			for (unsigned later = i + 1; later < count; later++)
				if (apics[later] < SMM_SLOT_COUNT)
					smi_not_sent[apics[later]] = true;
			return false;
		}
	}
	return true;
}

static enum smbase_route route_of(uint32_t apic)
{
	if (apic >= SMM_SLOT_COUNT || smi_not_sent[apic])
		return SMBASE_NOT_SENT;
	if (!answered(apic))
		return runs_veneer(apic) ? SMBASE_NOT_DEFAULT : SMBASE_NO_ANSWER;
	if (!(*slot(apic, SMM_PARAM_SEEN_REVISION) & SMM_REVISION_SMBASE_RELOCATION))
		return SMBASE_NO_RELOCATION;
	if (*slot(apic, SMM_PARAM_SEEN_SMBASE) != SMM_DEFAULT_SMBASE)
		return SMBASE_UNEXPECTED_MAP;
	return SMBASE_MOVED;
}

static void report(uint32_t apic, enum smbase_route route)
{
	uint32_t seen = 0, revision = 0, moved_to = 0;

	if (apic < SMM_SLOT_COUNT) {
		seen = *slot(apic, SMM_PARAM_SEEN_SMBASE);
		revision = *slot(apic, SMM_PARAM_SEEN_REVISION);
		moved_to = *slot(apic, SMM_PARAM_NEW_SMBASE);
	}
	switch (route) {
	case SMBASE_MOVED:
		pr_debug("smm: APIC ID %u: SMBASE %#x -> %#x, moved by veneer (revision %#x)", apic, seen, moved_to,
			revision);
		break;
	case SMBASE_NOT_DEFAULT:
		pr_debug("smm: APIC ID %u: SMBASE not the default, the firmware's SMM handler answered", apic);
		break;
	case SMBASE_NO_RELOCATION:
		pr_warn("smm: APIC ID %u: SMM revision %#x cannot relocate SMBASE (bit 17 clear); guard kept",
			apic, revision);
		break;
	case SMBASE_UNEXPECTED_MAP:
		pr_warn("smm: APIC ID %u: the save map's SMBASE field holds %#x, not %#x (revision %#x); guard kept",
			apic, seen, SMM_DEFAULT_SMBASE, revision);
		break;
	case SMBASE_NO_ANSWER:
		pr_warn("smm: APIC ID %u: no answer from a CPU veneer does not run; guard kept", apic);
		break;
	case SMBASE_NOT_SENT:
		pr_warn("smm: APIC ID %u: veneer could not send it an SMI; guard kept", apic);
		break;
	}
}

/* The second SMI at each moved CPU: none may come to 0x38000 now. */
static bool moved_ones_stay_away(const uint32_t *moved, unsigned count)
{
	if (count == 0)
		return true;
	if (!smi_to_each(moved, count)) {
		pr_warn("smm: not every CPU took the checking SMI in time; guard kept");
		return false;
	}
	for (unsigned i = 0; i < count; i++) {
		if (answered(moved[i])) {
			pr_warn("smm: APIC ID %u still entered SMM at %#x after its SMBASE was moved; guard kept",
				moved[i], SMM_DEFAULT_SMBASE + SMM_ENTRY_OFFSET);
			return false;
		}
	}
	return true;
}

void smbase_move_all(void)
{
	const struct acpi_info *acpi = acpi_get();

	if (!memory_owns_default_smbase_area())
		return;         /* not RAM veneer could write (memory_init said so): nothing to give back */
	if (!acpi || !acpi->have_madt) {
		pr_warn("smm: no MADT, so not every CPU is known; guard kept");
		memory_guard_default_smbase_area();
		return;
	}

	static uint32_t listed[ACPI_MAX_CPUS], moved[ACPI_MAX_CPUS];
	unsigned cpus = 0, moved_count = 0;
	for (size_t i = 0; i < acpi->madt.cpu_count; i++)
		if (acpi->madt.cpus[i].enabled)
			listed[cpus++] = acpi->madt.cpus[i].apic_id;

	size_t pages = (size_t)((smbase_region_bytes(cpus) + PAGE_SIZE - 1) / PAGE_SIZE);
	uint8_t *region = alloc_pages(pages);
	memset((void *)(uintptr_t)SMM_RELOCATION_SLOTS, 0, SMM_SLOT_COUNT * SMM_SLOT_SIZE);
	for (unsigned i = 0; i < cpus; i++) {
		region[(size_t)i * SMBASE_STAGGER] = 0x0F;     /* RSM (0F AA) at each entry point */
		region[(size_t)i * SMBASE_STAGGER + 1] = 0xAA;
		if (listed[i] < SMM_SLOT_COUNT)
			*slot(listed[i], SMM_PARAM_NEW_SMBASE) = smbase_of((uint64_t)(uintptr_t)region, i);
	}
	memcpy((void *)(uintptr_t)(SMM_DEFAULT_SMBASE + SMM_ENTRY_OFFSET), smm_relocation_start,
	       (size_t)(smm_relocation_end - smm_relocation_start));

	bool guard = !smi_to_each(listed, cpus);
	if (guard)
		pr_warn("smm: not every CPU took its SMI in time; guard kept");
	for (unsigned i = 0; i < cpus; i++) {
		enum smbase_route route = route_of(listed[i]);
		report(listed[i], route);
		if (route == SMBASE_MOVED)
			moved[moved_count++] = listed[i];
		else if (route != SMBASE_NOT_DEFAULT)
			guard = true;
	}
	if (!moved_ones_stay_away(moved, moved_count))
		guard = true;

	if (moved_count)
		pr_debug("memory: [%#010llx-%#010llx) veneer's SMRAM: entry points (RSM) and state save areas of %u CPU(s)",
			(unsigned long long)(uintptr_t)region,
			(unsigned long long)(uintptr_t)region + smbase_region_bytes(cpus), moved_count);
	else
		free_pages(region, pages);
	if (guard) {
		memory_guard_default_smbase_area();
		return;
	}
	memory_release_default_smbase_area();
	/* One line at the default loglevel: every character costs start-up time at the UART's pace. */
	pr_info("smm: SMBASE moved by veneer on %u CPU(s), by the firmware on %u; 0x30000-0x40000 given back",
		moved_count, cpus - moved_count);
}
