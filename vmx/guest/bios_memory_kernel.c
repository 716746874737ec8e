/*
 * The EPT trap on the BIOS's INT 15h entry point, the real-mode register
 * and stack work of an answer, and the single steps through the rest of
 * the trapped page (the design is in bios_memory.h).
 *
 * The trap state is one page for the whole guest; the stepping flag is
 * per vCPU.  Two vCPUs stepping at once only grant and take away the same
 * permission: at worst a few instructions of the page run without a trap,
 * and only the boot CPU calls the BIOS in practice.
 */
#include "arch/cpu.h"
#include "arch/exceptions.h"
#include "kernel/log.h"
#include "vmx/ept.h"
#include "vmx/guest/bios_memory.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/instruction_decode.h"
#include "vmx/guest/memory.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"

#define PAGE_MASK       (~0xFFFULL)
#define OPCODE_PUSHF    0x9C
#define OPCODE_POPF     0x9D
#define OPCODE_IRET     0xCF
/* #DB exit qualification and pending debug exceptions (SDM Vol. 3C): DR6's bits. */
#define DEBUG_QUAL_B0_B3        0xFULL
#define DEBUG_QUAL_BD           (1ULL << 13)
#define DEBUG_QUAL_BS           (1ULL << 14)

static uint64_t trapped_page;           /* 0: no trap */
static uint64_t int15_entry;            /* segment * 16 + offset: a real-mode linear address */
static uint64_t leaf_flags;             /* the page's EPT leaf as it was: permissions and memory type */

void guest_bios_memory_arm(struct guest *guest)
{
	uint8_t vector[4];
	struct ept_mapping m;

	if (!guest->bios_firmware || !guest->memory_map)
		return;         /* UEFI: no real-mode BIOS to call */
	if (guest_memory_read(guest, BIOS_IVT_INT15, vector, sizeof(vector)) != GUEST_MEMORY_OK)
		return;
	uint16_t offset = (uint16_t)(vector[0] | vector[1] << 8), segment = (uint16_t)(vector[2] | vector[3] << 8);
	uint64_t entry = (uint64_t)segment * 16 + offset;
	if (entry < BIOS_ROM_START || entry >= BIOS_ROM_END) {
		pr_warn("guest: the INT 15h vector %04x:%04x is not in the BIOS's ROM area; veneer leaves it alone, and "
			"a real-mode guest that asks it for the memory map is told veneer's memory is RAM", segment, offset);
		return;
	}
	if (!ept_walk(&guest->ept, entry & PAGE_MASK, &m) || !(m.permissions & EPT_EXECUTE))
		return;
	leaf_flags = m.permissions | (uint64_t)m.memory_type << EPT_MEMORY_TYPE_SHIFT |
		     (m.ignore_pat ? EPT_IGNORE_PAT : 0);
	if (ept_map_page(&guest->ept, entry & PAGE_MASK, m.hpa & PAGE_MASK, leaf_flags & ~EPT_EXECUTE) != EPT_OK) {
		pr_warn("guest: cannot take execute permission from the BIOS page %#llx: INT 15h memory calls go to "
			"the BIOS unchanged", (unsigned long long)(entry & PAGE_MASK));
		return;
	}
	/* After any change to EPT (SDM Vol. 3C, "Invalidation of TLBs and Paging-Structure Caches"). */
	ept_invalidate_context(guest->ept.eptp);
	trapped_page = entry & PAGE_MASK;
	int15_entry = entry;
	pr_info("guest: INT 15h E820h/E801h/88h answered from the guest's map (BIOS entry %04x:%04x)", segment, offset);
}

/* The page's execute permission, on (one step) or off (the trap), invalidated on this CPU. */
static void set_execute(struct vcpu *vcpu, bool on)
{
	uint64_t flags = on ? leaf_flags : leaf_flags & ~EPT_EXECUTE;

	ept_map_page(&vcpu->guest->ept, trapped_page, trapped_page, flags);    /* the 4 KiB leaf exists: cannot fail */
	ept_invalidate_context(vcpu->guest->ept.eptp);
}

static void intercept_debug_exceptions(bool on)
{
	uint32_t bitmap = vmcs_read32(EXCEPTION_BITMAP);

	vmcs_write32(EXCEPTION_BITMAP, on ? bitmap | 1u << VECTOR_DB : bitmap & ~(1u << VECTOR_DB));
}

/* The instruction at CS:RIP's opcode, past legacy prefixes; 0 when it cannot be read. */
static uint8_t opcode_at_rip(const struct vcpu *vcpu)
{
	uint64_t at = vmcs_readn(GUEST_CS_BASE) + vmcs_readn(GUEST_RIP);
	uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH];

	if (guest_memory_read(vcpu->guest, at, bytes, sizeof(bytes)) != GUEST_MEMORY_OK)
		return 0;
	for (unsigned i = 0; i < sizeof(bytes); i++)
		if (!x86_is_legacy_prefix(bytes[i]))
			return bytes[i];
	return 0;
}

/*
 * One instruction of the page runs natively: execute permission for it,
 * RFLAGS.TF set and #DB intercepted, so the single-step trap after it
 * (SDM Vol. 3B, 18.3.1.4 "Single-Step Exception Condition") exits and
 * guest_bios_memory_step_done() takes the permission away again.  Not
 * the monitor trap flag: Bochs 2.7 announces it on Ice Lake and Tiger
 * Lake but never delivered the exit.  What the guest could see of TF is
 * undone: a PUSHF pushed it, and the FLAGS after anything but POPF and
 * IRET get the guest's own TF back.
 *
 * An interrupt may come before the instruction: it pushes TF, clears it
 * for its handler (which runs with the page open, untrapped: not the
 * INT 15h entry), and its IRET brings TF back, so the trap comes one
 * instruction after the return.  VM entry with TF set needs BS in the
 * pending debug exceptions under STI or MOV SS blocking (SDM Vol. 3C,
 * "Checks on Guest Non-Register State"): STI blocking is dropped (it only
 * holds an interrupt for one instruction), MOV SS blocking gets BS, which
 * it holds until after the instruction.
 */
static void step_one_instruction(struct vcpu *vcpu)
{
	uint64_t rflags = vmcs_readn(GUEST_RFLAGS);
	uint8_t opcode = opcode_at_rip(vcpu);

	vcpu->step.guest_tf = rflags & RFLAGS_TF;
	vcpu->step.pushes_flags = opcode == OPCODE_PUSHF;
	vcpu->step.loads_flags = opcode == OPCODE_POPF || opcode == OPCODE_IRET;
	vcpu->step.active = true;
	set_execute(vcpu, true);
	intercept_debug_exceptions(true);
	vmcs_writen(GUEST_RFLAGS, rflags | RFLAGS_TF);
	uint32_t interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_STATE);
	if (interruptibility & BLOCKING_BY_MOV_SS)
		vmcs_writen(GUEST_PENDING_DEBUG_EXCEPTIONS, vmcs_readn(GUEST_PENDING_DEBUG_EXCEPTIONS) | DEBUG_QUAL_BS);
	else if (interruptibility & BLOCKING_BY_STI)
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, interruptibility & ~BLOCKING_BY_STI);
	vcpu_reinject_interrupted_event(vcpu);
}

/* A PUSHF ran with veneer's TF: the FLAGS image it left on the stack gets the guest's TF. */
static void unpush_trap_flag(struct vcpu *vcpu)
{
	uint64_t sp = vmcs_readn(GUEST_RSP);
	bool real_mode = !(vcpu_guest_cr0() & CR0_PE);
	uint64_t at = vmcs_readn(GUEST_SS_BASE) + (real_mode ? (sp & 0xFFFF) : sp);
	uint8_t high;

	/* TF is bit 8: bit 0 of the image's second byte, whatever its width (the paging of a protected-mode stack is not walked here). */
	if ((real_mode || !(vcpu_guest_cr0() & CR0_PG)) &&
	    guest_memory_read(vcpu->guest, at + 1, &high, 1) == GUEST_MEMORY_OK) {
		high &= (uint8_t)~1;
		guest_memory_write(vcpu->guest, at + 1, &high, 1);
	}
}

bool guest_bios_memory_step_done(struct vcpu *vcpu, uint64_t debug_qualification)
{
	if (!vcpu->step.active)
		return false;
	vcpu->step.active = false;
	intercept_debug_exceptions(false);
	set_execute(vcpu, false);
	uint64_t rflags = vmcs_readn(GUEST_RFLAGS);
	if (!vcpu->step.loads_flags)
		rflags = (rflags & ~RFLAGS_TF) | (vcpu->step.guest_tf ? RFLAGS_TF : 0);
	vmcs_writen(GUEST_RFLAGS, rflags);
	if (vcpu->step.pushes_flags && !vcpu->step.guest_tf)
		unpush_trap_flag(vcpu);
	/* The guest's own debugging: its TF, or a breakpoint of its DR7, also asked for this #DB (DR6 is the guest's). */
	uint64_t dr6 = debug_qualification & (DEBUG_QUAL_B0_B3 | DEBUG_QUAL_BD);
	if (vcpu->step.guest_tf)
		dr6 |= debug_qualification & DEBUG_QUAL_BS;
	if (dr6) {
		write_dr6(read_dr6() | dr6);
		vcpu_inject_exception(vcpu, VECTOR_DB, 0);
	}
	return true;
}

/* A real-mode word at seg_base + (offset mod 64 KiB), little-endian. */
static bool read_real_mode_word(const struct guest *guest, uint64_t seg_base, uint32_t offset, uint16_t *value)
{
	uint8_t b[2];

	for (unsigned i = 0; i < 2; i++)
		if (guest_memory_read(guest, seg_base + ((offset + i) & 0xFFFF), &b[i], 1) != GUEST_MEMORY_OK)
			return false;
	*value = (uint16_t)(b[0] | b[1] << 8);
	return true;
}

/* The BIOS's way back: IRET in real mode (IP, CS, FLAGS off the stack), with CF as the answer says. */
static bool return_from_interrupt(struct vcpu *vcpu, bool carry)
{
	uint64_t ss_base = vmcs_readn(GUEST_SS_BASE), rsp = vmcs_readn(GUEST_RSP);
	uint32_t sp = (uint32_t)rsp & 0xFFFF;
	uint16_t ip, cs, flags;

	if (!read_real_mode_word(vcpu->guest, ss_base, sp, &ip) ||
	    !read_real_mode_word(vcpu->guest, ss_base, sp + 2, &cs) ||
	    !read_real_mode_word(vcpu->guest, ss_base, sp + 4, &flags)) {
		pr_error("vcpu: INT 15h on CPU %u: its stack at %#llx is not the guest's memory", vcpu->cpu_id,
			 (unsigned long long)(ss_base + sp));
		vcpu_stop(vcpu, GUEST_END_EPT_VIOLATION, "memory the guest does not own");
		return false;
	}
	flags = (uint16_t)((flags & ~RFLAGS_CF) | (carry ? RFLAGS_CF : 0));
	vmcs_writen(GUEST_RIP, ip);
	vmcs_write16(GUEST_CS_SELECTOR, cs);
	vmcs_writen(GUEST_CS_BASE, (uint64_t)cs << 4);
	vmcs_writen(GUEST_RSP, (rsp & ~0xFFFFULL) | ((sp + 6) & 0xFFFF));
	vmcs_writen(GUEST_RFLAGS, (vmcs_readn(GUEST_RFLAGS) & ~0xFFFFULL) | flags | RFLAGS_RESERVED_1);
	return true;
}

static void set_low(uint64_t *reg, uint64_t value, unsigned bits)
{
	uint64_t mask = bits == 32 ? 0xFFFFFFFFULL : 0xFFFFULL;

	*reg = (*reg & ~mask) | (value & mask);
}

enum answer { NOT_ASKED, ANSWERED, STOPPED };

static enum answer answer_e820(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;
	uint8_t entry[BIOS_E820_ENTRY_SIZE];
	uint32_t next;

	if ((uint32_t)r->rdx != BIOS_SMAP_SIGNATURE)
		return NOT_ASKED;       /* the BIOS gives its own error */
	if (!bios_e820_entry(vcpu->guest->memory_map, (uint32_t)r->rbx, entry, &next)) {
		set_low(&r->rax, (r->rax & 0xFF) | BIOS_UNSUPPORTED << 8, 16);
		return return_from_interrupt(vcpu, true) ? ANSWERED : STOPPED;
	}
	uint64_t buffer = vmcs_readn(GUEST_ES_BASE) + (r->rdi & 0xFFFF);
	enum guest_memory_status s = guest_memory_write(vcpu->guest, buffer, entry, sizeof(entry));
	if (s != GUEST_MEMORY_OK) {
		pr_error("vcpu: INT 15h E820h on CPU %u: the buffer at %#llx is %s", vcpu->cpu_id,
			 (unsigned long long)buffer, guest_memory_status_name(s));
		vcpu_stop(vcpu, GUEST_END_EPT_VIOLATION, "memory the guest does not own");
		return STOPPED;
	}
	set_low(&r->rax, BIOS_SMAP_SIGNATURE, 32);
	set_low(&r->rcx, BIOS_E820_ENTRY_SIZE, 32);
	set_low(&r->rbx, next, 32);
	return return_from_interrupt(vcpu, false) ? ANSWERED : STOPPED;
}

static enum answer answer_e801(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;
	uint16_t kib, blocks;

	bios_e801_counts(vcpu->guest->memory_map, &kib, &blocks);
	set_low(&r->rax, kib, 16);
	set_low(&r->rcx, kib, 16);
	set_low(&r->rbx, blocks, 16);
	set_low(&r->rdx, blocks, 16);
	return return_from_interrupt(vcpu, false) ? ANSWERED : STOPPED;
}

static enum answer answer_88(struct vcpu *vcpu)
{
	set_low(&vcpu->regs.rax, bios_88_extended_kib(vcpu->guest->memory_map), 16);
	return return_from_interrupt(vcpu, false) ? ANSWERED : STOPPED;
}

static enum answer answer_memory_call(struct vcpu *vcpu)
{
	if (vcpu_guest_cr0() & CR0_PE)
		return NOT_ASKED;       /* protected or virtual-8086 mode: not a real-mode INT 15h */
	if (vmcs_readn(GUEST_CS_BASE) + vmcs_readn(GUEST_RIP) != int15_entry)
		return NOT_ASKED;
	switch (vcpu->regs.rax & 0xFFFF) {
	case BIOS_E820_FUNCTION:
		return answer_e820(vcpu);
	case BIOS_E801_FUNCTION:
		return answer_e801(vcpu);
	}
	if ((vcpu->regs.rax >> 8 & 0xFF) == BIOS_88_FUNCTION)
		return answer_88(vcpu);
	return NOT_ASKED;
}

bool guest_bios_memory_fetch(struct vcpu *vcpu, uint64_t gpa, bool *resume)
{
	if (!trapped_page || (gpa & PAGE_MASK) != trapped_page)
		return false;
	switch (answer_memory_call(vcpu)) {
	case ANSWERED:
		*resume = true;
		break;
	case STOPPED:
		*resume = false;
		break;
	case NOT_ASKED:
		step_one_instruction(vcpu);
		*resume = true;
		break;
	}
	return true;
}
