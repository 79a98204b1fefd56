# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Helpers for shell tests: TAP output that tests/run.sh counts, and
# assertions that say what was expected and what came instead.
# Source it; call `t_ok NAME` / `t_fail NAME WHY`, or the expect_* helpers.

T_COUNT=0
T_FAILED=0
WARD=${WARD:-build/ward}

t_ok() {
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT - $1"
}

t_fail() {
	T_COUNT=$((T_COUNT + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_COUNT - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

# expect_status NAME WANT GOT
expect_status() {
	if [ "$3" -eq "$2" ]; then
		t_ok "$1"
	else
		t_fail "$1" "exit status $3, expected $2"
	fi
}

# expect_contains NAME HAYSTACK NEEDLE
expect_contains() {
	case "$2" in
	*"$3"*) t_ok "$1" ;;
	*) t_fail "$1" "expected to find: $3" "in: $2" ;;
	esac
}

# expect_equal NAME WANT GOT
expect_equal() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: $2" "got:      $3"
	fi
}

t_done() {
	echo "1..$T_COUNT"
	[ "$T_FAILED" -eq 0 ]
}
