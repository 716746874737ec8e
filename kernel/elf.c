#include "kernel/elf.h"
#include "kernel/format.h"
#include "kernel/string.h"

#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1

/* Little-endian field reads at any alignment: the image is untrusted bytes. */
static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

bool elf_has_magic(const void *data, size_t size)
{
	return size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0;
}

#define FAIL(...) do { format(error, error_size, __VA_ARGS__); return false; } while (0)

bool elf_parse(const void *data, size_t size, struct elf_image *image, char *error, size_t error_size)
{
	const uint8_t *p = data;

	memset(image, 0, sizeof(*image));
	if (!elf_has_magic(data, size))
		FAIL("not an ELF file (no \\x7fELF magic)");
	if (size < 52)
		FAIL("ELF header truncated: the file has only %zu bytes", size);
	if (p[EI_DATA] != ELFDATA2LSB)
		FAIL("ELF data encoding %u is not little-endian", p[EI_DATA]);
	if (p[EI_VERSION] != 1)
		FAIL("ELF version %u is not 1", p[EI_VERSION]);

	bool is64 = p[EI_CLASS] == ELFCLASS64;
	if (!is64 && p[EI_CLASS] != ELFCLASS32)
		FAIL("ELF class %u is neither 32-bit nor 64-bit", p[EI_CLASS]);
	if (is64 && size < 64)
		FAIL("ELF64 header truncated: the file has only %zu bytes", size);
	image->bits = is64 ? 64 : 32;

	uint64_t type = read_le(p + 16, 2), machine = read_le(p + 18, 2);
	if (type != ET_EXEC)
		FAIL("ELF type %llu is not an executable (ET_EXEC)", (unsigned long long)type);
	if (machine != (is64 ? EM_X86_64 : EM_386))
		FAIL("ELF machine %llu is not %s", (unsigned long long)machine, is64 ? "x86-64" : "i386");

	uint64_t phoff, phentsize, phnum, minimum_entry_size;
	if (is64) {
		image->entry = read_le(p + 24, 8);
		phoff = read_le(p + 32, 8);
		phentsize = read_le(p + 54, 2);
		phnum = read_le(p + 56, 2);
		minimum_entry_size = 56;
	} else {
		image->entry = read_le(p + 24, 4);
		phoff = read_le(p + 28, 4);
		phentsize = read_le(p + 42, 2);
		phnum = read_le(p + 44, 2);
		minimum_entry_size = 32;
	}
	if (phnum == 0)
		FAIL("ELF file has no program headers");
	if (phentsize < minimum_entry_size)
		FAIL("ELF program header size %llu is too small", (unsigned long long)phentsize);
	if (phoff > size || phnum * phentsize > size - phoff)
		FAIL("ELF program headers (%llu at offset %#llx) run past the end of the file (%zu bytes)",
		     (unsigned long long)phnum, (unsigned long long)phoff, size);

	uint64_t entry_virtual = image->entry;
	bool entry_loaded = false;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = p + phoff + i * phentsize;
		if (read_le(ph, 4) != PT_LOAD)
			continue;
		if (image->segment_count == ELF_MAX_SEGMENTS)
			FAIL("ELF file has more than %d loadable segments", ELF_MAX_SEGMENTS);
		struct elf_segment *s = &image->segments[image->segment_count++];
		uint64_t vaddr;
		if (is64) {
			s->flags = (uint32_t)read_le(ph + 4, 4);
			s->file_offset = read_le(ph + 8, 8);
			vaddr = read_le(ph + 16, 8);
			s->physical_address = read_le(ph + 24, 8);
			s->file_size = read_le(ph + 32, 8);
			s->memory_size = read_le(ph + 40, 8);
		} else {
			s->file_offset = read_le(ph + 4, 4);
			vaddr = read_le(ph + 8, 4);
			s->physical_address = read_le(ph + 12, 4);
			s->file_size = read_le(ph + 16, 4);
			s->memory_size = read_le(ph + 20, 4);
			s->flags = (uint32_t)read_le(ph + 24, 4);
		}
		if (s->file_offset > size || s->file_size > size - s->file_offset)
			FAIL("ELF segment %llu (offset %#llx, %llu bytes) runs past the end of the file (%zu bytes): "
			     "the image is truncated", (unsigned long long)i, (unsigned long long)s->file_offset,
			     (unsigned long long)s->file_size, size);
		if (s->file_size > s->memory_size)
			FAIL("ELF segment %llu has more file bytes (%llu) than memory bytes (%llu)",
			     (unsigned long long)i, (unsigned long long)s->file_size,
			     (unsigned long long)s->memory_size);
		if (s->physical_address + s->memory_size < s->physical_address)
			FAIL("ELF segment %llu wraps around the address space", (unsigned long long)i);
		/* The entry point is a virtual address; it must lie in a segment. */
		if (!entry_loaded && entry_virtual >= vaddr && entry_virtual - vaddr < s->memory_size) {
			entry_loaded = true;
			image->entry = entry_virtual - vaddr + s->physical_address;
		}
	}
	if (image->segment_count == 0)
		FAIL("ELF file has no loadable (PT_LOAD) segment");
	if (!entry_loaded)
		FAIL("ELF entry point %#llx is not inside any loadable segment", (unsigned long long)image->entry);
	return true;
}

#define SHN_XINDEX      0xFFFF

/* Offsets in a section header: ELF32 then ELF64. */
static unsigned sh_field(unsigned bits, unsigned offset32, unsigned offset64)
{
	return bits == 64 ? offset64 : offset32;
}

void elf_read_section(const void *header, unsigned bits, struct elf_section *section)
{
	const uint8_t *h = header;
	unsigned word = bits == 64 ? 8 : 4;

	section->type = (uint32_t)read_le(h + 4, 4);
	section->address = read_le(h + sh_field(bits, 12, 16), word);
	section->file_offset = read_le(h + sh_field(bits, 16, 24), word);
	section->size = read_le(h + sh_field(bits, 20, 32), word);
	section->alignment = read_le(h + sh_field(bits, 32, 48), word);
}

void elf_write_section_address(void *header, unsigned bits, uint64_t address)
{
	uint8_t *h = (uint8_t *)header + sh_field(bits, 12, 16);

	for (unsigned i = 0; i < (bits == 64 ? 8u : 4u); i++)
		h[i] = (uint8_t)(address >> (8 * i));
}

bool elf_parse_sections(const void *data, size_t size, struct elf_section_table *table, char *error,
			size_t error_size)
{
	const uint8_t *p = data;
	bool is64 = p[EI_CLASS] == ELFCLASS64;

	memset(table, 0, sizeof(*table));
	table->bits = is64 ? 64 : 32;
	table->offset = read_le(p + (is64 ? 40 : 32), is64 ? 8 : 4);
	table->entry_size = (uint32_t)read_le(p + (is64 ? 58 : 46), 2);
	table->count = (uint32_t)read_le(p + (is64 ? 60 : 48), 2);
	table->name_index = (uint32_t)read_le(p + (is64 ? 62 : 50), 2);
	if (table->offset == 0) {
		table->count = 0;
		return true;
	}
	unsigned minimum = is64 ? 64 : 40;
	if (table->entry_size < minimum)
		FAIL("ELF section header size %u is smaller than %u", table->entry_size, minimum);
	if (table->offset > size || size - table->offset < table->entry_size)
		FAIL("ELF section headers at %#llx lie outside the %zu-byte file", (unsigned long long)table->offset,
		     size);
	/* Extended numbering (gABI): the real values are in section 0. */
	const uint8_t *first = p + table->offset;
	if (table->count == 0)
		table->count = (uint32_t)read_le(first + sh_field(table->bits, 20, 32), 4);
	if (table->name_index == SHN_XINDEX)
		table->name_index = (uint32_t)read_le(first + sh_field(table->bits, 24, 40), 4);
	if ((size - table->offset) / table->entry_size < table->count)
		FAIL("ELF section headers: %u of %u bytes at %#llx run past the end of the %zu-byte file",
		     table->count, table->entry_size, (unsigned long long)table->offset, size);
	return true;
}
