/*
 * The arithmetic of placing a Multiboot2 kernel that has the relocatable
 * tag (Multiboot2 specification 2.0, 3.1.10), kept apart from the loader
 * so the host tests can run it: where the image goes in its window, and
 * the entry point once it has moved.  Pure.
 */
#ifndef VENEER_VMX_GUEST_MULTIBOOT_LAYOUT_H
#define VENEER_VMX_GUEST_MULTIBOOT_LAYOUT_H

#include <stdint.h>

#include "kernel/ranges.h"
#include "vmx/guest/image.h"

/*
 * Where a relocatable image of span bytes starts: in free, inside
 * [min_addr, max_addr], at a multiple of the tag's alignment (at least a
 * page), the highest such place when the kernel prefers high, else the
 * lowest.  0 if there is none.
 */
uint64_t multiboot2_relocation_target(const struct range_set *free, const struct multiboot2_request *r,
				      uint64_t span);

/*
 * The entry point: the entry address tag's, else image_entry (the ELF
 * entry or the a.out kludge's), moved by load_base - link_base when the
 * image was relocated.  GRUB 2.06 moves the entry address tag's value too
 * (grub_multiboot2_load: the payload's EIP is shifted by the relocation
 * after the tag has set it): a relocatable kernel names its entry at its
 * link address.
 */
uint64_t multiboot2_entry(const struct multiboot2_request *r, uint64_t image_entry, uint64_t link_base,
			  uint64_t load_base);

#endif
