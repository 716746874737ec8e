/*
 * The guest page walk (vmx/guest/paging.c): guest_linear_to_physical()
 * and guest_read_linear() over page tables the guest wrote, which veneer
 * reads to fetch the instruction behind an exit.
 *
 * Input: a flags byte (CR0.PG, CR4.PAE, CR4.PSE, IA32_EFER.LMA, CR4.LA57,
 * IA32_EFER.NXE, use_pdpte_fields), MAXPHYADDR, CR3, the four PDPTEs, the
 * linear address and a read length (0-31); the rest is guest-physical
 * memory, repeated over and over up to 1 TiB, so any entry points at
 * something.  Reads above 1 TiB fail.
 *
 * Invariants: the walk reads whole naturally aligned entries of the
 * mode's size (4 bytes for 32-bit paging, else 8), at most one per level;
 * a translation keeps the page offset and stays below 2^MAXPHYADDR (below
 * 4 GiB without paging or with 32-bit paging's 4 KiB pages); linear
 * address bits the mode ignores change nothing; guest_read_linear()
 * returns, byte for byte, what translating each byte's address gives.
 */
// fuzz-source: vmx/guest/paging.c
#include "arch/cpu.h"
#include "arch/msr.h"
#include "fuzz.h"
#include "vmx/guest/paging.h"

#define MEMORY_LIMIT    (1ULL << 40)

struct memory {
	const uint8_t *bytes;
	size_t size;
	bool walking;           /* reads now are paging-structure entries */
	unsigned entry_size;    /* what the mode's entries are */
	unsigned entry_reads;
};

static bool read_memory(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct memory *m = ctx;
	uint8_t *out = buf;

	FUZZ_CHECK(len > 0);
	if (m->walking) {
		FUZZ_CHECK(len == m->entry_size && gpa % len == 0);
		m->entry_reads++;
	}
	if (m->size == 0 || gpa >= MEMORY_LIMIT || len > MEMORY_LIMIT - gpa)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = m->bytes[(gpa + i) % m->size];
	return true;
}

static unsigned maxphyaddr(const struct guest_paging_state *s)
{
	if (s->phys_addr_bits == 0 || s->phys_addr_bits > 52)
		return 52;
	return s->phys_addr_bits < 32 ? 32 : s->phys_addr_bits;
}

static enum guest_walk_result translate(const struct guest_paging_state *s, struct memory *m, uint64_t linear,
					uint64_t *gpa)
{
	enum guest_paging_mode mode = guest_paging_mode(s);
	static const unsigned max_reads[] = {
		[GUEST_PAGING_OFF] = 0, [GUEST_PAGING_32BIT] = 2, [GUEST_PAGING_PAE] = 3,
		[GUEST_PAGING_4LEVEL] = 4, [GUEST_PAGING_5LEVEL] = 5, [GUEST_PAGING_INVALID] = 0,
	};
	enum guest_walk_result result;

	m->walking = true;
	m->entry_size = mode == GUEST_PAGING_32BIT ? 4 : 8;
	m->entry_reads = 0;
	result = guest_linear_to_physical(s, linear, read_memory, m, gpa);
	m->walking = false;
	FUZZ_CHECK(m->entry_reads <= max_reads[mode]);
	FUZZ_CHECK(result <= GUEST_WALK_BAD_PAGE && result != GUEST_WALK_BAD_PAGE);
	FUZZ_CHECK((mode == GUEST_PAGING_INVALID) == (result == GUEST_WALK_UNSUPPORTED));
	if (result != GUEST_WALK_OK)
		return result;

	FUZZ_CHECK((*gpa & 0xFFF) == (linear & 0xFFF));
	FUZZ_CHECK(*gpa >> maxphyaddr(s) == 0);
	if (mode == GUEST_PAGING_OFF)
		FUZZ_CHECK(*gpa == (linear & 0xFFFFFFFF));
	if (mode == GUEST_PAGING_32BIT)
		FUZZ_CHECK(*gpa >> 40 == 0);
	return result;
}

/* The linear-address bits above what the mode translates. */
static uint64_t ignored_bits(enum guest_paging_mode mode)
{
	switch (mode) {
	case GUEST_PAGING_4LEVEL:       return ~0ULL << 48;
	case GUEST_PAGING_5LEVEL:       return ~0ULL << 57;
	default:                        return ~0ULL << 32;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct guest_paging_state s = { 0 };
	struct memory m = { 0 };
	unsigned flags = (unsigned)fuzz_take(&in, 1);
	uint64_t linear, gpa, other_gpa;
	enum guest_walk_result result;
	enum guest_paging_mode mode;
	uint8_t buf[32];
	size_t n;

	s.cr0 = flags & 1 ? CR0_PG : 0;
	s.cr4 = (flags & 2 ? CR4_PAE : 0) | (flags & 4 ? CR4_PSE : 0) | (flags & 16 ? CR4_LA57 : 0);
	s.efer = (flags & 8 ? EFER_LMA : 0) | (flags & 32 ? EFER_NXE : 0);
	s.use_pdpte_fields = flags & 64;
	s.phys_addr_bits = (unsigned)fuzz_take(&in, 1);
	s.cr3 = fuzz_take(&in, 8);
	for (unsigned i = 0; i < 4; i++)
		s.pdpte[i] = fuzz_take(&in, 8);
	linear = fuzz_take(&in, 8);
	n = (size_t)fuzz_take(&in, 1) % sizeof(buf);
	m.bytes = in.data;
	m.size = in.size;
	mode = guest_paging_mode(&s);
	FUZZ_CHECK(strcmp(guest_paging_mode_name(mode), "unknown paging mode") != 0);

	result = translate(&s, &m, linear, &gpa);
	FUZZ_CHECK(strcmp(guest_walk_result_name(result), "unknown walk result") != 0);

	/* Flipping address bits the mode ignores changes nothing. */
	FUZZ_CHECK(translate(&s, &m, linear ^ ignored_bits(mode), &other_gpa) == result);
	if (result == GUEST_WALK_OK)
		FUZZ_CHECK(other_gpa == gpa);

	/* A read across pages: each byte from its own translation. */
	memset(buf, 0, sizeof(buf));
	if (guest_read_linear(&s, linear, buf, n, read_memory, &m) == GUEST_WALK_OK) {
		for (size_t i = 0; i < n; i++) {
			uint64_t at = linear + i;
			uint8_t byte;

			if (mode != GUEST_PAGING_4LEVEL && mode != GUEST_PAGING_5LEVEL)
				at &= 0xFFFFFFFF;
			FUZZ_CHECK(translate(&s, &m, at, &gpa) == GUEST_WALK_OK);
			FUZZ_CHECK(read_memory(&m, gpa, &byte, 1) && byte == buf[i]);
		}
	}
	return 0;
}
