/*
 * Exit-qualification decoders, on qualifications built by hand from the
 * SDM tables for instructions a guest really executes.
 */
// unit-test-source: vmx/exit_qualification.c
// unit-test-source: kernel/format.c
#include "unit.h"
#include "vmx/exit_qualification.h"

TEST(cr_access_mov_to_cr3_from_rax)
{
	struct cr_access_qualification q = vmx_decode_cr_access(0x3);   /* mov cr3, rax */

	EXPECT_EQ(q.cr, 3);
	EXPECT_EQ(q.type, CR_ACCESS_MOV_TO_CR);
	EXPECT_EQ(q.gpr, 0);
	EXPECT(!q.lmsw_memory_operand);
	EXPECT_EQ(q.lmsw_source, 0);
}

TEST(cr_access_mov_from_cr_names_the_register)
{
	struct cr_access_qualification q;

	q = vmx_decode_cr_access(0x113);                /* mov rcx, cr3: type 1 (5:4), rcx (11:8) */
	EXPECT_EQ(q.cr, 3);
	EXPECT_EQ(q.type, CR_ACCESS_MOV_FROM_CR);
	EXPECT_EQ(q.gpr, 1);

	q = vmx_decode_cr_access(0xF18);                /* mov r15, cr8 */
	EXPECT_EQ(q.cr, 8);
	EXPECT_EQ(q.type, CR_ACCESS_MOV_FROM_CR);
	EXPECT_EQ(q.gpr, 15);

	q = vmx_decode_cr_access(0x404);                /* mov cr4, rsp: RSP is the caller's to fetch */
	EXPECT_EQ(q.cr, 4);
	EXPECT_EQ(q.type, CR_ACCESS_MOV_TO_CR);
	EXPECT_EQ(q.gpr, 4);
}

TEST(cr_access_clts_and_lmsw)
{
	struct cr_access_qualification q;

	q = vmx_decode_cr_access(0x20);                 /* clts */
	EXPECT_EQ(q.cr, 0);
	EXPECT_EQ(q.type, CR_ACCESS_CLTS);

	q = vmx_decode_cr_access(0x000F0030);           /* lmsw ax with ax = 0x000F */
	EXPECT_EQ(q.type, CR_ACCESS_LMSW);
	EXPECT(!q.lmsw_memory_operand);
	EXPECT_EQ(q.lmsw_source, 0x000F);

	q = vmx_decode_cr_access(0x80010070);           /* lmsw [mem] with 0x8001 */
	EXPECT_EQ(q.type, CR_ACCESS_LMSW);
	EXPECT(q.lmsw_memory_operand);
	EXPECT_EQ(q.lmsw_source, 0x8001);
}

TEST(io_in_al_from_immediate_port)
{
	struct io_qualification q = vmx_decode_io_instruction(0x00600048);      /* in al, 0x60 */

	EXPECT_EQ(q.size, 1);
	EXPECT(q.in);
	EXPECT(!q.string);
	EXPECT(!q.rep);
	EXPECT(q.immediate);
	EXPECT_EQ(q.port, 0x60);
}

TEST(io_out_dx_eax_and_rep_insw)
{
	struct io_qualification q;

	q = vmx_decode_io_instruction(0x0CF80003);      /* out dx, eax with dx = 0xCF8 */
	EXPECT_EQ(q.size, 4);
	EXPECT(!q.in);
	EXPECT(!q.immediate);
	EXPECT_EQ(q.port, 0xCF8);

	q = vmx_decode_io_instruction(0x01F00039);      /* rep insw with dx = 0x1F0 */
	EXPECT_EQ(q.size, 2);
	EXPECT(q.in);
	EXPECT(q.string);
	EXPECT(q.rep);
	EXPECT_EQ(q.port, 0x1F0);

	q = vmx_decode_io_instruction(0xFFFF0010);      /* outsb to port 0xFFFF, no REP */
	EXPECT_EQ(q.size, 1);
	EXPECT(!q.in);
	EXPECT(q.string);
	EXPECT(!q.rep);
	EXPECT_EQ(q.port, 0xFFFF);
}

TEST(io_unused_size_encodings_decode_as_zero)
{
	EXPECT_EQ(vmx_decode_io_instruction(0x2).size, 0);
	for (unsigned s = 4; s < 8; s++)
		EXPECT_EQ(vmx_decode_io_instruction(s).size, 0);
}

TEST(ept_violation_write_to_unmapped_page)
{
	/* Data write, nothing mapped, linear address valid and translated. */
	struct ept_violation_qualification q = vmx_decode_ept_violation(0x182);

	EXPECT(!q.read);
	EXPECT(q.write);
	EXPECT(!q.fetch);
	EXPECT(!q.readable && !q.writable && !q.executable);
	EXPECT(q.linear_address_valid);
	EXPECT(q.translated_access);
	EXPECT(!q.nmi_unblocking);
}

TEST(ept_violation_fetch_from_non_executable_page_and_walks)
{
	struct ept_violation_qualification q;

	q = vmx_decode_ept_violation(0x19C);            /* fetch; mapped rw-; translated */
	EXPECT(q.fetch);
	EXPECT(q.readable && q.writable && !q.executable);
	EXPECT(q.translated_access);

	q = vmx_decode_ept_violation(0x083);            /* read+write of a paging-structure entry (A/D update) */
	EXPECT(q.read && q.write);
	EXPECT(q.linear_address_valid);
	EXPECT(!q.translated_access);

	q = vmx_decode_ept_violation(0x101);            /* bit 8 without bit 7 means nothing */
	EXPECT(!q.linear_address_valid);
	EXPECT(!q.translated_access);

	q = vmx_decode_ept_violation(0x1F82);           /* advanced information and NMI unblocking */
	EXPECT(q.user_mode_address);
	EXPECT(q.linear_writable);
	EXPECT(q.linear_execute_disable);
	EXPECT(q.nmi_unblocking);
	EXPECT(!q.user_executable);

	EXPECT(vmx_decode_ept_violation(0x40).user_executable);
}

TEST(ept_violation_describe_texts)
{
	char buf[160];
	size_t n;

	n = ept_violation_describe(0x182, buf, sizeof(buf));
	EXPECT_STREQ(buf, "write access to a page that is not present, guest linear address valid");
	EXPECT_EQ(n, strlen(buf));

	ept_violation_describe(0x19C, buf, sizeof(buf));
	EXPECT_STREQ(buf, "instruction fetch access to a page mapped rw-, guest linear address valid");

	ept_violation_describe(0x08B, buf, sizeof(buf));
	EXPECT_STREQ(buf, "read and write access to a page mapped r--, "
		     "during a guest paging-structure walk");

	ept_violation_describe(0x1029, buf, sizeof(buf));
	EXPECT_STREQ(buf, "read access to a page mapped r-x, no guest linear address, "
		     "NMI unblocked by IRET");

	/* Cut to fit, but the full length is returned. */
	n = ept_violation_describe(0x182, buf, 10);
	EXPECT_STREQ(buf, "write acc");
	EXPECT_EQ(n, strlen("write access to a page that is not present, guest linear address valid"));
}
