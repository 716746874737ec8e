/*
 * Decoding the VMX capability MSRs, computing control values from them,
 * and the words for messages.  Pure: the host unit tests compile it too.
 */
#include <stdarg.h>

#include "arch/cpu.h"
#include "kernel/format.h"
#include "vmx/vmx_capabilities.h"

static struct vmx_control_caps split_control_msr(uint64_t msr)
{
	return (struct vmx_control_caps){
		.allowed0 = (uint32_t)msr,              /* bits 31:0: a 1 here means "must be 1" */
		.allowed1 = (uint32_t)(msr >> 32),      /* bits 63:32: a 0 here means "must be 0" */
	};
}

void vmx_capabilities_decode(const struct vmx_msr_values *m, struct vmx_capabilities *caps)
{
	uint64_t basic = m->basic;

	*caps = (struct vmx_capabilities){ 0 };

	caps->revision_id = (uint32_t)(basic & VMX_BASIC_REVISION_ID_MASK);
	caps->region_size = (uint32_t)((basic >> VMX_BASIC_REGION_SIZE_SHIFT) & VMX_BASIC_REGION_SIZE_MASK);
	caps->memory_type = (uint8_t)((basic >> VMX_BASIC_MEMORY_TYPE_SHIFT) & VMX_BASIC_MEMORY_TYPE_MASK);
	caps->phys_addr_32bit = basic & VMX_BASIC_PHYS_ADDR_32BIT;
	caps->dual_monitor = basic & VMX_BASIC_DUAL_MONITOR;
	caps->ins_outs_info = basic & VMX_BASIC_INS_OUTS_INFO;
	caps->true_controls = basic & VMX_BASIC_TRUE_CONTROLS;
	caps->no_error_code_check = basic & VMX_BASIC_NO_ERROR_CODE_CHECK;

	/*
	 * With bit 55 set, the TRUE_* MSRs are the whole truth: they report
	 * the same allowed-1 settings and may let some "default1" controls be
	 * 0 (A.2 "Reserved Controls and Default Settings").
	 */
	if (caps->true_controls) {
		caps->pin = split_control_msr(m->true_pinbased);
		caps->proc = split_control_msr(m->true_procbased);
		caps->exit = split_control_msr(m->true_exit);
		caps->entry = split_control_msr(m->true_entry);
	} else {
		caps->pin = split_control_msr(m->pinbased);
		caps->proc = split_control_msr(m->procbased);
		caps->exit = split_control_msr(m->exit);
		caps->entry = split_control_msr(m->entry);
	}

	/* IA32_VMX_PROCBASED_CTLS2 exists only if "activate secondary controls" may be 1 (A.3.3). */
	if (m->has_procbased2 && vmx_control_allowed(&caps->proc, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		caps->proc2 = split_control_msr(m->procbased2);

	/* IA32_VMX_EPT_VPID_CAP exists only if "enable EPT" or "enable VPID" may be 1 (A.10). */
	if (m->has_ept_vpid_cap && (caps->proc2.allowed1 & (SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID)))
		caps->ept_vpid_cap = m->ept_vpid_cap;

	/* IA32_VMX_VMFUNC exists only if "enable VM functions" may be 1 (A.11). */
	if (m->has_vmfunc && vmx_control_allowed(&caps->proc2, SECONDARY_ENABLE_VM_FUNCTIONS))
		caps->vmfunc = m->vmfunc;

	caps->misc = m->misc;
	caps->cr0_fixed0 = m->cr0_fixed0;
	caps->cr0_fixed1 = m->cr0_fixed1;
	caps->cr4_fixed0 = m->cr4_fixed0;
	caps->cr4_fixed1 = m->cr4_fixed1;
	caps->vmcs_max_index = (uint32_t)((m->vmcs_enum >> VMX_VMCS_ENUM_MAX_INDEX_SHIFT) &
					  VMX_VMCS_ENUM_MAX_INDEX_MASK);
}

/*
 * Name tables, indexed by bit number.  BIT_POSITION turns a one-bit mask
 * into its bit number as a constant expression, so each table entry is
 * derived from the definition in vmx_controls.h or arch/cpu.h instead of
 * repeating the number (-Woverride-init catches two names for one bit).
 */
#define BIT_POSITION(mask)                                                      \
	((((mask) & 0xAAAAAAAAAAAAAAAAULL) ? 1 : 0) |                           \
	 (((mask) & 0xCCCCCCCCCCCCCCCCULL) ? 2 : 0) |                           \
	 (((mask) & 0xF0F0F0F0F0F0F0F0ULL) ? 4 : 0) |                           \
	 (((mask) & 0xFF00FF00FF00FF00ULL) ? 8 : 0) |                           \
	 (((mask) & 0xFFFF0000FFFF0000ULL) ? 16 : 0) |                          \
	 (((mask) & 0xFFFFFFFF00000000ULL) ? 32 : 0))
#define NAME(prefix, name) [BIT_POSITION(prefix##name)] = #name

static const char *const pin_names[32] = {
	NAME(PIN_BASED_, EXTERNAL_INTERRUPT_EXITING),
	NAME(PIN_BASED_, NMI_EXITING),
	NAME(PIN_BASED_, VIRTUAL_NMIS),
	NAME(PIN_BASED_, ACTIVATE_VMX_PREEMPTION_TIMER),
	NAME(PIN_BASED_, PROCESS_POSTED_INTERRUPTS),
};

static const char *const proc_names[32] = {
	NAME(CPU_BASED_, INTERRUPT_WINDOW_EXITING),
	NAME(CPU_BASED_, USE_TSC_OFFSETTING),
	NAME(CPU_BASED_, HLT_EXITING),
	NAME(CPU_BASED_, INVLPG_EXITING),
	NAME(CPU_BASED_, MWAIT_EXITING),
	NAME(CPU_BASED_, RDPMC_EXITING),
	NAME(CPU_BASED_, RDTSC_EXITING),
	NAME(CPU_BASED_, CR3_LOAD_EXITING),
	NAME(CPU_BASED_, CR3_STORE_EXITING),
	NAME(CPU_BASED_, ACTIVATE_TERTIARY_CONTROLS),
	NAME(CPU_BASED_, CR8_LOAD_EXITING),
	NAME(CPU_BASED_, CR8_STORE_EXITING),
	NAME(CPU_BASED_, USE_TPR_SHADOW),
	NAME(CPU_BASED_, NMI_WINDOW_EXITING),
	NAME(CPU_BASED_, MOV_DR_EXITING),
	NAME(CPU_BASED_, UNCONDITIONAL_IO_EXITING),
	NAME(CPU_BASED_, USE_IO_BITMAPS),
	NAME(CPU_BASED_, MONITOR_TRAP_FLAG),
	NAME(CPU_BASED_, USE_MSR_BITMAPS),
	NAME(CPU_BASED_, MONITOR_EXITING),
	NAME(CPU_BASED_, PAUSE_EXITING),
	NAME(CPU_BASED_, ACTIVATE_SECONDARY_CONTROLS),
};

static const char *const proc2_names[32] = {
	NAME(SECONDARY_, VIRTUALIZE_APIC_ACCESSES),
	NAME(SECONDARY_, ENABLE_EPT),
	NAME(SECONDARY_, DESCRIPTOR_TABLE_EXITING),
	NAME(SECONDARY_, ENABLE_RDTSCP),
	NAME(SECONDARY_, VIRTUALIZE_X2APIC_MODE),
	NAME(SECONDARY_, ENABLE_VPID),
	NAME(SECONDARY_, WBINVD_EXITING),
	NAME(SECONDARY_, UNRESTRICTED_GUEST),
	NAME(SECONDARY_, APIC_REGISTER_VIRTUALIZATION),
	NAME(SECONDARY_, VIRTUAL_INTERRUPT_DELIVERY),
	NAME(SECONDARY_, PAUSE_LOOP_EXITING),
	NAME(SECONDARY_, RDRAND_EXITING),
	NAME(SECONDARY_, ENABLE_INVPCID),
	NAME(SECONDARY_, ENABLE_VM_FUNCTIONS),
	NAME(SECONDARY_, VMCS_SHADOWING),
	NAME(SECONDARY_, ENCLS_EXITING),
	NAME(SECONDARY_, RDSEED_EXITING),
	NAME(SECONDARY_, ENABLE_PML),
	NAME(SECONDARY_, EPT_VIOLATION_VE),
	NAME(SECONDARY_, CONCEAL_VMX_FROM_PT),
	NAME(SECONDARY_, ENABLE_XSAVES_XRSTORS),
	NAME(SECONDARY_, PASID_TRANSLATION),
	NAME(SECONDARY_, MODE_BASED_EPT_EXECUTE),
	NAME(SECONDARY_, SUBPAGE_WRITE_PERMISSIONS),
	NAME(SECONDARY_, PT_USES_GUEST_PHYSICAL),
	NAME(SECONDARY_, USE_TSC_SCALING),
	NAME(SECONDARY_, ENABLE_USER_WAIT_PAUSE),
	NAME(SECONDARY_, ENABLE_PCONFIG),
	NAME(SECONDARY_, ENABLE_ENCLV_EXITING),
	NAME(SECONDARY_, VMM_BUS_LOCK_DETECTION),
	NAME(SECONDARY_, INSTRUCTION_TIMEOUT),
};

static const char *const exit_names[32] = {
	NAME(VM_EXIT_, SAVE_DEBUG_CONTROLS),
	NAME(VM_EXIT_, HOST_ADDRESS_SPACE_SIZE),
	NAME(VM_EXIT_, LOAD_IA32_PERF_GLOBAL_CTRL),
	NAME(VM_EXIT_, ACKNOWLEDGE_INTERRUPT_ON_EXIT),
	NAME(VM_EXIT_, SAVE_IA32_PAT),
	NAME(VM_EXIT_, LOAD_IA32_PAT),
	NAME(VM_EXIT_, SAVE_IA32_EFER),
	NAME(VM_EXIT_, LOAD_IA32_EFER),
	NAME(VM_EXIT_, SAVE_VMX_PREEMPTION_TIMER),
	NAME(VM_EXIT_, CLEAR_IA32_BNDCFGS),
	NAME(VM_EXIT_, CONCEAL_VMX_FROM_PT),
	NAME(VM_EXIT_, CLEAR_IA32_RTIT_CTL),
	NAME(VM_EXIT_, CLEAR_IA32_LBR_CTL),
	NAME(VM_EXIT_, CLEAR_UINV),
	NAME(VM_EXIT_, LOAD_CET_STATE),
	NAME(VM_EXIT_, LOAD_PKRS),
	NAME(VM_EXIT_, SAVE_IA32_PERF_GLOBAL_CTL),
	NAME(VM_EXIT_, ACTIVATE_SECONDARY_CONTROLS),
};

static const char *const entry_names[32] = {
	NAME(VM_ENTRY_, LOAD_DEBUG_CONTROLS),
	NAME(VM_ENTRY_, IA32E_MODE_GUEST),
	NAME(VM_ENTRY_, ENTRY_TO_SMM),
	NAME(VM_ENTRY_, DEACTIVATE_DUAL_MONITOR),
	NAME(VM_ENTRY_, LOAD_IA32_PERF_GLOBAL_CTRL),
	NAME(VM_ENTRY_, LOAD_IA32_PAT),
	NAME(VM_ENTRY_, LOAD_IA32_EFER),
	NAME(VM_ENTRY_, LOAD_IA32_BNDCFGS),
	NAME(VM_ENTRY_, CONCEAL_VMX_FROM_PT),
	NAME(VM_ENTRY_, LOAD_IA32_RTIT_CTL),
	NAME(VM_ENTRY_, LOAD_UINV),
	NAME(VM_ENTRY_, LOAD_CET_STATE),
	NAME(VM_ENTRY_, LOAD_IA32_LBR_CTL),
	NAME(VM_ENTRY_, LOAD_PKRS),
	NAME(VM_ENTRY_, LOAD_IA32_FRED),
};

static const char *const cr0_names[64] = {
	NAME(CR0_, PE), NAME(CR0_, MP), NAME(CR0_, EM), NAME(CR0_, TS), NAME(CR0_, ET),
	NAME(CR0_, NE), NAME(CR0_, WP), NAME(CR0_, AM), NAME(CR0_, NW), NAME(CR0_, CD),
	NAME(CR0_, PG),
};

static const char *const cr4_names[64] = {
	NAME(CR4_, VME), NAME(CR4_, PVI), NAME(CR4_, TSD), NAME(CR4_, DE), NAME(CR4_, PSE),
	NAME(CR4_, PAE), NAME(CR4_, MCE), NAME(CR4_, PGE), NAME(CR4_, PCE), NAME(CR4_, OSFXSR),
	NAME(CR4_, OSXMMEXCPT), NAME(CR4_, UMIP), NAME(CR4_, LA57), NAME(CR4_, VMXE),
	NAME(CR4_, SMXE), NAME(CR4_, FSGSBASE), NAME(CR4_, PCIDE), NAME(CR4_, OSXSAVE),
	NAME(CR4_, SMEP), NAME(CR4_, SMAP), NAME(CR4_, PKE),
};

#undef NAME

static const struct vmx_control_caps no_controls;

const struct vmx_control_caps *vmx_control_caps(const struct vmx_capabilities *caps,
						enum vmx_control_kind kind)
{
	switch (kind) {
	case VMX_CONTROLS_PIN:          return &caps->pin;
	case VMX_CONTROLS_PROC:         return &caps->proc;
	case VMX_CONTROLS_PROC2:        return &caps->proc2;
	case VMX_CONTROLS_EXIT:         return &caps->exit;
	case VMX_CONTROLS_ENTRY:        return &caps->entry;
	}
	return &no_controls;
}

const char *vmx_control_kind_name(enum vmx_control_kind kind)
{
	switch (kind) {
	case VMX_CONTROLS_PIN:          return "pin-based";
	case VMX_CONTROLS_PROC:         return "primary processor-based";
	case VMX_CONTROLS_PROC2:        return "secondary processor-based";
	case VMX_CONTROLS_EXIT:         return "VM-exit";
	case VMX_CONTROLS_ENTRY:        return "VM-entry";
	}
	return "unknown";
}

const char *vmx_control_bit_name(enum vmx_control_kind kind, unsigned bit)
{
	const char *const *table;

	switch (kind) {
	case VMX_CONTROLS_PIN:          table = pin_names; break;
	case VMX_CONTROLS_PROC:         table = proc_names; break;
	case VMX_CONTROLS_PROC2:        table = proc2_names; break;
	case VMX_CONTROLS_EXIT:         table = exit_names; break;
	case VMX_CONTROLS_ENTRY:        table = entry_names; break;
	default:                        return NULL;
	}
	return bit < 32 ? table[bit] : NULL;
}

static unsigned lowest_bit(uint64_t bits)
{
	return (unsigned)__builtin_ctzll(bits);
}

/* Not __builtin_popcount: without -mpopcnt it calls libgcc, which the kernel does not link. */
static unsigned count_bits(uint64_t bits)
{
	unsigned n = 0;

	for (; bits; bits &= bits - 1)
		n++;
	return n;
}

bool vmx_adjust_controls(const struct vmx_capabilities *caps, enum vmx_control_kind kind,
			 uint32_t required, uint32_t wanted, uint32_t *out,
			 struct vmx_adjust_error *err)
{
	const struct vmx_control_caps *c = vmx_control_caps(caps, kind);
	uint32_t missing = required & ~c->allowed1;
	uint32_t contradictory = c->allowed0 & ~c->allowed1;

	if (missing) {
		if (err) {
			unsigned bit = lowest_bit(missing);
			const char *name = vmx_control_bit_name(kind, bit);
			int n;

			err->kind = kind;
			err->missing = missing;
			if (name)
				n = format(err->message, sizeof(err->message),
					   "CPU cannot set required %s control %s (bit %u)",
					   vmx_control_kind_name(kind), name, bit);
			else
				n = format(err->message, sizeof(err->message),
					   "CPU cannot set required %s control bit %u",
					   vmx_control_kind_name(kind), bit);
			if (count_bits(missing) > 1 && (size_t)n < sizeof(err->message))
				format(err->message + n, sizeof(err->message) - (size_t)n,
				       ", nor %u more (missing mask %#x)", count_bits(missing) - 1, missing);
		}
		return false;
	}

	/* Cannot happen on real hardware; a (nested) hypervisor could report it. */
	if (contradictory) {
		if (err) {
			err->kind = kind;
			err->missing = 0;
			format(err->message, sizeof(err->message),
			       "%s capability MSR says control bit %u must be both 1 and 0",
			       vmx_control_kind_name(kind), lowest_bit(contradictory));
		}
		return false;
	}

	*out = ((required | wanted) & c->allowed1) | c->allowed0;
	return true;
}

static void text_add_cr_bits(struct text_buffer *t, unsigned cr, uint64_t bits)
{
	const char *const *names = cr == 0 ? cr0_names : cr == 4 ? cr4_names : NULL;
	const char *separator = "";

	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(bits & (1ULL << bit)))
			continue;
		if (names && names[bit])
			text_append(t, "%sCR%u.%s", separator, cr, names[bit]);
		else
			text_append(t, "%sCR%u bit %u", separator, cr, bit);
		separator = " ";
	}
}

size_t vmx_cr_describe_invalid(unsigned cr, uint64_t value, uint64_t fixed0, uint64_t fixed1,
			       char *buf, size_t len)
{
	struct text_buffer t = { .buf = buf, .size = len, .len = 0 };
	uint64_t must_set = fixed0 & ~value;
	uint64_t must_clear = value & ~fixed1;

	if (len > 0)
		buf[0] = '\0';
	if (must_set) {
		text_add_cr_bits(&t, cr, must_set);
		text_append(&t, " must be 1");
	}
	if (must_clear) {
		if (must_set)
			text_append(&t, "; ");
		text_add_cr_bits(&t, cr, must_clear);
		text_append(&t, " must be 0");
	}
	return t.len;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *memory_type_name(uint8_t type)
{
	switch (type) {
	case VMX_MEMORY_TYPE_UC:        return "UC";
	case VMX_MEMORY_TYPE_WB:        return "WB";
	}
	return "reserved";
}

size_t vmx_capabilities_summary(const struct vmx_capabilities *caps, char *buf, size_t len)
{
	struct text_buffer t = { .buf = buf, .size = len, .len = 0 };

	if (len > 0)
		buf[0] = '\0';

	text_append(&t, "VMX revision %#x, region %u bytes, memory type %s (%u)%s, TRUE controls %s\n",
		 caps->revision_id, caps->region_size, memory_type_name(caps->memory_type),
		 caps->memory_type, caps->phys_addr_32bit ? ", addresses below 4 GiB" : "",
		 yes_no(caps->true_controls));

	if (vmx_has_ept(caps)) {
		text_append(&t, "EPT yes (%s%s%s%s%s, INVEPT",
			 vmx_has_ept_4level(caps) ? "4-level" : "no 4-level walk",
			 vmx_has_ept_2mb_pages(caps) ? ", 2M pages" : "",
			 vmx_has_ept_1gb_pages(caps) ? ", 1G pages" : "",
			 vmx_has_ept_ad_bits(caps) ? ", A/D" : "",
			 vmx_has_ept_wb(caps) ? ", WB" : ", no WB");
		if (!vmx_has_invept_single(caps) && !vmx_has_invept_all(caps))
			text_append(&t, " none");
		text_append(&t, "%s%s)\n", vmx_has_invept_single(caps) ? " single" : "",
			 vmx_has_invept_all(caps) ? " all" : "");
	} else {
		text_append(&t, "EPT no\n");
	}
	if (vmx_has_vpid(caps)) {
		text_append(&t, "VPID yes (INVVPID");
		if (!vmx_has_invvpid_address(caps) && !vmx_has_invvpid_single(caps) &&
		    !vmx_has_invvpid_all(caps))
			text_append(&t, " none");
		text_append(&t, "%s%s%s), ", vmx_has_invvpid_address(caps) ? " address" : "",
			 vmx_has_invvpid_single(caps) ? " single" : "", vmx_has_invvpid_all(caps) ? " all" : "");
	} else {
		text_append(&t, "VPID no, ");
	}
	text_append(&t, "unrestricted guest %s\n", yes_no(vmx_has_unrestricted_guest(caps)));

	if (vmx_has_preemption_timer(caps))
		text_append(&t, "preemption timer yes (TSC/%llu), ", 1ULL << vmx_preemption_timer_rate(caps));
	else
		text_append(&t, "preemption timer no, ");
	text_append(&t, "HLT activity %s, wait-for-SIPI %s, CR3 targets %u\n",
		 yes_no(vmx_has_hlt_activity(caps)), yes_no(vmx_has_wait_for_sipi_activity(caps)),
		 vmx_misc_cr3_target_count(caps));

	text_append(&t, "MSR bitmaps %s, I/O bitmaps %s, XSAVES %s, INVPCID %s, RDTSCP %s\n",
		 yes_no(vmx_has_msr_bitmaps(caps)), yes_no(vmx_has_io_bitmaps(caps)),
		 yes_no(vmx_has_xsaves(caps)), yes_no(vmx_has_invpcid(caps)), yes_no(vmx_has_rdtscp(caps)));

	text_append(&t, "VMCS shadowing %s, VMFUNC %s%s\n", yes_no(vmx_has_vmcs_shadowing(caps)),
		 yes_no(vmx_has_vmfunc(caps)), vmx_has_eptp_switching(caps) ? " (EPTP switching)" : "");
	return t.len;
}
