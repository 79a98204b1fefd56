# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Helpers of the operations tests (syslog, metrics, logrotate), on top of
# tests/e2e/lab.sh: a policy of one device of each criticality (and one
# auditing device) sharing the modality's link, drops toward each of them
# from the rogue host, and `ward run` with extra options. Collectors run in
# the gateway's namespace, on its own loopback, where ward runs too.

OPS_PUMP_IP=198.18.0.21 # life-critical
OPS_CT_IP=198.18.0.22	# clinical
OPS_HR_IP=198.18.0.23	# administrative
OPS_AUD_IP=198.18.0.24	# clinical, audit mode

# Devices matched by address only: they share the modality namespace's link.
ops_policy() { # ops_policy FILE
	cat >"$1" <<YAML
version: 1
sets:
  pacs: [$PACS_IP]
interfaces:
  - name: dev0
    unknown_hosts: pass
devices:
  - name: pump-01
    ipv4: [$OPS_PUMP_IP]
    criticality: life-critical
    inbound:
      - from: [pacs]
        proto: icmp
  - name: ct-02
    ipv4: [$OPS_CT_IP]
    criticality: clinical
    inbound:
      - from: [pacs]
        proto: icmp
  - name: hr-03
    ipv4: [$OPS_HR_IP]
    criticality: administrative
    inbound:
      - from: [pacs]
        proto: icmp
  - name: audit-04
    ipv4: [$OPS_AUD_IP]
    criticality: clinical
    mode: audit
    inbound:
      - from: [pacs]
        proto: icmp
YAML
}

ops_lab_up() {
	local ip
	lab_up
	for ip in $OPS_CT_IP $OPS_HR_IP $OPS_AUD_IP; do
		in_ns mod ip addr add "$ip/24" dev mod0
	done
	ops_policy "$LAB_POLICY"
}

# ward run in the gateway with extra options; waits until it says it enforces.
ops_agent_start() { # ops_agent_start [OPTION...]
	local before i
	before=$(lab_count_log "ward: enforcing")
	ip netns exec "$(lab_ns gw)" "$WARD" run --policy "$LAB_POLICY" --events "$LAB_EVENTS" \
		--pin-dir "$LAB_PINS" -v "$@" >>"$LAB_DIR/agent.log" 2>&1 &
	LAB_AGENT_PID=$!
	for i in $(seq 200); do
		[ "$(lab_count_log "ward: enforcing")" -gt "$before" ] && return 0
		kill -0 "$LAB_AGENT_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# UDP datagrams from the rogue host to @1 on ports @2..@3: one drop event each.
ops_udp_sweep() { # ops_udp_sweep IP FIRST LAST
	in_ns rogue bash -c 'for ((p = $2; p <= $3; p++)); do echo x >/dev/udp/$1/$p; done' \
		_ "$1" "$2" "$3" 2>/dev/null
}

# Wait until @2 returns true, @1 tenths of a second at most.
ops_wait() { # ops_wait TENTHS COMMAND...
	local i n=$1
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The gateway's free TCP or UDP port, from a python bind on its loopback.
ops_free_port() { # ops_free_port tcp|udp
	in_ns gw python3 -c '
import socket, sys
t = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, t)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}
