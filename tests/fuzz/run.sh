#!/bin/sh
# Runs the libFuzzer targets built in BUILD/fuzz over their seed corpora.
#
#   tests/fuzz/run.sh BUILD brief             every target briefly: the check in `make test`
#   tests/fuzz/run.sh BUILD timed SECONDS     every target for SECONDS: `make fuzz`
#   tests/fuzz/run.sh BUILD long RUNS NAME... the named targets for RUNS executions each
#
# Seeds come from tests/fuzz/corpus/NAME and are never modified: inputs
# the fuzzer finds go to BUILD/fuzz/corpus/NAME, which later runs reuse.
# A crash or a broken invariant leaves its input in BUILD/fuzz/crashes/
# and makes this script fail.  Targets run one after another (the
# machine's cores are shared); each prints one summary line.
set -u

build=$1
mode=$2
shift 2

case $mode in
brief)  limit="-max_total_time=${FUZZ_BRIEF_SECONDS:-3}" ;;
timed)  limit="-max_total_time=$1"; shift ;;
long)   limit="-runs=$1"; shift ;;
*)      echo "usage: $0 BUILD brief|timed SECONDS|long RUNS NAME..." >&2; exit 2 ;;
esac

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
fi

mkdir -p "$build/fuzz/crashes" "$build/fuzz/logs"
failed=0
for name in $targets; do
	binary=$build/fuzz/$name
	found=$build/fuzz/corpus/$name
	seeds=tests/fuzz/corpus/$name
	log=$build/fuzz/logs/$name.log
	mkdir -p "$found"
	[ -d "$seeds" ] || seeds=
	"$binary" $limit -print_final_stats=1 -artifact_prefix="$build/fuzz/crashes/$name-" \
		"$found" $seeds > "$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ $status -eq 0 ]; then
		echo "PASS: $name: ${runs:-?} executions (${rate:-?}/s), no crash"
	else
		failed=1
		echo "FAIL: $name: exit status $status; the log is $log, the input in $build/fuzz/crashes/"
		grep -E 'ERROR: |invariant broken|runtime error|^SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
	fi
done
exit $failed
