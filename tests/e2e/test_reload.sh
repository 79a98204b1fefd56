#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# 200 reloads between two policies while traffic flows: the policy file is
# replaced by rename (as editors and config management do), each time with
# the other policy. A ping flood that both policies allow (PACS -> modality
# every 5 ms) never loses a packet; one that neither allows (rogue ->
# modality) never gets one through. The policies differ by a rule, so each
# reload is a new policy, a new generation and a flip of the slots.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

RELOADS=${RELOADS:-200}

# Policy B: policy A and one more inbound rule.
lab_policy_b() {
	lab_policy "$1"
	cat >>"$1" <<YAML
      - from: [pacs]
        proto: tcp
        ports: [104]
YAML
}

# Replace the policy by rename with @1 and wait for its policy-loaded event.
reload_to() {
	local before i
	before=$(lab_count_events '"event":"policy-loaded"')
	cp "$1" "$LAB_DIR/next.yaml"
	mv "$LAB_DIR/next.yaml" "$LAB_POLICY"
	for i in $(seq 500); do
		[ "$(lab_count_events '"event":"policy-loaded"')" -gt "$before" ] && return 0
		sleep 0.01
	done
	return 1
}

# The icmp_seq numbers from 1 to @2 that got no reply, by ping's output @1 (20 at most).
ping_missing() { # ping_missing FILE TRANSMITTED
	comm -13 <(sed -n 's/.* icmp_seq=\([0-9]*\) .*/\1/p' "$1" | sort -u) <(seq "$2" | sort) |
		sort -n | head -n 20 | tr '\n' ' '
}

ping_transmitted() { sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1"; }

lab_up
lab_policy "$LAB_DIR/a.yaml"
lab_policy_b "$LAB_DIR/b.yaml"
in_ns gw "$WARD" check "$LAB_DIR/b.yaml" >/dev/null 2>&1
expect_status "policy B is valid" 0 $?
cp "$LAB_DIR/a.yaml" "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi

# Not through in_ns: $! must be ping itself, which SIGINT stops with its figures.
ip netns exec "$(lab_ns pacs)" ping -n -i 0.005 "$MOD_IP" >"$LAB_DIR/ping-pacs.out" 2>&1 &
ping_pacs=$!
ip netns exec "$(lab_ns rogue)" ping -n -i 0.005 "$MOD_IP" >"$LAB_DIR/ping-rogue.out" 2>&1 &
ping_rogue=$!
LAB_PIDS="$LAB_PIDS $ping_pacs $ping_rogue"
sleep 0.5

start=$(date +%s%N)
done_reloads=0
for i in $(seq "$RELOADS"); do
	if [ $((i % 2)) -eq 1 ]; then next=b; else next=a; fi
	reload_to "$LAB_DIR/$next.yaml" || break
	done_reloads=$i
done
ms=$((($(date +%s%N) - start) / 1000000))
expect_equal "$RELOADS reloads by rename, each with its policy-loaded event" "$RELOADS" \
	"$done_reloads"
echo "# $done_reloads reloads in $ms ms"
sleep 0.3
kill -INT "$ping_pacs" "$ping_rogue"
wait "$ping_pacs" "$ping_rogue"

sent=$(ping_transmitted "$LAB_DIR/ping-pacs.out")
[ "${sent:-0}" -ge $((RELOADS / 2)) ]
expect_status "the allowed ping ran through the reloads (${sent:-no} requests)" 0 $?
# The last request may still have been on its way when ping was stopped.
missing=$(ping_missing "$LAB_DIR/ping-pacs.out" "$((${sent:-1} - 1))")
expect_equal "PACS -> modality: every request before the last got its reply" "" "$missing"
echo "# allowed ping: $sent requests, missing replies: ${missing:-none}"
rogue_sent=$(ping_transmitted "$LAB_DIR/ping-rogue.out")
rogue_got=$(grep -c "bytes from" "$LAB_DIR/ping-rogue.out")
[ "${rogue_sent:-0}" -ge $((RELOADS / 2)) ]
expect_status "the denied ping ran through the reloads (${rogue_sent:-no} requests)" 0 $?
expect_equal "rogue -> modality: no reply ever" 0 "$rogue_got"
[ "$(lab_counter ct-01 dropped no-rule)" -gt 0 ]
expect_status "the rogue's requests are counted as no-rule drops" 0 $?

gen=$(lab_status_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy"]["generation"])')
expect_equal "generation counts every load" $((RELOADS + 1)) "$gen"
expect_contains "status shows the last policy's sha256" "$(lab_status_json)" \
	"\"sha256\":\"$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)\""
before=$(lab_count_events '"event":"policy-loaded"')
kill -HUP "$LAB_AGENT_PID"
lab_wait_event policy-loaded $((before + 1))
expect_status "SIGHUP reloads too" 0 $?
kill -0 "$LAB_AGENT_PID"
expect_status "the agent is still running" 0 $?

t_done
