/* The general-register frame by number: whole, sized and high-byte views, the invalid-index policy, names. */
// unit-test-source: arch/registers.c
#include <limits.h>

#include "arch/registers.h"
#include "unit.h"

/* The host's register_access_bug(): record the misuse and return (arch/registers.h). */
static struct {
	int calls;
	const char *accessor;
	unsigned index, size;
} bug;

void register_access_bug(const char *accessor, unsigned index, unsigned size_bytes)
{
	bug.calls++;
	bug.accessor = accessor;
	bug.index = index;
	bug.size = size_bytes;
}

static void reset_bug(void)
{
	bug.calls = 0;
	bug.accessor = NULL;
	bug.index = bug.size = 0;
}

/* Each register's field by x86 number, written out independently of the code under test. */
static uint64_t *field(struct general_registers *r, unsigned index)
{
	uint64_t *fields[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->unused_rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};
	return fields[index];
}

static void fill(struct general_registers *r)
{
	for (unsigned i = 0; i < 16; i++)
		*field(r, i) = 0xA5A5A5A5A5A5A500ULL | i;
}

TEST(register_index_valid_is_0_to_15_without_rsp)
{
	unsigned valid = 0;

	for (unsigned i = 0; i < 300; i++)
		valid += register_index_valid(i);
	EXPECT_EQ(valid, 15);
	EXPECT(register_index_valid(0));
	EXPECT(register_index_valid(3));
	EXPECT(!register_index_valid(4));
	EXPECT(register_index_valid(5));
	EXPECT(register_index_valid(15));
	EXPECT(!register_index_valid(16));
	EXPECT(!register_index_valid(UINT_MAX));
}

TEST(registers_every_index_round_trips_to_its_own_field)
{
	for (unsigned i = 0; i < 16; i++) {
		struct general_registers r, before;
		uint64_t value = 0x0123456789ABCDEFULL ^ ((uint64_t)i << 56);

		if (i == REGISTER_INDEX_RSP)
			continue;
		reset_bug();
		fill(&r);
		before = r;
		set_reg_of_index(&r, i, value);
		EXPECT_EQ(*field(&r, i), value);
		EXPECT_EQ(get_reg_of_index(&r, i), value);
		/* Nothing else moved. */
		for (unsigned j = 0; j < 16; j++)
			if (j != i)
				EXPECT_EQ(*field(&r, j), *field(&before, j));
		EXPECT_EQ(bug.calls, 0);
	}
}

TEST(registers_named_indexes_match_the_sdm_encoding)
{
	struct general_registers r = { 0 };

	r.rbx = 3;
	r.rdx = 2;
	r.rbp = 5;
	r.rdi = 7;
	r.r8 = 8;
	EXPECT_EQ(get_reg_of_index(&r, 2), 2);  /* RDX is 2, RBX is 3 (not alphabetical) */
	EXPECT_EQ(get_reg_of_index(&r, 3), 3);
	EXPECT_EQ(get_reg_of_index(&r, 5), 5);
	EXPECT_EQ(get_reg_of_index(&r, 7), 7);
	EXPECT_EQ(get_reg_of_index(&r, 8), 8);
}

TEST(registers_rsp_and_out_of_range_are_bugs_that_touch_nothing)
{
	static const unsigned bad[] = { REGISTER_INDEX_RSP, 16, 17, 255, UINT_MAX };

	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct general_registers r, before;

		fill(&r);
		before = r;

		reset_bug();
		EXPECT_EQ(get_reg_of_index(&r, bad[k]), 0);
		EXPECT_EQ(bug.calls, 1);
		EXPECT_STREQ(bug.accessor, "get_reg_of_index");
		EXPECT_EQ(bug.index, bad[k]);
		EXPECT_EQ(bug.size, 8);

		reset_bug();
		set_reg_of_index(&r, bad[k], 0xDEAD);
		EXPECT_EQ(bug.calls, 1);
		EXPECT_STREQ(bug.accessor, "set_reg_of_index");
		EXPECT_EQ(bug.index, bad[k]);

		reset_bug();
		reg_write_sized(&r, bad[k], 4, 0xBEEF);
		EXPECT_EQ(reg_read_sized(&r, bad[k], 1), 0);
		EXPECT_EQ(bug.calls, 2);
		EXPECT_STREQ(bug.accessor, "reg_read_sized");

		EXPECT(memcmp(&r, &before, sizeof(r)) == 0);
	}
}

TEST(registers_32_bit_write_zero_extends)
{
	struct general_registers r;

	fill(&r);
	r.rax = ~0ULL;
	reg_write_sized(&r, 0, 4, 0x12345678);
	EXPECT_EQ(r.rax, 0x12345678);
	/* Bits of the value above the size are ignored, not written. */
	r.r11 = 0;
	reg_write_sized(&r, 11, 4, 0xAAAAAAAA87654321ULL);
	EXPECT_EQ(r.r11, 0x87654321);
	regs_set_ecx(&r, 0xFFFFFFFF);
	EXPECT_EQ(r.rcx, 0xFFFFFFFFULL);
}

TEST(registers_16_and_8_bit_writes_keep_the_other_bits)
{
	struct general_registers r;

	reset_bug();
	fill(&r);
	r.r9 = 0x1122334455667788ULL;
	reg_write_sized(&r, 9, 2, 0xABCD);
	EXPECT_EQ(r.r9, 0x112233445566ABCDULL);
	reg_write_sized(&r, 9, 1, 0x1EF);       /* only the low byte: 0xEF */
	EXPECT_EQ(r.r9, 0x112233445566ABEFULL);
	reg_write_sized(&r, 9, 8, 0x8000000000000001ULL);
	EXPECT_EQ(r.r9, 0x8000000000000001ULL);
	EXPECT_EQ(bug.calls, 0);
}

TEST(registers_sized_reads_take_the_low_bits)
{
	struct general_registers r = { 0 };

	r.rsi = 0x8877665544332211ULL;
	EXPECT_EQ(reg_read_sized(&r, 6, 1), 0x11);
	EXPECT_EQ(reg_read_sized(&r, 6, 2), 0x2211);
	EXPECT_EQ(reg_read_sized(&r, 6, 4), 0x44332211);
	EXPECT_EQ(reg_read_sized(&r, 6, 8), 0x8877665544332211ULL);
}

TEST(registers_sizes_other_than_1_2_4_8_are_bugs)
{
	static const unsigned bad[] = { 0, 3, 5, 6, 7, 16 };
	struct general_registers r, before;

	fill(&r);
	before = r;
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		reset_bug();
		EXPECT_EQ(reg_read_sized(&r, 0, bad[k]), 0);
		reg_write_sized(&r, 0, bad[k], 0);
		EXPECT_EQ(bug.calls, 2);
		EXPECT_EQ(bug.size, bad[k]);
		EXPECT_STREQ(bug.accessor, "reg_write_sized");
	}
	EXPECT(memcmp(&r, &before, sizeof(r)) == 0);
}

TEST(registers_high_byte_registers_are_bits_15_8_of_rax_rcx_rdx_rbx)
{
	struct general_registers r;

	fill(&r);
	r.rax = 0x1122334455667788ULL;
	r.rcx = 0x00000000000012FFULL;
	r.rdx = 0xFFFFFFFFFFFFFFFFULL;
	r.rbx = 0x000000000000AB00ULL;
	reset_bug();
	EXPECT_EQ(reg_read_high_byte(&r, 0), 0x77);     /* AH */
	EXPECT_EQ(reg_read_high_byte(&r, 1), 0x12);     /* CH */
	EXPECT_EQ(reg_read_high_byte(&r, 3), 0xAB);     /* BH */
	reg_write_high_byte(&r, 2, 0x00);               /* DH = 0 */
	EXPECT_EQ(r.rdx, 0xFFFFFFFFFFFF00FFULL);
	reg_write_high_byte(&r, 0, 0xC3);
	EXPECT_EQ(r.rax, 0x112233445566C388ULL);        /* AL and bits 63:16 untouched */
	EXPECT_EQ(bug.calls, 0);

	/* Encodings 4-7 (AH..BH without REX) are the caller's to map: index 4 here is a bug, not SPL. */
	EXPECT_EQ(reg_read_high_byte(&r, 4), 0);
	reg_write_high_byte(&r, 5, 0x99);
	EXPECT_EQ(bug.calls, 2);
	EXPECT_STREQ(bug.accessor, "reg_write_high_byte");
	EXPECT_EQ(r.rbp, 0xA5A5A5A5A5A5A505ULL);
}

TEST(registers_edx_eax_helpers)
{
	struct general_registers r;

	fill(&r);
	r.rax = 0xFFFFFFFF00000001ULL;
	r.rdx = 0xFFFFFFFF00000002ULL;
	EXPECT_EQ(regs_edx_eax(&r), 0x0000000200000001ULL);     /* high halves ignored */
	regs_set_edx_eax(&r, 0x1122334455667788ULL);
	EXPECT_EQ(r.rax, 0x55667788);                           /* and cleared on write */
	EXPECT_EQ(r.rdx, 0x11223344);
	EXPECT_EQ(regs_eax(&r), 0x55667788);
	EXPECT_EQ(regs_edx(&r), 0x11223344);
	regs_set_ebx(&r, 7);
	EXPECT_EQ(r.rbx, 7);
	EXPECT_EQ(regs_ebx(&r), 7);
	EXPECT_EQ(regs_ecx(&r), 0xA5A5A501);
}

TEST(registers_names_table)
{
	static const unsigned sizes[] = { 8, 4, 2, 1 };
	const char *all[64];
	unsigned n = 0;

	EXPECT_STREQ(general_register_names[0], "rax");
	EXPECT_STREQ(general_register_names[3], "rbx");
	EXPECT_STREQ(general_register_names[4], "rsp");
	EXPECT_STREQ(general_register_names[15], "r15");
	EXPECT_STREQ(general_register_name_sized(0, 4), "eax");
	EXPECT_STREQ(general_register_name_sized(8, 4), "r8d");
	EXPECT_STREQ(general_register_name_sized(9, 2), "r9w");
	EXPECT_STREQ(general_register_name_sized(6, 1), "sil");
	EXPECT_STREQ(general_register_name_sized(4, 1), "spl");
	EXPECT_STREQ(general_register_name_sized(15, 1), "r15b");
	EXPECT_STREQ(general_register_name_sized(7, 8), "rdi");
	EXPECT_STREQ(general_register_name_sized(16, 8), "?");
	EXPECT_STREQ(general_register_name_sized(0, 3), "?");

	/* 64 names, all nonempty and all different. */
	for (unsigned s = 0; s < 4; s++)
		for (unsigned i = 0; i < 16; i++)
			all[n++] = general_register_name_sized(i, sizes[s]);
	for (unsigned i = 0; i < n; i++) {
		EXPECT(all[i] && all[i][0] && strcmp(all[i], "?") != 0);
		for (unsigned j = i + 1; j < n; j++)
			EXPECT(strcmp(all[i], all[j]) != 0);
	}
}
