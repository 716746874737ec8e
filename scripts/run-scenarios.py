#!/usr/bin/env python3
"""Boot veneer in emulators and check what it prints on its serial line.

Each scenario is one file tests/scenarios/NAME.scn.  For each, this script
writes a grub.cfg, builds an ISO with scripts/make-iso.sh (kept and reused
while its inputs do not change), boots it in QEMU or Bochs with the serial
line going to build/scenarios/NAME/serial.log, stops the emulator at the
timeout, and checks the log.  Scenarios run in parallel.

Scenario file format: one "key: value" per line; lines starting with '#'
and blank lines are ignored.  Keys marked (many) may repeat; the others
may appear once.

  description: TEXT        what the scenario shows (printed by --list)
  emulator: NAME           qemu-bios | qemu-uefi | bochs          (required)
  boot: cdrom|disk         the ISO as a CD, or as a raw hard disk the way a
                           USB stick boots                        (cdrom)
  cpus: N                  number of CPUs                         (1)
  memory: MIB              guest memory                           (512)
  kernel: veneer|linux|linux16|multiboot|multiboot2
                           what GRUB boots: veneer with Multiboot2, or, without
                           veneer (a native baseline), the first modules: file
                           with the cmdline: linux loads it with GRUB's 'linux'
                           and the others with 'initrd'; linux16 the same with
                           'linux16' and 'initrd16', the real-mode entry (setup
                           code below 640 KiB) that iPXE's .lkrn and memdisk
                           want, on BIOS only; multiboot and multiboot2 with
                           'multiboot'/'multiboot2' and the others with
                           'module'/'module2' and their module: arguments
                                                                  (veneer)
  cmdline: TEXT            veneer's (or Linux's) command line     (empty)
  timeout: SECONDS         longest the emulator may run           (60)
  expect-exit: N|nonzero|any|poweroff
                           the kernel's exit code: QEMU's isa-debug-exit
                           status, or on Bochs the number in the final
                           "veneer: exit N" line; poweroff: the guest
                           powers the machine off through ACPI, and no
                           exit line is needed
                           (0; kernel: linux, linux16, multiboot*: poweroff)
  expect-bochs-panic: REGEX
                           the run ends with Bochs stopping on a "panic"
                           matching REGEX: the guest did something Bochs does
                           not emulate (GNU Mach's PIC programming); no exit
                           line is needed (Bochs only)
  screen-at: N             (Bochs only) stop Bochs after N emulated
                           instructions (a debugger time breakpoint) and read
                           the VGA text screen (80x25 at 0xB8000) into
                           screen.txt: for guests that only draw on the
                           screen; the run must last that long
  expect-screen: REGEX     (many) some line of that screen matches
  bochs-breakpoint: ADDR   (Bochs only) a physical-address breakpoint: the
                           debugger stops there once, prints "Next at
                           t=TICKS" into emulator.out (make bench reads it)
                           and continues; e.g. a Linux kernel's entry point
  expect-timeout: yes      the kernel halts instead of ending the emulator:
                           the run ends once every expect and expect-count
                           is met (plus one second for late lines), or at
                           the timeout, and an emulator that exits on its
                           own is a failure
  expect: REGEX            (many) some line of the log matches
  expect-count: N REGEX    (many) exactly N lines match
  reject: REGEX            (many) no line matches
  allow-faults: yes        drop the default "reject: error: FAULT"
  framebuffer: yes         let GRUB set a graphics mode on BIOS too
                           (BIOS runs otherwise keep VGA text mode)
  grub-entry: multiboot1   load with GRUB's 'multiboot' command instead of
                           'multiboot2'
  module: PATH ARGS...     (many) one file put in /boot of the ISO and
                           loaded as a module whose command line is ARGS
  modules: PATH...         (many) files put in /boot of the ISO and loaded
                           as modules named after their file name; relative
                           paths start at the repository, {build} is the
                           build directory
  qemu-cpu: MODEL          QEMU's -cpu, e.g. qemu32               (QEMU's default)
  bochs-cpu: MODEL         Bochs's cpu model           (corei7_skylake_x)
  bochs-ips: N             Bochs's emulated instructions per second, which
                           sets how fast emulated time runs   (50000000)
  bochs-ignore-bad-msrs: yes
                           an unknown MSR reads as 0 and ignores writes
                           instead of raising #GP.  Native Linux needs it:
                           Bochs's CPU models lack IA32_MISC_ENABLE (0x1A0),
                           which Linux reads before it has an IDT (every
                           real Intel CPU has it)                 (no)

  tag: WORD...             (many) long: the scenario runs only with --long
                           (make scenarios-long), never in make test;
                           pending: it waits for work not yet on main (the
                           comment says which) and runs only when named

Differential scenarios run the guest twice with the same emulator settings:
under veneer as the scenario says (the first module is the guest kernel,
its arguments the guest's command line), and natively, GRUB booting that
module itself with native-loader and the module's arguments as the command
line (less a first word BOOT_IMAGE=/boot/NAME for linux and linux16, which
GRUB writes itself; the other modules become its initrd or modules).  Both runs must
pass on their own; then the lines each log has that match a compare:
expression, with every ignore: line dropped and every strip: match cut
out, must be the same lines in the same order, and there must be some.

  differential: yes        run natively too, and compare
  native-loader: linux|linux16|multiboot|multiboot2
                           GRUB's command for the guest
  native-end: poweroff|halt|bochs-panic
                           how the native run ends: ACPI power-off; the
                           guest stops or halts and the run ends once every
                           native-expect is met (or at the timeout); or Bochs
                           stops with the expect-bochs-panic panic (poweroff)
  native-expect: REGEX     (many) some line of the native log matches
  compare: REGEX           (many) the lines both logs must have alike
  ignore: REGEX            (many) compared lines that may differ (veneer's
                           known, documented changes), dropped from both
  strip: REGEX             (many) text cut out of compared lines first
                           (timestamps)
  include: NAME            the lines of NAME, a file in the scenario's
                           directory, in place (rules several scenarios
                           share: linux-dmesg.rules)

Regular expressions are Python's, searched in each line of the log after
carriage returns and terminal escape sequences are removed.

A scenario that should end the emulator must say how in its cmdline
(exit=qemu or exit=bochs): the harness does not add it, so that the
command line under test is exactly the one written down.  With
expect-exit: poweroff the guest ends it instead.

Emulator facts this relies on:
  QEMU with isa-debug-exit exits with status (code << 1) | 1; a reset with
  -no-reboot (a triple fault) or an ACPI power-off exits with status 0.
  Bochs exits with status 1 after "Shutdown" on port 0x8900 and after an
  ACPI soft power-off alike (both are forced fatal "panics"), and with
  status 1 after any real panic or configuration error too, so the status
  says nothing: the harness reads the panic message in bochs.log and the
  kernel's final "veneer: exit N" line instead.
  Bochs flushes its serial file as it goes, so a halted run can be checked
  before it is killed.
"""

import argparse
import concurrent.futures
import difflib
import fnmatch
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO_DIR = os.path.join(REPO, "tests", "scenarios")
MAKE_ISO = os.path.join(REPO, "scripts", "make-iso.sh")

QEMU = "qemu-system-x86_64"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
BOCHS = "bochs"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
# Not the LGPL vgabios.bin: GRUB crashes (triple fault) in its VBE calls
# through that one whenever the kernel's Multiboot2 header asks for a
# framebuffer.  SeaBIOS's VGA BIOS for Bochs's PCI VGA works, and offers
# the 32-bit modes a framebuffer console wants.
BOCHS_VGABIOS = "/usr/share/seabios/vgabios-stdvga.bin"
BOCHS_RFB_PLUGIN = "/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_rfb_gui.so"

EMULATORS = ("qemu-bios", "qemu-uefi", "bochs")
DEFAULT_REJECT = r"error: FAULT"
EXIT_LINE = re.compile(r"\[cpu\d+\] veneer: exit (\d+)")
# Bochs ends with one of these "panics" when the guest asks it to stop.
BOCHS_CLEAN_ENDS = ("Shutdown port: shutdown requested", "ACPI control: soft power off")
SETTLE_SECONDS = 1.0        # expect-timeout: wait this long for late lines
TAIL_LINES = 30

SINGLE_KEYS = {
    "description", "emulator", "boot", "cpus", "memory", "kernel", "cmdline", "timeout",
    "expect-exit", "expect-timeout", "allow-faults", "framebuffer", "grub-entry",
    "qemu-cpu", "bochs-cpu", "bochs-ips", "bochs-ignore-bad-msrs",
    "differential", "native-loader", "native-end", "expect-bochs-panic", "screen-at",
    "bochs-breakpoint",
}
MANY_KEYS = {"expect", "expect-count", "reject", "modules", "module", "tag", "expect-screen",
             "native-expect", "compare", "ignore", "strip"}
NATIVE_KERNELS = ("linux", "linux16", "multiboot", "multiboot2")
# GRUB's commands for a bzImage and its initrds: the 32-bit entry and the
# real-mode one (GRUB 2.06's loader/i386/linux.c and loader/i386/pc/linux.c).
LINUX_LOADERS = {"linux": ("linux", "initrd"), "linux16": ("linux16", "initrd16")}


class ScenarioError(Exception):
    """A mistake in a scenario file, reported as file:line."""


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.description = ""
        self.emulator = None
        self.boot = "cdrom"
        self.cpus = 1
        self.memory = 512
        self.kernel = "veneer"
        self.cmdline = ""
        self.timeout = 60.0
        self.expect_exit = "0"
        self.expect_timeout = False
        self.expect = []            # [(source, compiled)]
        self.expect_count = []      # [(n, source, compiled)]
        self.reject = []            # [(source, compiled)]
        self.allow_faults = False
        self.framebuffer = False
        self.grub_entry = "multiboot2"
        self.modules = []
        self.module_args = {}
        self.qemu_cpu = None
        self.bochs_cpu = "corei7_skylake_x"
        self.bochs_ips = 50000000
        self.bochs_ignore_bad_msrs = False
        self.tags = set()
        self.bochs_panic = None     # (source, compiled)
        self.screen_at = None       # instructions
        self.bochs_breakpoint = None    # physical address
        self.expect_screen = []
        self.differential = False
        self.native_loader = None
        self.native_end = "poweroff"
        self.native_expect = []     # [(source, compiled)]
        self.compare = []
        self.ignore = []
        self.strip = []
        self.error = None           # a ScenarioError message, if the file is wrong


def parse_yes_no(value, where):
    if value in ("yes", "no"):
        return value == "yes"
    raise ScenarioError(f"{where}: expected 'yes' or 'no', not '{value}'")


def parse_int(value, where, low, high):
    try:
        number = int(value)
    except ValueError:
        raise ScenarioError(f"{where}: expected a number, not '{value}'") from None
    if not low <= number <= high:
        raise ScenarioError(f"{where}: {number} is outside {low}..{high}")
    return number


def compile_regex(source, where):
    try:
        return re.compile(source)
    except re.error as err:
        raise ScenarioError(f"{where}: bad regular expression '{source}': {err}") from None


def scenario_lines(path, rel):
    """The (where, line) pairs of a scenario file, without blanks and
    comments, with each include: NAME line replaced by the lines of NAME,
    a file beside it (rules several scenarios share, such as the Linux
    differentials' ignores); an included file includes nothing itself."""
    def read(file_path, file_rel, may_include):
        with open(file_path, encoding="utf-8") as f:
            for number, raw in enumerate(f.read().splitlines(), 1):
                where = f"{file_rel}:{number}"
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                key, colon, value = line.partition(":")
                if colon and key.strip() == "include":
                    name = value.strip()
                    if not may_include:
                        raise ScenarioError(f"{where}: an included file cannot include another")
                    if not name or os.sep in name or name.endswith(".scn"):
                        raise ScenarioError(f"{where}: include: names a rules file beside the scenario")
                    included = os.path.join(os.path.dirname(file_path), name)
                    yield from read(included, os.path.relpath(included, REPO), False)
                else:
                    yield where, line
    return list(read(path, rel, True))


def parse_scenario(path, build_dir):
    sc = Scenario(path)
    rel = os.path.relpath(path, REPO)
    seen = set()
    seen_many = set()
    for where, line in scenario_lines(path, rel):
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or (key not in SINGLE_KEYS and key not in MANY_KEYS):
            raise ScenarioError(f"{where}: unknown line '{line}' (keys: "
                                + ", ".join(sorted(SINGLE_KEYS | MANY_KEYS)) + ")")
        if key in MANY_KEYS:
            seen_many.add(key)
        if key in SINGLE_KEYS:
            if key in seen:
                raise ScenarioError(f"{where}: '{key}' appears twice")
            seen.add(key)
        if key == "description":
            sc.description = value
        elif key == "emulator":
            if value not in EMULATORS:
                raise ScenarioError(f"{where}: emulator must be one of {', '.join(EMULATORS)}")
            sc.emulator = value
        elif key == "boot":
            if value not in ("cdrom", "disk"):
                raise ScenarioError(f"{where}: boot must be 'cdrom' or 'disk'")
            sc.boot = value
        elif key == "cpus":
            sc.cpus = parse_int(value, where, 1, 64)
        elif key == "memory":
            sc.memory = parse_int(value, where, 32, 65536)
        elif key == "kernel":
            if value not in ("veneer",) + NATIVE_KERNELS:
                raise ScenarioError(f"{where}: kernel must be one of veneer, " + ", ".join(NATIVE_KERNELS))
            sc.kernel = value
        elif key == "screen-at":
            sc.screen_at = parse_int(value, where, 1000000, 10**12)
        elif key == "bochs-breakpoint":
            try:
                sc.bochs_breakpoint = int(value, 0)
            except ValueError:
                raise ScenarioError(f"{where}: expected an address, not '{value}'") from None
        elif key == "expect-screen":
            sc.expect_screen.append((value, compile_regex(value, where)))
        elif key == "expect-bochs-panic":
            sc.bochs_panic = (value, compile_regex(value, where))
        elif key == "tag":
            sc.tags.update(value.split())
        elif key == "differential":
            sc.differential = parse_yes_no(value, where)
        elif key == "native-loader":
            if value not in NATIVE_KERNELS:
                raise ScenarioError(f"{where}: native-loader must be one of " + ", ".join(NATIVE_KERNELS))
            sc.native_loader = value
        elif key == "native-end":
            if value not in ("poweroff", "halt", "bochs-panic"):
                raise ScenarioError(f"{where}: native-end must be 'poweroff', 'halt' or 'bochs-panic'")
            sc.native_end = value
        elif key in ("native-expect", "compare", "ignore", "strip"):
            getattr(sc, key.replace("-", "_")).append((value, compile_regex(value, where)))
        elif key == "cmdline":
            sc.cmdline = value
        elif key == "timeout":
            sc.timeout = float(parse_int(value, where, 1, 3600))
        elif key == "expect-exit":
            if value not in ("nonzero", "any", "poweroff"):
                parse_int(value, where, 0, 2**31 - 1)
            sc.expect_exit = value
        elif key == "expect-timeout":
            sc.expect_timeout = parse_yes_no(value, where)
        elif key == "expect":
            sc.expect.append((value, compile_regex(value, where)))
        elif key == "expect-count":
            count, _, regex = value.partition(" ")
            n = parse_int(count, where, 0, 100000)
            regex = regex.strip()
            if not regex:
                raise ScenarioError(f"{where}: expect-count needs a number and a regular expression")
            sc.expect_count.append((n, regex, compile_regex(regex, where)))
        elif key == "reject":
            sc.reject.append((value, compile_regex(value, where)))
        elif key == "allow-faults":
            sc.allow_faults = parse_yes_no(value, where)
        elif key == "framebuffer":
            sc.framebuffer = parse_yes_no(value, where)
        elif key == "grub-entry":
            if value not in ("multiboot1", "multiboot2"):
                raise ScenarioError(f"{where}: grub-entry must be 'multiboot1' or 'multiboot2'")
            sc.grub_entry = value
        elif key == "modules":
            for item in value.split():
                item = item.replace("{build}", build_dir)
                sc.modules.append(os.path.normpath(os.path.join(REPO, item)))
        elif key == "module":
            words = value.split(None, 1)
            if not words:
                raise ScenarioError(f"{where}: module needs a path")
            path = os.path.normpath(os.path.join(REPO, words[0].replace("{build}", build_dir)))
            sc.modules.append(path)
            sc.module_args[path] = words[1] if len(words) > 1 else ""
        elif key == "qemu-cpu":
            sc.qemu_cpu = value
        elif key == "bochs-cpu":
            sc.bochs_cpu = value
        elif key == "bochs-ips":
            sc.bochs_ips = parse_int(value, where, 1000000, 2000000000)
        elif key == "bochs-ignore-bad-msrs":
            sc.bochs_ignore_bad_msrs = parse_yes_no(value, where)

    if sc.emulator is None:
        raise ScenarioError(f"{rel}: no 'emulator:' line")
    if not sc.allow_faults:
        sc.reject.append((DEFAULT_REJECT, re.compile(DEFAULT_REJECT)))
    if sc.qemu_cpu and not sc.emulator.startswith("qemu"):
        raise ScenarioError(f"{rel}: qemu-cpu is only for the qemu-* emulators")
    if seen & {"bochs-cpu", "bochs-ips", "bochs-ignore-bad-msrs"}:
        if sc.emulator != "bochs":
            raise ScenarioError(f"{rel}: bochs-cpu, bochs-ips and bochs-ignore-bad-msrs are "
                                "only for emulator: bochs")
    if sc.kernel in LINUX_LOADERS:
        if not sc.modules:
            raise ScenarioError(f"{rel}: kernel: {sc.kernel} needs a 'modules:' line naming the bzImage")
        if sc.module_args or "grub-entry" in seen:
            raise ScenarioError(f"{rel}: kernel: {sc.kernel} takes 'modules:' lines only "
                                "(no 'module:' arguments, no grub-entry)")
        if "expect-exit" not in seen and not sc.expect_timeout:
            sc.expect_exit = "poweroff"
    if sc.kernel in ("multiboot", "multiboot2"):
        if not sc.modules:
            raise ScenarioError(f"{rel}: kernel: {sc.kernel} needs a 'modules:' line naming the kernel")
        if "grub-entry" in seen:
            raise ScenarioError(f"{rel}: kernel: {sc.kernel} takes no grub-entry")
        if "expect-exit" not in seen and not sc.expect_timeout:
            sc.expect_exit = "poweroff"
    if "linux16" in (sc.kernel, sc.native_loader) and sc.emulator == "qemu-uefi":
        raise ScenarioError(f"{rel}: linux16 is GRUB's on BIOS only, not on {sc.emulator}")
    differential_keys = {"native-loader", "native-end", "native-expect", "compare", "ignore", "strip"}
    if sc.differential:
        if sc.kernel != "veneer" or not sc.modules:
            raise ScenarioError(f"{rel}: differential: yes is for veneer scenarios with the guest as first module")
        if not sc.native_loader or not sc.compare:
            raise ScenarioError(f"{rel}: differential: yes needs native-loader and at least one compare")
        if sc.native_end == "halt" and not sc.native_expect:
            raise ScenarioError(f"{rel}: native-end: halt needs at least one native-expect")
    elif seen & differential_keys or any(k in differential_keys for k in seen_many):
        raise ScenarioError(f"{rel}: native-*, compare, ignore and strip need differential: yes")
    if sc.bochs_panic:
        if sc.emulator != "bochs" or sc.expect_timeout or "expect-exit" in seen:
            raise ScenarioError(f"{rel}: expect-bochs-panic is for Bochs, without expect-exit or expect-timeout")
    if sc.native_end == "bochs-panic" and not sc.bochs_panic:
        raise ScenarioError(f"{rel}: native-end: bochs-panic needs expect-bochs-panic")
    if sc.screen_at or sc.expect_screen:
        if sc.emulator != "bochs" or not sc.screen_at or not sc.expect_screen or sc.bochs_panic \
                or sc.expect_timeout or "expect-exit" in seen:
            raise ScenarioError(f"{rel}: screen-at and expect-screen go together, on Bochs, without "
                                "expect-exit, expect-timeout or expect-bochs-panic")
    if sc.bochs_breakpoint is not None and (sc.emulator != "bochs" or sc.screen_at or sc.differential):
        raise ScenarioError(f"{rel}: bochs-breakpoint is for Bochs, without screen-at or differential")
    if sc.bochs_panic or sc.screen_at:
        pass
    elif sc.expect_timeout:
        if "expect-exit" in seen:
            raise ScenarioError(f"{rel}: expect-timeout and expect-exit exclude each other")
        if not sc.expect and not sc.expect_count:
            raise ScenarioError(f"{rel}: expect-timeout needs at least one expect or expect-count")
    elif sc.expect_exit != "poweroff":
        wanted = "exit=bochs" if sc.emulator == "bochs" else "exit=qemu"
        if wanted not in sc.cmdline.split():
            raise ScenarioError(f"{rel}: the cmdline must contain {wanted} so the kernel ends "
                                "the emulator (or the scenario must say expect-timeout: yes)")
    return sc


def load_scenarios(scenario_dir, build_dir):
    scenarios = []
    for entry in sorted(os.listdir(scenario_dir)):
        if not entry.endswith(".scn"):
            continue
        path = os.path.join(scenario_dir, entry)
        try:
            scenarios.append(parse_scenario(path, build_dir))
        except (ScenarioError, OSError, UnicodeDecodeError) as err:
            broken = Scenario(path)
            broken.error = str(err)
            scenarios.append(broken)
    return scenarios


# ---------------------------------------------------------------------------
# Images

def grub_cfg(sc):
    loader, module = ("multiboot2", "module2") if sc.grub_entry == "multiboot2" else ("multiboot", "module")
    lines = [
        f"# Generated by scripts/run-scenarios.py for tests/scenarios/{sc.name}.scn",
        "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1",
        "terminal_input serial",
        "terminal_output serial",
        "set timeout=0",
        "set default=0",
    ]
    if sc.framebuffer:
        lines += ["insmod all_video", "set gfxpayload=1024x768x32,800x600x32,auto"]
    else:
        # UEFI GRUB needs a video driver to hand over its framebuffer.  On
        # BIOS none is loaded: with one, GRUB on Bochs switches to a 640x480
        # 8-bit VBE mode in spite of gfxpayload=text.
        lines += ['if [ "$grub_platform" = "efi" ]; then', "\tinsmod all_video", "else",
                  "\tset gfxpayload=text", "fi"]
    lines.append(f'menuentry "veneer scenario {sc.name}" {{')
    if sc.kernel in LINUX_LOADERS:
        # A bzImage without veneer, then its initrds.
        command, initrd = LINUX_LOADERS[sc.kernel]
        first, rest = sc.modules[0], sc.modules[1:]
        lines.append(f"\t{command} /boot/{os.path.basename(first)} {sc.cmdline}".rstrip())
        if rest:
            lines.append(f"\t{initrd} " + " ".join(f"/boot/{os.path.basename(p)}" for p in rest))
    elif sc.kernel in ("multiboot", "multiboot2"):
        # A Multiboot kernel without veneer, then its modules.
        command, module = ("multiboot", "module") if sc.kernel == "multiboot" else ("multiboot2", "module2")
        first, rest = sc.modules[0], sc.modules[1:]
        lines.append(f"\t{command} /boot/{os.path.basename(first)} {sc.cmdline}".rstrip())
        for path in rest:
            base = os.path.basename(path)
            lines.append(f"\t{module} /boot/{base} {sc.module_args.get(path, base)}".rstrip())
    else:
        lines.append(f"\t{loader} /boot/veneer.elf {sc.cmdline}".rstrip())
        for path in sc.modules:
            base = os.path.basename(path)
            args = sc.module_args.get(path, base)
            lines.append(f"\t{module} /boot/{base} {args}".rstrip())
    lines += ["\tboot", "}"]
    return "\n".join(lines) + "\n"


def file_digest(hasher, path):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            hasher.update(block)


def build_iso(sc, kernel, run_dir):
    """Writes grub.cfg and builds the ISO unless one with the same inputs is there."""
    cfg_text = grub_cfg(sc)
    cfg_path = os.path.join(run_dir, "grub.cfg")
    iso = os.path.join(run_dir, "veneer.iso")
    stamp = os.path.join(run_dir, "iso.sha256")

    for path in sc.modules:
        if not os.path.isfile(path):
            raise RuntimeError(f"module {os.path.relpath(path, REPO)} does not exist")
    hasher = hashlib.sha256()
    for path in [kernel, MAKE_ISO] + sc.modules:
        hasher.update(os.path.basename(path).encode() + b"\0")
        file_digest(hasher, path)
    hasher.update(cfg_text.encode())
    digest = hasher.hexdigest()

    try:
        with open(stamp) as f:
            if f.read().strip() == digest and os.path.isfile(iso):
                return iso, True
    except FileNotFoundError:
        pass
    with open(cfg_path, "w") as f:
        f.write(cfg_text)
    result = subprocess.run([MAKE_ISO, iso, kernel, cfg_path] + sc.modules,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise RuntimeError("make-iso.sh failed:\n" + result.stdout.rstrip())
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    return iso, False


# ---------------------------------------------------------------------------
# Emulators

def missing_emulator(sc):
    """Names what is not installed for this scenario's emulator, or None."""
    if sc.emulator.startswith("qemu"):
        if not shutil.which(QEMU):
            return f"{QEMU} not installed"
        if sc.emulator == "qemu-uefi":
            for path in (OVMF_CODE, OVMF_VARS):
                if not os.path.isfile(path):
                    return f"{path} not installed (package ovmf)"
        return None
    if not shutil.which(BOCHS):
        return "bochs not installed"
    for path, package in ((BOCHS_BIOS, "bochsbios"), (BOCHS_VGABIOS, "seabios"),
                          (BOCHS_RFB_PLUGIN, "bochs")):
        if not os.path.isfile(path):
            return f"{path} not installed (package {package})"
    return None


def qemu_command(sc, iso, run_dir, serial_log):
    cmd = [QEMU, "-machine", "q35", "-accel", "tcg", "-m", str(sc.memory),
           "-smp", str(sc.cpus), "-display", "none", "-no-reboot", "-nic", "none",
           "-monitor", "none", "-serial", f"file:{serial_log}",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if sc.qemu_cpu:
        cmd += ["-cpu", sc.qemu_cpu]
    if sc.emulator == "qemu-uefi":
        vars_copy = os.path.join(run_dir, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    if sc.boot == "cdrom":
        cmd += ["-drive", f"file={iso},format=raw,media=cdrom,readonly=on,if=ide"]
    else:
        # snapshot=on: whatever the firmware writes never reaches the cached ISO.
        cmd += ["-drive", f"file={iso},format=raw,if=ide,snapshot=on"]
    return cmd


def bochsrc(sc, iso, serial_log, bochs_log):
    if sc.boot == "cdrom":
        drive = f"ata0-master: type=cdrom, path={iso}, status=inserted"
    else:
        # volatile: writes go to a throw-away redo log and no lock file stays behind.
        drive = f"ata0-master: type=disk, path={iso}, mode=volatile"
    return "\n".join([
        f"# Generated by scripts/run-scenarios.py for tests/scenarios/{sc.name}.scn",
        # A triple fault stops Bochs (a panic) instead of resetting, like
        # QEMU's -no-reboot; an unknown MSR raises #GP as on real hardware
        # (unless the scenario says bochs-ignore-bad-msrs: yes).
        f"cpu: model={sc.bochs_cpu}, count={sc.cpus}, ips={sc.bochs_ips}, "
        f"reset_on_triple_fault=0, ignore_bad_msrs={int(sc.bochs_ignore_bad_msrs)}",
        f"memory: guest={sc.memory}, host={sc.memory}",
        # fastboot skips the BIOS's boot-menu wait: 15 s more with four CPUs.
        f"romimage: file={BOCHS_BIOS}, options=fastboot",
        f"vgaromimage: file={BOCHS_VGABIOS}",
        "pci: enabled=1, chipset=i440fx, slot1=pcivga",
        "vga: extension=vbe",
        "ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
        drive,
        f"boot: {sc.boot}",
        f"com1: enabled=1, mode=file, dev={serial_log}",
        "port_e9_hack: enabled=1",
        # Emulated time follows the instruction count from a fixed date: runs repeat exactly.
        "clock: sync=none, time0=946684800",
        # Debian's Bochs has no 'nogui'.  RFB waits for no viewer, and each
        # instance takes the first free port from 5900 on, so parallel runs coexist.
        'display_library: rfb, options="timeout=0"',
        "mouse: enabled=0",
        "magic_break: enabled=0",
        "sound: driver=dummy",
        "speaker: enabled=0",
        f"log: {bochs_log}",
        # The RFB display cannot show 24-bit modes and "panics"; nobody watches it.
        "panic: action=fatal, rfb=report",
        "error: action=report",
        "info: action=ignore",
        "debug: action=ignore",
    ]) + "\n"


def bochs_command(sc, iso, run_dir, serial_log):
    rc_path = os.path.join(run_dir, "bochsrc")
    bochs_log = os.path.join(run_dir, "bochs.log")
    with open(rc_path, "w") as f:
        f.write(bochsrc(sc, iso, serial_log, bochs_log))
    # Debian builds Bochs with its debugger, which waits at a prompt: 'c' continues.
    # With screen-at, a time breakpoint stops it there and the VGA text memory is dumped.
    cont = os.path.join(run_dir, "continue.rc")
    with open(cont, "w") as f:
        if sc.screen_at:
            f.write(f"sb {sc.screen_at}\nc\nxp /{SCREEN_COLUMNS * SCREEN_ROWS}hx {SCREEN_ADDRESS:#x}\nquit\n")
        elif sc.bochs_breakpoint is not None:
            # Stop there once ("Next at t=TICKS"), delete the breakpoint, run on.
            f.write(f"pb {sc.bochs_breakpoint:#x}\nc\nd 1\nc\nquit\n")
        else:
            f.write("c\nquit\n")
    if os.path.exists(bochs_log):
        os.unlink(bochs_log)
    shim = localhost_only_shim(os.path.dirname(run_dir))
    return ["env", "LD_PRELOAD=" + shim, BOCHS, "-q", "-f", rc_path, "-rc", cont]


# Debian's Bochs binds its VNC display to every address, with no option to
# change that; scripts/localhost-only.c, preloaded, makes it 127.0.0.1.
LOCALHOST_ONLY_SOURCE = os.path.join(REPO, "scripts", "localhost-only.c")
localhost_only_lock = threading.Lock()


def localhost_only_shim(directory):
    shim = os.path.join(directory, "localhost-only.so")
    with localhost_only_lock:
        if (not os.path.exists(shim)
                or os.path.getmtime(shim) < os.path.getmtime(LOCALHOST_ONLY_SOURCE)):
            result = subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror",
                                     "-o", shim, LOCALHOST_ONLY_SOURCE, "-ldl"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if result.returncode != 0:
                raise RuntimeError("building localhost-only.so failed:\n" + result.stdout)
    return shim


# Emulators run in their own process groups, so that a timeout can kill
# everything they started; a Ctrl-C at the terminal does not reach them,
# and main() ends them itself.
running = set()
running_lock = threading.Lock()
stopping = threading.Event()


def kill_group(proc):
    """Ends the emulator and anything it started; returns its exit status."""
    for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return proc.wait()


# ---------------------------------------------------------------------------
# Checking

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def read_log(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    text = ESCAPES.sub("", data.decode("utf-8", errors="replace")).replace("\r", "")
    return text.split("\n")


def count_lines(lines, regex):
    return sum(1 for line in lines if regex.search(line))


def expectations_met(sc, lines):
    if any(count_lines(lines, regex) == 0 for _, regex in sc.expect):
        return False
    return all(count_lines(lines, regex) >= n for n, _, regex in sc.expect_count)


def log_problems(sc, lines):
    problems = []
    for source, regex in sc.expect:
        if count_lines(lines, regex) == 0:
            problems.append(f"missing: {source}")
    for n, source, regex in sc.expect_count:
        got = count_lines(lines, regex)
        if got != n:
            problems.append(f"expected {n} lines matching '{source}', got {got}")
    for source, regex in sc.reject:
        hits = [line for line in lines if regex.search(line)]
        if hits:
            problems.append(f"rejected '{source}' matched: {hits[0].strip()}")
    return problems


def exit_code_problem(sc, code):
    if sc.expect_exit == "any":
        return None
    if sc.expect_exit == "nonzero":
        return None if code != 0 else "exit code 0, expected a failure (non-zero) exit code"
    if code != int(sc.expect_exit):
        return f"exit code {code}, expected {sc.expect_exit}"
    return None


def last_exit_line(lines):
    code = None
    for line in lines:
        match = EXIT_LINE.search(line)
        if match:
            code = int(match.group(1))
    return code


SCREEN_ADDRESS = 0xB8000
SCREEN_COLUMNS, SCREEN_ROWS = 80, 25
XP_LINE = re.compile(r"^0x([0-9a-f]+) <[^>]*>:((?:\s+0x[0-9a-f]{4})+)\s*$")


def read_screen(emulator_out):
    """The VGA text screen from Bochs's 'xp /2000hx 0xb8000' output: 25 lines, or None."""
    cells = {}
    try:
        with open(emulator_out, encoding="utf-8", errors="replace") as f:
            for line in f:
                match = XP_LINE.match(line.strip())
                if not match:
                    continue
                address = int(match.group(1), 16)
                for i, word in enumerate(match.group(2).split()):
                    cells[address + 2 * i] = int(word, 16)
    except FileNotFoundError:
        return None
    if SCREEN_ADDRESS not in cells:
        return None
    rows = []
    for row in range(SCREEN_ROWS):
        chars = []
        for column in range(SCREEN_COLUMNS):
            ch = cells.get(SCREEN_ADDRESS + 2 * (row * SCREEN_COLUMNS + column), 0) & 0xFF
            chars.append(chr(ch) if 0x20 <= ch < 0x7F else " ")
        rows.append("".join(chars).rstrip())
    return rows


def bochs_panic(bochs_log):
    """The last panic message in bochs.log, or None."""
    message = None
    try:
        with open(bochs_log, encoding="utf-8", errors="replace") as f:
            for line in f:
                if ">>PANIC<<" in line:
                    message = line.split(">>PANIC<<", 1)[1].strip()
    except FileNotFoundError:
        pass
    return message


def tail_of(path, limit=TAIL_LINES):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    return lines[-limit:]


# ---------------------------------------------------------------------------
# One scenario

class Result:
    def __init__(self, sc, status, seconds=0.0, reasons=(), note=""):
        self.sc = sc
        self.status = status        # PASS, FAIL or SKIP
        self.seconds = seconds
        self.reasons = list(reasons)
        self.note = note
        self.tail = []
        self.run_dir = None


def native_twin(sc):
    """The native half of a differential scenario: GRUB boots the guest module itself."""
    twin = Scenario(sc.path)
    for attr in ("description", "emulator", "boot", "cpus", "memory", "timeout", "framebuffer",
                 "qemu_cpu", "bochs_cpu", "bochs_ips", "bochs_ignore_bad_msrs"):
        setattr(twin, attr, getattr(sc, attr))
    twin.name = sc.name + ".native"
    twin.kernel = sc.native_loader
    first = sc.modules[0]
    twin.cmdline = sc.module_args.get(first, "")
    # GRUB's 'linux' and 'linux16' write BOOT_IMAGE=/boot/NAME in front of
    # the command line themselves; a Linux guest under veneer is given it
    # in the module's arguments, so that both get the same line.
    boot_image = f"BOOT_IMAGE=/boot/{os.path.basename(first)}"
    if sc.native_loader in ("linux", "linux16") and twin.cmdline.split(" ")[0] == boot_image:
        twin.cmdline = twin.cmdline[len(boot_image):].lstrip()
    twin.modules = list(sc.modules)
    twin.module_args = {path: args for path, args in sc.module_args.items() if path != first}
    twin.expect = list(sc.native_expect)
    twin.expect_timeout = sc.native_end == "halt"
    twin.expect_exit = "poweroff"
    twin.bochs_panic = sc.bochs_panic if sc.native_end == "bochs-panic" else None
    twin.screen_at, twin.expect_screen = sc.screen_at, list(sc.expect_screen)
    return twin


def compared_lines(sc, lines):
    """The lines of a log that a differential scenario compares, as compared."""
    kept = []
    for line in lines:
        if not any(regex.search(line) for _, regex in sc.compare):
            continue
        for _, regex in sc.strip:
            line = regex.sub("", line)
        if any(regex.search(line) for _, regex in sc.ignore):
            continue
        kept.append(line.rstrip())
    return kept


def run_scenario(sc, kernel, build_dir, ci):
    """Runs a scenario; a differential one twice (under veneer, then natively), and compares."""
    under = run_single(sc, kernel, build_dir, ci)
    if not sc.differential or under.status == "SKIP" or sc.error:
        return under
    twin = native_twin(sc)
    native = run_single(twin, kernel, build_dir, ci)
    reasons = [f"under veneer: {r}" for r in under.reasons] + [f"native: {r}" for r in native.reasons]
    tail = under.tail + (["--- native run ---"] + native.tail if native.tail else [])
    if under.run_dir and native.run_dir:
        a = compared_lines(sc, read_log(os.path.join(native.run_dir, "serial.log")))
        b = compared_lines(sc, read_log(os.path.join(under.run_dir, "serial.log")))
        if not a:
            reasons.append("the native log has no line to compare (check the compare: expressions)")
        elif a != b:
            diff = list(difflib.unified_diff(a, b, "native", "veneer", n=1, lineterm=""))
            reasons.append(f"the compared lines differ ({len(a)} native, {len(b)} under veneer); "
                           f"diff in {os.path.relpath(under.run_dir)}/differential.diff:")
            reasons += ["  " + line for line in diff[:40]]
            with open(os.path.join(under.run_dir, "differential.diff"), "w") as f:
                f.write("\n".join(diff) + "\n")
        note = f"{len(a)} lines compared; veneer: {under.note}; native: {native.note}"
    else:
        note = under.note
    result = Result(sc, "FAIL" if reasons else "PASS", under.seconds + native.seconds, reasons, note)
    result.run_dir = under.run_dir
    result.tail = tail if reasons else []
    return result


def run_single(sc, kernel, build_dir, ci):
    started = time.monotonic()
    if sc.error:
        return Result(sc, "FAIL", 0.0, [sc.error])
    missing = missing_emulator(sc)
    if missing:
        if ci:
            return Result(sc, "FAIL", 0.0, [f"SKIPPED ({missing}), and CI may not skip a scenario"])
        return Result(sc, "SKIP", 0.0, [f"SKIPPED ({missing})"])

    run_dir = os.path.join(build_dir, "scenarios", sc.name)
    os.makedirs(run_dir, exist_ok=True)
    try:
        iso, reused = build_iso(sc, kernel, run_dir)
    except (RuntimeError, OSError) as err:
        result = Result(sc, "FAIL", time.monotonic() - started, [f"building the ISO: {err}"])
        result.run_dir = run_dir
        return result
    iso_seconds = time.monotonic() - started

    serial_log = os.path.join(run_dir, "serial.log")
    if os.path.exists(serial_log):
        os.unlink(serial_log)
    if sc.emulator == "bochs":
        try:
            cmd = bochs_command(sc, iso, run_dir, serial_log)
        except (RuntimeError, OSError) as err:
            result = Result(sc, "FAIL", time.monotonic() - started, [str(err)])
            result.run_dir = run_dir
            return result
    else:
        cmd = qemu_command(sc, iso, run_dir, serial_log)
    out_path = os.path.join(run_dir, "emulator.out")
    with open(os.path.join(run_dir, "command.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")

    boot_started = time.monotonic()
    with running_lock:
        if stopping.is_set():
            return Result(sc, "FAIL", 0.0, ["interrupted"])
        with open(out_path, "w") as out:
            proc = subprocess.Popen(cmd, cwd=run_dir, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        running.add(proc)
    deadline = boot_started + sc.timeout
    timed_out = False
    stopped_early = False
    met_at = None
    status = None
    while status is None:
        try:
            status = proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if stopping.is_set():
            kill_group(proc)
            with running_lock:
                running.discard(proc)
            return Result(sc, "FAIL", now - started, ["interrupted"])
        if now >= deadline:
            timed_out = True
            status = kill_group(proc)
            break
        if sc.expect_timeout:
            if met_at is None and expectations_met(sc, read_log(serial_log)):
                met_at = now
            if met_at is not None and now - met_at >= SETTLE_SECONDS:
                stopped_early = True
                status = kill_group(proc)
                break
    boot_seconds = time.monotonic() - boot_started
    with running_lock:
        running.discard(proc)

    lines = read_log(serial_log)
    reasons = []
    if sc.screen_at:
        screen = read_screen(out_path)
        if screen is None:
            panic = bochs_panic(os.path.join(run_dir, "bochs.log"))
            reasons.append(f"Bochs did not reach instruction {sc.screen_at} to show the screen"
                           + (f" (it stopped: {panic})" if panic else "")
                           + (" (timed out)" if timed_out else ""))
        else:
            with open(os.path.join(run_dir, "screen.txt"), "w") as f:
                f.write("\n".join(screen) + "\n")
            for source, regex in sc.expect_screen:
                if count_lines(screen, regex) == 0:
                    reasons.append(f"missing on the screen: {source} (see screen.txt)")
    elif sc.bochs_panic:
        panic = bochs_panic(os.path.join(run_dir, "bochs.log"))
        if timed_out:
            reasons.append(f"timed out after {sc.timeout:.0f} s; expected Bochs to stop with a panic "
                           f"matching '{sc.bochs_panic[0]}'")
        elif not panic or not sc.bochs_panic[1].search(panic):
            reasons.append(f"expected Bochs to stop with a panic matching '{sc.bochs_panic[0]}', "
                           f"but it stopped with: {panic}")
    elif sc.expect_timeout:
        if timed_out and not expectations_met(sc, lines):
            reasons.append(f"ran until the timeout ({sc.timeout:.0f} s) without seeing every expectation")
        if not timed_out and not stopped_early:
            reasons.append(f"expected the kernel to halt, but the emulator exited on its own "
                           f"(status {status})")
            if sc.emulator == "bochs":
                panic = bochs_panic(os.path.join(run_dir, "bochs.log"))
                if panic:
                    reasons.append(f"Bochs: {panic}")
    elif timed_out:
        reasons.append(f"timed out after {sc.timeout:.0f} s: the kernel did not end the emulator")
    elif sc.expect_exit == "poweroff":
        if sc.emulator == "bochs":
            panic = bochs_panic(os.path.join(run_dir, "bochs.log"))
            if panic != "ACPI control: soft power off":
                reasons.append(f"expected an ACPI power-off, but Bochs stopped with: {panic}"
                               if panic else f"Bochs exited with status {status} without a "
                               "panic message (did it start? see emulator.out)")
        elif status != 0:
            reasons.append(f"expected an ACPI power-off (QEMU status 0), but QEMU exited "
                           f"with status {status}")
    elif sc.emulator == "bochs":
        panic = bochs_panic(os.path.join(run_dir, "bochs.log"))
        logged = last_exit_line(lines)
        if panic is None:
            reasons.append(f"Bochs exited with status {status} without a panic message "
                           "(did it start? see emulator.out)")
        elif panic not in BOCHS_CLEAN_ENDS:
            reasons.append(f"Bochs stopped: {panic}")
        elif logged is None:
            reasons.append("the kernel ended Bochs without a final 'veneer: exit N' line")
        else:
            problem = exit_code_problem(sc, logged)
            if problem:
                reasons.append(problem)
    else:
        logged = last_exit_line(lines)
        if status == 0 or status < 0 or status % 2 == 0:
            how = {0: "the guest reset (a triple fault?) or powered off"}.get(status, "QEMU failed")
            reasons.append(f"QEMU exited with status {status}, not through isa-debug-exit: {how}")
        elif status == 1 and logged is None:
            reasons.append("QEMU exited with status 1 and the kernel printed no 'veneer: exit' "
                           "line: QEMU itself failed (see emulator.out)")
        else:
            code = status >> 1
            if logged is not None and logged != code:
                reasons.append(f"isa-debug-exit gave exit code {code} but the log says {logged}")
            problem = exit_code_problem(sc, code)
            if problem:
                reasons.append(problem)
    reasons += log_problems(sc, lines)

    how = "reused ISO" if reused else f"ISO {iso_seconds:.1f} s"
    note = f"{how}, {sc.emulator} {boot_seconds:.1f} s"
    if stopped_early:
        note += ", stopped once matched"
    result = Result(sc, "FAIL" if reasons else "PASS", time.monotonic() - started, reasons, note)
    result.run_dir = run_dir
    if reasons:
        result.tail = [line for line in lines if line.strip()][-TAIL_LINES:]
        extra = tail_of(out_path, 10)
        if extra:
            result.tail += ["--- emulator.out (last lines) ---"] + extra
    return result


# ---------------------------------------------------------------------------

def report(result, out_lock):
    sc = result.sc
    with out_lock:
        if result.status == "SKIP":
            print(f"SKIP  {sc.name}: {result.reasons[0]}  <<<<<<<<<<", flush=True)
            return
        print(f"{result.status}  {sc.name}  {result.seconds:.1f} s"
              + (f"  ({result.note})" if result.note else ""), flush=True)
        if result.status == "FAIL":
            for reason in result.reasons:
                print(f"      {reason}")
            if result.run_dir:
                print(f"      files: {os.path.relpath(result.run_dir)}/")
            if result.tail:
                print("      --- serial.log (last lines) ---")
                for line in result.tail:
                    print(f"      | {line}")
            sys.stdout.flush()


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def expected_seconds(sc):
    """A rough run time, measured on a 2-core machine, for ordering the runs
    (the longest first, so that none starts last and runs alone).  A long
    run has a long timeout (set a few times over its measured time), so a
    quarter of the timeout is a floor for those: Xen with dom0 (600 s) goes
    first."""
    if sc.error:
        return 0.0
    if sc.expect_timeout:
        guess = 2.0
    elif sc.differential:
        guess = 2 * (8.0 + 8.0 * sc.cpus)
    elif sc.kernel == "linux" or sc.expect_exit == "poweroff":
        # A Linux boot.
        guess = {"qemu-bios": 5.0, "qemu-uefi": 9.0}.get(sc.emulator, 8.0 + 8.0 * sc.cpus)
    else:
        guess = {"qemu-bios": 0.5, "qemu-uefi": 4.0}.get(sc.emulator, 1.5 + 0.3 * sc.cpus)
    return max(guess, sc.timeout / 4) if sc.timeout >= 300 else guess


def selected(scenarios, patterns):
    if not patterns:
        return scenarios
    chosen = []
    for sc in scenarios:
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatchcase(sc.name, pattern):
                    break
            elif pattern in sc.name:
                break
        else:
            continue
        chosen.append(sc)
    return chosen


def main():
    parser = argparse.ArgumentParser(
        description="Boot veneer's ISO in emulators and check the serial log "
                    "(scenario format: see the top of this script or tests/scenarios/README.md).")
    parser.add_argument("patterns", nargs="*", metavar="NAME",
                        help="run only scenarios whose name contains NAME (or matches it as a glob)")
    parser.add_argument("--build", default="build", help="build directory (default: build)")
    parser.add_argument("--kernel", help="kernel ELF to boot (default: BUILD/veneer.elf)")
    parser.add_argument("--scenarios", default=SCENARIO_DIR, metavar="DIR",
                        help="where the .scn files are (default: tests/scenarios)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="scenarios run at once (default: number of CPUs)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--long", action="store_true",
                        help="run the scenarios tagged long (and only those), as make scenarios-long does")
    parser.add_argument("--keep-going", action="store_true", default=True,
                        help="run every scenario even after a failure (the default)")
    parser.add_argument("--stop-on-failure", dest="keep_going", action="store_false",
                        help="start no new scenario after the first failure")
    args = parser.parse_args()

    build_dir = os.path.abspath(args.build)
    scenarios = selected(load_scenarios(args.scenarios, build_dir), args.patterns)
    if args.long or not args.patterns:
        # Named scenarios run whatever their tags; otherwise long ones only with
        # --long, and pending ones never.
        scenarios = [sc for sc in scenarios if ("long" in sc.tags) == args.long and "pending" not in sc.tags]
    if args.list:
        for sc in scenarios:
            if sc.error:
                print(f"{sc.name:24} BROKEN: {sc.error}")
            else:
                extra = "".join(f" [{t}]" for t in sorted(sc.tags | ({"differential"} if sc.differential else set())))
                print(f"{sc.name:24} {sc.emulator:9} {sc.boot:5} cpus={sc.cpus}  {sc.description}{extra}")
        return 0
    if not scenarios and args.long and not args.patterns:
        print("no scenario is tagged long: make test runs them all")
        return 0
    if not scenarios:
        print("error: no scenario matches " + " ".join(args.patterns), file=sys.stderr)
        return 2

    kernel = os.path.abspath(args.kernel or os.path.join(build_dir, "veneer.elf"))
    if not os.path.isfile(kernel):
        print(f"error: {os.path.relpath(kernel)} does not exist; run 'make' first", file=sys.stderr)
        return 2
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    jobs = max(1, args.jobs)
    print(f"{len(scenarios)} scenarios, {jobs} at a time, kernel {os.path.relpath(kernel)}"
          + (" (CI: a skip is a failure)" if ci else ""), flush=True)

    out_lock = threading.Lock()
    failed_once = threading.Event()
    results = []
    started = time.monotonic()

    def one(sc):
        if stopping.is_set() or (failed_once.is_set() and not args.keep_going):
            return None
        result = run_scenario(sc, kernel, build_dir, ci)
        if stopping.is_set():
            return None         # its emulator was killed by the interrupt
        if result.status == "FAIL":
            failed_once.set()
        report(result, out_lock)
        return result

    # Longest first, so that a slow one does not start last and run alone.
    order = sorted(scenarios, key=expected_seconds, reverse=True)
    signal.signal(signal.SIGTERM, raise_interrupt)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        for result in pool.map(one, order):
            if result is not None:
                results.append(result)
    except KeyboardInterrupt:
        stopping.set()
        with running_lock:
            procs = list(running)
        for proc in procs:
            kill_group(proc)
        pool.shutdown(wait=True)
        print("interrupted: emulators stopped", file=sys.stderr)
        return 130
    pool.shutdown(wait=True)

    passed = sum(r.status == "PASS" for r in results)
    failed = sum(r.status == "FAIL" for r in results)
    skipped = sum(r.status == "SKIP" for r in results)
    print(f"total wall time {time.monotonic() - started:.1f} s")
    if skipped:
        print(f"warning: {skipped} of {len(results)} scenarios were SKIPPED because an emulator "
              "is missing; 'make deps' (as root) installs it")
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
