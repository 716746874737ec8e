/*
 * A virtual CPU: the guest's general registers (saved by the exit stub
 * straight into this structure), its VMCS, and what the exit handlers keep
 * between exits.  Each vCPU runs on one physical CPU, whose VMCS it is
 * bound to for as long as it runs (SDM Vol. 3C, "VMCS Life Cycle"), so
 * nothing here needs a lock.
 */
#ifndef VENEER_VMX_VCPU_H
#define VENEER_VMX_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/registers.h"
#include "vmx/guest/guest.h"
#include "vmx/exit_reasons.h"
#include "vmx/msr_policy.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_entry.h"

struct guest;

/*
 * make bench's counting build: exits taking this many VMCS accesses or
 * more share the last bucket; the CPUs past the first few are not counted.
 */
#define VMCS_ACCESS_BUCKETS     32
#define VMCS_COUNTED_CPUS       8

enum vcpu_state {
	VCPU_RUNNING,
	VCPU_STOPPED,           /* the guest ended or was stopped; the vCPU never runs again */
};

/* Why a guest stopped: what the run's final line reports. */
enum guest_end {
	GUEST_END_NONE,
	GUEST_END_SHUTDOWN_REQUEST,     /* VENEER_HC_SHUTDOWN */
	GUEST_END_POWER_OFF,
	GUEST_END_RESET,
	GUEST_END_HALTED,               /* HLT with interrupts disabled: nothing can wake it */
	GUEST_END_TRIPLE_FAULT,
	GUEST_END_EPT_VIOLATION,
	GUEST_END_FATAL_EXIT,           /* an exit veneer cannot handle */
	GUEST_END_ENTRY_FAILURE,
	GUEST_END_INIT,                 /* an AP's vCPU got INIT: it waits for a SIPI again */
};

struct vcpu {
	/* Offsets fixed by vmx/vmx_entry.S: the exit stub pushes the guest's registers into regs. */
	struct general_registers regs;
	uint64_t host_rsp;              /* the hypervisor stack exits are handled on */
	bool launched;                  /* VMRESUME rather than VMLAUNCH */
	/* An NMI of the guest's that arrived in VMX root, to inject before VMRESUME (vmx/vcpu_nmi.c). */
	volatile bool nmi_pending;

	void *vmcs;
	struct guest *guest;
	struct guest_entry entry;       /* the state its first instruction sees */
	unsigned cpu_id;
	uint16_t vpid;
	enum vcpu_state state;
	enum guest_end end;
	uint64_t end_code;              /* the code given with VENEER_HC_SHUTDOWN */

	uint64_t exit_count[EXIT_REASON_COUNT];

	/* An application processor of the guest (vmx/guest/smp.c). */
	volatile bool waiting_for_sipi;
	volatile bool sipi_pending;
	volatile unsigned sipi_vector;
	volatile bool pending_init;
	volatile bool in_guest;         /* between VM entry and the end of vcpu_run: no wake-up IPI then */

	/* What the guest's IA32_APIC_BASE reads: the guest's own value (vmx/guest/local_apic.c). */
	uint64_t apic_base;
	/* MSRs the CPU lacks, answered per vCPU (vmx/msr_policy.h); set up at the first start. */
	uint64_t stand_in[STAND_IN_COUNT];
	bool stand_ins_loaded;
	/* One instruction of the watched BIOS page runs with RFLAGS.TF set (vmx/guest/bios_memory.h). */
	struct {
		bool active;
		bool guest_tf;          /* the guest's own TF before the step */
		bool pushes_flags;      /* the instruction is PUSHF */
		bool loads_flags;       /* POPF or IRET: the TF after it is the instruction's */
	} step;
};

/* All exits so far (the sum of exit_count: one counter less on the exit path). */
uint64_t vcpu_exits_total(const struct vcpu *vcpu);

_Static_assert(offsetof(struct vcpu, regs) == 0, "the exit stub pushes into vcpu->regs at offset 0");
_Static_assert(offsetof(struct vcpu, host_rsp) == VCPU_HOST_RSP, "vmx_entry.h: VCPU_HOST_RSP");
_Static_assert(offsetof(struct vcpu, launched) == VCPU_LAUNCHED, "vmx_entry.h: VCPU_LAUNCHED");
_Static_assert(offsetof(struct vcpu, nmi_pending) == VCPU_NMI_PENDING, "vmx_entry.h: VCPU_NMI_PENDING");

/* Writes the guest-state area for e (the VMCS must be current). */
void vcpu_load_guest_state(struct vcpu *vcpu, const struct guest_entry *e);

/* Sets up the current CPU's vCPU for guest and runs it until it stops; returns why. */
enum guest_end vcpu_run(struct vcpu *vcpu);

/* Guest interruptibility state bits (SDM Vol. 3C, "Guest Non-Register State"). */
#define BLOCKING_BY_STI         (1u << 0)
#define BLOCKING_BY_MOV_SS      (1u << 1)
#define BLOCKING_BY_NMI         (1u << 3)

/*
 * Advances the guest's RIP past the instruction that caused the exit (on
 * the hot path of every emulated instruction, so inline).  The emulated
 * instruction completed, so an interrupt shadow it sat in is over.
 */
static inline void vcpu_skip_instruction(struct vcpu *vcpu)
{
	(void)vcpu;
	vmcs_writen(GUEST_RIP, vmcs_readn(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LENGTH));
	uint32_t interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_STATE);
	if (__builtin_expect(interruptibility & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS), 0))
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE,
			     interruptibility & ~(BLOCKING_BY_STI | BLOCKING_BY_MOV_SS));
}
/* Queues an exception for the next VM entry (with error code where the vector has one). */
void vcpu_inject_exception(struct vcpu *vcpu, unsigned vector, uint32_t error_code);
/* Delivers again an event whose delivery the exit interrupted (non-instruction exits that resume). */
void vcpu_reinject_interrupted_event(struct vcpu *vcpu);
static inline void vcpu_inject_gp(struct vcpu *vcpu)
{
	vcpu_inject_exception(vcpu, 13, 0);
}
static inline void vcpu_inject_ud(struct vcpu *vcpu)
{
	vcpu_inject_exception(vcpu, 6, 0);
}

/*
 * NMIs of the guest that reach veneer in VMX root (vmx/vcpu_nmi.c): the
 * NMI handler's test, and the injection of a held one before an entry.
 */
bool vcpu_nmi_for_guest(void);
void vcpu_inject_pending_nmi(struct vcpu *vcpu);

/*
 * At an exit while veneer's run is ending (shutdown_in_progress): marks the
 * vCPU stopped, so that its CPU leaves the guest and takes the stop order;
 * false (nothing done) otherwise.
 */
bool vcpu_leave_for_shutdown(struct vcpu *vcpu);
/* Stops the guest: reports why with the guest's registers and the exit's details. */
void vcpu_stop(struct vcpu *vcpu, enum guest_end end, const char *why);
/* The guest's current privilege level (SS.DPL, SDM Vol. 3A 5.5). */
unsigned vcpu_cpl(void);

/* Logs the guest's state (registers, control registers, segments) for a report. */
void vcpu_dump(const struct vcpu *vcpu);

const char *guest_end_name(enum guest_end end);

#endif
