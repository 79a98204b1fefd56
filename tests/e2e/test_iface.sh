#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The policy's interface going away and coming back. Down and up: the
# programs stay (same ids), no event, still enforced. Deleted: a detached
# event. Created again (a new ifindex): the agent attaches within a second,
# with attached events, and enforces on it, the maps keyed by the new index.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

now_ms() { echo $(($(date +%s%N) / 1000000)); }

lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi
xdp_before=$(lab_xdp_id gw dev0)
tc_before=$(lab_iface_field dev0 tc_id)
ifindex_before=$(lab_iface_field dev0 ifindex)

in_ns gw ip link set dev0 down
sleep 0.3
in_ns gw ip link set dev0 up
sleep 0.5
expect_equal "down/up: same XDP program on dev0" "$xdp_before" "$(lab_xdp_id gw dev0)"
expect_equal "down/up: same TC filter on dev0" "$tc_before" "$(lab_iface_field dev0 tc_id)"
expect_equal "down/up: no detached event" 0 "$(lab_count_events '"event":"detached"')"
lab_ping pacs "$MOD_IP"
expect_status "down/up: PACS -> modality ping succeeds" 0 $?
lab_ping rogue "$MOD_IP"
expect_refused "down/up: rogue -> modality ping fails" $?

attached=$(lab_count_events '"event":"attached"')
in_ns gw ip link del dev0
lab_wait_event detached 1
expect_status "deleted: detached event" 0 $?
ev=$(grep '"event":"detached"' "$LAB_EVENTS" | head -n1)
expect_contains "the detached event names dev0" "$ev" '"iface":"dev0"'

# Created again, as a re-plugged NIC would be: the pair, then its addresses.
ip link add mod0 netns "$(lab_ns mod)" type veth peer name dev0 netns "$(lab_ns gw)"
created=$(now_ms)
attach_ms=
for i in $(seq 100); do
	if [ -n "$(lab_xdp_id gw dev0)" ]; then
		attach_ms=$(($(now_ms) - created))
		break
	fi
	sleep 0.02
done
[ -n "$attach_ms" ] && [ "$attach_ms" -le 1000 ]
expect_status "created again: XDP attached within a second (${attach_ms:-never} ms)" 0 $?
lab_wait_event attached $((attached + 2))
expect_status "created again: attached events for XDP and TC" 0 $?
tail=$(grep '"event":"attached"' "$LAB_EVENTS" | tail -n2)
expect_contains "the attached events name dev0" "$tail" '"iface":"dev0"'
expect_contains "one of them for TC" "$tail" '"mode":"tc"'

in_ns mod ip addr add "$MOD_IP/24" dev mod0
in_ns mod ip link set mod0 address "$MOD_MAC"
in_ns mod ip link set mod0 up
in_ns mod ip route add default via "$GW_DEV_IP"
in_ns gw ip addr add "$GW_DEV_IP/24" dev dev0
in_ns gw ip link set dev0 up
ifindex_after=$(lab_iface_field dev0 ifindex)
[ "$ifindex_after" != "$ifindex_before" ] && [ -n "$(lab_iface_field dev0 tc_id)" ] &&
	[ "$(lab_iface_field dev0 tc_id)" -gt 0 ]
expect_status "status: dev0 has a new ifindex ($ifindex_before -> $ifindex_after) and a TC filter" \
	0 $?
for i in $(seq 20); do lab_ping pacs "$MOD_IP" && break; done
lab_ping pacs "$MOD_IP"
expect_status "created again: PACS -> modality ping succeeds" 0 $?
lab_echo pacs "$MOD_IP"
expect_status "created again: PACS -> modality echoscu succeeds" 0 $?
lab_ping rogue "$MOD_IP"
expect_refused "created again: rogue -> modality ping fails" $?
lab_echo rogue "$MOD_IP"
expect_refused "created again: rogue -> modality echoscu fails" $?
before=$(lab_counter ct-01 dropped no-rule)
lab_ping rogue "$MOD_IP"
[ "$(lab_counter ct-01 dropped no-rule)" -gt "${before:-0}" ]
expect_status "created again: the rogue's ping is a no-rule drop of ct-01" 0 $?
kill -0 "$LAB_AGENT_PID"
expect_status "the agent is still running" 0 $?

t_done
