/*
 * Numbers of the Multiboot2 protocol (Multiboot2 specification, version
 * 2.0) shared by the assembly header and the C parser.  Plain #defines so
 * that both languages can include this file.
 */
#ifndef VENEER_BOOT_MULTIBOOT2_ABI_H
#define VENEER_BOOT_MULTIBOOT2_ABI_H

#define MB2_HEADER_MAGIC                0xE85250D6
#define MB2_BOOTLOADER_MAGIC            0x36D76289
#define MB2_ARCH_I386                   0

#define MULTIBOOT1_HEADER_MAGIC         0x1BADB002
#define MULTIBOOT1_BOOTLOADER_MAGIC     0x2BADB002

/* Header tags (what the kernel asks of the boot loader). */
#define MB2_HEADER_TAG_END              0
#define MB2_HEADER_TAG_INFO_REQUEST     1
#define MB2_HEADER_TAG_CONSOLE_FLAGS    4
#define MB2_HEADER_TAG_FRAMEBUFFER      5
#define MB2_HEADER_TAG_MODULE_ALIGN     6
#define MB2_HEADER_TAG_ADDRESS          2
#define MB2_HEADER_TAG_ENTRY_ADDRESS    3
#define MB2_HEADER_TAG_EFI_BS           7
#define MB2_HEADER_TAG_ENTRY_EFI32      8
#define MB2_HEADER_TAG_ENTRY_EFI64      9
#define MB2_HEADER_TAG_RELOCATABLE      10
#define MB2_HEADER_TAG_OPTIONAL         1
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED  2
#define MB2_LOAD_PREFERENCE_HIGH        2       /* relocatable tag: as high as possible */

/* Information tags (what the boot loader tells the kernel). */
#define MB2_TAG_END                     0
#define MB2_TAG_CMDLINE                 1
#define MB2_TAG_BOOTLOADER_NAME         2
#define MB2_TAG_MODULE                  3
#define MB2_TAG_BASIC_MEMINFO           4
#define MB2_TAG_BOOTDEV                 5
#define MB2_TAG_MMAP                    6
#define MB2_TAG_VBE                     7
#define MB2_TAG_FRAMEBUFFER             8
#define MB2_TAG_ELF_SECTIONS            9
#define MB2_TAG_APM                     10
#define MB2_TAG_EFI32                   11
#define MB2_TAG_EFI64                   12
#define MB2_TAG_SMBIOS                  13
#define MB2_TAG_ACPI_OLD                14
#define MB2_TAG_ACPI_NEW                15
#define MB2_TAG_NETWORK                 16
#define MB2_TAG_EFI_MMAP                17
#define MB2_TAG_EFI_BS                  18
#define MB2_TAG_EFI32_IH                19
#define MB2_TAG_EFI64_IH                20
#define MB2_TAG_LOAD_BASE_ADDR          21

/* Memory map entry types (section 3.6.8). */
#define MB2_MEMORY_AVAILABLE            1
#define MB2_MEMORY_RESERVED             2
#define MB2_MEMORY_ACPI_RECLAIMABLE     3
#define MB2_MEMORY_NVS                  4
#define MB2_MEMORY_BADRAM               5

/* Framebuffer types (section 3.6.12). */
#define MB2_FRAMEBUFFER_TYPE_INDEXED    0
#define MB2_FRAMEBUFFER_TYPE_RGB        1
#define MB2_FRAMEBUFFER_TYPE_EGA_TEXT   2

#endif
