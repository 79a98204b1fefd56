#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# ward check on files: valid policies (the examples, a generated one), each
# kind of bad input an attacker or a slip could produce (empty, random
# bytes, truncated, tabs, an alias bomb, deep nesting, 100 MB, invalid
# UTF-8), errors with their positions, and the exit statuses of usage.
# Hostile inputs run under `ulimit -v` and `timeout`, so a blow-up or a hang
# fails the test instead of the machine.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

TMP=$(mktemp -d /tmp/ward-test-check.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
GENPOLICY=${GENPOLICY:-$(dirname "$WARD")/tools/genpolicy}
MEM_KB=$((1024 * 1024))
TIME_S=20

# run_check FILE: ward check under the memory and time limits; sets OUT and RC.
run_check() {
	OUT=$( (ulimit -v $MEM_KB && timeout $TIME_S "$WARD" check "$1") 2>&1)
	RC=$?
}

# expect_invalid NAME FILE TEXT: exit 1 and TEXT in the output.
expect_invalid() {
	run_check "$2"
	expect_status "$1: exit 1" 1 "$RC"
	expect_contains "$1: says why" "$OUT" "$3"
}

test_check_examples_are_valid() {
	local f

	for f in policy/examples/*.yaml; do
		run_check "$f"
		expect_status "example $(basename "$f") is valid" 0 "$RC"
		expect_contains "example $(basename "$f") summary" "$OUT" "$f: valid: "
	done
}

test_check_summary_and_warnings() {
	cat >"$TMP/warn.yaml" <<-'YAML'
	version: 1
	interfaces: [{ name: dev0 }]
	devices:
	  - name: a
	    mac: "02:00:00:00:00:01"
	    outbound:
	      - { to: [any], proto: tcp }
	      - { to: [198.18.1.1], proto: tcp, ports: [443] }
	YAML
	run_check "$TMP/warn.yaml"
	expect_status "warnings still exit 0" 0 "$RC"
	expect_contains "warning at the covered rule" "$OUT" \
		"$TMP/warn.yaml:8:9: warning: this rule never decides anything: the earlier outbound rule of 'a' at line 7 already allows every flow it allows"
	expect_contains "summary counts" "$OUT" \
		"$TMP/warn.yaml: valid: 1 device, 2 rules, 0 sets, 0 services, 1 interface,"
	expect_contains "summary counts warnings" "$OUT" ", 1 warning"
}

test_check_reports_every_error() {
	cat >"$TMP/bad.yaml" <<-'YAML'
	version: 1
	sets:
	  pacs: [198.18.1.10, 198.18.1.5/24]
	interfaces: [{ name: dev0 }]
	devices:
	  - name: a
	    mac: "02:00:00:00:00:01"
	    outbond: []
	  - name: a
	    mac: "02:00:00:00:00:01"
	YAML
	run_check "$TMP/bad.yaml"
	expect_status "invalid policy exits 1" 1 "$RC"
	expect_contains "host bits" "$OUT" \
		"$TMP/bad.yaml:3:23: error: 198.18.1.5/24 has host bits set; did you mean 198.18.1.0/24?"
	expect_contains "unknown key" "$OUT" \
		"$TMP/bad.yaml:8:5: error: unknown key 'outbond' in device; did you mean 'outbound'?"
	expect_contains "duplicate name" "$OUT" \
		"$TMP/bad.yaml:9:11: error: duplicate device name 'a'; the first is at line 6"
	expect_contains "MAC twice" "$OUT" \
		"$TMP/bad.yaml:10:10: error: MAC 02:00:00:00:00:01 already belongs to device 'a' (line 7)"
}

test_check_over_a_datapath_limit() {
	local i

	{
		printf 'version: 1\ninterfaces: [{ name: dev0 }]\ndevices:\n'
		printf '  - name: a\n    mac: "02:00:00:00:00:01"\n    outbound:\n'
		for i in $(seq 1 65); do
			printf '      - { to: [198.18.1.%d], proto: tcp }\n' "$i"
		done
	} >"$TMP/rules.yaml"
	expect_invalid "65 rules in one direction" "$TMP/rules.yaml" "the datapath holds at most 64"
}

test_check_empty_file() {
	: >"$TMP/empty.yaml"
	expect_invalid "empty file" "$TMP/empty.yaml" \
		"$TMP/empty.yaml: error: the file is empty; a policy needs at least version, interfaces and devices"
}

test_check_random_bytes() {
	head -c 65536 /dev/urandom >"$TMP/random.yaml"
	expect_invalid "random bytes" "$TMP/random.yaml" "$TMP/random.yaml:"
	expect_contains "random bytes: an error line" "$OUT" ": error: "
}

test_check_truncated_file() {
	printf 'version: 1\ninterfaces: [{ name: dev0 }]\ndevices:\n  - name: a\n    mac: "02:00:00' \
		>"$TMP/trunc1.yaml"
	printf 'version: 1\ninterfaces: [{ name: dev0 }\n' >"$TMP/trunc2.yaml"
	expect_invalid "file cut mid-string" "$TMP/trunc1.yaml" \
		"$TMP/trunc1.yaml:5:19: error: YAML syntax: found unexpected end of stream while scanning a quoted scalar (from line 5)"
	expect_invalid "file cut mid-list" "$TMP/trunc2.yaml" \
		"$TMP/trunc2.yaml:3:1: error: YAML syntax: did not find expected ',' or ']'"
}

test_check_tabs() {
	printf 'version: 1\ninterfaces:\n\t- name: dev0\ndevices: []\n' >"$TMP/tabs.yaml"
	expect_invalid "tab indentation" "$TMP/tabs.yaml" \
		"$TMP/tabs.yaml:3:1: error: YAML syntax: found character that cannot start any token (a tab in the indentation: YAML indents with spaces only)"
}

test_check_alias_bomb() {
	local i

	{
		echo 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'
		for i in $(seq 1 12); do
			printf 'a%d: &a%d [' "$i" "$i"
			printf '*a%d, ' $(yes $((i - 1)) | head -n 9)
			printf '*a%d]\n' $((i - 1))
		done
	} >"$TMP/bomb.yaml"
	expect_invalid "billion laughs" "$TMP/bomb.yaml" \
		"error: aliases expand the policy to more than 8388608 nodes; the limit is 8388608"
}

test_check_deep_nesting() {
	{
		printf 'version: 1\nsets: '
		head -c 10000 /dev/zero | tr '\0' '['
		head -c 10000 /dev/zero | tr '\0' ']'
		echo
	} >"$TMP/deep1.yaml"
	{
		printf 'version: 1\n'
		for i in $(seq 0 9999); do
			printf '%*sk:\n' "$i" ''
		done
	} >"$TMP/deep2.yaml"
	expect_invalid "10,000 nested lists" "$TMP/deep1.yaml" \
		"$TMP/deep1.yaml:2:70: error: lists and mappings nest more than 64 deep here; the limit is 64"
	expect_invalid "10,000 nested mappings" "$TMP/deep2.yaml" \
		"error: lists and mappings nest more than 64 deep here; the limit is 64"
}

test_check_huge_file() {
	# A real 100 MB file, not a sparse one, so that reading it would cost.
	head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$TMP/huge.yaml"
	expect_invalid "100 MB file" "$TMP/huge.yaml" \
		"$TMP/huge.yaml: error: the file is 104857600 bytes or more; the limit is 67108864 (64 MiB)"
	rm -f "$TMP/huge.yaml"
	OUT=$( (ulimit -v $MEM_KB && head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' ' ' |
		timeout $TIME_S "$WARD" check /dev/stdin) 2>&1)
	RC=$?
	expect_status "100 MB on a pipe: exit 1" 1 "$RC"
	expect_contains "100 MB on a pipe: says why" "$OUT" \
		"the file is 67108865 bytes or more; the limit is 67108864 (64 MiB)"
}

test_check_invalid_utf8() {
	printf 'version: 1\ninterfaces: [{ name: dev0 }]\ndevices:\n  - name: ct\xff01\n' \
		>"$TMP/utf8.yaml"
	expect_invalid "invalid UTF-8 in a name" "$TMP/utf8.yaml" \
		"$TMP/utf8.yaml:4:13: error: invalid UTF-8 (byte 0xff); a policy file must be UTF-8 text"
}

test_check_unreadable() {
	expect_invalid "missing file" "$TMP/nope.yaml" \
		"$TMP/nope.yaml: error: cannot open the policy: No such file or directory"
	expect_invalid "a directory" "$TMP" "$TMP: error: cannot read the policy: Is a directory"
}

test_check_usage() {
	"$WARD" check >/dev/null 2>&1
	expect_status "no argument: usage, exit 2" 2 $?
	"$WARD" check a b >/dev/null 2>&1
	expect_status "two arguments: usage, exit 2" 2 $?
	"$WARD" check --bogus x >/dev/null 2>&1
	expect_status "unknown option: usage, exit 2" 2 $?
	OUT=$("$WARD" check --help 2>&1)
	expect_status "--help: exit 0" 0 $?
	expect_contains "--help says how" "$OUT" "usage: ward check POLICY"
}

test_check_generated_policy() {
	if [ ! -x "$GENPOLICY" ]; then
		t_fail "generated policy" "$GENPOLICY is missing: run make"
		return
	fi
	"$GENPOLICY" 200 20 >"$TMP/gen.yaml"
	run_check "$TMP/gen.yaml"
	expect_status "generated policy is valid" 0 "$RC"
	expect_contains "generated policy has no warning" "$OUT" \
		"valid: 200 devices, 4000 rules, 80 sets, 6 services, 4 interfaces"
	case "$OUT" in
	*warning*) t_fail "generated policy: no warning" "$OUT" ;;
	*) t_ok "generated policy: no warning" ;;
	esac
}

test_check_examples_are_valid
test_check_summary_and_warnings
test_check_reports_every_error
test_check_over_a_datapath_limit
test_check_empty_file
test_check_random_bytes
test_check_truncated_file
test_check_tabs
test_check_alias_bomb
test_check_deep_nesting
test_check_huge_file
test_check_invalid_utf8
test_check_unreadable
test_check_usage
test_check_generated_policy
t_done
