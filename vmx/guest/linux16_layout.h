/*
 * Where GRUB 2.06's `linux16` puts a bzImage's real-mode part, so that
 * veneer's real-mode Linux entry (vmx/guest/linux16_loader.c) gives a
 * kernel the same low memory as the bare machine's GRUB:
 *   - one block holds the boot sector and setup code from its start, the
 *     setup heap up to LINUX16_HEAP_END, the stack below
 *     LINUX16_SETUP_STACK, and the command line at LINUX16_CMDLINE_OFFSET;
 *   - the block goes as high as it fits in available RAM below 640 KiB,
 *     but no higher than 0x90000, the traditional place of the setup code
 *     (Documentation/arch/x86/boot.rst, "Memory Layout": the real-mode
 *     code must stay below the EBDA, and old kernels expect 0x90000);
 *   - the initrd stays 64 KiB below initrd_addr_max + 1, for the range
 *     check of old kernels that counted one page or 64 KiB short.
 * Pure: unit-tested.
 */
#ifndef VENEER_VMX_GUEST_LINUX16_LAYOUT_H
#define VENEER_VMX_GUEST_LINUX16_LAYOUT_H

#include <stdint.h>

#include "kernel/ranges.h"

#define LINUX16_CMDLINE_OFFSET  0x9000          /* from the block's start */
#define LINUX16_SETUP_STACK     0x9000          /* SP at entry: the stack grows down from the command line */
#define LINUX16_HEAP_END        0x8E00          /* heap_end_ptr: the setup heap ends 512 bytes below the stack top */
#define LINUX16_HIGHEST_BASE    0x90000ULL
#define LINUX16_LOW_MEMORY_END  0xA0000ULL      /* 640 KiB */
#define LINUX16_INITRD_MARGIN   0x10000ULL
#define LINUX16_CODE_SEGMENT_OFFSET 0x20        /* CS = block's segment + 0x20: the setup code follows the boot sector */

/* Bytes the block needs for a kernel that takes cmdline_max characters of command line (and the NUL). */
uint64_t linux16_block_size(uint32_t cmdline_max);

/*
 * The block's address for that size in the free RAM given: the highest
 * start that fits in one free range below 640 KiB, capped at 0x90000,
 * on a 16-byte boundary (it becomes a real-mode segment); 0 if none fits.
 */
uint64_t linux16_block_base(const struct range_set *free, uint64_t block_size);

#endif
