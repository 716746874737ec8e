/*
 * Control-register accesses (SDM Vol. 3C, "Exit Qualification for
 * Control-Register Accesses").  The guest owns CR0 and CR4 except the bits
 * VMX constrains (the guest/host masks, vmx/vcpu_controls.c); a write that
 * changes one of those exits, and is emulated here completely, with the
 * architectural checks the CPU would have made (SDM Vol. 3A, 2.5 "Control
 * Registers", and MOV to/from control registers in Vol. 2B):
 *   - CR0: reserved bits 63:32, NW without CD, PG without PE: #GP; turning
 *     paging on with EFER.LME activates IA-32e mode (EFER.LMA and the
 *     "IA-32e mode guest" entry control), and needs CR4.PAE;
 *   - CR4: VMXE (the guest sees no VMX) and bits the CPU lacks: #GP;
 *     clearing PAE in IA-32e mode: #GP.
 * The guest reads back exactly what it wrote (the read shadows); the real
 * registers keep the bits VMX needs.  With CR3 exiting off (unrestricted
 * guest with EPT), CR3 only exits on CPUs that force it, handled too.
 */
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_qualification.h"
#include "vmx/guest/memory.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"

#define CR0_RESERVED_HIGH       0xFFFFFFFF00000000ULL
#define CR3_PAE_PDPT_MASK       0xFFFFFFE0ULL
#define PDPTE_PRESENT           (1ULL << 0)
#define PDPTE_RESERVED_LOW      0x1E6ULL        /* bits 2:1 and 8:5 (SDM Vol. 3A, table "Format of a PAE PDPTE") */
/* Changing one of these while PAE paging is in use reloads the PDPTEs (SDM Vol. 3A, 4.4.1; CR0.CD/NW too, not emulated). */
#define CR4_PDPTE_RELOAD        (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)

static uint64_t read_gpr(struct vcpu *vcpu, unsigned index)
{
	return index == REGISTER_INDEX_RSP ? vmcs_readn(GUEST_RSP) : get_reg_of_index(&vcpu->regs, index);
}

static void write_gpr(struct vcpu *vcpu, unsigned index, uint64_t value)
{
	if (index == REGISTER_INDEX_RSP)
		vmcs_writen(GUEST_RSP, value);
	else
		set_reg_of_index(&vcpu->regs, index, value);
}

static bool in_ia32e_mode(void)
{
	return vmcs_read64(GUEST_IA32_EFER) & EFER_LMA;
}

/*
 * PAE paging without IA-32e mode uses four PDPTEs the CPU caches; an
 * emulated switch must load them (SDM Vol. 3C, "Loading Guest Control
 * Registers...").  They are read through the guest-memory accessor before
 * anything changes: a table veneer cannot read for the guest makes the
 * MOV raise #GP and leave the control registers as they were, as the CPU
 * does for PDPTEs it cannot use (SDM Vol. 3A, "PDPTE Registers"); so
 * does a present PDPTE with a reserved bit, which would otherwise fail the
 * VM entry.
 */
static bool read_pdptes(const struct guest *guest, uint64_t cr3, uint64_t pdpte[4])
{
	uint64_t reserved = PDPTE_RESERVED_LOW | (~0ULL << cpu_max_phys_addr_bits());

	if (guest_memory_read(guest, cr3 & CR3_PAE_PDPT_MASK, pdpte, 4 * sizeof(uint64_t)) != GUEST_MEMORY_OK)
		return false;
	for (int i = 0; i < 4; i++)
		if ((pdpte[i] & PDPTE_PRESENT) && (pdpte[i] & reserved))
			return false;
	return true;
}

static void store_pdptes(const uint64_t pdpte[4])
{
	vmcs_write64(GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(GUEST_PDPTE3, pdpte[3]);
}

static bool pae_paging(uint64_t cr0, uint64_t cr4)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !in_ia32e_mode();
}

/* Returns false when the write must raise #GP. */
static bool emulate_cr0_write(const struct guest *guest, uint64_t value)
{
	uint64_t old = vcpu_guest_cr0();

	if ((value & CR0_RESERVED_HIGH) || ((value & CR0_NW) && !(value & CR0_CD)) ||
	    ((value & CR0_PG) && !(value & CR0_PE)))
		return false;

	bool paging_on = (value & CR0_PG) && !(old & CR0_PG);
	bool paging_off = !(value & CR0_PG) && (old & CR0_PG);
	bool loads_pdptes = false;
	uint64_t pdpte[4];
	/* Only a change of CR0.PG involves CR4, EFER and the PDPTEs: the common writes (TS, NE, WP) read none. */
	if (paging_on || paging_off) {
		uint64_t cr4 = vcpu_guest_cr4();
		uint64_t efer = vmcs_read64(GUEST_IA32_EFER);

		/* Paging on without EFER.LME: PAE paging when CR4.PAE (with LME, IA-32e mode needs no PDPTEs). */
		loads_pdptes = paging_on && (cr4 & CR4_PAE) && !(efer & EFER_LME);
		if (loads_pdptes && !read_pdptes(guest, vmcs_readn(GUEST_CR3), pdpte))
			return false;
		if (paging_on && (efer & EFER_LME)) {
			if (!(cr4 & CR4_PAE))
				return false;
			vmcs_write64(GUEST_IA32_EFER, efer | EFER_LMA);
			vmcs_write32(VM_ENTRY_CONTROLS, vmcs_read32(VM_ENTRY_CONTROLS) | VM_ENTRY_IA32E_MODE_GUEST);
		} else if (paging_off && (efer & EFER_LMA)) {
			/* Leaving IA-32e mode is allowed only from compatibility mode (CS.L = 0). */
			if (vmcs_read32(GUEST_CS_ACCESS_RIGHTS) & (1u << 13))
				return false;
			vmcs_write64(GUEST_IA32_EFER, efer & ~EFER_LMA);
			vmcs_write32(VM_ENTRY_CONTROLS, vmcs_read32(VM_ENTRY_CONTROLS) & ~VM_ENTRY_IA32E_MODE_GUEST);
		}
	}
	vmcs_writen(CR0_READ_SHADOW, value);
	vmcs_writen(GUEST_CR0, vcpu_real_cr0(value));
	if (loads_pdptes)
		store_pdptes(pdpte);
	return true;
}

static bool emulate_cr4_write(const struct guest *guest, uint64_t value)
{
	const struct vcpu_controls *c = vcpu_controls();
	uint64_t old = vcpu_guest_cr4();
	uint64_t cr0 = vcpu_guest_cr0();

	/* Bits the hypervisor owns that are fixed to 1 for VMX (VMXE) are 0 for the guest; bits fixed to 0 do not exist. */
	if (value & c->cr4_mask)
		return false;
	if (in_ia32e_mode() && !(value & CR4_PAE))
		return false;
	if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) && (!in_ia32e_mode() || (vmcs_readn(GUEST_CR3) & 0xFFF)))
		return false;
	bool loads_pdptes = ((value ^ old) & CR4_PDPTE_RELOAD) && pae_paging(cr0, value);
	uint64_t pdpte[4];
	if (loads_pdptes && !read_pdptes(guest, vmcs_readn(GUEST_CR3), pdpte))
		return false;
	vmcs_writen(CR4_READ_SHADOW, value);
	vmcs_writen(GUEST_CR4, vcpu_real_cr4(value));
	if (loads_pdptes)
		store_pdptes(pdpte);
	return true;
}

bool handle_cr_access(struct vcpu *vcpu)
{
	struct cr_access_qualification q = vmx_decode_cr_access(vmcs_readn(EXIT_QUALIFICATION));
	bool ok = true;

	switch (q.type) {
	case CR_ACCESS_MOV_TO_CR: {
		uint64_t value = read_gpr(vcpu, q.gpr);
		if (q.cr == 0)
			ok = emulate_cr0_write(vcpu->guest, value);
		else if (q.cr == 4)
			ok = emulate_cr4_write(vcpu->guest, value);
		else if (q.cr == 3) {
			uint64_t pdpte[4];
			bool loads_pdptes = pae_paging(vcpu_guest_cr0(), vcpu_guest_cr4());
			ok = !loads_pdptes || read_pdptes(vcpu->guest, value, pdpte);
			if (ok) {
				vmcs_writen(GUEST_CR3, value);
				if (loads_pdptes)
					store_pdptes(pdpte);
			}
		} else {
			ok = false;
		}
		break;
	}
	case CR_ACCESS_MOV_FROM_CR:
		if (q.cr == 3)
			write_gpr(vcpu, q.gpr, vmcs_readn(GUEST_CR3));
		else
			ok = false;
		break;
	case CR_ACCESS_CLTS: {
		uint64_t cr0 = vcpu_guest_cr0() & ~CR0_TS;
		vmcs_writen(CR0_READ_SHADOW, cr0);
		vmcs_writen(GUEST_CR0, vcpu_real_cr0(cr0));
		break;
	}
	case CR_ACCESS_LMSW: {
		/* LMSW loads CR0 bits 3:0 but can set PE, never clear it (SDM Vol. 2A, LMSW). */
		uint64_t cr0 = vcpu_guest_cr0();
		uint64_t value = (cr0 & ~0xEULL) | (q.lmsw_source & 0xF) | (cr0 & CR0_PE);
		ok = emulate_cr0_write(vcpu->guest, value);
		break;
	}
	}
	if (!ok) {
		vcpu_inject_gp(vcpu);
		return true;
	}
	vcpu_skip_instruction(vcpu);
	return true;
}
