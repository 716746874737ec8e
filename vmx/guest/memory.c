/*
 * Copying to and from guest-physical memory through the guest's EPT
 * (vmx/guest/memory.h).  Pure.
 */
#include <stdbool.h>

#include "kernel/string.h"
#include "vmx/guest/memory.h"

#define PAGE_SIZE       4096ULL

/*
 * Where the part of [gpa, gpa + chunk) that lies in one guest page is in
 * veneer's address space, for an access needing permission (EPT_READ or
 * EPT_WRITE).  *all_ones is set when the page is the all-ones page: a read
 * returns 0xFF bytes without touching veneer's memory.
 */
static enum guest_memory_status translate(const struct guest_memory_view *view, uint64_t gpa, size_t chunk,
					  unsigned permission, void **host, bool *all_ones)
{
	struct ept_mapping m;

	*all_ones = false;
	if (!ept_walk(view->ept, gpa, &m))
		return GUEST_MEMORY_UNMAPPED;
	if (!(m.permissions & permission))
		return GUEST_MEMORY_NO_ACCESS;
	if (view->all_ones_page && (m.hpa & ~(PAGE_SIZE - 1)) == view->all_ones_page) {
		if (permission != EPT_READ)
			return GUEST_MEMORY_NO_ACCESS;
		*all_ones = true;
		return GUEST_MEMORY_OK;
	}
	if (m.hpa + chunk < m.hpa || m.hpa + chunk > view->host_map_limit)
		return GUEST_MEMORY_OUT_OF_REACH;
	if (view->hypervisor && range_set_overlaps(view->hypervisor, m.hpa, m.hpa + chunk))
		return GUEST_MEMORY_HYPERVISOR;
	*host = view->host_pointer(m.hpa);
	return *host ? GUEST_MEMORY_OK : GUEST_MEMORY_OUT_OF_REACH;
}

/* Bytes from gpa to the end of its page, at most len. */
static size_t page_chunk(uint64_t gpa, size_t len)
{
	size_t to_end = (size_t)(PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));

	return len < to_end ? len : to_end;
}

/*
 * Every page is checked before a byte moves: a write that fails half-way
 * would leave the guest's memory half-changed, and a read would leave
 * veneer with a buffer half the guest's.
 */
static enum guest_memory_status check_range(const struct guest_memory_view *view, uint64_t gpa, size_t len,
					    unsigned permission)
{
	if (gpa + len < gpa)
		return GUEST_MEMORY_BAD_RANGE;
	while (len > 0) {
		size_t chunk = page_chunk(gpa, len);
		void *host;
		bool all_ones;
		enum guest_memory_status s = translate(view, gpa, chunk, permission, &host, &all_ones);

		if (s != GUEST_MEMORY_OK)
			return s;
		gpa += chunk;
		len -= chunk;
	}
	return GUEST_MEMORY_OK;
}

enum guest_memory_status guest_memory_copy_from(const struct guest_memory_view *view, uint64_t gpa,
						void *buf, size_t len)
{
	enum guest_memory_status s = check_range(view, gpa, len, EPT_READ);
	uint8_t *out = buf;

	if (s != GUEST_MEMORY_OK)
		return s;
	while (len > 0) {
		size_t chunk = page_chunk(gpa, len);
		void *host = NULL;
		bool all_ones;

		s = translate(view, gpa, chunk, EPT_READ, &host, &all_ones);
		if (s != GUEST_MEMORY_OK)
			return s;       /* another CPU changed the EPT in between */
		if (all_ones)
			memset(out, 0xFF, chunk);
		else
			memcpy(out, host, chunk);
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return GUEST_MEMORY_OK;
}

enum guest_memory_status guest_memory_copy_to(const struct guest_memory_view *view, uint64_t gpa,
					      const void *buf, size_t len)
{
	enum guest_memory_status s = check_range(view, gpa, len, EPT_WRITE);
	const uint8_t *in = buf;

	if (s != GUEST_MEMORY_OK)
		return s;
	while (len > 0) {
		size_t chunk = page_chunk(gpa, len);
		void *host = NULL;
		bool all_ones;

		s = translate(view, gpa, chunk, EPT_WRITE, &host, &all_ones);
		if (s != GUEST_MEMORY_OK)
			return s;
		memcpy(host, in, chunk);
		in += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return GUEST_MEMORY_OK;
}

const char *guest_memory_status_name(enum guest_memory_status status)
{
	switch (status) {
	case GUEST_MEMORY_OK:           return "ok";
	case GUEST_MEMORY_UNMAPPED:     return "not mapped in the guest's EPT";
	case GUEST_MEMORY_NO_ACCESS:    return "not accessible to the guest that way";
	case GUEST_MEMORY_HYPERVISOR:   return "veneer's own memory";
	case GUEST_MEMORY_OUT_OF_REACH: return "beyond veneer's identity map";
	case GUEST_MEMORY_BAD_RANGE:    return "a range that wraps around";
	}
	return "unknown status";
}
