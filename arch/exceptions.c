/*
 * What happens when the hypervisor itself takes an exception.  Apart from
 * the expected #GP of a probing rdmsr_safe/wrmsr_safe, any exception in
 * root operation is a bug: report everything that helps find it (which
 * exception, the error code decoded, where, the registers, the call chain)
 * and stop every CPU.  A fault while reporting a fault gets a short
 * message only, and a third one just halts, so a broken console cannot
 * turn into a triple fault.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/exceptions.h"
#include "kernel/ksyms.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/shutdown.h"

static const struct {
	const char *mnemonic;
	const char *name;
} vectors[32] = {
	[0] = { "#DE", "divide error" },
	[1] = { "#DB", "debug exception" },
	[2] = { "NMI", "non-maskable interrupt" },
	[3] = { "#BP", "breakpoint" },
	[4] = { "#OF", "overflow" },
	[5] = { "#BR", "BOUND range exceeded" },
	[6] = { "#UD", "invalid opcode" },
	[7] = { "#NM", "device not available" },
	[8] = { "#DF", "double fault" },
	[9] = { "#MF9", "coprocessor segment overrun" },
	[10] = { "#TS", "invalid TSS" },
	[11] = { "#NP", "segment not present" },
	[12] = { "#SS", "stack-segment fault" },
	[13] = { "#GP", "general protection" },
	[14] = { "#PF", "page fault" },
	[15] = { "#15", "reserved vector 15" },
	[16] = { "#MF", "x87 floating-point error" },
	[17] = { "#AC", "alignment check" },
	[18] = { "#MC", "machine check" },
	[19] = { "#XM", "SIMD floating-point exception" },
	[20] = { "#VE", "virtualization exception" },
	[21] = { "#CP", "control protection exception" },
	[22] = { "#22", "reserved vector 22" },
	[23] = { "#23", "reserved vector 23" },
	[24] = { "#24", "reserved vector 24" },
	[25] = { "#25", "reserved vector 25" },
	[26] = { "#26", "reserved vector 26" },
	[27] = { "#27", "reserved vector 27" },
	[28] = { "#HV", "hypervisor injection exception" },
	[29] = { "#VC", "VMM communication exception" },
	[30] = { "#SX", "security exception" },
	[31] = { "#31", "reserved vector 31" },
};

const char *exception_mnemonic(unsigned vector)
{
	return vector < 32 ? vectors[vector].mnemonic : "#??";
}

const char *exception_name(unsigned vector)
{
	return vector < 32 ? vectors[vector].name : "unknown vector";
}

struct fixup_entry {
	uint64_t faulting_rip;
	uint64_t resume_rip;
};

extern const struct fixup_entry __fixup_table_start[], __fixup_table_end[];

static bool apply_fixup(struct exception_frame *frame)
{
	for (const struct fixup_entry *e = __fixup_table_start; e < __fixup_table_end; e++) {
		if (e->faulting_rip == frame->rip) {
			frame->rip = e->resume_rip;
			return true;
		}
	}
	return false;
}

/* Page-fault error code bits (SDM Vol. 3A, 5.7 "Page-fault exceptions"). */
static void describe_page_fault(uint64_t error, uint64_t address)
{
	pr_error("  page fault at %#llx: %s, %s%s%s%s", (unsigned long long)address,
		 error & 1 ? "protection violation" : "page not present",
		 error & 2 ? "write" : (error & 16 ? "instruction fetch" : "read"),
		 error & 4 ? ", user mode" : "",
		 error & 8 ? ", reserved bit set" : "",
		 error & 32 ? ", protection key" : "");
}

static void describe_selector_error(uint64_t error)
{
	if (error == 0)
		return;
	pr_error("  error code refers to %s selector index %#llx%s",
		 error & 2 ? "IDT" : (error & 4 ? "LDT" : "GDT"),
		 (unsigned long long)((error >> 3) & 0x1FFF), error & 1 ? " (external event)" : "");
}

static void dump_registers(const struct exception_frame *f)
{
	print_general_registers("", &f->regs, f->rsp);
	pr_error("  rip %016llx  rflags %016llx  cs %04llx  ss %04llx",
		 (unsigned long long)f->rip, (unsigned long long)f->rflags,
		 (unsigned long long)f->cs, (unsigned long long)f->ss);
	pr_error("  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx",
		 (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		 (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static void report_fault(const struct exception_frame *f)
{
	unsigned vector = (unsigned)f->vector;
	const char *function;
	uint64_t offset;

	pr_error("FAULT %s %s (vector %u), error code %#llx", exception_mnemonic(vector),
		 exception_name(vector), vector, (unsigned long long)f->error_code);
	if (ksym_lookup(f->rip, &function, &offset))
		pr_error("  at rip %#llx <%s+%#llx>", (unsigned long long)f->rip, function,
			 (unsigned long long)offset);
	else
		pr_error("  at rip %#llx (not in veneer's code)", (unsigned long long)f->rip);
	if (vector == VECTOR_PF)
		describe_page_fault(f->error_code, read_cr2());
	else if (vector == VECTOR_GP || vector == VECTOR_TS || vector == VECTOR_NP || vector == VECTOR_SS)
		describe_selector_error(f->error_code);
	else if (vector == VECTOR_DF)
		pr_error("  a double fault usually means a stack overflow or a fault while delivering another exception");
	dump_registers(f);
	print_stack_trace(f->rip, f->regs.rbp);
}

/* Vectors whose exceptions push an error code (SDM Vol. 3A, "Exception and Interrupt Reference"). */
static bool pushes_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 ||
	       vector == 30;
}

/*
 * Vectors 16-31 are exceptions, but the local APIC delivers them too: a
 * guest may send a fixed IPI with vector 0x13 at a CPU idling in veneer.
 * An interrupt sets the vector's bit in the in-service register, an
 * exception does not (SDM Vol. 3A, "Interrupt Acceptance for Fixed
 * Interrupts"): then it is acknowledged, noted and ignored.
 */
static bool absorb_interrupt_at_exception_vector(struct exception_frame *frame)
{
	unsigned vector = (unsigned)frame->vector;

	if (vector < 16 || vector >= 32 || !apic_in_service(vector))
		return false;
	log_note_interrupt(vector);
	apic_eoi();
	if (pushes_error_code(vector))
		frame->vector |= EXCEPTION_FRAME_NO_ERROR_CODE;
	return true;
}

void interrupt_absorb(void)
{
	int vector = apic_highest_in_service();

	if (vector < 0)
		return;         /* a spurious interrupt: not in service, and no EOI (SDM Vol. 3A, "Spurious Interrupt") */
	if (vector != VECTOR_WAKEUP)
		log_note_interrupt((unsigned)vector);
	apic_eoi_vector((unsigned)vector);
}

/* Set while the machine is being stopped: an NMI then means "halt now". */
volatile int exceptions_stopping_all;

bool (*exception_nmi_for_guest)(void);

void exception_handler(struct exception_frame *frame)
{
	struct percpu *cpu = this_cpu();

	if (frame->vector == VECTOR_NMI && exceptions_stopping_all) {
		/* The boot CPU is ending the run and this CPU did not stop by itself. */
		if (shutdown_cpu_teardown)
			shutdown_cpu_teardown();
		cpu->stopped = 1;
		halt_forever();
	}
	if (frame->vector == VECTOR_GP && apply_fixup(frame))
		return;
	if (frame->vector == VECTOR_NMI) {
		if (exception_nmi_for_guest && exception_nmi_for_guest())
			return;
		/*
		 * An NMI may arrive while this CPU holds the log lock: it only
		 * leaves a lock-free note, which the next log line reports.
		 */
		log_note_nmi();
		return;
	}
	if (absorb_interrupt_at_exception_vector(frame))
		return;

	cpu->exception_depth++;
	if (cpu->exception_depth == 2) {
		log_enter_emergency();
		pr_error("FAULT %s (vector %llu) at rip %#llx while reporting an earlier fault; stopping",
			 exception_mnemonic((unsigned)frame->vector), (unsigned long long)frame->vector,
			 (unsigned long long)frame->rip);
		shutdown(EXIT_FAULT);
	}
	if (cpu->exception_depth > 2)
		halt_forever();

	log_enter_emergency();
	report_fault(frame);
	shutdown(EXIT_FAULT);
}
