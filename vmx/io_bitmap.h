/*
 * The I/O bitmaps (SDM Vol. 3C, "I/O-Bitmap Addresses"): two 4-KByte
 * pages used when the "use I/O bitmaps" control is 1, one bit per port.
 * Bitmap A covers ports 0x0000-0x7FFF and bitmap B ports 0x8000-0xFFFF.
 *
 * An I/O instruction exits if the bit of any port it accesses is set: a
 * 4-byte IN at 0x3FE touches 0x3FE-0x401.  An access that wraps around
 * the top of the port space (touches 0xFFFF and then 0x0000) always exits
 * (SDM Vol. 3C, "Instructions That Cause VM Exits Conditionally").
 */
#ifndef VENEER_VMX_IO_BITMAP_H
#define VENEER_VMX_IO_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define IO_BITMAP_SIZE          4096
#define IO_BITMAP_PORTS         0x10000u        /* ports 0x0000-0xFFFF */

/*
 * Make accesses to ports [first, first + count) exit.  Returns false,
 * changing nothing, when count is 0 or the range runs past 0xFFFF.
 */
bool io_bitmap_intercept(uint8_t a[IO_BITMAP_SIZE], uint8_t b[IO_BITMAP_SIZE], uint32_t first,
			 uint32_t count);

/* Let accesses to ports [first, first + count) through; false as above. */
bool io_bitmap_pass_through(uint8_t a[IO_BITMAP_SIZE], uint8_t b[IO_BITMAP_SIZE], uint32_t first,
			    uint32_t count);

/* Whether an access of size_bytes (1, 2 or 4) at port exits with these bitmaps. */
bool io_bitmap_intercepts(const uint8_t *a, const uint8_t *b, uint16_t port, unsigned size_bytes);

#endif
