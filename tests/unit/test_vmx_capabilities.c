/* The VMX capability decoder, control adjustment, fixed CR bits, error names and VMCS encodings. */
// unit-test-source: vmx/vmx_capabilities.c
// unit-test-source: vmx/vmx_errors.c
// unit-test-source: kernel/format.c
#include "arch/cpu.h"
#include "unit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_status.h"

/*
 * Capability MSRs of the kind a Skylake desktop part (Core i7-6700)
 * reports.  The control MSRs follow published dumps of such parts; the
 * secondary controls are composed from the Skylake client feature list
 * (no APIC virtualization, posted interrupts or mode-based EPT execute;
 * SGX, PML, XSAVES and TSC scaling present).  Every value obeys the rules
 * of SDM Vol. 3D, Appendix A, e.g. the TRUE MSRs differ from the ordinary
 * ones only in default1 bits of the allowed-0 half.
 */
static const struct vmx_msr_values skylake = {
	.basic          = 0x00DA040000000004ULL,        /* rev 4, 1024 bytes, WB, dual monitor, INS/OUTS info, TRUE */
	.pinbased       = 0x0000007F00000016ULL,
	.procbased      = 0xFFF9FFFE0401E172ULL,        /* CR3-load/store exiting stuck at 1 */
	.procbased2     = 0x021FFCFF00000000ULL,
	.exit           = 0x01FFFFFF00036DFFULL,
	.entry          = 0x0003FFFF000011FFULL,
	.true_pinbased  = 0x0000007F00000016ULL,
	.true_procbased = 0xFFF9FFFE04006172ULL,        /* ... may be 0 here */
	.true_exit      = 0x01FFFFFF00036DFBULL,        /* save debug controls may be 0 */
	.true_entry     = 0x0003FFFF000011FBULL,        /* load debug controls may be 0 */
	.misc           = 0x000000007004C1E7ULL,        /* timer rate 7, HLT/shutdown/SIPI, 4 CR3 targets */
	.cr0_fixed0     = 0x80000021ULL,                /* PE, NE, PG */
	.cr0_fixed1     = 0xFFFFFFFFULL,
	.cr4_fixed0     = 0x00002000ULL,                /* VMXE */
	.cr4_fixed1     = 0x003767FFULL,
	.ept_vpid_cap   = 0x00000F0106734141ULL,
	.vmfunc         = 0x1ULL,                       /* EPTP switching */
	.vmcs_enum      = 0x2EULL,                      /* highest index 23 */
	.has_procbased2 = true,
	.has_ept_vpid_cap = true,
	.has_vmfunc     = true,
};

static struct vmx_capabilities decoded(const struct vmx_msr_values *m)
{
	struct vmx_capabilities caps;

	vmx_capabilities_decode(m, &caps);
	return caps;
}

TEST(vmx_decode_basic_fields)
{
	struct vmx_capabilities caps = decoded(&skylake);

	EXPECT_EQ(caps.revision_id, 4);
	EXPECT_EQ(caps.region_size, 1024);
	EXPECT_EQ(caps.memory_type, VMX_MEMORY_TYPE_WB);
	EXPECT(!caps.phys_addr_32bit);
	EXPECT(caps.dual_monitor);
	EXPECT(caps.ins_outs_info);
	EXPECT(caps.true_controls);
	EXPECT(!caps.no_error_code_check);
	EXPECT_EQ(caps.vmcs_max_index, 23);
	EXPECT_EQ(caps.misc, skylake.misc);
	EXPECT_EQ(caps.cr0_fixed0, 0x80000021);
	EXPECT_EQ(caps.cr4_fixed1, 0x3767FF);
	EXPECT_EQ(caps.ept_vpid_cap, skylake.ept_vpid_cap);
	EXPECT_EQ(caps.vmfunc, 1);
	EXPECT_EQ(caps.proc2.allowed0, 0);
	EXPECT_EQ(caps.proc2.allowed1, 0x021FFCFF);
}

TEST(vmx_decode_takes_true_msrs_when_basic_bit_55_is_set)
{
	struct vmx_capabilities caps = decoded(&skylake);

	EXPECT_EQ(caps.pin.allowed0, 0x16);
	EXPECT_EQ(caps.pin.allowed1, 0x7F);
	EXPECT_EQ(caps.proc.allowed0, 0x04006172);
	EXPECT_EQ(caps.proc.allowed1, 0xFFF9FFFE);
	EXPECT_EQ(caps.exit.allowed0, 0x00036DFB);
	EXPECT_EQ(caps.entry.allowed0, 0x000011FB);
	EXPECT(vmx_control_clearable(&caps.proc, CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING));
	EXPECT(vmx_control_clearable(&caps.entry, VM_ENTRY_LOAD_DEBUG_CONTROLS));
}

TEST(vmx_decode_takes_ordinary_msrs_without_bit_55)
{
	struct vmx_msr_values m = skylake;
	struct vmx_capabilities caps;
	uint32_t proc = 0;

	m.basic &= ~VMX_BASIC_TRUE_CONTROLS;
	m.true_procbased = 0;           /* must not be looked at */
	caps = decoded(&m);
	EXPECT(!caps.true_controls);
	EXPECT_EQ(caps.proc.allowed0, 0x0401E172);
	EXPECT_EQ(caps.exit.allowed0, 0x00036DFF);
	EXPECT_EQ(caps.entry.allowed0, 0x000011FF);
	EXPECT(!vmx_control_clearable(&caps.proc, CPU_BASED_CR3_LOAD_EXITING));

	/* Not asked for, but forced on: the CPU insists on CR3 exiting. */
	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_PROC, 0, 0, &proc, NULL));
	EXPECT(proc & CPU_BASED_CR3_LOAD_EXITING);
	EXPECT(proc & CPU_BASED_CR3_STORE_EXITING);
	EXPECT_EQ(proc, 0x0401E172);
}

TEST(vmx_predicates_on_skylake)
{
	struct vmx_capabilities caps = decoded(&skylake);

	EXPECT(vmx_has_secondary_controls(&caps));
	EXPECT(vmx_has_ept(&caps));
	EXPECT(vmx_has_ept_4level(&caps));
	EXPECT(vmx_has_ept_execute_only(&caps));
	EXPECT(vmx_has_ept_2mb_pages(&caps));
	EXPECT(vmx_has_ept_1gb_pages(&caps));
	EXPECT(vmx_has_ept_wb(&caps));
	EXPECT(vmx_has_ept_ad_bits(&caps));
	EXPECT(vmx_has_invept_single(&caps));
	EXPECT(vmx_has_invept_all(&caps));
	EXPECT(vmx_has_vpid(&caps));
	EXPECT(vmx_has_invvpid_address(&caps));
	EXPECT(vmx_has_invvpid_single(&caps));
	EXPECT(vmx_has_invvpid_all(&caps));
	EXPECT(vmx_has_unrestricted_guest(&caps));
	EXPECT(vmx_has_preemption_timer(&caps));
	EXPECT_EQ(vmx_preemption_timer_rate(&caps), 7);
	EXPECT(vmx_has_hlt_activity(&caps));
	EXPECT(vmx_has_shutdown_activity(&caps));
	EXPECT(vmx_has_wait_for_sipi_activity(&caps));
	EXPECT(vmx_has_msr_bitmaps(&caps));
	EXPECT(vmx_has_io_bitmaps(&caps));
	EXPECT(vmx_has_tsc_offsetting(&caps));
	EXPECT(vmx_has_monitor_trap_flag(&caps));
	EXPECT(vmx_has_virtual_nmis(&caps));
	EXPECT(!vmx_has_posted_interrupts(&caps));
	EXPECT(vmx_has_rdtscp(&caps));
	EXPECT(vmx_has_invpcid(&caps));
	EXPECT(vmx_has_xsaves(&caps));
	EXPECT(vmx_has_vmcs_shadowing(&caps));
	EXPECT(vmx_has_vmfunc(&caps));
	EXPECT(vmx_has_eptp_switching(&caps));
	EXPECT(vmx_has_pause_loop_exiting(&caps));
	EXPECT(vmx_has_tsc_scaling(&caps));
	EXPECT(vmx_has_load_efer(&caps));
	EXPECT(vmx_has_load_pat(&caps));
	EXPECT(vmx_has_vmwrite_any_field(&caps));
	EXPECT_EQ(vmx_misc_cr3_target_count(&caps), 4);
	EXPECT_EQ(vmx_misc_max_msr_list_entries(&caps), 512);
	EXPECT_EQ(vmx_misc_mseg_revision_id(&caps), 0);
}

TEST(vmx_no_secondary_controls_means_no_ept_vpid_or_vmfunc)
{
	struct vmx_msr_values m = skylake;
	struct vmx_capabilities caps;
	struct vmx_adjust_error err = { .missing = 0 };
	uint32_t proc2 = 0xDEAD;

	/* An older CPU: "activate secondary controls" cannot be set. */
	m.procbased &= ~((uint64_t)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	m.true_procbased &= ~((uint64_t)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	caps = decoded(&m);         /* the has_* flags stay set: the decoder must not trust them */
	EXPECT(!vmx_has_secondary_controls(&caps));
	EXPECT_EQ(caps.proc2.allowed0, 0);
	EXPECT_EQ(caps.proc2.allowed1, 0);
	EXPECT_EQ(caps.ept_vpid_cap, 0);
	EXPECT_EQ(caps.vmfunc, 0);
	EXPECT(!vmx_has_ept(&caps));
	EXPECT(!vmx_has_ept_2mb_pages(&caps));
	EXPECT(!vmx_has_vpid(&caps));
	EXPECT(!vmx_has_invvpid_all(&caps));
	EXPECT(!vmx_has_unrestricted_guest(&caps));
	EXPECT(!vmx_has_eptp_switching(&caps));

	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_PROC2, SECONDARY_ENABLE_EPT, 0, &proc2, &err));
	EXPECT_EQ(proc2, 0xDEAD);
	EXPECT_EQ(err.kind, VMX_CONTROLS_PROC2);
	EXPECT_EQ(err.missing, SECONDARY_ENABLE_EPT);
	EXPECT_STREQ(err.message, "CPU cannot set required secondary processor-based control ENABLE_EPT (bit 1)");

	/* Merely wanted: silently dropped. */
	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_PROC2, 0, SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID,
				   &proc2, &err));
	EXPECT_EQ(proc2, 0);
}

TEST(vmx_secondary_msr_that_was_not_read_is_ignored)
{
	struct vmx_msr_values m = skylake;
	struct vmx_capabilities caps;

	m.has_procbased2 = false;
	caps = decoded(&m);
	EXPECT(vmx_has_secondary_controls(&caps));      /* the primary MSR says so ... */
	EXPECT_EQ(caps.proc2.allowed1, 0);              /* ... but nothing is known about them */
	EXPECT_EQ(caps.ept_vpid_cap, 0);
	EXPECT(!vmx_has_ept(&caps));

	m = skylake;
	m.has_ept_vpid_cap = false;
	m.has_vmfunc = false;
	caps = decoded(&m);
	EXPECT(vmx_has_ept(&caps));
	EXPECT(!vmx_has_ept_1gb_pages(&caps));
	EXPECT(!vmx_has_invept_all(&caps));
	EXPECT(vmx_has_vmfunc(&caps));
	EXPECT(!vmx_has_eptp_switching(&caps));
}

TEST(vmx_adjust_drops_unavailable_wanted_bits_and_forces_must_be_one_bits)
{
	struct vmx_capabilities caps = decoded(&skylake);
	struct vmx_adjust_error err;
	uint32_t pin = 0, entry = 0, exit = 0, proc2 = 0;

	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_PIN,
				   PIN_BASED_EXTERNAL_INTERRUPT_EXITING | PIN_BASED_NMI_EXITING,
				   PIN_BASED_VIRTUAL_NMIS | PIN_BASED_PROCESS_POSTED_INTERRUPTS, &pin, &err));
	EXPECT(!(pin & PIN_BASED_PROCESS_POSTED_INTERRUPTS));   /* not on this CPU: dropped */
	EXPECT(pin & PIN_BASED_VIRTUAL_NMIS);
	EXPECT_EQ(pin & 0x16, 0x16);                            /* default1 bits 1, 2, 4 forced on */
	EXPECT_EQ(pin, 0x3F);

	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_ENTRY,
				   VM_ENTRY_IA32E_MODE_GUEST | VM_ENTRY_LOAD_IA32_EFER,
				   VM_ENTRY_LOAD_CET_STATE, &entry, &err));
	EXPECT_EQ(entry, 0x11FB | VM_ENTRY_IA32E_MODE_GUEST | VM_ENTRY_LOAD_IA32_EFER);

	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_EXIT,
				   VM_EXIT_HOST_ADDRESS_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER,
				   VM_EXIT_SAVE_IA32_EFER | VM_EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT, &exit, &err));
	EXPECT_EQ(exit, 0x36DFB | VM_EXIT_HOST_ADDRESS_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER |
			VM_EXIT_SAVE_IA32_EFER | VM_EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT);

	EXPECT(vmx_adjust_controls(&caps, VMX_CONTROLS_PROC2, SECONDARY_ENABLE_EPT,
				   SECONDARY_ENABLE_VPID | SECONDARY_UNRESTRICTED_GUEST |
				   SECONDARY_VIRTUAL_INTERRUPT_DELIVERY, &proc2, &err));
	EXPECT_EQ(proc2, SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID | SECONDARY_UNRESTRICTED_GUEST);
}

TEST(vmx_adjust_names_the_first_missing_required_bit)
{
	struct vmx_capabilities caps = decoded(&skylake);
	struct vmx_adjust_error err;
	uint32_t out = 0x1234;

	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_PIN, PIN_BASED_PROCESS_POSTED_INTERRUPTS, 0, &out, &err));
	EXPECT_EQ(out, 0x1234);
	EXPECT_EQ(err.kind, VMX_CONTROLS_PIN);
	EXPECT_EQ(err.missing, PIN_BASED_PROCESS_POSTED_INTERRUPTS);
	EXPECT_STREQ(err.message, "CPU cannot set required pin-based control PROCESS_POSTED_INTERRUPTS (bit 7)");

	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_PROC2,
				    SECONDARY_ENABLE_EPT | SECONDARY_VIRTUAL_INTERRUPT_DELIVERY |
				    SECONDARY_APIC_REGISTER_VIRTUALIZATION, 0, &out, &err));
	EXPECT_EQ(err.missing, SECONDARY_VIRTUAL_INTERRUPT_DELIVERY | SECONDARY_APIC_REGISTER_VIRTUALIZATION);
	EXPECT_STREQ(err.message, "CPU cannot set required secondary processor-based control "
		     "APIC_REGISTER_VIRTUALIZATION (bit 8), nor 1 more (missing mask 0x300)");

	/* A bit veneer has no name for. */
	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_PROC2, 1U << 29, 0, &out, &err));
	EXPECT_STREQ(err.message, "CPU cannot set required secondary processor-based control bit 29");

	/* No error structure: still refuses. */
	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_EXIT, VM_EXIT_LOAD_CET_STATE, 0, &out, NULL));
	EXPECT_EQ(out, 0x1234);
}

TEST(vmx_adjust_rejects_a_contradictory_capability_msr)
{
	struct vmx_msr_values m = skylake;
	struct vmx_capabilities caps;
	struct vmx_adjust_error err;
	uint32_t out = 0;

	m.true_pinbased = 0x0000007F00000096ULL;        /* bit 7 "must be 1" but not allowed to be 1 */
	caps = decoded(&m);
	EXPECT(!vmx_adjust_controls(&caps, VMX_CONTROLS_PIN, 0, 0, &out, &err));
	EXPECT_EQ(err.missing, 0);
	EXPECT_STREQ(err.message, "pin-based capability MSR says control bit 7 must be both 1 and 0");
}

TEST(vmx_control_names)
{
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PIN, 0), "EXTERNAL_INTERRUPT_EXITING");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PIN, 6), "ACTIVATE_VMX_PREEMPTION_TIMER");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC, 7), "HLT_EXITING");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC, 28), "USE_MSR_BITMAPS");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC, 31), "ACTIVATE_SECONDARY_CONTROLS");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC2, 1), "ENABLE_EPT");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC2, 7), "UNRESTRICTED_GUEST");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_PROC2, 20), "ENABLE_XSAVES_XRSTORS");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_EXIT, 9), "HOST_ADDRESS_SPACE_SIZE");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_EXIT, 15), "ACKNOWLEDGE_INTERRUPT_ON_EXIT");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_ENTRY, 9), "IA32E_MODE_GUEST");
	EXPECT_STREQ(vmx_control_bit_name(VMX_CONTROLS_ENTRY, 15), "LOAD_IA32_EFER");
	EXPECT(vmx_control_bit_name(VMX_CONTROLS_PIN, 1) == NULL);
	EXPECT(vmx_control_bit_name(VMX_CONTROLS_PROC2, 29) == NULL);
	EXPECT(vmx_control_bit_name(VMX_CONTROLS_PIN, 32) == NULL);
	EXPECT_STREQ(vmx_control_kind_name(VMX_CONTROLS_PROC), "primary processor-based");
	EXPECT_STREQ(vmx_control_kind_name(VMX_CONTROLS_ENTRY), "VM-entry");
}

TEST(vmx_cr_fixed_bits_check_and_apply)
{
	const uint64_t cr0 = CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	const uint64_t cr4 = CR4_VMXE | CR4_PAE | CR4_PGE | CR4_OSFXSR;
	struct vmx_capabilities caps = decoded(&skylake);

	EXPECT(vmx_cr_value_valid(cr0, caps.cr0_fixed0, caps.cr0_fixed1));
	EXPECT_EQ(vmx_cr_apply_fixed(cr0, caps.cr0_fixed0, caps.cr0_fixed1), cr0);
	EXPECT(vmx_cr_value_valid(cr4, caps.cr4_fixed0, caps.cr4_fixed1));

	/* Violates FIXED0: NE is clear. */
	EXPECT(!vmx_cr_value_valid(cr0 & ~CR0_NE, caps.cr0_fixed0, caps.cr0_fixed1));
	EXPECT_EQ(vmx_cr_apply_fixed(cr0 & ~CR0_NE, caps.cr0_fixed0, caps.cr0_fixed1), cr0);

	/* Violates FIXED1: CR4 bit 23 (CET) and PKE are not supported in VMX operation here. */
	EXPECT(!vmx_cr_value_valid(cr4 | (1ULL << 23), caps.cr4_fixed0, caps.cr4_fixed1));
	EXPECT_EQ(vmx_cr_apply_fixed(cr4 | (1ULL << 23) | CR4_PKE, caps.cr4_fixed0, caps.cr4_fixed1), cr4);

	/* Both at once; apply fixes both. */
	EXPECT(!vmx_cr_value_valid(CR4_PAE | CR4_PKE, caps.cr4_fixed0, caps.cr4_fixed1));
	EXPECT_EQ(vmx_cr_apply_fixed(CR4_PAE | CR4_PKE, caps.cr4_fixed0, caps.cr4_fixed1), CR4_PAE | CR4_VMXE);
}

TEST(vmx_cr_describe_names_offending_bits)
{
	struct vmx_capabilities caps = decoded(&skylake);
	char buf[128];

	EXPECT_EQ(vmx_cr_describe_invalid(0, 0x80000033, caps.cr0_fixed0, caps.cr0_fixed1, buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");

	EXPECT_EQ(vmx_cr_describe_invalid(0, CR0_ET, caps.cr0_fixed0, caps.cr0_fixed1, buf, sizeof(buf)),
		  strlen("CR0.PE CR0.NE CR0.PG must be 1"));
	EXPECT_STREQ(buf, "CR0.PE CR0.NE CR0.PG must be 1");

	vmx_cr_describe_invalid(4, CR4_PAE | CR4_PKE | (1ULL << 23), caps.cr4_fixed0, caps.cr4_fixed1,
				buf, sizeof(buf));
	EXPECT_STREQ(buf, "CR4.VMXE must be 1; CR4.PKE CR4 bit 23 must be 0");

	/* A short buffer is cut but terminated, and the full length is still reported. */
	EXPECT_EQ(vmx_cr_describe_invalid(4, CR4_PAE | CR4_PKE | (1ULL << 23), caps.cr4_fixed0,
					  caps.cr4_fixed1, buf, 12),
		  strlen("CR4.VMXE must be 1; CR4.PKE CR4 bit 23 must be 0"));
	EXPECT_STREQ(buf, "CR4.VMXE mu");
}

TEST(vmx_instruction_error_names)
{
	for (unsigned i = 1; i <= 28; i++) {
		const char *name = vmx_instruction_error_name(i);

		EXPECT(name && name[0] != '\0');
		EXPECT(strcmp(name, "unknown VM-instruction error") != 0);
		for (unsigned j = 1; j < i; j++)
			EXPECT(strcmp(name, vmx_instruction_error_name(j)) != 0);
	}
	EXPECT_STREQ(vmx_instruction_error_name(0), "unknown VM-instruction error");
	EXPECT_STREQ(vmx_instruction_error_name(29), "unknown VM-instruction error");
	EXPECT_STREQ(vmx_instruction_error_name(0xFFFFFFFF), "unknown VM-instruction error");
	EXPECT_STREQ(vmx_instruction_error_name(VMXERR_VMCALL_IN_VMX_ROOT), "VMCALL executed in VMX root operation");
	EXPECT_STREQ(vmx_instruction_error_name(VMXERR_VMXON_IN_VMX_ROOT), "VMXON executed in VMX root operation");
	EXPECT_STREQ(vmx_instruction_error_name(VMXERR_ENTRY_INVALID_CONTROL_FIELDS),
		     "VM entry with invalid control field(s)");
	EXPECT_STREQ(vmx_instruction_error_name(VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID),
		     "invalid operand to INVEPT/INVVPID");
	/* The SDM assigns no meaning to 14, 21 and 27. */
	EXPECT(strstr(vmx_instruction_error_name(14), "reserved") != NULL);
	EXPECT(strstr(vmx_instruction_error_name(21), "reserved") != NULL);
	EXPECT(strstr(vmx_instruction_error_name(27), "reserved") != NULL);
}

TEST(vmx_result_describe_text)
{
	char buf[128];
	struct vmx_result valid = { .kind = VMX_FAIL_VALID, .error = VMXERR_VMXON_IN_VMX_ROOT };
	struct vmx_result invalid = { .kind = VMX_FAIL_INVALID, .error = 0 };
	struct vmx_result ok = { .kind = VMX_SUCCEED, .error = 0 };
	struct vmx_result odd = { .kind = VMX_FAIL_VALID, .error = 99 };

	EXPECT(vmx_result_describe(valid, buf, sizeof(buf)) == buf);
	EXPECT_STREQ(buf, "VMfailValid: VM-instruction error 15 (VMXON executed in VMX root operation)");
	vmx_result_describe(invalid, buf, sizeof(buf));
	EXPECT(strncmp(buf, "VMfailInvalid", 13) == 0);
	EXPECT_STREQ(vmx_result_describe(ok, buf, sizeof(buf)), "VMsucceed");
	EXPECT_STREQ(vmx_result_describe(odd, buf, sizeof(buf)),
		     "VMfailValid: VM-instruction error 99 (unknown VM-instruction error)");
	EXPECT_STREQ(vmx_result_describe(valid, buf, 12), "VMfailValid");
	EXPECT_STREQ(vmx_result_describe(valid, buf, 0), "");
	EXPECT(vmx_succeeded(ok));
	EXPECT(!vmx_succeeded(valid));
	EXPECT(!vmx_succeeded(invalid));
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(vmx_summary_mentions_the_key_features)
{
	static const char *const expected[] = {
		"VMX revision 0x4", "region 1024 bytes", "memory type WB (6)", "TRUE controls yes",
		"EPT yes (4-level, 2M pages, 1G pages, A/D, WB, INVEPT single all)",
		"VPID yes (INVVPID address single all)",
		"unrestricted guest yes", "preemption timer yes (TSC/128)", "HLT activity yes",
		"wait-for-SIPI yes", "CR3 targets 4", "MSR bitmaps yes", "I/O bitmaps yes", "XSAVES yes",
		"INVPCID yes", "RDTSCP yes", "VMCS shadowing yes", "VMFUNC yes (EPTP switching)",
	};
	struct vmx_capabilities caps = decoded(&skylake);
	char buf[1024], small[40];
	size_t n = vmx_capabilities_summary(&caps, buf, sizeof(buf));

	EXPECT_EQ(n, strlen(buf));
	EXPECT_EQ(count_lines(buf), 6);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (!strstr(buf, expected[i]))
			unit_fail(__FILE__, __LINE__, "summary lacks \"%s\":\n%s", expected[i], buf);

	EXPECT_EQ(vmx_capabilities_summary(&caps, small, sizeof(small)), n);
	EXPECT_EQ(strlen(small), sizeof(small) - 1);
	EXPECT(strncmp(small, buf, sizeof(small) - 1) == 0);
}

TEST(vmx_summary_without_secondary_controls)
{
	struct vmx_msr_values m = skylake;
	struct vmx_capabilities caps;
	char buf[1024];

	m.true_procbased &= ~((uint64_t)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	m.true_pinbased &= ~((uint64_t)PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER << 32);
	caps = decoded(&m);
	vmx_capabilities_summary(&caps, buf, sizeof(buf));
	EXPECT(strstr(buf, "EPT no\nVPID no, unrestricted guest no\n") != NULL);
	EXPECT(strstr(buf, "preemption timer no") != NULL);
	EXPECT(strstr(buf, "VMCS shadowing no, VMFUNC no") != NULL);
}

TEST(vmcs_field_width_from_encoding)
{
	EXPECT_EQ(vmcs_field_width(VM_INSTRUCTION_ERROR), VMCS_FIELD_WIDTH_32);
	EXPECT_EQ(vmcs_field_type(VM_INSTRUCTION_ERROR), VMCS_FIELD_TYPE_EXIT_INFO);
	EXPECT(!vmcs_field_is_high_half(VM_INSTRUCTION_ERROR));
	/* Encodings from SDM Vol. 3D, Appendix B "Field Encoding in VMCS". */
	EXPECT_EQ(vmcs_field_width(0x0000), VMCS_FIELD_WIDTH_16);       /* virtual-processor identifier */
	EXPECT_EQ(vmcs_field_type(0x0000), VMCS_FIELD_TYPE_CONTROL);
	EXPECT_EQ(vmcs_field_width(0x2000), VMCS_FIELD_WIDTH_64);       /* address of I/O bitmap A */
	EXPECT(vmcs_field_is_high_half(0x2001));
	EXPECT_EQ(vmcs_field_width(0x4002), VMCS_FIELD_WIDTH_32);       /* primary processor-based controls */
	EXPECT_EQ(vmcs_field_width(0x6800), VMCS_FIELD_WIDTH_NATURAL);  /* guest CR0 */
	EXPECT_EQ(vmcs_field_type(0x6800), VMCS_FIELD_TYPE_GUEST);
	EXPECT_EQ(vmcs_field_type(0x6C00), VMCS_FIELD_TYPE_HOST);       /* host CR0 */
}
