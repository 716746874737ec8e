/*
 * guest_memory_map_build() over arbitrary firmware memory maps and hidden
 * ranges.  The firmware's map comes from the boot loader (it may overlap,
 * repeat and be unsorted); the hidden ranges are veneer's own memory.
 *
 * Input: a byte n_hidden (at most 16), then n_hidden (start, end) pairs of
 * 8-byte numbers, then firmware entries of (base 8, length 8, type 4)
 * until the input ends (at most MB2_MAX_MEMORY_RANGES).
 *
 * Invariants of a built map: at most GUEST_MAP_MAX entries, none empty,
 * sorted, none wrapping; no byte of a hidden range is available to the
 * guest (the point of the whole exercise: the guest must never be told
 * veneer's memory is RAM); every available byte was available in the
 * firmware's map.
 */
// fuzz-source: vmx/guest/memory_map.c
// fuzz-source: kernel/ranges.c
#include "fuzz.h"
#include "vmx/guest/memory_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_memory_range firmware[MB2_MAX_MEMORY_RANGES];
	static struct range_set hidden, firmware_available, guest_available;
	static struct guest_memory_map map;
	struct fuzz_input in = { data, size };
	unsigned hidden_count = (unsigned)fuzz_take(&in, 1) % 17;
	size_t count = 0;

	hidden.count = 0;
	firmware_available.count = 0;
	for (unsigned i = 0; i < hidden_count; i++) {
		uint64_t start = fuzz_take(&in, 8), end = fuzz_take(&in, 8);

		if (start < end)
			range_set_add(&hidden, start, end);
	}
	while (in.size > 0 && count < MB2_MAX_MEMORY_RANGES) {
		struct mb2_memory_range *r = &firmware[count++];

		r->base = fuzz_take(&in, 8);
		r->length = fuzz_take(&in, 8);
		r->type = (uint32_t)fuzz_take(&in, 4);
		if (r->type == GUEST_MEMORY_AVAILABLE && r->length) {
			uint64_t end = r->base + r->length < r->base ? UINT64_MAX : r->base + r->length;

			if (!range_set_add(&firmware_available, r->base, end))
				return 0;       /* the oracle's own set is full: nothing to compare with */
		}
	}

	if (!guest_memory_map_build(firmware, count, &hidden, &map))
		return 0;

	FUZZ_CHECK(map.count <= GUEST_MAP_MAX);
	for (size_t i = 0; i < map.count; i++) {
		const struct guest_map_entry *e = &map.entries[i];

		FUZZ_CHECK(e->length > 0);
		FUZZ_CHECK(e->base + e->length > e->base);
		FUZZ_CHECK(i == 0 || map.entries[i - 1].base <= e->base);
		if (e->type == GUEST_MEMORY_AVAILABLE) {
			FUZZ_CHECK(!range_set_overlaps(&hidden, e->base, e->base + e->length));
			FUZZ_CHECK(range_set_contains(&firmware_available, e->base, e->base + e->length));
		}
	}
	guest_memory_map_available(&map, &guest_available);
	for (size_t i = 0; i < hidden.count; i++)
		FUZZ_CHECK(!range_set_overlaps(&guest_available, hidden.ranges[i].start, hidden.ranges[i].end));
	return 0;
}
