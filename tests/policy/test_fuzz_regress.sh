#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Replays every saved fuzz input, the seeds (tests/fuzz/corpus/NAME) and
# the inputs that once broke something (tests/fuzz/regress/NAME), through
# the replay build of its target (build/tests/fuzz/fuzz_NAME: the target
# with a plain main, under ASan+UBSan), so a fixed bug stays fixed without
# clang's libFuzzer. Policy inputs also go through `ward check`, which must
# answer 0 (valid) or 1 (invalid) within 10 seconds, never crash or hang.
# The datapath target needs root and replays in the e2e suite.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

OUT=${OUT:-build}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOG=$(mktemp /tmp/ward-test-fuzz-regress-XXXXXX)
trap 'rm -f "$LOG"' EXIT

# replay NAME KIND DIR: one test per directory of inputs.
replay() {
	local name=$1 kind=$2 dir=$3 bin="$OUT/tests/fuzz/fuzz_$1" rc

	"$bin" "$dir" >"$LOG" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^replayed [1-9]' "$LOG"; then
		t_ok "replay_${name}_${kind}_$(ls "$dir" | wc -l)_inputs"
	else
		t_fail "replay_${name}_${kind}" "exit status $rc" \
			"$(grep -E 'replay: |property broken|runtime error|ERROR|SUMMARY' "$LOG" |
				tail -n 8)"
	fi
}

# Each policy input, as a file, through ward check.
check_policies() {
	local kind=$1 dir=$2 f rc bad=""

	for f in "$dir"/*; do
		timeout 10 "$WARD" check "$f" >/dev/null 2>&1
		rc=$?
		[ "$rc" -le 1 ] || bad="$bad $(basename "$f"):$rc"
	done
	if [ -z "$bad" ]; then
		t_ok "ward_check_answers_0_or_1_on_policy_${kind}"
	else
		t_fail "ward_check_answers_0_or_1_on_policy_${kind}" \
			"exit status other than 0 or 1 (file:status):$bad"
	fi
}

for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	[ "$name" = datapath ] && continue
	for kind in corpus regress; do
		dir="tests/fuzz/$kind/$name"
		[ -d "$dir" ] || continue
		replay "$name" "$kind" "$dir"
		[ "$name" = policy ] && check_policies "$kind" "$dir"
	done
done
t_done
