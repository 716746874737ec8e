/* Constants shared by the boot assembly, the linker script's users and C. */
#ifndef VENEER_BOOT_BOOT_LAYOUT_H
#define VENEER_BOOT_BOOT_LAYOUT_H

/*
 * veneer is linked at 2 MiB (linker/veneer.ld asserts it) but runs
 * wherever the boot loader put it: the Multiboot2 header's relocatable tag
 * asks GRUB for the highest 2 MiB-aligned place below 4 GiB, and the
 * position-independent image applies its own relocations at entry
 * (boot/entry32.S).  A loader that ignores the tag loads it here.
 */
#define KERNEL_LINK_ADDRESS     0x200000
#define KERNEL_LOAD_MIN         0x100000        /* never in the real-mode area */
#define KERNEL_LOAD_MAX         0xFFFFFFFF      /* the 32-bit entry code runs below 4 GiB */
#define KERNEL_LOAD_ALIGN       0x200000        /* 2 MiB: the pool below it stays large-page aligned */
#define BOOT_STACK_SIZE         16384
#define BOOT_GDT_CODE64         0x08
#define BOOT_GDT_DATA           0x10

#endif
