/*
 * Debug state and exception frames as on the bare machine: the debug
 * registers and IA32_DEBUGCTL survive exits to veneer (every VM exit sets
 * DR7 to 0x400 and clears IA32_DEBUGCTL, so veneer must save and load
 * them: SDM Vol. 3C, "Loading Host Control Registers, Debug Registers,
 * MSRs"), and a fault veneer injects pushes RFLAGS.RF = 1 like one the CPU
 * raises itself (SDM Vol. 3A, "Interrupt and Exception Handling").  In the
 * 32-bit guest, a PAE page-directory-pointer table that the CPU may not
 * load gives #GP on the MOV to CR0 that turns paging on, and on the MOV
 * to CR3 or CR4 that loads the PDPTEs again while PAE paging is on.
 */
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define DEFINE_DR(n)                                                            \
	static inline unsigned long dr##n##_read(void)                          \
	{                                                                       \
		unsigned long value;                                            \
		asm volatile("mov %%db" #n ", %0" : "=r"(value));               \
		return value;                                                   \
	}                                                                       \
	static inline void dr##n##_write(unsigned long value)                   \
	{                                                                       \
		asm volatile("mov %0, %%db" #n : : "r"(value) : "memory");      \
	}

DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)

/* An exit veneer handles and resumes from. */
static void exit_to_veneer(void)
{
	(void)cpuid(0, 0);
}

/*
 * DR7: LE, GE and the R/W and LEN fields of all four breakpoints, but no
 * enable bit, so nothing fires.  DR6: B0 and B3 (bits 63:32 and the
 * reserved ones read as the architecture fixes them: 0xFFFF0FF0).
 */
#define DR7_TEST                0xDDDD0700ul
#define DR6_FIXED1              0xFFFF0FF0ul
#define DR6_TEST                (DR6_FIXED1 | 0x9ul)

GUEST_TEST(debug_registers_survive_exits, "debug", "debug-registers", 0)
{
	const unsigned long dr[4] = { 0x11110000ul, 0x22220000ul, 0x33330000ul, 0x44440000ul };
	unsigned long saved7 = dr7_read(), saved6 = dr6_read();

	dr0_write(dr[0]);
	dr1_write(dr[1]);
	dr2_write(dr[2]);
	dr3_write(dr[3]);
	dr6_write(DR6_TEST);
	dr7_write(DR7_TEST);
	exit_to_veneer();
	unsigned long got[4] = { dr0_read(), dr1_read(), dr2_read(), dr3_read() };
	unsigned long got6 = dr6_read(), got7 = dr7_read();

	for (int i = 0; i < 4; i++)
		check(got[i] == dr[i], "DR%d after an exit: 0x%lx, wrote 0x%lx", i, got[i], dr[i]);
	check(got6 == DR6_TEST, "DR6 after an exit: 0x%lx, wrote 0x%lx", got6, DR6_TEST);
	check(got7 == DR7_TEST, "DR7 after an exit: 0x%lx, wrote 0x%lx", got7, DR7_TEST);
	dr7_write(saved7);
	dr6_write(saved6);
}

/* IA32_DEBUGCTL bit 0 (LBR) and bit 1 (BTF): whatever of them the CPU keeps must survive an exit. */
GUEST_TEST(debugctl_survives_exits, "debug", "debug-debugctl", 0)
{
	uint64_t saved = 0, kept = 0, after = 0;

	if (msr_read(IA32_DEBUGCTL, &saved) != PROBE_NONE) {
		skip("the CPU lacks IA32_DEBUGCTL (RDMSR raises #GP; Bochs)");
		return;
	}
	if (msr_write(IA32_DEBUGCTL, saved | 0x3) != PROBE_NONE && msr_write(IA32_DEBUGCTL, saved | 0x1) != PROBE_NONE) {
		skip("the CPU takes neither LBR nor BTF in IA32_DEBUGCTL");
		return;
	}
	msr_read(IA32_DEBUGCTL, &kept);
	if (kept == saved) {
		skip("the CPU keeps no IA32_DEBUGCTL bit that was written");
		msr_write(IA32_DEBUGCTL, saved);
		return;
	}
	exit_to_veneer();
	msr_read(IA32_DEBUGCTL, &after);
	msr_write(IA32_DEBUGCTL, saved);
	check_eq("IA32_DEBUGCTL after an exit", after, kept);
}

/*
 * The frame of a #GP: the CPU's own (WRMSR of a reserved IA32_EFER bit,
 * which does not exit) and veneer's (WRMSR to IA32_FEATURE_CONTROL, which
 * veneer answers with #GP) carry the same RF and error code.
 */
#define EFER_RESERVED_BIT       (1ull << 63)

GUEST_TEST(injected_fault_frame, "debug", "debug-rf-injected-gp", 0)
{
	uint64_t efer = 0, feature_control = 0;

	msr_read(IA32_EFER, &efer);
	int native = msr_write(IA32_EFER, efer | EFER_RESERVED_BIT);
	unsigned long native_flags = probe_flags, native_error = probe_error;

	msr_read(IA32_FEATURE_CONTROL, &feature_control);
	int injected = msr_write(IA32_FEATURE_CONTROL, feature_control);
	unsigned long injected_flags = probe_flags, injected_error = probe_error;

	if (!check_fault("wrmsr IA32_EFER reserved bit", native, VECTOR_GP) ||
	    !check_fault("wrmsr IA32_FEATURE_CONTROL", injected, VECTOR_GP))
		return;
	check(native_flags & RFLAGS_RF, "the CPU's #GP pushed flags 0x%lx without RF", native_flags);
	check(injected_flags & RFLAGS_RF, "the injected #GP pushed flags 0x%lx without RF (the CPU's: 0x%lx)",
	      injected_flags, native_flags);
	check_eq("the injected #GP's error code", injected_error, native_error);
}

#ifndef __x86_64__
/*
 * PAE paging in the 32-bit guest (paging is off at entry).  One PDPT whose
 * first entry points at a page directory of 2 MiB pages mapping the first
 * GiB, where the guest runs.  A present PDPTE with a reserved bit (bit 1)
 * makes the MOV to CR0 that enables paging raise #GP (SDM Vol. 3A, 4.4.1);
 * so does a PDPT in memory the guest does not own (veneer's block).  CR0.NE is
 * cleared with the same write, so that under veneer the write exits
 * (NE is one of the bits VMX fixes) and veneer's path is the one tested.
 *
 * With PAE paging on, a MOV to CR3, and a MOV to CR4 that changes PGE,
 * load the PDPTEs again (SDM Vol. 3A, 4.4.1).  Neither exits to veneer
 * (CR4.PGE is the guest's; CR3 loads exit only on a CPU that cannot turn
 * that off, and vmx/handle_cr.c loads them as the CPU would): the CPU
 * loads them through EPT, and a PDPT on veneer's memory reads as all ones
 * (vmx/handle_fatal.c), so every entry is present with reserved bits: #GP
 * as well.  The PDPTEs the CPU holds are copies: a reserved bit written to
 * the table in memory shows only at the next load.
 */
#define PTE_P           0x1ull
#define PTE_RW          0x2ull
#define PTE_PS          0x80ull

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t page_directory[512] __attribute__((aligned(4096)));

static int enable_pae_paging(uint32_t cr3)
{
	unsigned long cr0 = cr0_read(), cr4 = cr4_read();
	int vector;

	cr3_write(cr3);
	cr4_write(cr4 | CR4_PAE);
	vector = cr0_write((cr0 | CR0_PG) & ~CR0_NE);
	if (vector == PROBE_NONE)
		cr0_write(cr0);                 /* paging off again, NE back */
	cr4_write(cr4);
	return vector;
}

static uint64_t spare_pdpt[4] __attribute__((aligned(32)));

static void check_pdpte_reloads(bool have_hvaddr, uint32_t hvaddr)
{
	unsigned long cr0 = cr0_read(), cr3 = cr3_read(), cr4 = cr4_read();

	cr3_write((uint32_t)pdpt);
	cr4_write(cr4 | CR4_PAE);
	if (!check_fault("PAE paging on for the reloads", cr0_write(cr0 | CR0_PG), PROBE_NONE))
		goto out;

	spare_pdpt[0] = pdpt[0] | 0x2;          /* reserved in a PAE PDPTE */
	check_fault("MOV to CR3 under PAE paging, a reserved PDPTE bit", cr3_write((uint32_t)spare_pdpt), VECTOR_GP);
	check_eq("CR3 after the refused MOV", cr3_read(), (uint32_t)pdpt);
	spare_pdpt[0] = pdpt[0];
	check_fault("MOV to CR3 under PAE paging, a valid PDPT", cr3_write((uint32_t)spare_pdpt), PROBE_NONE);
	if (have_hvaddr)
		check_fault("MOV to CR3 under PAE paging, the PDPT in veneer's memory",
			    cr3_write(hvaddr & ~0x1Fu), VECTOR_GP);

	/* CR3 now holds spare_pdpt, valid when loaded; a reserved bit written afterwards. */
	spare_pdpt[0] |= 0x2;
	check_fault("MOV to CR4 changing TSD under PAE paging (no PDPTE load)", cr4_write((cr4 | CR4_PAE) ^ CR4_TSD),
		    PROBE_NONE);
	check_fault("MOV to CR4 changing PGE under PAE paging, a reserved PDPTE bit in memory",
		    cr4_write((cr4 | CR4_PAE) ^ CR4_TSD ^ CR4_PGE), VECTOR_GP);
	spare_pdpt[0] = pdpt[0];
	check_fault("MOV to CR4 changing PGE under PAE paging, a valid PDPT",
		    cr4_write((cr4 | CR4_PAE) ^ CR4_TSD ^ CR4_PGE), PROBE_NONE);
out:
	cr0_write(cr0);
	cr4_write(cr4);
	cr3_write(cr3);
}

GUEST_TEST(pae_pdpte_gp, "debug", "pae-pdpte-gp", 0)
{
	const char *why = "";
	unsigned long long hvaddr;
	unsigned long cr3 = cr3_read();

	for (unsigned i = 0; i < 512; i++)
		page_directory[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	pdpt[0] = (uint32_t)page_directory | PTE_P;
	pdpt[1] = pdpt[2] = pdpt[3] = 0;
	check_fault("PAE paging with a valid PDPT", enable_pae_paging((uint32_t)pdpt), PROBE_NONE);

	pdpt[0] |= 0x2;                         /* reserved in a PAE PDPTE */
	check_fault("PAE paging with a reserved PDPTE bit", enable_pae_paging((uint32_t)pdpt), VECTOR_GP);
	pdpt[0] &= ~0x2ull;

	bool have_hvaddr = guest_hvaddr(&hvaddr, &why);
	if (have_hvaddr)
		check_fault("PAE paging with the PDPT in veneer's memory",
			    enable_pae_paging((uint32_t)hvaddr & ~0x1Fu), VECTOR_GP);
	cr3_write(cr3);
	check_pdpte_reloads(have_hvaddr, (uint32_t)hvaddr);
}
#endif
