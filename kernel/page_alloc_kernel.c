/* The kernel's page allocator: one pool, a lock, zeroed pages, and a clear end when the pool runs dry. */
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

static struct page_allocator allocator;
static struct spinlock allocator_lock = SPINLOCK_INIT;

void page_alloc_init(struct phys_range pool)
{
	page_allocator_init(&allocator, pool);
}

void *alloc_pages_aligned(size_t pages, uint64_t alignment)
{
	spin_lock(&allocator_lock);
	uint64_t address = page_allocator_take(&allocator, pages, alignment);
	uint64_t left = allocator.free_bytes;
	spin_unlock(&allocator_lock);

	if (!address)
		panic("out of hypervisor memory: %zu pages wanted, %llu KiB left in the pool; "
		      "give veneer more with hvmem= on its command line", pages,
		      (unsigned long long)(left >> 10));
	void *p = (void *)(uintptr_t)address;      /* physical memory is identity mapped */
	memset(p, 0, pages * 4096);
	return p;
}

void *alloc_pages(size_t pages)
{
	return alloc_pages_aligned(pages, 4096);
}

void free_pages(void *address, size_t pages)
{
	spin_lock(&allocator_lock);
	bool ok = page_allocator_give(&allocator, (uint64_t)(uintptr_t)address, pages);
	spin_unlock(&allocator_lock);
	if (!ok)
		panic("free_pages(%p, %zu): not an allocated part of the pool", address, pages);
}

uint64_t page_alloc_free_bytes(void)
{
	return allocator.free_bytes;
}
