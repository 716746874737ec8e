/*
 * The boot contract, checked from inside: the registers veneer starts the
 * guest with, its boot GDT at 0x1000, the 64-bit identity map and the
 * command line at 0x8000 (entry_state.h has what the guest found).
 */
#include <stdint.h>

#include "kernel/string.h"
#include "tests/guests/runtime/descriptors.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

#define BOOT_MAGIC              0x56454E52ul    /* 'VENR' */
#define BOOT_GDT_ADDRESS        0x1000
#define BOOT_PML4_ADDRESS       0x2000
#define BOOT_PDPT_ADDRESS       0x3000
#define BOOT_PD_ADDRESS         0x4000          /* four of them, 0x4000-0x7FFF */
#define BOOT_CMDLINE_ADDRESS    0x8000
#define BOOT_AREA_END           0x9000
#define BOOT_STACK_POINTER      0x90000

#ifdef __x86_64__
#define BOOT_CODE_SELECTOR      GUEST_SEL_CODE64
#else
#define BOOT_CODE_SELECTOR      GUEST_SEL_CODE32
#endif

/* Descriptor bits (SDM Vol. 3A, 3.4.5 "Segment Descriptors"). */
#define DESC_TYPE_CODE          (1ull << 43)
#define DESC_TYPE_WRITABLE      (1ull << 41)    /* for data segments */
#define DESC_S                  (1ull << 44)
#define DESC_DPL_MASK           (3ull << 45)
#define DESC_PRESENT            (1ull << 47)
#define DESC_L                  (1ull << 53)
#define DESC_DB                 (1ull << 54)

GUEST_TEST(boot_registers, "boot", "boot-registers", 0)
{
	const struct entry_state *s = &entry_state;

#ifdef __x86_64__
	check_eq("RDI (magic)", s->di, BOOT_MAGIC);
	check_eq("RSI (command line)", s->si, BOOT_CMDLINE_ADDRESS);
	check_eq("RSP", s->sp, BOOT_STACK_POINTER);
	check_eq("RFLAGS", s->flags, RFLAGS_FIXED1);
#else
	check_eq("EAX (magic)", s->ax, BOOT_MAGIC);
	check_eq("EBX (command line)", s->bx, BOOT_CMDLINE_ADDRESS);
	check_eq("ESP", s->sp, BOOT_STACK_POINTER);
	check(!(s->flags & RFLAGS_IF), "EFLAGS 0x%lx: interrupts are on", s->flags);
#endif
}

GUEST_TEST(boot_segments, "boot", "boot-segments", 0)
{
	const struct entry_state *s = &entry_state;

	check_eq("CS", s->cs, BOOT_CODE_SELECTOR);
	check_eq("DS", s->ds, GUEST_SEL_DATA);
	check_eq("ES", s->es, GUEST_SEL_DATA);
	check_eq("SS", s->ss, GUEST_SEL_DATA);
}

static void check_descriptor(const char *name, uint64_t d, bool code, uint64_t size_bits)
{
	check(d & DESC_PRESENT, "%s descriptor 0x%llx: not present", name, (unsigned long long)d);
	check(d & DESC_S, "%s descriptor 0x%llx: a system descriptor", name, (unsigned long long)d);
	check((d & DESC_DPL_MASK) == 0, "%s descriptor 0x%llx: DPL is not 0", name, (unsigned long long)d);
	if (code)
		check(d & DESC_TYPE_CODE, "%s descriptor 0x%llx: not code", name, (unsigned long long)d);
	else
		check(!(d & DESC_TYPE_CODE) && (d & DESC_TYPE_WRITABLE),
		      "%s descriptor 0x%llx: not writable data", name, (unsigned long long)d);
	check((d & (DESC_L | DESC_DB)) == size_bits, "%s descriptor 0x%llx: L/D bits wrong",
	      name, (unsigned long long)d);
}

GUEST_TEST(boot_gdt, "boot", "boot-gdt", 0)
{
	const uint64_t *gdt = phys(BOOT_GDT_ADDRESS);

	check_eq("GDTR base", entry_state.gdt_base, BOOT_GDT_ADDRESS);
	if (!check(entry_state.gdt_limit >= GUEST_SEL_CODE32 + 7, "GDTR limit 0x%x is below 0x1f",
		   entry_state.gdt_limit))
		return;
	check_descriptor("0x08", gdt[GUEST_SEL_CODE64 / 8], true, DESC_L);
	check_descriptor("0x10", gdt[GUEST_SEL_DATA / 8], false, DESC_DB);
	check_descriptor("0x18", gdt[GUEST_SEL_CODE32 / 8], true, DESC_DB);
}

#ifdef __x86_64__
GUEST_TEST(boot_control_registers, "boot", "boot-control-registers", 0)
{
	const struct entry_state *s = &entry_state;

	check((s->cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), "CR0 0x%lx: PE or PG clear", s->cr0);
	check(s->cr4 & CR4_PAE, "CR4 0x%lx: PAE clear", s->cr4);
	check(!(s->cr4 & CR4_VMXE), "CR4 0x%lx: VMXE visible to the guest", s->cr4);
	check_eq("CR3", s->cr3, BOOT_PML4_ADDRESS);
}

/* PML4 -> PDPT -> four PDs of 2 MiB pages mapping [0, 4 GiB) onto itself. */
GUEST_TEST(boot_identity_map, "boot", "boot-identity-map", 0)
{
	const uint64_t address_mask = 0x000FFFFFFFFFF000ull;
	const uint64_t *pml4 = phys(BOOT_PML4_ADDRESS);
	const uint64_t *pdpt = phys(BOOT_PDPT_ADDRESS);
	unsigned wrong = 0;

	check_eq("PML4[0] address", pml4[0] & address_mask, BOOT_PDPT_ADDRESS);
	check(pml4[0] & 1, "PML4[0] 0x%llx not present", (unsigned long long)pml4[0]);
	for (unsigned i = 0; i < 4; i++) {
		const uint64_t *pd = phys(BOOT_PD_ADDRESS + i * 0x1000);

		if (!check((pdpt[i] & address_mask) == BOOT_PD_ADDRESS + i * 0x1000ull && (pdpt[i] & 1),
			   "PDPT[%u] is 0x%llx, expected 0x%x present", i,
			   (unsigned long long)pdpt[i], BOOT_PD_ADDRESS + i * 0x1000))
			continue;
		for (unsigned j = 0; j < 512; j++) {
			uint64_t want = ((uint64_t)i << 30) | ((uint64_t)j << 21);
			uint64_t e = pd[j];

			/* Present, writable, a 2 MiB page, mapping itself. */
			if ((e & 0x83) != 0x83 || (e & 0x000FFFFFFFE00000ull) != want) {
				if (wrong++ < 4)
					check(false, "PD %u entry %u is 0x%llx, expected 0x%llx mapped",
					      i, j, (unsigned long long)e, (unsigned long long)want);
			}
		}
	}
	check(wrong == 0, "%u of 2048 page-directory entries are wrong", wrong);
}
#else
GUEST_TEST(boot_control_registers, "boot", "boot-control-registers", 0)
{
	/* "CR0 = PE|ET|NE only": protected mode, paging off. */
	check(!(entry_state.cr0 & CR0_PG), "CR0 0x%lx: paging is on", entry_state.cr0);
	check_eq("CR0", entry_state.cr0, CR0_PE | CR0_ET | CR0_NE);
	check(!(entry_state.cr4 & CR4_VMXE), "CR4 0x%lx: VMXE visible to the guest", entry_state.cr4);
}
#endif

GUEST_TEST(boot_cmdline, "boot", "boot-cmdline", 0)
{
	const char *cmdline = entry_state.cmdline;
	uintptr_t start = (uintptr_t)cmdline;

	if (!check_eq("command line address", start, BOOT_CMDLINE_ADDRESS))
		return;
	check(strnlen(cmdline, BOOT_AREA_END - start) < BOOT_AREA_END - start,
	      "no NUL before the end of the boot area at 0x%x", BOOT_AREA_END);
}
