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
