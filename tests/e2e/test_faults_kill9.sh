#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Fault: the agent is killed with SIGKILL twenty times in a row, at a
# different moment of its start each time (loading, adopting the pins,
# filling the inactive slot, attaching, streaming), while the PACS pings the
# modality (allowed) and the rogue host pings it (denied) every 10 ms. No
# verdict may change at any moment: every allowed ping is answered, no
# denied one is, and enforcement is still in place at the end.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

KILLS=20
PINGS=1500 # 15 s at 10 ms

start_agent() {
	ip netns exec "$(lab_ns gw)" "$WARD" run --policy "$LAB_POLICY" --events "$LAB_EVENTS" \
		--pin-dir "$LAB_PINS" >>"$LAB_DIR/agent.log" 2>&1 &
	LAB_AGENT_PID=$!
}

lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi
lab_ping pacs "$MOD_IP"
lab_ping pacs "$MOD_IP"

in_ns pacs ping -q -n -i 0.01 -W 1 -c "$PINGS" "$MOD_IP" >"$LAB_DIR/ping-pacs" 2>&1 &
ping_pacs=$!
in_ns rogue ping -q -n -i 0.01 -W 1 -c "$PINGS" "$MOD_IP" >"$LAB_DIR/ping-rogue" 2>&1 &
ping_rogue=$!

killed=0
for i in $(seq $KILLS); do
	kill -KILL "$LAB_AGENT_PID" 2>/dev/null && killed=$((killed + 1))
	wait "$LAB_AGENT_PID" 2>/dev/null
	start_agent
	sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
done
kill -KILL "$LAB_AGENT_PID" 2>/dev/null && killed=$((killed + 1))
wait "$LAB_AGENT_PID" 2>/dev/null
LAB_AGENT_PID=
expect_equal "the agent was killed $((KILLS + 1)) times" "$((KILLS + 1))" "$killed"
echo "# $(($(lab_count_events '"event":"agent-start"') - 1)) of $KILLS restarts got as far as" \
	"agent-start, $(($(lab_count_events '"event":"attached"') / 2 - 1)) as far as attaching"

wait "$ping_pacs"
wait "$ping_rogue"
rx_pacs=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping-pacs")
rx_rogue=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping-rogue")
expect_equal "every allowed ping was answered through the kills" "$PINGS" "${rx_pacs:-none}"
expect_equal "no denied ping was answered through the kills" "0" "${rx_rogue:-none}"

lab_echo rogue "$MOD_IP"
expect_status "after the kills the rogue is still refused" 124 $(($? ? 124 : 0))
lab_echo pacs "$MOD_IP"
expect_status "after the kills the PACS still reaches the modality" 0 $?
in_ns gw ip link show dev0 | grep -q xdp
expect_status "the XDP program is still attached" 0 $?

if lab_agent_start; then t_ok "an agent starts again and adopts the pins"; else
	t_fail "an agent starts again and adopts the pins" "$(tail -n 5 "$LAB_DIR/agent.log")"; fi
lab_echo rogue "$MOD_IP"
expect_status "under the new agent the rogue is refused" 124 $(($? ? 124 : 0))
lab_agent_stop
t_done
