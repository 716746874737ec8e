#!/usr/bin/env python3
"""Boots the installed Debian that test-deb.py left, from its own GRUB menu, in Bochs.

usage: boot-installed.py BUILD_DIR [veneer|native ...]

BUILD_DIR/installed/chroot (veneer installed, VENEER_MAKE_DEFAULT=true, its
/boot/grub/grub.cfg written by update-grub) becomes an ext4 disk image,
the whole disk one filesystem with the UUID and label its fstab and GRUB
menu name.  Bochs (corei7_skylake_x, i440FX with PIIX IDE) gets that disk
as ata0-master and a GRUB CD as ata1-master.  The CD's GRUB finds the disk
by UUID and runs the disk's own /boot/grub/grub.cfg, unchanged:

  veneer  its default entry, which VENEER_MAKE_DEFAULT made the newest
          kernel under veneer: veneer boots Debian's kernel and initramfs
          from /boot; the initramfs must find the root filesystem on the
          PIIX disk (ata_piix, sd_mod) and init must start a getty on
          ttyS0;
  native  the distribution's own first entry (gnulinux-simple-UUID),
          without veneer: the same disk, kernel and initramfs, for
          comparison.  The CD's GRUB reads the disk's menu with 'source'
          and then sets default to that entry.  (grub-reboot's next_entry
          cannot be used from a CD: the menu's 00_header then calls
          save_env, which fails on the CD's missing grubenv with
          "error: file `/boot/grub/grubenv' not found".)

Each run passes when the serial line shows Debian's login prompt
("veneer-test login:") and, for veneer, veneer's log naming the guest
kernel and initrd; then the emulator is stopped.  Logs and the disk are in
BUILD_DIR/installed/boot-NAME/.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from importlib.machinery import SourceFileLoader  # noqa: E402

test_deb = SourceFileLoader("test_deb", os.path.join(HERE, "test-deb.py")).load_module()
ROOT_UUID = test_deb.ROOT_UUID

BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/seabios/vgabios-stdvga.bin"
TIMEOUT = {"veneer": 1500, "native": 900}
# Cylinders x 16 heads x 63 sectors: a flat image Bochs takes without complaint.
DISK_CYLINDERS = 2080
LOGIN = re.compile(r"veneer-test login:")
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")

EXPECT = {
    "veneer": [
        r"Booting `Debian GNU/Linux, with Linux \S+ under veneer'",
        # The entry's module2 line: the kernel's command line with the
        # distribution's root= and the guest's extra option.
        r"^\[cpu0\] guest: module 0 'root=UUID=" + ROOT_UUID + r" ro .*veneer\.installed=1' is a Linux bzImage",
        r"^\[cpu0\] guest: Linux boot protocol 2\.\d+: kernel at 0x[0-9a-f]+ .*, initrd at 0x[0-9a-f]+",
        r"^\[cpu0\] console: lending the serial port to the guest",
        r"^INIT: Entering runlevel: 2",
        r"veneer-test login:",
    ],
    "native": [
        r"Booting `Debian GNU/Linux'",
        r"^INIT: Entering runlevel: 2",
        r"veneer-test login:",
    ],
}
REJECT = {
    "veneer": [r"Kernel panic", r"error: FAULT", r"veneer: exit", r"Gave up waiting for root",
               r"ALERT!", r"error: "],
    # Not a line of veneer's log: this boot is without it.
    "native": [r"Kernel panic", r"^\[cpu\d+\] ", r"Gave up waiting for root", r"ALERT!", r"error: "],
}

ISO_CFG = """# GRUB on the boot CD: the installed system's own menu from its disk.
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
insmod ext2
search --no-floppy --fs-uuid --set=root {uuid}
{choose}"""


def make_disk(chroot, disk):
    size = DISK_CYLINDERS * 16 * 63 * 512
    if os.path.exists(disk):
        os.unlink(disk)
    with open(disk, "wb") as f:
        f.truncate(size)
    result = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "veneer-root", "-U", ROOT_UUID,
                             "-d", chroot, disk], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    if result.returncode != 0:
        raise SystemExit("error: mke2fs -d failed:\n" + result.stdout)


def make_iso(run_dir, mode):
    cfg = os.path.join(run_dir, "cd-grub.cfg")
    # veneer: the disk's menu as it is.  native: the disk's menu entries
    # read into this one ('source' keeps them), then the distribution's
    # entry made the default after the menu's own 'set default'.
    if mode == "veneer":
        choose = "configfile /boot/grub/grub.cfg\n"
    else:
        choose = f"source /boot/grub/grub.cfg\nset default=gnulinux-simple-{ROOT_UUID}\n"
    with open(cfg, "w") as f:
        f.write(ISO_CFG.format(uuid=ROOT_UUID, choose=choose))
    staging = os.path.join(run_dir, "cd")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(os.path.join(staging, "boot", "grub"))
    shutil.copyfile(cfg, os.path.join(staging, "boot", "grub", "grub.cfg"))
    iso = os.path.join(run_dir, "cd.iso")
    result = subprocess.run(["grub-mkrescue", "-o", iso, staging], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise SystemExit("error: grub-mkrescue failed:\n" + result.stdout)
    return iso


def bochsrc(run_dir, disk, iso):
    return "\n".join([
        "# Generated by tests/installed/boot-installed.py",
        "cpu: model=corei7_skylake_x, count=1, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1",
        "memory: guest=1024, host=1024",
        f"romimage: file={BOCHS_BIOS}, options=fastboot",
        f"vgaromimage: file={BOCHS_VGABIOS}",
        "pci: enabled=1, chipset=i440fx, slot1=pcivga",
        "vga: extension=vbe",
        "ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
        # volatile: the guest's writes go to a redo log; both runs boot the same disk.
        f"ata0-master: type=disk, path={disk}, mode=volatile, cylinders={DISK_CYLINDERS}, heads=16, spt=63",
        "ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15",
        f"ata1-master: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, mode=file, dev={os.path.join(run_dir, 'serial.log')}",
        "clock: sync=none, time0=946684800",
        'display_library: rfb, options="timeout=0"',
        "mouse: enabled=0",
        "magic_break: enabled=0",
        "sound: driver=dummy",
        "speaker: enabled=0",
        f"log: {os.path.join(run_dir, 'bochs.log')}",
        "panic: action=fatal, rfb=report",
        "error: action=report",
        "info: action=ignore",
        "debug: action=ignore",
    ]) + "\n"


def log_lines(path):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return ESCAPES.sub("", text).replace("\r", "").split("\n")


def boot(build, mode, disk, results):
    run_dir = os.path.abspath(os.path.join(build, "installed", f"boot-{mode}"))
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    iso = make_iso(run_dir, mode)
    rc = os.path.join(run_dir, "bochsrc")
    with open(rc, "w") as f:
        f.write(bochsrc(run_dir, disk, iso))
    cont = os.path.join(run_dir, "continue.rc")
    with open(cont, "w") as f:
        f.write("c\nquit\n")
    serial = os.path.join(run_dir, "serial.log")
    start = time.monotonic()
    proc = subprocess.Popen(["bochs", "-q", "-f", rc, "-rc", cont], stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(run_dir, "bochs.out"), "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    outcome = "timeout"
    try:
        while time.monotonic() - start < TIMEOUT[mode]:
            if proc.poll() is not None:
                outcome = "emulator ended"
                break
            if any(LOGIN.search(line) for line in log_lines(serial)):
                outcome = "login prompt"
                time.sleep(1)
                break
            time.sleep(2)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=5)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
    elapsed = time.monotonic() - start
    lines = log_lines(serial)
    problems = []
    if outcome != "login prompt":
        problems.append(f"no login prompt ({outcome} after {elapsed:.0f} s)")
    for regex in EXPECT[mode]:
        if not any(re.search(regex, line) for line in lines):
            problems.append(f"missing: {regex}")
    for regex in REJECT[mode]:
        hits = [line for line in lines if re.search(regex, line)]
        if hits:
            problems.append(f"rejected '{regex}' matched: {hits[0].strip()}")
    results[mode] = (problems, elapsed, serial)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    build = sys.argv[1]
    modes = sys.argv[2:] or ["veneer", "native"]
    for mode in modes:
        if mode not in TIMEOUT:
            raise SystemExit(f"error: unknown run '{mode}' (veneer, native)")
    if not shutil.which("bochs") or not os.path.isfile(BOCHS_BIOS):
        print("SKIPPED: bochs is not installed (packages bochs, bochsbios, seabios)")
        return 1
    chroot = os.path.join(build, "installed", "chroot")
    if not os.path.isfile(os.path.join(chroot, "boot", "veneer.elf")):
        raise SystemExit(f"error: {chroot} has no /boot/veneer.elf: run test-deb.py first (make test-deb)")
    disk = os.path.abspath(os.path.join(build, "installed", "disk.img"))
    start = time.monotonic()
    make_disk(chroot, disk)
    print(f"disk image {disk} made in {time.monotonic() - start:.0f} s")
    results = {}
    threads = [threading.Thread(target=boot, args=(build, mode, disk, results)) for mode in modes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = 0
    for mode in modes:
        problems, elapsed, serial = results[mode]
        if problems:
            failed += 1
            print(f"FAIL  {mode}: {elapsed:.0f} s, {serial}")
            for p in problems:
                print(f"      {p}")
            for line in log_lines(serial)[-25:]:
                print(f"      | {line}")
        else:
            print(f"ok    {mode}: Debian's login prompt after {elapsed:.0f} s")
    print(f"boot-installed: {len(modes) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
