/* HLT, XSETBV, INVD/WBINVD, undefined instructions and the preemption timer. */
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/exceptions.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "vmx/exit_handlers.h"
#include "vmx/guest/bios_memory.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/guest/smp.h"
#include "vmx/interruption.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_root.h"
#include "vmx/xcr0.h"


bool handle_hlt(struct vcpu *vcpu)
{
	vcpu_skip_instruction(vcpu);
	if (!(vmcs_readn(GUEST_RFLAGS) & RFLAGS_IF)) {
		/* Nothing but an NMI could wake it; that is how an operating system halts a CPU for good. */
		pr_info("vcpu: guest on CPU %u halted with interrupts disabled", vcpu->cpu_id);
		vcpu->state = VCPU_STOPPED;
		vcpu->end = GUEST_END_HALTED;
		return false;
	}
	/* Wait for the next interrupt inside the guest, without spinning here (SDM Vol. 3C, "Guest Non-Register State"). */
	if (vmx_has_hlt_activity(vmx_caps()))
		vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	return true;
}

bool handle_xsetbv(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;
	uint64_t value = regs_edx_eax(r);
	const char *why;

	/* #UD for CR4.OSXSAVE = 0 comes before the exit; what is left: CPL, ECX, the value (SDM Vol. 2C, XSETBV). */
	if (vcpu_cpl() != 0 || regs_ecx(r) != 0) {
		vcpu_inject_gp(vcpu);
		return true;
	}
	struct cpuid_result leaf_d = cpuid(0xD, 0);
	uint64_t supported = ((uint64_t)leaf_d.edx << 32) | leaf_d.eax;
	if (!xcr0_valid(value, supported, &why)) {
		pr_debug("vcpu: guest XSETBV %#llx refused: %s", (unsigned long long)value, why);
		vcpu_inject_gp(vcpu);
		return true;
	}
	/* The host never uses extended state, so the guest's XCR0 can simply stay loaded. */
	asm volatile("xsetbv" : : "c"(0), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
	vcpu_skip_instruction(vcpu);
	return true;
}

bool handle_invd(struct vcpu *vcpu)
{
	/* INVD would throw away dirty lines of the hypervisor's own memory too: write back instead. */
	asm volatile("wbinvd" : : : "memory");
	vcpu_skip_instruction(vcpu);
	return true;
}

bool handle_wbinvd(struct vcpu *vcpu)
{
	asm volatile("wbinvd" : : : "memory");
	vcpu_skip_instruction(vcpu);
	return true;
}

bool handle_undefined_instruction(struct vcpu *vcpu)
{
	vcpu_inject_ud(vcpu);
	return true;
}

bool handle_preemption_timer(struct vcpu *vcpu)
{
	vcpu_reinject_interrupted_event(vcpu);
	/* The timer guarantees an exit every few milliseconds: the moment to notice an INIT or the end of the run. */
	if (!guest_take_pending_init(vcpu))
		return false;
	return !vcpu_leave_for_shutdown(vcpu);
}

/*
 * The exception bitmap is empty but while veneer steps one instruction of
 * the watched BIOS page: then it holds #DB, for the single-step trap
 * (vmx/guest/bios_memory.h).  NMIs do not exit (no "NMI exiting").
 */
bool handle_exception(struct vcpu *vcpu)
{
	uint32_t raw = vmcs_read32(VM_EXIT_INTERRUPTION_INFORMATION);
	struct vmx_interruption_info info = vmx_decode_interruption_info(raw);

	if (info.vector == VECTOR_DB && info.type == VMX_INTR_HARDWARE_EXCEPTION &&
	    guest_bios_memory_step_done(vcpu, vmcs_readn(EXIT_QUALIFICATION)))
		return true;
	pr_error("vcpu: exception exit on CPU %u (vector %u, %s) that veneer did not ask for", vcpu->cpu_id,
		 info.vector, vmx_interruption_type_name(info.type));
	vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "an exit veneer did not ask for");
	return false;
}
