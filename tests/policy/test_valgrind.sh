#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `ward check` under valgrind: on every example policy, on the hostile seed
# policies of the fuzzer, and on bad files (missing, a directory, empty,
# truncated, an endless stream, a file over the size limit), there must be no
# invalid read or write, no use of uninitialised memory and no definite or
# indirect leak, whatever the verdict. The exit status must still be 0
# (valid) or 1 (invalid) for a policy, 1 or 2 for a file it cannot read.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DIR=$(mktemp -d /tmp/ward-test-valgrind-XXXXXX)
trap 'rm -rf "$DIR"' EXIT
VG_ERROR=99

# vg_check NAME FILE: ward check under valgrind; NAME says what the file is.
vg_check() {
	local name=$1 file=$2 rc

	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=$VG_ERROR --log-file="$DIR/vg.log" \
		"$WARD" check "$file" >/dev/null 2>"$DIR/err"
	rc=$?
	if [ "$rc" -eq "$VG_ERROR" ] || [ -s "$DIR/vg.log" ]; then
		t_fail "valgrind_clean_check_$name" "$(head -n 30 "$DIR/vg.log")"
	elif [ "$rc" -gt 2 ]; then
		t_fail "valgrind_clean_check_$name" "exit status $rc" "$(head -n 5 "$DIR/err")"
	else
		t_ok "valgrind_clean_check_$name"
	fi
}

for f in policy/examples/*.yaml; do
	vg_check "example_$(basename "$f" .yaml)" "$f"
done
for f in tests/fuzz/corpus/policy/*; do
	cmp -s "$f" "policy/examples/$(basename "$f")" && continue
	vg_check "hostile_$(basename "$f" | tr '.-' '__')" "$f"
done

vg_check missing_file "$DIR/does-not-exist.yaml"
vg_check directory "$DIR"
: >"$DIR/empty.yaml"
vg_check empty_file "$DIR/empty.yaml"
head -c 700 policy/examples/radiology.yaml >"$DIR/truncated.yaml"
vg_check truncated_file "$DIR/truncated.yaml"
vg_check endless_stream /dev/zero
{
	echo "version: 1"
	echo "# padding"
	head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' '#'
} >"$DIR/huge.yaml"
vg_check file_over_size_limit "$DIR/huge.yaml"
t_done
