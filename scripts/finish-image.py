#!/usr/bin/env python3
"""Make the linked position-independent veneer.elf loadable by GRUB.

veneer applies its own relocations at entry (boot/entry32.S), which
handles only R_X86_64_RELATIVE entries whose target and value lie below
4 GiB.  This script checks that every entry of the .rela.dyn section is one
of those, then retypes that section from SHT_RELA to SHT_PROGBITS: GRUB's
Multiboot2 ELF loader refuses any image with a relocation section ("ELF
files with relocs are not supported yet"), although the loader never needs
to read it.  The section stays where it is, inside a PT_LOAD segment, for
veneer to read.

Usage: finish-image.py IMAGE   (edits IMAGE in place; exits 1 with a message)
"""
import struct
import sys

SHT_RELA = 4
SHT_PROGBITS = 1
R_X86_64_RELATIVE = 8


def fail(message):
    print(f"finish-image: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: finish-image.py IMAGE")
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        fail(f"{path}: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    names_offset, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)

    def section_name(index):
        name, = struct.unpack_from("<I", data, shoff + index * shentsize)
        end = data.index(b"\0", names_offset + name)
        return data[names_offset + name:end].decode()

    relocation_sections = [i for i in range(shnum)
                           if struct.unpack_from("<I", data, shoff + i * shentsize + 4)[0] == SHT_RELA]
    if [section_name(i) for i in relocation_sections] != [".rela.dyn"]:
        fail(f"{path}: expected one relocation section, .rela.dyn; found "
             + (", ".join(section_name(i) for i in relocation_sections) or "none"))
    header = shoff + relocation_sections[0] * shentsize
    offset, size = struct.unpack_from("<QQ", data, header + 0x18)
    for at in range(offset, offset + size, 24):
        r_offset, r_info, r_addend = struct.unpack_from("<QQq", data, at)
        if r_info != R_X86_64_RELATIVE:
            fail(f"{path}: relocation at {r_offset:#x} has r_info {r_info:#x}: the entry code "
                 "applies R_X86_64_RELATIVE only (an absolute address in code? build with -fpie)")
        if not 0 <= r_addend < 1 << 32 or r_offset >= 1 << 32:
            fail(f"{path}: relocation at {r_offset:#x} to {r_addend:#x} is not below 4 GiB")
    struct.pack_into("<I", data, header + 4, SHT_PROGBITS)
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
