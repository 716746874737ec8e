#!/usr/bin/env python3
"""make-bad-guests.py OUTDIR VMLINUZ TESTGUEST64

Writes damaged guest images for the scenarios that check veneer's answer
to a bad guest module (tests/scenarios/guest-bad-*.scn):

  unknown.bin            text: no kernel format veneer knows
  truncated-bzImage      the first 4 KiB of a real bzImage: it ends inside the
                         setup code (GRUB loads a bzImage cut anywhere after it)
  old-protocol-bzImage   a bzImage whose header claims boot protocol 2.01
  corrupt.elf            a test guest whose program headers point past the end
  overlap.elf            a test guest whose segment sits on the legacy video hole (0xA0000), not RAM
"""
import os
import struct
import sys


def write(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, vmlinuz, guest64 = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    kernel = open(vmlinuz, "rb").read()
    elf = bytearray(open(guest64, "rb").read())

    write(os.path.join(out, "unknown.bin"), b"This is not a kernel.\n" * 64)
    write(os.path.join(out, "truncated-bzImage"), kernel[:4096])

    old = bytearray(kernel)
    struct.pack_into("<H", old, 0x206, 0x0201)          # setup header: version
    write(os.path.join(out, "old-protocol-bzImage"), bytes(old))

    corrupt = bytearray(elf)
    struct.pack_into("<Q", corrupt, 32, len(corrupt) + 4096)   # e_phoff past the end
    write(os.path.join(out, "corrupt.elf"), bytes(corrupt))

    overlap = bytearray(elf)
    phoff = struct.unpack_from("<Q", overlap, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", overlap, 54)
    for i in range(phnum):
        ph = phoff + i * phentsize
        if struct.unpack_from("<I", overlap, ph)[0] == 1:       # PT_LOAD: move it onto the video hole
            struct.pack_into("<Q", overlap, ph + 24, 0xA0000)
            break
    write(os.path.join(out, "overlap.elf"), bytes(overlap))


if __name__ == "__main__":
    main()
