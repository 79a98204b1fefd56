#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Runs ward's libFuzzer targets (built by `make fuzz` into $OUT/fuzz/), each
# for FUZZ_SECONDS seconds, one after the other: all of them, or those named
# on the command line (events, policy, json, datapath...). Each starts from
# its seeds (tests/fuzz/corpus/NAME) and regressions (tests/fuzz/regress/NAME)
# and grows a working corpus under $OUT/fuzz/corpus/NAME, which later runs
# pick up. Prints one line per target (executions, coverage, corpus) and
# exits 1 when any target found a crash, a leak, undefined behaviour, a hang
# or a broken property; the input is left in $OUT/fuzz/artifacts/NAME/.
# The datapath target loads BPF programs and needs root; without it, it is
# skipped with a note.
set -u
cd "$(dirname "$0")/.."

OUT=${OUT:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
failed=0

targets() {
	if [ $# -gt 0 ]; then
		echo "$@"
		return
	fi
	for bin in "$OUT"/fuzz/fuzz_*; do
		[ -x "$bin" ] && basename "$bin" | sed 's/^fuzz_//'
	done
}

# The longest input worth trying: policies need room, the rest are small.
max_len_of() {
	case "$1" in
	policy) echo 16384 ;;
	json) echo 4096 ;;
	*) echo 2048 ;;
	esac
}

# Print "N execs, cov C, ft F, corpus K" from a libFuzzer log.
summary_of() {
	local log=$1 execs cov
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1)
	echo "${execs:-?} execs, ${cov:-no coverage line}"
}

run_target() {
	local name=$1 bin="$OUT/fuzz/fuzz_$1" rc crash
	local corpus="$OUT/fuzz/corpus/$1" artifacts="$OUT/fuzz/artifacts/$1/"
	local log="$OUT/fuzz/logs/$1.log" dict="tests/fuzz/$1.dict"
	local seeds=()

	if [ ! -x "$bin" ]; then
		echo "fuzz $name: $bin not built (make fuzz builds it)"
		return 1
	fi
	if [ "$name" = datapath ] && [ "$(id -u)" -ne 0 ]; then
		echo "fuzz $name: skipped, it loads BPF programs and needs root"
		return 0
	fi
	mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
	for dir in "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name"; do
		[ -d "$dir" ] && seeds+=("$dir")
	done
	[ -f "$dict" ] && seeds=("-dict=$dict" "${seeds[@]}")

	"$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len_of "$name")" -close_fd_mask=1 -print_final_stats=1 \
		-artifact_prefix="$artifacts" "$corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $name: ok, $FUZZ_SECONDS s, $(summary_of "$log")"
		return 0
	fi
	crash=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	echo "fuzz $name: FAILED (exit $rc), $(summary_of "$log")"
	grep -E 'ERROR: |runtime error|property broken|SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
	echo "    input: ${crash:-none written}; log: $log"
	echo "    keep it: cp INPUT tests/fuzz/regress/$name/WHAT-IT-IS"
	return 1
}

for name in $(targets "$@"); do
	run_target "$name" || failed=1
done
exit "$failed"
