#!/bin/sh
# make bench: issue 11's performance figures, each beside its goal.
#   scripts/bench.sh BUILD COUNTING_KERNEL
# Everything runs in Bochs with its clock at sync=none, where one tick is one
# emulated instruction, so every figure is an exact, repeatable count:
#   - tests/bench/*.scn with BUILD/veneer.elf: the bench guest's exit round
#     trips; Linux booted natively and under veneer on 1 and 2 CPUs, each
#     stopping once at the kernel's entry point; a 2-CPU Linux left idle;
#   - tests/bench/vmcs-count/*.scn with COUNTING_KERNEL, the build of veneer
#     that counts VMREADs and VMWRITEs per exit (make bench builds it);
#   - tests/bench/start/startup-4cpu.scn through scripts/bench-start.py: a
#     4-CPU Linux guest's start profiled with Bochs breakpoints.
# scripts/bench-report.py then reads their logs into the table
# (tests/bench/README.md).  The runs take a while: one at a time, niced.
set -eu
build=${1:-build}
counting=${2:-$build/vmcs-count/veneer.elf}
status=0
nice -n 10 scripts/run-scenarios.py -j 1 --build "$build" --scenarios tests/bench || status=1
nice -n 10 scripts/run-scenarios.py -j 1 --build "$build" --kernel "$counting" \
	--scenarios tests/bench/vmcs-count || status=1
# veneer's start, phase by phase, with Bochs breakpoints (tests/bench/start/).
nice -n 10 scripts/bench-start.py --build "$build" || status=1
echo
echo "Issue 11's figures (Bochs corei7_skylake_x, 1 tick = 1 instruction)"
scripts/bench-report.py "$build/scenarios" || status=1
exit $status
