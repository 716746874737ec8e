#!/usr/bin/env python3
"""serial-console.py --config-template IN --config OUT --log FILE -- COMMAND...

Connects this terminal to an emulator's serial port, both ways, for
'make run' (scripts/run.sh).  It makes a pseudo-terminal, writes OUT as a
copy of IN with every "@PTY@" replaced by the pseudo-terminal's device name
(Bochs's 'com1: mode=term, dev=@PTY@' opens it as its COM1), runs COMMAND
with its output in COMMAND's own files, and then copies:

  - what the guest sends on the serial port to this terminal and to FILE;
  - what is typed here to the guest, byte by byte: this terminal is put in
    raw mode, so Ctrl-C, Ctrl-D and the answers the terminal gives to the
    guest's queries (busybox's cursor-position query, whose answer used to
    show up as '^[[50;5R' junk) all reach the guest.

Ctrl-] (the quit key, as in telnet) stops the emulator.  The run also ends
when the emulator exits (the guest powered off, or veneer ended the run).
The terminal's settings are restored however it ends.  No socket is opened.
"""

import argparse
import os
import select
import signal
import subprocess
import sys
import termios
import tty

QUIT_KEY = b"\x1d"      # Ctrl-]
QUIT_KEY_NAME = "Ctrl-]"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[2])
    parser.add_argument("--config-template", required=True, metavar="IN")
    parser.add_argument("--config", required=True, metavar="OUT")
    parser.add_argument("--log", required=True, metavar="FILE",
                        help="a copy of everything the guest sends")
    parser.add_argument("--emulator-output", required=True, metavar="FILE",
                        help="where COMMAND's stdout and stderr go")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("no COMMAND")
    return args


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def stop(proc):
    """Ends the emulator: SIGTERM to its process group, SIGKILL after 3 s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 3)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def bridge(proc, master, log, stdin_fd, stdout_fd):
    """Copies bytes both ways until the emulator exits or the quit key.

    Returns "quit" or "exited"."""
    inputs = [master, stdin_fd]
    while True:
        if proc.poll() is not None:
            # Whatever the guest sent last is still in the pseudo-terminal.
            while select.select([master], [], [], 0.1)[0]:
                data = os.read(master, 4096)
                if not data:
                    break
                write_all(stdout_fd, data)
                log.write(data)
            return "exited"
        ready = select.select(inputs, [], [], 0.2)[0]
        if master in ready:
            data = os.read(master, 4096)
            write_all(stdout_fd, data)
            log.write(data)
            log.flush()
        if stdin_fd in ready:
            data = os.read(stdin_fd, 1024)
            if not data:
                # No more input (stdin was not a terminal): keep showing
                # the guest's output until the emulator exits.
                inputs.remove(stdin_fd)
                continue
            if QUIT_KEY in data:
                write_all(master, data[:data.index(QUIT_KEY)])
                return "quit"
            write_all(master, data)


def main():
    args = parse_args()
    master, slave = os.openpty()
    # Raw both ways: bytes pass unchanged between the guest and this side.
    # The slave stays open here too, so reading the master never fails
    # before the emulator has opened it.
    tty.setraw(slave)
    pty_name = os.ttyname(slave)
    with open(args.config_template) as template:
        config = template.read().replace("@PTY@", pty_name)
    with open(args.config, "w") as out:
        out.write(config)

    stdin_fd, stdout_fd = sys.stdin.fileno(), sys.stdout.fileno()
    saved = termios.tcgetattr(stdin_fd) if os.isatty(stdin_fd) else None
    # Ctrl-C and terminal hangups while the terminal is not raw yet, or
    # when stdin is not a terminal: end the run the same clean way.
    interrupted = []

    def on_signal(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    with open(args.emulator_output, "wb") as emulator_output, open(args.log, "wb") as log:
        proc = subprocess.Popen(args.command, stdin=subprocess.DEVNULL, stdout=emulator_output,
                                stderr=subprocess.STDOUT, start_new_session=True)
        how = "interrupted"
        try:
            if saved is not None:
                tty.setraw(stdin_fd)
            how = bridge(proc, master, log, stdin_fd, stdout_fd)
        except KeyboardInterrupt:
            pass
        finally:
            if saved is not None:
                termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
            stop(proc)
    if how == "quit":
        print(f"\n[{QUIT_KEY_NAME}: the emulator was stopped]", flush=True)
    elif how == "interrupted":
        print("\n[interrupted: the emulator was stopped]", flush=True)
    else:
        print(flush=True)
    # The emulator's status is not veneer's (Bochs exits with 1 however it
    # ends); run.sh reads how it ended from the logs.
    return 0


if __name__ == "__main__":
    sys.exit(main())
