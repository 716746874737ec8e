/*
 * Booting the guest kernel given as a GRUB module: which module, what it
 * is, where its pieces go, and the state its first instruction sees.
 * veneer acts as the guest's boot loader here, by each kernel's own boot
 * protocol (vmx/guest/linux_loader.c, vmx/guest/multiboot_loader.c, vmx/guest/test_guest.c).
 */
#ifndef VENEER_VMX_GUEST_BOOT_H
#define VENEER_VMX_GUEST_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/config.h"
#include "kernel/multiboot2.h"
#include "kernel/ranges.h"
#include "vmx/guest/image.h"
#include "vmx/guest/memory_map.h"

struct guest;

/*
 * A small block of guest RAM the loaders write their structures to (Linux's
 * boot_params and command line, a GDT, a copy of the ACPI RSDP).  Like
 * GRUB's, it is available RAM in the guest's memory map, in conventional
 * memory, which Linux keeps for itself; no segment may land on it.
 */
#define GUEST_BOOT_DATA         0x90000ULL      /* high in conventional memory: mem_lower stays large */
#define GUEST_BOOT_DATA_SIZE    0x3000ULL
#define GUEST_BOOT_GDT          (GUEST_BOOT_DATA + 0x2000)
#define GUEST_BOOT_RSDP         (GUEST_BOOT_DATA + 0x2800)

/*
 * The Multiboot information goes where GRUB 2.06 puts it on a BIOS
 * machine: in the lowest free RAM from 1 MiB up, once the kernel is placed
 * (natively GRUB gave tboot, linked at 8 MiB, its information at
 * 0x100130).  Not at 0x90000: a Multiboot kernel that boots Linux itself
 * (tboot) puts Linux's real-mode part there while it still reads the
 * information.  This much is claimed for it.
 */
#define GUEST_BOOT_INFO_FLOOR   0x100000ULL
#define GUEST_BOOT_INFO_SIZE    0x5000ULL

/* Selectors of GUEST_BOOT_GDT: what Linux's 32-bit boot protocol names __BOOT_CS and __BOOT_DS. */
#define GUEST_BOOT_CS           0x10
#define GUEST_BOOT_DS           0x18

struct guest_boot {
	const struct mb2_info *info;
	const struct mb2_module *kernel;        /* in module_copies */
	const struct mb2_module *modules;       /* the modules after the kernel: initrd, or the guest's modules */
	struct mb2_module module_copies[MB2_MAX_MODULES];      /* every module, moved out of the loaders' way */
	size_t module_count;
	enum guest_image_kind kind;
	struct multiboot1_header_info mb1;
	struct multiboot2_header_info mb2;
	struct guest_memory_map map;            /* what the guest is told */
	struct range_set free;                  /* guest RAM a loader may still place things in */
	uint64_t load_base;                     /* Multiboot2: where the image's lowest byte went */
};

/*
 * Picks module kernel_index as the guest kernel, loads it (a Linux kernel
 * by the entry linux_entry names); false with a message naming the module
 * and the problem.
 */
bool guest_boot_prepare(struct guest *guest, const struct mb2_info *info, size_t kernel_index,
			enum linux_entry linux_entry, char *error, size_t error_size);

/* For loaders: true when [start, end) is free guest RAM (and then takes it). */
bool guest_boot_claim(struct guest_boot *boot, uint64_t start, uint64_t end);
/* For loaders: the lowest page-aligned free block of size bytes in [floor, limit), claimed; 0 if none. */
uint64_t guest_boot_claim_lowest(struct guest_boot *boot, uint64_t size, uint64_t floor, uint64_t limit);

/*
 * memmove for the loaders' large copies (modules, kernel segments), in
 * chunks with the log's UART served between them (log_pump()): a 14 MiB
 * kernel takes long enough to send a good part of the start's log.
 */
#define GUEST_BOOT_MOVE_CHUNK   (256u << 10)
void guest_boot_move(void *dst, const void *src, size_t size);
/* For loaders: the highest page-aligned free block of size bytes below limit, claimed; 0 if none. */
uint64_t guest_boot_claim_highest(struct guest_boot *boot, uint64_t size, uint64_t limit);
struct elf_image;
/* Checks the kernel module as an ELF executable, claims its segments' memory and loads them; false with a message. */
bool guest_boot_load_elf(struct guest_boot *boot, struct elf_image *elf, char *error, size_t error_size);
/* The second half of that: claims and loads a parsed kernel's segments moved by offset bytes (Multiboot2 relocatable). */
bool guest_boot_place_elf(struct guest_boot *boot, const struct elf_image *elf, uint64_t offset, char *error,
			  size_t error_size);
/* Writes the flat GDT (null, null, __BOOT_CS, __BOOT_DS) at GUEST_BOOT_GDT. */
void guest_boot_write_gdt(void);
/* Copies the ACPI RSDP to GUEST_BOOT_RSDP; returns its guest-physical address, 0 if there is none. */
uint64_t guest_boot_copy_rsdp(size_t *size);

bool linux_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size);
bool linux16_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size);
/*
 * For the Linux loaders: the initrd (the first module after the kernel)
 * ending at or below limit, left where the module went if it fits there,
 * else moved to the highest free RAM below limit; 0 and 0 without one.
 */
bool linux_place_initrd(struct guest_boot *boot, uint64_t limit, uint64_t *address, uint64_t *size, char *error,
			size_t error_size);
bool multiboot_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size);

#endif
