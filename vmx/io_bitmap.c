/* I/O bitmap bits.  Pure: the host unit tests compile it too. */
#include "vmx/io_bitmap.h"

#define PORTS_PER_BITMAP        0x8000u

/* The byte holding port's bit, in bitmap A or B. */
static uint8_t *port_byte(uint8_t *a, uint8_t *b, uint32_t port)
{
	return (port < PORTS_PER_BITMAP ? a : b) + (port % PORTS_PER_BITMAP) / 8;
}

static bool update(uint8_t *a, uint8_t *b, uint32_t first, uint32_t count, bool exit)
{
	if (count == 0 || first >= IO_BITMAP_PORTS || count > IO_BITMAP_PORTS - first)
		return false;
	for (uint32_t port = first; port < first + count; port++) {
		uint8_t *byte = port_byte(a, b, port);
		uint8_t mask = (uint8_t)(1u << (port % 8));

		*byte = exit ? *byte | mask : *byte & (uint8_t)~mask;
	}
	return true;
}

bool io_bitmap_intercept(uint8_t a[IO_BITMAP_SIZE], uint8_t b[IO_BITMAP_SIZE], uint32_t first,
			 uint32_t count)
{
	return update(a, b, first, count, true);
}

bool io_bitmap_pass_through(uint8_t a[IO_BITMAP_SIZE], uint8_t b[IO_BITMAP_SIZE], uint32_t first,
			    uint32_t count)
{
	return update(a, b, first, count, false);
}

bool io_bitmap_intercepts(const uint8_t *a, const uint8_t *b, uint16_t port, unsigned size_bytes)
{
	uint32_t last = (uint32_t)port + size_bytes - 1;

	if (size_bytes == 0)
		return false;
	if (last >= IO_BITMAP_PORTS)
		return true;    /* wraps around to port 0: always exits */
	for (uint32_t p = port; p <= last; p++) {
		const uint8_t *bitmap = p < PORTS_PER_BITMAP ? a : b;

		if (bitmap[(p % PORTS_PER_BITMAP) / 8] & (1u << (p % 8)))
			return true;
	}
	return false;
}
