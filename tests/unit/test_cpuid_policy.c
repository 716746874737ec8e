/* The guest's view of CPUID. */
// unit-test-source: vmx/cpuid_policy.c
#include "arch/cpu.h"
#include "unit.h"
#include "vmx/cpuid_policy.h"
#include "vmx/guest/hypercall_abi.h"

static const struct cpuid_policy_info all_enabled = {
	.guest_cr4 = CR4_OSXSAVE | CR4_PKE,
	.rdtscp_enabled = true,
	.invpcid_enabled = true,
	.xsaves_enabled = true,
	.user_wait_pause_enabled = true,
};

static struct cpuid_result apply(uint32_t leaf, uint32_t subleaf, struct cpuid_result host,
				 const struct cpuid_policy_info *info)
{
	cpuid_policy_apply(leaf, subleaf, &host, info);
	return host;
}

TEST(cpuid_leaf1_hides_vmx_smx_pdcm_and_sets_hypervisor)
{
	/* A Skylake-like leaf 1: VMX, SMX, PDCM, XSAVE, OSXSAVE set by the host. */
	struct cpuid_result host = { 0x000506E3, 0x00100800, 0x7FFAFBFF, 0xBFEBFBFF };
	struct cpuid_result g = apply(1, 0, host, &all_enabled);

	EXPECT_EQ(g.ecx & CPUID_1_ECX_VMX, 0);
	EXPECT_EQ(g.ecx & CPUID_1_ECX_SMX, 0);
	EXPECT_EQ(g.ecx & CPUID_1_ECX_PDCM, 0);
	EXPECT(g.ecx & CPUID_1_ECX_HYPERVISOR);
	EXPECT(g.ecx & CPUID_1_ECX_OSXSAVE);
	/* Nothing else changes. */
	EXPECT_EQ(g.ecx | CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_PDCM,
		  host.ecx | CPUID_1_ECX_HYPERVISOR);
	EXPECT_EQ(g.eax, host.eax);
	EXPECT_EQ(g.ebx, host.ebx);
	EXPECT_EQ(g.edx, host.edx);
}

TEST(cpuid_osxsave_and_ospke_follow_the_guest_cr4)
{
	struct cpuid_result leaf1 = { 0, 0, CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE, 0 };
	struct cpuid_result leaf7 = { 0, 0, (1u << 3) | (1u << 4), 0 };        /* PKU, OSPKE */
	struct cpuid_policy_info info = all_enabled;

	info.guest_cr4 = 0;                     /* guest has not enabled XSAVE or PKE yet */
	EXPECT_EQ(apply(1, 0, leaf1, &info).ecx & CPUID_1_ECX_OSXSAVE, 0);
	EXPECT_EQ(apply(7, 0, leaf7, &info).ecx & (1u << 4), 0);
	EXPECT(apply(7, 0, leaf7, &info).ecx & (1u << 3));      /* PKU itself stays */

	info.guest_cr4 = CR4_OSXSAVE | CR4_PKE;
	leaf1.ecx = CPUID_1_ECX_XSAVE;          /* host kernel without OSXSAVE: the guest's CR4 decides */
	leaf7.ecx = 1u << 3;
	EXPECT(apply(1, 0, leaf1, &info).ecx & CPUID_1_ECX_OSXSAVE);
	EXPECT(apply(7, 0, leaf7, &info).ecx & (1u << 4));

	leaf1.ecx = 0;                          /* no XSAVE at all: OSXSAVE can't be set */
	EXPECT_EQ(apply(1, 0, leaf1, &info).ecx & CPUID_1_ECX_OSXSAVE, 0);
}

TEST(cpuid_hides_instructions_whose_controls_are_off)
{
	struct cpuid_result leaf7 = { 0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF };
	struct cpuid_result leafd1 = { 0x0000000F, 0x3C0, 0x100, 0 };
	struct cpuid_result ext1 = { 0, 0, 0x121, 0x2C100800 };
	struct cpuid_policy_info none = { .guest_cr4 = CR4_PKE };
	struct cpuid_result g;

	g = apply(7, 0, leaf7, &none);
	EXPECT_EQ(g.ebx, 0xFFFFFFFF & ~(1u << 10));             /* INVPCID */
	EXPECT_EQ(g.ecx, 0xFFFFFFFF & ~(1u << 5));              /* WAITPKG */
	EXPECT_EQ(g.edx, 0xFFFFFFFF);
	g = apply(7, 0, leaf7, &all_enabled);
	EXPECT_EQ(g.ebx, 0xFFFFFFFF);
	EXPECT_EQ(g.ecx, 0xFFFFFFFF);
	g = apply(7, 1, leaf7, &none);                          /* other subleaves untouched */
	EXPECT_EQ(g.ebx, 0xFFFFFFFF);
	EXPECT_EQ(g.ecx, 0xFFFFFFFF);

	EXPECT_EQ(apply(0xD, 1, leafd1, &none).eax, 0x7);       /* XSAVES */
	EXPECT_EQ(apply(0xD, 1, leafd1, &all_enabled).eax, 0xF);
	EXPECT_EQ(apply(0xD, 0, leafd1, &none).eax, 0xF);       /* subleaf 0 is the XCR0 mask */
	EXPECT_EQ(apply(0xD, 1, leafd1, &none).ebx, 0x3C0);

	EXPECT_EQ(apply(0x80000001, 0, ext1, &none).edx, 0x2C100800 & ~CPUID_80000001_EDX_RDTSCP);
	EXPECT_EQ(apply(0x80000001, 0, ext1, &all_enabled).edx, 0x2C100800);
	EXPECT_EQ(apply(0x80000001, 0, ext1, &none).ecx, 0x121);
}

TEST(cpuid_pmu_leaves_are_zero)
{
	struct cpuid_result host = { 0x07300404, 0, 0, 0x00000603 };
	struct cpuid_result g;

	g = apply(0xA, 0, host, &all_enabled);
	EXPECT_EQ(g.eax | g.ebx | g.ecx | g.edx, 0);
	g = apply(0x23, 0, host, &all_enabled);
	EXPECT_EQ(g.eax | g.ebx | g.ecx | g.edx, 0);
}

TEST(cpuid_hypervisor_leaves)
{
	struct cpuid_result junk = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
	struct cpuid_result g = apply(0x40000000, 0, junk, &all_enabled);
	char sig[12];

	EXPECT_EQ(g.eax, VENEER_CPUID_LEAF_MAX);
	/* Little-endian: the first signature byte is EBX bits 7:0 ("Vene" = 0x656E6556). */
	EXPECT_EQ(g.ebx, 0x656E6556);
	EXPECT_EQ(g.ecx, 0x4D567265);
	EXPECT_EQ(g.edx, 0x00000058);
	memcpy(sig, &g.ebx, 4);
	memcpy(sig + 4, &g.ecx, 4);
	memcpy(sig + 8, &g.edx, 4);
	EXPECT(memcmp(sig, VENEER_CPUID_SIGNATURE, 12) == 0);

	g = apply(0x40000001, 0, junk, &all_enabled);
	EXPECT_EQ(g.eax, VENEER_HC_VERSION_VALUE);
	EXPECT_EQ(g.ebx | g.ecx | g.edx, 0);

	for (uint32_t leaf = 0x40000002; leaf <= 0x400000FF; leaf++) {
		g = apply(leaf, 0, junk, &all_enabled);
		EXPECT_EQ(g.eax | g.ebx | g.ecx | g.edx, 0);
	}
	/* Just past the range: the host's answer. */
	g = apply(0x40000100, 0, junk, &all_enabled);
	EXPECT_EQ(g.eax, 0x11111111);
	EXPECT_EQ(g.edx, 0x44444444);
}

TEST(cpuid_other_leaves_pass_through)
{
	static const uint32_t leaves[] = { 0x0, 0x2, 0x4, 0x6, 0xB, 0x1F, 0x80000000, 0x80000008 };
	struct cpuid_result host = { 0xDEADBEEF, 0x01234567, 0x89ABCDEF, 0xFFFFFFFF };

	for (unsigned k = 0; k < sizeof(leaves) / sizeof(leaves[0]); k++) {
		struct cpuid_result g = apply(leaves[k], 0, host, &all_enabled);

		EXPECT(memcmp(&g, &host, sizeof(g)) == 0);
	}
}

/* Every leaf the policy leaves alone must be one cpuid_policy_changes_leaf says it leaves alone, and back. */
TEST(cpuid_policy_fast_path_predicate_matches_apply)
{
	static const uint32_t leaves[] = { 0x0, 0x1, 0x2, 0x4, 0x6, 0x7, 0xA, 0xB, 0xD, 0x14, 0x15, 0x16, 0x1F,
					   0x23, 0x40000000, 0x40000001, 0x40000002, 0x400000FF, 0x40000100,
					   0x80000000, 0x80000001, 0x80000008 };
	struct cpuid_policy_info info = { 0 };

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		for (uint32_t subleaf = 0; subleaf < 2; subleaf++) {
			struct cpuid_result host = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF };
			struct cpuid_result guest = host;
			cpuid_policy_apply(leaves[i], subleaf, &guest, &info);
			bool changed = memcmp(&host, &guest, sizeof(host)) != 0;
			if (changed)
				EXPECT(cpuid_policy_changes_leaf(leaves[i]));
		}
	}
	EXPECT(!cpuid_policy_changes_leaf(0x0));
	EXPECT(!cpuid_policy_changes_leaf(0x80000008));
}
