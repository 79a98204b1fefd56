# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# lab.sh's lab with a second device-facing link, for tests that need a
# second device on its own interface. Source it after tests/lib.sh and
# tests/e2e/lab.sh; then `flood_lab_up` (which calls lab_up).
#
#   $LAB-pc: pc0 ---- dev1 :$LAB-gw       gateway routes 198.18.2.0/24 too;
#   198.18.2.22        198.18.2.1         198.18.3.0/24 is a blackhole there
#   02:00:00:00:00:22
#
# The blackhole gives a device somewhere to send a flood of new flows that
# ends at the gateway: the flows are judged and tracked, the datagrams go
# nowhere. The devices' links have no IPv6. flood_lab_down calls lab_down, then removes the extra
# namespace; the EXIT trap calls it even when a test fails.

PC_IP=198.18.2.22
PC_MAC=02:00:00:00:00:22
GW_PC_IP=198.18.2.1
SINKHOLE_NET=198.18.3.0/24
SINKHOLE_IP=198.18.3.1

flood_lab_up() {
	lab_up || return 1
	ip netns add "$(lab_ns pc)" || return 1
	trap flood_lab_down EXIT

	# No IPv6 on the devices: their MLD reports would be drops of theirs
	# (design.md: MLD needs a rule) that a test counting drops must not see.
	in_ns mod sysctl -qw net.ipv6.conf.mod0.disable_ipv6=1
	lab_link pc pc0 dev1 "$PC_IP/24"
	in_ns pc sysctl -qw net.ipv6.conf.pc0.disable_ipv6=1
	in_ns pc ip link set pc0 address "$PC_MAC"
	in_ns pc ip route add default via "$GW_PC_IP"
	in_ns gw ip addr add "$GW_PC_IP/24" dev dev1
	in_ns gw ip link set dev1 up
	in_ns gw ip route add blackhole "$SINKHOLE_NET"
}

# Start the agent as lab_agent_start does, with more options for `ward run`.
flood_agent_start() { # flood_agent_start POLICY [RUN_OPTION...]
	local policy=$1 before i
	shift
	before=$(lab_count_log "ward: enforcing")
	ip netns exec "$(lab_ns gw)" "$WARD" run --policy "$policy" --events "$LAB_EVENTS" \
		--pin-dir "$LAB_PINS" -v "$@" >>"$LAB_DIR/agent.log" 2>&1 &
	LAB_AGENT_PID=$!
	for i in $(seq 200); do
		[ "$(lab_count_log "ward: enforcing")" -gt "$before" ] && return 0
		kill -0 "$LAB_AGENT_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

flood_lab_down() {
	lab_down
	ip netns pids "$(lab_ns pc)" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "$(lab_ns pc)" 2>/dev/null
}
