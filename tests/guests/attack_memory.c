/*
 * Hostile-guest attacks on veneer's memory and on its idle CPUs (issue 9).
 * Each runs only when named (test=NAME) and checks, from inside, the safe
 * answer; its scenario (tests/scenarios/attack-*.scn) checks veneer's side:
 * its report, no fault, and its own exit line.
 *
 * 64-bit guest only: they need page tables of their own to reach
 * guest-physical addresses above 4 GiB.  They add a window to the boot
 * page tables: PML4[1] (linear 512 GiB up) maps, through this image's own
 * tables, a 4 KiB page table and 2 MiB pages that the tests point
 * wherever they want.
 */
#ifdef __x86_64__

#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/hypercall.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/veneer_memory.h"
#include "tests/guests/runtime/x86.h"
#include "tests/guests/runtime/xapic.h"

#define KiB                     (1ull << 10)
#define MiB                     (1ull << 20)
#define GiB                     (1ull << 30)
#define PAGE_PRESENT            (1ull << 0)
#define PAGE_WRITABLE           (1ull << 1)
#define PAGE_LARGE              (1ull << 7)

#define WINDOW                  0x8000000000ull         /* PML4[1] */
#define WINDOW_4K(i)            (WINDOW + (i) * 4 * KiB) /* window_pt[i] */
#define WINDOW_2M               (WINDOW + 2 * MiB)      /* window_pd[1] */
#define WINDOW_PAGE_1_TEXT      "0x8000001000"          /* WINDOW_4K(1), for the probe table */

#define APIC_DEFAULT_BASE       0xFEE00000u

static uint64_t window_pdpt[512] __attribute__((aligned(4096)));
static uint64_t window_pd[512] __attribute__((aligned(4096)));
static uint64_t window_pt[512] __attribute__((aligned(4096)));
static uint8_t code_page[4096] __attribute__((aligned(4096)));

static void window_install(void)
{
	uint64_t *pml4 = phys(cr3_read() & ~0xFFFull);

	window_pd[0] = (uintptr_t)window_pt | PAGE_PRESENT | PAGE_WRITABLE;
	window_pdpt[0] = (uintptr_t)window_pd | PAGE_PRESENT | PAGE_WRITABLE;
	pml4[1] = (uintptr_t)window_pdpt | PAGE_PRESENT | PAGE_WRITABLE;
	cr3_write(cr3_read());
}

/* Points window page i at gpa (0: not present) and returns its linear address. */
static volatile void *window_map_4k(unsigned i, uint64_t gpa)
{
	window_pt[i] = gpa ? gpa | PAGE_PRESENT | PAGE_WRITABLE : 0;
	invlpg(WINDOW_4K(i));
	return (volatile void *)WINDOW_4K(i);
}

static volatile void *window_map_2m(uint64_t gpa)
{
	window_pd[1] = gpa | PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE;
	invlpg(WINDOW_2M);
	return (volatile void *)WINDOW_2M;
}

static unsigned maxphyaddr(void)
{
	if (cpuid_max_extended_leaf() < 0x80000008)
		return 36;
	return cpuid(0x80000008, 0).eax & 0xFF;
}

static bool hvaddr_from_cmdline(unsigned long long *address)
{
	const char *why = "";

	return check(guest_hvaddr(address, &why), "needs an address in veneer's memory: %s", why);
}

/*
 * Hypercall 1 used to copy from the guest-physical address as if it were
 * veneer's own pointer.  Now it reads through the guest's EPT: veneer's
 * memory is not there (-22), and once the guest has read it (veneer maps
 * its all-ones page there), the guest's own view comes back: all ones,
 * which veneer prints as '?'.
 */
GUEST_TEST(attack_mem_print_hv, "attack", "attack-mem-print-hv", TEST_DESTRUCTIVE)
{
	unsigned long long hv;

	if (!hvaddr_from_cmdline(&hv))
		return;
	guest_printf("ATTACK: print hypercall on veneer's memory at 0x%llx", hv);
	check_long("print of veneer's memory", vmcall3(VENEER_HC_PRINT, hv, 16, 0), VENEER_HC_EINVAL);
	check_long("print that runs from guest RAM into veneer's memory",
		   vmcall3(VENEER_HC_PRINT, hv - 8, 16, 0), VENEER_HC_EINVAL);
	check_eq("guest read of veneer's memory", *(volatile uint32_t *)phys((uintptr_t)hv), 0xFFFFFFFFu);
	check_long("print of the all-ones page veneer now maps there", vmcall3(VENEER_HC_PRINT, hv, 16, 0), 0);
	check_long("print of 256 bytes that wrap the address space",
		   vmcall3(VENEER_HC_PRINT, ~0ull - 100, 256, 0), VENEER_HC_EINVAL);
}

/*
 * A guest-physical address above 4 GiB that veneer has mapped in EPT
 * (device memory, mapped on first touch) but not in its own page tables:
 * the print hypercall used to #PF veneer there.  So do the local APIC's
 * page and an address beyond MAXPHYADDR.
 */
GUEST_TEST(attack_mem_print_high, "attack", "attack-mem-print-high", TEST_DESTRUCTIVE)
{
	window_install();
	volatile uint32_t *high = window_map_4k(2, 4 * GiB);
	uint32_t value = *high;         /* veneer maps device memory here on demand */

	guest_printf("ATTACK: read 0x%x at 4 GiB; print hypercall there", value);
	check_long("print at 4 GiB", vmcall3(VENEER_HC_PRINT, 4 * GiB, 16, 0), VENEER_HC_EINVAL);
	check_long("print at 4 GiB - 8", vmcall3(VENEER_HC_PRINT, 4 * GiB - 8, 16, 0), VENEER_HC_EINVAL);
	check_long("print of the local APIC page", vmcall3(VENEER_HC_PRINT, APIC_DEFAULT_BASE, 16, 0),
		   VENEER_HC_EINVAL);
	check_long("print at 1 << 52", vmcall3(VENEER_HC_PRINT, 1ull << 52, 16, 0), VENEER_HC_EINVAL);
	check_long("print at 1 << 63", vmcall3(VENEER_HC_PRINT, 1ull << 63, 16, 0), VENEER_HC_EINVAL);
}

static volatile uint32_t *apic_register(unsigned offset)
{
	return phys(APIC_DEFAULT_BASE + offset);
}

static bool apic_is_xapic_at_default_base(void)
{
	uint64_t base = 0;

	if (msr_read(IA32_APIC_BASE, &base) != PROBE_NONE)
		return false;
	return (base & 0xFFFFF000u) == APIC_DEFAULT_BASE && (base & (1u << 11)) && !(base & (1u << 10));
}

/*
 * Runs MOV [RBX], EAX (89 03) placed in the last two bytes of window page
 * 0, with window page 1 as next_page.  The CPU then fetches from window
 * page 1 and faults (not present, or whatever is there); the probe entry
 * resumes after the jump.  Not inlined: the probe table must hold one
 * entry for that address, with one place to resume.
 */
static __attribute__((noinline)) int store_at_page_end(uint64_t next_page, uint32_t *address, uint32_t value)
{
	_Static_assert(WINDOW_4K(1) == 0x8000001000ull, "WINDOW_PAGE_1_TEXT is WINDOW_4K(1)");
	code_page[4094] = 0x89;
	code_page[4095] = 0x03;
	window_map_4k(0, (uintptr_t)code_page);
	window_map_4k(1, next_page);
	probe_arm();
	asm volatile("jmp *%[insn]\n"
		     "3:\n"
		     "	.pushsection .probe_table, \"a\"\n"
		     "	.balign 8\n"
		     "	.quad " WINDOW_PAGE_1_TEXT ", 3b\n"
		     "	.popsection\n"
		     : : [insn] "r"(WINDOW_4K(0) + 4094), "a"(value), "b"(address)
		     : "memory");
	return probe_vector;
}

/*
 * veneer decodes a guest's write to the local APIC page to emulate it.
 * The instruction ends at a page boundary; the next page is not present,
 * or maps guest-physical 4 GiB, which veneer has mapped in EPT but not in
 * its own page tables: veneer used to #PF fetching past the instruction.
 * Needs a second CPU (veneer write-protects the APIC page only then).
 */
GUEST_TEST(attack_mem_xapic_cross, "attack", "attack-mem-xapic-cross", TEST_DESTRUCTIVE)
{
	if (!apic_is_xapic_at_default_base()) {
		skip("the local APIC is not in xAPIC mode at 0xFEE00000");
		return;
	}
	window_install();
	uint32_t high = *(volatile uint32_t *)window_map_4k(2, 4 * GiB);  /* EPT maps it now */
	volatile uint32_t *tpr = apic_register(XAPIC_TPR);

	guest_printf("ATTACK: xAPIC TPR write ending at a page boundary, next page not present");
	check(store_at_page_end(0, (uint32_t *)tpr, 0x20) != PROBE_NONE, "the fetch from the next page did not fault");
	check_eq("TPR after the write", *tpr & 0xFF, 0x20);

	guest_printf("ATTACK: the same with the next page at 4 GiB (it reads 0x%x)", high);
	check(store_at_page_end(4 * GiB, (uint32_t *)tpr, 0x30) != PROBE_NONE,
	      "running the bytes at 4 GiB did not fault");
	check_eq("TPR after the second write", *tpr & 0xFF, 0x30);
	*tpr = 0;
	check_eq("TPR restored", *tpr & 0xFF, 0);
}

/*
 * String I/O to a port veneer intercepts (the test guest's COM1, whose
 * line status reads 0x60) is emulated by veneer: it translates the guest's
 * linear addresses through the guest's page tables and moves the bytes
 * through its checked accessor.  A page the guest's tables do not map
 * gives #PF (CR2 and a write error code, RCX and RDI at the element that
 * faulted, as the processor leaves a REP string instruction); a page that
 * maps veneer's memory gives #GP and veneer's memory keeps its all-ones
 * face; the bytes that can go, go.  Accesses that wrap past port 0xFFFF
 * exit whatever the I/O bitmap says; veneer performs them on the port.
 */
#define COM1_LSR                0x3FD

static int rep_insb_probe(void **destination, unsigned long *count)
{
	probe_arm();
	asm volatile(PROBE_INSN("rep insb") : "+D"(*destination), "+c"(*count) : "d"(COM1_LSR) : "memory");
	return probe_vector;
}

GUEST_TEST(attack_string_io, "attack", "attack-string-io", TEST_DESTRUCTIVE)
{
	static uint8_t buffer[4096] __attribute__((aligned(4096)));
	unsigned long long hv;
	unsigned long count;
	void *destination;

	if (!hvaddr_from_cmdline(&hv))
		return;
	window_install();

	guest_printf("ATTACK: rep insb of 8 bytes from COM1's line status into guest RAM");
	destination = buffer;
	count = 8;
	check_fault("rep insb into guest RAM", rep_insb_probe(&destination, &count), PROBE_NONE);
	check_eq("RCX after it", count, 0);
	check_eq("RDI after it", (uintptr_t)destination, (uintptr_t)buffer + 8);
	check_eq("the bytes read", buffer[0] | buffer[7] << 8, 0x6060);

	guest_printf("ATTACK: rep insb of 6 bytes across into a page that is not present");
	volatile uint8_t *first = window_map_4k(4, (uintptr_t)buffer);
	window_map_4k(5, 0);
	destination = (void *)(first + 4093);
	count = 6;
	buffer[4093] = buffer[4094] = buffer[4095] = 0;
	check_fault("rep insb into a page that is not present", rep_insb_probe(&destination, &count), VECTOR_PF);
	check_eq("#PF error code (write, not present)", probe_error & 0xF, 0x2);
	check_eq("CR2", cr2_read(), WINDOW_4K(5));
	check_eq("RCX at the fault", count, 3);
	check_eq("RDI at the fault", (uintptr_t)destination, WINDOW_4K(5));
	check_eq("the bytes before the fault", buffer[4093] | buffer[4095] << 8, 0x6060);

	guest_printf("ATTACK: rep insb into veneer's memory at 0x%llx", hv);
	volatile uint8_t *veneer = window_map_4k(6, hv & ~0xFFFull);
	destination = (void *)veneer;
	count = 16;
	check_fault("rep insb into veneer's memory", rep_insb_probe(&destination, &count), VECTOR_GP);
	check_eq("RCX at the #GP", count, 16);
	check_eq("veneer's memory as the guest sees it", *(volatile uint32_t *)veneer, 0xFFFFFFFFu);

	guest_printf("ATTACK: in and out that wrap past port 0xFFFF");
	uint32_t dword = 0;
	probe_arm();
	asm volatile(PROBE_INSN("inl %%dx, %%eax") : "+a"(dword) : "d"(0xFFFF) : "memory");
	check_fault("inl from port 0xFFFF", probe_vector, PROBE_NONE);
	probe_arm();
	asm volatile(PROBE_INSN("outw %%ax, %%dx") : : "a"(0), "d"(0xFFFF) : "memory");
	check_fault("outw to port 0xFFFF", probe_vector, PROBE_NONE);
	guest_printf("ATTACK: port 0xFFFF read 0x%x; still running", dword);
}

/* Sends one IPI through the xAPIC (veneer emulates the ICR write) and waits until the APIC has sent it. */
static bool send_ipi(uint32_t destination, uint32_t command)
{
	*apic_register(XAPIC_ICR_HIGH) = destination << 24;
	*apic_register(XAPIC_ICR_LOW) = command;
	for (unsigned spins = 0; spins < 100000; spins++)
		if (!(*apic_register(XAPIC_ICR_LOW) & ICR_SEND_PENDING))
			return true;
	return false;
}

static void pause_a_while(unsigned rounds)
{
	for (unsigned i = 0; i < rounds; i++)
		asm volatile("pause");
}

/* The other CPU: veneer's idle CPU, which the guest has not started. */
static uint32_t other_apic_id(void)
{
	char text[16];
	unsigned long long id;

	if (cmdline_value(entry_state.cmdline, "target", text, sizeof(text)) && parse_number(text, &id))
		return (uint32_t)id;
	return (*apic_register(XAPIC_ID) >> 24) ^ 1;
}

/*
 * Interrupts at a CPU that idles in veneer (it waits for the guest's
 * INIT-SIPI-SIPI): every vector from 0x10 (the APIC refuses 0-15), which
 * veneer's IDT has as exceptions up to 0x1F, some above, lowest-priority
 * ones and an SMI.  A fixed IPI with vector 0x13 used to be taken as #XM.
 */
GUEST_TEST(attack_ipi_idle, "attack", "attack-ipi-idle", TEST_DESTRUCTIVE)
{
	static const uint8_t others[] = { 0x20, 0x21, 0x2F, 0x30, 0x80, 0xEE, 0xEF, 0xF0, 0xFE, 0xFF };
	static const uint8_t lowest[] = { 0x11, 0x13, 0x1D, 0x1E, 0x40 };
	uint32_t target;
	unsigned sent = 0;

	if (!apic_is_xapic_at_default_base()) {
		skip("the local APIC is not in xAPIC mode at 0xFEE00000");
		return;
	}
	target = other_apic_id();
	guest_printf("ATTACK: fixed IPIs 0x10-0x1F and others at the idle CPU with APIC ID %u", target);
	for (unsigned vector = 0x10; vector < 0x20; vector++) {
		sent += send_ipi(target, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
		pause_a_while(2000);
	}
	for (unsigned i = 0; i < sizeof(others); i++) {
		sent += send_ipi(target, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | others[i]);
		pause_a_while(2000);
	}
	for (unsigned i = 0; i < sizeof(lowest); i++) {
		sent += send_ipi(target, ICR_DELIVERY_LOWEST | ICR_LEVEL_ASSERT | lowest[i]);
		pause_a_while(2000);
	}
	sent += send_ipi(target, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
	pause_a_while(20000);
	check_eq("IPIs the APIC sent", sent, 16 + sizeof(others) + sizeof(lowest) + 1);
	guest_printf("ATTACK: sent %u IPIs", sent);
}

/* 300 NMIs at the idle CPU: each leaves a note; veneer reports them later in one line. */
GUEST_TEST(attack_nmi_idle, "attack", "attack-nmi-idle", TEST_DESTRUCTIVE)
{
	uint32_t target;
	unsigned sent = 0;

	if (!apic_is_xapic_at_default_base()) {
		skip("the local APIC is not in xAPIC mode at 0xFEE00000");
		return;
	}
	target = other_apic_id();
	guest_printf("ATTACK: 300 NMIs at the idle CPU with APIC ID %u", target);
	for (unsigned i = 0; i < 300; i++) {
		sent += send_ipi(target, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
		pause_a_while(200);
	}
	pause_a_while(20000);
	check_eq("NMIs the APIC sent", sent, 300);
	guest_printf("ATTACK: sent %u NMIs", sent);
}

/*
 * Interrupts at a busy CPU, one that runs the guest (issue 9), and SMI,
 * INIT and SIPI at an idle one.  cpus=3: the guest starts the CPU with
 * APIC ID 1 at a real-mode loop that counts with interrupts off (an NMI
 * handler in its real-mode IVT counts NMIs) and leaves APIC ID 2 idle in
 * veneer.  At the busy CPU: fixed IPIs of every vector 0-255 (0-15 the
 * APIC refuses to send), lowest-priority ones, NMIs, an SMI and a lone
 * SIPI, which the processor ignores when it does not wait for one; it
 * keeps counting and did not restart.  Then INIT stops it (it waits for a
 * SIPI) and a SIPI starts it again.  At the idle CPU: an SMI, INIT and a
 * SIPI, which starts it at a stub that sets a flag.  Then the busy CPU
 * INITs itself through its x2APIC: it stops at once, not one count after
 * its WRMSR, as the processor would, and veneer says so; a SIPI brings it
 * back.  Last, an SMI at the busy CPU (see the end).
 */
#define BUSY_STUB               0x20000u        /* SIPI vector 0x20 */
#define IDLE_STUB               0x21000u        /* 0x21 */
#define SELF_INIT_STUB          0x22000u        /* 0x22 */
#define STUB_COUNTER            0x100u          /* dword: loop iterations */
#define STUB_NMIS               0x104u          /* dword: NMIs taken */
#define STUB_STARTS             0x108u          /* word: times started */
#define STUB_FLAG               0x100u          /* idle stub: byte set to 0x5A */

static const uint8_t busy_stub[] = {
	0xFA,                                           /* 00: cli */
	0x2E, 0xFF, 0x06, 0x08, 0x01,                   /* 01: inc word cs:[0x108] */
	0x2E, 0x66, 0xFF, 0x06, 0x00, 0x01,             /* 06: inc dword cs:[0x100] */
	0xEB, 0xF8,                                     /* 0c: jmp 06 */
	0x90, 0x90,
	0x2E, 0x66, 0xFF, 0x06, 0x04, 0x01,             /* 10: NMI: inc dword cs:[0x104] */
	0xCF,                                           /* 16: iret */
};

static const uint8_t idle_stub[] = {
	0x2E, 0xC6, 0x06, 0x00, 0x01, 0x5A,             /* mov byte cs:[0x100], 0x5A */
	0xFA, 0xF4, 0xEB, 0xFD,                         /* cli; hlt; jmp hlt */
};

/* Counts its start, turns x2APIC on, sends INIT to its own APIC ID (patched in at 0x1E), then counts. */
static const uint8_t self_init_stub[] = {
	0xFA,                                           /* 00: cli */
	0x2E, 0xFF, 0x06, 0x08, 0x01,                   /* 01: inc word cs:[0x108] */
	0x66, 0xB9, 0x1B, 0x00, 0x00, 0x00,             /* 06: mov ecx, IA32_APIC_BASE */
	0x0F, 0x32,                                     /* 0c: rdmsr */
	0x66, 0x0D, 0x00, 0x0C, 0x00, 0x00,             /* 0e: or eax, EN | EXTD */
	0x0F, 0x30,                                     /* 14: wrmsr */
	0x66, 0xB9, 0x30, 0x08, 0x00, 0x00,             /* 16: mov ecx, IA32_X2APIC_ICR */
	0x66, 0xBA, 0x01, 0x00, 0x00, 0x00,             /* 1c: mov edx, APIC ID (at 0x1E) */
	0x66, 0xB8, 0x00, 0x45, 0x00, 0x00,             /* 22: mov eax, INIT | level assert */
	0x0F, 0x30,                                     /* 28: wrmsr */
	0x2E, 0x66, 0xFF, 0x06, 0x00, 0x01,             /* 2a: inc dword cs:[0x100] */
	0xEB, 0xF8,                                     /* 30: jmp 2a */
};
#define SELF_INIT_ID_OFFSET     0x1E

/*
 * Code the guest plants at the default SMM entry point 0x38000: in SMM it
 * would write PLANTED_MARK at PLANTED_AT and return.  veneer moved every
 * CPU's SMBASE away at start, so an SMI runs veneer's RSM instead and the
 * mark never appears.
 */
#define PLANTED_AT              0x37F00u
#define PLANTED_MARK            0x544E4C50u     /* "PLNT" */
static const uint8_t planted_smm_code[] = {
	0x67, 0x66, 0xC7, 0x05, 0x00, 0x7F, 0x03, 0x00, /* addr32 mov dword [0x37F00], */
	0x50, 0x4C, 0x4E, 0x54,                         /*   "PLNT" */
	0x0F, 0xAA,                                     /* rsm */
};

/* The default SMBASE area is the guest's RAM: a pattern written to every dword reads back. */
static unsigned smbase_area_mismatches(void)
{
	volatile uint32_t *area = phys(DEFAULT_SMBASE_AREA_START);
	unsigned dwords = (unsigned)((DEFAULT_SMBASE_AREA_END - DEFAULT_SMBASE_AREA_START) / 4), bad = 0;

	for (unsigned i = 0; i < dwords; i++)
		area[i] = 0xA5000000u ^ i;
	for (unsigned i = 0; i < dwords; i++)
		bad += area[i] != (0xA5000000u ^ i);
	for (unsigned i = 0; i < dwords; i++)
		area[i] = 0;
	return bad;
}

static void plant_smm_code(void)
{
	volatile uint8_t *entry = phys(DEFAULT_SMM_ENTRY);

	for (unsigned i = 0; i < sizeof(planted_smm_code); i++)
		entry[i] = planted_smm_code[i];
	*(volatile uint32_t *)phys(PLANTED_AT) = 0;
}

static uint32_t planted_mark(void)
{
	return *(volatile uint32_t *)phys(PLANTED_AT);
}

static void copy_stub(uint32_t address, const uint8_t *code, unsigned size)
{
	volatile uint8_t *to = phys(address);

	for (unsigned i = 0; i < 0x200; i++)
		to[i] = 0;
	for (unsigned i = 0; i < size; i++)
		to[i] = code[i];
}

static uint32_t stub_dword(uint32_t stub, unsigned offset)
{
	return *(volatile uint32_t *)phys(stub + offset);
}

/*
 * Whether the stub's start count reaches starts: an INIT to a CPU that
 * runs the guest takes effect at its next exit, which the preemption
 * timer brings within about 20 M TSC ticks (Bochs: instructions), then
 * the SIPI veneer kept starts it.
 */
static bool started(uint32_t stub, unsigned starts)
{
	for (unsigned round = 0; round < 400; round++) {
		if ((stub_dword(stub, STUB_STARTS) & 0xFFFF) >= starts)
			return true;
		pause_a_while(500000);
	}
	return false;
}

/* Whether the counter at stub moves within a while. */
static bool counting(uint32_t stub)
{
	uint32_t before = stub_dword(stub, STUB_COUNTER);

	for (unsigned long spin = 0; spin < 2000000; spin++) {
		if (stub_dword(stub, STUB_COUNTER) != before)
			return true;
		asm volatile("pause");
	}
	return false;
}

/*
 * Whether the counter at stub comes to a stop: veneer takes an INIT to a
 * running vCPU at its next exit, which the preemption timer brings within
 * about 20 M TSC ticks (20 M Bochs instructions).
 */
static bool stops(uint32_t stub)
{
	uint32_t last = stub_dword(stub, STUB_COUNTER);

	for (unsigned round = 0; round < 400; round++) {
		pause_a_while(500000);
		uint32_t now = stub_dword(stub, STUB_COUNTER);
		if (now == last)
			return true;
		last = now;
	}
	return false;
}

static bool start_cpu(uint32_t id, uint32_t stub)
{
	bool sent = send_ipi(id, ICR_INIT | ICR_LEVEL_ASSERT);

	pause_a_while(20000);
	sent &= send_ipi(id, ICR_STARTUP | ICR_LEVEL_ASSERT | (stub >> 12));
	pause_a_while(2000);
	sent &= send_ipi(id, ICR_STARTUP | ICR_LEVEL_ASSERT | (stub >> 12));
	return sent;
}

GUEST_TEST(attack_ipi_busy, "attack", "attack-ipi-busy", TEST_DESTRUCTIVE)
{
	static const uint8_t lowest[] = { 0x11, 0x13, 0x1D, 0x40, 0xFE };
	const uint32_t busy = 1, idle = 2;
	volatile uint16_t *ivt = phys(0);
	unsigned sent = 0;

	if (!apic_is_xapic_at_default_base()) {
		skip("the local APIC is not in xAPIC mode at 0xFEE00000");
		return;
	}
	copy_stub(BUSY_STUB, busy_stub, sizeof(busy_stub));
	copy_stub(IDLE_STUB, idle_stub, sizeof(idle_stub));
	ivt[2 * 2] = 0x10;                              /* NMI: 2000:0010 */
	ivt[2 * 2 + 1] = BUSY_STUB >> 4;

	guest_printf("ATTACK: start the CPU with APIC ID %u counting in real mode", busy);
	check(start_cpu(busy, BUSY_STUB), "the APIC did not send INIT-SIPI-SIPI");
	if (!check(counting(BUSY_STUB), "the started CPU does not count"))
		return;

	guest_printf("ATTACK: fixed IPIs of vectors 0-255 and lowest-priority ones at the busy CPU");
	for (unsigned vector = 0; vector < 256; vector++) {
		sent += send_ipi(busy, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
		pause_a_while(200);
	}
	for (unsigned i = 0; i < sizeof(lowest); i++)
		sent += send_ipi(busy, ICR_DELIVERY_LOWEST | ICR_LEVEL_ASSERT | lowest[i]);
	check_eq("fixed and lowest-priority IPIs the APIC sent", sent, 256 + sizeof(lowest));
	check(counting(BUSY_STUB), "the busy CPU stopped counting after the fixed IPIs");

	guest_printf("ATTACK: 10 NMIs and a lone SIPI at the busy CPU");
	for (unsigned i = 0; i < 10; i++) {
		send_ipi(busy, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
		pause_a_while(20000);
	}
	send_ipi(busy, ICR_STARTUP | ICR_LEVEL_ASSERT | (IDLE_STUB >> 12));
	pause_a_while(20000);
	uint32_t nmis = stub_dword(BUSY_STUB, STUB_NMIS);
	check(nmis >= 1 && nmis <= 10, "the busy CPU's NMI handler ran %u times for 10 NMIs", nmis);
	check(counting(BUSY_STUB), "the busy CPU stopped counting after NMIs and a SIPI");
	check_eq("times the busy CPU started (a lone SIPI is ignored)", stub_dword(BUSY_STUB, STUB_STARTS) & 0xFFFF, 1);
	check_eq("the idle stub's flag (the lone SIPI went nowhere)", *(volatile uint8_t *)phys(IDLE_STUB + STUB_FLAG), 0);
	guest_printf("ATTACK: the busy CPU took %u NMI(s)", nmis);

	guest_printf("ATTACK: INIT at the busy CPU, then a SIPI");
	send_ipi(busy, ICR_INIT | ICR_LEVEL_ASSERT);
	check(stops(BUSY_STUB), "the busy CPU still counts after INIT");
	send_ipi(busy, ICR_STARTUP | ICR_LEVEL_ASSERT | (BUSY_STUB >> 12));
	pause_a_while(20000);
	check(counting(BUSY_STUB), "the CPU does not count again after the SIPI");
	check_eq("times the busy CPU started", stub_dword(BUSY_STUB, STUB_STARTS) & 0xFFFF, 2);

	guest_printf("ATTACK: the default SMBASE area 0x30000-0x40000 as RAM, code planted at its SMM entry point");
	check_eq("dwords of the default SMBASE area that did not read back", smbase_area_mismatches(), 0);
	plant_smm_code();

	guest_printf("ATTACK: SMI, INIT and a SIPI at the idle CPU with APIC ID %u", idle);
	send_ipi(idle, ICR_DELIVERY_SMI | ICR_LEVEL_ASSERT);
	pause_a_while(20000);
	check_eq("the planted SMM code's mark after an SMI at the idle CPU", planted_mark(), 0);
	check(start_cpu(idle, IDLE_STUB), "the APIC did not send INIT-SIPI-SIPI to the idle CPU");
	for (unsigned long spin = 0; spin < 20000000 && *(volatile uint8_t *)phys(IDLE_STUB + STUB_FLAG) != 0x5A; spin++)
		asm volatile("pause");
	check_eq("the idle CPU's flag after its SIPI", *(volatile uint8_t *)phys(IDLE_STUB + STUB_FLAG), 0x5A);

	if (!(cpuid(1, 0).ecx & (1u << 21))) {        /* CPUID.1:ECX.x2APIC */
		skip("no x2APIC: the busy CPU cannot INIT itself from real mode");
		return;
	}
	guest_printf("ATTACK: the busy CPU INITs itself through its x2APIC");
	copy_stub(SELF_INIT_STUB, self_init_stub, sizeof(self_init_stub));
	*(volatile uint8_t *)phys(SELF_INIT_STUB + SELF_INIT_ID_OFFSET) = (uint8_t)busy;
	check(start_cpu(busy, SELF_INIT_STUB), "the APIC did not send INIT-SIPI-SIPI");
	if (!check(started(SELF_INIT_STUB, 1), "the busy CPU did not start at the self-INIT stub"))
		return;
	/* The processor stops at the INIT it sends itself: not one count after the WRMSR. */
	pause_a_while(2000000);
	check_eq("counts after the CPU sent INIT to itself", stub_dword(SELF_INIT_STUB, STUB_COUNTER), 0);
	send_ipi(busy, ICR_INIT | ICR_LEVEL_ASSERT);
	pause_a_while(20000);
	send_ipi(busy, ICR_STARTUP | ICR_LEVEL_ASSERT | (BUSY_STUB >> 12));
	check(started(BUSY_STUB, 3), "the CPU that INITed itself does not start again on a SIPI");
	check(counting(BUSY_STUB), "the CPU that INITed itself does not count again after its SIPI");

	/*
	 * Last, an SMI at the busy CPU.  Bochs's BIOS relocates only the
	 * boot CPU's SMBASE; veneer moved this one's into its own memory at
	 * start, so it enters SMM at veneer's RSM, not at the code the guest
	 * planted at 0x38000.  Bochs does not bring a CPU back from SMM into
	 * VMX non-root operation intact (the guest state after RSM has
	 * paging on with CR3 0): the guest's CPU may then triple-fault, which
	 * veneer reports; either way veneer stays.
	 */
	plant_smm_code();
	guest_printf("ATTACK: an SMI at the busy CPU");
	send_ipi(busy, ICR_DELIVERY_SMI | ICR_LEVEL_ASSERT);
	pause_a_while(200000);
	guest_printf("ATTACK: after the SMI the busy CPU %s", counting(BUSY_STUB) ? "still counts" : "stopped");
	check_eq("the planted SMM code's mark after an SMI at the busy CPU", planted_mark(), 0);
}

/*
 * One read per 2 MiB from 4 GiB up to 1 TiB (or MAXPHYADDR, if lower):
 * device memory above RAM, which veneer maps on demand.  It used to take a
 * page table per 2 MiB from veneer's pool and panic after 12-16 GiB; now
 * it maps 1 GiB (or 2 MiB) pages from a fixed budget of table pages, and
 * stops the guest with a message if the budget runs out.
 */
GUEST_TEST(attack_ept_budget, "attack", "attack-ept-budget", TEST_DESTRUCTIVE)
{
	unsigned bits = maxphyaddr();
	uint64_t end = bits < 40 ? 1ull << bits : 1ull << 40;
	uint64_t touched = 0;
	uint32_t sum = 0;

	window_install();
	guest_printf("ATTACK: one read per 2 MiB from 4 GiB to 0x%llx (MAXPHYADDR %u)", (unsigned long long)end, bits);
	for (uint64_t gpa = 4 * GiB; gpa < end; gpa += 2 * MiB) {
		sum += *(volatile uint32_t *)window_map_2m(gpa);
		touched++;
		if ((gpa & (64 * GiB - 1)) == 0)
			guest_printf("ATTACK: at 0x%llx", (unsigned long long)gpa);
	}
	guest_printf("ATTACK: touched %llu pages of 2 MiB (sum 0x%x)", (unsigned long long)touched, sum);
	check(touched == (end - 4 * GiB) / (2 * MiB), "touched %llu pages", (unsigned long long)touched);
}

/*
 * veneer's AP start-up trampoline (trampoline=<address>, two pages) is
 * given back to the guest once every CPU is up: zeroed, so it holds none
 * of veneer's code, stack or per-CPU addresses.
 */
GUEST_TEST(attack_mem_trampoline, "attack", "attack-mem-trampoline", TEST_DESTRUCTIVE)
{
	char text[32];
	unsigned long long address;
	unsigned nonzero = 0;

	if (!check(cmdline_value(entry_state.cmdline, "trampoline", text, sizeof(text)) && parse_number(text, &address),
		   "needs trampoline=<the address veneer's log gives for its AP start-up trampoline>"))
		return;
	const volatile uint8_t *bytes = phys((uintptr_t)address);
	for (unsigned i = 0; i < 2 * 4096; i++)
		nonzero += bytes[i] != 0;
	guest_printf("ATTACK: %u non-zero bytes in veneer's old trampoline at 0x%llx", nonzero, address);
	check_eq("non-zero bytes in the trampoline", nonzero, 0);
}

#endif
