/*
 * The memory map veneer leaves in a test guest's boot area (the boot
 * contract, tests/guests/README.md): at BOOT_MAP_ADDRESS a 32-bit entry
 * count, 4 bytes of padding, then 24-byte entries of base (8 bytes),
 * length (8), type (4, E820 numbering) and 4 bytes of padding.
 */
#ifndef VENEER_TESTS_GUESTS_BOOT_MAP_H
#define VENEER_TESTS_GUESTS_BOOT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAP_ADDRESS        0x1800
#define BOOT_MAP_ENTRY_SIZE     24
#define BOOT_MAP_MAX            ((0x2000 - BOOT_MAP_ADDRESS - 8) / BOOT_MAP_ENTRY_SIZE)

/*
 * An address in veneer's own memory: hvaddr= from the command line, else
 * the start of veneer's block in the boot-area map.  False (and why) if
 * neither says.
 */
bool guest_hvaddr(unsigned long long *address, const char **why);

/*
 * The memory map the guest was booted with: the boot area's under
 * veneer's test-guest contract (runtime/boot_map.c), the Multiboot
 * information's in the Multiboot build (native/start.c).
 */
size_t guest_map_count(void);
void guest_map_entry(size_t i, uint64_t *base, uint64_t *length, uint32_t *type);

#endif
