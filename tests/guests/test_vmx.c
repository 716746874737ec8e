/*
 * The VMX instructions.  In the guest each one exits to veneer (VMFUNC
 * aside: with VM functions disabled it is #UD without an exit), and
 * veneer, which offers no nested VMX, injects #UD, as a CPU without VMX
 * would raise.  The operands are valid-looking so that only the missing
 * VMX support can be the reason for the #UD.
 */
#include <stdint.h>

#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/trap.h"
#include "tests/guests/runtime/x86.h"

#define VMCS_GUEST_RIP          0x681Eul        /* any valid field encoding */
#define INVEPT_SINGLE_CONTEXT   1ul
#define INVVPID_ALL_CONTEXTS    2ul

/* The asm() with PROBE_INSN given as the arguments; checks it raised #UD. */
#define EXPECT_UD(name, ...)                                                    \
	do {                                                                    \
		probe_arm();                                                    \
		asm volatile(__VA_ARGS__);                                      \
		check_fault(name, probe_vector, VECTOR_UD);                     \
	} while (0)

static uint8_t vmx_region[4096] __attribute__((aligned(4096)));
static uint64_t vmx_region_address;             /* the operand of VMXON, VMCLEAR, VMPTRLD */
static uint64_t vmptrst_target;
static struct { uint64_t first, second; } invalidation_descriptor;

static void set_region_address(void)
{
	vmx_region_address = (uintptr_t)vmx_region;
}

GUEST_TEST(vmx_vmxon, "vmx", "vmx-vmxon", 0)
{
	set_region_address();
	EXPECT_UD("vmxon", PROBE_INSN("vmxon %0") : : "m"(vmx_region_address) : "memory");
}

GUEST_TEST(vmx_vmxoff, "vmx", "vmx-vmxoff", 0)
{
	EXPECT_UD("vmxoff", PROBE_INSN("vmxoff") : : : "memory", "cc");
}

GUEST_TEST(vmx_vmclear, "vmx", "vmx-vmclear", 0)
{
	set_region_address();
	EXPECT_UD("vmclear", PROBE_INSN("vmclear %0") : : "m"(vmx_region_address) : "memory", "cc");
}

GUEST_TEST(vmx_vmptrld, "vmx", "vmx-vmptrld", 0)
{
	set_region_address();
	EXPECT_UD("vmptrld", PROBE_INSN("vmptrld %0") : : "m"(vmx_region_address) : "memory", "cc");
}

GUEST_TEST(vmx_vmptrst, "vmx", "vmx-vmptrst", 0)
{
	EXPECT_UD("vmptrst", PROBE_INSN("vmptrst %0") : "+m"(vmptrst_target) : : "memory", "cc");
}

GUEST_TEST(vmx_vmread, "vmx", "vmx-vmread", 0)
{
	unsigned long field = VMCS_GUEST_RIP, value = 0;

	EXPECT_UD("vmread", PROBE_INSN("vmread %1, %0") : "+r"(value) : "r"(field) : "memory", "cc");
}

GUEST_TEST(vmx_vmwrite, "vmx", "vmx-vmwrite", 0)
{
	unsigned long field = VMCS_GUEST_RIP, value = 0x100000;

	EXPECT_UD("vmwrite", PROBE_INSN("vmwrite %0, %1") : : "r"(value), "r"(field) : "memory", "cc");
}

GUEST_TEST(vmx_vmlaunch, "vmx", "vmx-vmlaunch", 0)
{
	EXPECT_UD("vmlaunch", PROBE_INSN("vmlaunch") : : : "memory", "cc");
}

GUEST_TEST(vmx_vmresume, "vmx", "vmx-vmresume", 0)
{
	EXPECT_UD("vmresume", PROBE_INSN("vmresume") : : : "memory", "cc");
}

GUEST_TEST(vmx_invept, "vmx", "vmx-invept", 0)
{
	unsigned long type = INVEPT_SINGLE_CONTEXT;

	EXPECT_UD("invept", PROBE_INSN("invept %0, %1") : : "m"(invalidation_descriptor), "r"(type) : "memory", "cc");
}

GUEST_TEST(vmx_invvpid, "vmx", "vmx-invvpid", 0)
{
	unsigned long type = INVVPID_ALL_CONTEXTS;

	EXPECT_UD("invvpid", PROBE_INSN("invvpid %0, %1") : : "m"(invalidation_descriptor), "r"(type) : "memory", "cc");
}

/* Function 0 (EPTP switching), EPTP index 0. */
GUEST_TEST(vmx_vmfunc, "vmx", "vmx-vmfunc", 0)
{
	EXPECT_UD("vmfunc", PROBE_INSN("vmfunc") : : "a"(0), "c"(0) : "memory");
}
