/*
 * Exception frames as the guest sees them, for comparison with the bare
 * machine: the faults veneer injects (RDMSR of an MSR nobody has, WRMSR
 * to IA32_FEATURE_CONTROL and IA32_APIC_BASE, VMXON) next to ones the CPU
 * raises by itself (UD2, a reserved IA32_EFER bit, a bad selector, INT n
 * beyond the IDT, page faults, an instruction breakpoint).  Each case
 * prints one "INFO: frame" line with the vector, the error code and the
 * RF bit pushed (plus CR2 or DR6), and checks them against the SDM
 * (Vol. 3A, 7.15 "Exception and Interrupt Reference": every fault pushes
 * RF = 1 but an instruction breakpoint; 5.7 "Page-Fault Exceptions" for the
 * error codes).  The differential scenarios compare the lines with a run
 * of the same program on the bare machine (tests/guests/native/).
 */
#include <stdint.h>

#include "kernel/format.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define VECTOR_DB               1
#define NOT_AN_MSR              0x12345678u
#define APIC_BASE_RESERVED_BIT9 (1ull << 9)
#define EFER_RESERVED_BIT63     (1ull << 63)
#define BAD_SELECTOR            0xFFF8u         /* far beyond the runtime's GDT */
#define BEYOND_IDT              0xF0            /* the runtime's IDT ends at vector 0x40 */
#define IDT_ERROR(vector)       ((vector) * 8 + 2)  /* error code: IDT bit, the vector's index */

/* Prints the frame of the last probe and checks it; extra is printed after it (CR2, DR6). */
static void frame(const char *name, int want_vector, unsigned long want_error, bool want_rf, const char *extra)
{
	int vector = probe_vector;
	unsigned long error = probe_error, rf = (probe_flags & RFLAGS_RF) ? 1 : 0;

	guest_printf("INFO: frame %s: %s error 0x%lx RF %lu%s", name, vector_name(vector), error, rf, extra);
	if (!check_fault(name, vector, want_vector))
		return;
	check(error == want_error, "%s: error code 0x%lx, expected 0x%lx", name, error, want_error);
	check(rf == want_rf, "%s: RF %lu pushed, expected %d", name, rf, want_rf);
}

GUEST_TEST(exception_msr_gp, "exceptions", "exception-msr-gp", 0)
{
	uint64_t value = 0, base = 0;

	msr_read(NOT_AN_MSR, &value);
	frame("rdmsr 0x12345678", VECTOR_GP, 0, true, "");
	msr_write(NOT_AN_MSR, 0);
	frame("wrmsr 0x12345678", VECTOR_GP, 0, true, "");
	msr_read(IA32_FEATURE_CONTROL, &value);
	msr_write(IA32_FEATURE_CONTROL, value);         /* locked: by the firmware, or veneer's */
	frame("wrmsr IA32_FEATURE_CONTROL", VECTOR_GP, 0, true, "");
	msr_read(IA32_EFER, &value);
	msr_write(IA32_EFER, value | EFER_RESERVED_BIT63);
	frame("wrmsr IA32_EFER bit 63", VECTOR_GP, 0, true, "");
	if (msr_read(IA32_APIC_BASE, &base) == PROBE_NONE) {
		msr_write(IA32_APIC_BASE, base | APIC_BASE_RESERVED_BIT9);
		frame("wrmsr IA32_APIC_BASE bit 9", VECTOR_GP, 0, true, "");
	}
}

GUEST_TEST(exception_ud, "exceptions", "exception-ud", 0)
{
	static uint64_t region;

	probe_arm();
	asm volatile(PROBE_INSN("ud2") : : : "memory");
	frame("ud2", VECTOR_UD, 0, true, "");
	probe_arm();
	asm volatile(PROBE_INSN("vmxon %0") : : "m"(region) : "memory");
	frame("vmxon", VECTOR_UD, 0, true, "");
}

GUEST_TEST(exception_gp_error_codes, "exceptions", "exception-gp-error-codes", 0)
{
	uint16_t saved;

	asm volatile("mov %%fs, %0" : "=r"(saved));
	probe_arm();
	asm volatile(PROBE_INSN("mov %0, %%fs") : : "r"((uint16_t)BAD_SELECTOR) : "memory");
	frame("mov fs, 0xfff8", VECTOR_GP, BAD_SELECTOR, true, "");
	asm volatile("mov %0, %%fs" : : "r"(saved));

	probe_arm();
	asm volatile(PROBE_INSN("int %0") : : "i"(BEYOND_IDT) : "memory");
	frame("int 0xf0", VECTOR_GP, IDT_ERROR(BEYOND_IDT), true, "");

	probe_arm();
	asm volatile(PROBE_INSN("mov %0, %%cr0") : : "r"((unsigned long)((cr0_read() | CR0_NW) & ~CR0_CD)) : "memory");
	frame("mov cr0 NW without CD", VECTOR_GP, 0, true, "");
}

/* DR7: breakpoint 0 enabled (L0), on execution (R/W0 = 00, LEN0 = 00); bit 10 reads as 1. */
#define DR7_L0_EXECUTE          0x401ul
#define DR7_RESET               0x400ul

GUEST_TEST(exception_instruction_breakpoint, "exceptions", "exception-instruction-breakpoint", 0)
{
	unsigned long dr6, scratch;
	char extra[32];

	probe_arm();
	asm volatile(
#ifdef __x86_64__
		"lea 1f(%%rip), %0\n\t"
#else
		"mov $1f, %0\n\t"
#endif
		"mov %0, %%db0\n\t"
		"mov %1, %0\n\t"
		"mov %0, %%db7\n\t"
		PROBE_INSN("nop")
		: "=&r"(scratch) : "r"(DR7_L0_EXECUTE) : "memory");
	asm volatile("mov %0, %%db7" : : "r"(DR7_RESET));
	asm volatile("mov %%db6, %0" : "=r"(dr6));
	/* B0 and the bits that read as 1; BS, BD, BT and the other B's clear. */
	format(extra, sizeof(extra), " DR6 0x%lx", dr6 & 0xFFFFFFFFul);
	/* SDM Vol. 3A, 7.15 (interrupt 1): an instruction breakpoint is the one fault pushed with RF as it was. */
	frame("instruction breakpoint", VECTOR_DB, 0, false, extra);
	check((dr6 & 0xE00F) == 0x1, "DR6 0x%lx after an instruction breakpoint on DR0: not B0 alone", dr6);
	asm volatile("mov %0, %%db6" : : "r"(0xFFFF0FF0ul));
}

#ifndef __x86_64__
/*
 * Page faults under 32-bit paging with 4 MiB pages (CR4.PSE): an identity
 * map of 4 GiB in which the 4 MiB at 1 GiB are not present, the next 4 MiB
 * read-only (CR0.WP makes that bind the kernel too) and the next have a
 * reserved bit (bit 21 of a 4 MiB PDE, SDM Vol. 3A, 5.3 "32-Bit Paging").
 * Error codes (5.7): P = 1, W/R = 2, RSVD = 8.
 */
#define PDE_P           0x1u
#define PDE_RW          0x2u
#define PDE_PS          0x80u
#define PDE_RESERVED21  (1u << 21)
#define PF_P            0x1ul
#define PF_WRITE        0x2ul
#define PF_RSVD         0x8ul
#define PAGE_4M         0x400000u
#define HOLE            0x40000000u             /* not present */
#define READ_ONLY       (HOLE + PAGE_4M)
#define RESERVED        (HOLE + 2 * PAGE_4M)

static uint32_t page_directory[1024] __attribute__((aligned(4096)));

static int touch(uint32_t address, bool write)
{
	volatile uint32_t *p = phys(address);
	uint32_t value = 0;

	probe_arm();
	if (write)
		asm volatile(PROBE_INSN("movl %1, %0") : "=m"(*p) : "r"(value) : "memory");
	else
		asm volatile(PROBE_INSN("movl %1, %0") : "=r"(value) : "m"(*p) : "memory");
	return probe_vector;
}

static void page_fault(const char *name, uint32_t address, bool write, unsigned long want_error)
{
	char extra[32];

	touch(address, write);
	unsigned long cr2 = cr2_read();

	format(extra, sizeof(extra), " CR2 0x%lx", cr2);
	frame(name, VECTOR_PF, want_error, true, extra);
	check_eq("CR2", cr2, address);
}

GUEST_TEST(exception_page_faults, "exceptions", "exception-page-faults", 0)
{
	unsigned long cr0 = cr0_read(), cr3 = cr3_read(), cr4 = cr4_read();

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_PSE)) {
		skip("the CPU has no 4 MiB pages (CPUID.1:EDX.PSE)");
		return;
	}
	for (uint32_t i = 0; i < 1024; i++)
		page_directory[i] = i * PAGE_4M | PDE_P | PDE_RW | PDE_PS;
	page_directory[HOLE / PAGE_4M] = 0;
	page_directory[READ_ONLY / PAGE_4M] = READ_ONLY | PDE_P | PDE_PS;
	page_directory[RESERVED / PAGE_4M] = RESERVED | PDE_P | PDE_RW | PDE_PS | PDE_RESERVED21;

	cr3_write((uintptr_t)page_directory);
	cr4_write(cr4 | CR4_PSE);
	if (!check_fault("paging on", cr0_write(cr0 | CR0_PG | CR0_WP), PROBE_NONE))
		goto out;
	page_fault("read, not present", HOLE + 0x10, false, 0);
	page_fault("write, not present", HOLE + 0x20, true, PF_WRITE);
	page_fault("write, read-only", READ_ONLY + 0x30, true, PF_P | PF_WRITE);
	page_fault("read, reserved bit", RESERVED + 0x40, false, PF_P | PF_RSVD);
	cr0_write(cr0);
out:
	cr4_write(cr4);
	cr3_write(cr3);
}
#endif
