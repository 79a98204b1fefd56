#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Runs every test suite and ends with one line: "N passed, N failed".
# Each test program speaks TAP ("ok ..." / "not ok ..."): cmocka binaries
# through CMOCKA_MESSAGE_OUTPUT=TAP, shell tests through tests/lib.sh.
# A program that exits non-zero without reporting a failure counts as one.
#
# Suites: unit (plain, then ASan+UBSan), policy (ward check on files, and
# the checks of the tree: format, install, fuzz, valgrind),
# bpf (real programs under BPF_PROG_TEST_RUN), e2e (namespaces, real clients).
# Run one suite with SUITES="unit policy".
set -u
cd "$(dirname "$0")/.."

OUT=${OUT:-build}
SUITES=${SUITES:-"unit unit-san policy bpf e2e"}
LOG_DIR="$OUT/test-logs"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export WARD="$OUT/ward"

passed=0
failed=0
mkdir -p "$LOG_DIR"

programs_of() {
	case "$1" in
	unit) ls "$OUT"/tests/unit/test_* 2>/dev/null ;;
	unit-san) ls "$OUT"/tests/unit-san/test_* 2>/dev/null ;;
	bpf) ls "$OUT"/tests/bpf/test_* 2>/dev/null ;;
	policy | e2e) ls tests/"$1"/test_*.sh 2>/dev/null ;;
	esac
}

run_program() {
	local suite=$1 prog=$2
	local log="$LOG_DIR/$suite-$(basename "$prog").log"
	local ok bad rc

	"$prog" >"$log" 2>&1
	rc=$?
	ok=$(grep -cE '^ok ' "$log")
	bad=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $prog exited with status $rc" >>"$log"
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	printf '%-8s %-40s %4d passed, %d failed\n' "$suite" "$(basename "$prog")" "$ok" "$bad"
	if [ "$bad" -ne 0 ]; then
		grep -E '^not ok |^# ' "$log" | head -n 40 | sed 's/^/    /'
		echo "    (full log: $log)"
	fi
}

for suite in $SUITES; do
	for prog in $(programs_of "$suite"); do
		run_program "$suite" "$prog"
	done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
