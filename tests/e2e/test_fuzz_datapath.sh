#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The datapath fuzz target (tests/fuzz/fuzz_datapath.c), which loads the
# real programs and needs root: first its seeds and saved regressions
# replayed through its replay build (ASan+UBSan), then libFuzzer mutating
# them for 60 seconds in CI (CI=true), 5 seconds otherwise, or FUZZ_SECONDS.
# Every frame must run, and every frame the reference evaluator can judge
# must get the evaluator's verdict.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

OUT=${OUT:-build}
if [ "${CI:-}" = true ]; then
	FUZZ_SECONDS=${FUZZ_SECONDS:-60}
else
	FUZZ_SECONDS=${FUZZ_SECONDS:-5}
fi
export OUT FUZZ_SECONDS
LOG=$(mktemp /tmp/ward-test-fuzz-datapath-XXXXXX)
trap 'rm -f "$LOG"' EXIT

for kind in corpus regress; do
	dir="tests/fuzz/$kind/datapath"
	[ -d "$dir" ] || continue
	"$OUT/tests/fuzz/fuzz_datapath" "$dir" >"$LOG" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^replayed [1-9]' "$LOG"; then
		t_ok "replay_datapath_${kind}_$(ls "$dir" | wc -l)_frames"
	else
		t_fail "replay_datapath_${kind}" "exit status $rc" \
			"$(grep -vE '^ +#' "$LOG" | grep -A 12 -E 'frame \(|property broken|ERROR' |
				tail -n 16)"
	fi
done

out=$(tools/fuzz.sh datapath 2>&1)
if [ $? -eq 0 ]; then
	t_ok "fuzz_datapath_${FUZZ_SECONDS}s_finds_nothing"
	echo "# $out"
else
	t_fail "fuzz_datapath_${FUZZ_SECONDS}s_finds_nothing" "$out"
fi
t_done
