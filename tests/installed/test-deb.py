#!/usr/bin/env python3
"""Installs the veneer package into a small installed Debian and checks its GRUB entries.

usage: test-deb.py BUILD_DIR DEB

The Debian is tests/installed/make-chroot.sh's chroot (unpacked fresh into
BUILD_DIR/installed/chroot).  The test plays a system administrator:

  1. the system as it was: /etc/default/grub with a serial console, GRUB's
     menu written by update-grub (10_linux's entries only);
  2. dpkg -i veneer: its postinst rewrites the menu; one "... under veneer"
     entry per kernel, newest first, each with the root= and options of
     10_linux's entry for the same kernel and that kernel's initrd; the
     distribution's entries and the default entry are byte for byte as
     before;
  3. /etc/default/veneer edited (veneer's options, the guest's extra options,
     VENEER_MAKE_DEFAULT=true) and update-grub: the options appear, and the
     default entry is the newest kernel under veneer;
  4. dpkg -r veneer: the menu is the one of step 1 again; dpkg -P removes the
     configuration files too.

GRUB's probe of the root filesystem cannot work in a chroot (it would find
the build machine's disk), so grub-probe and grub-mkrelpath are diverted to
stand-ins that describe the emulated disk tests/installed/boot-installed.py
makes from this chroot: a whole-disk ext4 filesystem with ROOT_UUID.  Two
more kernel versions are added beside the real one (copies of its files;
the oldest without an initrd) so that "one entry per kernel" and the
initrd-less case are checked too.

The chroot is left as step 3 configured it, with veneer reinstalled, for
boot-installed.py; BUILD_DIR/installed/grub.cfg is its GRUB menu.
"""

import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_UUID = "5e0e5e0e-7e57-4d15-b007-0123456789ab"
ROOT_DEVICE = "/dev/sda"
# Bochs needs these on every Linux boot (its TSC runs at the emulated
# instruction rate; its XSAVE sizes are wrong): on a real machine they would
# be this machine's own GRUB_CMDLINE_LINUX, shared by all entries.
MACHINE_CMDLINE = ("console=ttyS0,115200 cryptomgr.notests tsc_early_khz=50000 nokaslr "
                   "no_timer_check tsc=reliable noxsave")
VENEER_CMDLINE = "loglevel=info cpus=1"
GUEST_CMDLINE = "veneer.installed=1"

FAKE_GRUB_PROBE = f"""#!/bin/sh
# Test stand-in for grub-probe (the real one is diverted to grub-probe.real):
# describes the emulated disk of tests/installed, a whole-disk ext4
# filesystem with UUID {ROOT_UUID}, as the real probe would see it booted.
target=
for arg in "$@"; do
	case $arg in --target=*) target=${{arg#--target=}};; esac
done
case $target in
device) echo {ROOT_DEVICE} ;;
fs) echo ext2 ;;
fs_uuid) echo {ROOT_UUID} ;;
compatibility_hint) echo hd0 ;;
partmap|abstraction|hints_string|cryptodisk_uuid) ;;
*) echo "grub-probe stand-in: no answer for --target=$target" >&2; exit 1 ;;
esac
"""

# Paths on the disk are paths in the chroot: the disk holds the whole tree.
FAKE_GRUB_MKRELPATH = """#!/bin/sh
# Test stand-in for grub-mkrelpath: the root filesystem is one filesystem.
echo "$1"
"""

failures = []


passed = 0


def check(condition, what):
    global passed
    passed += bool(condition)
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)
    return condition


def run(cmd, **kw):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if result.returncode != 0:
        print(result.stdout)
        raise SystemExit(f"error: {' '.join(cmd)} failed with status {result.returncode}")
    return result.stdout


def in_chroot(chroot, *cmd):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C", "DEBIAN_FRONTEND": "noninteractive"}
    return run(["chroot", chroot] + list(cmd), env=env)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def read(path):
    with open(path) as f:
        return f.read()


# ---------------------------------------------------------------------------
# Reading a grub.cfg

def menu_entries(cfg):
    """[(title, id, body)] of every menuentry, in submenus too, in order."""
    entries = []
    lines = cfg.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"\s*menuentry '([^']*)'.*\$menuentry_id_option '([^']*)' \{", lines[i])
        if m:
            body = []
            i += 1
            while not re.match(r"\s*\}\s*$", lines[i]):
                body.append(lines[i].strip())
                i += 1
            entries.append((m.group(1), m.group(2), body))
        i += 1
    return entries


def section(cfg, script):
    """The text grub-mkconfig took from /etc/grub.d/SCRIPT."""
    m = re.search(rf"^### BEGIN /etc/grub.d/{script} ###\n(.*?)^### END /etc/grub.d/{script} ###",
                  cfg, re.S | re.M)
    return m.group(1) if m else None


def default_line(cfg):
    """The default entry GRUB_DEFAULT gave (not grub-reboot's next_entry)."""
    return [line.strip() for line in cfg.splitlines()
            if re.match(r"\s*set default=", line) and "next_entry" not in line]


def command(body, name):
    """The argument lists of every NAME command in an entry's body."""
    return [line.split(None, 1)[1].split() if " " in line or "\t" in line else []
            for line in body if line.split() and line.split()[0] == name]


# ---------------------------------------------------------------------------

def prepare(chroot):
    """The administrator's system before veneer: kernels, GRUB settings, menu."""
    boot = os.path.join(chroot, "boot")
    real = sorted(f[len("vmlinuz-"):] for f in os.listdir(boot) if f.startswith("vmlinuz-"))
    check(len(real) == 1, f"the chroot has one real kernel ({', '.join(real)})")
    version = real[0]
    # A newer-sorting and an older kernel: copies, named as Debian names them.
    major = version.split("-")[0]
    newer, older = f"{major}-999-cloud-amd64", f"{major}-0-cloud-amd64"
    for kind in ("vmlinuz", "config", "System.map"):
        for extra in (newer, older):
            shutil.copyfile(os.path.join(boot, f"{kind}-{version}"), os.path.join(boot, f"{kind}-{extra}"))
    shutil.copyfile(os.path.join(boot, f"initrd.img-{version}"), os.path.join(boot, f"initrd.img-{newer}"))

    for tool in ("/usr/sbin/grub-probe", "/usr/bin/grub-mkrelpath"):
        in_chroot(chroot, "dpkg-divert", "--local", "--rename", "--divert", tool + ".real", "--add", tool)
    write(chroot + "/usr/sbin/grub-probe", FAKE_GRUB_PROBE, 0o755)
    write(chroot + "/usr/bin/grub-mkrelpath", FAKE_GRUB_MKRELPATH, 0o755)
    # What udev shows on the booted system: 10_linux (and 25_veneer) use
    # root=UUID= only when the UUID is known there.
    write(chroot + ROOT_DEVICE, "")
    os.makedirs(chroot + "/dev/disk/by-uuid", exist_ok=True)
    os.symlink("../../sda", chroot + f"/dev/disk/by-uuid/{ROOT_UUID}")

    defaults = read(chroot + "/usr/share/grub/default/grub")
    defaults = re.sub(r'(?m)^GRUB_CMDLINE_LINUX=.*$', f'GRUB_CMDLINE_LINUX="{MACHINE_CMDLINE}"', defaults)
    defaults += ('\n# The emulated machine has its console on COM1.\nGRUB_TERMINAL=serial\n'
                 'GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"\n')
    write(chroot + "/etc/default/grub", defaults)
    os.makedirs(chroot + "/boot/grub", exist_ok=True)
    # grub-install makes GRUB's environment block; grub-reboot needs it.
    in_chroot(chroot, "grub-editenv", "/boot/grub/grubenv", "create")
    in_chroot(chroot, "update-grub")
    return [newer, version, older]


def check_veneer_entries(cfg, kernels, guest_cmdline, veneer_cmdline, label):
    """Checks the entries under veneer in the whole grub.cfg CFG."""
    entries = menu_entries(cfg)
    distro = {}
    for title, _, body in entries:
        m = re.match(r".*, with Linux (\S+)$", title)
        if m and "under veneer" not in title:
            distro[m.group(1)] = body
    ours = [(t, i, b) for t, i, b in entries if t.endswith("under veneer")]
    got = [re.match(r".*, with Linux (\S+) under veneer$", t).group(1) for t, _, _ in ours]
    check(got == kernels, f"{label}: one entry under veneer per kernel, newest first ({', '.join(got)})")
    for (title, entry_id, body), version in zip(ours, kernels):
        check(entry_id == f"veneer-gnulinux-{version}-{ROOT_UUID}", f"{label}: {version}: id {entry_id}")
        check(f"search --no-floppy --fs-uuid --set=root {ROOT_UUID}" in body,
              f"{label}: {version}: GRUB finds the root filesystem by its UUID")
        mb = command(body, "multiboot2")
        check(mb == [["/boot/veneer.elf"] + veneer_cmdline.split()],
              f"{label}: {version}: multiboot2 /boot/veneer.elf {veneer_cmdline}")
        modules = command(body, "module2")
        linux_line = command(distro.get(version, []), "linux")
        initrd_line = command(distro.get(version, []), "initrd")
        check(len(linux_line) == 1, f"{label}: {version}: the distribution has its own entry")
        if not linux_line:
            continue
        check(modules[:1] == [linux_line[0] + guest_cmdline.split()],
              f"{label}: {version}: module2 {' '.join(modules[0]) if modules else '(none)'} "
              "= the distribution's kernel, root= and options, plus the guest's extra options")
        if initrd_line:
            check(modules[1:] == [["--nounzip"] + initrd_line[0]],
                  f"{label}: {version}: its initrd {initrd_line[0]} as the second module")
            check(f"root=UUID={ROOT_UUID}" in modules[0], f"{label}: {version}: root=UUID={ROOT_UUID}")
        else:
            check(len(modules) == 1, f"{label}: {version}: no initrd module (the kernel has none)")
            check(f"root={ROOT_DEVICE}" in modules[0],
                  f"{label}: {version}: without an initrd, root={ROOT_DEVICE}")
    return ours


def set_defaults(chroot, veneer_cmdline, guest_cmdline, make_default):
    path = chroot + "/etc/default/veneer"
    text = read(path)
    for key, value in (("VENEER_CMDLINE", f'"{veneer_cmdline}"'),
                       ("VENEER_GUEST_CMDLINE", f'"{guest_cmdline}"'),
                       ("VENEER_MAKE_DEFAULT", make_default)):
        text, n = re.subn(rf"(?m)^{key}=.*$", f"{key}={value}", text)
        check(n == 1, f"/etc/default/veneer has the setting {key}")
    write(path, text)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    build, deb = sys.argv[1], os.path.abspath(sys.argv[2])
    if os.geteuid() != 0:
        print("test-deb: SKIPPED: it needs root (debootstrap, chroot, dpkg in the chroot)")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    start = time.monotonic()
    work = os.path.join(build, "installed")
    chroot = os.path.abspath(os.path.join(work, "chroot"))
    run([os.path.join(HERE, "make-chroot.sh"), chroot])
    print(f"chroot ready in {time.monotonic() - start:.0f} s")
    kernels = prepare(chroot)
    grub_cfg = chroot + "/boot/grub/grub.cfg"
    before = read(grub_cfg)
    check(not any("veneer" in t for t, _, _ in menu_entries(before)), "before: no veneer entries")
    check(section(before, "10_linux") is not None and len(menu_entries(section(before, "10_linux"))) >= 3,
          "before: 10_linux made the distribution's entries")

    shutil.copyfile(deb, chroot + "/tmp/veneer.deb")
    out = in_chroot(chroot, "dpkg", "-i", "/tmp/veneer.deb")
    check("Found linux image under veneer" in out, "dpkg -i: postinst ran update-grub, which ran 25_veneer")
    installed = read(grub_cfg)
    check(os.path.isfile(chroot + "/boot/veneer.elf"), "/boot/veneer.elf installed")
    check_veneer_entries(installed, kernels, "", "", "installed")
    check(section(installed, "10_linux") == section(before, "10_linux"),
          "installed: the distribution's entries are unchanged")
    check(default_line(installed) == default_line(before) == ['set default="0"'],
          f"installed: the default entry is unchanged ({default_line(installed)})")

    set_defaults(chroot, VENEER_CMDLINE, GUEST_CMDLINE, "true")
    in_chroot(chroot, "update-grub")
    configured = read(grub_cfg)
    check_veneer_entries(configured, kernels, GUEST_CMDLINE, VENEER_CMDLINE,
                         "configured")
    wanted = f'set default="veneer-gnulinux-{kernels[0]}-{ROOT_UUID}"'
    check(default_line(configured) == [wanted], f"VENEER_MAKE_DEFAULT=true: {default_line(configured)}")
    check(section(configured, "10_linux") == section(before, "10_linux"),
          "configured: the distribution's entries are unchanged")

    in_chroot(chroot, "dpkg", "-r", "veneer")
    removed = read(grub_cfg)
    check(not os.path.exists(chroot + "/boot/veneer.elf"), "dpkg -r: /boot/veneer.elf is gone")
    check(not any("veneer" in t for t, _, _ in menu_entries(removed)), "dpkg -r: no veneer entries left")
    check(default_line(removed) == ['set default="0"'], f"dpkg -r: default entry back to {default_line(removed)}")
    check(section(removed, "10_linux") == section(before, "10_linux"),
          "dpkg -r: the distribution's entries are unchanged")
    check(os.path.exists(chroot + "/etc/default/veneer"), "dpkg -r: the settings stay (conffiles)")
    in_chroot(chroot, "dpkg", "-P", "veneer")
    leftovers = [p for p in ("/etc/default/veneer", "/etc/grub.d/25_veneer", "/etc/default/grub.d/veneer.cfg",
                             "/usr/share/veneer") if os.path.exists(chroot + p)]
    check(not leftovers, f"dpkg -P: no files left ({', '.join(leftovers) or 'none'})")
    check(section(removed, "25_veneer") == "",
          "dpkg -r: 25_veneer (a conffile, still there) adds nothing")
    empty_section = "### BEGIN /etc/grub.d/25_veneer ###\n### END /etc/grub.d/25_veneer ###\n\n"
    check(removed.replace(empty_section, "") == before,
          "dpkg -r: the menu is the one before veneer, but for 25_veneer's empty section")
    check(read(grub_cfg) == before, "dpkg -P: the menu is byte for byte the one before veneer")

    # Leave the chroot configured and veneer installed for boot-installed.py.
    in_chroot(chroot, "dpkg", "-i", "/tmp/veneer.deb")
    set_defaults(chroot, VENEER_CMDLINE, GUEST_CMDLINE, "true")
    in_chroot(chroot, "update-grub")
    os.unlink(chroot + "/tmp/veneer.deb")
    shutil.copyfile(grub_cfg, os.path.join(work, "grub.cfg"))

    elapsed = time.monotonic() - start
    print(f"test-deb: {elapsed:.0f} s")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
