/*
 * The Linux loader's reading of a bzImage's setup header
 * (guest_image_parse_linux, vmx/guest/image.c), the checks GRUB's `linux`
 * command makes and the defaults of fields older protocol versions lack,
 * and then what vmx/guest/linux_loader.c derives from it: where the
 * kernel may go, how much it claims, the bytes of the header copied into
 * the zero page.  The input is the module, copied into a heap block of
 * exactly its size.
 *
 * Invariants of an accepted header: the boot-sector signature and
 * LOADED_HIGH are there and the version is 2.02 or later; the setup header
 * lies inside the module and ends before the zero page's next field (the
 * loader copies it there); the protected-mode kernel starts after at most
 * 64 setup sectors and runs to the module's end; the room claimed is
 * page-aligned and holds the kernel; an alignment is a power of two and a
 * relocatable kernel has one; the preferred address is 1 MiB unless a
 * relocatable 2.10 kernel names another; initrd_addr_max stays below
 * 1 GiB.  A refused header has a message.
 */
// fuzz-source: vmx/guest/image.c
// fuzz-source: kernel/elf.c
// fuzz-source: kernel/format.c
#include "fuzz.h"
#include "vmx/guest/image.h"

#define ZERO_PAGE_SIZE  4096

static uint32_t rd(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *module = malloc(size ? size : 1);
	struct linux_setup_header h;
	char error[160];

	memcpy(module, data, size);
	error[0] = '\0';
	if (!guest_image_parse_linux(module, size, &h, error, sizeof(error))) {
		FUZZ_CHECK(error[0] != '\0' && memchr(error, '\0', sizeof(error)));
		free(module);
		return 0;
	}
	FUZZ_CHECK(size >= HDR_VERSION + 2);
	FUZZ_CHECK(rd(module + HDR_BOOT_FLAG, 2) == 0xAA55);
	FUZZ_CHECK(h.version == rd(module + HDR_VERSION, 2) && h.version >= 0x0202);
	FUZZ_CHECK(module[HDR_LOADFLAGS] & 1);
	/* The loader copies [HDR_SETUP_SECTS, header_end) of the module into the zero page. */
	FUZZ_CHECK(h.header_end == HDR_JUMP + 2 + module[HDR_JUMP + 1] && h.header_end <= size);
	FUZZ_CHECK(h.header_end <= 0x290 && h.header_end <= ZERO_PAGE_SIZE);
	FUZZ_CHECK(h.kernel_offset % 512 == 0 && h.kernel_offset >= 512 && h.kernel_offset <= 65 * 512);
	FUZZ_CHECK(h.kernel_offset < size && h.kernel_offset + h.kernel_size == size && h.kernel_size > 0);
	FUZZ_CHECK(h.announced_size == (uint64_t)rd(module + HDR_SYSSIZE, 4) * 16);
	FUZZ_CHECK(h.init_size % 4096 == 0 && h.init_size >= h.kernel_size);
	FUZZ_CHECK(h.alignment == 0 || (h.alignment & (h.alignment - 1)) == 0);
	FUZZ_CHECK(!h.relocatable || h.alignment != 0);
	FUZZ_CHECK(h.preferred_address == 0x100000 || (h.relocatable && h.version >= 0x020A));
	FUZZ_CHECK(h.initrd_addr_max <= 0x3FFFFFFF);
	FUZZ_CHECK(h.entry_offset == (uint32_t)(rd(module + HDR_CODE32_START, 4) - 0x100000));
	FUZZ_CHECK(h.version >= 0x0206 || h.cmdline_max == 255);
	/*
	 * The loader claims [load, load + init_size): init_size is the 32-bit
	 * field page-rounded or three times the page-rounded kernel, so a
	 * claim at an address below 4 GiB cannot wrap.
	 */
	FUZZ_CHECK(h.init_size <= (1ULL << 32) || h.init_size <= 3 * ((h.kernel_size + 4095) & ~4095ULL));
	free(module);
	return 0;
}
