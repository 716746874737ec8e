/* veneer's own test guests (tests/guests/README.md describes their boot contract). */
#ifndef VENEER_VMX_TEST_GUEST_H
#define VENEER_VMX_TEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/multiboot2.h"

struct guest;
struct guest_boot;

/* Loads the ELF test guest (boot->kernel) and fills guest->entry; false with a message on a bad image. */
bool test_guest_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size);

#endif
