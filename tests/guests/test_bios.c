/*
 * The BIOS's memory calls from real mode, as Xen's trampoline makes them:
 * the other CPU (cpus=2 on the command line) is started by INIT-SIPI-SIPI
 * at a real-mode stub that asks INT 15h for the memory map (E820h, until
 * EBX comes back 0), for E801h's counts and for 88h's extended memory
 * size, and halts.  The map the BIOS gives must describe the memory as
 * the map this program was booted with does (both sorted, touching ranges
 * of one type joined): natively both are the firmware's; under veneer
 * both must show veneer's memory reserved (vmx/guest/bios_memory.h), or a
 * kernel that trusts the BIOS would write there.  E801h's counts, and
 * 88h's up to its 63 MiB cap, must end where the RAM and the ACPI tables
 * from 1 MiB end (with less than 64 MiB of RAM veneer's block is in 88h's
 * range).  Then C0h (the BIOS's configuration table), which veneer does
 * not answer: the BIOS runs it, under veneer one instruction at a time
 * through the watched page, and the CPU must come back with TF clear and
 * the table's address the BIOS gives natively (the differential scenario
 * compares that line).  C0h once more with TF set and a #DB handler of
 * the stub's own: as many single-step traps must reach it as natively
 * (veneer's own TF steps must not show).  It uses the other CPU: run it
 * only when named.
 */
#include <stdint.h>

#include "tests/guests/runtime/boot_map.h"
#include "tests/guests/runtime/cmdline.h"
#include "tests/guests/runtime/entry_state.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"
#include "tests/guests/runtime/xapic.h"

#define STUB_ADDRESS            0x20000u        /* SIPI vector 0x20: CS = 0x2000, IP = 0 */
/* The stub's results, at these offsets in its segment (the stub below uses the same numbers). */
#define RESULT_DONE             0x800
#define RESULT_COUNT            0x804
#define RESULT_STATUS           0x808           /* 0: EBX came back 0; 1: CF set; 2: EAX was not 'SMAP'; 3: too many */
#define RESULT_ECX              0x80C           /* ECX of the last answer: the entry size */
#define RESULT_E801             0x810           /* AX, BX, CX, DX, then FLAGS */
#define RESULT_C0               0x81A           /* FLAGS after the call, ES, BX */
#define RESULT_ENTRIES          0x820           /* 24-byte slots */
#define RESULT_TRAPS            0xF00           /* single-step #DBs counted around C0h with TF set */
#define RESULT_88               0xF08           /* AX, then FLAGS */
#define RESULT_MAX_ENTRIES      64
#define DONE_VALUE              0x600DB105u

#define MIB                     0x100000ull
#define EXTENDED_KIB_MAX        0xFC00u         /* 88h's cap, 63 MiB: Bochs's BIOS gives it from 64 MiB of RAM up */

/*
 * Real mode, CS = DS = ES = SS = 0x2000.  Each E820h call asks for 24
 * bytes (an ACPI 3.0 BIOS may give the extended attributes); the slots
 * are 24 bytes either way.
 */
asm(".pushsection .rodata.bios_stub, \"a\"\n"
    ".code16\n"
    "bios_stub_start:\n"
    "	cli\n"
    "	cld\n"
    "	movw %cs, %ax\n"
    "	movw %ax, %ds\n"
    "	movw %ax, %es\n"
    "	movw %ax, %ss\n"
    "	movw $0x1F00, %sp\n"
    "	xorl %ebx, %ebx\n"
    "	movw $0x820, %di\n"
    "1:	movl $0xE820, %eax\n"
    "	movl $0x534D4150, %edx\n"
    "	movl $24, %ecx\n"
    "	int $0x15\n"
    "	jc 2f\n"
    "	cmpl $0x534D4150, %eax\n"
    "	jne 3f\n"
    "	movl %ecx, 0x80C\n"
    "	incl 0x804\n"
    "	addw $24, %di\n"
    "	testl %ebx, %ebx\n"
    "	jz 5f\n"
    "	cmpl $64, 0x804\n"
    "	jb 1b\n"
    "	movl $3, 0x808\n"
    "	jmp 5f\n"
    "2:	movl $1, 0x808\n"
    "	jmp 5f\n"
    "3:	movl $2, 0x808\n"
    "5:	movw $0xE801, %ax\n"
    "	xorw %bx, %bx\n"
    "	xorw %cx, %cx\n"
    "	xorw %dx, %dx\n"
    "	int $0x15\n"
    "	pushfw\n"
    "	popw 0x818\n"
    "	movw %ax, 0x810\n"
    "	movw %bx, 0x812\n"
    "	movw %cx, 0x814\n"
    "	movw %dx, 0x816\n"
    /* 88h with CF set first: the answer must clear it. */
    "	movw $0x8800, %ax\n"
    "	stc\n"
    "	int $0x15\n"
    "	pushfw\n"
    "	popw 0xF0A\n"
    "	movw %ax, 0xF08\n"
    "	movb $0xC0, %ah\n"
    "	int $0x15\n"
    "	pushfw\n"
    "	popw 0x81A\n"
    "	movw %es, 0x81C\n"
    "	movw %bx, 0x81E\n"
    /* C0h again with TF set, each single-step #DB counted by a handler of the stub's own. */
    "	xorw %ax, %ax\n"
    "	movw %ax, %es\n"
    "	movl %es:4, %eax\n"
    "	movl %eax, 0xF04\n"
    "	movw $(7f - bios_stub_start), %es:4\n"
    "	movw %cs, %es:6\n"
    "	pushfw\n"
    "	popw %ax\n"
    "	orw $0x100, %ax\n"
    "	pushw %ax\n"
    "	popfw\n"
    "	movb $0xC0, %ah\n"
    "	int $0x15\n"
    "	pushfw\n"
    "	popw %ax\n"
    "	andw $0xFEFF, %ax\n"
    "	pushw %ax\n"
    "	popfw\n"
    "	movl 0xF04, %eax\n"
    "	movl %eax, %es:4\n"
    "	jmp 8f\n"
    "7:	incw %cs:0xF00\n"
    "	iret\n"
    "8:	movl $0x600DB105, 0x800\n"
    "6:	cli\n"
    "	hlt\n"
    "	jmp 6b\n"
    "bios_stub_end:\n"
#ifdef __x86_64__
    ".code64\n"
#else
    ".code32\n"
#endif
    ".popsection\n");
extern const uint8_t bios_stub_start[], bios_stub_end[];


struct range {
	uint64_t start, end;
	uint32_t type;
};

/* Sorted by start, touching ranges of one type joined: two maps that describe the same memory compare equal. */
static size_t normalize(struct range *r, size_t count)
{
	for (size_t i = 1; i < count; i++)
		for (size_t j = i; j > 0 && r[j - 1].start > r[j].start; j--) {
			struct range t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	size_t out = 0;
	for (size_t i = 0; i < count; i++) {
		if (r[i].end <= r[i].start)
			continue;
		if (out > 0 && r[out - 1].type == r[i].type && r[out - 1].end == r[i].start)
			r[out - 1].end = r[i].end;
		else
			r[out++] = r[i];
	}
	return out;
}

static void send_ipi(uint64_t apic_base, unsigned target, uint32_t command)
{
	volatile uint32_t *high = phys((uintptr_t)(apic_base & APIC_BASE_ADDRESS_MASK) + XAPIC_ICR_HIGH);
	volatile uint32_t *low = phys((uintptr_t)(apic_base & APIC_BASE_ADDRESS_MASK) + XAPIC_ICR_LOW);

	*high = target << 24;
	*low = command;
	for (unsigned long spin = 0; spin < 1000000 && (*low & ICR_SEND_PENDING); spin++)
		asm volatile("pause");
}

/*
 * Where E801h's count ends in a normalized map: RAM and ACPI tables (type
 * 3) unbroken from 1 MiB.  BIOSes count the RAM below 4 GiB, the ACPI
 * tables at its top included (Bochs's BIOS, SeaBIOS).
 */
static uint64_t e801_end(const struct range *r, size_t count)
{
	uint64_t end = MIB;

	for (size_t i = 0; i < count; i++)
		if ((r[i].type == 1 || r[i].type == 3) && r[i].start <= end && r[i].end > end)
			end = r[i].end;
	return end;
}

static void check_e801(const volatile uint8_t *stub, const struct range *boot, size_t boot_count)
{
	uint16_t ax = *(const volatile uint16_t *)(stub + RESULT_E801), bx = *(const volatile uint16_t *)(stub + RESULT_E801 + 2);
	uint16_t cx = *(const volatile uint16_t *)(stub + RESULT_E801 + 4), dx = *(const volatile uint16_t *)(stub + RESULT_E801 + 6);
	uint16_t flags = *(const volatile uint16_t *)(stub + RESULT_E801 + 8);
	uint64_t end = e801_end(boot, boot_count);
	uint64_t want_kib = ((end < 16 * MIB ? end : 16 * MIB) - MIB) >> 10;
	uint64_t want_blocks = end > 16 * MIB ? (end - 16 * MIB) >> 16 : 0;

	guest_printf("INFO: BIOS E801h: AX=0x%x BX=0x%x CX=0x%x DX=0x%x CF=%u; the boot map's RAM (and ACPI tables) "
		     "from 1 MiB end at 0x%llx", ax, bx, cx, dx, flags & 1, (unsigned long long)end);
	if (!check(!(flags & 1), "E801h: CF set (not supported)"))
		return;
	check(ax == cx && bx == dx, "E801h: AX 0x%x / CX 0x%x or BX 0x%x / DX 0x%x differ", ax, cx, bx, dx);
	check_eq("E801h: KiB from 1 to 16 MiB", ax, want_kib);
	check_eq("E801h: 64 KiB blocks from 16 MiB", bx, want_blocks > 0xFFFF ? 0xFFFF : want_blocks);
}

/*
 * 88h: AX = KiB of extended memory from 1 MiB, counted as E801h counts
 * (RAM and ACPI tables unbroken from 1 MiB) and capped at EXTENDED_KIB_MAX;
 * CF clear.
 */
static void check_88(const volatile uint8_t *stub, const struct range *boot, size_t boot_count)
{
	uint16_t ax = *(const volatile uint16_t *)(stub + RESULT_88), flags = *(const volatile uint16_t *)(stub + RESULT_88 + 2);
	uint64_t kib = (e801_end(boot, boot_count) - MIB) >> 10;

	guest_printf("INFO: BIOS 88h: AX=0x%x CF=%u", ax, flags & 1);
	if (!check(!(flags & 1), "88h: CF set (FLAGS 0x%x)", flags))
		return;
	check_eq("88h: KiB from 1 MiB", ax, kib > EXTENDED_KIB_MAX ? EXTENDED_KIB_MAX : kib);
}

GUEST_TEST(bios_memory_map, "bios", "bios-memory-map", TEST_DESTRUCTIVE)
{
	char text[16];
	unsigned long long cpus = 0;
	uint64_t apic_base = 0;
	static struct range bios[RESULT_MAX_ENTRIES], boot[RESULT_MAX_ENTRIES];

	if (!check(cmdline_value(entry_state.cmdline, "cpus", text, sizeof(text)) && parse_number(text, &cpus) &&
		   cpus >= 2, "test=bios-memory-map needs cpus=2 (or more) on the command line"))
		return;
	if (!check_fault("rdmsr IA32_APIC_BASE", msr_read(IA32_APIC_BASE, &apic_base), PROBE_NONE))
		return;
	if ((apic_base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE)) != APIC_BASE_ENABLE) {
		skip("the APIC is not in xAPIC mode (IA32_APIC_BASE 0x%llx)", (unsigned long long)apic_base);
		return;
	}

	volatile uint8_t *stub = phys(STUB_ADDRESS);
	for (unsigned i = 0; i < RESULT_88 + 4; i++)
		stub[i] = 0;
	for (unsigned i = 0; i < (unsigned)(bios_stub_end - bios_stub_start); i++)
		stub[i] = bios_stub_start[i];

	unsigned self = *(volatile uint32_t *)phys((uintptr_t)(apic_base & APIC_BASE_ADDRESS_MASK) + XAPIC_ID) >> 24;
	unsigned target = self == 0 ? 1 : 0;
	send_ipi(apic_base, target, ICR_INIT | ICR_LEVEL_ASSERT);
	for (volatile unsigned long spin = 0; spin < 100000; spin++)     /* the SDM's 10 ms, roughly */
		;
	for (int sipi = 0; sipi < 2; sipi++)
		send_ipi(apic_base, target, ICR_STARTUP | ICR_LEVEL_ASSERT | (STUB_ADDRESS >> 12));
	volatile uint32_t *done = (volatile uint32_t *)(stub + RESULT_DONE);
	for (unsigned long spin = 0; spin < 50000000 && *done != DONE_VALUE; spin++)
		asm volatile("pause" : : : "memory");
	if (!check_eq("the started CPU's done flag", *done, DONE_VALUE))
		return;

	uint32_t count = *(volatile uint32_t *)(stub + RESULT_COUNT);
	uint32_t status = *(volatile uint32_t *)(stub + RESULT_STATUS);
	uint32_t size = *(volatile uint32_t *)(stub + RESULT_ECX);
	guest_printf("INFO: BIOS E820h: %u entries of %u bytes, status %u", count, size, status);
	check(status == 0, "E820h: the walk ended with status %u (1: CF set, 2: EAX not 'SMAP', 3: over %u entries)",
	      status, RESULT_MAX_ENTRIES);
	check(size == 20 || size == 24, "E820h: ECX %u on the answer, not 20 or 24", size);
	for (uint32_t i = 0; i < count && i < RESULT_MAX_ENTRIES; i++) {
		const volatile uint8_t *e = stub + RESULT_ENTRIES + 24 * i;
		uint64_t base = *(const volatile uint64_t *)e, length = *(const volatile uint64_t *)(e + 8);
		bios[i] = (struct range){ base, base + length, *(const volatile uint32_t *)(e + 16) };
		guest_printf("INFO: BIOS E820h [0x%llx, 0x%llx) type %u", (unsigned long long)bios[i].start,
			     (unsigned long long)bios[i].end, bios[i].type);
	}
	size_t boot_count = guest_map_count() < RESULT_MAX_ENTRIES ? guest_map_count() : RESULT_MAX_ENTRIES;
	for (size_t i = 0; i < boot_count; i++) {
		uint64_t base, length;
		uint32_t type;
		guest_map_entry(i, &base, &length, &type);
		boot[i] = (struct range){ base, base + length, type };
	}
	size_t n_bios = normalize(bios, count < RESULT_MAX_ENTRIES ? count : RESULT_MAX_ENTRIES);
	size_t n_boot = normalize(boot, boot_count);
	bool same = n_bios == n_boot;
	for (size_t i = 0; same && i < n_bios; i++)
		same = bios[i].start == boot[i].start && bios[i].end == boot[i].end && bios[i].type == boot[i].type;
	if (!check(same, "the BIOS's E820h map (%zu ranges) and the boot map (%zu ranges) describe memory differently",
		   n_bios, n_boot))
		for (size_t i = 0; i < n_boot; i++)
			guest_printf("INFO: boot map [0x%llx, 0x%llx) type %u", (unsigned long long)boot[i].start,
				     (unsigned long long)boot[i].end, boot[i].type);
	check_e801(stub, boot, n_boot);
	check_88(stub, boot, n_boot);

	uint16_t flags = *(volatile uint16_t *)(stub + RESULT_C0);
	guest_printf("INFO: BIOS C0h: CF=%u ES:BX=%04x:%04x", flags & 1, *(volatile uint16_t *)(stub + RESULT_C0 + 2),
		     *(volatile uint16_t *)(stub + RESULT_C0 + 4));
	check(!(flags & 0x100), "C0h: the CPU came back with TF set (FLAGS 0x%x)", flags);
	uint16_t traps = *(volatile uint16_t *)(stub + RESULT_TRAPS);
	guest_printf("INFO: BIOS C0h with TF set: %u single-step trap(s)", traps);
	check(traps > 0, "C0h with TF set: no single-step trap reached the program's own #DB handler");
}
