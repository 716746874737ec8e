/*
 * SMRAM: the memory the firmware's System Management Mode code runs from.
 * Code in SMM reaches all of physical memory, veneer's included, and no
 * EPT stands in its way; so before the guest runs veneer closes SMRAM and
 * locks it (D_LCK), and keeps the guest from writing the registers that
 * control it.
 */
#ifndef VENEER_VMX_GUEST_SMRAM_H
#define VENEER_VMX_GUEST_SMRAM_H

#include <stdbool.h>

#include "arch/pci.h"

/*
 * Closes and locks SMRAM on a chipset veneer knows.  False, with the
 * reason on the log, when it cannot (an unknown host bridge, SMRAM left
 * open and locked, no SMRAM at all); unchecked turns that refusal into a
 * warning (smram=unchecked).  simulate_unknown pretends the host bridge is
 * not one veneer knows (simulate=unknown-chipset, for tests).
 */
bool smram_secure(bool unchecked, bool simulate_unknown);

/* Is this configuration register one of those that keep SMRAM closed (the guest may not write it)? */
bool smram_control_register(struct pci_function f, unsigned offset);

#endif
