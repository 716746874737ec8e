#!/usr/bin/env python3
"""make-run-console.py [--build DIR]

Drives 'make run's serial console the way a person at the terminal does:
scripts/run.sh runs in Bochs on a pseudo-terminal of its own, and this
script reads what the terminal shows and types into it.

  run 1: waits for the Linux guest's '/ #' prompt, types 'echo $((6*7))'
         and expects the line '42' (the guest's shell computed it: the
         typed line holds no 42), checks that Bochs's listening sockets
         are on 127.0.0.1 only, types 'poweroff -f', and expects veneer's
         'veneer: exit 0 (success)' line, run.sh's end, the emulator gone
         and the terminal's settings as they were before;
  run 2: presses the quit key (Ctrl-]) as soon as veneer logs, and expects
         the emulator stopped, run.sh ended and the terminal restored.

Prints PASS/FAIL per check and 'N passed, N failed' last; exits 1 on any
failure.  Without Bochs it says SKIPPED and counts the checks as skipped.
"""

import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import termios
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_SH = os.path.join(REPO, "scripts", "run.sh")
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT_SECONDS = 240        # Bochs boots Linux under veneer in 20-60 s
ANSWER_SECONDS = 20
POWEROFF_SECONDS = 60
QUIT_KEY = b"\x1d"

results = []


def check(name, ok, why=""):
    ok = bool(ok)
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  console: {name}{'' if ok else ': ' + why}", flush=True)
    return ok


class Terminal:
    """run.sh on a pseudo-terminal: what it shows, and the keyboard."""

    def __init__(self, iso, run_dir):
        self.master, self.slave = os.openpty()
        self.settings_before = termios.tcgetattr(self.slave)
        self.run_dir = run_dir
        env = dict(os.environ, VENEER_EMULATOR="bochs", VENEER_CPUS="1", VENEER_RUN_DIR=run_dir)

        def become_session_leader():
            os.setsid()
        self.proc = subprocess.Popen([RUN_SH, iso], cwd=REPO, env=env, stdin=self.slave,
                                     stdout=self.slave, stderr=self.slave,
                                     preexec_fn=become_session_leader)
        self.shown = b""

    def text(self):
        return ESCAPES.sub(b"", self.shown).replace(b"\r", b"").decode("utf-8", "replace")

    def read_some(self, seconds):
        if select.select([self.master], [], [], seconds)[0]:
            try:
                self.shown += os.read(self.master, 65536)
            except OSError:
                time.sleep(seconds)

    def expect(self, pattern, seconds, start=0):
        """Waits until PATTERN matches the text shown after offset START.

        Returns the end offset of the match, or None at the timeout."""
        deadline = time.monotonic() + seconds
        regex = re.compile(pattern, re.M)
        while True:
            found = regex.search(self.text(), start)
            if found:
                return found.end()
            if time.monotonic() > deadline:
                return None
            self.read_some(0.2)

    def type(self, data):
        os.write(self.master, data)

    def wait_end(self, seconds):
        """run.sh's exit status, or None if it is still running."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.read_some(0.2)
                return self.proc.returncode
            self.read_some(0.2)
        return None

    def terminal_restored(self):
        return termios.tcgetattr(self.slave) == self.settings_before

    def emulator_pids(self):
        """Processes whose command line names this run's bochsrc."""
        bochsrc = os.path.join(self.run_dir, "bochsrc").encode()
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if bochsrc in f.read():
                        pids.append(int(pid))
            except OSError:
                pass
        return pids

    def kill(self):
        for pid in [self.proc.pid] + self.emulator_pids():
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait()

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def listening_addresses(pids):
    """The local addresses of the TCP sockets the processes listen on."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            pass
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:      # 0A: LISTEN
                found.append(fields[1])
    return found


def is_loopback(hex_address):
    address = hex_address.split(":")[0]
    return address in ("0100007F", "00000000000000000000000001000000")


def run_poweroff(iso, build):
    term = Terminal(iso, os.path.join(build, "console-test", "run-poweroff"))
    try:
        prompt = term.expect(r"^/ # ", PROMPT_SECONDS)
        if not check("the guest's shell prompt '/ #' appears", prompt is not None,
                     f"not within {PROMPT_SECONDS} s; the end of the screen:\n{term.text()[-1500:]}"):
            return
        addresses = listening_addresses(term.emulator_pids())
        check("Bochs listens on 127.0.0.1 only", addresses and all(map(is_loopback, addresses)),
              f"listening sockets (hex address:port): {addresses or 'none: no VNC display?'}")
        term.type(b"echo $((6*7))\r")
        answer = term.expect(r"^42$", ANSWER_SECONDS, prompt)
        check("typed 'echo $((6*7))' is answered '42'", answer is not None,
              f"no line '42' within {ANSWER_SECONDS} s; after the prompt:\n{term.text()[prompt:][-800:]}")
        term.type(b"poweroff -f\r")
        ended = term.expect(r"^\[cpu\d+\] veneer: exit 0 \(success\)$", POWEROFF_SECONDS,
                            answer or prompt)
        check("'poweroff -f' ends the run with 'veneer: exit 0 (success)'", ended is not None,
              f"not within {POWEROFF_SECONDS} s; the end of the screen:\n{term.text()[-800:]}")
        status = term.wait_end(30)
        check("run.sh ends, with status 0", status == 0, f"status {status} (None: still running)")
        check("no emulator is left", not term.emulator_pids(), f"still running: {term.emulator_pids()}")
        check("the terminal's settings are restored", term.terminal_restored())
    finally:
        term.kill()
        term.close()


def run_quit_key(iso, build):
    term = Terminal(iso, os.path.join(build, "console-test", "run-quit"))
    try:
        started = term.expect(r"^\[cpu0\] ", PROMPT_SECONDS)
        if not check("veneer logs on the console", started is not None,
                     f"nothing from veneer within {PROMPT_SECONDS} s:\n{term.text()[-1500:]}"):
            return
        term.type(QUIT_KEY)
        stopped = term.expect(r"^\[Ctrl-\]: the emulator was stopped\]$", 20, started)
        check("Ctrl-] stops the emulator", stopped is not None, f"screen:\n{term.text()[-800:]}")
        status = term.wait_end(20)
        check("run.sh ends after Ctrl-]", status is not None, "still running after 20 s")
        check("no emulator is left after Ctrl-]", not term.emulator_pids(),
              f"still running: {term.emulator_pids()}")
        check("the terminal's settings are restored after Ctrl-]", term.terminal_restored())
    finally:
        term.kill()
        term.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[2])
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    iso = os.path.join(build, "veneer.iso")
    if not os.path.isfile(iso):
        check("the image exists", False, f"{iso} is missing; run 'make' first")
    elif not shutil.which("bochs"):
        print("SKIPPED  console: bochs is not installed ('make deps' as root installs it)  <<<<<<<<<<")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    else:
        run_poweroff(iso, build)
        run_quit_key(iso, build)
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
