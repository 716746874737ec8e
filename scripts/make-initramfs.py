#!/usr/bin/env python3
"""Write a gzip-compressed newc cpio archive (a Linux initramfs) from a spec.

    make-initramfs.py [-D NAME=PATH]... SPEC OUT.cpio.gz

The spec has one entry a line; '#' starts a comment line:

    dir PATH MODE                 a directory
    file PATH SOURCE MODE         a copy of the file SOURCE
    symlink PATH TARGET           a symbolic link
    node PATH MODE c|b MAJOR MINOR
                                  a character or block device node

PATH is absolute inside the archive; MODE is octal.  In SOURCE, {NAME} is
replaced by the PATH given with -D NAME=PATH; a relative SOURCE starts at
the current directory.  Missing parent directories are added with mode 755.

Every entry belongs to root and carries the same mtime (0), entries are
written in path order and numbered in that order, and the gzip header has
no name and no time: the same inputs give the same bytes.  Device nodes
need no privilege: they are only described in the archive.

The newc format (the kernel's Documentation/driver-api/early-userspace/
buffer-format.rst): each entry is a 110-byte ASCII header, "070701" and
thirteen 8-digit hexadecimal fields, then the NUL-terminated name padded so
that header and name end on a multiple of 4, then the data padded to a
multiple of 4.  An entry named TRAILER!!! ends the archive.
"""

import argparse
import gzip
import os
import re
import stat
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
MTIME = 0


class SpecError(Exception):
    """A mistake in the spec, reported as file:line."""


class Entry:
    def __init__(self, path, mode, data=b"", rdev=(0, 0)):
        self.path = path        # absolute, normalised
        self.mode = mode        # file type and permission bits
        self.data = data
        self.rdev = rdev


def pad4(length):
    return b"\0" * (-length % 4)


def header(ino, mode, nlink, size, rdev, namesize):
    fields = (ino, mode, 0, 0, nlink, MTIME, size, 0, 0, rdev[0], rdev[1], namesize, 0)
    # c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_devmajor
    # c_devminor c_rdevmajor c_rdevminor c_namesize c_check
    return MAGIC + b"".join(b"%08X" % value for value in fields)


def cpio_member(ino, mode, nlink, name, data=b"", rdev=(0, 0)):
    encoded = name.encode() + b"\0"
    head = header(ino, mode, nlink, len(data), rdev, len(encoded)) + encoded
    return head + pad4(len(head)) + data + pad4(len(data))


def parse_mode(text, where):
    if not re.fullmatch(r"[0-7]{1,4}", text):
        raise SpecError(f"{where}: mode must be octal (like 755), not '{text}'")
    return int(text, 8)


def parse_path(text, where):
    if not text.startswith("/"):
        raise SpecError(f"{where}: '{text}' must be an absolute path")
    path = os.path.normpath(text)
    if path == "/" or "\\" in path:
        raise SpecError(f"{where}: '{text}' cannot be an archive member")
    return path


def substitute(source, defines, where):
    def one(match):
        name = match.group(1)
        if name not in defines:
            raise SpecError(f"{where}: {{{name}}} is not defined (give -D {name}=PATH)")
        return defines[name]
    return re.sub(r"\{([A-Za-z0-9_-]+)\}", one, source)


def read_spec(spec_path, defines):
    entries = {}
    with open(spec_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, raw in enumerate(lines, 1):
        where = f"{spec_path}:{number}"
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        kind, args = words[0], words[1:]
        wanted = {"dir": 2, "file": 3, "symlink": 2, "node": 5}.get(kind)
        if wanted is None:
            raise SpecError(f"{where}: unknown entry '{kind}' (dir, file, symlink, node)")
        if len(args) != wanted:
            raise SpecError(f"{where}: '{kind}' takes {wanted} fields, not {len(args)}")
        path = parse_path(args[0], where)
        if path in entries:
            raise SpecError(f"{where}: {path} appears twice")
        if kind == "dir":
            entry = Entry(path, stat.S_IFDIR | parse_mode(args[1], where))
        elif kind == "file":
            source = substitute(args[1], defines, where)
            try:
                with open(source, "rb") as src:
                    data = src.read()
            except OSError as err:
                raise SpecError(f"{where}: cannot read {source}: {err.strerror}") from None
            entry = Entry(path, stat.S_IFREG | parse_mode(args[2], where), data)
        elif kind == "symlink":
            entry = Entry(path, stat.S_IFLNK | 0o777, args[1].encode())
        else:
            if args[2] not in ("c", "b"):
                raise SpecError(f"{where}: a node is 'c' (character) or 'b' (block)")
            try:
                rdev = (int(args[3]), int(args[4]))
            except ValueError:
                raise SpecError(f"{where}: major and minor must be numbers") from None
            kind_bits = stat.S_IFCHR if args[2] == "c" else stat.S_IFBLK
            entry = Entry(path, kind_bits | parse_mode(args[1], where), rdev=rdev)
        entries[path] = entry

    # Parents first: a parent's path is a prefix of its children's, so it
    # sorts before them.
    for path in list(entries):
        parent = os.path.dirname(path)
        while parent != "/":
            if parent not in entries:
                entries[parent] = Entry(parent, stat.S_IFDIR | 0o755)
            elif not stat.S_ISDIR(entries[parent].mode):
                raise SpecError(f"{spec_path}: {parent} holds {path} but is not a directory")
            parent = os.path.dirname(parent)
    return [entries[path] for path in sorted(entries)]


def archive(entries):
    parts = []
    for ino, entry in enumerate(entries, 1):
        nlink = 2 if stat.S_ISDIR(entry.mode) else 1
        parts.append(cpio_member(ino, entry.mode, nlink, entry.path.lstrip("/"),
                                 entry.data, entry.rdev))
    parts.append(cpio_member(0, 0, 1, TRAILER))
    return b"".join(parts)


def main():
    parser = argparse.ArgumentParser(
        description="Write a gzip-compressed newc cpio archive from a spec "
                    "(format: see the top of this script).")
    parser.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME=PATH",
                        help="replace {NAME} by PATH in file sources")
    parser.add_argument("spec")
    parser.add_argument("out")
    args = parser.parse_args()

    defines = {}
    for item in args.defines:
        name, equals, value = item.partition("=")
        if not equals or not name:
            parser.error(f"-D wants NAME=PATH, not '{item}'")
        defines[name] = value
    try:
        entries = read_spec(args.spec, defines)
    except (SpecError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    raw = archive(entries)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as out:
        # No file name, mtime 0: reproducible bytes.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=out, mtime=0) as gz:
            gz.write(raw)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
