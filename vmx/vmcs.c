#include "kernel/page_alloc.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_root.h"

const char *vmcs_field_name(uint32_t encoding)
{
	switch (encoding) {
#define VMCS_FIELD_CASE(name, value) case value: return #name;
	VMCS_FIELDS(VMCS_FIELD_CASE)
#undef VMCS_FIELD_CASE
	}
	return "unknown VMCS field";
}

/*
 * The inline accessors only know that the flags said failure.  If a
 * current VMCS exists, its VM-instruction error field says why
 * (VMfailValid); if even that cannot be read, there is none (VMfailInvalid).
 */
static void __attribute__((noreturn)) vmcs_access_failed(const char *what, uint32_t field)
{
	uint64_t error;
	struct vmx_result r = vmread(VM_INSTRUCTION_ERROR, &error);

	if (vmx_succeeded(r))
		panic("%s of %s (%#x) failed: VMfailValid: VM-instruction error %llu (%s)", what,
		      vmcs_field_name(field), field, (unsigned long long)error,
		      vmx_instruction_error_name((unsigned)error));
	panic("%s of %s (%#x) failed: VMfailInvalid: no current VMCS", what, vmcs_field_name(field), field);
}

void vmcs_read_failed(uint32_t field)
{
	vmcs_access_failed("VMREAD", field);
}

void vmcs_write_failed(uint32_t field)
{
	vmcs_access_failed("VMWRITE", field);
}

void *vmcs_alloc(void)
{
	uint32_t *vmcs = alloc_pages(1);

	vmcs[0] = vmx_caps()->revision_id;      /* bit 31 clear: an ordinary VMCS, not a shadow */
	return vmcs;
}

bool vmcs_bind(void *vmcs)
{
	char why[160];
	uint64_t phys = (uint64_t)(uintptr_t)vmcs;
	struct vmx_result r = vmclear(phys);

	if (!vmx_succeeded(r)) {
		pr_error("vmx: VMCLEAR of the VMCS at %#llx failed: %s", (unsigned long long)phys,
			 vmx_result_describe(r, why, sizeof(why)));
		return false;
	}
	r = vmptrld(phys);
	if (!vmx_succeeded(r)) {
		pr_error("vmx: VMPTRLD of the VMCS at %#llx failed: %s", (unsigned long long)phys,
			 vmx_result_describe(r, why, sizeof(why)));
		return false;
	}
	return true;
}

bool vmcs_unbind(void *vmcs)
{
	char why[160];
	struct vmx_result r = vmclear((uint64_t)(uintptr_t)vmcs);

	if (!vmx_succeeded(r)) {
		pr_error("vmx: VMCLEAR failed: %s", vmx_result_describe(r, why, sizeof(why)));
		return false;
	}
	return true;
}
