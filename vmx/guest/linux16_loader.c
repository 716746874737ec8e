/*
 * Booting Linux by its real-mode entry, the way GRUB 2.06's `linux16` and
 * `initrd16` do (grub-core/loader/i386/pc/linux.c is the reference for
 * the placement; Documentation/arch/x86/boot.rst, "Loading the Rest of
 * the Kernel" and "Running the Kernel", for the protocol).  The kernel's
 * own setup code then runs as on the bare machine: it asks the BIOS for
 * the memory map (veneer answers INT 15h E820h/E801h/88h with its memory
 * reserved, vmx/guest/bios_memory.c), sets the video mode, and enters
 * protected mode itself.  Kernels made for this entry only (iPXE's .lkrn,
 * syslinux's memdisk) need it; GRUB's 32-bit `linux` triple-faults them.
 *
 *   - the boot sector and setup code go to the block linux16_layout.h
 *     places below 640 KiB, with the command line after them;
 *   - the protected-mode part goes to 1 MiB, as read from the file;
 *   - the initrd goes high, below initrd_addr_max - 64 KiB;
 *   - the first instruction is the setup code's, at segment + 0x20 : 0,
 *     with DS = ES = FS = GS = SS = the block's segment and SP = 0x9000.
 *
 * It needs a BIOS: GRUB has no `linux16` on UEFI either.
 */
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"
#include "vmx/guest/linux16_layout.h"

/* Real-mode-only fields of the setup header (boot.rst, "The Real-Mode Kernel Header"). */
#define HDR_HEAP_END_PTR        0x224
#define LOADFLAG_CAN_USE_HEAP   0x80
#define LOADER_TYPE_UNDEFINED   0xFF
#define BZIMAGE_ADDRESS         0x100000ULL

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

bool linux16_load(struct guest *guest, struct guest_boot *boot, char *error, size_t error_size)
{
	const uint8_t *image = (const uint8_t *)(uintptr_t)boot->kernel->start;
	size_t size = (size_t)(boot->kernel->end - boot->kernel->start);
	struct linux_setup_header h;

	if (!guest->bios_firmware)
		FAIL("linux=16 enters the kernel's real-mode setup code, which calls the BIOS, and GRUB booted veneer "
		     "by UEFI: use linux=32 (GRUB's 'linux')");
	if (!guest_image_parse_linux(image, size, &h, error, error_size))
		return false;

	/* The real-mode block: boot sector, setup code, heap, stack, then the command line. */
	uint64_t block_size = linux16_block_size(h.cmdline_max);
	uint64_t base = linux16_block_base(&boot->free, block_size);
	if (!base || !guest_boot_claim(boot, align_down(base, 4096), align_up(base + block_size, 4096)))
		FAIL("no free RAM below 640 KiB for the real-mode setup code and command line (%llu bytes)",
		     (unsigned long long)block_size);
	uint64_t kernel = BZIMAGE_ADDRESS;
	if (!guest_boot_claim(boot, kernel, align_up(kernel + h.kernel_size, 4096)))
		FAIL("the %zu KiB protected-mode part must go to 1 MiB, and [%#llx-%#llx) is not free guest RAM",
		     h.kernel_size >> 10, (unsigned long long)kernel, (unsigned long long)(kernel + h.kernel_size));

	uint64_t initrd, initrd_size;
	if (!linux_place_initrd(boot, h.initrd_addr_max + 1 - LINUX16_INITRD_MARGIN, &initrd, &initrd_size, error,
				error_size))
		return false;
	guest_boot_move((void *)(uintptr_t)kernel, image + h.kernel_offset, h.kernel_size);

	uint8_t *block = (uint8_t *)(uintptr_t)base;
	memset(block, 0, block_size);
	memcpy(block, image, h.kernel_offset);
	block[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	put_le(block + HDR_HEAP_END_PTR, LINUX16_HEAP_END, 2);
	block[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
	put_le(block + HDR_CMD_LINE_PTR, base + LINUX16_CMDLINE_OFFSET, 4);
	put_le(block + HDR_RAMDISK_IMAGE, initrd, 4);
	put_le(block + HDR_RAMDISK_SIZE, initrd_size, 4);
	size_t length = strnlen(boot->kernel->cmdline, h.cmdline_max);
	if (boot->kernel->cmdline[length])
		pr_warn("guest: the kernel command line is longer than the kernel accepts (%u bytes); cut",
			h.cmdline_max);
	memcpy(block + LINUX16_CMDLINE_OFFSET, boot->kernel->cmdline, length);

	struct guest_entry *e = &guest->entry;
	memset(e, 0, sizeof(*e));
	e->mode = GUEST_ENTRY_REAL_MODE;
	e->real_mode_data_segment = (uint16_t)(base >> 4);
	e->real_mode_segment = (uint16_t)(e->real_mode_data_segment + LINUX16_CODE_SEGMENT_OFFSET);
	e->rip = 0;
	e->rsp = LINUX16_SETUP_STACK;
	pr_info("guest: Linux boot protocol %u.%02u, real-mode entry: setup at %#llx, kernel at %#llx, initrd at "
		"%#llx (%llu KiB)", h.version >> 8, h.version & 0xFF, (unsigned long long)base,
		(unsigned long long)kernel, (unsigned long long)initrd, (unsigned long long)(initrd_size >> 10));
	return true;
}
