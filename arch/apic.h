/*
 * The local APIC of each CPU (SDM Vol. 3A, chapter 12 "Advanced
 * Programmable Interrupt Controller"), in xAPIC (MMIO) or x2APIC (MSR)
 * mode: whatever the firmware left enabled on the boot CPU, used the same
 * way on every CPU.  veneer uses it only to send IPIs: INIT and SIPI to
 * start CPUs, NMI to stop them.
 */
#ifndef VENEER_ARCH_APIC_H
#define VENEER_ARCH_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* The one interrupt vector veneer uses itself: an IPI that wakes an idle CPU (kernel/smp.c). */
#define VECTOR_WAKEUP           0xF0

/* Enables the calling CPU's local APIC (boot CPU first: it decides the mode). */
void apic_init_this_cpu(void);
/* The mode the firmware left the boot CPU's APIC in (each access uses the current mode). */
bool apic_x2apic_mode(void);
/*
 * After the guest used this CPU: makes its APIC able to take veneer's
 * wake-up IPI again (globally and software enabled, TPR 0), whatever the
 * guest left it in.
 */
void apic_reclaim_this_cpu(void);
/* The SVR's reset value (software disabled), as INIT leaves it, for a vCPU that starts afresh. */
void apic_software_disable(void);
uint32_t apic_id(void);
uint64_t apic_base_address(void);

/* Each waits (bounded) for the previous IPI to be sent; false if the APIC stayed busy. */
bool apic_send_init(uint32_t apic_id);
bool apic_send_startup(uint32_t apic_id, uint8_t vector_page);
bool apic_send_nmi(uint32_t apic_id);
/* An SMI (kernel/smbase.c moves each CPU's SMBASE with one). */
bool apic_send_smi(uint32_t apic_id);
/* A fixed-delivery interrupt (veneer uses one: VECTOR_WAKEUP, to wake a halted CPU). */
bool apic_send_fixed(uint32_t apic_id, uint8_t vector);
/* End of interrupt, from an interrupt handler. */
void apic_eoi(void);
/* End of interrupt for vector, the highest in service (apic_highest_in_service), even if it is the spurious vector. */
void apic_eoi_vector(unsigned vector);
/*
 * The in-service register (SDM Vol. 3A, "Interrupt Acceptance for Fixed
 * Interrupts"): whether vector is being serviced as an interrupt, and the
 * highest vector in service (-1: none, as after a spurious interrupt).
 */
bool apic_in_service(unsigned vector);
int apic_highest_in_service(void);

#endif
