#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Every example policy shipped in policy/examples/ must pass `ward check`
# cleanly: exit status 0, a one-line summary that counts its devices, and
# not a single warning. An example that warns teaches a bad habit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

for policy in policy/examples/*.yaml; do
	name=$(basename "$policy" .yaml)
	out=$("$WARD" check "$policy" 2>&1)
	rc=$?
	expect_status "check_example_${name}_passes" 0 "$rc"
	expect_equal "check_example_${name}_prints_one_line" 1 "$(printf '%s\n' "$out" | wc -l)"
	case "$out" in
	"$policy: valid: "[1-9]*" device"*) t_ok "check_example_${name}_summary_counts_devices" ;;
	*) t_fail "check_example_${name}_summary_counts_devices" "$out" ;;
	esac
	case "$out" in
	*warning*) t_fail "check_example_${name}_has_no_warning" "$out" ;;
	*) t_ok "check_example_${name}_has_no_warning" ;;
	esac
done

t_done
