/*
 * What kind of kernel a guest module holds, told from its contents:
 *   - a Linux bzImage: "HdrS" at 0x202 (Linux boot protocol, x86);
 *   - a Multiboot2 kernel: its header (magic 0xE85250D6, 8-byte aligned,
 *     in the first 32 KiB, checksum right);
 *   - a Multiboot kernel: its header (magic 0x1BADB002, 4-byte aligned, in
 *     the first 8 KiB, checksum right);
 *   - one of veneer's own test guests: any other ELF executable.
 * Pure: unit-tested.
 */
#ifndef VENEER_VMX_GUEST_IMAGE_H
#define VENEER_VMX_GUEST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum guest_image_kind {
	GUEST_IMAGE_UNKNOWN,
	GUEST_IMAGE_LINUX,
	GUEST_IMAGE_MULTIBOOT2,
	GUEST_IMAGE_MULTIBOOT1,
	GUEST_IMAGE_TEST_GUEST,
};

struct multiboot1_header_info {
	uint32_t offset;        /* of the header in the image */
	uint32_t flags;
};

struct multiboot2_header_info {
	uint32_t offset;
	uint32_t length;
};

/* Setup header fields: offsets in a bzImage, and the same in the zero page (boot.rst, "The Real-Mode Kernel Header"). */
#define HDR_SETUP_SECTS         0x1F1
#define HDR_SYSSIZE             0x1F4
#define HDR_BOOT_FLAG           0x1FE
#define HDR_JUMP                0x200
#define HDR_MAGIC               0x202   /* "HdrS" */
#define HDR_VERSION             0x206
#define HDR_TYPE_OF_LOADER      0x210
#define HDR_LOADFLAGS           0x211
#define HDR_CODE32_START        0x214
#define HDR_RAMDISK_IMAGE       0x218
#define HDR_RAMDISK_SIZE        0x21C
#define HDR_CMD_LINE_PTR        0x228
#define HDR_INITRD_ADDR_MAX     0x22C
#define HDR_KERNEL_ALIGNMENT    0x230
#define HDR_RELOCATABLE_KERNEL  0x234
#define HDR_CMDLINE_SIZE        0x238
#define HDR_PREF_ADDRESS        0x258
#define HDR_INIT_SIZE           0x260

/*
 * The setup header of a Linux bzImage (Documentation/arch/x86/boot.rst,
 * "The Real-Mode Kernel Header"), with each field's default where the
 * kernel's protocol version predates it.  The checks are GRUB 2.06's
 * `linux` command's, no stricter: the boot-sector signature, at most 64
 * setup sectors, protocol 2.02 or later (GRUB wants 2.03), LOADED_HIGH,
 * and a file that holds the setup code.  syssize is not checked against
 * the file: GRUB loads whatever follows the setup code (memtest86+ 6.10's
 * header announces 8 bytes more than its file holds, iPXE's 7).
 */
struct linux_setup_header {
	unsigned version;               /* 0x020C for 2.12 */
	unsigned header_end;            /* the setup header ends here (0x202 + the byte at 0x201) */
	size_t kernel_offset;           /* the protected-mode kernel starts here in the file */
	size_t kernel_size;             /* and runs to the end of the file */
	uint64_t announced_size;        /* syssize * 16: what the header says the kernel has */
	uint64_t preferred_address;     /* pref_address (2.10+), else 1 MiB */
	bool relocatable;               /* relocatable_kernel (2.05+) */
	uint64_t alignment;             /* kernel_alignment (2.05+), else 0 */
	uint64_t init_size;             /* memory the kernel needs from its load address, page-aligned */
	uint32_t entry_offset;          /* code32_start - 1 MiB: the 32-bit entry, relative to the load address */
	uint32_t cmdline_max;           /* characters of command line it accepts (cmdline_size, 2.06+; else 255) */
	uint64_t initrd_addr_max;       /* highest address of an initrd byte (2.03+; else 0x37FFFFFF), at most 1 GiB - 1 */
};

/* Fills h from a bzImage of size bytes; false with a message naming the problem. */
bool guest_image_parse_linux(const void *data, size_t size, struct linux_setup_header *h, char *error,
			     size_t error_size);

/*
 * Where an image's bytes go by the header's address fields instead of its
 * executable format: Multiboot's a.out kludge (header flag 16, Multiboot
 * 0.6.96 section 3.1.3) and Multiboot2's address tag (section 3.1.5).
 * load_addr -1 (Multiboot2 only) loads from the start of the file;
 * load_end_addr 0 loads to its end; bss_end_addr 0 means no bss.
 */
struct guest_image_address_fields {
	uint32_t header_offset;         /* where the Multiboot header was found in the file */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
};

struct guest_image_layout {
	uint64_t file_offset;           /* of the first byte loaded */
	uint64_t load_address;          /* where it goes */
	uint64_t file_size;             /* bytes copied from the file */
	uint64_t memory_size;           /* bytes the image occupies, bss included (zeroed past file_size) */
};

bool guest_image_address_layout(size_t size, const struct guest_image_address_fields *f, bool multiboot2,
				struct guest_image_layout *layout, char *error, size_t error_size);

/* What a Multiboot2 header asks of the boot loader (Multiboot2 specification 2.0, section 3.1). */
struct multiboot2_request {
	bool has_address;               /* address tag */
	struct guest_image_address_fields address;
	bool has_entry;                 /* entry address tag (the EFI ones are for EFI boot services, ignored) */
	uint32_t entry;
	bool relocatable;               /* relocatable tag */
	uint32_t min_addr, max_addr, align, preference;        /* preference: 0 none, 1 low, 2 high */
};

#define MB2_RELOCATABLE_PREFER_LOW      1
#define MB2_RELOCATABLE_PREFER_HIGH     2

/*
 * Reads the header's tags; false with a message for a malformed tag, an
 * unknown tag not marked optional, or a required information request
 * veneer does not give (GRUB refuses those too).
 */
bool guest_image_parse_multiboot2(const void *data, size_t size, const struct multiboot2_header_info *header,
				  struct multiboot2_request *request, char *error, size_t error_size);

/* The Multiboot2 information tag types veneer writes (an information request for another fails unless optional). */
bool guest_image_multiboot2_info_provided(uint32_t type);

enum guest_image_kind guest_image_detect(const void *data, size_t size, struct multiboot1_header_info *mb1,
					 struct multiboot2_header_info *mb2);
const char *guest_image_kind_name(enum guest_image_kind kind);

#endif
