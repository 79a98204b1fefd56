#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Runs each userspace fuzz target (tools/fuzz.sh) for a while, starting
# from its seeds and regressions: 60 seconds each in CI (CI=true), 5 seconds
# otherwise, or FUZZ_SECONDS when set. Fails on any crash, leak, undefined
# behaviour, hang or broken property, and names the input it left in
# build/fuzz/artifacts/. The datapath target runs in the e2e suite.
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

for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	[ "$name" = datapath ] && continue
	out=$(tools/fuzz.sh "$name" 2>&1)
	if [ $? -eq 0 ]; then
		t_ok "fuzz_${name}_${FUZZ_SECONDS}s_finds_nothing"
		echo "# $out"
	else
		t_fail "fuzz_${name}_${FUZZ_SECONDS}s_finds_nothing" "$out"
	fi
done
t_done
