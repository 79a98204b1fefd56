#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Least privilege of `ward run` (cli.md, "Privilege"): once started it holds
# CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON and nothing else, in its effective,
# permitted and bounding sets, none inheritable or ambient; its pins are
# 0600 in a 0700 directory; its events file is 0640. Started with any one
# of the three missing from its bounding set (setpriv), it exits with
# status 3 and names the missing capability, before touching anything.
# `ward status` and `ward detach` with the three alone under `ip netns exec`
# (whose mount namespace has no bpffs, and the host's needs CAP_SYS_PTRACE
# and CAP_SYS_ADMIN to reach) exit 3 saying so and what to do, not that
# nothing is pinned; under `nsenter --net` with the three alone they work.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

# bits 12 (CAP_NET_ADMIN), 38 (CAP_PERFMON) and 39 (CAP_BPF)
WANT_CAPS=000000c000001000

cap_of() { # cap_of PID FIELD
	sed -n "s/^$2:\t//p" "/proc/$1/status"
}

lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi
lab_wait_event attached 1

for set in CapEff CapPrm CapBnd; do
	expect_equal "$set holds CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON only" "$WANT_CAPS" \
		"$(cap_of "$LAB_AGENT_PID" "$set")"
done
for set in CapInh CapAmb; do
	expect_equal "$set is empty" 0000000000000000 "$(cap_of "$LAB_AGENT_PID" "$set")"
done

expect_equal "the pin directory is 0700" 700 "$(stat -c %a "$LAB_PINS")"
modes=$(find "$LAB_PINS" -mindepth 1 -printf '%m %p\n' | grep -v '^600 ')
[ "$(find "$LAB_PINS" -mindepth 1 | wc -l)" -gt 0 ] && [ -z "$modes" ]
expect_status "every pin is 0600" 0 $?
[ -z "$modes" ] || echo "$modes" | sed 's/^/# /'
expect_equal "the events file is 0640" 640 "$(stat -c %a "$LAB_EVENTS")"
lab_agent_stop

# Only the three capabilities, as a service manager would grant them.
THREE="setpriv --inh-caps=-all --bounding-set=-all,+bpf,+net_admin,+perfmon --"

for cmd in status detach; do
	out=$(in_ns gw $THREE "$WARD" "$cmd" --pin-dir "$LAB_PINS" 2>&1)
	rc=$?
	expect_status "ip netns exec, three capabilities: ward $cmd exits 3" 3 "$rc"
	expect_contains "ip netns exec: ward $cmd says what failed" "$out" \
		"the host's cannot be reached: that needs CAP_SYS_PTRACE and CAP_SYS_ADMIN"
	expect_contains "ip netns exec: ward $cmd says what to do" "$out" \
		"nsenter --net=/run/netns/NS"
	case "$out" in
	*"nothing of ward is pinned"*) t_fail "ip netns exec: ward $cmd does not say nothing is pinned" "$out" ;;
	*) t_ok "ip netns exec: ward $cmd does not say nothing is pinned" ;;
	esac
done
out=$(nsenter --net="/run/netns/$(lab_ns gw)" $THREE "$WARD" status --pin-dir "$LAB_PINS" --json)
expect_status "nsenter --net, three capabilities: ward status works" 0 $?
expect_contains "nsenter --net: ward status reads the counters" "$out" '"devices":[{"name":"ct-01"'
nsenter --net="/run/netns/$(lab_ns gw)" $THREE "$WARD" detach --pin-dir "$LAB_PINS"
expect_status "nsenter --net, three capabilities: ward detach works" 0 $?
[ ! -e "$LAB_PINS" ] && [ -z "$(lab_xdp_id gw dev0)" ]
expect_status "nsenter --net: detached and the pins removed" 0 $?

for cap in bpf net_admin perfmon; do
	NAME=$(echo "CAP_$cap" | tr a-z A-Z)
	out=$(in_ns gw setpriv --inh-caps=-all --bounding-set="-$cap" -- \
		timeout 10 "$WARD" run --policy "$LAB_POLICY" --events "$LAB_DIR/ev-$cap" \
		--pin-dir "$LAB_PINS-$cap" 2>&1)
	rc=$?
	expect_status "without $NAME: exit status 3" 3 "$rc"
	expect_contains "without $NAME: the error names it" "$out" "$NAME"
	[ ! -e "$LAB_PINS-$cap" ]
	expect_status "without $NAME: nothing pinned" 0 $?
	rm -rf "$LAB_PINS-$cap"
done
t_done
