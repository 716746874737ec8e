/* Telling guest kernels apart by their contents. */
// unit-test-source: vmx/guest/image.c
// unit-test-source: kernel/elf.c
// unit-test-source: kernel/format.c
#include "boot/multiboot2_abi.h"
#include "vmx/guest/image.h"
#include "unit.h"

static uint8_t image[40000];

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

TEST(guest_image_kinds)
{
	struct multiboot1_header_info mb1 = { 0 };
	struct multiboot2_header_info mb2 = { 0 };

	memset(image, 0, sizeof(image));
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_UNKNOWN);

	memcpy(image + 0x202, "HdrS", 4);
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_LINUX);
	EXPECT_EQ(guest_image_detect(image, 0x205, &mb1, &mb2), GUEST_IMAGE_UNKNOWN);    /* truncated */

	memset(image, 0, sizeof(image));
	put32(image + 0x1000, MULTIBOOT1_HEADER_MAGIC);
	put32(image + 0x1004, 3);
	put32(image + 0x1008, -(MULTIBOOT1_HEADER_MAGIC + 3));
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_MULTIBOOT1);
	EXPECT_EQ(mb1.offset, 0x1000);
	EXPECT_EQ(mb1.flags, 3);
	put32(image + 0x1008, 0);                        /* bad checksum */
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_UNKNOWN);

	memset(image, 0, sizeof(image));
	put32(image + 0x2000, MB2_HEADER_MAGIC);
	put32(image + 0x2004, 0);
	put32(image + 0x2008, 24);
	put32(image + 0x200C, -(MB2_HEADER_MAGIC + 24));
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_MULTIBOOT2);
	EXPECT_EQ(mb2.offset, 0x2000);
	/* Beyond the 32 KiB the specification allows: not found. */
	memmove(image + 0x8008, image + 0x2000, 16);
	memset(image + 0x2000, 0, 16);
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_UNKNOWN);

	memset(image, 0, sizeof(image));
	memcpy(image, "\x7f" "ELF", 4);
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &mb2), GUEST_IMAGE_TEST_GUEST);
	EXPECT_STREQ(guest_image_kind_name(GUEST_IMAGE_LINUX), "Linux bzImage");
}

/* A bzImage header of the given protocol version: setup_sects setup sectors, then kernel_bytes of kernel. */
static size_t make_bzimage(unsigned version, unsigned setup_sects, size_t kernel_bytes, uint32_t syssize)
{
	size_t size = (setup_sects + 1) * 512 + kernel_bytes;

	memset(image, 0, sizeof(image));
	image[HDR_SETUP_SECTS] = (uint8_t)setup_sects;
	put32(image + HDR_SYSSIZE, syssize);
	image[HDR_BOOT_FLAG] = 0x55;
	image[HDR_BOOT_FLAG + 1] = 0xAA;
	image[HDR_JUMP] = 0xEB;
	image[HDR_JUMP + 1] = version >= 0x020A ? 0x66 : 0x30;
	memcpy(image + HDR_MAGIC, "HdrS", 4);
	image[HDR_VERSION] = (uint8_t)version;
	image[HDR_VERSION + 1] = (uint8_t)(version >> 8);
	image[HDR_LOADFLAGS] = 1;
	put32(image + HDR_CODE32_START, 0x100000);
	put32(image + HDR_INITRD_ADDR_MAX, 0x7FFFFFFF);
	put32(image + HDR_KERNEL_ALIGNMENT, 0x200000);
	image[HDR_RELOCATABLE_KERNEL] = 1;
	put32(image + HDR_CMDLINE_SIZE, 2047);
	put32(image + HDR_PREF_ADDRESS, 0x1000000);
	put32(image + HDR_INIT_SIZE, 0x300000);
	return size;
}

TEST(linux_header_modern_kernel)
{
	struct linux_setup_header h;
	char error[200] = "";
	size_t size = make_bzimage(0x020F, 27, 20000, 20000 / 16);

	EXPECT(guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT_EQ(h.version, 0x020F);
	EXPECT_EQ(h.kernel_offset, 28 * 512);
	EXPECT_EQ(h.kernel_size, 20000);
	EXPECT_EQ(h.header_end, 0x202 + 0x66);
	EXPECT(h.relocatable);
	EXPECT_EQ(h.alignment, 0x200000);
	EXPECT_EQ(h.preferred_address, 0x1000000);
	EXPECT_EQ(h.init_size, 0x300000);
	EXPECT_EQ(h.entry_offset, 0);
	EXPECT_EQ(h.cmdline_max, 2047);
	EXPECT_EQ(h.initrd_addr_max, 0x3FFFFFFF);       /* capped like GRUB */
}

TEST(linux_header_old_protocols_get_their_defaults)
{
	struct linux_setup_header h;
	char error[200] = "";

	/* 2.03 (syslinux memdisk): no relocation, no pref_address or init_size, 255-character command line. */
	size_t size = make_bzimage(0x0203, 3, 24744, 0);
	EXPECT(guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(!h.relocatable);
	EXPECT_EQ(h.preferred_address, 0x100000);
	EXPECT_EQ(h.cmdline_max, 255);
	EXPECT_EQ(h.initrd_addr_max, 0x3FFFFFFF);
	EXPECT_EQ(h.init_size, 3 * 0x7000);             /* three times the page-rounded image */

	/* 2.02: no initrd_addr_max field yet. */
	size = make_bzimage(0x0202, 4, 4096, 256);
	EXPECT(guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT_EQ(h.initrd_addr_max, 0x37FFFFFF);

	/* 2.07 (iPXE): relocatable fields exist, pref_address does not; code32_start 0 is kept relative. */
	size = make_bzimage(0x0207, 5, 303449, 303456 / 16);
	put32(image + HDR_CODE32_START, 0);
	EXPECT(guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(h.relocatable);
	EXPECT_EQ(h.preferred_address, 0x100000);
	EXPECT_EQ(h.entry_offset, 0xFFF00000);
	EXPECT_EQ(h.cmdline_max, 2047);
}

TEST(linux_header_size_rule_is_grubs)
{
	struct linux_setup_header h;
	char error[200] = "";

	/* memtest86+ 6.10: syssize announces 8 bytes more than the file holds; GRUB loads it. */
	size_t size = make_bzimage(0x020C, 2, 142776, 142784 / 16);
	EXPECT(guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT_EQ(h.announced_size, 142784);
	EXPECT_EQ(h.kernel_size, 142776);

	/* The file ends inside the setup code: refused. */
	EXPECT(!guest_image_parse_linux(image, 2 * 512, &h, error, sizeof(error)));
	EXPECT(strstr(error, "truncated") != NULL);
	/* Or inside the setup header. */
	EXPECT(!guest_image_parse_linux(image, 0x210, &h, error, sizeof(error)));
	EXPECT(strstr(error, "setup header runs to") != NULL);
}

TEST(linux_header_refusals)
{
	struct linux_setup_header h;
	char error[200] = "";
	size_t size;

	size = make_bzimage(0x0201, 4, 4096, 256);
	EXPECT(!guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT_STREQ(error, "boot protocol version 2.01 is too old: veneer needs 2.02 or later");

	size = make_bzimage(0x020C, 4, 4096, 256);
	image[HDR_LOADFLAGS] = 0;
	EXPECT(!guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(strstr(error, "LOADED_HIGH") != NULL);

	size = make_bzimage(0x020C, 4, 4096, 256);
	image[HDR_BOOT_FLAG] = 0;
	EXPECT(!guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(strstr(error, "boot_flag") != NULL);

	size = make_bzimage(0x020C, 65, 4096, 256);
	EXPECT(!guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(strstr(error, "65 setup sectors") != NULL);

	size = make_bzimage(0x020C, 4, 4096, 256);
	image[HDR_JUMP + 1] = 0x90;                      /* header to 0x292: past the zero page's room */
	EXPECT(!guest_image_parse_linux(image, size, &h, error, sizeof(error)));
	EXPECT(strstr(error, "larger than the zero page") != NULL);
}

TEST(address_fields_aout_kludge)
{
	struct guest_image_layout l;
	char error[200] = "";
	/* grub-invaders: header at file offset 0x84, linked at 1 MiB with the file's first 0x80 bytes skipped. */
	struct guest_image_address_fields f = {
		.header_offset = 0x84, .header_addr = 0x100004, .load_addr = 0x100000,
		.load_end_addr = 0x1019d8, .bss_end_addr = 0x105b50,
	};

	EXPECT(guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT_EQ(l.file_offset, 0x80);
	EXPECT_EQ(l.load_address, 0x100000);
	EXPECT_EQ(l.file_size, 0x19d8);
	EXPECT_EQ(l.memory_size, 0x5b50);

	f.load_end_addr = 0;                            /* to the end of the file */
	f.bss_end_addr = 0;                             /* no bss */
	EXPECT(guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT_EQ(l.file_size, 7504 - 0x80);
	EXPECT_EQ(l.memory_size, 7504 - 0x80);

	/* Multiboot2's load_addr -1: from the start of the file. */
	f.load_addr = 0xFFFFFFFF;
	EXPECT(guest_image_address_layout(7504, &f, true, &l, error, sizeof(error)));
	EXPECT_EQ(l.file_offset, 0);
	EXPECT_EQ(l.load_address, 0x100004 - 0x84);
	/* In Multiboot 1 it is just an address above header_addr. */
	EXPECT(!guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT(strstr(error, "above header_addr") != NULL);

	f.load_addr = 0x100000;
	f.load_end_addr = 0x200000;                     /* more than the file holds */
	EXPECT(!guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT(strstr(error, "truncated") != NULL);

	f.load_end_addr = 0x101000;
	f.bss_end_addr = 0x100800;                      /* bss ends before the image */
	EXPECT(!guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT(strstr(error, "bss_end_addr") != NULL);

	f.bss_end_addr = 0;
	f.header_addr = 0x200000;                       /* header_addr - load_addr reaches before the file */
	EXPECT(!guest_image_address_layout(7504, &f, false, &l, error, sizeof(error)));
	EXPECT(strstr(error, "before the start of the file") != NULL);
}

/* Appends a Multiboot2 header tag at *at (8-byte aligned). */
static void tag(size_t *at, uint16_t type, uint16_t flags, const uint32_t *words, unsigned n)
{
	uint32_t size = 8 + 4 * n;

	image[*at] = (uint8_t)type;
	image[*at + 1] = (uint8_t)(type >> 8);
	image[*at + 2] = (uint8_t)flags;
	image[*at + 3] = (uint8_t)(flags >> 8);
	put32(image + *at + 4, size);
	for (unsigned i = 0; i < n; i++)
		put32(image + *at + 8 + 4 * i, words[i]);
	*at += (size + 7) & ~7u;
}

static struct multiboot2_header_info finish_mb2(size_t start, size_t at)
{
	struct multiboot2_header_info h = { (uint32_t)start, (uint32_t)(at - start) };

	put32(image + start, MB2_HEADER_MAGIC);
	put32(image + start + 4, 0);
	put32(image + start + 8, h.length);
	put32(image + start + 12, -(MB2_HEADER_MAGIC + h.length));
	return h;
}

TEST(multiboot2_header_tags_like_xen)
{
	struct multiboot2_request r;
	char error[200] = "";
	size_t at = 0x98 + 16;

	memset(image, 0, sizeof(image));
	tag(&at, MB2_HEADER_TAG_INFO_REQUEST, 0, (const uint32_t[]){ MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP }, 2);
	tag(&at, MB2_HEADER_TAG_CONSOLE_FLAGS, 0, (const uint32_t[]){ 0 }, 0);
	tag(&at, MB2_HEADER_TAG_RELOCATABLE, 1, (const uint32_t[]){ 0x200000, 0xFFFFFFFF, 0x200000, 2 }, 4);
	tag(&at, MB2_HEADER_TAG_ENTRY_EFI64, 1, (const uint32_t[]){ 0x3dd531 }, 1);
	tag(&at, MB2_HEADER_TAG_EFI_BS, 1, NULL, 0);
	tag(&at, MB2_HEADER_TAG_END, 0, NULL, 0);
	struct multiboot2_header_info h = finish_mb2(0x98, at);
	struct multiboot1_header_info mb1;
	struct multiboot2_header_info found;
	EXPECT_EQ(guest_image_detect(image, sizeof(image), &mb1, &found), GUEST_IMAGE_MULTIBOOT2);

	EXPECT(guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(r.relocatable);
	EXPECT_EQ(r.min_addr, 0x200000);
	EXPECT_EQ(r.max_addr, 0xFFFFFFFF);
	EXPECT_EQ(r.align, 0x200000);
	EXPECT_EQ(r.preference, MB2_RELOCATABLE_PREFER_HIGH);
	EXPECT(!r.has_entry);                           /* the EFI entry is not the BIOS entry */
	EXPECT(!r.has_address);
}

TEST(multiboot2_header_address_and_entry_tags)
{
	struct multiboot2_request r;
	char error[200] = "";
	size_t at = 0x1000 + 16;

	memset(image, 0, sizeof(image));
	tag(&at, MB2_HEADER_TAG_ADDRESS, 0, (const uint32_t[]){ 0x101000, 0x100000, 0x102000, 0x110000 }, 4);
	tag(&at, MB2_HEADER_TAG_ENTRY_ADDRESS, 0, (const uint32_t[]){ 0x100040 }, 1);
	tag(&at, 0x77, 1, NULL, 0);                      /* unknown, optional: ignored */
	tag(&at, MB2_HEADER_TAG_END, 0, NULL, 0);
	struct multiboot2_header_info h = finish_mb2(0x1000, at);
	EXPECT(guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(r.has_address);
	EXPECT_EQ(r.address.header_offset, 0x1000);
	EXPECT_EQ(r.address.header_addr, 0x101000);
	EXPECT_EQ(r.address.bss_end_addr, 0x110000);
	EXPECT(r.has_entry);
	EXPECT_EQ(r.entry, 0x100040);

	struct guest_image_layout l;
	EXPECT(guest_image_address_layout(sizeof(image), &r.address, true, &l, error, sizeof(error)));
	EXPECT_EQ(l.file_offset, 0);
	EXPECT_EQ(l.file_size, 0x2000);
	EXPECT_EQ(l.memory_size, 0x10000);
}

TEST(multiboot2_header_refusals)
{
	struct multiboot2_request r;
	char error[200] = "";
	size_t at;
	struct multiboot2_header_info h;

	memset(image, 0, sizeof(image));
	at = 16;
	tag(&at, 0x77, 0, NULL, 0);                      /* unknown and required */
	tag(&at, MB2_HEADER_TAG_END, 0, NULL, 0);
	h = finish_mb2(0, at);
	EXPECT(!guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(strstr(error, "type 119") != NULL);

	memset(image, 0, sizeof(image));
	at = 16;
	tag(&at, MB2_HEADER_TAG_INFO_REQUEST, 0, (const uint32_t[]){ MB2_TAG_MMAP, MB2_TAG_APM }, 2);
	tag(&at, MB2_HEADER_TAG_END, 0, NULL, 0);
	h = finish_mb2(0, at);
	EXPECT(!guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(strstr(error, "information of type 10") != NULL);
	image[16 + 2] = MB2_HEADER_TAG_OPTIONAL;         /* the same request, optional: fine */
	EXPECT(guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));

	memset(image, 0, sizeof(image));
	at = 16;
	tag(&at, MB2_HEADER_TAG_ENTRY_ADDRESS, 0, (const uint32_t[]){ 0x100040 }, 1);
	h = finish_mb2(0, at);                           /* no end tag */
	EXPECT(!guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(strstr(error, "no end tag") != NULL);

	memset(image, 0, sizeof(image));
	at = 16;
	tag(&at, MB2_HEADER_TAG_RELOCATABLE, 0, (const uint32_t[]){ 0x200000, 0xFFFFFFFF, 0x300000, 0 }, 4);
	tag(&at, MB2_HEADER_TAG_END, 0, NULL, 0);
	h = finish_mb2(0, at);
	EXPECT(!guest_image_parse_multiboot2(image, sizeof(image), &h, &r, error, sizeof(error)));
	EXPECT(strstr(error, "power of two") != NULL);
}
