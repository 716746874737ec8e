#!/bin/sh
# make bench: boots the bench guest under veneer in Bochs and prints what
# each kind of VM exit costs for a round trip (guest -> veneer -> guest).
# Bochs runs with its clock at sync=none, where one TSC tick is one
# emulated instruction, so every figure is an exact, repeatable count.
set -eu
build=${1:-build}
scripts/run-scenarios.py --build "$build" --scenarios tests/bench
log="$build/scenarios/exit-round-trips/serial.log"
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
}' "$log"
awk '/\] stats: / { sub(/.*\] /, "  "); print }' "$log"
