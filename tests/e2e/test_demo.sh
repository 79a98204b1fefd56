#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sudo make demo` as CI runs it, after the build: `OUT=build tools/demo.sh`.
#
# - test_demo_runs: the demo exits 0, printed the summary line of each of its
#   steps as PASS and the drop log as it happened, and took less than a
#   generous bound; afterwards none of its namespaces, its pin directory,
#   its temporary directory, its BPF programs or its processes remain.
# - test_demo_wrong_verdict: with pump-01 enforced instead of audited, the
#   demo exits 1 and its summary names step 4 as failed, and only that one.
# - test_demo_sigint: SIGINT to the demo's shell alone in the middle of the
#   scenario (as `kill -INT`): it exits 130 and leaves nothing behind.
# - test_demo_ctrl_c: SIGINT to its whole process group, as Ctrl-C at a
#   terminal sends it (ward run, ward tail and the clients get it too): the
#   same.
#
# Every process the demo starts inherits WARD_DEMO_MARK from this test, so
# that one left behind is found by its environment, whichever namespace or
# name it has, without mistaking another helper's nc or ward for it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

OUT=${OUT:-$(dirname "$WARD")}
MARK="test-demo-$$"
LOG_DIR=$(mktemp -d /tmp/ward-test-demo-XXXXXX)
DEMO_PID=

# The issue asks for a demo under a minute. Speed targets are not timed
# tests: a shared 2-core machine can be several times slower than the
# demo's ~5 s at a bad moment, so the time is printed as a measurement and
# only a bound that a working demo never reaches fails the test.
DEMO_BOUND=170

# On failure of the test itself, do not leave a demo running.
cleanup_test() {
	[ -n "$DEMO_PID" ] && kill -TERM "$DEMO_PID" 2>/dev/null && wait "$DEMO_PID" 2>/dev/null
	rm -rf "$LOG_DIR"
}
trap cleanup_test EXIT

# start_demo LOG: the demo in the background, in its own session and process
# group (as at a terminal), with SIGINT at its default disposition even
# though a background job of a script would inherit it ignored.
start_demo() {
	WARD_DEMO_MARK=$MARK OUT=$OUT setsid env --default-signal=INT tools/demo.sh \
		>"$1" 2>&1 </dev/null &
	DEMO_PID=$!
}

# finish_demo: wait for the demo, at most 300 s; sets DEMO_RC.
finish_demo() {
	local waited=0

	while kill -0 "$DEMO_PID" 2>/dev/null && [ "$waited" -lt 3000 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	kill -0 "$DEMO_PID" 2>/dev/null && kill -KILL -- -"$DEMO_PID"
	wait "$DEMO_PID"
	DEMO_RC=$?
}

# wait_for_output LOG TEXT: until the demo has printed TEXT, at most 60 s.
wait_for_output() {
	local tries=600

	until grep -qF -- "$2" "$1"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] && kill -0 "$DEMO_PID" 2>/dev/null || return 1
		sleep 0.1
	done
}

marked_pids() {
	grep -lsz "^WARD_DEMO_MARK=$MARK\$" /proc/[0-9]*/environ | cut -d/ -f3
}

# The demo's processes may take a moment to be reaped after it exits.
no_marked_process() {
	local tries=50

	while [ -n "$(marked_pids)" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# expect_nothing_left WHAT PID LOG: the namespaces wd<PID>-*, the pin
# directory, the temporary directory named in LOG and every marked process
# are gone.
expect_nothing_left() {
	local what=$1 pid=$2 log=$3 tmp left

	left=$(ip netns list | awk -v p="wd$pid-" 'index($1, p) == 1 { print $1 }' | tr '\n' ' ')
	expect_equal "$what: no namespace wd$pid-* left" "" "$left"
	[ ! -e "/sys/fs/bpf/ward-demo-$pid" ]
	expect_status "$what: no pin directory /sys/fs/bpf/ward-demo-$pid left" 0 $?
	tmp=$(grep -o '/tmp/ward-demo-[A-Za-z0-9]*' "$log" | head -n 1)
	[ -n "$tmp" ] && [ ! -e "$tmp" ]
	expect_status "$what: no temporary directory ${tmp:-(none named)} left" 0 $?
	if no_marked_process; then
		t_ok "$what: no process of the demo left"
	else
		t_fail "$what: no process of the demo left" \
			"$(marked_pids | xargs -r ps -o pid=,args= -p)"
	fi
}

prog_loaded() { bpftool prog show id "$1" >/dev/null 2>&1; }

# The programs' ids as ward status printed them, then gone from the kernel
# (freed once the last reference, the namespace's interface, is gone).
expect_programs_unloaded() {
	local log=$1 ids id tries

	ids=$(sed -n 's/.*xdp \([0-9]*\) ([a-z]*), tc \([0-9]*\)$/\1 \2/p' "$log")
	if [ -z "$ids" ]; then
		t_fail "the demo's BPF programs are unloaded" "no program ids in ward status"
		return
	fi
	for id in $ids; do
		tries=50
		while prog_loaded "$id" && [ "$tries" -gt 0 ]; do
			sleep 0.1
			tries=$((tries - 1))
		done
	done
	for id in $ids; do
		if prog_loaded "$id"; then
			t_fail "the demo's BPF programs ($ids) are unloaded" "program $id is loaded"
			return
		fi
	done
	t_ok "the demo's BPF programs ($ids) are unloaded"
}

test_demo_runs() {
	local log="$LOG_DIR/run.log" started elapsed pid line

	started=$(date +%s%N)
	start_demo "$log"
	pid=$DEMO_PID
	finish_demo
	DEMO_PID=
	elapsed=$((($(date +%s%N) - started) / 1000000))
	echo "# the demo took $((elapsed / 1000)).$((elapsed % 1000 / 100)) s"
	if [ "$DEMO_RC" -eq 0 ]; then
		t_ok "the demo exits 0"
	else
		t_fail "the demo exits 0" "exit status $DEMO_RC; its output:" "$(cat "$log")"
	fi
	for line in "PASS 1. mon-01 -> central station" "PASS 2. ct-01 -> PACS" \
		"PASS 3. rogue -> ct-01" "PASS 4. pump-01 (audit)" "PASS 5. lab-01 (infected)" \
		"PASS 6. mon-01's session" "PASS 7. ward status" \
		"every step had the verdict it should"; do
		expect_contains "summary: $line" "$(cat "$log")" "$line"
	done
	grep -q FAIL "$log"
	expect_status "no check printed FAIL" 1 $?
	for line in "DROP  ct-01 [clinical] to-device tcp 198.18.1.66:" \
		"WOULD pump-01 [life-critical] from-device tcp 198.18.0.41:" \
		"DROP  lab-01 [clinical] from-device tcp 198.18.0.51:"; do
		expect_contains "ward tail -f showed: $line" "$(grep '^    | ' "$log")" "$line"
	done
	[ "$elapsed" -lt $((DEMO_BOUND * 1000)) ]
	expect_status "the demo finished within $DEMO_BOUND s (took $((elapsed / 1000)) s)" 0 $?
	expect_nothing_left "after the demo" "$pid" "$log"
	expect_programs_unloaded "$log"
}

test_demo_wrong_verdict() {
	local log="$LOG_DIR/wrong.log" policy="$LOG_DIR/enforced.yaml"

	sed 's/^    mode: audit .*/    mode: enforce/' policy/examples/demo.yaml >"$policy"
	if cmp -s "$policy" policy/examples/demo.yaml; then
		t_fail "a policy with pump-01 enforced" "no 'mode: audit' line in demo.yaml"
		return
	fi
	WARD_DEMO_POLICY=$policy start_demo "$log"
	finish_demo
	DEMO_PID=
	expect_status "pump-01 enforced: the demo exits 1" 1 "$DEMO_RC"
	expect_contains "pump-01 enforced: step 4 is named as failed" "$(cat "$log")" \
		"FAIL 4. pump-01 (audit)"
	expect_contains "pump-01 enforced: the failed check is named" "$(cat "$log")" \
		"failed: pump-01 -> 198.18.1.99:445 (no connection: audit mode dropped it)"
	expect_equal "pump-01 enforced: the other steps pass" 6 "$(grep -c '^    PASS [0-9]\.' "$log")"
	expect_contains "pump-01 enforced: the count of failed steps" "$(cat "$log")" \
		"1 of 7 steps did not have the verdict they should"
}

# interrupt_demo WHAT SIGNAL-TARGET: start the demo, wait until it is in the
# middle of step 3 (the rogue's attempts, with clients waiting on timeouts),
# send SIGINT to the shell alone (pid) or to its process group (group).
interrupt_demo() {
	local what=$1 target=$2 log="$LOG_DIR/$2.log" pid

	start_demo "$log"
	pid=$DEMO_PID
	if wait_for_output "$log" "==> 3."; then
		t_ok "$what: the demo reached step 3"
	else
		t_fail "$what: the demo reached step 3" "$(cat "$log")"
	fi
	case "$target" in
	pid) kill -INT "$pid" ;;
	group) kill -INT -- -"$pid" ;;
	esac
	finish_demo
	DEMO_PID=
	expect_status "$what: the demo exits 130" 130 "$DEMO_RC"
	expect_contains "$what: the demo says it was interrupted" "$(cat "$log")" \
		"demo: interrupted, removing what it created"
	grep -q "every step had the verdict it should" "$log"
	expect_status "$what: no claim of success" 1 $?
	expect_nothing_left "$what" "$pid" "$log"
}

test_demo_sigint() { interrupt_demo "SIGINT to the demo" pid; }
test_demo_ctrl_c() { interrupt_demo "Ctrl-C (SIGINT to the group)" group; }

test_demo_runs
test_demo_wrong_verdict
test_demo_sigint
test_demo_ctrl_c
t_done
