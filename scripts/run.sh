#!/bin/sh
# run.sh [--debug] IMAGE.iso
# Boots veneer's image in the best emulator this machine has, with the
# serial console on this terminal:
#   1. QEMU with KVM, when nested VT-x really works here (-cpu host passes
#      VMX through to veneer);
#   2. otherwise Bochs, the only other emulator that gives a guest VMX;
#   3. otherwise QEMU without KVM (TCG), where veneer can only report that
#      there is no VMX and stop.
# Typing reaches the guest: QEMU's -serial mon:stdio (Ctrl-A X quits), or
# for Bochs a pseudo-terminal bridged to this one by
# scripts/serial-console.py (Ctrl-] quits).  Every socket the emulators
# open listens on 127.0.0.1 only.
# --debug: QEMU paused at the first instruction with its gdb stub on
# port 1234 (Bochs, when forced, starts at its own debugger's prompt).
#
# Environment:
#   VENEER_EMULATOR=qemu-kvm|bochs|qemu-tcg   skip the detection
#   VENEER_CPUS=N        CPUs (default 2)
#   VENEER_MEM=MIB       memory in MiB (default 512)
#   VENEER_FIRMWARE=bios|uefi   QEMU's firmware (default bios)
#   VENEER_RUN_DIR=DIR   where a Bochs run keeps its files (default run-bochs/ beside IMAGE)
set -eu

usage() {
	echo "usage: $0 [--debug] IMAGE.iso" >&2
	exit 2
}

debug=no
case ${1:-} in
--debug) debug=yes; shift ;;
-h|--help) usage ;;
esac
[ $# -eq 1 ] || usage
iso=$1
if [ ! -f "$iso" ]; then
	echo "error: $iso does not exist; run 'make' first" >&2
	exit 1
fi
cpus=${VENEER_CPUS:-2}
mem=${VENEER_MEM:-512}
firmware=${VENEER_FIRMWARE:-bios}
case $cpus in ''|*[!0-9]*) echo "error: VENEER_CPUS must be a number, not '$cpus'" >&2; exit 2 ;; esac
case $mem in ''|*[!0-9]*) echo "error: VENEER_MEM must be a number of MiB, not '$mem'" >&2; exit 2 ;; esac
case $firmware in bios|uefi) ;; *) echo "error: VENEER_FIRMWARE must be bios or uefi" >&2; exit 2 ;; esac

QEMU=qemu-system-x86_64
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
# Not Bochs's own vgabios.bin: GRUB crashes in its VBE calls (see
# scripts/run-scenarios.py).
BOCHS_VGABIOS=/usr/share/seabios/vgabios-stdvga.bin

have() { command -v "$1" >/dev/null 2>&1; }

# Sets kvm_problem to why QEMU with KVM cannot give veneer VMX here, or to
# nothing when it can.  Each check is one that has been seen to fail:
# /dev/kvm alone proves nothing when the host itself is a VM without
# nested VT-x.
check_kvm() {
	kvm_problem=
	nested_param=/sys/module/kvm_intel/parameters/nested
	if ! have "$QEMU"; then
		kvm_problem="$QEMU is not installed"
	elif ! grep -qw vmx /proc/cpuinfo; then
		kvm_problem="this CPU shows no 'vmx' flag in /proc/cpuinfo (no Intel VT-x, or a VM without nested VT-x)"
	elif [ ! -r "$nested_param" ]; then
		kvm_problem="the kvm_intel module is not loaded ($nested_param is missing)"
	else
		case $(cat "$nested_param") in
		Y|y|1) ;;
		*) kvm_problem="nested VT-x is off (kvm_intel nested=$(cat "$nested_param")); enable it with 'modprobe kvm_intel nested=1'" ;;
		esac
	fi
	if [ -z "$kvm_problem" ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
		kvm_problem="/dev/kvm is missing or not readable and writable by $(id -un) (join the 'kvm' group)"
	fi
}

bochs_missing() {
	if ! have bochs; then
		echo "bochs is not installed"
	elif [ ! -f "$BOCHS_BIOS" ]; then
		echo "$BOCHS_BIOS is missing (package bochsbios)"
	elif [ ! -f "$BOCHS_VGABIOS" ]; then
		echo "$BOCHS_VGABIOS is missing (package seabios)"
	fi
}

check_kvm
emulator=${VENEER_EMULATOR:-}
if [ -n "$emulator" ]; then
	case $emulator in
	qemu-kvm|bochs|qemu-tcg) why="chosen with VENEER_EMULATOR" ;;
	*) echo "error: VENEER_EMULATOR must be qemu-kvm, bochs or qemu-tcg, not '$emulator'" >&2; exit 2 ;;
	esac
	if [ "$emulator" = qemu-kvm ] && [ -n "$kvm_problem" ]; then
		echo "warning: QEMU with KVM will probably not give veneer VMX: $kvm_problem" >&2
	fi
elif [ -z "$kvm_problem" ]; then
	emulator=qemu-kvm
	why="the CPU has VT-x, kvm_intel allows nested VT-x and /dev/kvm is usable"
elif [ "$debug" = yes ] && have "$QEMU"; then
	# Debian's Bochs has its internal debugger instead of a gdb stub.
	emulator=qemu-tcg
	why="--debug needs QEMU's gdb stub, and QEMU with KVM is out: $kvm_problem"
elif [ -z "$(bochs_missing)" ]; then
	emulator=bochs
	why="QEMU with KVM is out: $kvm_problem; Bochs emulates VMX"
elif have "$QEMU"; then
	emulator=qemu-tcg
	why="QEMU with KVM is out: $kvm_problem; and $(bochs_missing)"
else
	echo "error: no emulator: install qemu-system-x86 or bochs ('make deps' as root)" >&2
	exit 1
fi

echo "veneer: running $iso in $emulator: $why"
if [ "$emulator" = qemu-tcg ]; then
	echo "##################################################################"
	echo "## QEMU without KVM emulates no VMX: veneer will report that and ##"
	echo "## stop.  For the real thing use Bochs or QEMU with nested KVM.  ##"
	echo "##################################################################"
fi

run_qemu() {
	accel=$1
	set -- -machine q35 -m "$mem" -smp "$cpus" -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial mon:stdio
	if [ "$accel" = kvm ]; then
		set -- "$@" -accel kvm -cpu host
	else
		set -- "$@" -accel tcg
	fi
	if [ -z "${DISPLAY:-}" ]; then
		set -- "$@" -display none
	fi
	if [ "$firmware" = uefi ]; then
		vars=$(mktemp)
		trap 'rm -f "$vars"' EXIT
		cp "$OVMF_VARS" "$vars"
		set -- "$@" -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
			-drive "if=pflash,format=raw,file=$vars"
	fi
	set -- "$@" -drive "file=$iso,format=raw,media=cdrom,readonly=on,if=ide"
	if [ "$debug" = yes ]; then
		set -- "$@" -gdb tcp:127.0.0.1:1234 -S
		elf=${iso%.iso}.elf
		echo "QEMU waits for gdb on port 1234.  In another terminal:"
		echo "    gdb $elf -ex 'target remote :1234'"
		echo "(then e.g. 'hbreak kernel_main' and 'continue')"
	fi
	echo "Serial console below; Ctrl-A X quits QEMU, Ctrl-A C switches to its monitor."
	echo
	status=0
	"$QEMU" "$@" || status=$?
	# isa-debug-exit: status (code << 1) | 1 when veneer ends the run with exit=qemu.
	if [ $status -ne 0 ] && [ $((status % 2)) -eq 1 ]; then
		echo "veneer ended the run with exit code $((status >> 1))"
	fi
	exit $status
}

run_bochs() {
	missing=$(bochs_missing)
	if [ -n "$missing" ]; then
		echo "error: $missing" >&2
		exit 1
	fi
	dir=${VENEER_RUN_DIR:-$(dirname "$iso")/run-bochs}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	# The same image, but booting the menu entry made for Bochs.
	isodir=$(cd "$(dirname "$iso")" && pwd)
	sed -e 's/^set default=.*/set default=linux-bochs/' -e 's/^set timeout=.*/set timeout=1/' \
		iso/grub.cfg > "$dir/grub.cfg"
	scripts/make-iso.sh "$dir/veneer-bochs.iso" "$isodir/veneer.elf" "$dir/grub.cfg" \
		"$isodir/linux/vmlinuz" "$isodir/linux/initramfs.cpio.gz"
	isopath=$dir/veneer-bochs.iso
	rm -f "$dir/serial.log" "$dir/bochs.log"
	# Bochs's VNC display binds to every interface; this keeps it local.
	shim=$dir/localhost-only.so
	if [ ! -f "$shim" ] || [ scripts/localhost-only.c -nt "$shim" ]; then
		gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$shim" scripts/localhost-only.c -ldl
	fi
	# Bochs logs each "error" of its CPUs, and an idle Linux makes some
	# every tick (the EPT violations of its local APIC accesses, which
	# veneer handles, and reads of APERF/MPERF, which Bochs lacks): left
	# on, bochs.log grows by about 15 KB a second.  Panics and the other
	# devices' errors are still logged.
	cpu_errors=$(i=0; while [ $i -lt "$cpus" ]; do printf ', cpu%x=ignore' $i; i=$((i + 1)); done)
	# COM1 is a pseudo-terminal that scripts/serial-console.py connects to
	# this terminal (@PTY@ becomes its name).
	cat > "$dir/bochsrc.in" <<-EOF
	# Generated by scripts/run.sh
	cpu: model=corei7_skylake_x, count=$cpus, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=0
	memory: guest=$mem, host=$mem
	romimage: file=$BOCHS_BIOS, options=fastboot
	vgaromimage: file=$BOCHS_VGABIOS
	pci: enabled=1, chipset=i440fx, slot1=pcivga
	vga: extension=vbe
	ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
	ata0-master: type=cdrom, path=$isopath, status=inserted
	boot: cdrom
	com1: enabled=1, mode=term, dev=@PTY@
	port_e9_hack: enabled=1
	clock: sync=realtime, time0=local
	display_library: rfb, options="timeout=0"
	mouse: enabled=0
	sound: driver=dummy
	speaker: enabled=0
	log: $dir/bochs.log
	panic: action=fatal, rfb=report
	error: action=report$cpu_errors
	info: action=ignore
	debug: action=ignore
	EOF
	if [ "$debug" = yes ]; then
		sed "s|@PTY@|$dir/serial.log|; s|mode=term|mode=file|" "$dir/bochsrc.in" > "$dir/bochsrc"
		echo "Bochs starts at its own debugger's prompt ('c' continues, 'help' lists commands);"
		echo "COM1 goes to $dir/serial.log."
		exec env LD_PRELOAD="$shim" bochs -q -f "$dir/bochsrc"
	fi
	printf 'c\nquit\n' > "$dir/continue.rc"
	echo "Bochs's screen: VNC at 127.0.0.1:5900 (or the next free port; local only)."
	echo "Files of this run: $dir/"
	echo "The serial console is this terminal: GRUB boots its default entry after"
	echo "a second, then Linux under veneer gives a shell.  'poweroff -f' there"
	echo "ends the run; Ctrl-] stops Bochs at any time (Ctrl-C goes to the guest)."
	echo
	python3 scripts/serial-console.py --config-template "$dir/bochsrc.in" \
		--config "$dir/bochsrc" --log "$dir/serial.log" --emulator-output "$dir/bochs.out" \
		-- env LD_PRELOAD="$shim" bochs -q -f "$dir/bochsrc" -rc "$dir/continue.rc"
	# Bochs exits with status 1 however it ends; its log says how.
	ending=$(sed -n 's/.*>>PANIC<< //p' "$dir/bochs.log" 2>/dev/null | tail -n 1)
	echo "Bochs stopped${ending:+: $ending}"
}

case $emulator in
qemu-kvm) run_qemu kvm ;;
qemu-tcg) run_qemu tcg ;;
bochs) run_bochs ;;
esac
