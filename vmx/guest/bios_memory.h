/*
 * The BIOS's memory calls, answered from the guest's memory map.
 *
 * A guest that goes back to real mode and asks the BIOS for the memory map
 * (INT 15h, AX = E820h; Xen's trampoline does, and prefers that map to the
 * Multiboot one) would be told that veneer's block is RAM: the BIOS built
 * its answer before veneer existed.  veneer cannot change the BIOS's
 * tables or its interrupt vector without changing what every guest sees
 * in memory, so it answers the call instead, unseen: the page that holds
 * the BIOS's INT 15h entry point is mapped without execute permission in
 * EPT; a fetch there exits, and when it is that entry point, in real mode,
 * with E820h, E801h or 88h asked, veneer gives the answer and returns from the
 * interrupt as the BIOS would (its IRET).  Every other instruction of that
 * page runs natively, one at a time: veneer grants execute for one
 * instruction with the guest's RFLAGS.TF set and #DB intercepted, and
 * takes it away again at the single-step trap (bios_memory_kernel.c has
 * the details).  Protected-mode and 64-bit guests never execute BIOS
 * code, so they never pay for it.
 *
 * Answers, as the BIOS interface defines them (ACPI, "INT 15H, E820H"):
 *   E820h (EDX = 'SMAP'): entry EBX of the map to ES:DI (20 bytes: base,
 *     length, type), EAX = 'SMAP', ECX = 20, EBX = the next index or 0
 *     after the last; CF clear.  An index past the end: CF set, AH = 86h.
 *   E801h: AX = CX = KiB of RAM from 1 MiB to 16 MiB, BX = DX = 64 KiB
 *     blocks from 16 MiB up, both as far as RAM and ACPI tables run
 *     unbroken from 1 MiB (what the BIOSes count), so up to veneer's block.
 *   88h (AH; AL is not looked at): AX = KiB of extended memory from 1 MiB,
 *     counted as E801h counts, at most FC00h (63 MiB; Bochs's BIOS gives
 *     FC00h at 80, 512 and 1000 MiB, the bare RAM less 1 MiB below that);
 *     CF clear.  On a machine with less than 64 MiB veneer's block lies in
 *     that range, and the BIOS's answer (from the CMOS) would count it.
 *   anything else (other functions, E820h without 'SMAP'): the BIOS.
 *
 * The pure part (which entry, which counts) is here and unit-tested; the
 * EPT trap, the register and stack work are in bios_memory_kernel.c.
 */
#ifndef VENEER_VMX_GUEST_BIOS_MEMORY_H
#define VENEER_VMX_GUEST_BIOS_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/guest/memory_map.h"

#define BIOS_SMAP_SIGNATURE     0x534D4150u     /* 'SMAP', in EDX on the call and EAX on the answer */
#define BIOS_E820_ENTRY_SIZE    20u
#define BIOS_E820_FUNCTION      0xE820u
#define BIOS_E801_FUNCTION      0xE801u
#define BIOS_88_FUNCTION        0x88u           /* in AH */
#define BIOS_EXTENDED_KIB_MAX   0xFC00u         /* 88h's cap, as the bare machine's BIOS has it */
#define BIOS_UNSUPPORTED        0x86u           /* AH with CF set: "function not supported" */

/* Where the BIOS's interrupt vectors and code are: the real-mode IVT and the ROM area. */
#define BIOS_IVT_INT15          (0x15u * 4)
#define BIOS_ROM_START          0xC0000ULL
#define BIOS_ROM_END            0x100000ULL

/*
 * Entry index of map as E820h gives it: entry[0..19] in the call's byte
 * layout and *next the EBX for the following call.  False for an index
 * past the end.
 */
bool bios_e820_entry(const struct guest_memory_map *map, uint32_t index, uint8_t entry[BIOS_E820_ENTRY_SIZE],
		     uint32_t *next);

/* E801h's two counts: KiB between 1 and 16 MiB, 64 KiB blocks from 16 MiB, of the RAM (and ACPI tables) unbroken from 1 MiB. */
void bios_e801_counts(const struct guest_memory_map *map, uint16_t *kib_below_16m, uint16_t *blocks_above_16m);

/* 88h's AX: KiB of the RAM (and ACPI tables) unbroken from 1 MiB, at most BIOS_EXTENDED_KIB_MAX. */
uint16_t bios_88_extended_kib(const struct guest_memory_map *map);

/*
 * Kernel only (bios_memory_kernel.c).
 *
 * guest_bios_memory_arm: on a BIOS machine, before the guest runs: finds
 * the INT 15h entry point in the real-mode IVT and, when it lies in the
 * BIOS's ROM area, takes execute permission from its page.  Logs the
 * route either way.
 *
 * guest_bios_memory_fetch: an EPT violation on an instruction fetch at
 * gpa.  False when gpa is not on the trapped page (the caller goes on);
 * true when handled (answered, or one instruction let through), with
 * *resume false if the guest had to be stopped.
 *
 * guest_bios_memory_step_done: the #DB exit (debug_qualification: its
 * exit qualification) after that one instruction; false if veneer was not
 * stepping.  A #DB the guest's own TF or breakpoints asked for too goes
 * on to the guest.
 */
struct guest;
struct vcpu;
void guest_bios_memory_arm(struct guest *guest);
bool guest_bios_memory_fetch(struct vcpu *vcpu, uint64_t gpa, bool *resume);
bool guest_bios_memory_step_done(struct vcpu *vcpu, uint64_t debug_qualification);

#endif
