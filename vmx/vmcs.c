#include "kernel/page_alloc.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "vmx/vmcs.h"
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

static void __attribute__((noreturn, noinline)) vmcs_access_failed(const char *what, uint32_t field,
								    struct vmx_result r)
{
	char why[160];

	panic("%s of %s (%#x) failed: %s", what, vmcs_field_name(field), field,
	      vmx_result_describe(r, why, sizeof(why)));
}

uint64_t vmcs_read(uint32_t field)
{
	uint64_t value;
	struct vmx_result r = vmread(field, &value);

	if (__builtin_expect(!vmx_succeeded(r), 0))
		vmcs_access_failed("VMREAD", field, r);
	return value;
}

void vmcs_write(uint32_t field, uint64_t value)
{
	struct vmx_result r = vmwrite(field, value);

	if (__builtin_expect(!vmx_succeeded(r), 0))
		vmcs_access_failed("VMWRITE", field, r);
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
