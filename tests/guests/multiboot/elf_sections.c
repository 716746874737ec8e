/*
 * The ELF section headers a boot loader hands over (Multiboot 0.6.96 3.3
 * flag bit 5; Multiboot2 2.0 3.6.7, tag 9).  A boot loader loads into
 * memory the sections no segment holds (symbol and string tables, section
 * names) and points the headers at them, so each non-empty section must
 * have an address; the section names are read through the header
 * name_index names, which checks that one section's contents too.  One
 * INFO line per section, without the addresses of the sections the
 * loader placed (those differ from loader to loader).  Those sections are
 * not regions the modules are checked against: GRUB puts them in the gaps
 * between the kernel's segments (natively, in the rest of the page after
 * this kernel's text), which lie inside the span the kernel image check
 * covers.
 */
#include "tests/guests/multiboot/mbguest.h"
#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"

/* ELF32 section header (gABI, "Sections"): these kernels are ELF32. */
struct elf32_shdr {
	uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
} __attribute__((packed));

#define SHF_ALLOC       0x2             /* occupies memory while the kernel runs: in a segment */
#define SECTIONS_MAX    64
#define SECTION_NAME_MAX 32

void read_elf_sections(uint32_t count, uint32_t entry_size, uint32_t name_index, uint64_t table)
{
	guest_printf("INFO: ELF sections: %u headers of %u bytes, names in section %u", count, entry_size,
		     name_index);
	if (count == 0)
		return;
	if (!check(table != 0 && entry_size >= sizeof(struct elf32_shdr) && count <= SECTIONS_MAX &&
		   name_index < count, "ELF sections: table 0x%llx, %u headers of %u bytes, names in %u",
		   (unsigned long long)table, count, entry_size, name_index))
		return;
	add_region("ELF section headers", table, (uint64_t)count * entry_size);
	const volatile struct elf32_shdr *names = phys_ptr(table + (uint64_t)name_index * entry_size);

	for (uint32_t i = 0; i < count; i++) {
		const volatile struct elf32_shdr *s = phys_ptr(table + (uint64_t)i * entry_size);
		char name[SECTION_NAME_MAX] = "";
		bool placed_by_loader = !(s->flags & SHF_ALLOC);

		if (s->size && !check(s->addr != 0, "ELF section %u: %u bytes, but address 0", i, s->size))
			continue;
		if (names->addr && s->name < names->size)
			copy_string(name, sizeof(name), names->addr + s->name);
		guest_printf("INFO: ELF section %u '%s' type %u, %u bytes%s", i, name, s->type, s->size,
			     s->size && placed_by_loader ? ", placed by the boot loader" : "");
	}
}
