/*
 * The MMIO-store decoder over real encodings.  Every byte string below was
 * produced by GNU as from the assembly beside it (.code64, .code32 or
 * .code16 as the mode says; ".byte" supplies prefixes and encodings as
 * does not choose by itself) and checked with objdump.
 */
// unit-test-source: vmx/guest/instruction_decode.c
#include <stdbool.h>
#include <stdlib.h>

#include "unit.h"
#include "vmx/guest/instruction_decode.h"

struct store_case {
	unsigned mode;                  /* 64, 32 or 16: the code segment's default size */
	const char *text;               /* what as assembled */
	unsigned size;
	bool immediate;
	uint64_t value;
	unsigned reg;
	bool high;
	bool exchange;
	uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH];
	unsigned length;
};

#define BYTES(...)      .bytes = { __VA_ARGS__ }, .length = sizeof((const uint8_t[]){ __VA_ARGS__ })
#define REG(n)          .reg = (n)
#define HIGH(n)         .reg = (n), .high = true
#define IMM(v)          .immediate = true, .value = (v)
#define XCHG(n)         .reg = (n), .exchange = true
#define XCHG_HIGH(n)    .reg = (n), .high = true, .exchange = true

static const struct store_case stores[] = {
	{ 64, "movl %eax,0x300(%rdx)", 4, REG(0),
	  BYTES(0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "movl %r8d,(%rax)", 4, REG(8),
	  BYTES(0x44, 0x89, 0x00) },
	{ 64, "movl $0xc4500,0x300(%rbx)", 4, IMM(0xc4500),
	  BYTES(0xc7, 0x83, 0x00, 0x03, 0x00, 0x00, 0x00, 0x45, 0x0c, 0x00) },
	{ 64, "movl %ecx,0x1234(%rip)", 4, REG(1),
	  BYTES(0x89, 0x0d, 0x34, 0x12, 0x00, 0x00) },
	{ 64, "movl $0x12345678,0x7ffffff0(%rip)", 4, IMM(0x12345678),
	  BYTES(0xc7, 0x05, 0xf0, 0xff, 0xff, 0x7f, 0x78, 0x56, 0x34, 0x12) },
	{ 64, "movl %esi,0x10(%rax,%rcx,4)", 4, REG(6),
	  BYTES(0x89, 0x74, 0x88, 0x10) },
	{ 64, "movl %eax,0x10(%rbx)", 4, REG(0),
	  BYTES(0x89, 0x43, 0x10) },
	{ 64, "movl %eax,-0x10(%rbx)", 4, REG(0),
	  BYTES(0x89, 0x43, 0xf0) },
	/* Linux's native_apic_mem_write(): the fixmap address, SIB with no base and no index. */
	{ 64, "movl %eax,0xffffffffff5fc300", 4, REG(0),
	  BYTES(0x89, 0x04, 0x25, 0x00, 0xc3, 0x5f, 0xff) },
	{ 64, "movl %edx,(,%rcx,8)", 4, REG(2),
	  BYTES(0x89, 0x14, 0xcd, 0x00, 0x00, 0x00, 0x00) },
	{ 64, "movl %eax,0x300(%r11,%r14,2)", 4, REG(0),
	  BYTES(0x43, 0x89, 0x84, 0x73, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "movl %r15d,(%r12)", 4, REG(15),
	  BYTES(0x45, 0x89, 0x3c, 0x24) },
	{ 64, "movl %eax,(%r13)", 4, REG(0),
	  BYTES(0x41, 0x89, 0x45, 0x00) },
	{ 64, "movl %eax,0x40(%rsp)", 4, REG(0),
	  BYTES(0x89, 0x44, 0x24, 0x40) },
	{ 64, "movl %eax,(%rbp)", 4, REG(0),
	  BYTES(0x89, 0x45, 0x00) },
	{ 64, "movl %esp,(%rbx)", 4, REG(4),
	  BYTES(0x89, 0x23) },
	{ 64, "movl $0xffffffff,(%rbx)", 4, IMM(0xffffffff),
	  BYTES(0xc7, 0x03, 0xff, 0xff, 0xff, 0xff) },
	{ 64, "movw %ax,(%rbx)", 2, REG(0),
	  BYTES(0x66, 0x89, 0x03) },
	{ 64, "movw $0x1234,0x300(%rdx)", 2, IMM(0x1234),
	  BYTES(0x66, 0xc7, 0x82, 0x00, 0x03, 0x00, 0x00, 0x34, 0x12) },
	{ 64, "movw %r9w,0x10(%rbx)", 2, REG(9),
	  BYTES(0x66, 0x44, 0x89, 0x4b, 0x10) },
	{ 64, "movb %al,(%rbx)", 1, REG(0),
	  BYTES(0x88, 0x03) },
	{ 64, "movb %ah,(%rbx)", 1, HIGH(0),
	  BYTES(0x88, 0x23) },
	{ 64, "movb %bh,0x10(%rcx)", 1, HIGH(3),
	  BYTES(0x88, 0x79, 0x10) },
	{ 64, "movb %spl,(%rbx)", 1, REG(4),
	  BYTES(0x40, 0x88, 0x23) },
	{ 64, "movb %dil,(%rbx)", 1, REG(7),
	  BYTES(0x40, 0x88, 0x3b) },
	{ 64, "movb %r9b,(%r10)", 1, REG(9),
	  BYTES(0x45, 0x88, 0x0a) },
	{ 64, "movb %r12b,(%rbx)", 1, REG(12),
	  BYTES(0x44, 0x88, 0x23) },
	{ 64, ".byte 0x44; movb %spl,(%rbx)", 1, REG(4),        /* the last REX counts */
	  BYTES(0x44, 0x40, 0x88, 0x23) },
	{ 64, "movb $0x7f,(%rbx)", 1, IMM(0x7f),
	  BYTES(0xc6, 0x03, 0x7f) },
	{ 64, "movb $0xff,0x300(%rdx)", 1, IMM(0xff),
	  BYTES(0xc6, 0x82, 0x00, 0x03, 0x00, 0x00, 0xff) },
	{ 64, "movq %rax,(%rbx)", 8, REG(0),
	  BYTES(0x48, 0x89, 0x03) },
	{ 64, "movq %r15,0x8(%r12)", 8, REG(15),
	  BYTES(0x4d, 0x89, 0x7c, 0x24, 0x08) },
	{ 64, "movq $-1,(%rbx)", 8, IMM(0xffffffffffffffff),
	  BYTES(0x48, 0xc7, 0x03, 0xff, 0xff, 0xff, 0xff) },
	{ 64, "movq $0x7fffffff,0x8(%rbx)", 8, IMM(0x7fffffff),
	  BYTES(0x48, 0xc7, 0x43, 0x08, 0xff, 0xff, 0xff, 0x7f) },
	{ 64, "movq $-0x80000000,(%rbx)", 8, IMM(0xffffffff80000000),
	  BYTES(0x48, 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80) },
	{ 64, "xchgl %eax,0x300(%rdx)", 4, XCHG(0),
	  BYTES(0x87, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "xchgl %r10d,(%rbx)", 4, XCHG(10),
	  BYTES(0x44, 0x87, 0x13) },
	{ 64, "xchgb %dl,(%rbx)", 1, XCHG(2),
	  BYTES(0x86, 0x13) },
	{ 64, "xchgb %ah,(%rbx)", 1, XCHG_HIGH(0),
	  BYTES(0x86, 0x23) },
	{ 64, "xchgq %rcx,(%rdi)", 8, XCHG(1),
	  BYTES(0x48, 0x87, 0x0f) },
	{ 64, "lock xchgl %eax,(%rbx)", 4, XCHG(0),
	  BYTES(0xf0, 0x87, 0x03) },
	{ 64, "movl %eax,%fs:0x300(%rdx)", 4, REG(0),
	  BYTES(0x64, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "movl %ebx,%gs:0x300", 4, REG(3),
	  BYTES(0x65, 0x89, 0x1c, 0x25, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "movl %eax,0x300(%edx)", 4, REG(0),
	  BYTES(0x67, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "movl %ecx,0x1234(%eip)", 4, REG(1),
	  BYTES(0x67, 0x89, 0x0d, 0x34, 0x12, 0x00, 0x00) },
	{ 64, "movabsl %eax,0xfee00300", 4, REG(0),
	  BYTES(0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ 64, "movabsb %al,0xfee00300", 1, REG(0),
	  BYTES(0xa2, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ 64, "movabsw %ax,0xfee00300", 2, REG(0),
	  BYTES(0x66, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ 64, "movabsq %rax,0xfee00300", 8, REG(0),
	  BYTES(0x48, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ 64, "addr32 movabsl %eax,0xfee00300", 4, REG(0),
	  BYTES(0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ 64, "data16 movq %rax,(%rbx)", 8, REG(0),
	  BYTES(0x66, 0x48, 0x89, 0x03) },
	{ 64, "xrelease movl %eax,(%rbx)", 4, REG(0),
	  BYTES(0xf3, 0x89, 0x03) },
	{ 64, ".byte 0xf2; movl %eax,(%rbx)", 4, REG(0),
	  BYTES(0xf2, 0x89, 0x03) },
	{ 64, ".byte 0x66; movb %al,(%rbx)", 1, REG(0),
	  BYTES(0x66, 0x88, 0x03) },
	{ 64, ".byte 0x48; movw %ax,(%rbx)", 2, REG(0),
	  BYTES(0x48, 0x66, 0x89, 0x03) },
	{ 64, ".byte 0x41; movq %rax,(%rbx)", 8, REG(0),
	  BYTES(0x41, 0x48, 0x89, 0x03) },
	{ 64, ".byte 0x40; movl %eax,(%rbx)", 4, REG(0),
	  BYTES(0x40, 0x89, 0x03) },
	{ 64, ".byte 0x2e,0x3e,0x26,0x36,0x64,0x65,0xf0,0xf3,0x67; movl %eax,0x300(%rdx)", 4, REG(0),
	  BYTES(0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0xf0, 0xf3, 0x67, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	/* 32-bit code: as prefers the moffs form for an absolute address in EAX. */
	{ 32, "movl %eax,0xfee00300", 4, REG(0),
	  BYTES(0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ 32, "movl %ebx,0xfee00300", 4, REG(3),
	  BYTES(0x89, 0x1d, 0x00, 0x03, 0xe0, 0xfe) },
	{ 32, "movl %eax,0x300(%edx)", 4, REG(0),
	  BYTES(0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 32, "movl $0xc4500,0x300(%ebx)", 4, IMM(0xc4500),
	  BYTES(0xc7, 0x83, 0x00, 0x03, 0x00, 0x00, 0x00, 0x45, 0x0c, 0x00) },
	{ 32, "movl $1,0x10(%ebx,%esi,2)", 4, IMM(1),
	  BYTES(0xc7, 0x44, 0x73, 0x10, 0x01, 0x00, 0x00, 0x00) },
	{ 32, "movl %esi,0x10(%eax,%ecx,4)", 4, REG(6),
	  BYTES(0x89, 0x74, 0x88, 0x10) },
	{ 32, "movl %edx,(,%ecx,8)", 4, REG(2),
	  BYTES(0x89, 0x14, 0xcd, 0x00, 0x00, 0x00, 0x00) },
	{ 32, "movl %eax,0x40(%esp)", 4, REG(0),
	  BYTES(0x89, 0x44, 0x24, 0x40) },
	{ 32, "movl %eax,-4(%ebp)", 4, REG(0),
	  BYTES(0x89, 0x45, 0xfc) },
	{ 32, "movl %eax,%es:(%edi)", 4, REG(0),
	  BYTES(0x26, 0x89, 0x07) },
	{ 32, "movw %ax,(%ebx)", 2, REG(0),
	  BYTES(0x66, 0x89, 0x03) },
	{ 32, "movw $0x1234,(%ebx)", 2, IMM(0x1234),
	  BYTES(0x66, 0xc7, 0x03, 0x34, 0x12) },
	{ 32, "movb %ah,(%ebx)", 1, HIGH(0),
	  BYTES(0x88, 0x23) },
	{ 32, "movb %ch,(%ebx)", 1, HIGH(1),
	  BYTES(0x88, 0x2b) },
	{ 32, "movb %al,0xfee00300", 1, REG(0),
	  BYTES(0xa2, 0x00, 0x03, 0xe0, 0xfe) },
	{ 32, "movw %ax,0xfee00300", 2, REG(0),
	  BYTES(0x66, 0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ 32, "movl %eax,0x300(%bx,%si)", 4, REG(0),
	  BYTES(0x67, 0x89, 0x80, 0x00, 0x03) },
	{ 32, "addr16 movl %eax,0x300", 4, REG(0),
	  BYTES(0x67, 0xa3, 0x00, 0x03) },
	{ 32, "addr16 movl %ebx,0x300", 4, REG(3),
	  BYTES(0x67, 0x89, 0x1e, 0x00, 0x03) },
	{ 32, "xchgl %eax,0x300(%edx)", 4, XCHG(0),
	  BYTES(0x87, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 16, "movl %eax,0x300", 4, REG(0),
	  BYTES(0x66, 0xa3, 0x00, 0x03) },
	{ 16, "movw %ax,0x300", 2, REG(0),
	  BYTES(0xa3, 0x00, 0x03) },
	{ 16, "movw %bx,0x300", 2, REG(3),
	  BYTES(0x89, 0x1e, 0x00, 0x03) },
	{ 16, "movb $5,0x300", 1, IMM(5),
	  BYTES(0xc6, 0x06, 0x00, 0x03, 0x05) },
	{ 16, "movl %eax,(%bx,%si)", 4, REG(0),
	  BYTES(0x66, 0x89, 0x00) },
	{ 16, "movl %eax,0x10(%bp)", 4, REG(0),
	  BYTES(0x66, 0x89, 0x46, 0x10) },
	{ 16, "movl %eax,0x1234(%bx,%di)", 4, REG(0),
	  BYTES(0x66, 0x89, 0x81, 0x34, 0x12) },
	{ 16, "movw %ax,(%bp)", 2, REG(0),
	  BYTES(0x89, 0x46, 0x00) },
	{ 16, "movw %dx,(%si)", 2, REG(2),
	  BYTES(0x89, 0x14) },
	{ 16, "movl $0xc4500,0x300(%bx)", 4, IMM(0xc4500),
	  BYTES(0x66, 0xc7, 0x87, 0x00, 0x03, 0x00, 0x45, 0x0c, 0x00) },
	{ 16, "movw $0x1234,0x300(%bx)", 2, IMM(0x1234),
	  BYTES(0xc7, 0x87, 0x00, 0x03, 0x34, 0x12) },
	{ 16, "movb %ah,-0x2(%di)", 1, HIGH(0),
	  BYTES(0x88, 0x65, 0xfe) },
	{ 16, "movl %eax,0x300(%edx)", 4, REG(0),
	  BYTES(0x67, 0x66, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 16, "movl %eax,0x10(%eax,%ecx,4)", 4, REG(0),
	  BYTES(0x67, 0x66, 0x89, 0x44, 0x88, 0x10) },
	{ 16, "movl %eax,%fs:0x300", 4, REG(0),
	  BYTES(0x64, 0x66, 0xa3, 0x00, 0x03) },
	{ 16, "xchgw %ax,(%bx)", 2, XCHG(0),
	  BYTES(0x87, 0x07) },
};

#define STORE_COUNT     (sizeof(stores) / sizeof(stores[0]))

/* Decodes from an exactly sized copy: the sanitizer catches any read past available. */
static enum decode_result decode(const uint8_t *bytes, size_t available, unsigned mode, struct mmio_store *out)
{
	uint8_t *copy = malloc(available ? available : 1);
	enum decode_result r;

	memcpy(copy, bytes, available);
	r = decode_mmio_store(copy, available, mode, out);
	free(copy);
	return r;
}

static void check_store(const struct store_case *c, const uint8_t *bytes, size_t available)
{
	struct mmio_store st;
	enum decode_result r = decode(bytes, available, c->mode, &st);

	if (r != DECODE_OK) {
		unit_fail(__FILE__, __LINE__, "%u-bit \"%s\": %s", c->mode, c->text, decode_result_name(r));
		return;
	}
	if (st.length != c->length || st.size != c->size || st.immediate != c->immediate ||
	    (c->immediate && st.immediate_value != c->value) ||
	    (!c->immediate && (st.source_register != c->reg || st.source_high_byte != c->high)) ||
	    st.is_exchange != c->exchange)
		unit_fail(__FILE__, __LINE__,
			  "%u-bit \"%s\": length %u size %u immediate %d value %#llx register %u high %d xchg %d, "
			  "expected length %u size %u immediate %d value %#llx register %u high %d xchg %d",
			  c->mode, c->text, st.length, st.size, st.immediate,
			  (unsigned long long)st.immediate_value, st.source_register, st.source_high_byte,
			  st.is_exchange, c->length, c->size, c->immediate, (unsigned long long)c->value,
			  c->reg, c->high, c->exchange);
}

TEST(decode_stores_as_assembled)
{
	for (size_t i = 0; i < STORE_COUNT; i++)
		check_store(&stores[i], stores[i].bytes, stores[i].length);
}

TEST(decode_stops_at_the_end_of_the_instruction)
{
	/* What follows the instruction (here bytes that would extend it if read) changes nothing. */
	for (size_t i = 0; i < STORE_COUNT; i++) {
		uint8_t padded[X86_MAX_INSTRUCTION_LENGTH + 8];

		memset(padded, 0x66, sizeof(padded));
		memcpy(padded, stores[i].bytes, stores[i].length);
		check_store(&stores[i], padded, sizeof(padded));
	}
}

TEST(decode_every_shorter_prefix_is_truncated)
{
	for (size_t i = 0; i < STORE_COUNT; i++) {
		for (unsigned n = 0; n < stores[i].length; n++) {
			struct mmio_store st;
			enum decode_result r = decode(stores[i].bytes, n, stores[i].mode, &st);

			if (r != DECODE_TRUNCATED)
				unit_fail(__FILE__, __LINE__, "%u-bit \"%s\" cut to %u bytes: %s",
					  stores[i].mode, stores[i].text, n, decode_result_name(r));
		}
	}
}

TEST(decode_rex_only_in_64bit_mode)
{
	static const uint8_t inc_mov[] = { 0x40, 0x89, 0x03 };  /* 64: rex movl %eax,(%rbx); else inc; mov */
	static const uint8_t dec_mov[] = { 0x48, 0x89, 0x03 };  /* 64: movq %rax,(%rbx); else dec; mov */
	struct mmio_store st;

	EXPECT_EQ(decode(inc_mov, sizeof(inc_mov), 64, &st), DECODE_OK);
	EXPECT_EQ(st.length, 3);
	EXPECT_EQ(st.size, 4);
	EXPECT_EQ(decode(dec_mov, sizeof(dec_mov), 64, &st), DECODE_OK);
	EXPECT_EQ(st.size, 8);

	EXPECT_EQ(decode(inc_mov, sizeof(inc_mov), 32, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(dec_mov, sizeof(dec_mov), 32, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(inc_mov, sizeof(inc_mov), 16, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(inc_mov, 1, 32, &st), DECODE_UNSUPPORTED);     /* INC is known from its first byte */
}

TEST(decode_rex_counts_only_right_before_the_opcode)
{
	static const uint8_t rex_then_66[] = { 0x48, 0x66, 0x89, 0x03 };        /* REX.W ignored: movw */
	static const uint8_t rex_then_lock[] = { 0x44, 0xf0, 0x87, 0x03 };      /* REX.R ignored: xchg %eax */
	static const uint8_t rex_r_then_rex[] = { 0x44, 0x48, 0x89, 0x03 };     /* only REX.W: movq %rax */
	struct mmio_store st;

	EXPECT_EQ(decode(rex_then_66, sizeof(rex_then_66), 64, &st), DECODE_OK);
	EXPECT_EQ(st.size, 2);
	EXPECT_EQ(st.length, 4);
	EXPECT_EQ(decode(rex_then_lock, sizeof(rex_then_lock), 64, &st), DECODE_OK);
	EXPECT_EQ(st.source_register, 0);
	EXPECT(st.is_exchange);
	EXPECT_EQ(decode(rex_r_then_rex, sizeof(rex_r_then_rex), 64, &st), DECODE_OK);
	EXPECT_EQ(st.size, 8);
	EXPECT_EQ(st.source_register, 0);
}

struct refused_case {
	unsigned mode;
	const char *text;
	uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH];
	unsigned length;
};

static const struct refused_case refused[] = {
	{ 64, "movl %eax,%ebx", BYTES(0x89, 0xc3) },
	{ 64, "movb %al,%bl", BYTES(0x88, 0xc3) },
	{ 64, ".byte 0x87, 0xd8 (xchg %ebx,%eax)", BYTES(0x87, 0xd8) },
	{ 64, "movl $1,%ebx", BYTES(0xbb, 0x01, 0x00, 0x00, 0x00) },
	{ 64, "addl %eax,(%rbx)", BYTES(0x01, 0x03) },
	{ 64, "orl $1,0x300(%rdx)", BYTES(0x83, 0x8a, 0x00, 0x03, 0x00, 0x00, 0x01) },
	{ 64, "movl (%rbx),%eax", BYTES(0x8b, 0x03) },
	{ 64, "movl 0x300(%rdx),%eax", BYTES(0x8b, 0x82, 0x00, 0x03, 0x00, 0x00) },
	{ 64, "rep movsl", BYTES(0xf3, 0xa5) },
	{ 64, "stosl", BYTES(0xab) },
	{ 64, "movnti %eax,(%rbx)", BYTES(0x0f, 0xc3, 0x03) },
	{ 64, "vmovd %xmm0,(%rbx)", BYTES(0xc5, 0xf9, 0x7e, 0x03) },
	{ 64, "xbegin . (C7 F8)", BYTES(0xc7, 0xf8, 0xfa, 0xff, 0xff, 0xff) },
	{ 64, ".byte 0xc7, 0x0b, 1, 0, 0, 0 (C7 /1: undefined)", BYTES(0xc7, 0x0b, 0x01, 0x00, 0x00, 0x00) },
	{ 64, ".byte 0xc6, 0x4b, 0x10, 1 (C6 /1: undefined)", BYTES(0xc6, 0x4b, 0x10, 0x01) },
	{ 64, "movq %rax,%cr0", BYTES(0x0f, 0x22, 0xc0) },
	{ 64, "nop", BYTES(0x90) },
	{ 32, "inc %eax; movl %eax,(%ebx)", BYTES(0x40, 0x89, 0x03) },
	{ 32, "dec %eax; movl %eax,(%ebx)", BYTES(0x48, 0x89, 0x03) },
	{ 16, "inc %ax; movw %ax,(%bx)", BYTES(0x40, 0x89, 0x07) },
};

TEST(decode_refuses_what_is_not_a_plain_store)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct mmio_store st;
		enum decode_result r = decode(refused[i].bytes, refused[i].length, refused[i].mode, &st);

		if (r != DECODE_UNSUPPORTED)
			unit_fail(__FILE__, __LINE__, "%u-bit \"%s\": %s", refused[i].mode, refused[i].text,
				  decode_result_name(r));
	}
}

TEST(decode_refuses_instructions_longer_than_15_bytes)
{
	/* movl %eax,0x300(%rdx): 6 bytes after the prefixes. */
	static const uint8_t mov[] = { 0x89, 0x82, 0x00, 0x03, 0x00, 0x00 };
	/* movl $0xc4500,0x300(%rbx): 10 bytes. */
	static const uint8_t mov_imm[] = { 0xc7, 0x83, 0x00, 0x03, 0x00, 0x00, 0x00, 0x45, 0x0c, 0x00 };
	uint8_t b[32];
	struct mmio_store st;

	memset(b, 0x3e, sizeof(b));                     /* DS overrides */
	memcpy(b + 9, mov, sizeof(mov));
	EXPECT_EQ(decode(b, 15, 64, &st), DECODE_OK);
	EXPECT_EQ(st.length, 15);

	memset(b, 0x3e, sizeof(b));
	memcpy(b + 10, mov, sizeof(mov));
	EXPECT_EQ(decode(b, 16, 64, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(b, 15, 64, &st), DECODE_UNSUPPORTED);  /* the 16th byte is never needed to know */

	memset(b, 0x3e, sizeof(b));
	memcpy(b + 5, mov_imm, sizeof(mov_imm));
	EXPECT_EQ(decode(b, 15, 32, &st), DECODE_OK);
	EXPECT_EQ(st.length, 15);
	memset(b, 0x3e, sizeof(b));
	memcpy(b + 6, mov_imm, sizeof(mov_imm));
	EXPECT_EQ(decode(b, 16, 32, &st), DECODE_UNSUPPORTED);

	memset(b, 0x66, sizeof(b));                     /* nothing but prefixes */
	EXPECT_EQ(decode(b, 14, 64, &st), DECODE_TRUNCATED);
	EXPECT_EQ(decode(b, 15, 64, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(b, sizeof(b), 16, &st), DECODE_UNSUPPORTED);
}

TEST(decode_refuses_unknown_modes)
{
	static const uint8_t mov[] = { 0x89, 0x03 };
	struct mmio_store st;

	EXPECT_EQ(decode(mov, sizeof(mov), 0, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(mov, sizeof(mov), 8, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(mov, sizeof(mov), 128, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(decode(mov, sizeof(mov), 32, &st), DECODE_OK);
}

TEST(decode_writes_output_only_on_success)
{
	static const uint8_t add[] = { 0x01, 0x03 };
	static const uint8_t mov[] = { 0x89, 0x82, 0x00, 0x03, 0x00, 0x00 };
	struct mmio_store st;

	memset(&st, 0xA5, sizeof(st));
	EXPECT_EQ(decode(add, sizeof(add), 64, &st), DECODE_UNSUPPORTED);
	EXPECT_EQ(st.length, 0xA5A5A5A5u);
	EXPECT_EQ(decode(mov, 3, 64, &st), DECODE_TRUNCATED);
	EXPECT_EQ(st.length, 0xA5A5A5A5u);
}

TEST(decode_store_value)
{
	const uint64_t reg = 0x1122334455667788ULL;
	struct mmio_store st = { .length = 2, .size = 4 };

	EXPECT_EQ(mmio_store_value(&st, reg), 0x55667788);
	st.size = 8;
	EXPECT_EQ(mmio_store_value(&st, reg), reg);
	st.size = 2;
	EXPECT_EQ(mmio_store_value(&st, reg), 0x7788);
	st.size = 1;
	EXPECT_EQ(mmio_store_value(&st, reg), 0x88);
	st.source_high_byte = true;                     /* movb %ah,... */
	EXPECT_EQ(mmio_store_value(&st, reg), 0x77);

	st = (struct mmio_store){ .size = 4, .immediate = true, .immediate_value = 0xc4500 };
	EXPECT_EQ(mmio_store_value(&st, reg), 0xc4500);
	st = (struct mmio_store){ .size = 8, .immediate = true, .immediate_value = ~0ULL };
	EXPECT_EQ(mmio_store_value(&st, reg), ~0ULL);
}

TEST(decode_store_value_from_decoded_instructions)
{
	static const uint8_t movb_bh[] = { 0x88, 0x79, 0x10 };                  /* movb %bh,0x10(%rcx) */
	static const uint8_t movw_imm[] = { 0x66, 0xc7, 0x03, 0x34, 0x12 };     /* 32-bit: movw $0x1234,(%ebx) */
	struct mmio_store st;

	EXPECT_EQ(decode(movb_bh, sizeof(movb_bh), 64, &st), DECODE_OK);
	EXPECT_EQ(st.source_register, 3);
	EXPECT_EQ(mmio_store_value(&st, 0xAABBCCDD), 0xCC);
	EXPECT_EQ(decode(movw_imm, sizeof(movw_imm), 32, &st), DECODE_OK);
	EXPECT_EQ(mmio_store_value(&st, 0xAABBCCDD), 0x1234);
}

TEST(decode_result_names)
{
	EXPECT_STREQ(decode_result_name(DECODE_OK), "ok");
	EXPECT_STREQ(decode_result_name(DECODE_UNSUPPORTED), "unsupported instruction");
	EXPECT_STREQ(decode_result_name(DECODE_TRUNCATED), "instruction truncated");
	EXPECT_STREQ(decode_result_name((enum decode_result)99), "unknown decode result");
}
