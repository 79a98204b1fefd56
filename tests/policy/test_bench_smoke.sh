#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `make bench` end to end with tiny repeat counts: the table and the JSON
# come out with every figure's row, and nothing the benchmark created is
# left behind (namespaces, bpffs mounts, pins, processes). Measures
# nothing worth reading and asserts no target: a slow machine passes.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

OUT=${OUT:-build}
PREFIX=wbs$$
TMP=$(mktemp -d "/tmp/$PREFIX.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root for namespaces and BPF"
	exit 0
fi

start=$(date +%s)
BENCH_PREFIX=$PREFIX BENCH_OUT=$TMP BENCH_ROUNDS=1 BENCH_REPEAT=1000 BENCH_SIZES=1,10 \
	BENCH_IPERF_TIME=1 BENCH_EVENT_TIME=1 JSON=1 OUT=$OUT tools/bench.sh >"$TMP/table" 2>"$TMP/err"
status=$?
elapsed=$(($(date +%s) - start))
table=$(cat "$TMP/table")

expect_status "bench runs end to end" 0 "$status"
[ "$status" -eq 0 ] || sed 's/^/# /' "$TMP/err"
expect_contains "the table describes the machine" "$table" "machine: "
expect_contains "the table says whether the JIT is on" "$table" "BPF JIT "
for id in B1 B2 B3t B3n B3r B4 B5 B6 B7a B7r B8n B8f; do
	expect_contains "the table has a row for $id" "$table" "$(printf '\n%-4s ' "$id")"
done
expect_contains "the bare XDP program is timed" "$table" "bare XDP program"
expect_contains "the linear scan is timed" "$table" "linear scan, 10 x 20"

if [ -s "$TMP/bench.json" ] && python3 -m json.tool "$TMP/bench.json" >/dev/null 2>&1; then
	t_ok "JSON=1 writes valid JSON"
else
	t_fail "JSON=1 writes valid JSON" "$(head -c 300 "$TMP/bench.json" 2>/dev/null)"
fi
expect_contains "the JSON holds the figures" "$(cat "$TMP/bench.json" 2>/dev/null)" \
	'"figures":{'
expect_equal "the plot data has one line per size" 2 \
	"$(grep -vc '^#' "$TMP/bench-b3.dat" 2>/dev/null)"

expect_equal "no namespace is left" "" "$(ip netns list | grep "^$PREFIX-")"
expect_equal "no mount is left" "" "$(grep "$PREFIX" /proc/mounts)"
expect_equal "no pin is left" "" "$(ls -d /sys/fs/bpf/ward-test-"$PREFIX"* 2>/dev/null)"
expect_equal "no process is left" "" "$(pgrep -f "$PREFIX-" || true)"
if [ "$elapsed" -lt 60 ]; then
	t_ok "finishes within 60 s ($elapsed s)"
else
	t_fail "finishes within 60 s" "took $elapsed s"
fi
t_done
