/*
 * The C side of the user-mode trip (usermode.h, usermode64.S).  User code
 * needs pages with the U/S bit, and veneer's boot page tables promise no
 * such thing, so the trip runs on the guest's own: the first GiB identity
 * mapped with 2 MiB user pages (the guest image, its stacks and the print
 * buffers are all in it).  SMEP and SMAP would forbid the kernel to run on
 * or touch those pages; they are off for the trip.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/runtime/descriptors.h"
#include "tests/guests/runtime/probe.h"
#include "tests/guests/runtime/usermode.h"
#include "tests/guests/runtime/x86.h"

#define PTE_PRESENT     (1ull << 0)
#define PTE_WRITE       (1ull << 1)
#define PTE_USER        (1ull << 2)
#define PTE_LARGE       (1ull << 7)
#define USER_TABLE      (PTE_PRESENT | PTE_WRITE | PTE_USER)

long user_mode_vmcall(unsigned long function, void *user_stack_top);
void user_return_entry(void);

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));

static void build_user_page_tables(void)
{
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | USER_TABLE | PTE_LARGE;
	pdpt[0] = (uintptr_t)pd | USER_TABLE;
	pml4[0] = (uintptr_t)pdpt | USER_TABLE;
}

long vmcall_from_user_mode(unsigned long function, int *vector)
{
	static bool ready;
	unsigned long cr3 = cr3_read(), cr4 = cr4_read();
	long result;

	if (!ready) {
		build_user_page_tables();
		idt_set_gate(USER_RETURN_VECTOR, (uintptr_t)user_return_entry, 3);
		ready = true;
	}
	if (cr4 & (CR4_SMEP | CR4_SMAP))
		cr4_write(cr4 & ~(CR4_SMEP | CR4_SMAP));
	cr3_write((uintptr_t)pml4);

	probe_arm();
	result = user_mode_vmcall(function, user_stack + sizeof(user_stack));
	*vector = probe_vector;

	cr3_write(cr3);
	if (cr4 & (CR4_SMEP | CR4_SMAP))
		cr4_write(cr4);
	return result;
}
