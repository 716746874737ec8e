/* Names for code addresses, from the table the second link embeds (see Makefile). */
#ifndef VENEER_KERNEL_KSYMS_H
#define VENEER_KERNEL_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the function containing address; false when it is not kernel code. */
bool ksym_lookup(uint64_t address, const char **name, uint64_t *offset);

#endif
