/*
 * The sleep type that means "soft off" (S5) on this machine: the first
 * value of the \_S5 package in the DSDT (ACPI 6.5, 7.4.2 "\_Sx System
 * States").  Reading it properly needs an AML interpreter; the package is
 * simple enough on every real firmware that a byte-pattern search finds it.
 */
#ifndef VENEER_KERNEL_ACPI_S5_H
#define VENEER_KERNEL_ACPI_S5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Searches the AML (a DSDT's body) for Name(_S5_, Package() {a, b, ...}); true and *slp_typ_a = a on success. */
bool acpi_find_s5_sleep_type(const uint8_t *aml, size_t length, uint8_t *slp_typ_a);

#endif
