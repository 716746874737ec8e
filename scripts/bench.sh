#!/bin/sh
# make bench: measures veneer in Bochs, where the clock runs at sync=none
# and one TSC tick is one emulated instruction, so every figure is an
# exact, repeatable count rather than a timing.
#   1. The bench guest times VM-exit round trips (guest -> veneer -> guest).
#   2. The same Linux boot, to userspace and power-off, with and without
#      veneer: the ratio of Bochs ticks, and the exits veneer took.
set -eu
build=${1:-build}
scripts/run-scenarios.py --build "$build" --scenarios tests/bench
dir="$build/scenarios"

echo
echo "VM-exit round trips under veneer (Bochs corei7_skylake_x, 1 tick = 1 instruction)"
awk '
/guest: BENCH: rdtsc-overhead/ { next }
/guest: BENCH: [a-z0-9-]+ min=/ {
	for (i = 1; i <= NF; i++) {
		if ($i == "BENCH:") name = $(i + 1)
		if ($i ~ /^min=/) min = substr($i, 5)
		if ($i ~ /^avg=/) avg = substr($i, 5)
	}
	rows[++n] = sprintf("  %-10s %10s %10s", name, min, avg)
}
END {
	if (n == 0) { print "no BENCH lines in the log" > "/dev/stderr"; exit 1 }
	printf "  %-10s %10s %10s\n", "exit", "min", "average"
	for (i = 1; i <= n; i++) print rows[i]
}' "$dir/exit-round-trips/serial.log"

# Bochs's last words name the tick count it stopped at: "(0).[NNNN] ...".
ticks() {
	sed -n 's/^(0)\.\[\([0-9]*\)\].*/\1/p' "$dir/$1/emulator.out" | tail -n 1
}
native=$(ticks linux-native)
veneer=$(ticks linux-veneer)
echo
echo "Linux boot to userspace and power-off, 1 CPU (BIOS, GRUB and all)"
awk -v n="$native" -v v="$veneer" 'BEGIN {
	if (n == "" || v == "") { print "  no tick counts in emulator.out" > "/dev/stderr"; exit 1 }
	printf "  %-14s %14.1f M ticks\n", "native", n / 1e6
	printf "  %-14s %14.1f M ticks\n", "under veneer", v / 1e6
	printf "  %-14s %14.3f\n", "ratio", v / n
}'
echo "  exits under veneer, by reason:"
awk '/\] stats: / { sub(/.*\] stats: /, "    "); print }' "$dir/linux-veneer/serial.log"
