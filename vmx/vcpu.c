/*
 * Setting up a vCPU's VMCS and running it.
 *
 * The control fields are computed once from what veneer needs (required)
 * and what it would like (wanted) against the capability MSRs; a required
 * control the CPU lacks ends the run with its SDM name.  Host state is the
 * running CPU's own; guest state comes from the guest's entry description.
 * Field rules cited below are from SDM Vol. 3C, "Checks on Host Control
 * Registers, MSRs, and SSP" and "Checks on the Guest State Area".
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/descriptors.h"
#include "arch/msr.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/string.h"
#include "vmx/exit_stats.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/local_apic.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_root.h"

/* Segment access rights in the VMCS format (SDM Vol. 3C, "Guest Register State"). */
#define AR_CODE64               0xA09B  /* present, DPL 0, execute/read accessed, L=1, G=1 */
#define AR_CODE32               0xC09B  /* D=1, G=1 */
#define AR_DATA32               0xC093  /* read/write accessed, D=1, G=1 */
#define AR_CODE16               0x009B
#define AR_DATA16               0x0093
#define AR_TSS_BUSY             0x008B  /* 32/64-bit busy TSS */
#define AR_LDT                  0x0082
#define AR_UNUSABLE             (1u << 16)

#define DR7_INIT                0x400ULL
#define PAT_POWER_ON            0x0007040600070406ULL

static void setup_host_state(struct vcpu *vcpu)
{
	struct percpu *cpu = this_cpu();
	struct descriptor_pointer gdtr = read_gdtr(), idtr = read_idtr();

	vmcs_writen(HOST_CR0, read_cr0());
	vmcs_writen(HOST_CR3, read_cr3());
	vmcs_writen(HOST_CR4, read_cr4());
	vmcs_write16(HOST_CS_SELECTOR, GDT_KERNEL_CODE);
	vmcs_write16(HOST_SS_SELECTOR, GDT_KERNEL_DATA);
	vmcs_write16(HOST_DS_SELECTOR, GDT_KERNEL_DATA);
	vmcs_write16(HOST_ES_SELECTOR, GDT_KERNEL_DATA);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_TSS);
	vmcs_writen(HOST_FS_BASE, 0);
	vmcs_writen(HOST_GS_BASE, (uint64_t)(uintptr_t)cpu);    /* per-CPU data, as in root operation */
	vmcs_writen(HOST_TR_BASE, (uint64_t)(uintptr_t)&cpu->descriptors->tss);
	vmcs_writen(HOST_GDTR_BASE, gdtr.base);
	vmcs_writen(HOST_IDTR_BASE, idtr.base);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_writen(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writen(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, rdmsr(IA32_EFER));
	if (vcpu_controls()->exit & VM_EXIT_LOAD_IA32_PAT)
		vmcs_write64(HOST_IA32_PAT, rdmsr(IA32_PAT));
	vmcs_writen(HOST_RSP, (uint64_t)(uintptr_t)&vcpu->host_rsp);
	vmcs_writen(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);
}

static void setup_controls(struct vcpu *vcpu)
{
	const struct vcpu_controls *c = vcpu_controls();
	struct guest *guest = vcpu->guest;

	vmcs_write32(PIN_BASED_VM_EXECUTION_CONTROLS, c->pin);
	vmcs_write32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, c->proc);
	vmcs_write32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, c->proc2);
	vmcs_write32(VM_EXIT_CONTROLS, c->exit);
	vmcs_write32(VM_ENTRY_CONTROLS, c->entry);
	vmcs_write32(EXCEPTION_BITMAP, 0);              /* the guest handles its own exceptions */
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTERRUPTION_INFORMATION, 0);
	vmcs_write64(MSR_BITMAP, (uint64_t)(uintptr_t)guest->msr_bitmap);
	vmcs_write64(IO_BITMAP_A, (uint64_t)(uintptr_t)guest->io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, (uint64_t)(uintptr_t)guest->io_bitmap_b);
	vmcs_write64(EPT_POINTER, guest->ept.eptp);
	if (c->proc2 & SECONDARY_ENABLE_VPID)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vcpu->vpid);
	if (c->proc2 & SECONDARY_ENABLE_XSAVES_XRSTORS)
		vmcs_write64(XSS_EXITING_BITMAP, 0);
	if (c->pin & PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, c->preemption_timer_value);

	/* The guest owns every CR0/CR4 bit except those VMX constrains; those it sees through the read shadows. */
	vmcs_writen(CR0_GUEST_HOST_MASK, c->cr0_mask);
	vmcs_writen(CR4_GUEST_HOST_MASK, c->cr4_mask);
}

static void set_segment(uint32_t selector_field, uint16_t selector, uint64_t base, uint32_t limit,
			uint32_t access_rights)
{
	/* The segment fields of one register are laid out alike: base, limit and rights follow the selector's index. */
	uint32_t index = selector_field - GUEST_ES_SELECTOR;

	vmcs_write(selector_field, selector);
	vmcs_write(GUEST_ES_BASE + index, base);
	vmcs_write(GUEST_ES_LIMIT + index, limit);
	vmcs_write(GUEST_ES_ACCESS_RIGHTS + index, access_rights);
}

void vcpu_load_guest_state(struct vcpu *vcpu, const struct guest_entry *e)
{
	const struct vcpu_controls *c = vcpu_controls();
	uint64_t cr0, cr4 = 0, efer = 0;
	uint32_t code_ar, data_ar, limit = 0xFFFFFFFF;
	uint64_t code_base = 0;
	uint32_t entry = c->entry & ~VM_ENTRY_IA32E_MODE_GUEST;

	switch (e->mode) {
	case GUEST_ENTRY_LONG_MODE:
		cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		cr4 = CR4_PAE;
		efer = EFER_LME | EFER_LMA;
		code_ar = AR_CODE64;
		data_ar = AR_DATA32;
		entry |= VM_ENTRY_IA32E_MODE_GUEST;
		break;
	case GUEST_ENTRY_PROTECTED_MODE:
		cr0 = CR0_PE | CR0_ET | CR0_NE;
		code_ar = AR_CODE32;
		data_ar = AR_DATA32;
		break;
	case GUEST_ENTRY_REAL_MODE:
	default:
		cr0 = CR0_ET | CR0_NE;
		code_ar = AR_CODE16;
		data_ar = AR_DATA16;
		limit = 0xFFFF;
		code_base = (uint64_t)e->real_mode_segment << 4;
		break;
	}
	vmcs_write32(VM_ENTRY_CONTROLS, entry);

	vmcs_writen(CR0_READ_SHADOW, cr0);
	vmcs_writen(GUEST_CR0, vcpu_real_cr0(cr0));
	vmcs_writen(CR4_READ_SHADOW, cr4);
	vmcs_writen(GUEST_CR4, vcpu_real_cr4(cr4));
	vmcs_writen(GUEST_CR3, e->cr3);
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (c->entry & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, PAT_POWER_ON);

	if (e->mode == GUEST_ENTRY_REAL_MODE) {
		set_segment(GUEST_CS_SELECTOR, e->real_mode_segment, code_base, limit, code_ar);
		uint16_t data = e->real_mode_data_segment;
		uint64_t data_base = (uint64_t)data << 4;
		set_segment(GUEST_SS_SELECTOR, data, data_base, limit, data_ar);
		set_segment(GUEST_DS_SELECTOR, data, data_base, limit, data_ar);
		set_segment(GUEST_ES_SELECTOR, data, data_base, limit, data_ar);
		set_segment(GUEST_FS_SELECTOR, data, data_base, limit, data_ar);
		set_segment(GUEST_GS_SELECTOR, data, data_base, limit, data_ar);
	} else {
		set_segment(GUEST_CS_SELECTOR, e->code_selector, 0, limit, code_ar);
		set_segment(GUEST_SS_SELECTOR, e->data_selector, 0, limit, data_ar);
		set_segment(GUEST_DS_SELECTOR, e->data_selector, 0, limit, data_ar);
		set_segment(GUEST_ES_SELECTOR, e->data_selector, 0, limit, data_ar);
		set_segment(GUEST_FS_SELECTOR, e->data_selector, 0, limit, data_ar);
		set_segment(GUEST_GS_SELECTOR, e->data_selector, 0, limit, data_ar);
	}
	/* TR must be a usable busy TSS and LDTR may be unusable (checks on guest segment registers). */
	set_segment(GUEST_TR_SELECTOR, 0, 0, 0xFF, AR_TSS_BUSY);
	set_segment(GUEST_LDTR_SELECTOR, 0, 0, 0xFFFF, AR_LDT | AR_UNUSABLE);
	vmcs_writen(GUEST_GDTR_BASE, e->gdt_base);
	vmcs_write32(GUEST_GDTR_LIMIT, e->gdt_limit);
	vmcs_writen(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, e->mode == GUEST_ENTRY_REAL_MODE ? 0x3FF : 0);

	vmcs_writen(GUEST_RIP, e->rip);
	vmcs_writen(GUEST_RSP, e->rsp);
	vmcs_writen(GUEST_RFLAGS, RFLAGS_RESERVED_1);   /* interrupts off */
	vmcs_writen(GUEST_DR7, DR7_INIT);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_IA32_SYSENTER_CS, 0);
	vmcs_writen(GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_writen(GUEST_IA32_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, e->activity_state);
	vmcs_writen(GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);        /* no shadow VMCS */

	vcpu->regs = e->regs;
}

static void report_entry_instruction_failure(struct vcpu *vcpu, int how)
{
	/* No exit yet: it was the first entry. */
	const char *instruction = vcpu_exits_total(vcpu) ? "VMRESUME" : "VMLAUNCH";

	if (how == VMX_RUN_FAIL_INVALID) {
		pr_error("vmx: %s failed with VMfailInvalid: no valid current VMCS", instruction);
	} else {
		unsigned error = vmx_read_instruction_error();
		pr_error("vmx: %s failed: VM-instruction error %u (%s)", instruction, error,
			 vmx_instruction_error_name(error));
	}
	vcpu_dump(vcpu);
}

enum guest_end vcpu_run(struct vcpu *vcpu)
{
	char why[160];

	vcpu->cpu_id = this_cpu()->cpu_id;
	vcpu->vpid = (uint16_t)(vcpu->cpu_id + 1);      /* 0 is the host's */
	vcpu->state = VCPU_RUNNING;
	vcpu->end = GUEST_END_NONE;
	vcpu->launched = false;
	vcpu->pending_init = false;
	vcpu->nmi_pending = false;     /* an INIT drops a held NMI, as it resets a CPU */
	if (!vcpu->vmcs)
		vcpu->vmcs = vmcs_alloc();
	if (!vmcs_bind(vcpu->vmcs))
		return GUEST_END_ENTRY_FAILURE;
	this_cpu()->vcpu = vcpu;

	setup_controls(vcpu);
	setup_host_state(vcpu);
	vcpu_load_guest_state(vcpu, &vcpu->entry);
	guest_apic_vcpu_start(vcpu);
	if (vcpu_controls()->proc2 & SECONDARY_ENABLE_VPID) {
		struct vmx_result r = invvpid(INVVPID_SINGLE_CONTEXT, vcpu->vpid, 0);
		if (!vmx_succeeded(r) && vmx_has_invvpid_all(vmx_caps()))
			r = invvpid(INVVPID_ALL_CONTEXT, 0, 0);
		if (!vmx_succeeded(r))
			pr_warn("vmx: INVVPID failed: %s", vmx_result_describe(r, why, sizeof(why)));
	}
	ept_invalidate_context(vcpu->guest->ept.eptp);

	if (vcpu->entry.activity_state == GUEST_ACTIVITY_WAIT_FOR_SIPI)
		pr_info("vcpu: CPU %u waits in the guest for a SIPI (wait-for-SIPI activity state)", vcpu->cpu_id);
	else if (vcpu->entry.mode == GUEST_ENTRY_REAL_MODE)
		pr_info("vcpu: CPU %u starts the guest at %04x:%04llx in real mode", vcpu->cpu_id,
			vcpu->entry.real_mode_segment, (unsigned long long)vcpu->entry.rip);
	else
		pr_info("vcpu: CPU %u starts the guest at rip %#llx in %s", vcpu->cpu_id,
			(unsigned long long)vcpu->entry.rip,
			vcpu->entry.mode == GUEST_ENTRY_LONG_MODE ? "64-bit mode" : "32-bit protected mode");

	int how = vmx_launch(vcpu);
	if (how != VMX_RUN_STOPPED) {
		report_entry_instruction_failure(vcpu, how);
		vcpu->state = VCPU_STOPPED;
		vcpu->end = GUEST_END_ENTRY_FAILURE;
	}
	exit_stats_print(vcpu);
	vmcs_unbind(vcpu->vmcs);
	/* The guest may have left the APIC unable to take veneer's IPIs (software disabled, TPR raised). */
	apic_reclaim_this_cpu();
	this_cpu()->vcpu = NULL;
	return vcpu->end;
}
