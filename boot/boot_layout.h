/* Constants shared by the boot assembly, the linker script's users and C. */
#ifndef VENEER_BOOT_BOOT_LAYOUT_H
#define VENEER_BOOT_BOOT_LAYOUT_H

#define KERNEL_LOAD_ADDRESS     0x200000    /* 2 MiB: above the real-mode area, 2 MiB aligned */
#define BOOT_STACK_SIZE         16384
#define BOOT_GDT_CODE64         0x08
#define BOOT_GDT_DATA           0x10

#endif
