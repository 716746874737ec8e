/*
 * Control registers.  The guest may not enable VMX (CR4.VMXE), the
 * architectural #GP cases stay #GP, and the guest reads back what it
 * wrote even for bits veneer keeps for itself (CR0.NE, CR4.VMXE are
 * shadowed: the read shadow holds the guest's value).  Every test puts the
 * registers back as it found them.
 */
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

GUEST_TEST(cr4_vmxe_hidden, "cr", "cr4-vmxe-hidden", 0)
{
	unsigned long cr4 = cr4_read();

	check(!(cr4 & CR4_VMXE), "CR4 0x%lx shows VMXE (bit 13)", cr4);
}

GUEST_TEST(cr4_vmxe_write, "cr", "cr4-vmxe-write", 0)
{
	unsigned long cr4 = cr4_read();

	check_fault("mov to CR4 with VMXE set", cr4_write(cr4 | CR4_VMXE), VECTOR_GP);
	if (!check_eq("CR4 after the refused write", cr4_read(), cr4))
		cr4_write(cr4);
}

#ifdef __x86_64__
/* Leaving PAE while in long mode is #GP (SDM Vol. 3A, 2.5 "Control Registers"). */
GUEST_TEST(cr4_pae_clear, "cr", "cr4-pae-clear", 0)
{
	unsigned long cr4 = cr4_read();

	check_fault("mov to CR4 with PAE clear in long mode", cr4_write(cr4 & ~CR4_PAE), VECTOR_GP);
	check_eq("CR4 after the refused write", cr4_read(), cr4);
}
#endif

/* Flip one CR0 bit, read it back, flip it back, read again. */
static void toggle_cr0(const char *name, unsigned long bit)
{
	unsigned long cr0 = cr0_read();

	if (!check_fault(name, cr0_write(cr0 ^ bit), PROBE_NONE))
		return;
	check_eq(name, cr0_read(), cr0 ^ bit);
	check_fault(name, cr0_write(cr0), PROBE_NONE);
	check_eq(name, cr0_read(), cr0);
}

GUEST_TEST(cr0_wp, "cr", "cr0-wp", 0)
{
	toggle_cr0("CR0.WP toggled", CR0_WP);
}

/* NE is a bit VMX needs set: veneer keeps it set and shows the guest its value. */
GUEST_TEST(cr0_ne_shadow, "cr", "cr0-ne-shadow", 0)
{
	toggle_cr0("CR0.NE toggled", CR0_NE);
}

GUEST_TEST(cr0_ts_clts, "cr", "cr0-ts-clts", 0)
{
	unsigned long cr0 = cr0_read();

	if (!check_fault("mov to CR0 with TS set", cr0_write(cr0 | CR0_TS), PROBE_NONE))
		return;
	check(cr0_read() & CR0_TS, "CR0 0x%lx: TS clear after setting it", cr0_read());
	check_fault("clts", clts_probe(), PROBE_NONE);
	check(!(cr0_read() & CR0_TS), "CR0 0x%lx: TS set after CLTS", cr0_read());
	cr0_write(cr0);
}

/*
 * LMSW writes CR0 bits 0-3 only, and can set PE but not clear it (SDM
 * Vol. 2A, "LMSW").
 */
GUEST_TEST(cr0_lmsw, "cr", "cr0-lmsw", 0)
{
	unsigned long cr0 = cr0_read();
	uint16_t msw = (uint16_t)cr0;

	if (!check_fault("lmsw setting TS", lmsw_probe(msw | CR0_TS), PROBE_NONE))
		return;
	check_eq("CR0 after lmsw setting TS", cr0_read(), cr0 | CR0_TS);
	check_fault("lmsw clearing PE and TS", lmsw_probe(msw & ~(CR0_PE | CR0_TS)), PROBE_NONE);
	check_eq("CR0 after lmsw clearing PE and TS (PE stays)", cr0_read(), (cr0 & ~CR0_TS) | CR0_PE);
	cr0_write(cr0);
}

/* NW=1 with CD=0 is an invalid combination: #GP (SDM Vol. 2B, "MOV to/from CR"). */
GUEST_TEST(cr0_nw_without_cd, "cr", "cr0-nw-without-cd", 0)
{
	unsigned long cr0 = cr0_read();

	check_fault("mov to CR0 with NW=1 CD=0", cr0_write((cr0 & ~CR0_CD) | CR0_NW), VECTOR_GP);
	if (!check_eq("CR0 after the refused write", cr0_read(), cr0))
		cr0_write(cr0);
}

/* CPUID.1:ECX.OSXSAVE reflects the guest's CR4.OSXSAVE, not veneer's. */
static void check_cpuid_osxsave(void)
{
	bool in_cr4 = cr4_read() & CR4_OSXSAVE;
	bool in_cpuid = cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;

	check(in_cpuid == in_cr4, "CPUID.1:ECX.OSXSAVE is %d while CR4.OSXSAVE is %d", in_cpuid, in_cr4);
}

/* OSXSAVE may be set only where CPUID says XSAVE; either way CR4 reads back right. */
GUEST_TEST(cr4_osxsave, "cr", "cr4-osxsave", 0)
{
	unsigned long cr4 = cr4_read();

	if (!cpu_has_xsave()) {
		check_fault("mov to CR4 with OSXSAVE set, no XSAVE", cr4_write(cr4 | CR4_OSXSAVE), VECTOR_GP);
		if (!check_eq("CR4 after the refused write", cr4_read(), cr4))
			cr4_write(cr4);
		return;
	}
	check_cpuid_osxsave();
	if (!check_fault("mov to CR4 toggling OSXSAVE", cr4_write(cr4 ^ CR4_OSXSAVE), PROBE_NONE))
		return;
	check_eq("CR4 after toggling OSXSAVE", cr4_read(), cr4 ^ CR4_OSXSAVE);
	check_cpuid_osxsave();
	check_fault("mov to CR4 restoring OSXSAVE", cr4_write(cr4), PROBE_NONE);
	check_eq("CR4 restored", cr4_read(), cr4);
}
