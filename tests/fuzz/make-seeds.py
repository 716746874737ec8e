#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets: tests/fuzz/corpus/NAME/*.

The seeds are small, valid (or nearly valid) examples of what each parser
reads, so that the fuzzer starts from inputs that reach deep into it:
boot information the way GRUB lays it out, ACPI tables the way PC
firmware builds them, ELF executables, kernel image headers,
memory maps, MMIO store instructions, page tables.  Run it from the top
of the tree; it replaces the seed files it writes and leaves any others.

    tests/fuzz/make-seeds.py [--machine-acpi]

--machine-acpi also wraps this machine's own ACPI tables (from
/sys/firmware/acpi/tables, readable by root) in an RSDP and an XSDT; the
committed corpus has the tables of the Firecracker VM it was made on.
"""
import os
import struct
import sys

ROOT = os.path.join("tests", "fuzz", "corpus")


def write(target, name, data):
    path = os.path.join(ROOT, target)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


def pad8(b):
    return b + b"\xa5" * (-len(b) % 8)


# --- Multiboot2 boot information (Multiboot2 specification 2.0, section 3.6) ---

def mb2_tag(tag_type, payload):
    return pad8(struct.pack("<II", tag_type, 8 + len(payload)) + payload)


def mb2_info(tags):
    body = b"".join(tags) + struct.pack("<II", 0, 8)
    return struct.pack("<II", 8 + len(body), 0) + body


def e820_bios():
    return [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
            (0x100000, 0x7EE0000, 1), (0x7FE0000, 0x20000, 3), (0xFFFC0000, 0x40000, 2)]


def mb2_seeds():
    mmap = b"".join(struct.pack("<QQII", b, l, t, 0) for b, l, t in e820_bios())
    rsdp1 = rsdp(0, rsdt=0x7FE1000)
    rsdp2 = rsdp(2, rsdt=0x7FE1000, xsdt=0x7FE2000)
    common = [
        mb2_tag(1, b"console=ttyS0 loglevel=7\0"),
        mb2_tag(2, b"GRUB 2.06-13+deb12u1\0"),
        mb2_tag(3, struct.pack("<II", 0x200000, 0x900000) + b"vmlinuz console=ttyS0\0"),
        mb2_tag(3, struct.pack("<II", 0x900000, 0xB00000) + b"initrd\0"),
        mb2_tag(4, struct.pack("<II", 639, 130048)),
        mb2_tag(5, struct.pack("<III", 0xE0, 0xFFFFFFFF, 0xFFFFFFFF)),
        mb2_tag(6, struct.pack("<II", 24, 0) + mmap),
    ]
    rgb = struct.pack("<QIIIBBH", 0xFD000000, 4096, 1024, 768, 32, 1, 0) + bytes([16, 8, 8, 8, 0, 8])
    ega = struct.pack("<QIIIBBH", 0xB8000, 160, 80, 25, 16, 2, 0)
    palette = struct.pack("<QIIIBBH", 0xA0000, 320, 320, 200, 8, 0, 0) + struct.pack("<H", 2) + bytes(6)
    write("fuzz_multiboot2", "bios-rgb", mb2_info(common + [mb2_tag(8, rgb), mb2_tag(14, rsdp1),
                                                             mb2_tag(21, struct.pack("<I", 0x200000))]))
    write("fuzz_multiboot2", "bios-ega", mb2_info(common + [mb2_tag(8, ega), mb2_tag(14, rsdp1)]))
    efi_map = b"".join(struct.pack("<IIQQQQ", 7, 0, base, 0, pages, 0xF)
                       for base, pages in ((0, 0x9F), (0x100000, 0x7EE0)))
    write("fuzz_multiboot2", "efi", mb2_info(common + [
        mb2_tag(8, palette), mb2_tag(12, struct.pack("<Q", 0x7F9E018)), mb2_tag(15, rsdp2),
        mb2_tag(14, rsdp1), mb2_tag(17, struct.pack("<II", 48, 1) + b"".join(
            e + bytes(8) for e in [efi_map[i:i + 40] for i in range(0, len(efi_map), 40)])),
        mb2_tag(11, struct.pack("<I", 0x7F9E018)), mb2_tag(20, struct.pack("<Q", 0x7E00000))]))
    write("fuzz_multiboot2", "minimal", mb2_info([]))


# --- ACPI tables (ACPI 6.5, chapter 5.2) ---

def checksum_fix(b, at):
    b = bytearray(b)
    b[at] = 0
    b[at] = (-sum(b)) & 0xFF
    return bytes(b)


def rsdp(revision, rsdt=0, xsdt=0):
    r = b"RSD PTR " + b"\0" + b"BOCHS " + bytes([revision]) + struct.pack("<I", rsdt)
    r = checksum_fix(r, 8)
    if revision >= 2:
        r = r + struct.pack("<IQ", 36, xsdt) + b"\0\0\0\0"
        r = checksum_fix(r, 32)
    return r


def sdt(signature, revision, body, oem=b"BOCHS ", table=b"BXPC    "):
    header = signature + struct.pack("<IBB", 36 + len(body), revision, 0) + oem + table + \
        struct.pack("<I", 1) + b"BXPC" + struct.pack("<I", 1)
    return checksum_fix(header + body, 9)


def madt_pc(cpus):
    body = struct.pack("<II", 0xFEE00000, 1)
    for i in range(cpus):
        body += struct.pack("<BBBBI", 0, 8, i, i, 1)
    body += struct.pack("<BBBBII", 1, 12, cpus, 0, 0xFEC00000, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    for irq in (5, 9, 10, 11):
        body += struct.pack("<BBBBIH", 2, 10, 0, irq, irq, 0xD)
    body += struct.pack("<BBBHB", 4, 6, 0xFF, 0, 1)
    body += struct.pack("<BBHIII", 9, 16, 0, 0x100, 1, 0x100)        # an x2APIC entry
    body += struct.pack("<BBHII", 10, 12, 0, 0xFFFFFFFF, 1)[:12]
    body += struct.pack("<BBHQ", 5, 12, 0, 0xFEE00000)
    return sdt(b"APIC", 1, body)


def fadt_pc(dsdt_at, revision=1):
    body = bytearray(244 - 36 if revision < 5 else 276 - 36)
    struct.pack_into("<I", body, 40 - 36, dsdt_at)
    struct.pack_into("<H", body, 46 - 36, 9)
    struct.pack_into("<IIII", body, 56 - 36, 0xB000, 0, 0xB004, 0)
    body[88 - 36], body[89 - 36] = 4, 2
    struct.pack_into("<I", body, 112 - 36, 0x4A5 | (1 << 10))
    struct.pack_into("<BBBBQ", body, 116 - 36, 1, 8, 0, 1, 0xCF9)
    body[128 - 36] = 6
    if revision >= 3:
        struct.pack_into("<Q", body, 140 - 36, dsdt_at)
        struct.pack_into("<BBBBQ", body, 148 - 36, 1, 32, 0, 2, 0xB000)
        struct.pack_into("<BBBBQ", body, 172 - 36, 1, 16, 0, 2, 0xB004)
    return sdt(b"FACP", revision, bytes(body))


def dsdt_aml():
    """A small DSDT of our own: a scope with a device, then Name(\\_S5, Package(4){5, 5, 0, 0})."""
    body = b"\x10\x13\\_SB_" + b"\x5b\x82\x0c" + b"PCI0" + b"\x08_HID\x0c\x41\xd0\x0a\x03"
    body += b"\x08_S3_\x12\x06\x04\x01\x01\x00\x00"
    body += b"\x08\\_S5_\x12\x0a\x04\x0a\x05\x0a\x05\x00\x00"
    return sdt(b"DSDT", 1, body)


def acpi_seeds():
    aml = dsdt_aml()
    # PC-style: RSDP revision 0, an RSDT, MADT, FADT 1.0 with ports, DSDT, and an unknown table.
    for name, cpus, revision in (("pc-rsdt", 2, 1), ("pc-xsdt", 4, 3)):
        hpet = sdt(b"HPET", 1, struct.pack("<IBBBBQHB", 0x8086A201, 0, 64, 0, 0, 0xFED00000, 0, 0))
        madt = madt_pc(cpus)
        at_madt = 0x100
        at_hpet = at_madt + ((len(madt) + 15) & ~15)
        at_dsdt = at_hpet + ((len(hpet) + 15) & ~15)
        at_fadt = at_dsdt + ((len(aml) + 15) & ~15)
        fadt = fadt_pc(at_dsdt, revision)
        at_root = at_fadt + ((len(fadt) + 15) & ~15)
        entries = [at_madt, at_fadt, at_hpet]
        if revision >= 3:
            root = sdt(b"XSDT", 1, b"".join(struct.pack("<Q", a) for a in entries))
            pointer = rsdp(2, rsdt=0, xsdt=at_root)
        else:
            root = sdt(b"RSDT", 1, b"".join(struct.pack("<I", a) for a in entries))
            pointer = rsdp(0, rsdt=at_root)
        memory = bytearray(at_root + len(root))
        for a, t in ((0, pointer), (at_madt, madt), (at_hpet, hpet), (at_dsdt, aml), (at_fadt, fadt),
                     (at_root, root)):
            memory[a:a + len(t)] = t
        write("fuzz_acpi", name, b"\x00" + bytes(memory))
        write("fuzz_acpi", name + "-repair", b"\x01" + bytes(memory))
    write("fuzz_acpi_s5", "dsdt", aml[36:])
    write("fuzz_acpi_s5", "s5-byte-prefix", b"\x10\x1f\\_SB_\x08\\_S5_\x12\x0a\x04\x0a\x05\x0a\x05\x00\x00")
    write("fuzz_acpi_s5", "s5-zero-op", b"\x08_S5_\x12\x06\x04\x00\x00\x00\x00")


def machine_acpi_seed():
    """This machine's data tables (MADT, FADT, MCFG...) behind a new RSDP and XSDT, with our own DSDT.

    Only tables of plain data are taken: the machine's DSDT is firmware code (AML), so ours replaces it.
    """
    base = "/sys/firmware/acpi/tables"
    names = [n for n in ("APIC", "FACP", "MCFG", "HPET", "SRAT") if os.path.exists(os.path.join(base, n))]
    tables = {}
    for n in names:
        with open(os.path.join(base, n), "rb") as f:
            tables[n] = f.read()
    tables["DSDT"] = dsdt_aml()
    at, placed = 0x100, {}
    for n in ["DSDT"] + names:
        placed[n] = at
        at += (len(tables[n]) + 15) & ~15
    fadt = bytearray(tables["FACP"])
    struct.pack_into("<I", fadt, 40, placed["DSDT"])
    if len(fadt) >= 148:
        struct.pack_into("<Q", fadt, 140, placed["DSDT"])
    tables["FACP"] = checksum_fix(bytes(fadt), 9)
    xsdt = sdt(b"XSDT", 1, b"".join(struct.pack("<Q", placed[n]) for n in names))
    memory = bytearray(at + len(xsdt))
    memory[0:36] = rsdp(2, xsdt=at)
    for n, a in placed.items():
        memory[a:a + len(tables[n])] = tables[n]
    memory[at:] = xsdt
    write("fuzz_acpi", "machine-xsdt", b"\x00" + bytes(memory))


# --- ELF (System V gABI and its i386 and x86-64 supplements) ---

def elf64(segments, entry):
    phoff = 64
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, entry, phoff, 0, 0, 64, 56, len(segments), 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", 1, flags, off, vaddr, paddr, filesz, memsz, 0x1000)
                  for off, vaddr, paddr, filesz, memsz, flags in segments)
    data = header + ph
    end = max(off + filesz for off, _, _, filesz, _, _ in segments)
    return data + bytes(max(0, end - len(data)))


def elf32(segments, entry, machine=3):
    phoff = 52
    header = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8) + struct.pack(
        "<HHIIIIIHHHHHH", 2, machine, 1, entry, phoff, 0, 0, 52, 32, len(segments), 40, 0, 0)
    ph = b"".join(struct.pack("<IIIIIIII", 1, off, vaddr, paddr, filesz, memsz, flags, 0x1000)
                  for off, vaddr, paddr, filesz, memsz, flags in segments)
    data = header + ph
    end = max(off + filesz for off, _, _, filesz, _, _ in segments)
    return data + bytes(max(0, end - len(data)))


def elf_seeds():
    write("fuzz_elf", "test-guest64", elf64([(0x1000, 0x100000, 0x100000, 0x200, 0x3000, 5),
                                            (0x1200, 0x104000, 0x104000, 0x80, 0x1000, 6)], 0x100010))
    write("fuzz_elf", "higher-half64", elf64([(0x1000, 0xFFFFFFFF80100000, 0x100000, 0x100, 0x2000, 7)],
                                             0xFFFFFFFF80100000))
    write("fuzz_elf", "test-guest32", elf32([(0x1000, 0x100000, 0x100000, 0x100, 0x2000, 5),
                                            (0x1100, 0x102000, 0x102000, 0x40, 0x40, 6)], 0x100000))


# --- Guest kernel images: bzImage setup header, Multiboot and Multiboot2 headers ---

def image_seeds():
    bz = bytearray(0x1400)
    bz[0x1F1] = 4                                              # setup_sects
    struct.pack_into("<I", bz, 0x1F4, (0x1400 - 5 * 512) // 16)  # syssize
    struct.pack_into("<H", bz, 0x1FE, 0xAA55)
    bz[0x200], bz[0x201] = 0xEB, 0x6A                          # jump over the header
    bz[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", bz, 0x206, 0x020F)
    bz[0x211] = 0x01                                           # LOADED_HIGH
    struct.pack_into("<I", bz, 0x214, 0x100000)
    struct.pack_into("<I", bz, 0x22C, 0x7FFFFFFF)
    struct.pack_into("<I", bz, 0x230, 0x200000)
    bz[0x234] = 1
    struct.pack_into("<I", bz, 0x238, 2047)
    struct.pack_into("<Q", bz, 0x258, 0x1000000)
    struct.pack_into("<I", bz, 0x260, 0x2000000)
    write("fuzz_guest_image", "bzimage-header", bytes(bz))
    write("fuzz_bzimage", "protocol-2.15-relocatable", bytes(bz))
    old = bytearray(bz)                                        # protocol 2.02: defaults for the later fields
    struct.pack_into("<H", old, 0x206, 0x0202)
    old[0x201] = 0x30
    write("fuzz_bzimage", "protocol-2.02", bytes(old[:0xC00]))
    fixed = bytearray(bz)                                      # 2.10, not relocatable: 1 MiB whatever pref_address says
    struct.pack_into("<H", fixed, 0x206, 0x020A)
    fixed[0x234] = 0
    fixed[0x1F1] = 0                                           # setup_sects 0 means 4
    write("fuzz_bzimage", "protocol-2.10-fixed", bytes(fixed))

    kernel = elf32([(0x1000, 0x100000, 0x100000, 0x200, 0x1000, 5)], 0x100000)
    mb2 = struct.pack("<IIII", 0xE85250D6, 0, 24, (-(0xE85250D6 + 24)) & 0xFFFFFFFF) + struct.pack("<HHI", 0, 0, 8)
    image = bytearray(kernel)
    image[0x1000:0x1000 + len(mb2)] = mb2
    write("fuzz_guest_image", "multiboot2-elf", bytes(image))
    mb1 = struct.pack("<III", 0x1BADB002, 3, (-(0x1BADB002 + 3)) & 0xFFFFFFFF)
    image = bytearray(kernel)
    image[0x1000:0x1000 + len(mb1)] = mb1
    write("fuzz_guest_image", "multiboot1-elf", bytes(image))
    write("fuzz_guest_image", "test-guest64", elf64([(0x1000, 0x100000, 0x100000, 0x100, 0x1000, 5)], 0x100000))


# --- The guest's memory map: firmware entries and veneer's hidden ranges ---

def memory_map_seeds():
    def seed(hidden, entries):
        b = bytes([len(hidden)]) + b"".join(struct.pack("<QQ", s, e) for s, e in hidden)
        return b + b"".join(struct.pack("<QQI", base, length, t) for base, length, t in entries)
    write("fuzz_memory_map", "bios", seed([(0x100000, 0x400000), (0x7000, 0x8000)], e820_bios()))
    write("fuzz_memory_map", "overlapping", seed([(0x1000000, 0x1200000)],
                                                 [(0x100000, 0x4000000, 1), (0x2000000, 0x1000000, 2),
                                                  (0, 0x9F000, 1), (0x100000, 0x4000000, 1)]))
    write("fuzz_memory_map", "high", seed([(0xFFFFFFFFF000, 0x1000000000000)],
                                          [(0x100000000, 0xFFFFFFFF00000000, 1), (0xFFFFFFFFFFFFF000, 0x1000, 1)]))


# --- MMIO stores: the instructions a kernel uses to write its local APIC ---

def decode_seeds():
    seeds = {
        "mov-ecx-to-rax64": (64, "89 08"),
        "mov-imm-riprel64": (64, "c7 05 f0 00 20 00 00 00 00 00"),
        "mov-r9d-sib-disp32-64": (64, "44 89 8c 24 b0 03 00 00"),
        "mov-rax-rex-w64": (64, "48 89 04 25 80 03 e0 fe"),
        "mov-moffs64": (64, "48 a3 00 03 e0 fe 00 00 00 00"),
        "xchg-prefixes64": (64, "f0 2e 66 87 11"),
        "mov-byte-ah32": (32, "88 60 0b"),
        "mov-imm-disp32-32": (32, "c7 05 b0 00 e0 fe 00 00 00 00"),
        "mov-moffs-addr16-32": (32, "67 a3 b0 00"),
        "mov-bx-16": (16, "89 1e b0 00"),
        "mov-imm-bp-disp8-16": (16, "66 c7 46 10 01 00 00 00"),
    }
    mode_byte = {16: 0, 32: 1, 64: 2}
    for name, (mode, hexbytes) in seeds.items():
        write("fuzz_instruction_decode", name, bytes([mode_byte[mode]]) + bytes.fromhex(hexbytes))


# --- Guest page tables: one walk per paging mode over tables in a few pages ---

def paging_seeds():
    P, RW, PS = 1, 2, 0x80

    def seed(flags, cr3, linear, pages, pdptes=(0, 0, 0, 0), maxphy=39, n=16):
        memory = bytearray(0x1000 * len(pages))
        for i, entries in enumerate(pages):
            for index, (value, size) in entries.items():
                memory[i * 0x1000 + index * size:i * 0x1000 + (index + 1) * size] = value.to_bytes(size, "little")
        head = bytes([flags, maxphy]) + struct.pack("<Q", cr3) + b"".join(struct.pack("<Q", p) for p in pdptes)
        return head + struct.pack("<QB", linear, n) + bytes(memory)

    PG, PAE, PSE, LMA, LA57, NXE, FIELDS = 1, 2, 4, 8, 16, 32, 64
    lin = 0x00007F8012345FF8          # crosses into the next page with n = 16
    i4 = [(lin >> (12 + 9 * l)) & 511 for l in range(4)]
    write("fuzz_guest_paging", "4level-4k", seed(PG | PAE | LMA | NXE, 0x0, lin, [
        {i4[3]: (0x1000 | P | RW, 8)}, {i4[2]: (0x2000 | P | RW, 8)},
        {i4[1]: (0x3000 | P | RW, 8)}, {i4[0]: (0x0000 | P | RW, 8), i4[0] + 1: (0x1000 | P, 8)}]))
    write("fuzz_guest_paging", "4level-2m", seed(PG | PAE | LMA, 0x0, lin, [
        {i4[3]: (0x1000 | P, 8)}, {i4[2]: (0x2000 | P, 8)}, {i4[1]: (0x200000 | P | PS, 8)}]))
    write("fuzz_guest_paging", "5level-1g", seed(PG | PAE | LMA | LA57, 0x0, lin | (3 << 48), [
        {3: (0x1000 | P, 8)}, {i4[3]: (0x2000 | P, 8)}, {i4[2]: (0x40000000 | P | PS, 8)}]))
    lin32 = 0xC0101FF8
    write("fuzz_guest_paging", "32bit-4k", seed(PG, 0x0, lin32, [
        {lin32 >> 22: (0x1000 | P, 4)}, {(lin32 >> 12) & 1023: (0x0 | P, 4), ((lin32 >> 12) & 1023) + 1: (0x1000 | P, 4)}]))
    write("fuzz_guest_paging", "32bit-pse", seed(PG | PSE, 0x0, lin32, [
        {lin32 >> 22: (0x00400000 | (1 << 13) | P | PS, 4)}]))
    write("fuzz_guest_paging", "pae-fields", seed(PG | PAE | FIELDS, 0x0, lin32, [
        {(lin32 >> 21) & 511: (0x1000 | P, 8)}, {(lin32 >> 12) & 511: (0x0 | P, 8), ((lin32 >> 12) & 511) + 1: (0x1000 | P, 8)}],
        pdptes=(0, 0, 0, 0x0 | P)))
    write("fuzz_guest_paging", "pae-memory", seed(PG | PAE, 0x20, lin32, [
        {7: (0x1000 | P, 8)}, {(lin32 >> 21) & 511: (0x200000 | P | PS, 8)}]))
    write("fuzz_guest_paging", "paging-off", seed(0, 0, 0x1FF8, [{}], n=31))


# --- Exit qualifications ---

def qualification_seeds():
    seeds = {
        "io-out-dx-byte": (0x00F80000 | 0x00, 64, [(0x3F8, 8), (0xCF8, 8)]),
        "io-in-imm-dword": (0x00600000 | 0x48, 16, [(0x60, 1), (0x64, 1)]),
        "io-wrap": (0xFFFF0000 | 0x03, 32, [(0x0, 4)]),
        "ept-write-not-present": (0x182, 100, []),
        "cr-mov-to-cr4-rsp": (0x404, 0, []),
        "lmsw": (0x00310033, 8, []),
    }
    for name, (q, length, intercepts) in seeds.items():
        write("fuzz_exit_qualification", name,
              struct.pack("<QB", q, length) + b"".join(struct.pack("<HB", f, c) for f, c in intercepts))


# --- Guest memory through the EPT: what hypercalls and instruction fetches read ---

def guest_memory_seeds():
    def seed(flags, limit_pages, all_ones, hidden, remaps, accesses):
        b = struct.pack("<BHB", flags, limit_pages, all_ones)
        b += b"".join(struct.pack("<BB", first, count) for first, count in (hidden + [(0, 0)] * 4)[:4])
        b += b"".join(struct.pack("<HHB", g, h, f) for g, h, f in remaps) + b"\0\0\0\0\0"
        return b + b"".join(struct.pack("<IHB", gpa, length, write) for gpa, length, write in accesses)
    R, RW = 1, 3
    # A print hypercall's 256 bytes in RAM, then in veneer's pages, then across the all-ones remap.
    write("fuzz_guest_memory", "print", seed(0, 64, 40, [(32, 16)], [(60, 40, R)],
                                             [(0x1000, 256, 0), (32 * 4096 + 8, 256, 0), (60 * 4096 - 100, 256, 0)]))
    write("fuzz_guest_memory", "remap-write", seed(1, 48, 40, [(32, 16)], [(5, 7, RW), (6, 50, RW), (7, 7, R)],
                                                   [(5 * 4096 - 8, 64, 1), (6 * 4096 + 4000, 200, 1),
                                                    (7 * 4096, 16, 1), (0xFFFFFFF0 & 0x7FFFFFFF, 32, 0)]))
    write("fuzz_guest_memory", "wrap", seed(0, 64, 0, [], [], [(0x80000010, 64, 0), (0x80000000, 0, 1)]))


def main():
    mb2_seeds()
    acpi_seeds()
    if "--machine-acpi" in sys.argv[1:]:
        machine_acpi_seed()
    elf_seeds()
    image_seeds()
    memory_map_seeds()
    decode_seeds()
    paging_seeds()
    qualification_seeds()
    guest_memory_seeds()


if __name__ == "__main__":
    main()
