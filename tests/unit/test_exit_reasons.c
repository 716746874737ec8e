/* Basic exit reasons: numbering against SDM Vol. 3D Appendix C, the name table, the exit-reason field. */
// unit-test-source: vmx/exit_reasons.c
// unit-test-source: kernel/format.c
#include "unit.h"
#include "vmx/exit_reasons.h"

/* The assigned numbers, typed from Appendix C independently of the X-macro list. */
static bool assigned(unsigned n)
{
	return n <= 85 && n != 35 && n != 38 && n != 42 && n != 71 && n != 82 && n != 83;
}

TEST(exit_reason_numbers_follow_appendix_c)
{
	EXPECT_EQ(EXIT_REASON_EXCEPTION_OR_NMI, 0);
	EXPECT_EQ(EXIT_REASON_TRIPLE_FAULT, 2);
	EXPECT_EQ(EXIT_REASON_STARTUP_IPI, 4);
	EXPECT_EQ(EXIT_REASON_INTERRUPT_WINDOW, 7);
	EXPECT_EQ(EXIT_REASON_CPUID, 10);
	EXPECT_EQ(EXIT_REASON_HLT, 12);
	EXPECT_EQ(EXIT_REASON_VMCALL, 18);
	EXPECT_EQ(EXIT_REASON_VMXON, 27);
	EXPECT_EQ(EXIT_REASON_CR_ACCESS, 28);
	EXPECT_EQ(EXIT_REASON_IO_INSTRUCTION, 30);
	EXPECT_EQ(EXIT_REASON_RDMSR, 31);
	EXPECT_EQ(EXIT_REASON_WRMSR, 32);
	EXPECT_EQ(EXIT_REASON_ENTRY_FAILURE_INVALID_GUEST_STATE, 33);
	EXPECT_EQ(EXIT_REASON_ENTRY_FAILURE_MSR_LOADING, 34);
	EXPECT_EQ(EXIT_REASON_MWAIT, 36);
	EXPECT_EQ(EXIT_REASON_MONITOR_TRAP_FLAG, 37);
	EXPECT_EQ(EXIT_REASON_MONITOR, 39);
	EXPECT_EQ(EXIT_REASON_ENTRY_FAILURE_MACHINE_CHECK, 41);
	EXPECT_EQ(EXIT_REASON_TPR_BELOW_THRESHOLD, 43);
	EXPECT_EQ(EXIT_REASON_EPT_VIOLATION, 48);
	EXPECT_EQ(EXIT_REASON_EPT_MISCONFIGURATION, 49);
	EXPECT_EQ(EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED, 52);
	EXPECT_EQ(EXIT_REASON_XSETBV, 55);
	EXPECT_EQ(EXIT_REASON_XRSTORS, 64);
	EXPECT_EQ(EXIT_REASON_ENCLV, 70);
	EXPECT_EQ(EXIT_REASON_ENQCMD_PASID_TRANSLATION_FAILURE, 72);
	EXPECT_EQ(EXIT_REASON_BUS_LOCK, 74);
	EXPECT_EQ(EXIT_REASON_INSTRUCTION_TIMEOUT, 75);
	EXPECT_EQ(EXIT_REASON_TDCALL, 77);
	EXPECT_EQ(EXIT_REASON_UWRMSR, 81);
	EXPECT_EQ(EXIT_REASON_RDMSR_IMMEDIATE, 84);
	EXPECT_EQ(EXIT_REASON_WRMSRNS_IMMEDIATE, 85);
	EXPECT_EQ(EXIT_REASON_MAX, 85);
	EXPECT_EQ(EXIT_REASON_COUNT, 86);
}

TEST(exit_reason_defined_exactly_for_assigned_numbers)
{
	unsigned count = 0;

	for (unsigned n = 0; n < 1000; n++) {
		EXPECT_EQ(vmx_exit_reason_defined(n), assigned(n));
		count += vmx_exit_reason_defined(n);
	}
	EXPECT_EQ(count, 80);
	EXPECT(!vmx_exit_reason_defined(0xFFFFFFFFu));
}

TEST(exit_reason_names_are_distinct_and_gaps_are_unknown)
{
	for (unsigned n = 0; n <= EXIT_REASON_MAX + 10; n++) {
		const char *name = vmx_exit_reason_name(n);

		EXPECT(name != NULL && name[0] != '\0');
		if (!assigned(n)) {
			EXPECT_STREQ(name, "unknown exit reason");
			continue;
		}
		EXPECT(strcmp(name, "unknown exit reason") != 0);
		for (unsigned m = 0; m < n; m++)
			if (assigned(m))
				EXPECT(strcmp(name, vmx_exit_reason_name(m)) != 0);
	}
	EXPECT_STREQ(vmx_exit_reason_name(EXIT_REASON_CPUID), "CPUID");
	EXPECT_STREQ(vmx_exit_reason_name(48), "EPT_VIOLATION");
	EXPECT_STREQ(vmx_exit_reason_name(54), "WBINVD_OR_WBNOINVD");
	EXPECT_STREQ(vmx_exit_reason_name(35), "unknown exit reason");
	EXPECT_STREQ(vmx_exit_reason_name(0xFFFFFFFFu), "unknown exit reason");
}

TEST(exit_reason_field_decodes_basic_reason_and_flags)
{
	struct vmx_exit_reason_info r;

	r = vmx_decode_exit_reason(0x0000000A);         /* CPUID, nothing else */
	EXPECT_EQ(r.basic, EXIT_REASON_CPUID);
	EXPECT(!r.entry_failure && !r.enclave_mode && !r.pending_mtf && !r.exit_from_root &&
	       !r.bus_lock_detected);

	r = vmx_decode_exit_reason(0x80000021);         /* VM entry failed: invalid guest state */
	EXPECT_EQ(r.basic, EXIT_REASON_ENTRY_FAILURE_INVALID_GUEST_STATE);
	EXPECT(r.entry_failure);
	EXPECT(!r.enclave_mode);

	r = vmx_decode_exit_reason(0x08000030);         /* EPT violation in an enclave */
	EXPECT_EQ(r.basic, EXIT_REASON_EPT_VIOLATION);
	EXPECT(r.enclave_mode);
	EXPECT(!r.entry_failure);

	r = vmx_decode_exit_reason(0x30000006);         /* SMM VM exit: pending MTF, from root */
	EXPECT_EQ(r.basic, EXIT_REASON_OTHER_SMI);
	EXPECT(r.pending_mtf);
	EXPECT(r.exit_from_root);
	EXPECT(!r.enclave_mode);

	r = vmx_decode_exit_reason(0x04000001);         /* bus lock seen on an external-interrupt exit */
	EXPECT_EQ(r.basic, EXIT_REASON_EXTERNAL_INTERRUPT);
	EXPECT(r.bus_lock_detected);

	r = vmx_decode_exit_reason(0x43FF0000);         /* undefined bits 30 and 25:16 are ignored */
	EXPECT_EQ(r.basic, 0);
	EXPECT(!r.entry_failure && !r.enclave_mode && !r.pending_mtf && !r.exit_from_root &&
	       !r.bus_lock_detected);
}

TEST(exit_reason_describe_lines)
{
	char buf[128];

	EXPECT_STREQ(vmx_exit_reason_describe(48, buf, sizeof(buf)), "48 EPT_VIOLATION");
	EXPECT_STREQ(vmx_exit_reason_describe(0x80000021, buf, sizeof(buf)),
		     "VM-entry failure: 33 ENTRY_FAILURE_INVALID_GUEST_STATE");
	EXPECT_STREQ(vmx_exit_reason_describe(0x0C000030, buf, sizeof(buf)),
		     "48 EPT_VIOLATION, enclave mode, bus lock detected");
	EXPECT_STREQ(vmx_exit_reason_describe(99, buf, sizeof(buf)), "99 unknown exit reason");
	EXPECT_STREQ(vmx_exit_reason_describe(10, buf, 4), "10 ");
	EXPECT_STREQ(vmx_exit_reason_describe(10, buf, 0), "");
}
