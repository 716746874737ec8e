#!/bin/sh
# test-all.sh BUILD
# What 'make test' runs after installing the dependencies: the build, then
# each part of the tests, and last one line adding up all their checks:
#
#   unit       the host unit tests (make unit)
#   bench-report  make bench's log parsing, on the sample logs in
#              tests/bench/sample/ (the bench itself is too slow for make test)
#   fuzz       each libFuzzer target briefly (make fuzz-check), which says
#              "PASS: NAME ..." or "FAIL: NAME ..." per target, or
#              "SKIPPED: ..." without clang: those lines are its counts
#   scenarios  every emulator scenario (scripts/run-scenarios.py)
#   console    'make run's serial console, typed into (tests/run/make-run-console.py)
#   usb        'make usb' refusing what is not a removable, unmounted disk
#              (tests/run/usb-checks.sh)
#   deb        the Debian package installed, configured and removed in a
#              debootstrap chroot (make test-deb, tests/installed/)
#
# Each part ends its output with "N passed, N failed[, N skipped]"; a part
# that ends without one (it crashed) counts as one failure.  The last line
# is "N passed, N failed" (", N skipped" when an emulator is missing), and
# the status is 1 when anything failed.  Each part's output is also kept in
# BUILD/test/PART.log.
set -u

build=${1:-build}
logs=$build/test
mkdir -p "$logs"
MAKE=${MAKE:-make}

total_passed=0
total_failed=0
total_skipped=0
parts=""

# run_part NAME COMMAND...: runs it with its output shown and kept, and
# adds its summary line to the totals.
run_part() {
	name=$1
	shift
	echo "=== $name: $*"
	status_file=$logs/$name.status
	{ "$@"; echo $? > "$status_file"; } 2>&1 | tee "$logs/$name.log"
	status=$(cat "$status_file")
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$logs/$name.log" | tail -n 1)
	if [ -z "$summary" ] && [ "$name" = fuzz ]; then
		summary="$(grep -c '^PASS: ' "$logs/$name.log") passed, $(grep -c '^FAIL: ' "$logs/$name.log") failed"
		skipped=$(grep -c '^SKIPPED: ' "$logs/$name.log")
		[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
		[ "$summary" != "0 passed, 0 failed" ] || summary=
	fi
	if [ -z "$summary" ]; then
		echo "=== $name: ended (status $status) without a summary line: counted as 1 failure"
		summary="0 passed, 1 failed"
	elif [ "$status" != 0 ] && [ "$(echo "$summary" | cut -d ' ' -f 3)" = 0 ]; then
		echo "=== $name: ended with status $status although it counts no failure: counted as 1 failure"
		summary="$(echo "$summary" | cut -d ' ' -f 1-2) 1 failed"
	fi
	set -- $summary
	total_passed=$((total_passed + $1))
	total_failed=$((total_failed + $3))
	total_skipped=$((total_skipped + ${5:-0}))
	parts="$parts $name: ${summary};"
	echo
}

echo "=== build: $MAKE all scenario-inputs bench-build"
if ! $MAKE --no-print-directory all scenario-inputs bench-build; then
	echo "=== build failed: nothing was tested"
	echo "0 passed, 1 failed"
	exit 1
fi
echo

run_part unit $MAKE --no-print-directory unit
run_part bench-report scripts/bench-report.py --self-test
run_part fuzz $MAKE --no-print-directory fuzz-check
run_part scenarios scripts/run-scenarios.py --build "$build"
run_part console tests/run/make-run-console.py --build "$build"
run_part usb tests/run/usb-checks.sh "$build"
run_part deb $MAKE --no-print-directory test-deb

echo "=== all parts:${parts%;}"
summary="$total_passed passed, $total_failed failed"
[ "$total_skipped" = 0 ] || summary="$summary, $total_skipped skipped"
echo "$summary"
[ "$total_failed" = 0 ]
