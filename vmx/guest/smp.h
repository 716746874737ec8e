/*
 * The guest's other CPUs.  Every CPU veneer started runs a vCPU of the
 * guest, but only once the guest starts it: the guest's INIT and SIPI
 * (writes to its local APIC's interrupt command register) are intercepted
 * and carried out on vCPUs instead of real CPUs, which sit in VMX root
 * operation where INIT is blocked and SIPI ignored.  The xAPIC page is
 * write-protected in EPT for that (each write is decoded and either
 * emulated, for INIT and SIPI, or done on the real APIC), and in x2APIC
 * mode the ICR MSR exits.  (Entering the APs in the wait-for-SIPI activity
 * state would let the hardware do this, but Bochs, where veneer is tested,
 * neither exits on INIT in VMX non-root operation nor enters that state
 * reliably.)
 */
#ifndef VENEER_VMX_GUEST_SMP_H
#define VENEER_VMX_GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/config.h"

struct guest;
struct vcpu;

/*
 * On the boot CPU, before the guest starts: a vCPU for every other CPU.
 * sipi=intercept (the default): parked in veneer, the guest's ICR
 * intercepted.  sipi=wait (real hardware that has the activity state):
 * waiting in the guest in the wait-for-SIPI activity state.
 */
void guest_smp_start(struct guest *guest, enum sipi_method method);

/* sipi=wait: the INIT and SIPI exits. */
bool handle_init_signal(struct vcpu *vcpu);
bool handle_sipi(struct vcpu *vcpu);

/* A guest write to its xAPIC page (an EPT violation there): emulate it; false if the guest had to be stopped. */
bool guest_apic_page_write(struct vcpu *vcpu, uint64_t gpa);
/* A guest write to the x2APIC ICR (MSR 0x830): emulated INIT/SIPI, anything else sent. */
void guest_x2apic_icr_write(uint64_t value);

/*
 * At an exit: an INIT pending for this vCPU (from another CPU, or one it
 * sent itself) ends its run, and it waits in veneer for a SIPI; on the
 * boot CPU it resets the machine.  Whether the vCPU keeps running.
 */
bool guest_take_pending_init(struct vcpu *vcpu);

/* The guest moved its APIC from old_page to new_page: the write protection follows (EPT is shared: the last move wins). */
void guest_apic_page_follow(struct guest *guest, uint64_t old_page, uint64_t new_page);

/* The guest-physical page of the local APIC the guest sees (write-protected). */
extern uint64_t guest_apic_page;

#endif
