/*
 * From entry.S to the SUMMARY line.  First look at the segments the boot
 * loader left: both specifications promise flat 32-bit segments (base 0,
 * limit 4 GiB) in CS and in DS, ES, FS, GS and SS, but leave GDTR
 * undefined, so the descriptor table cannot be trusted and only what the
 * segments do counts.  That has to happen before anything reloads a
 * segment register, and before there is an IDT: a limit below 4 GiB
 * raises #GP (or #SS) at the read of offset 0xFFFFFFFC, and the kernel
 * triple-faults there.  Then install the runtime's own GDT and IDT and run
 * the checks.
 */
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/runtime/descriptors.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"

#define FLAT_MARKER     0x54414C46u     /* "FLAT" */
#define TOP_OFFSET      0xFFFFFFFCu     /* the last dword of a 4 GiB segment */

struct segment_probe entry_segments[SEGMENT_COUNT];
uint32_t entry_cr0, entry_cr4;

/* Read through one segment: at address in the image, where the marker is linked. */
static const volatile uint32_t flat_marker = FLAT_MARKER;
static volatile uint32_t flat_scratch;

#define SEGMENT_READ(seg, address) ({                                           \
	uint32_t value_;                                                        \
	asm volatile("movl %%" #seg ":(%1), %0"                                 \
		     : "=r"(value_) : "r"(address) : "memory");                 \
	value_;                                                                 \
})

#define SEGMENT_WRITE(seg, address, value)                                      \
	asm volatile("movl %0, %%" #seg ":(%1)" : : "r"(value), "r"(address) : "memory")

/* A base other than 0 would send the write and the top read elsewhere: skip them then. */
#define PROBE_SEGMENT(index, seg, data) do {                                    \
	struct segment_probe *p_ = &entry_segments[index];                      \
									        \
	p_->name = #seg;                                                        \
	p_->selector = mb_entry[MB_ENTRY_CS + (index)];                         \
	p_->base_zero = SEGMENT_READ(seg, &flat_marker) == FLAT_MARKER;         \
	if (p_->base_zero && (data)) {                                          \
		flat_scratch = 0;                                               \
		SEGMENT_WRITE(seg, &flat_scratch, FLAT_MARKER + (index));       \
		p_->writable = flat_scratch == FLAT_MARKER + (index);           \
	}                                                                       \
	if (p_->base_zero)                                                      \
		(void)SEGMENT_READ(seg, TOP_OFFSET);                            \
} while (0)

static void probe_entry_segments(void)
{
	/* In mb_entry order: MB_ENTRY_CS + index. */
	PROBE_SEGMENT(0, cs, false);
	PROBE_SEGMENT(1, ds, true);
	PROBE_SEGMENT(2, es, true);
	PROBE_SEGMENT(3, fs, true);
	PROBE_SEGMENT(4, gs, true);
	PROBE_SEGMENT(5, ss, true);
}

static void run_tests(const struct mb_test *tests, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		report_begin(tests[i].name);
		tests[i].run();
		report_end();
	}
}

void mb_main(void)
{
	entry_cr0 = (uint32_t)cr0_read();
	entry_cr4 = (uint32_t)cr4_read();
	probe_entry_segments();

	console_init();
	guest_printf("veneer %s test kernel, %s", mb_protocol.name,
		     running_under_veneer() ? "running under veneer"
					    : "running without veneer (no veneer CPUID signature): output on COM1");
	guest_printf("INFO: entry: eax=0x%x ebx=0x%x esp=0x%x eflags=0x%x cr0=0x%x cr4=0x%x "
		     "cs=0x%x ds=0x%x es=0x%x fs=0x%x gs=0x%x ss=0x%x",
		     mb_entry[MB_ENTRY_EAX], mb_entry[MB_ENTRY_EBX], mb_entry[MB_ENTRY_ESP],
		     mb_entry[MB_ENTRY_EFLAGS], entry_cr0, entry_cr4, mb_entry[MB_ENTRY_CS],
		     mb_entry[MB_ENTRY_DS], mb_entry[MB_ENTRY_ES], mb_entry[MB_ENTRY_FS],
		     mb_entry[MB_ENTRY_GS], mb_entry[MB_ENTRY_SS]);

	gdt_init();
	idt_init();

	run_tests(mb_tests_read, mb_tests_read_count);
	run_tests(mb_protocol.tests, mb_protocol.test_count);
	run_tests(mb_tests_write, mb_tests_write_count);
	report_finish();
}
