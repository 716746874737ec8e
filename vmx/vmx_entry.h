/* The assembly side of running a guest (vmx/vmx_entry.S). */
#ifndef VENEER_VMX_VMX_ENTRY_H
#define VENEER_VMX_VMX_ENTRY_H

#define VMX_RUN_STOPPED         0       /* vmx_handle_exit returned false */
#define VMX_RUN_FAIL_INVALID    1       /* VMLAUNCH/VMRESUME: VMfailInvalid */
#define VMX_RUN_FAIL_VALID      2       /* VMLAUNCH/VMRESUME: VMfailValid, see VM_INSTRUCTION_ERROR */

#define VCPU_HOST_RSP           128     /* offsetof(struct vcpu, host_rsp) */
#define VCPU_LAUNCHED           136     /* offsetof(struct vcpu, launched) */
#define VCPU_NMI_PENDING        137     /* offsetof(struct vcpu, nmi_pending) */

#ifndef __ASSEMBLY__
#include <stdbool.h>

struct vcpu;

int vmx_launch(struct vcpu *vcpu);
bool vmx_handle_exit(struct vcpu *vcpu);
void vmx_exit_stub(void);
#endif

#endif
