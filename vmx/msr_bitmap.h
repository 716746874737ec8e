/*
 * The MSR bitmap (SDM Vol. 3C, "MSR-Bitmap Address"): one 4-KByte page,
 * used when the "use MSR bitmaps" control is 1, in four 1-KByte parts
 * with one bit per MSR:
 *
 *   bytes 0x000-0x3FF   read bitmap for low MSRs   0x00000000-0x00001FFF
 *   bytes 0x400-0x7FF   read bitmap for high MSRs  0xC0000000-0xC0001FFF
 *   bytes 0x800-0xBFF   write bitmap for low MSRs
 *   bytes 0xC00-0xFFF   write bitmap for high MSRs
 *
 * A set bit makes RDMSR (read bitmaps) or WRMSR (write bitmaps) of that
 * MSR exit; a clear bit lets the guest reach the MSR.  RDMSR and WRMSR
 * with ECX outside both ranges always exit, whatever the page holds (SDM
 * Vol. 3C, "Instructions That Cause VM Exits Conditionally").
 */
#ifndef VENEER_VMX_MSR_BITMAP_H
#define VENEER_VMX_MSR_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_BITMAP_SIZE         4096
#define MSR_BITMAP_LOW_FIRST    0x00000000u
#define MSR_BITMAP_LOW_LAST     0x00001FFFu
#define MSR_BITMAP_HIGH_FIRST   0xC0000000u
#define MSR_BITMAP_HIGH_LAST    0xC0001FFFu

/* Whether the bitmap has bits for msr at all. */
bool msr_bitmap_covers(uint32_t msr);

/*
 * Make reads (read) and/or writes (write) of msr exit; the other
 * direction is left as it was.  Returns false, changing nothing, for an
 * MSR outside both ranges: those always exit and there is no bit to set.
 */
bool msr_bitmap_intercept(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write);

/* The opposite: let reads and/or writes of msr through.  False outside both ranges (they cannot be let through). */
bool msr_bitmap_pass_through(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write);

/* Whether RDMSR (write false) or WRMSR (write true) of msr exits with this bitmap. */
bool msr_bitmap_intercepts(const uint8_t *bitmap, uint32_t msr, bool write);

#endif
