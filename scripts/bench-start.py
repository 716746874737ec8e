#!/usr/bin/env python3
"""
make bench, start-up part: how many Bochs ticks veneer takes from GRUB's
hand-off (veneer's entry point) to the guest's first instruction (the boot
CPU's first VMLAUNCH), split into phases, and how much guest RAM it keeps.

With Bochs's clock at sync=none one tick is one emulated instruction, so
every figure is an exact, repeatable count.  The method (tests/bench/README.md):
  1. Boot the scenario until veneer logs where GRUB put its image (GRUB
     loads it high, at an address that depends on the machine), then stop.
  2. Boot it again in Bochs's debugger with a linear breakpoint ('lb') on
     each phase's first instruction, relocated by that offset, and 'c'
     from one to the next: Bochs prints 'Next at t=TICKS' at each stop.
Boots are deterministic (clock sync=none, fixed time0), so both runs
place veneer at the same address.

Usage: scripts/bench-start.py [--build DIR] [SCENARIO.scn ...]
The runs go to BUILD/scenarios/NAME/ (profile.out: Bochs's debugger; startup.txt:
each phase's tick; serial.log: the first boot's log), where make bench's
report reads the hand-off-to-guest ticks and the RAM veneer keeps.
"""
import argparse
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SCENARIOS = [os.path.join(REPO, "tests", "bench", "start", "startup-4cpu.scn")]

# The phases, in the order the boot CPU reaches them: (symbol, what starts there).
PHASES = [
    ("_start", "GRUB's hand-off: veneer's entry point"),
    ("kernel_main", "64-bit C code"),
    ("memory_init", "memory plan"),
    ("paging_init", "identity map, consoles"),
    ("tsc_calibrate", "TSC calibration"),
    ("acpi_init", "ACPI tables"),
    ("smp_start_cpus", "start the other CPUs"),
    ("memory_release_trampoline", "give the trampoline back"),
    ("smbase_move_all", "move every CPU's SMBASE"),
    ("vmx_init", "VMX capabilities, VMXON on every CPU, guest loader"),
    ("smram_secure", "SMRAM lock check"),
    ("guest_init", "EPT, bitmaps"),
    ("guest_smp_start", "the guest's other vCPUs"),
    ("vcpu_run", "boot vCPU's VMCS"),
    ("VMLAUNCH", "the boot CPU's VMLAUNCH"),
    ("GUEST", "the guest's first instruction (Linux's 32-bit entry)"),
]

IMAGE_LINE = re.compile(r"memory: +\[(0x[0-9a-f]+)-0x[0-9a-f]+\) kernel image \(linked at (0x[0-9a-f]+)\)")
# The Linux loader names where the kernel goes; veneer starts it there (the 32-bit boot protocol entry).
GUEST_ENTRY_LINE = re.compile(r"guest: Linux boot protocol [0-9.]+: kernel at (0x[0-9a-f]+)")
KEPT_LINE = re.compile(r"memory: veneer keeps (\d+) KiB in \d+ range")
NEXT_AT = re.compile(r"Next at t=(\d+)")
STOP_AT = re.compile(r"^\(\d+\) Breakpoint \d+, (?:0x)?([0-9a-f]+)", re.M)
TICKS_GOAL = 10_000_000
KEPT_GOAL_KIB = 8 * 1024


def load_harness():
    spec = importlib.util.spec_from_file_location("run_scenarios", os.path.join(REPO, "scripts", "run-scenarios.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def symbols(elf):
    out = subprocess.run(["nm", elf], check=True, stdout=subprocess.PIPE, text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16)
    # The VMLAUNCH itself: vmx_entry.S has no label on it, the disassembly finds it.
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    found = re.search(r"^\s*([0-9a-f]+):\s+vmlaunch", dis, re.M)
    if found:
        table["VMLAUNCH"] = int(found.group(1), 16)
    return table


def start_bochs(harness, sc, iso, run_dir, serial, rc_text):
    cmd = harness.bochs_command(sc, iso, run_dir, serial)
    rc = os.path.join(run_dir, "profile.rc")
    with open(rc, "w") as f:
        f.write(rc_text)
    cmd[cmd.index("-rc") + 1] = rc
    if os.path.exists(serial):
        os.unlink(serial)
    out = open(os.path.join(run_dir, "profile.out"), "w")
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True), out


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def image_offset(harness, sc, iso, run_dir, timeout):
    """Pass 1: boots until veneer names its image's and the guest's addresses; returns (load offset, KiB kept, guest entry)."""
    serial = os.path.join(run_dir, "serial.log")
    proc, out = start_bochs(harness, sc, iso, run_dir, serial, "c\nquit\n")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
            text = "\n".join(harness.read_log(serial)) if os.path.exists(serial) else ""
            image, kept, entry = IMAGE_LINE.search(text), KEPT_LINE.search(text), GUEST_ENTRY_LINE.search(text)
            if image and kept and entry:
                return int(image.group(1), 16) - int(image.group(2), 16), int(kept.group(1)), int(entry.group(1), 16)
    finally:
        stop(proc)
        out.close()
    raise RuntimeError(f"no 'kernel image', 'veneer keeps' or 'Linux boot protocol' line in {serial} within {timeout} s")


def profile(harness, sc, iso, run_dir, offset, table, timeout, stops):
    """Pass 2: a breakpoint on each phase; returns [(symbol, ticks)] in the order reached."""
    points = [(name, table[name] + offset) for name, _ in PHASES if name in table]
    points += [(name, int(name, 16)) for name, _ in PHASES if name.startswith("0x")]
    rc = "".join(f"lb {address:#x}\n" for _, address in points) + "c\n" * (stops or len(points)) + "quit\n"
    serial = os.path.join(run_dir, "profile-serial.log")
    proc, out = start_bochs(harness, sc, iso, run_dir, serial, rc)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    finally:
        stop(proc)
        out.close()
    text = open(os.path.join(run_dir, "profile.out"), errors="replace").read()
    by_address = {address: name for name, address in points}
    reached = []
    # Each stop prints the breakpoint's address, then "Next at t=N" for the instruction there.
    for stop_match in STOP_AT.finditer(text):
        next_at = NEXT_AT.search(text, stop_match.end())
        name = by_address.get(int(stop_match.group(1), 16))
        if next_at and name and (stops or name not in dict(reached)):
            reached.append((name, int(next_at.group(1))))
        if name == "GUEST" and not stops:
            break       # the other CPUs' vCPUs start later, in the guest's time
    return reached


def main():
    parser = argparse.ArgumentParser(description="veneer's start-up, phase by phase, in Bochs ticks")
    parser.add_argument("--build", default="build")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--points", help="comma-separated symbols to stop at instead of the phases")
    parser.add_argument("--offset", type=lambda v: int(v, 0),
                        help="veneer's load offset, when known (skips the first boot)")
    parser.add_argument("--entry", type=lambda v: int(v, 0), default=0x1000000,
                        help="with --offset: the guest's first instruction")
    parser.add_argument("scenarios", nargs="*", default=DEFAULT_SCENARIOS)
    args = parser.parse_args()
    harness = load_harness()
    build = os.path.abspath(args.build)
    kernel = os.path.join(build, "veneer.elf")
    table = symbols(kernel)
    if args.points:
        PHASES[:] = [(name, name) for name in args.points.split(",")]
    failed = False
    for path in args.scenarios:
        sc = harness.parse_scenario(path, build)
        # Where make bench's report (scripts/bench-report.py) reads every run.
        run_dir = os.path.join(build, "scenarios", sc.name)
        os.makedirs(run_dir, exist_ok=True)
        iso, _ = harness.build_iso(sc, kernel, run_dir)
        if args.offset is not None:
            offset, kept_kib, entry = args.offset, 0, args.entry
        else:
            offset, kept_kib, entry = image_offset(harness, sc, iso, run_dir, args.timeout)
        table["GUEST"] = entry - offset
        reached = profile(harness, sc, iso, run_dir, offset, table, args.timeout, 60 if args.points else 0)
        print(f"\nveneer's start, {sc.description} (Bochs ticks = instructions; veneer loaded at +{offset:#x})")
        names = dict(PHASES)
        for (name, ticks), following in zip(reached, reached[1:] + [None]):
            length = f"{(following[1] - ticks) / 1e6:9.3f} M" if following else ""
            print(f"  {name:<20} {names[name]:<48} {length}")
        if args.points:
            continue
        if not reached or reached[0][0] != "_start" or reached[-1][0] != "GUEST":
            print(f"  the profile is incomplete (see {os.path.relpath(run_dir)}/profile.out)", file=sys.stderr)
            failed = True
            continue
        total = reached[-1][1] - reached[0][1]
        # For scripts/bench-report.py: each phase's first tick (the "veneer keeps" line is in serial.log).
        with open(os.path.join(run_dir, "startup.txt"), "w") as f:
            for name, ticks in reached:
                f.write(f"{name} {ticks}\n")
        kept_mib = kept_kib / 1024
        print(f"  {'hand-off -> guest':<69} {total / 1e6:9.3f} M  goal <= {TICKS_GOAL / 1e6:.0f} M  "
              f"{'met' if total <= TICKS_GOAL else 'NOT MET'}")
        print(f"  {'guest RAM veneer keeps':<69} {kept_mib:9.3f} MiB goal <= {KEPT_GOAL_KIB // 1024} MiB "
              f"{'met' if kept_kib <= KEPT_GOAL_KIB else 'NOT MET'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
