/*
 * What a guest sees when it executes CPUID.  CPUID always exits in VMX
 * non-root operation; the handler executes CPUID itself and passes the
 * result through cpuid_policy_apply(), which edits it in place:
 *
 *   leaf 1          ECX.VMX (5) cleared: no nested VMX.
 *                   ECX.SMX (6) cleared: GETSEC always exits and veneer
 *                   does not emulate it.
 *                   ECX.PDCM (15) cleared: IA32_PERF_CAPABILITIES is hidden
 *                   until the PMU is virtualized.
 *                   ECX.OSXSAVE (27) follows the guest's CR4.OSXSAVE: the
 *                   host's CPUID reports the host's CR4.
 *                   ECX.HYPERVISOR (31) set.
 *   leaf 7.0        ECX.OSPKE (4) follows the guest's CR4.PKE.
 *                   EBX.INVPCID (10) and ECX.WAITPKG (5) cleared unless the
 *                   matching secondary control is on: without it the
 *                   instructions raise #UD in the guest.
 *                   Everything else as the host reports it.
 *   leaf 0xA        all zero: no architectural PMU (version 0).
 *   leaf 0xD.1      EAX.XSAVES (3) cleared unless "enable XSAVES/XRSTORS"
 *                   is on.  EBX of subleaves 0 and 1 (the save-area size
 *                   for the enabled components) depends on the XCR0 and
 *                   IA32_XSS in force when CPUID runs: the handler must run
 *                   CPUID for leaf 0xD with the guest's XCR0 loaded, as it
 *                   is while the guest runs.  The supported masks (EAX,
 *                   EDX of 0xD.0) pass through; xcr0_valid() takes the same
 *                   mask (vmx/xcr0.h).
 *   leaf 0x23       all zero (architectural PMU extensions), with leaf 0xA.
 *   0x40000000      EAX = VENEER_CPUID_LEAF_MAX; EBX, ECX, EDX = the
 *                   signature of vmx/guest/hypercall_abi.h, four bytes each in
 *                   memory (little-endian) order.
 *   0x40000001      EAX = VENEER_HC_VERSION_VALUE, the rest zero.
 *   0x40000002-
 *   0x400000FF      all zero: veneer defines no other hypervisor leaves.
 *   0x80000001      EDX.RDTSCP (27) cleared unless "enable RDTSCP" is on.
 *   all others      as the host reports them.  veneer runs each guest
 *                   vCPU on its own physical CPU, so topology, cache and
 *                   APIC-ID leaves are already right.
 */
#ifndef VENEER_VMX_CPUID_POLICY_H
#define VENEER_VMX_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/cpuid.h"

/* What the policy needs to know about the guest and its VMCS. */
struct cpuid_policy_info {
	uint64_t guest_cr4;             /* CR4 as the guest sees it (read shadow applied) */
	bool rdtscp_enabled;            /* secondary control "enable RDTSCP" */
	bool invpcid_enabled;           /* "enable INVPCID" */
	bool xsaves_enabled;            /* "enable XSAVES/XRSTORS" */
	bool user_wait_pause_enabled;   /* "enable user wait and pause" */
};

/*
 * True for the leaves cpuid_policy_apply changes; every other leaf the
 * guest sees as the host does, and the exit handler skips the call.  Keep
 * in step with the switch in cpuid_policy.c (a unit test checks it).
 */
static inline bool cpuid_policy_changes_leaf(uint32_t leaf)
{
	return leaf == 0x1 || leaf == 0x7 || leaf == 0xA || leaf == 0xD || leaf == 0x23 ||
	       leaf == 0x80000001 || (leaf & 0xFFFFFF00u) == 0x40000000u;
}

/* r holds the host's result for (leaf, subleaf) on entry and the guest's on return. */
void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
			const struct cpuid_policy_info *info);

#endif
