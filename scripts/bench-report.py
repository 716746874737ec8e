#!/usr/bin/env python3
"""make bench's table: issue 11's performance figures, each beside its goal.

    scripts/bench-report.py RUNS      RUNS: the directory scripts/run-scenarios.py
                                      wrote tests/bench's runs into (BUILD/scenarios)
    scripts/bench-report.py --self-test
                                      the parsing, checked on tests/bench/sample/
                                      against tests/bench/sample/expected.txt (make test)

Every figure comes from a log the runs leave (tests/bench/README.md says
which): Bochs runs with clock sync=none, so one tick is one emulated
instruction and each figure is an exact count that repeats run after run.
A row whose runs are missing says "not measured yet"; a run that is there
but cannot be read is an error, and the status is 1.
"""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(REPO, "tests", "bench", "sample")


class Unreadable(Exception):
    """A run is there but its log does not hold what the figure needs."""


class Runs:
    """The logs of make bench's runs, one directory per scenario."""

    def __init__(self, directory):
        self.directory = directory

    def has(self, *names):
        return all(os.path.isdir(os.path.join(self.directory, n)) for n in names)

    def lines(self, name, log):
        path = os.path.join(self.directory, name, log)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read().replace("\r", "").split("\n")
        except FileNotFoundError:
            raise Unreadable(f"{name}/{log} is missing") from None

    def round_trip(self, op):
        """Instructions of one round trip: the bench guest's "BENCH: OP min=N" (minus its RDTSC overhead)."""
        pattern = re.compile(r"guest: BENCH: " + re.escape(op) + r" min=(\d+) avg=\d+$")
        for line in self.lines("exit-round-trips", "serial.log"):
            m = pattern.search(line)
            if m:
                return int(m.group(1))
        raise Unreadable(f"exit-round-trips/serial.log has no 'BENCH: {op} min=' line")

    def vmcs_accesses(self, reason):
        """VMREADs + VMWRITEs of the most common exit of that reason (the counting build's histogram)."""
        pattern = re.compile(r"\] stats: vmcs accesses per " + re.escape(reason) + r" exit: (.*)$")
        for line in self.lines("vmcs-accesses", "serial.log"):
            m = pattern.search(line)
            if m:
                buckets = [re.fullmatch(r"(\d+)\+? x(\d+)", b.strip()) for b in m.group(1).split(",")]
                if not all(buckets):
                    raise Unreadable(f"vmcs-accesses/serial.log: cannot read '{m.group(1)}'")
                return max((int(b.group(2)), int(b.group(1))) for b in buckets)[1]
        raise Unreadable(f"vmcs-accesses/serial.log has no 'vmcs accesses per {reason} exit' line")

    def end_tick(self, name):
        """The tick Bochs stopped at: its last words are "(CPU).[TICKS] ..."."""
        ticks = [int(m.group(1)) for line in self.lines(name, "emulator.out")
                 for m in [re.match(r"\(\d+\)\.\[(\d+)\]", line)] if m]
        if not ticks:
            raise Unreadable(f"{name}/emulator.out has no final tick count")
        return ticks[-1]

    def breakpoint_tick(self, name):
        """The tick the scenario's bochs-breakpoint stopped at: "Next at t=TICKS" after "Breakpoint 1,"."""
        lines = self.lines(name, "emulator.out")
        for i, line in enumerate(lines):
            if "Breakpoint 1," in line:
                for after in lines[i + 1:i + 4]:
                    m = re.match(r"Next at t=(\d+)", after)
                    if m:
                        return int(m.group(1))
        raise Unreadable(f"{name}/emulator.out: the breakpoint was never hit (no 'Breakpoint 1,' with 'Next at t=')")

    def startup_ticks(self, name):
        """GRUB's hand-off to the guest's first instruction: scripts/bench-start.py's startup.txt, "PHASE TICKS" lines."""
        ticks = {}
        for line in self.lines(name, "startup.txt"):
            m = re.fullmatch(r"(\S+) (\d+)", line.strip())
            if m:
                ticks.setdefault(m.group(1), int(m.group(2)))
        if "_start" not in ticks or "GUEST" not in ticks:
            raise Unreadable(f"{name}/startup.txt lacks the _start or the GUEST tick (a breakpoint was not hit)")
        return ticks["GUEST"] - ticks["_start"]

    def ram_kept(self, name):
        """Bytes of guest RAM veneer keeps once started: "memory: veneer keeps N KiB in M range(s)" (image, pool)."""
        for line in self.lines(name, "serial.log"):
            m = re.search(r"\] memory: veneer keeps (\d+) KiB in \d+ range", line)
            if m:
                return int(m.group(1)) * 1024
        raise Unreadable(f"{name}/serial.log has no 'memory: veneer keeps N KiB' line")

    def exits(self, name):
        """Each CPU's exit total and exits by reason: its "[cpuN] stats: T exits: A 1, B 2" line."""
        result = {}
        for line in self.lines(name, "serial.log"):
            m = re.match(r"\[cpu(\d+)\] stats: (\d+) exits(?:: (.*))?$", line)
            if m:
                reasons = {}
                for part in (m.group(3) or "").split(","):
                    r = re.fullmatch(r"\s*(.+?) (\d+)\s*", part)
                    if r:
                        reasons[r.group(1)] = int(r.group(2))
                result[int(m.group(1))] = (int(m.group(2)), reasons)
        if not result:
            raise Unreadable(f"{name}/serial.log has no 'stats: N exits' line")
        return result

    def idle_seconds(self, name):
        for line in self.lines(name, "serial.log"):
            m = re.search(r"VENEER-LINUX: idle for (\d+) s$", line)
            if m:
                return int(m.group(1))
        raise Unreadable(f"{name}/serial.log has no 'VENEER-LINUX: idle for N s' line")


# Each figure: what it is, the scenarios it needs, how to get it from them,
# its goal (a bound it must not exceed) and how to print it.

def entry_to_poweroff(runs, veneer, native):
    return ((runs.end_tick(veneer) - runs.breakpoint_tick(veneer))
            / (runs.end_tick(native) - runs.breakpoint_tick(native)))


def idle_exits_per_second(runs, details):
    """The idle run's exits beyond the same boot without the idle time, per second, the busiest CPU."""
    seconds = runs.idle_seconds("linux-veneer-idle-2cpu")
    idle, busy = runs.exits("linux-veneer-idle-2cpu"), runs.exits("linux-veneer-2cpu")
    if set(idle) != set(busy):
        raise Unreadable("linux-veneer-idle-2cpu and linux-veneer-2cpu report different CPUs")
    worst = 0.0
    for cpu in sorted(idle):
        rate = (idle[cpu][0] - busy[cpu][0]) / seconds
        worst = max(worst, rate)
        reasons = {r: idle[cpu][1].get(r, 0) - busy[cpu][1].get(r, 0)
                   for r in set(idle[cpu][1]) | set(busy[cpu][1])}
        shown = ", ".join(f"{r} {n / seconds:.1f}" for r, n in
                          sorted(reasons.items(), key=lambda kv: -kv[1]) if n)
        details.append(f"idle 2-CPU Linux, cpu{cpu}: {rate:.1f} exits/s ({shown or 'none'})")
    return worst


def boot_exits(runs, details):
    exits = runs.exits("linux-veneer")
    for cpu, (total, reasons) in sorted(exits.items()):
        details.append(f"Linux boot, 1 CPU, cpu{cpu}: {total} exits: "
                       + ", ".join(f"{r} {n}" for r, n in reasons.items()))
    return sum(total for total, _ in exits.values())


def integer(value):
    return str(value)


def ratio(value):
    return f"{value:.4f}"


def per_second(value):
    return f"{value:.1f}"


def mega_ticks(value):
    return f"{value / 1e6:.1f} M"


def mebibytes(value):
    return f"{value / 2**20:.1f} MiB"


# (figure, scenarios needed, measure(runs, details), goal, format, goal text)
FIGURES = [
    ("CPUID round trip, instructions", ["exit-round-trips"],
     lambda runs, d: runs.round_trip("cpuid"), 60, integer, "<= 60"),
    ("VMCALL round trip, instructions", ["exit-round-trips"],
     lambda runs, d: runs.round_trip("vmcall"), 60, integer, "<= 60"),
    ("RDMSR round trip, instructions", ["exit-round-trips"],
     lambda runs, d: runs.round_trip("rdmsr"), 75, integer, "<= 75"),
    ("IN round trip, instructions", ["exit-round-trips"],
     lambda runs, d: runs.round_trip("in"), 110, integer, "<= 110"),
    ("MOV-to-CR0 round trip, instructions", ["exit-round-trips"],
     lambda runs, d: runs.round_trip("mov-cr0"), 130, integer, "<= 130"),
    ("VMREADs + VMWRITEs on the CPUID path", ["vmcs-accesses"],
     lambda runs, d: runs.vmcs_accesses("CPUID"), 4, integer, "<= 4"),
    # perfstart's rows: GRUB's hand-off to the guest's first instruction, and the RAM veneer keeps.
    ("GRUB hand-off -> guest's first instruction, 4 CPUs, ticks", ["startup-4cpu"],
     lambda runs, d: runs.startup_ticks("startup-4cpu"), 10e6, mega_ticks, "<= 10.0 M"),
    ("Linux entry -> power-off, veneer / native, 1 CPU", ["linux-veneer", "linux-native"],
     lambda runs, d: entry_to_poweroff(runs, "linux-veneer", "linux-native"), 1.005, ratio, "<= 1.005"),
    ("Linux entry -> power-off, veneer / native, 2 CPUs", ["linux-veneer-2cpu", "linux-native-2cpu"],
     lambda runs, d: entry_to_poweroff(runs, "linux-veneer-2cpu", "linux-native-2cpu"), 1.005, ratio,
     "<= 1.005"),
    ("whole boot (firmware on), veneer / native, 1 CPU", ["linux-veneer", "linux-native"],
     lambda runs, d: runs.end_tick("linux-veneer") / runs.end_tick("linux-native"), 1.03, ratio, "<= 1.03"),
    ("exits per second per CPU, idle 2-CPU Linux", ["linux-veneer-idle-2cpu", "linux-veneer-2cpu"],
     idle_exits_per_second, 10, per_second, "<= 10"),
    ("exits during a Linux boot, 1 CPU", ["linux-veneer"],
     boot_exits, 1300, integer, "<= 1300"),
    ("guest RAM veneer keeps, 4 CPUs", ["startup-4cpu"],
     lambda runs, d: runs.ram_kept("startup-4cpu"), 8 * 2**20, mebibytes, "<= 8.0 MiB"),
]


def report(directory, out):
    """Writes the table; returns how many figures could not be read."""
    runs = Runs(directory)
    details, errors = [], 0
    out.write(f"{'figure':<58} {'now':>11} {'goal':>11}  status\n")
    for figure, needs, measure, goal, shown, goal_text in FIGURES:
        if measure is None or not runs.has(*needs):
            now, status = "-", "not measured yet"
        else:
            try:
                value = measure(runs, details)
            except (Unreadable, ZeroDivisionError) as err:
                errors += 1
                now, status = "?", f"error: {err}"
            else:
                now, status = shown(value), "met" if value <= goal else "not met"
        out.write(f"{figure:<58} {now:>11} {goal_text:>11}  {status}\n")
    if details:
        out.write("\n")
        for line in details:
            out.write(f"  {line}\n")
    return errors


def self_test():
    """make test's check that the parsing still reads the logs it was written for."""
    import io
    out = io.StringIO()
    errors = report(SAMPLE, out)
    with open(os.path.join(SAMPLE, "expected.txt"), encoding="utf-8") as f:
        expected = f.read()
    if errors or out.getvalue() != expected:
        sys.stdout.write("bench-report self-test: the table from tests/bench/sample/ differs from "
                         "expected.txt:\n" + out.getvalue())
        print("0 passed, 1 failed")
        return 1
    print("bench-report self-test: tests/bench/sample/ gives expected.txt")
    print("1 passed, 0 failed")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 1 if report(sys.argv[1], sys.stdout) else 0


if __name__ == "__main__":
    sys.exit(main())
