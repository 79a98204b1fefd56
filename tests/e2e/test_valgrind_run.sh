#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A short `ward run` under valgrind: it loads the policy, attaches, streams
# the events of a few denied pings and a reload, and stops on SIGTERM, with
# no invalid read or write, no use of uninitialised memory and no definite
# or indirect leak. tests/e2e/valgrind-syscalls.supp holds what valgrind
# reports of its own narrow models of bpf() and capget().
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

VG_ERROR=99
lab_up
lab_policy "$LAB_POLICY"
ip netns exec "$(lab_ns gw)" valgrind --quiet --leak-check=full \
	--suppressions=tests/e2e/valgrind-syscalls.supp \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=$VG_ERROR \
	--log-file="$LAB_DIR/vg.log" "$WARD" run --policy "$LAB_POLICY" --events "$LAB_EVENTS" \
	--pin-dir "$LAB_PINS" >"$LAB_DIR/agent.log" 2>&1 &
LAB_AGENT_PID=$!
ok=0
for i in $(seq 300); do
	grep -q '"event":"attached"' "$LAB_EVENTS" 2>/dev/null && ok=1 && break
	sleep 0.1
done
expect_equal "ward run starts under valgrind" 1 "$ok"

lab_ping rogue "$MOD_IP"
lab_echo rogue "$MOD_IP"
{ cat "$LAB_POLICY"; echo "# reload"; } >"$LAB_POLICY.new" && mv "$LAB_POLICY.new" "$LAB_POLICY"
lab_wait_event policy-loaded 2
printf 'garbage: [\n' >"$LAB_POLICY"
for i in $(seq 100); do
	[ "$(lab_count_events '"event":"drop"')" -ge 1 ] &&
		[ "$(lab_count_events '"event":"policy-rejected"')" -ge 1 ] && break
	sleep 0.1
done
expect_equal "it streamed drops, a reload and a rejection" "1 2 1" \
	"$(lab_count_events '"event":"drop"' | sed 's/^[1-9][0-9]*$/1/') $(lab_count_events \
	'"event":"policy-loaded"') $(lab_count_events '"event":"policy-rejected"')"

kill -TERM "$LAB_AGENT_PID"
wait "$LAB_AGENT_PID"
rc=$?
LAB_AGENT_PID=
expect_status "it stops on SIGTERM with status 0, valgrind clean" 0 "$rc"
# Its own notes (--PID-- WARNING: unhandled eBPF command) are not reports.
if grep -q '^==[0-9]*==' "$LAB_DIR/vg.log"; then
	t_fail "valgrind reports nothing" "$(grep '^==' "$LAB_DIR/vg.log" | head -n 40)"
else
	t_ok "valgrind reports nothing"
fi
t_done
