#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Least privilege of `ward run` (cli.md, "Privilege"): once started it holds
# CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON and nothing else, in its effective,
# permitted and bounding sets, none inheritable or ambient; its pins are
# 0600 in a 0700 directory; its events file is 0640. Started with any one
# of the three missing from its bounding set (setpriv), it exits with
# status 3 and names the missing capability, before touching anything.
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
