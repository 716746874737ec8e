/*
 * The one way veneer reads or writes the guest's memory.
 *
 * A guest-physical address is the guest's word, not veneer's: it is
 * translated through the guest's EPT (so a remap, such as the all-ones
 * page veneer maps over its own memory, reads as the guest would read
 * it), the access must be one EPT allows, the host-physical page must not
 * be veneer's, and it must lie in veneer's own identity map.  Anything
 * else fails with a status, and the caller tells the guest (an error code,
 * #GP or #PF); veneer never dereferences a guest address by itself.
 *
 * The copy works page by page: EPT leaves are at least 4 KiB, and two
 * neighbouring guest pages may map anywhere.
 *
 * Pure: the view of the machine comes in a struct, so the host unit tests
 * run it over an EPT built in malloc'ed memory.  vmx/guest/memory_kernel.c
 * fills the view on the real machine: guest_memory_read(), _write().
 */
#ifndef VENEER_VMX_GUEST_MEMORY_H
#define VENEER_VMX_GUEST_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/ranges.h"
#include "vmx/ept.h"

enum guest_memory_status {
	GUEST_MEMORY_OK,
	GUEST_MEMORY_UNMAPPED,          /* the guest's EPT maps nothing there */
	GUEST_MEMORY_NO_ACCESS,         /* EPT maps it, but without read (or write) permission */
	GUEST_MEMORY_HYPERVISOR,        /* it translates into veneer's own memory */
	GUEST_MEMORY_OUT_OF_REACH,      /* beyond veneer's identity map: veneer cannot address it */
	GUEST_MEMORY_BAD_RANGE,         /* the range wraps around the address space */
};

/* What the accessor needs to know of the machine. */
struct guest_memory_view {
	const struct ept *ept;
	const struct range_set *hypervisor;     /* host-physical ranges that are veneer's */
	uint64_t host_map_limit;                /* veneer maps host-physical [0, limit) */
	uint64_t all_ones_page;                 /* host-physical page that reads as all ones (0: none) */
	void *(*host_pointer)(uint64_t hpa);    /* where veneer sees a host-physical address */
};

enum guest_memory_status guest_memory_copy_from(const struct guest_memory_view *view, uint64_t gpa,
						void *buf, size_t len);
enum guest_memory_status guest_memory_copy_to(const struct guest_memory_view *view, uint64_t gpa,
					      const void *buf, size_t len);

/* "unmapped in the guest's EPT", ... */
const char *guest_memory_status_name(enum guest_memory_status status);

/*
 * Kernel only (vmx/guest/memory_kernel.c): the same over the running
 * guest's EPT and veneer's memory plan.
 */
struct guest;
enum guest_memory_status guest_memory_read(const struct guest *guest, uint64_t gpa, void *buf, size_t len);
enum guest_memory_status guest_memory_write(const struct guest *guest, uint64_t gpa, const void *buf, size_t len);
/* The page of all ones that stands in for veneer's memory in the guest's EPT (allocated on first use). */
uint64_t guest_all_ones_page(void);

#endif
