/*
 * veneer's hypercall interface, shared by the hypervisor and guests.
 *
 * A guest calls VMCALL at CPL 0 with the function number in RAX and its
 * arguments in RBX, RCX and RDX; the result comes back in RAX (other
 * registers are preserved).  A negative RAX is an error:
 *   VENEER_HC_ENOSYS  unknown function number (as KVM does, no fault)
 *   VENEER_HC_EPERM   called from guest user mode (CPL > 0)
 *   VENEER_HC_EINVAL  a bad argument
 * A guest recognises veneer by CPUID leaf 0x40000000: EBX, ECX, EDX spell
 * VENEER_CPUID_SIGNATURE and EAX is the highest hypervisor leaf.
 */
#ifndef VENEER_VMX_HYPERCALL_ABI_H
#define VENEER_VMX_HYPERCALL_ABI_H

#define VENEER_CPUID_LEAF_BASE          0x40000000u
#define VENEER_CPUID_SIGNATURE          "VeneerVMX\0\0\0"       /* 12 bytes: EBX, ECX, EDX */
#define VENEER_CPUID_LEAF_MAX           0x40000001u
#define VENEER_CPUID_LEAF_VERSION       0x40000001u             /* EAX = VENEER_HC_VERSION_VALUE */

/* RAX = (major << 16) | minor. */
#define VENEER_HC_VERSION               0
/* Print: RBX = guest-physical address of the text, RCX = its length (at most 256 bytes). */
#define VENEER_HC_PRINT                 1
/* Exit statistics: RBX = basic exit reason; RAX = how many exits of that reason this vCPU has taken. */
#define VENEER_HC_EXIT_COUNT            2
/* Shutdown: RBX = exit code; 0 ends the run as a success, anything else as a guest failure. */
#define VENEER_HC_SHUTDOWN              3
/* Total exits of this vCPU so far (all reasons) in RAX. */
#define VENEER_HC_EXIT_TOTAL            4

#define VENEER_HC_VERSION_VALUE         0x00010000u     /* 1.0 */
#define VENEER_HC_PRINT_MAX             256

#define VENEER_HC_ENOSYS                (-1000L)
#define VENEER_HC_EPERM                 (-1L)
#define VENEER_HC_EINVAL                (-22L)

#endif
