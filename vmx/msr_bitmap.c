/* MSR bitmap bits.  Pure: the host unit tests compile it too. */
#include "vmx/msr_bitmap.h"

#define READ_LOW_BASE   0x000u
#define READ_HIGH_BASE  0x400u
#define WRITE_OFFSET    0x800u  /* the write bitmaps follow the read bitmaps */

bool msr_bitmap_covers(uint32_t msr)
{
	return msr <= MSR_BITMAP_LOW_LAST ||
	       (msr >= MSR_BITMAP_HIGH_FIRST && msr <= MSR_BITMAP_HIGH_LAST);
}

/* Byte offset of msr's read bit, and the bit within that byte; false outside both ranges. */
static bool read_bit(uint32_t msr, unsigned *byte, uint8_t *mask)
{
	uint32_t n;

	if (!msr_bitmap_covers(msr))
		return false;
	n = msr & 0x1FFF;       /* index within its range */
	*byte = (msr <= MSR_BITMAP_LOW_LAST ? READ_LOW_BASE : READ_HIGH_BASE) + n / 8;
	*mask = (uint8_t)(1u << (n % 8));
	return true;
}

static bool update(uint8_t *bitmap, uint32_t msr, bool read, bool write, bool exit)
{
	unsigned byte;
	uint8_t mask;

	if (!read_bit(msr, &byte, &mask))
		return false;
	if (read)
		bitmap[byte] = exit ? bitmap[byte] | mask : bitmap[byte] & (uint8_t)~mask;
	if (write) {
		byte += WRITE_OFFSET;
		bitmap[byte] = exit ? bitmap[byte] | mask : bitmap[byte] & (uint8_t)~mask;
	}
	return true;
}

bool msr_bitmap_intercept(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write)
{
	return update(bitmap, msr, read, write, true);
}

bool msr_bitmap_pass_through(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write)
{
	return update(bitmap, msr, read, write, false);
}

bool msr_bitmap_intercepts(const uint8_t *bitmap, uint32_t msr, bool write)
{
	unsigned byte;
	uint8_t mask;

	if (!read_bit(msr, &byte, &mask))
		return true;
	return bitmap[byte + (write ? WRITE_OFFSET : 0)] & mask;
}
