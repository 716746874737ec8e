/*
 * String I/O (INS, OUTS, with or without REP) to a port veneer intercepts,
 * done element by element as the processor does it (SDM Vol. 2B, "INS/
 * INSB/INSW/INSD" and "OUTS/OUTSB/OUTSW/OUTSD"; Vol. 2B "REP/REPE/REPZ/
 * REPNE/REPNZ"): each element goes through the port's handler like a
 * plain IN or OUT, so a REP OUTSB of the reset value to 0xCF9 resets as an
 * OUT would.  The memory operand is the guest's linear address: the exit
 * gives the first element's (GUEST_LINEAR_ADDRESS, SDM Vol. 3C, "Exit
 * Qualification for I/O Instructions" and "Guest Linear Address"), the
 * guest's page tables translate it (vmx/guest/paging.c) and the checked
 * accessor moves the bytes (vmx/guest/memory.c).
 *
 * As on the processor, each iteration updates rSI or rDI and rCX before
 * the next, so a fault in the middle leaves the registers at the element
 * that faulted and RIP at the instruction.  A page the guest's tables do
 * not map gives the guest #PF with CR2 at the element; memory its EPT or
 * veneer does not let it have gives #GP(0), which is what a bad operand
 * gets when nothing finer fits.  A REP runs at most STRING_IO_BATCH
 * iterations per exit; then the instruction runs again (RIP unchanged)
 * and exits again, so that interrupts are taken between batches.
 */
#include "arch/cpu.h"
#include "kernel/log.h"
#include "vmx/exit_qualification.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/guest/memory.h"
#include "vmx/guest/paging.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_root.h"

#define STRING_IO_BATCH         4096
#define RFLAGS_DF               (1ULL << 10)
#define CS_LONG_MODE            (1u << 13)      /* access rights: L */
#define CS_DEFAULT_32           (1u << 14)      /* access rights: D/B */
#define PF_PRESENT              (1u << 0)
#define PF_WRITE                (1u << 1)
#define PF_USER                 (1u << 2)
#define PF_RESERVED             (1u << 3)

static bool read_guest_physical(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const struct guest *guest = ctx;

	return guest_memory_read(guest, gpa, buf, len) == GUEST_MEMORY_OK;
}

/*
 * The address size of the instruction: bits 9:7 of the VM-exit
 * instruction information (0 16-bit, 1 32-bit, 2 64-bit) where the CPU
 * reports it for INS/OUTS (IA32_VMX_BASIC bit 54), else the code
 * segment's default (an address-size prefix is then not seen).
 */
static unsigned address_bits(void)
{
	uint32_t cs = vmcs_read32(GUEST_CS_ACCESS_RIGHTS);

	if (vmx_caps()->ins_outs_info) {
		unsigned size = (vmcs_read32(VM_EXIT_INSTRUCTION_INFORMATION) >> 7) & 7;
		return size == 2 ? 64 : size == 1 ? 32 : 16;
	}
	return (cs & CS_LONG_MODE) ? 64 : (cs & CS_DEFAULT_32) ? 32 : 16;
}

static uint64_t address_mask(unsigned bits)
{
	return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* A register updated at the instruction's address size: the bits above stay (16-bit) or clear (32-bit). */
static void set_sized(uint64_t *reg, uint64_t value, unsigned bits)
{
	if (bits == 64)
		*reg = value;
	else if (bits == 32)
		*reg = (uint32_t)value;
	else
		*reg = (*reg & ~0xFFFFULL) | (value & 0xFFFF);
}

static void inject_page_fault(struct vcpu *vcpu, uint64_t linear, enum guest_walk_result walk, bool write)
{
	uint32_t code = write ? PF_WRITE : 0;

	if (walk == GUEST_WALK_RESERVED_BIT)
		code |= PF_PRESENT | PF_RESERVED;
	if (((vmcs_read32(GUEST_SS_ACCESS_RIGHTS) >> 5) & 3) == 3)
		code |= PF_USER;
	/* CR2 is not part of the VMCS: the guest finds the physical register as veneer leaves it. */
	write_cr2(linear);
	vcpu_inject_exception(vcpu, 14, code);
}

/*
 * The guest-physical address of each byte of an element at a linear
 * address (an element may cross into another page).  false after
 * injecting the fault the guest gets.
 */
static bool translate_element(struct vcpu *vcpu, const struct guest_paging_state *paging, uint64_t linear,
			      unsigned size, bool write, uint64_t gpa[4])
{
	for (unsigned i = 0; i < size; i++) {
		uint64_t at = paging->efer & (1ULL << 10) ? linear + i : (uint32_t)(linear + i);   /* LMA */
		enum guest_walk_result walk;

		if (i > 0 && (at & 0xFFF) != 0) {
			gpa[i] = gpa[i - 1] + 1;
			continue;
		}
		walk = guest_linear_to_physical(paging, at, read_guest_physical, vcpu->guest, &gpa[i]);
		if (walk == GUEST_WALK_NOT_PRESENT || walk == GUEST_WALK_RESERVED_BIT) {
			inject_page_fault(vcpu, at, walk, write);
			return false;
		}
		if (walk != GUEST_WALK_OK) {
			vcpu_inject_gp(vcpu);
			return false;
		}
	}
	return true;
}

static bool move_element(struct vcpu *vcpu, const uint64_t gpa[4], unsigned size, uint32_t *value, bool write)
{
	uint8_t bytes[4];

	for (unsigned i = 0; i < size; i++)
		bytes[i] = (uint8_t)(*value >> (8 * i));
	for (unsigned i = 0; i < size; i++) {
		enum guest_memory_status s = write ? guest_memory_write(vcpu->guest, gpa[i], &bytes[i], 1)
						   : guest_memory_read(vcpu->guest, gpa[i], &bytes[i], 1);
		if (s != GUEST_MEMORY_OK) {
			pr_warn("guest: %s at guest-physical %#llx refused (%s): #GP",
				 write ? "INS" : "OUTS", (unsigned long long)gpa[i], guest_memory_status_name(s));
			vcpu_inject_gp(vcpu);
			return false;
		}
	}
	*value = 0;
	for (unsigned i = 0; i < size; i++)
		*value |= (uint32_t)bytes[i] << (8 * i);
	return true;
}

bool guest_string_io(struct vcpu *vcpu, const struct io_qualification *q, io_port_handler handler)
{
	struct guest_paging_state paging = {
		.cr0 = vmcs_readn(GUEST_CR0),
		.cr3 = vmcs_readn(GUEST_CR3),
		.cr4 = vmcs_readn(GUEST_CR4),
		.efer = vmcs_read64(GUEST_IA32_EFER),
		.pdpte = { vmcs_read64(GUEST_PDPTE0), vmcs_read64(GUEST_PDPTE1), vmcs_read64(GUEST_PDPTE2),
			   vmcs_read64(GUEST_PDPTE3) },
		.use_pdpte_fields = true,
	};
	unsigned bits = address_bits();
	uint64_t mask = address_mask(bits);
	uint64_t *pointer = q->in ? &vcpu->regs.rdi : &vcpu->regs.rsi;
	/* The segment base: the first element's linear address less its offset. */
	uint64_t base = vmcs_readn(GUEST_LINEAR_ADDRESS) - (*pointer & mask);
	int64_t step = (vmcs_readn(GUEST_RFLAGS) & RFLAGS_DF) ? -(int64_t)q->size : q->size;
	struct io_qualification element = *q;

	element.string = false;
	element.rep = false;
	for (unsigned n = 0; !q->rep || (vcpu->regs.rcx & mask) != 0; n++) {
		if (n == STRING_IO_BATCH)
			return true;    /* RIP stays: the instruction exits again for the rest */
		uint64_t linear = base + (*pointer & mask), gpa[4];
		uint32_t value = 0;

		if (!translate_element(vcpu, &paging, linear, q->size, q->in, gpa))
			return true;
		/* A handler that returns false ended the guest (a reset); a bad operand got #GP. */
		if (q->in) {
			if (!handler(vcpu, &element, &value))
				return false;
			if (!move_element(vcpu, gpa, q->size, &value, true))
				return true;
		} else {
			if (!move_element(vcpu, gpa, q->size, &value, false))
				return true;
			if (!handler(vcpu, &element, &value))
				return false;
		}
		set_sized(pointer, *pointer + (uint64_t)step, bits);
		if (!q->rep)
			break;
		set_sized(&vcpu->regs.rcx, vcpu->regs.rcx - 1, bits);
	}
	vcpu_skip_instruction(vcpu);
	return true;
}
