/* veneer's own page tables: an identity map of physical memory, W^X over the kernel image. */
#ifndef VENEER_ARCH_PAGING_H
#define VENEER_ARCH_PAGING_H

#include <stdint.h>

#define PTE_PRESENT     (1ULL << 0)
#define PTE_WRITABLE    (1ULL << 1)
#define PTE_USER        (1ULL << 2)
#define PTE_LARGE       (1ULL << 7)
#define PTE_GLOBAL      (1ULL << 8)
#define PTE_NX          (1ULL << 63)
#define PTE_ADDRESS_MASK 0x000FFFFFFFFFF000ULL

/*
 * Builds and loads the hypervisor's page tables: [0, limit) identity
 * mapped, non-executable, with the largest pages the CPU has, except the
 * kernel image, mapped with 4 KiB pages by section (text read-only and
 * executable, rodata read-only, data and bss writable), and the boot
 * stack's guard page, not mapped at all.  Returns the new CR3.
 */
uint64_t paging_init(uint64_t limit);
uint64_t paging_kernel_cr3(void);

#endif
