/* Names for code addresses, from the table the second link embeds (see Makefile). */
#ifndef VENEER_KERNEL_KSYMS_H
#define VENEER_KERNEL_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the function containing address (a run-time address); false when it is not kernel code. */
bool ksym_lookup(uint64_t address, const char **name, uint64_t *offset);
/* Where the image runs minus where it was linked: subtract it from an address to find it in veneer.elf. */
uint64_t ksym_load_offset(void);

#endif
