/*
 * The hypercall interface (vmx/guest/hypercall_abi.h): VMCALL from the guest's
 * kernel with a function number in RAX.  Arguments are checked like any
 * other guest input: a buffer must be guest memory the guest may read
 * (vmx/guest/memory.h: through its EPT, never veneer's), a length within
 * bounds, and the caller must be at CPL 0.
 */
#include "kernel/log.h"
#include "kernel/string.h"
#include "vmx/exit_handlers.h"
#include "vmx/exit_stats.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/hypercall_abi.h"
#include "vmx/guest/memory.h"
#include "vmx/vcpu.h"

static long hypercall_print(struct vcpu *vcpu, uint64_t gpa, uint64_t length)
{
	char text[VENEER_HC_PRINT_MAX + 1];

	if (length > VENEER_HC_PRINT_MAX)
		return VENEER_HC_EINVAL;
	enum guest_memory_status status = guest_memory_read(vcpu->guest, gpa, text, length);
	if (status != GUEST_MEMORY_OK) {
		pr_warn("guest: print hypercall refused: buffer at %#llx is %s", (unsigned long long)gpa,
			guest_memory_status_name(status));
		return VENEER_HC_EINVAL;
	}
	while (length && (text[length - 1] == '\n' || text[length - 1] == '\r'))
		length--;
	for (uint64_t i = 0; i < length; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7E)
			text[i] = '?';         /* the guest cannot drive our consoles with control characters */
	text[length] = '\0';
	pr_info("guest: %s", text);
	return 0;
}

bool handle_vmcall(struct vcpu *vcpu)
{
	struct general_registers *r = &vcpu->regs;
	long result;

	vcpu_skip_instruction(vcpu);
	if (vcpu_cpl() != 0) {
		r->rax = (uint64_t)VENEER_HC_EPERM;
		return true;
	}
	switch (r->rax) {
	case VENEER_HC_VERSION:
		result = VENEER_HC_VERSION_VALUE;
		break;
	case VENEER_HC_PRINT:
		result = hypercall_print(vcpu, r->rbx, r->rcx);
		break;
	case VENEER_HC_EXIT_COUNT:
		result = r->rbx < EXIT_REASON_COUNT ? (long)vcpu->exit_count[r->rbx] : VENEER_HC_EINVAL;
		break;
	case VENEER_HC_EXIT_TOTAL:
		result = (long)vcpu_exits_total(vcpu);
		break;
	case VENEER_HC_SHUTDOWN:
		pr_info("guest: requests shutdown with code %llu", (unsigned long long)r->rbx);
		vcpu->end_code = r->rbx;
		vcpu->end = GUEST_END_SHUTDOWN_REQUEST;
		vcpu->state = VCPU_STOPPED;
		return false;
	default:
		result = VENEER_HC_ENOSYS;
		break;
	}
	r->rax = (uint64_t)result;
	return true;
}
