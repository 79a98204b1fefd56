#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Audit mode with real clients: the attempts that enforce mode refuses
# (tests/e2e/test_enforce.sh) all succeed, and each shows up as a
# would-drop event naming the device, direction and reason, and in the
# would-drop counters of `ward status`, while nothing is counted dropped.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

lab_up
lab_policy "$LAB_POLICY" audit
if lab_agent_start; then t_ok "agent starts in audit mode and attaches to dev0"; else
	t_fail "agent starts in audit mode and attaches to dev0" "$(cat "$LAB_DIR/agent.log")"; fi

lab_echo rogue "$MOD_IP"
expect_status "rogue -> modality echoscu succeeds" 0 $?
lab_store rogue "$MOD_IP"
expect_status "rogue -> modality storescu succeeds" 0 $?
[ -n "$(ls "$LAB_DIR/store-mod")" ]
expect_status "the modality received the rogue's image" 0 $?
lab_store mod "$ROGUE_IP"
expect_status "modality -> rogue storescu succeeds" 0 $?
[ -n "$(ls "$LAB_DIR/store-rogue")" ]
expect_status "the rogue received the modality's image" 0 $?
lab_ping rogue "$MOD_IP"
expect_status "rogue -> modality ping succeeds" 0 $?
lab_echo pacs "$MOD_IP"
expect_status "PACS -> modality echoscu still succeeds" 0 $?

lab_wait_event would-drop 3
ev_in=$(grep '"event":"would-drop"' "$LAB_EVENTS" | grep "\"src\":\"$ROGUE_IP\"" |
	grep "\"dport\":$DICOM_PORT" | head -n1)
expect_contains "inbound would-drop names the device" "$ev_in" '"device":"ct-01"'
expect_contains "inbound would-drop is to-device" "$ev_in" '"direction":"to-device"'
expect_contains "inbound would-drop says no-rule" "$ev_in" '"reason":"no-rule"'
ev_out=$(grep '"event":"would-drop"' "$LAB_EVENTS" | grep "\"dst\":\"$ROGUE_IP\"" | head -n1)
expect_contains "outbound would-drop is from-device" "$ev_out" '"direction":"from-device"'
expect_contains "outbound would-drop says no-rule" "$ev_out" '"reason":"no-rule"'
ev_icmp=$(grep '"event":"would-drop"' "$LAB_EVENTS" | grep "\"src\":\"$ROGUE_IP\"" |
	grep '"proto":"icmp"' | head -n1)
expect_contains "audited ping carries its ICMP type" "$ev_icmp" '"icmp_type":8'
drops=$(lab_count_events '"event":"drop"')
expect_equal "no drop event in audit mode" 0 "$drops"

would=$(lab_counter ct-01 would_drop no-rule)
[ "${would:-0}" -ge 4 ]
expect_status "status counts would-drop no-rule for ct-01 (got ${would:-none})" 0 $?
dropped=$(lab_counter ct-01 dropped no-rule)
expect_equal "status counts no drop for ct-01" 0 "${dropped:-none}"
mode=$(lab_status_json | python3 -c '
import json, sys
print([d for d in json.load(sys.stdin)["devices"] if d["name"] == "ct-01"][0]["mode"])')
expect_equal "status shows ct-01 in audit mode" audit "$mode"
tail=$(in_ns gw "$WARD" tail --events "$LAB_EVENTS" 2>&1)
expect_contains "ward tail shows the would-drops" "$tail" "ct-01"

t_done
