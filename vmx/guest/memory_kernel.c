/*
 * The guest-memory accessor on the real machine (vmx/guest/memory.h):
 * the guest's EPT, veneer's owned ranges from the memory plan, and the
 * identity map veneer's page tables keep of [0, memory_map_limit()).
 */
#include "arch/apic.h"
#include "kernel/memory.h"
#include "kernel/page_alloc.h"
#include "kernel/string.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/memory.h"

#define PAGE_MASK       (~0xFFFULL)

static uint64_t all_ones_page;

uint64_t guest_all_ones_page(void)
{
	if (!all_ones_page) {
		void *page = alloc_pages(1);
		memset(page, 0xFF, 4096);
		__atomic_store_n(&all_ones_page, (uint64_t)(uintptr_t)page, __ATOMIC_RELEASE);
	}
	return all_ones_page;
}

/*
 * Physical memory is identity mapped.  The local APIC's page is refused
 * too: veneer's APIC sits there, and its registers take only aligned
 * 32-bit accesses (SDM Vol. 3A, "Local APIC Register Address Map").
 */
static void *host_pointer(uint64_t hpa)
{
	if (!apic_x2apic_mode() && (hpa & PAGE_MASK) == apic_base_address())
		return NULL;
	return (void *)(uintptr_t)hpa;
}

static struct guest_memory_view view_of(const struct guest *guest)
{
	return (struct guest_memory_view){
		.ept = &guest->ept,
		.hypervisor = &memory_layout()->owned,
		.host_map_limit = memory_map_limit(),
		.all_ones_page = __atomic_load_n(&all_ones_page, __ATOMIC_ACQUIRE),
		.host_pointer = host_pointer,
	};
}

enum guest_memory_status guest_memory_read(const struct guest *guest, uint64_t gpa, void *buf, size_t len)
{
	struct guest_memory_view view = view_of(guest);

	return guest_memory_copy_from(&view, gpa, buf, len);
}

enum guest_memory_status guest_memory_write(const struct guest *guest, uint64_t gpa, const void *buf, size_t len)
{
	struct guest_memory_view view = view_of(guest);

	return guest_memory_copy_to(&view, gpa, buf, len);
}
