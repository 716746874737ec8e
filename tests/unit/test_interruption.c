/* Interruption information: types, error codes, encoding, entry checks, re-injection, double faults. */
// unit-test-source: vmx/interruption.c
#include "unit.h"
#include "vmx/interruption.h"

TEST(interruption_type_from_vector_is_the_injection_type)
{
	EXPECT_EQ(vmx_interruption_type_from_vector(0), VMX_INTR_HARDWARE_EXCEPTION);  /* #DE */
	EXPECT_EQ(vmx_interruption_type_from_vector(1), VMX_INTR_HARDWARE_EXCEPTION);  /* #DB raised by veneer */
	EXPECT_EQ(vmx_interruption_type_from_vector(2), VMX_INTR_NMI);
	EXPECT_EQ(vmx_interruption_type_from_vector(3), VMX_INTR_SOFTWARE_EXCEPTION);  /* #BP */
	EXPECT_EQ(vmx_interruption_type_from_vector(4), VMX_INTR_SOFTWARE_EXCEPTION);  /* #OF */
	EXPECT_EQ(vmx_interruption_type_from_vector(6), VMX_INTR_HARDWARE_EXCEPTION);  /* #UD */
	EXPECT_EQ(vmx_interruption_type_from_vector(13), VMX_INTR_HARDWARE_EXCEPTION);
	EXPECT_EQ(vmx_interruption_type_from_vector(14), VMX_INTR_HARDWARE_EXCEPTION);
	EXPECT_EQ(vmx_interruption_type_from_vector(21), VMX_INTR_HARDWARE_EXCEPTION);  /* #CP */
	EXPECT_EQ(vmx_interruption_type_from_vector(31), VMX_INTR_HARDWARE_EXCEPTION);
	EXPECT_EQ(vmx_interruption_type_from_vector(32), VMX_INTR_EXTERNAL);
	EXPECT_EQ(vmx_interruption_type_from_vector(0xEF), VMX_INTR_EXTERNAL);
	EXPECT_EQ(vmx_interruption_type_from_vector(255), VMX_INTR_EXTERNAL);
	EXPECT_EQ(vmx_interruption_type_from_vector(256 + 2), VMX_INTR_NMI);           /* modulo 256 */
}

TEST(interruption_from_vector_always_passes_the_entry_checks)
{
	/* Whatever from_vector picks must be a legal injection for that vector. */
	for (unsigned v = 0; v < 256; v++) {
		enum vmx_interruption_type t = vmx_interruption_type_from_vector(v);
		bool ec = vmx_injection_delivers_error_code(t, v, true);
		const char *why = NULL;

		EXPECT(vmx_entry_interruption_info_valid(vmx_encode_interruption_info(v, t, ec), 1, true,
							 &why));
		EXPECT(why == NULL);
	}
}

TEST(interruption_vectors_with_error_codes)
{
	unsigned with = 0;

	for (unsigned v = 0; v < 256; v++)
		with += vmx_vector_has_error_code(v);
	EXPECT_EQ(with, 8);
	EXPECT(vmx_vector_has_error_code(8));
	EXPECT(vmx_vector_has_error_code(10));
	EXPECT(vmx_vector_has_error_code(11));
	EXPECT(vmx_vector_has_error_code(12));
	EXPECT(vmx_vector_has_error_code(13));
	EXPECT(vmx_vector_has_error_code(14));
	EXPECT(vmx_vector_has_error_code(17));
	EXPECT(vmx_vector_has_error_code(21));
	EXPECT(!vmx_vector_has_error_code(0));
	EXPECT(!vmx_vector_has_error_code(18));         /* #MC: none */
	EXPECT(!vmx_vector_has_error_code(30));         /* #SX is AMD's */

	EXPECT(vmx_injection_delivers_error_code(VMX_INTR_HARDWARE_EXCEPTION, 13, true));
	EXPECT(!vmx_injection_delivers_error_code(VMX_INTR_HARDWARE_EXCEPTION, 13, false));    /* real mode */
	EXPECT(!vmx_injection_delivers_error_code(VMX_INTR_SOFTWARE_INTERRUPT, 13, true));     /* INT 13 */
	EXPECT(!vmx_injection_delivers_error_code(VMX_INTR_EXTERNAL, 14, true));
}

TEST(interruption_encode_and_decode)
{
	struct vmx_interruption_info i;
	uint32_t gp = vmx_encode_interruption_info(13, VMX_INTR_HARDWARE_EXCEPTION, true);

	EXPECT_EQ(gp, 0x80000B0D);
	EXPECT_EQ(vmx_encode_interruption_info(3, VMX_INTR_SOFTWARE_EXCEPTION, false), 0x80000603);
	EXPECT_EQ(vmx_encode_interruption_info(2, VMX_INTR_NMI, false), 0x80000202);
	EXPECT_EQ(vmx_encode_interruption_info(0x30, VMX_INTR_EXTERNAL, false), 0x80000030);
	EXPECT_EQ(vmx_encode_interruption_info(0x130, VMX_INTR_EXTERNAL, false), 0x80000030);

	i = vmx_decode_interruption_info(gp);
	EXPECT_EQ(i.vector, 13);
	EXPECT_EQ(i.type, VMX_INTR_HARDWARE_EXCEPTION);
	EXPECT(i.error_code);
	EXPECT(i.valid);
	EXPECT(!i.nmi_unblocking);

	/* A #PF exit from a fault on IRET while NMIs were blocked. */
	i = vmx_decode_interruption_info(0x80001B0E);
	EXPECT_EQ(i.vector, 14);
	EXPECT(i.nmi_unblocking);
	EXPECT(i.error_code);

	i = vmx_decode_interruption_info(0x00000B0E);
	EXPECT(!i.valid);

	EXPECT_STREQ(vmx_interruption_type_name(VMX_INTR_PRIVILEGED_SOFTWARE_EXCEPTION),
		     "privileged software exception");
	EXPECT_STREQ(vmx_interruption_type_name(1), "reserved");
	EXPECT_STREQ(vmx_interruption_type_name(8), "reserved");
}

TEST(interruption_entry_checks_name_the_broken_rule)
{
	const char *why;

	EXPECT(vmx_entry_interruption_info_valid(0, 0, true, NULL));    /* nothing injected */

	why = NULL;
	EXPECT(!vmx_entry_interruption_info_valid(0x80000103, 0, true, &why));  /* type 1 */
	EXPECT(why && strstr(why, "reserved"));
	EXPECT(!vmx_entry_interruption_info_valid(0x80000203, 0, true, &why));  /* NMI with vector 3 */
	EXPECT(why && strstr(why, "vector 2"));
	EXPECT(!vmx_entry_interruption_info_valid(0x80000320, 0, true, &why));  /* hw exception 32 */
	EXPECT(!vmx_entry_interruption_info_valid(0x80000701, 0, true, &why));  /* other event, vector 1 */
	EXPECT(vmx_entry_interruption_info_valid(0x80000700, 0, true, NULL));   /* pending MTF */
	EXPECT(!vmx_entry_interruption_info_valid(0x8000030D, 0, true, &why));  /* #GP without error code */
	EXPECT(why && strstr(why, "clear"));
	EXPECT(vmx_entry_interruption_info_valid(0x8000030D, 0, false, NULL));  /* ... fine in real mode */
	EXPECT(!vmx_entry_interruption_info_valid(0x80000B0D, 0, false, &why)); /* and with one, not */
	EXPECT(!vmx_entry_interruption_info_valid(0x80000B06, 0, true, &why));  /* #UD with error code */
	EXPECT(!vmx_entry_interruption_info_valid(0x80001B0D, 0, true, &why));  /* bit 12 reserved */
	EXPECT(why && strstr(why, "30:12"));
	EXPECT(!vmx_entry_interruption_info_valid(0x80000603, 0, true, &why));  /* INT3 needs a length */
	EXPECT(why && strstr(why, "length"));
	EXPECT(vmx_entry_interruption_info_valid(0x80000603, 1, true, NULL));
	EXPECT(!vmx_entry_interruption_info_valid(0x80000480, 16, true, &why)); /* INT 0x80, length 16 */
	EXPECT(vmx_entry_interruption_info_valid(0x80000480, 2, true, NULL));
	EXPECT(vmx_entry_interruption_info_valid(0x80000B0E, 0, true, NULL));   /* #PF: length unused */
}

TEST(reinjection_copies_error_code_and_length_as_needed)
{
	struct vmx_reinjection r = { 0x1234, true, true };

	/* Valid bit clear: nothing to do, nothing written. */
	EXPECT(!vmx_reinjection_from_idt_vectoring(0x00000B0E, &r));
	EXPECT_EQ(r.entry_interruption_info, 0x1234);

	/* A #PF whose delivery hit an EPT violation; bit 12 is undefined in IDT-vectoring info. */
	EXPECT(vmx_reinjection_from_idt_vectoring(0x80001B0E, &r));
	EXPECT_EQ(r.entry_interruption_info, 0x80000B0E);
	EXPECT(r.copy_error_code);
	EXPECT(!r.copy_instruction_length);

	/* An external interrupt. */
	EXPECT(vmx_reinjection_from_idt_vectoring(0x800000EC, &r));
	EXPECT_EQ(r.entry_interruption_info, 0x800000EC);
	EXPECT(!r.copy_error_code);
	EXPECT(!r.copy_instruction_length);

	/* INT 0x80, INT3 and INT1 re-inject with the instruction length. */
	EXPECT(vmx_reinjection_from_idt_vectoring(0x80000480, &r));
	EXPECT_EQ(r.entry_interruption_info, 0x80000480);
	EXPECT(r.copy_instruction_length);
	EXPECT(vmx_reinjection_from_idt_vectoring(0x80000603, &r));
	EXPECT(r.copy_instruction_length);
	EXPECT(vmx_reinjection_from_idt_vectoring(0x80000501, &r));
	EXPECT_EQ(vmx_decode_interruption_info(r.entry_interruption_info).type,
		  VMX_INTR_PRIVILEGED_SOFTWARE_EXCEPTION);
	EXPECT(r.copy_instruction_length);

	/* Reserved bits 30:13 never reach the entry field. */
	EXPECT(vmx_reinjection_from_idt_vectoring(0xFFFFE202, &r));
	EXPECT_EQ(r.entry_interruption_info, 0x80000202);
	EXPECT(vmx_entry_interruption_info_valid(r.entry_interruption_info, 0, true, NULL));
}

TEST(exception_classes_follow_the_double_fault_table)
{
	static const unsigned contributory[] = { 0, 10, 11, 12, 13, 21 };
	unsigned c = 0, p = 0;

	for (unsigned k = 0; k < sizeof(contributory) / sizeof(contributory[0]); k++)
		EXPECT_EQ(vmx_exception_class(contributory[k]), VMX_EXCEPTION_CONTRIBUTORY);
	EXPECT_EQ(vmx_exception_class(14), VMX_EXCEPTION_PAGE_FAULT);
	EXPECT_EQ(vmx_exception_class(20), VMX_EXCEPTION_PAGE_FAULT);
	for (unsigned v = 0; v < 256; v++) {
		c += vmx_exception_class(v) == VMX_EXCEPTION_CONTRIBUTORY;
		p += vmx_exception_class(v) == VMX_EXCEPTION_PAGE_FAULT;
	}
	EXPECT_EQ(c, 6);
	EXPECT_EQ(p, 2);
	EXPECT_EQ(vmx_exception_class(8), VMX_EXCEPTION_BENIGN);
	EXPECT_EQ(vmx_exception_class(18), VMX_EXCEPTION_BENIGN);
}

TEST(combining_events_gives_double_and_triple_faults)
{
	uint32_t gp = 0x80000B0D, pf = 0x80000B0E, df = 0x80000B08, ud = 0x80000306;
	uint32_t intr = 0x80000030, int13 = 0x8000040D, bp = 0x80000603;

	EXPECT_EQ(vmx_combine_events(gp, 11), VMX_DELIVER_DOUBLE_FAULT);        /* contributory, contributory */
	EXPECT_EQ(vmx_combine_events(gp, 14), VMX_DELIVER_SECOND);              /* contributory, page fault */
	EXPECT_EQ(vmx_combine_events(pf, 14), VMX_DELIVER_DOUBLE_FAULT);        /* page fault, page fault */
	EXPECT_EQ(vmx_combine_events(pf, 13), VMX_DELIVER_DOUBLE_FAULT);        /* page fault, contributory */
	EXPECT_EQ(vmx_combine_events(pf, 6), VMX_DELIVER_SECOND);               /* page fault, benign */
	EXPECT_EQ(vmx_combine_events(ud, 13), VMX_DELIVER_SECOND);              /* benign first */
	EXPECT_EQ(vmx_combine_events(df, 13), VMX_TRIPLE_FAULT);
	EXPECT_EQ(vmx_combine_events(df, 14), VMX_TRIPLE_FAULT);
	EXPECT_EQ(vmx_combine_events(df, 1), VMX_DELIVER_SECOND);
	EXPECT_EQ(vmx_combine_events(intr, 13), VMX_DELIVER_SECOND);            /* interrupts are benign */
	EXPECT_EQ(vmx_combine_events(int13, 13), VMX_DELIVER_SECOND);           /* INT 13 is not #GP */
	EXPECT_EQ(vmx_combine_events(bp, 14), VMX_DELIVER_SECOND);
	EXPECT_EQ(vmx_combine_events(gp & ~VMX_INTR_INFO_VALID, 13), VMX_DELIVER_SECOND);
}

TEST(interruption_fault_class_exceptions)
{
	static const unsigned faults[] = { 0, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21 };
	static const unsigned others[] = { 1, 2, 3, 4, 8, 18, 32, 255 };        /* #DB, NMI, traps, aborts, interrupts */

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		EXPECT(vmx_exception_is_fault(faults[i]));
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		EXPECT(!vmx_exception_is_fault(others[i]));
}
