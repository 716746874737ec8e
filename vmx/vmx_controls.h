/*
 * The VMX control bits, each named once after the SDM (SDM Vol. 3C,
 * "Virtual Machine Control Structures": the tables "Definitions of
 * Pin-Based VM-Execution Controls", "... Primary Processor-Based ...",
 * "... Secondary Processor-Based ...", "Definitions of Primary VM-Exit
 * Controls" and "Definitions of VM-Entry Controls").
 *
 * These say what a bit means, never whether it may be set: which values a
 * CPU accepts comes from its capability MSRs, through vmx_adjust_controls()
 * in vmx/vmx_capabilities.h.  Bits not listed are reserved; the capability
 * MSRs tell which of them must be 0 and which 1 ("default1").  The name
 * tables used in messages live in vmx/vmx_capabilities.c.
 */
#ifndef VENEER_VMX_VMX_CONTROLS_H
#define VENEER_VMX_VMX_CONTROLS_H

/* Pin-based VM-execution controls */
#define PIN_BASED_EXTERNAL_INTERRUPT_EXITING            (1U << 0)
#define PIN_BASED_NMI_EXITING                           (1U << 3)
#define PIN_BASED_VIRTUAL_NMIS                          (1U << 5)
#define PIN_BASED_ACTIVATE_VMX_PREEMPTION_TIMER         (1U << 6)
#define PIN_BASED_PROCESS_POSTED_INTERRUPTS             (1U << 7)

/* Primary processor-based VM-execution controls */
#define CPU_BASED_INTERRUPT_WINDOW_EXITING              (1U << 2)
#define CPU_BASED_USE_TSC_OFFSETTING                    (1U << 3)
#define CPU_BASED_HLT_EXITING                           (1U << 7)
#define CPU_BASED_INVLPG_EXITING                        (1U << 9)
#define CPU_BASED_MWAIT_EXITING                         (1U << 10)
#define CPU_BASED_RDPMC_EXITING                         (1U << 11)
#define CPU_BASED_RDTSC_EXITING                         (1U << 12)
#define CPU_BASED_CR3_LOAD_EXITING                      (1U << 15)
#define CPU_BASED_CR3_STORE_EXITING                     (1U << 16)
#define CPU_BASED_ACTIVATE_TERTIARY_CONTROLS            (1U << 17)
#define CPU_BASED_CR8_LOAD_EXITING                      (1U << 19)
#define CPU_BASED_CR8_STORE_EXITING                     (1U << 20)
#define CPU_BASED_USE_TPR_SHADOW                        (1U << 21)
#define CPU_BASED_NMI_WINDOW_EXITING                    (1U << 22)
#define CPU_BASED_MOV_DR_EXITING                        (1U << 23)
#define CPU_BASED_UNCONDITIONAL_IO_EXITING              (1U << 24)
#define CPU_BASED_USE_IO_BITMAPS                        (1U << 25)
#define CPU_BASED_MONITOR_TRAP_FLAG                     (1U << 27)
#define CPU_BASED_USE_MSR_BITMAPS                       (1U << 28)
#define CPU_BASED_MONITOR_EXITING                       (1U << 29)
#define CPU_BASED_PAUSE_EXITING                         (1U << 30)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS           (1U << 31)

/* Secondary processor-based VM-execution controls */
#define SECONDARY_VIRTUALIZE_APIC_ACCESSES              (1U << 0)
#define SECONDARY_ENABLE_EPT                            (1U << 1)
#define SECONDARY_DESCRIPTOR_TABLE_EXITING              (1U << 2)
#define SECONDARY_ENABLE_RDTSCP                         (1U << 3)
#define SECONDARY_VIRTUALIZE_X2APIC_MODE                (1U << 4)
#define SECONDARY_ENABLE_VPID                           (1U << 5)
#define SECONDARY_WBINVD_EXITING                        (1U << 6)
#define SECONDARY_UNRESTRICTED_GUEST                    (1U << 7)
#define SECONDARY_APIC_REGISTER_VIRTUALIZATION          (1U << 8)
#define SECONDARY_VIRTUAL_INTERRUPT_DELIVERY            (1U << 9)
#define SECONDARY_PAUSE_LOOP_EXITING                    (1U << 10)
#define SECONDARY_RDRAND_EXITING                        (1U << 11)
#define SECONDARY_ENABLE_INVPCID                        (1U << 12)
#define SECONDARY_ENABLE_VM_FUNCTIONS                   (1U << 13)
#define SECONDARY_VMCS_SHADOWING                        (1U << 14)
#define SECONDARY_ENCLS_EXITING                         (1U << 15)
#define SECONDARY_RDSEED_EXITING                        (1U << 16)
#define SECONDARY_ENABLE_PML                            (1U << 17)
#define SECONDARY_EPT_VIOLATION_VE                      (1U << 18)
#define SECONDARY_CONCEAL_VMX_FROM_PT                   (1U << 19)
#define SECONDARY_ENABLE_XSAVES_XRSTORS                 (1U << 20)
#define SECONDARY_PASID_TRANSLATION                     (1U << 21)
#define SECONDARY_MODE_BASED_EPT_EXECUTE                (1U << 22)
#define SECONDARY_SUBPAGE_WRITE_PERMISSIONS             (1U << 23)
#define SECONDARY_PT_USES_GUEST_PHYSICAL                (1U << 24)
#define SECONDARY_USE_TSC_SCALING                       (1U << 25)
#define SECONDARY_ENABLE_USER_WAIT_PAUSE                (1U << 26)
#define SECONDARY_ENABLE_PCONFIG                        (1U << 27)
#define SECONDARY_ENABLE_ENCLV_EXITING                  (1U << 28)
#define SECONDARY_VMM_BUS_LOCK_DETECTION                (1U << 30)
#define SECONDARY_INSTRUCTION_TIMEOUT                   (1U << 31)

/* Primary VM-exit controls */
#define VM_EXIT_SAVE_DEBUG_CONTROLS                     (1U << 2)
#define VM_EXIT_HOST_ADDRESS_SPACE_SIZE                 (1U << 9)
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL              (1U << 12)
#define VM_EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT           (1U << 15)
#define VM_EXIT_SAVE_IA32_PAT                           (1U << 18)
#define VM_EXIT_LOAD_IA32_PAT                           (1U << 19)
#define VM_EXIT_SAVE_IA32_EFER                          (1U << 20)
#define VM_EXIT_LOAD_IA32_EFER                          (1U << 21)
#define VM_EXIT_SAVE_VMX_PREEMPTION_TIMER               (1U << 22)
#define VM_EXIT_CLEAR_IA32_BNDCFGS                      (1U << 23)
#define VM_EXIT_CONCEAL_VMX_FROM_PT                     (1U << 24)
#define VM_EXIT_CLEAR_IA32_RTIT_CTL                     (1U << 25)
#define VM_EXIT_CLEAR_IA32_LBR_CTL                      (1U << 26)
#define VM_EXIT_CLEAR_UINV                              (1U << 27)
#define VM_EXIT_LOAD_CET_STATE                          (1U << 28)
#define VM_EXIT_LOAD_PKRS                               (1U << 29)
#define VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTL               (1U << 30)
#define VM_EXIT_ACTIVATE_SECONDARY_CONTROLS             (1U << 31)

/* VM-entry controls */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS                    (1U << 2)
#define VM_ENTRY_IA32E_MODE_GUEST                       (1U << 9)
#define VM_ENTRY_ENTRY_TO_SMM                           (1U << 10)
#define VM_ENTRY_DEACTIVATE_DUAL_MONITOR                (1U << 11)
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL             (1U << 13)
#define VM_ENTRY_LOAD_IA32_PAT                          (1U << 14)
#define VM_ENTRY_LOAD_IA32_EFER                         (1U << 15)
#define VM_ENTRY_LOAD_IA32_BNDCFGS                      (1U << 16)
#define VM_ENTRY_CONCEAL_VMX_FROM_PT                    (1U << 17)
#define VM_ENTRY_LOAD_IA32_RTIT_CTL                     (1U << 18)
#define VM_ENTRY_LOAD_UINV                              (1U << 19)
#define VM_ENTRY_LOAD_CET_STATE                         (1U << 20)
#define VM_ENTRY_LOAD_IA32_LBR_CTL                      (1U << 21)
#define VM_ENTRY_LOAD_PKRS                              (1U << 22)
#define VM_ENTRY_LOAD_IA32_FRED                         (1U << 23)

#endif
