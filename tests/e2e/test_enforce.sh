#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Enforce mode with real clients: the PACS reaches the modality with DICOM
# echo and store, the rogue host does not; the modality stores to the PACS
# and not to the rogue. Each denied attempt is an event naming the device,
# direction and reason, and shows in `ward status`. Then `ward detach`
# lifts it all and removes the pins.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts and attaches to dev0"; else
	t_fail "agent starts and attaches to dev0" "$(cat "$LAB_DIR/agent.log")"; fi

lab_echo pacs "$MOD_IP"
expect_status "PACS -> modality echoscu succeeds" 0 $?
lab_store pacs "$MOD_IP"
expect_status "PACS -> modality storescu succeeds" 0 $?
lab_echo mod "$PACS_IP"
expect_status "modality -> PACS echoscu succeeds" 0 $?
lab_store mod "$PACS_IP"
expect_status "modality -> PACS storescu succeeds" 0 $?
[ -n "$(ls "$LAB_DIR/store-pacs")" ]
expect_status "the PACS received the modality's image" 0 $?
lab_ping pacs "$MOD_IP"
expect_status "PACS -> modality ping succeeds" 0 $?

lab_echo rogue "$MOD_IP"
expect_status "rogue -> modality echoscu fails" 124 $(( $? ? 124 : 0 ))
lab_store rogue "$MOD_IP"
expect_status "rogue -> modality storescu fails" 124 $(( $? ? 124 : 0 ))
lab_store mod "$ROGUE_IP"
expect_status "modality -> rogue storescu fails" 124 $(( $? ? 124 : 0 ))
[ -z "$(ls "$LAB_DIR/store-rogue")" ]
expect_status "the rogue received nothing" 0 $?
lab_ping rogue "$MOD_IP"
expect_status "rogue -> modality ping fails" 124 $(( $? ? 124 : 0 ))
in_ns rogue sh -c "echo hi | timeout 2 nc -u -w1 $MOD_IP 514"
in_ns mod timeout 3 nc -l -u -w 2 -p 514 >"$LAB_DIR/udp.out" &
sleep 0.3
in_ns rogue sh -c "echo probe | nc -u -w1 $MOD_IP 514"
wait $!
[ ! -s "$LAB_DIR/udp.out" ]
expect_status "rogue -> modality UDP never arrives" 0 $?

lab_wait_event drop 3
ev_in=$(grep '"event":"drop"' "$LAB_EVENTS" | grep "\"src\":\"$ROGUE_IP\"" | grep '"dport":11112' | head -n1)
expect_contains "inbound drop event names the device" "$ev_in" '"device":"ct-01"'
expect_contains "inbound drop event is to-device" "$ev_in" '"direction":"to-device"'
expect_contains "inbound drop event says no-rule" "$ev_in" '"reason":"no-rule"'
ev_out=$(grep '"event":"drop"' "$LAB_EVENTS" | grep "\"dst\":\"$ROGUE_IP\"" | head -n1)
expect_contains "outbound drop event is from-device" "$ev_out" '"direction":"from-device"'
expect_contains "outbound drop event names the device" "$ev_out" '"device":"ct-01"'
ev_icmp=$(grep '"event":"drop"' "$LAB_EVENTS" | grep "\"src\":\"$ROGUE_IP\"" | grep '"proto":"icmp"' | head -n1)
expect_contains "denied ping is an event with its ICMP type" "$ev_icmp" '"icmp_type":8'

dropped=$(lab_counter ct-01 dropped no-rule)
[ "${dropped:-0}" -ge 4 ]
expect_status "ward status counts the no-rule drops of ct-01 (got ${dropped:-none})" 0 $?
status=$(in_ns gw "$WARD" status --pin-dir "$LAB_PINS")
expect_contains "human status names the interface" "$status" "dev0"
expect_contains "human status shows the device's drops" "$status" "no-rule"
json=$(lab_status_json)
expect_contains "status --json has the policy's sha256" "$json" \
	"\"sha256\":\"$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)\""

lab_agent_stop
lab_echo rogue "$MOD_IP"
expect_status "agent stopped: rogue is still refused" 124 $(( $? ? 124 : 0 ))
expect_contains "agent-stop event written" "$(tail -n1 "$LAB_EVENTS")" '"event":"agent-stop"'

in_ns gw "$WARD" detach --pin-dir "$LAB_PINS"
expect_status "ward detach succeeds" 0 $?
in_ns gw ip link show dev0 | grep -q xdp
expect_status "no XDP program left on dev0" 1 $?
[ -e "$LAB_PINS" ]
expect_status "pins removed" 1 $?
lab_echo rogue "$MOD_IP"
expect_status "detached: rogue reaches the modality" 0 $?

t_done
