/*
 * The general-register frame by register number, whole and in the
 * processor's sized views.  Pure apart from register_access_bug(): the
 * host unit tests compile this file and supply their own hook.
 */
#include "arch/registers.h"

#ifndef VENEER_HOST_TEST
#include "kernel/panic.h"
#endif

const char *const general_register_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const names32[16] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};

static const char *const names16[16] = {
	"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};

static const char *const names8[16] = {
	"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};

#ifndef VENEER_HOST_TEST
void register_access_bug(const char *accessor, unsigned index, unsigned size_bytes)
{
	panic("BUG: %s(register %u, %u bytes): registers are 0-15 without 4 (RSP is "
	      "in the VMCS), sizes 1, 2, 4 or 8; callers check register_index_valid()",
	      accessor, index, size_bytes);
}
#endif

/* The frame slot of a register number; NULL for RSP and numbers above 15. */
static uint64_t *slot(struct general_registers *regs, unsigned index)
{
	switch (index) {
	case 0:  return &regs->rax;
	case 1:  return &regs->rcx;
	case 2:  return &regs->rdx;
	case 3:  return &regs->rbx;
	case 5:  return &regs->rbp;
	case 6:  return &regs->rsi;
	case 7:  return &regs->rdi;
	case 8:  return &regs->r8;
	case 9:  return &regs->r9;
	case 10: return &regs->r10;
	case 11: return &regs->r11;
	case 12: return &regs->r12;
	case 13: return &regs->r13;
	case 14: return &regs->r14;
	case 15: return &regs->r15;
	default: return NULL;
	}
}

static bool size_valid(unsigned size_bytes)
{
	return size_bytes == 1 || size_bytes == 2 || size_bytes == 4 || size_bytes == 8;
}

static uint64_t size_mask(unsigned size_bytes)
{
	return size_bytes == 8 ? ~0ULL : (1ULL << (size_bytes * 8)) - 1;
}

/* The accessors below share these; accessor names the public function for the bug report. */
static uint64_t read_sized(const struct general_registers *regs, unsigned index,
			   unsigned size_bytes, const char *accessor)
{
	/* slot() only hands the pointer back for reading here. */
	const uint64_t *p = slot((struct general_registers *)regs, index);

	if (!p || !size_valid(size_bytes)) {
		register_access_bug(accessor, index, size_bytes);
		return 0;
	}
	return *p & size_mask(size_bytes);
}

static void write_sized(struct general_registers *regs, unsigned index, unsigned size_bytes,
			uint64_t value, const char *accessor)
{
	uint64_t *p = slot(regs, index);

	if (!p || !size_valid(size_bytes)) {
		register_access_bug(accessor, index, size_bytes);
		return;
	}
	if (size_bytes >= 4)
		*p = value & size_mask(size_bytes);     /* 32-bit writes zero-extend */
	else
		*p = (*p & ~size_mask(size_bytes)) | (value & size_mask(size_bytes));
}

uint64_t get_reg_of_index(const struct general_registers *regs, unsigned index)
{
	return read_sized(regs, index, 8, __func__);
}

void set_reg_of_index(struct general_registers *regs, unsigned index, uint64_t value)
{
	write_sized(regs, index, 8, value, __func__);
}

uint64_t reg_read_sized(const struct general_registers *regs, unsigned index, unsigned size_bytes)
{
	return read_sized(regs, index, size_bytes, __func__);
}

void reg_write_sized(struct general_registers *regs, unsigned index, unsigned size_bytes,
		     uint64_t value)
{
	write_sized(regs, index, size_bytes, value, __func__);
}

uint8_t reg_read_high_byte(const struct general_registers *regs, unsigned index)
{
	if (index > 3) {
		register_access_bug(__func__, index, 1);
		return 0;
	}
	return (uint8_t)(read_sized(regs, index, 2, __func__) >> 8);
}

void reg_write_high_byte(struct general_registers *regs, unsigned index, uint8_t value)
{
	uint64_t *p = slot(regs, index);

	if (index > 3 || !p) {
		register_access_bug(__func__, index, 1);
		return;
	}
	*p = (*p & ~0xFF00ULL) | (uint64_t)value << 8;
}

const char *general_register_name_sized(unsigned index, unsigned size_bytes)
{
	if (index > 15)
		return "?";
	switch (size_bytes) {
	case 8: return general_register_names[index];
	case 4: return names32[index];
	case 2: return names16[index];
	case 1: return names8[index];
	default: return "?";
	}
}
