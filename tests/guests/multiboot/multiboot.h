/*
 * The numbers of the two Multiboot specifications the test kernels check
 * their boot loader against: Multiboot version 0.6.96 (MB1_*) and
 * Multiboot2 version 2.0 (MB2_*).  Written down here from the
 * specifications, apart from veneer's own boot/multiboot2_abi.h, so that a
 * mistake in veneer's copy is not repeated in its test.  Plain #defines:
 * the assembly headers include this file too.
 */
#ifndef VENEER_TESTS_GUESTS_MULTIBOOT_MULTIBOOT_H
#define VENEER_TESTS_GUESTS_MULTIBOOT_MULTIBOOT_H

/* Multiboot 0.6.96, 3.1 "OS image format". */
#define MB1_HEADER_MAGIC                0x1BADB002
#define MB1_HEADER_PAGE_ALIGN_MODULES   (1 << 0)
#define MB1_HEADER_MEMORY_INFO          (1 << 1)
#define MB1_HEADER_SEARCH_LIMIT         8192    /* the header is in the file's first 8 KiB */

/* 3.2 "Machine state": EAX at entry. */
#define MB1_BOOTLOADER_MAGIC            0x2BADB002

/* 3.3 "Boot information format": bits of the flags word. */
#define MB1_INFO_MEMORY                 (1u << 0)       /* mem_lower, mem_upper */
#define MB1_INFO_BOOT_DEVICE            (1u << 1)
#define MB1_INFO_CMDLINE                (1u << 2)
#define MB1_INFO_MODULES                (1u << 3)
#define MB1_INFO_AOUT_SYMBOLS           (1u << 4)
#define MB1_INFO_ELF_SECTIONS           (1u << 5)       /* excludes bit 4 */
#define MB1_INFO_MEMORY_MAP             (1u << 6)
#define MB1_INFO_DRIVES                 (1u << 7)
#define MB1_INFO_CONFIG_TABLE           (1u << 8)
#define MB1_INFO_LOADER_NAME            (1u << 9)
#define MB1_INFO_APM_TABLE              (1u << 10)
#define MB1_INFO_VBE                    (1u << 11)
#define MB1_INFO_FRAMEBUFFER            (1u << 12)
#define MB1_INFO_DEFINED                0x1FFFu         /* bits 0-12 */

/* Multiboot2 2.0, 3.1 "OS image format". */
#define MB2_HEADER_MAGIC                0xE85250D6
#define MB2_HEADER_ARCH_I386            0               /* 32-bit protected mode */
#define MB2_HEADER_SEARCH_LIMIT         32768           /* the header is in the file's first 32 KiB */
#define MB2_HEADER_TAG_END              0
#define MB2_HEADER_TAG_INFO_REQUEST     1

/* 3.3 "I386 machine state": EAX at entry. */
#define MB2_BOOTLOADER_MAGIC            0x36D76289

/* 3.6 "Boot information": tag types. */
#define MB2_TAG_END                     0
#define MB2_TAG_CMDLINE                 1
#define MB2_TAG_LOADER_NAME             2
#define MB2_TAG_MODULE                  3
#define MB2_TAG_BASIC_MEMINFO           4
#define MB2_TAG_BOOT_DEVICE             5
#define MB2_TAG_MEMORY_MAP              6
#define MB2_TAG_VBE                     7
#define MB2_TAG_FRAMEBUFFER             8
#define MB2_TAG_ELF_SECTIONS            9
#define MB2_TAG_APM                     10
#define MB2_TAG_ACPI_OLD                14      /* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW                15      /* a copy of the ACPI 2.0+ RSDP */
#define MB2_TAG_LOAD_BASE_ADDR          21
#define MB2_TAG_ALIGN                   8       /* tags and the information start 8-byte aligned */

#define MB2_FRAMEBUFFER_INDEXED         0
#define MB2_FRAMEBUFFER_RGB             1
#define MB2_FRAMEBUFFER_EGA_TEXT        2

/* Memory map entry types, the same in both specifications. */
#define MB_MEMORY_AVAILABLE             1
#define MB_MEMORY_RESERVED              2
#define MB_MEMORY_ACPI_RECLAIMABLE      3
#define MB_MEMORY_NVS                   4
#define MB_MEMORY_BAD                   5

#endif
