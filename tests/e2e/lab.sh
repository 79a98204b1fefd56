# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A small hospital network in network namespaces for ward's end-to-end
# tests. Source it from a test, after tests/lib.sh; then `lab_up`.
#
#   modality (ct-01)            gateway (ward runs here)            hospital side
#   $LAB-mod: mod0 ---- dev0 :$LAB-gw: br0 -+- pacs0 : $LAB-pacs (PACS)
#   198.18.0.21                198.18.0.1    198.18.1.1  +- rogue0 : $LAB-rogue
#   02:00:00:00:00:21                                          198.18.1.10 / .66
#
# The gateway routes between 198.18.0.0/24 (device side) and 198.18.1.0/24
# (hospital side, a bridge). Addresses come from 198.18.0.0/15 only, and no
# namespace has a route anywhere else. Everything lab_up makes carries the
# unique prefix $LAB and is removed by lab_down, which the EXIT trap calls
# even when a test fails.

LAB=${LAB:-wt$$}
LAB_DIR=$(mktemp -d "/tmp/ward-e2e-$LAB-XXXXXX")
LAB_PINS=/sys/fs/bpf/ward-test-$LAB
LAB_EVENTS=$LAB_DIR/events.jsonl
LAB_POLICY=$LAB_DIR/policy.yaml
LAB_AGENT_PID=
LAB_PIDS=

MOD_IP=198.18.0.21
MOD_MAC=02:00:00:00:00:21
GW_DEV_IP=198.18.0.1
GW_HOSP_IP=198.18.1.1
PACS_IP=198.18.1.10
ROGUE_IP=198.18.1.66
DICOM_PORT=11112
BULK_PORT=5001

lab_ns() { echo "$LAB-$1"; }
in_ns() {
	local ns=$1
	shift
	ip netns exec "$(lab_ns "$ns")" "$@"
}

lab_link() { # lab_link NS IFACE PEER_IN_GW ADDR/PLEN
	ip link add "$2" netns "$(lab_ns "$1")" type veth peer name "$3" netns "$(lab_ns gw)"
	in_ns "$1" ip addr add "$4" dev "$2"
	in_ns "$1" ip link set "$2" up
	in_ns "$1" ip link set lo up
}

lab_up() {
	local ns
	for ns in mod gw pacs rogue; do
		ip netns add "$(lab_ns $ns)"
	done
	trap lab_down EXIT

	lab_link mod mod0 dev0 "$MOD_IP/24"
	in_ns mod ip link set mod0 address "$MOD_MAC"
	in_ns mod ip route add default via "$GW_DEV_IP"

	in_ns gw ip link set lo up
	in_ns gw ip addr add "$GW_DEV_IP/24" dev dev0
	in_ns gw ip link set dev0 up
	in_ns gw ip link add br0 type bridge
	in_ns gw ip addr add "$GW_HOSP_IP/24" dev br0
	in_ns gw ip link set br0 up
	in_ns gw sysctl -qw net.ipv4.ip_forward=1

	lab_link pacs pacs0 hpacs "$PACS_IP/24"
	lab_link rogue rogue0 hrogue "$ROGUE_IP/24"
	for ns in hpacs hrogue; do
		in_ns gw ip link set "$ns" master br0
		in_ns gw ip link set "$ns" up
	done
	in_ns pacs ip route add default via "$GW_HOSP_IP"
	in_ns rogue ip route add default via "$GW_HOSP_IP"

	lab_dicom_file "$LAB_DIR/ct.dcm"
	for ns in mod pacs rogue; do
		mkdir -p "$LAB_DIR/store-$ns"
		lab_bg "$ns" storescp -dhl --fork -od "$LAB_DIR/store-$ns" "$DICOM_PORT"
	done
	lab_wait_port mod "$DICOM_PORT"
	lab_wait_port pacs "$DICOM_PORT"
	lab_wait_port rogue "$DICOM_PORT"
}

# Start "$@" in namespace $1 in the background; lab_down kills it.
lab_bg() {
	local ns=$1
	shift
	ip netns exec "$(lab_ns "$ns")" "$@" >>"$LAB_DIR/bg.log" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
}

lab_wait_port() { # lab_wait_port NS PORT
	local i
	for i in $(seq 50); do
		in_ns "$1" ss -ltn "sport = :$2" | grep -q LISTEN && return 0
		sleep 0.1
	done
	return 1
}

# A tiny valid DICOM file, from a text dump (no network, no DNS).
lab_dicom_file() {
	cat >"$LAB_DIR/ct.dump" <<'DUMP'
(0008,0016) UI =SecondaryCaptureImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.2.1125.1.1]
(0008,0060) CS [OT]
(0010,0010) PN [Test^Ward]
(0010,0020) LO [ward-e2e]
(0020,000d) UI [1.2.826.0.1.3680043.2.1125.1]
(0020,000e) UI [1.2.826.0.1.3680043.2.1125.1.2]
DUMP
	dump2dcm "$LAB_DIR/ct.dump" "$1" 2>/dev/null
}

# A big DICOM image (a generated BMP of about @1 megabytes through img2dcm).
lab_dicom_big() { # lab_dicom_big MB FILE
	python3 - "$1" "$LAB_DIR/big.bmp" <<'PY'
import struct, sys
mb, path = int(sys.argv[1]), sys.argv[2]
w = 1024
h = mb * 1024 * 1024 // (3 * w)
row = bytes((x * 7 + 13) & 0xff for x in range(3 * w))
with open(path, "wb") as f:
	f.write(b"BM" + struct.pack("<IHHI", 54 + 3 * w * h, 0, 0, 54))
	f.write(struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, 3 * w * h, 2835, 2835, 0, 0))
	for _ in range(h):
		f.write(row)
PY
	img2dcm -i BMP "$LAB_DIR/big.bmp" "$2" 2>/dev/null
}

# The policy the tests start from: ct-01 talks DICOM and ICMP with the PACS only,
# and may send a bulk TCP stream to the PACS on $BULK_PORT.
lab_policy() { # lab_policy FILE [MODE]
	cat >"$1" <<YAML
version: 1
sets:
  pacs: [$PACS_IP]
services:
  dicom: { proto: tcp, ports: [$DICOM_PORT] }
interfaces:
  - name: dev0
    unknown_hosts: pass
devices:
  - name: ct-01
    mac: "$MOD_MAC"
    ipv4: [$MOD_IP]
    mode: ${2:-enforce}
    outbound:
      - to: [pacs]
        service: dicom
      - to: [pacs]
        proto: tcp
        ports: [$BULK_PORT]
      - to: [pacs]
        proto: icmp
    inbound:
      - from: [pacs]
        service: dicom
      - from: [pacs]
        proto: icmp
        icmp: [echo-request]
YAML
}

# Start the agent on the gateway and wait until it enforces and watches
# (its "enforcing" line), 10 s at most; fails when it exits instead.
lab_agent_start() { # lab_agent_start [POLICY]
	local before i
	before=$(lab_count_log "ward: enforcing")
	ip netns exec "$(lab_ns gw)" "$WARD" run --policy "${1:-$LAB_POLICY}" --events "$LAB_EVENTS" \
		--pin-dir "$LAB_PINS" -v >>"$LAB_DIR/agent.log" 2>&1 &
	LAB_AGENT_PID=$!
	for i in $(seq 200); do
		[ "$(lab_count_log "ward: enforcing")" -gt "$before" ] && return 0
		kill -0 "$LAB_AGENT_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

lab_count_log() {
	local n
	n=$(grep -c -- "$1" "$LAB_DIR/agent.log" 2>/dev/null)
	echo "${n:-0}"
}

# Wait until @1 events of kind @2 ... are in the events file (5 s at most).
lab_wait_event() { # lab_wait_event EVENT MIN_COUNT
	local i
	for i in $(seq 50); do
		[ "$(lab_count_events "\"event\":\"$1\"")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

lab_count_events() {
	local n
	n=$(grep -c -- "$1" "$LAB_EVENTS" 2>/dev/null)
	echo "${n:-0}"
}

lab_agent_stop() {
	[ -n "$LAB_AGENT_PID" ] || return 0
	kill -TERM "$LAB_AGENT_PID" 2>/dev/null
	wait "$LAB_AGENT_PID" 2>/dev/null
	LAB_AGENT_PID=
}

# Client helpers: exit status 0 when the exchange succeeded.
lab_echo() { # lab_echo FROM_NS TO_IP
	in_ns "$1" timeout 5 echoscu -to 2 -ta 2 -td 2 "$2" "$DICOM_PORT" >/dev/null 2>&1
}

lab_store() { # lab_store FROM_NS TO_IP [FILE]
	in_ns "$1" timeout 20 storescu -to 2 -ta 2 -td 5 "$2" "$DICOM_PORT" \
		"${3:-$LAB_DIR/ct.dcm}" >/dev/null 2>&1
}

lab_ping() { # lab_ping FROM_NS TO_IP
	in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1
}

# expect_refused NAME STATUS: the exchange that gave STATUS must have failed.
expect_refused() {
	if [ "$2" -ne 0 ]; then
		t_ok "$1"
	else
		t_fail "$1" "it succeeded"
	fi
}

lab_status_json() { in_ns gw "$WARD" status --pin-dir "$LAB_PINS" --json; }

# A counter out of `ward status --json`: lab_counter DEVICE dropped|would_drop REASON
lab_counter() {
	lab_status_json | python3 -c '
import json, sys
s = json.load(sys.stdin)
d = [d for d in s["devices"] if d["name"] == sys.argv[1]][0]
print(d[sys.argv[2]].get(sys.argv[3], 0))' "$@"
}

# A field of interface @1 in `ward status --json`: lab_iface_field IFACE xdp_id|tc_id|...
lab_iface_field() {
	lab_status_json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print([i for i in s["interfaces"] if i["name"] == sys.argv[1]][0][sys.argv[2]])' "$@"
}

# The id of the XDP program on @2 in namespace @1, as ip link shows it.
lab_xdp_id() {
	in_ns "$1" ip -d link show dev "$2" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n1
}

lab_down() {
	local ns pid
	trap - EXIT
	[ -n "$LAB_AGENT_PID" ] && kill -KILL "$LAB_AGENT_PID" 2>/dev/null
	for pid in $LAB_PIDS; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	[ -d "$LAB_PINS" ] && in_ns gw "$WARD" detach --pin-dir "$LAB_PINS" >/dev/null 2>&1
	for ns in mod gw pacs rogue; do
		ip netns pids "$(lab_ns $ns)" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$(lab_ns $ns)" 2>/dev/null
	done
	[ -d "$LAB_PINS" ] && rm -rf "$LAB_PINS"
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		echo "# lab files kept in $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
}
