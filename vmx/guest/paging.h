/*
 * Guest linear-to-physical translation: a walk of the guest's own page
 * tables, the way the processor does it (SDM Vol. 3A, "Paging": "Paging
 * Modes and Control Bits", "32-Bit Paging", "PAE Paging", "4-Level Paging
 * and 5-Level Paging").
 *
 * veneer needs it to emulate a guest instruction: a VM exit reports the
 * guest's RIP, and the instruction bytes are at the linear address
 * CS.base + RIP (the caller adds the base: in 64-bit mode it is 0, in
 * every other mode it is GUEST_CS_BASE; segment limits are not checked,
 * the guest has just executed the instruction).
 *
 * What the walk does not do, on purpose:
 *   - no permission checks (R/W, U/S, XD, SMEP, SMAP, protection keys):
 *     it only reads what the guest was executing;
 *   - no accessed or dirty bits are set: the processor set them already;
 *   - no check that a 64-bit linear address is canonical: bits above 47
 *     (above 56 with 5-level paging) are ignored.
 * It does check the entries' reserved bits, as the processor would:
 * address bits at or above MAXPHYADDR, XD when IA32_EFER.NXE is 0, PS in
 * a PML4E or PML5E, the reserved low bits of large-page entries and of
 * PAE PDPTEs.  Entries are read through a callback, so the host unit
 * tests walk tables built in malloc'ed memory.
 *
 * Pure: nothing here touches the VMCS or the hypervisor's own mappings.
 */
#ifndef VENEER_VMX_GUEST_PAGING_H
#define VENEER_VMX_GUEST_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest's paging controls, as the VMCS holds them after a VM exit:
 * GUEST_CR0, GUEST_CR3, GUEST_CR4 and GUEST_IA32_EFER (IA32_EFER.LMA is
 * what selects 4-level or 5-level paging; it equals the "IA-32e mode
 * guest" VM-entry control).  Pass the real guest values, not the read
 * shadows.
 */
struct guest_paging_state {
	uint64_t cr0, cr3, cr4, efer;
	/*
	 * PAE paging translates through four PDPTE registers that the
	 * processor loads from memory when CR3 is loaded ("PDPTE
	 * Registers").  With EPT on, a VM exit in PAE paging mode saves
	 * them in GUEST_PDPTE0-3: set use_pdpte_fields and copy them here,
	 * since the guest may have changed the table in memory without
	 * reloading CR3.  Otherwise the walk reads them from CR3.
	 */
	uint64_t pdpte[4];
	bool use_pdpte_fields;
	/*
	 * MAXPHYADDR (CPUID.80000008H:EAX[7:0]): physical-address bits above
	 * it are reserved in every entry.  0 means 52, the architectural
	 * maximum; values are clamped to 32..52.  32-bit paging's 4 MiB
	 * pages use min(MAXPHYADDR, 40) bits (PSE-36).
	 */
	unsigned phys_addr_bits;
};

enum guest_paging_mode {
	GUEST_PAGING_OFF,               /* CR0.PG = 0: linear = physical, 32 bits */
	GUEST_PAGING_32BIT,             /* 4 KiB pages; 4 MiB with CR4.PSE */
	GUEST_PAGING_PAE,               /* 4 KiB and 2 MiB pages, 32-bit linear addresses */
	GUEST_PAGING_4LEVEL,            /* 4 KiB, 2 MiB and 1 GiB pages, 48-bit linear addresses */
	GUEST_PAGING_5LEVEL,            /* the same with CR4.LA57, 57-bit linear addresses */
	GUEST_PAGING_INVALID,           /* IA32_EFER.LMA = 1 without CR4.PAE: no such mode */
};

enum guest_walk_result {
	GUEST_WALK_OK,
	GUEST_WALK_NOT_PRESENT,         /* an entry on the way has P = 0: the guest would #PF */
	GUEST_WALK_RESERVED_BIT,        /* an entry on the way has a reserved bit set: #PF too */
	GUEST_WALK_BAD_TABLE,           /* a paging structure is not readable guest memory */
	GUEST_WALK_UNSUPPORTED,         /* the control registers select no paging mode */
	GUEST_WALK_BAD_PAGE,            /* guest_read_linear: the page itself is not readable */
};

/*
 * Reads len bytes of guest-physical memory at gpa into buf; false when
 * any of it is not readable guest memory.  The walk asks for one entry
 * (4 or 8 bytes, naturally aligned) at a time.
 */
typedef bool (*guest_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

enum guest_paging_mode guest_paging_mode(const struct guest_paging_state *s);

/* Translates one linear address; *gpa is written only on GUEST_WALK_OK. */
enum guest_walk_result guest_linear_to_physical(const struct guest_paging_state *s, uint64_t linear,
						guest_read_fn read, void *ctx, uint64_t *gpa);

/*
 * Copies n bytes at a linear address into buf, translating each 4 KiB
 * page separately, so bytes that cross a page boundary may come from two
 * unrelated physical pages.  Outside IA-32e mode linear addresses wrap at
 * 4 GiB.  On failure, buf holds the bytes of the pages read before it.
 */
enum guest_walk_result guest_read_linear(const struct guest_paging_state *s, uint64_t linear,
					 void *buf, size_t n, guest_read_fn read, void *ctx);

/* Names for logs: "32-bit paging", "not present", ... */
const char *guest_paging_mode_name(enum guest_paging_mode mode);
const char *guest_walk_result_name(enum guest_walk_result result);

#endif
