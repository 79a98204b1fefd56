#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sudo make demo`: a small hospital network in network namespaces, with ward
# on the gateway between the medical devices and the hospital's servers.
#
#   ct-01 mon-01 pump-01 lab-01           pacs central apps rogue
#      \     |     |     /                   \     |     |    /
#       [switch: bridge brdev]               [switch: bridge brhosp]
#                 |                                    |
#               dev0 --------- gateway (ward) ------ hosp0
#
# The demo plays a few minutes of a hospital's life in a few seconds and
# checks every verdict: a CT study reaches the PACS; a compromised PC
# scanning the CT, trying DICOM and SSH on it, is dropped; a pump in audit
# mode reaches a server its policy does not list, and that is reported; an
# "infected" lab analyzer opening flows as fast as it can is held to its
# rate; a patient monitor's session to the central station lasts through
# all of it. It shows `ward tail -f` as it happens, then `ward status`.
#
# Exit status 0 when every step had the verdict it should; otherwise the
# steps that failed are named and the status is 1. Everything the demo
# creates carries its process id and is removed on exit, however it exits.
set -u
cd "$(dirname "$0")/.." || exit 1

OUT=${OUT:-build}
WARD="$PWD/$OUT/ward"
POLICY="$PWD/policy/examples/demo.yaml"
P="wd$$"	# prefix of every namespace
PIN="/sys/fs/bpf/ward-demo-$$"
TMP=$(mktemp -d /tmp/ward-demo-XXXXXX)
EV="$TMP/events.jsonl"
NAMESPACES="gw sw ct mon pump lab pacs central apps rogue"

WARD_PID=
TAIL_PID=
FAILED=()
STEP=0

# ---- output ---------------------------------------------------------------

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# verdict NAME OK [DETAIL]: record and print one checked expectation.
verdict() {
	if [ "$2" = ok ]; then
		printf '    \033[32mPASS\033[0m %s\n' "$1"
	else
		printf '    \033[31mFAIL\033[0m %s%s\n' "$1" "${3:+: $3}"
		FAILED+=("step $STEP: $1")
	fi
}

# ---- set-up and tear-down -------------------------------------------------

ns() { echo "$P-$1"; }
in_ns() {
	local n=$1
	shift
	ip netns exec "$(ns "$n")" "$@"
}
# ward itself runs with the host's mounts, so its pins are in the host's bpffs.
ward_in_gw() { nsenter --net="/run/netns/$(ns gw)" "$WARD" "$@"; }

cleanup() {
	local n
	trap - EXIT INT TERM
	[ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null && wait "$TAIL_PID" 2>/dev/null
	if [ -n "$WARD_PID" ]; then
		kill -TERM "$WARD_PID" 2>/dev/null
		wait "$WARD_PID" 2>/dev/null
	fi
	[ -e "/run/netns/$(ns gw)" ] && [ -d "$PIN" ] && ward_in_gw detach --pin-dir "$PIN" \
		>/dev/null 2>&1
	for n in $NAMESPACES; do
		ip netns pids "$(ns "$n")" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	for n in $NAMESPACES; do
		ip netns del "$(ns "$n")" 2>/dev/null
	done
	rm -rf "$PIN" "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail_setup() {
	echo "demo: $*" >&2
	exit 1
}

check_prerequisites() {
	local tool

	[ "$(id -u)" -eq 0 ] || fail_setup "run as root: sudo make demo"
	[ -x "$WARD" ] || fail_setup "$WARD is missing: run make first"
	for tool in ip nsenter nc ss storescu storescp echoscu dump2dcm; do
		command -v "$tool" >/dev/null || fail_setup "$tool is missing: run tools/install-deps.sh"
	done
}

add_ns() {
	ip netns add "$(ns "$1")" || fail_setup "cannot create namespace $(ns "$1")"
	# No IPv6: its autoconfiguration chatter would only add noise to the demo.
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_ns "$1" ip link set lo up
}

# plug HOST BRIDGE MAC ADDR/LEN GATEWAY: a host's eth0, cabled to the switch.
plug() {
	local host=$1 bridge=$2 mac=$3 addr=$4 gw=$5

	ip -n "$(ns "$host")" link add eth0 address "$mac" type veth peer name "$host" \
		netns "$(ns sw)" || fail_setup "cannot cable $host"
	ip -n "$(ns "$host")" addr add "$addr" dev eth0
	ip -n "$(ns "$host")" link set eth0 up
	ip -n "$(ns "$host")" route add default via "$gw"
	ip -n "$(ns sw)" link set "$host" master "$bridge" up
}

build_network() {
	local n

	for n in $NAMESPACES; do
		add_ns "$n"
	done
	ip -n "$(ns sw)" link add brdev type bridge
	ip -n "$(ns sw)" link add brhosp type bridge
	ip -n "$(ns sw)" link set brdev up
	ip -n "$(ns sw)" link set brhosp up

	# The gateway: dev0 toward the devices, hosp0 toward the hospital.
	ip -n "$(ns gw)" link add dev0 address 02:00:00:00:00:01 type veth peer name gw-dev \
		netns "$(ns sw)"
	ip -n "$(ns gw)" link add hosp0 address 02:00:00:00:01:01 type veth peer name gw-hosp \
		netns "$(ns sw)"
	ip -n "$(ns gw)" addr add 198.18.0.1/24 dev dev0
	ip -n "$(ns gw)" addr add 198.18.1.1/24 dev hosp0
	ip -n "$(ns gw)" link set dev0 up
	ip -n "$(ns gw)" link set hosp0 up
	ip -n "$(ns sw)" link set gw-dev master brdev up
	ip -n "$(ns sw)" link set gw-hosp master brhosp up
	in_ns gw sysctl -qw net.ipv4.ip_forward=1

	plug ct brdev 02:00:00:00:00:21 198.18.0.21/24 198.18.0.1
	plug mon brdev 02:00:00:00:00:31 198.18.0.31/24 198.18.0.1
	plug pump brdev 02:00:00:00:00:41 198.18.0.41/24 198.18.0.1
	plug lab brdev 02:00:00:00:00:51 198.18.0.51/24 198.18.0.1
	plug pacs brhosp 02:00:00:00:01:10 198.18.1.10/24 198.18.1.1
	plug central brhosp 02:00:00:00:01:70 198.18.1.70/24 198.18.1.1
	plug apps brhosp 02:00:00:00:01:40 198.18.1.40/24 198.18.1.1
	plug rogue brhosp 02:00:00:00:01:66 198.18.1.66/24 198.18.1.1
	ip -n "$(ns apps)" addr add 198.18.1.50/24 dev eth0	# the LIS
	ip -n "$(ns apps)" addr add 198.18.1.99/24 dev eth0	# a file server
}

# listen NS PORT: a TCP service that accepts and reads, forever.
listen() {
	in_ns "$1" nc -lk "$2" >/dev/null 2>&1 &
}

start_services() {
	mkdir -p "$TMP/pacs" "$TMP/ct-scp"
	in_ns pacs storescp -dhl -aet PACS --output-directory "$TMP/pacs" 104 \
		>"$TMP/pacs.log" 2>&1 &
	# The CT's own DICOM listener and its service port, so that what the
	# rogue meets is a drop, not a closed port.
	in_ns ct storescp -dhl -aet CT01 --output-directory "$TMP/ct-scp" 104 \
		>/dev/null 2>&1 &
	listen ct 22
	listen apps 443	 # drug library
	# The LIS, HL7 over MLLP: accepts as fast as connections come (nc takes
	# one at a time), so that only ward can hold the flood of step 5 back.
	in_ns apps perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "198.18.1.50", LocalPort => 2575,
					      Listen => 1024, ReuseAddr => 1) or die "$!";
		while (my $c = $s->accept) { close $c }' >/dev/null 2>&1 &
	listen apps 445	 # file server
	in_ns central nc -lk 24105 >"$TMP/central.log" 2>&1 &
	wait_for_listener pacs 104 && wait_for_listener central 24105 && wait_for_listener ct 22 &&
		wait_for_listener apps 2575 ||
		fail_setup "the demo's services did not start"
}

wait_for_listener() {
	local _
	for _ in $(seq 50); do
		in_ns "$1" ss -Hltn "sport = :$2" | grep -q LISTEN && return 0
		sleep 0.1
	done
	return 1
}

make_study() {
	local uid

	uid="2.25.$(date +%s%N)$$"

	sed -e '/^#/d' -e "s/@STUDY@/$uid.1/" -e "s/@SERIES@/$uid.2/" -e "s/@INSTANCE@/$uid.3/" \
		tools/demo/ct-study.dump >"$TMP/study.dump"
	dump2dcm "$TMP/study.dump" "$TMP/ct-slice.dcm" >/dev/null || fail_setup "dump2dcm failed"
}

start_ward() {
	ward_in_gw run --policy "$POLICY" --events "$EV" --pin-dir "$PIN" >"$TMP/ward.log" 2>&1 &
	WARD_PID=$!
	wait_for_event policy-loaded "" || {
		cat "$TMP/ward.log" >&2
		fail_setup "ward run did not load the policy"
	}
	wait_for_event attached "" || fail_setup "ward run did not attach to dev0"
}

# ---- checking events ------------------------------------------------------

# events [TAIL-OPTIONS]: the events so far, as ward tail shows them.
events() { "$WARD" tail --events "$EV" -n 100000 "$@" 2>/dev/null; }

# wait_for_event KIND PATTERN [TAIL-OPTIONS]: until an event line of that kind
# (drop, would-drop, policy-loaded, ...) matching PATTERN is written, 3 s.
wait_for_event() {
	local kind=$1 pattern=$2 _
	shift 2
	for _ in $(seq 30); do
		events --json "$@" | grep "\"event\":\"$kind\"" | grep -q -- "$pattern" && return 0
		sleep 0.1
	done
	return 1
}

# ---- the story ------------------------------------------------------------

step() {
	STEP=$((STEP + 1))
	say "$STEP. $*"
}

monitor_start() {
	step "the ICU monitor opens its session to the central station"
	in_ns mon bash -c 'while :; do echo "mon-01 hr=72 spo2=98 t=$(date +%s)"; sleep 0.2; done |
		nc 198.18.1.70 24105' >/dev/null 2>&1 &
	sleep 1
	MON_SESSION=$(in_ns mon ss -Htn state established "dst 198.18.1.70:24105" |
		awk '{print $3}')
	if [ -n "$MON_SESSION" ]; then
		verdict "monitor connected from $MON_SESSION" ok
	else
		verdict "monitor connected" fail "no established session"
	fi
}

ct_stores_study() {
	local stored

	step "the CT stores a study on the PACS (DICOM C-STORE, allowed)"
	if in_ns ct storescu -aet CT01 -aec PACS -to 5 198.18.1.10 104 "$TMP/ct-slice.dcm" \
		>"$TMP/storescu.log" 2>&1; then
		verdict "storescu ct-01 -> pacs:104 succeeded" ok
	else
		verdict "storescu ct-01 -> pacs:104" fail "$(tail -n 1 "$TMP/storescu.log")"
	fi
	stored=$(find "$TMP/pacs" -type f | wc -l)
	[ "$stored" -ge 1 ] && verdict "the PACS holds the image" ok ||
		verdict "the PACS holds the image" fail "nothing in its store"

	if in_ns pacs echoscu -aet PACS -aec CT01 -to 5 198.18.0.21 104 >/dev/null 2>&1; then
		verdict "the PACS verifies the CT (C-ECHO to ct-01:104, allowed inbound)" ok
	else
		verdict "the PACS verifies the CT (C-ECHO)" fail "echoscu failed"
	fi
}

rogue_attacks_ct() {
	local port open pids=()

	step "a compromised PC (198.18.1.66) scans the CT, tries DICOM and SSH (dropped)"
	: >"$TMP/open-ports"
	for port in 21 22 23 80 104 443 3389; do
		(in_ns rogue nc -z -w 2 198.18.0.21 "$port" 2>/dev/null &&
			echo "$port" >>"$TMP/open-ports") &
		pids+=($!)
	done
	if in_ns rogue echoscu -aet ROGUE -aec CT01 -to 2 -ta 2 198.18.0.21 104 \
		>/dev/null 2>&1; then
		verdict "rogue's DICOM C-ECHO to ct-01" fail "it was answered"
	else
		verdict "rogue's DICOM C-ECHO to ct-01 got no answer" ok
	fi
	if in_ns rogue ssh -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null admin@198.18.0.21 true 2>"$TMP/ssh.log"; then
		verdict "rogue's SSH to ct-01" fail "it connected"
	elif grep -q 'port 22: Connection timed out' "$TMP/ssh.log"; then
		verdict "rogue's SSH to ct-01 could not connect" ok
	else
		verdict "rogue's SSH to ct-01 could not connect" fail "$(head -n 1 "$TMP/ssh.log")"
	fi
	wait "${pids[@]}"
	open=$(tr '\n' ' ' <"$TMP/open-ports")
	if [ -z "$open" ]; then
		verdict "the scan of 7 ports found none open on ct-01" ok
	else
		verdict "the scan found no port open on ct-01" fail "open: $open"
	fi
	for port in 22 104 3389; do
		if wait_for_event drop "\"src\":\"198.18.1.66\".*\"dport\":$port," \
			--device ct-01 --reason no-rule; then
			verdict "drop event: rogue -> ct-01:$port no-rule" ok
		else
			verdict "drop event: rogue -> ct-01:$port no-rule" fail "not in the events"
		fi
	done
}

pump_audit() {
	step "pump-01 (audit mode) reaches a file server its policy does not list"
	if in_ns pump nc -z -w 3 198.18.1.40 443; then
		verdict "pump-01 -> drug library :443 (allowed) connected" ok
	else
		verdict "pump-01 -> drug library :443" fail "no connection"
	fi
	if in_ns pump nc -z -w 3 198.18.1.99 445; then
		verdict "pump-01 -> 198.18.1.99:445 connected (audit passes it)" ok
	else
		verdict "pump-01 -> 198.18.1.99:445" fail "no connection: audit mode dropped it"
	fi
	if wait_for_event would-drop '"dst":"198.18.1.99".*"dport":445,' --device pump-01; then
		verdict "would-drop event: pump-01 -> 198.18.1.99:445 no-rule" ok
	else
		verdict "would-drop event for pump-01" fail "not in the events"
	fi
	if events --json --device pump-01 | grep -q '"event":"drop"'; then
		verdict "nothing of pump-01 dropped" fail "a drop event names it"
	else
		verdict "nothing of pump-01 dropped" ok
	fi
}

lab_flood() {
	local ok=0 total=60 pids=()

	step "lab-01, infected, opens $total connections to the LIS at once (rate-limit: 5/s)"
	while [ ${#pids[@]} -lt $total ]; do
		(in_ns lab nc -z -w 1 198.18.1.50 2575 2>/dev/null && echo ok >>"$TMP/flood") &
		pids+=($!)
	done
	wait "${pids[@]}"
	[ -f "$TMP/flood" ] && ok=$(wc -l <"$TMP/flood")
	note "$ok of $total connections got through"
	if [ "$ok" -ge 1 ] && [ "$ok" -lt $((total / 2)) ]; then
		verdict "the flood was held to the device's rate" ok
	else
		verdict "the flood was held to the device's rate" fail "$ok of $total connected"
	fi
	if wait_for_event drop '"dport":2575,' --device lab-01 --reason rate-limit; then
		verdict "drop events: lab-01 rate-limit" ok
	else
		verdict "drop events: lab-01 rate-limit" fail "not in the events"
	fi
}

monitor_check() {
	local now session last lines

	step "the monitor's session to the central station lasted through all of it"
	session=$(in_ns mon ss -Htn state established "dst 198.18.1.70:24105" | awk '{print $3}')
	if [ -n "$session" ] && [ "$session" = "$MON_SESSION" ]; then
		verdict "same TCP session, still established ($session)" ok
	else
		verdict "same TCP session, still established" fail "now '${session:-none}'"
	fi
	sleep 0.5
	now=$(date +%s)
	last=$(tail -n 1 "$TMP/central.log" | sed -n 's/.* t=\([0-9]*\)$/\1/p')
	lines=$(wc -l <"$TMP/central.log")
	if [ -n "$last" ] && [ $((now - last)) -le 2 ]; then
		verdict "the central station is receiving ($lines readings so far)" ok
	else
		verdict "the central station is receiving" fail "last reading at '${last:-never}'"
	fi
	if events --json --device mon-01 | grep -q '"event":"drop"'; then
		verdict "nothing of mon-01 dropped" fail "$(events --device mon-01 | head -n 1)"
	else
		verdict "nothing of mon-01 dropped" ok
	fi
}

show_status() {
	step "ward status"
	if ward_in_gw status --pin-dir "$PIN"; then
		verdict "ward status" ok
	else
		verdict "ward status" fail "exit status $?"
	fi
}

main() {
	local started=$SECONDS

	check_prerequisites
	say "building a small hospital network (namespaces $P-*)"
	build_network
	start_services
	make_study
	say "starting ward on the gateway with policy/examples/demo.yaml"
	start_ward
	note "events go to $EV; here is ward tail -f:"
	"$WARD" tail --events "$EV" -f -n 100 > >(sed -u 's/^/    | /') 2>/dev/null &
	TAIL_PID=$!

	monitor_start
	ct_stores_study
	rogue_attacks_ct
	pump_audit
	lab_flood
	monitor_check
	sleep 0.3
	kill "$TAIL_PID" 2>/dev/null
	wait "$TAIL_PID" 2>/dev/null
	TAIL_PID=
	show_status

	say "done in $((SECONDS - started)) s"
	if [ "${#FAILED[@]}" -eq 0 ]; then
		note "every step had the verdict it should"
		return 0
	fi
	printf '    failed: %s\n' "${FAILED[@]}"
	return 1
}

main
