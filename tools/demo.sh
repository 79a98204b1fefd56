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
# steps that failed are named and the status is 1 (130 on Ctrl-C). Every
# namespace, pin and process the demo creates carries its process id and is
# removed on exit, however it exits. Waits are on readiness (a listening
# socket, an event in the file), each bounded, never a fixed sleep.
set -u
cd "$(dirname "$0")/.." || exit 1

OUT=${OUT:-build}
case "$OUT" in
/*) WARD="$OUT/ward" ;;
*) WARD="$PWD/$OUT/ward" ;;
esac
# The demo's own test gives it a policy that must make a step fail.
POLICY=${WARD_DEMO_POLICY:-$PWD/policy/examples/demo.yaml}
P="wd$$"	# prefix of every namespace
PIN="/sys/fs/bpf/ward-demo-$$"
TMP=$(mktemp -d /tmp/ward-demo-XXXXXX) || exit 1
EV="$TMP/events.jsonl"
NAMESPACES="gw sw ct mon pump lab pacs central apps rogue"
LAB_RATE=5	# lab-01's limits.new_flows_per_second in demo.yaml
FLOOD=60	# connections lab-01 opens at once

WARD_PID=
TAIL_PID=
STEP=0
STEP_TITLE=()	# the summary line of each step
STEP_FAILED=()	# the failed checks of each step, "; "-separated

if [ -t 1 ]; then
	BOLD=$'\033[1m' GREEN=$'\033[32m' RED=$'\033[31m' PLAIN=$'\033[0m'
else
	BOLD= GREEN= RED= PLAIN=
fi

# ---- output ---------------------------------------------------------------

say() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
note() { printf '    %s\n' "$*"; }

# verdict NAME ok|fail [DETAIL]: print one checked expectation, and keep a
# failure against the current step. The events that led to it are shown first.
verdict() {
	[ -n "$TAIL_PID" ] && poll 10 tail_caught_up
	if [ "$2" = ok ]; then
		printf '    %sPASS%s %s\n' "$GREEN" "$PLAIN" "$1"
		return
	fi
	printf '    %sFAIL%s %s%s\n' "$RED" "$PLAIN" "$1" "${3:+: $3}"
	STEP_FAILED[STEP]+="${STEP_FAILED[STEP]:+; }$1${3:+ ($3)}"
}

# check NAME COMMAND...: a verdict from a command's exit status.
check() {
	local name=$1
	shift
	if "$@"; then
		verdict "$name" ok
	else
		verdict "$name" fail
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

# Stop ward, detach it, end every process of the demo's namespaces, remove
# them, the pins and the temporary files. A second Ctrl-C cannot cut it short.
cleanup() {
	local n

	trap '' INT TERM
	trap - EXIT
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
	poll 50 namespaces_empty
	for n in $NAMESPACES; do
		ip netns del "$(ns "$n")" 2>/dev/null
	done
	rm -rf "$PIN" "$TMP"
}

namespaces_empty() {
	local n
	for n in $NAMESPACES; do
		[ -z "$(ip netns pids "$(ns "$n")" 2>/dev/null)" ] || return 1
	done
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, removing what it created" >&2; exit 130' INT
trap 'exit 143' TERM

fail_setup() {
	echo "demo: $*" >&2
	exit 1
}

check_prerequisites() {
	local tool

	[ "$(id -u)" -eq 0 ] || fail_setup "run as root: sudo make demo"
	[ -x "$WARD" ] || fail_setup "$WARD is missing: run make first"
	for tool in ip nsenter nc ss ssh perl storescu storescp echoscu dump2dcm; do
		command -v "$tool" >/dev/null || fail_setup "$tool is missing: run tools/install-deps.sh"
	done
}

# poll TENTHS COMMAND...: until COMMAND succeeds, at most TENTHS tenths of a second.
poll() {
	local tries=$1
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
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
		netns "$(ns sw)" || fail_setup "cannot cable the gateway"
	ip -n "$(ns gw)" link add hosp0 address 02:00:00:00:01:01 type veth peer name gw-hosp \
		netns "$(ns sw)" || fail_setup "cannot cable the gateway"
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

listening() { in_ns "$1" ss -Hltn "sport = :$2" | grep -q LISTEN; }

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
	poll 100 listening pacs 104 && poll 100 listening ct 104 && poll 100 listening ct 22 &&
		poll 100 listening apps 443 && poll 100 listening apps 2575 &&
		poll 100 listening apps 445 && poll 100 listening central 24105 ||
		fail_setup "the demo's services did not start"
}

make_study() {
	local uid

	uid="2.25.$(date +%s%N)$$"
	sed -e '/^#/d' -e "s/@STUDY@/$uid.1/" -e "s/@SERIES@/$uid.2/" -e "s/@INSTANCE@/$uid.3/" \
		tools/demo/ct-study.dump >"$TMP/study.dump"
	dump2dcm "$TMP/study.dump" "$TMP/ct-slice.dcm" >/dev/null || fail_setup "dump2dcm failed"
}

ward_alive() { kill -0 "$WARD_PID" 2>/dev/null; }

# An event of KIND is in the file, or ward is gone (then waiting is over).
ward_wrote() { has_event "$1" "" || ! ward_alive; }

start_ward() {
	# Not through ward_in_gw: a function put in the background is a subshell,
	# and its pid would not be ward's. nsenter execs ward, so $! is the agent.
	nsenter --net="/run/netns/$(ns gw)" "$WARD" run --policy "$POLICY" --events "$EV" \
		--pin-dir "$PIN" >"$TMP/ward.log" 2>&1 &
	WARD_PID=$!
	# Loading and verifying the programs takes a second on a busy machine.
	if ! poll 300 ward_wrote attached || ! ward_alive; then
		sed 's/^/    ward: /' "$TMP/ward.log" >&2
		fail_setup "ward run did not start on the gateway (its messages are above)"
	fi
}

# Show `ward tail -f` as it runs, each line also kept in tail.out so that the
# demo can wait for it to catch up before it moves on.
start_tail() {
	note "events go to $EV; here is ward tail -f:"
	"$WARD" tail --events "$EV" -f -n 100000 2>/dev/null \
		> >(sed -nu -e 's/^/    | /' -e p -e "w $TMP/tail.out") &
	TAIL_PID=$!
}

tail_caught_up() {
	local shown=0

	[ -e "$TMP/tail.out" ] && shown=$(wc -l <"$TMP/tail.out")
	[ "$shown" -ge "$(wc -l <"$EV")" ]
}

# ---- checking events ------------------------------------------------------

# events [TAIL-OPTIONS]: the events so far, as ward tail shows them.
events() { "$WARD" tail --events "$EV" -n 100000 "$@" 2>/dev/null; }

# has_event KIND PATTERN [TAIL-OPTIONS]: an event of that kind (drop,
# would-drop, attached, ...) whose JSON line matches PATTERN is in the file.
has_event() {
	local kind=$1 pattern=$2
	shift 2
	events --json "$@" | grep "\"event\":\"$kind\"" | grep -q -- "$pattern"
}

# wait_for_event KIND PATTERN [TAIL-OPTIONS]: has_event, waiting up to 10 s.
wait_for_event() { poll 100 has_event "$@"; }

# ---- the story ------------------------------------------------------------

# step TITLE SUMMARY: a new step; SUMMARY is its line in the final summary.
# The tail's lines of the step before are shown before the new title.
step() {
	poll 20 tail_caught_up
	STEP=$((STEP + 1))
	STEP_TITLE[STEP]=$2
	STEP_FAILED[STEP]=
	say "$STEP. $1"
}

mon_session() {
	in_ns mon ss -Htn state established "dst 198.18.1.70:24105" | awk '{print $3}'
}
mon_connected() { [ -n "$(mon_session)" ]; }

monitor_start() {
	step "the ICU monitor opens its session to the central station" \
	     "mon-01 -> central station, a long TCP session: passes"
	in_ns mon bash -c 'while :; do echo "mon-01 hr=72 spo2=98 t=$(date +%s)"; sleep 0.2; done |
		nc 198.18.1.70 24105' >/dev/null 2>&1 &
	MON_SESSION=
	poll 100 mon_connected && MON_SESSION=$(mon_session)
	if [ -n "$MON_SESSION" ]; then
		verdict "monitor connected from $MON_SESSION" ok
	else
		verdict "monitor connected" fail "no established session"
	fi
}

ct_stores_study() {
	step "the CT stores a study on the PACS (DICOM C-STORE, allowed)" \
	     "ct-01 -> PACS, DICOM C-STORE of a study: passes"
	if in_ns ct storescu -aet CT01 -aec PACS -to 10 198.18.1.10 104 "$TMP/ct-slice.dcm" \
		>"$TMP/storescu.log" 2>&1; then
		verdict "storescu ct-01 -> pacs:104 succeeded" ok
	else
		verdict "storescu ct-01 -> pacs:104" fail "$(tail -n 1 "$TMP/storescu.log")"
	fi
	if [ -n "$(find "$TMP/pacs" -type f)" ]; then
		verdict "the PACS holds the image" ok
	else
		verdict "the PACS holds the image" fail "nothing in its store"
	fi
	if in_ns pacs echoscu -aet PACS -aec CT01 -to 10 198.18.0.21 104 >/dev/null 2>&1; then
		verdict "the PACS verifies the CT (C-ECHO to ct-01:104, allowed inbound)" ok
	else
		verdict "the PACS verifies the CT (C-ECHO)" fail "echoscu failed"
	fi
}

# The scan, the C-ECHO and the SSH attempt run at once: each waits 2 s for
# an answer that should never come.
rogue_attacks_ct() {
	local port open pids=()

	step "a compromised PC (198.18.1.66) scans the CT, tries DICOM and SSH (dropped)" \
	     "rogue -> ct-01, port scan, DICOM C-ECHO, SSH: dropped (no-rule)"
	: >"$TMP/open-ports"
	for port in 21 22 23 80 104 443 3389; do
		(in_ns rogue nc -z -w 2 198.18.0.21 "$port" 2>/dev/null &&
			echo "$port" >>"$TMP/open-ports") &
		pids+=($!)
	done
	(in_ns rogue echoscu -aet ROGUE -aec CT01 -to 2 -ta 2 198.18.0.21 104 >/dev/null 2>&1 &&
		touch "$TMP/echo-answered") &
	pids+=($!)
	in_ns rogue ssh -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null admin@198.18.0.21 true 2>"$TMP/ssh.log" &
	pids+=($!)
	wait "${pids[@]}"

	if [ -e "$TMP/echo-answered" ]; then
		verdict "rogue's DICOM C-ECHO to ct-01" fail "it was answered"
	else
		verdict "rogue's DICOM C-ECHO to ct-01 got no answer" ok
	fi
	if grep -q 'port 22: Connection timed out' "$TMP/ssh.log"; then
		verdict "rogue's SSH to ct-01 timed out" ok
	else
		verdict "rogue's SSH to ct-01 timed out" fail "$(head -n 1 "$TMP/ssh.log")"
	fi
	open=$(tr '\n' ' ' <"$TMP/open-ports")
	if [ -z "$open" ]; then
		verdict "the scan of 7 ports found none open on ct-01" ok
	else
		verdict "the scan found no port open on ct-01" fail "open: $open"
	fi
	for port in 22 104 3389; do
		check "drop event: rogue -> ct-01:$port no-rule" wait_for_event drop \
			"\"src\":\"198.18.1.66\".*\"dport\":$port," --device ct-01 --reason no-rule
	done
}

pump_audit() {
	step "pump-01 (audit mode) reaches a file server its policy does not list" \
	     "pump-01 (audit) -> unlisted file server: passes, reported as would-drop"
	check "pump-01 -> drug library :443 (allowed) connected" \
		in_ns pump nc -z -w 5 198.18.1.40 443
	if in_ns pump nc -z -w 5 198.18.1.99 445; then
		verdict "pump-01 -> 198.18.1.99:445 connected (audit passes it)" ok
	else
		verdict "pump-01 -> 198.18.1.99:445" fail "no connection: audit mode dropped it"
	fi
	check "would-drop event: pump-01 -> 198.18.1.99:445 no-rule" \
		wait_for_event would-drop '"dst":"198.18.1.99".*"dport":445,' --device pump-01
	if has_event drop "" --device pump-01; then
		verdict "nothing of pump-01 dropped" fail "a drop event names it"
	else
		verdict "nothing of pump-01 dropped" ok
	fi
}

# flood NS DST PORT N WAIT: open N connections at once from one process;
# print how many were established, waiting WAIT seconds for the slow ones
# (less than TCP's 1 s before it sends a dropped SYN again).
flood() {
	in_ns "$1" perl -MIO::Socket::INET -MIO::Select -MSocket -e '
		my ($dst, $port, $n, $wait) = @ARGV;
		my $pending = IO::Select->new;
		for (1 .. $n) {
			my $s = IO::Socket::INET->new(PeerAddr => $dst, PeerPort => $port,
						      Proto => "tcp", Blocking => 0);
			$pending->add($s) if $s;
		}
		my $ok = 0;
		while (my @ready = $pending->can_write($wait)) {
			for my $s (@ready) {
				$pending->remove($s);
				$ok++ if !$s->sockopt(SO_ERROR);
			}
		}
		print "$ok\n";' "$2" "$3" "$4" "$5"
}

lab_flood() {
	local ok

	step "lab-01, infected, opens $FLOOD connections to the LIS at once" \
	     "lab-01 (infected) -> LIS, $FLOOD new flows at once: held to $LAB_RATE/s (rate-limit)"
	ok=$(flood lab 198.18.1.50 2575 "$FLOOD" 0.8)
	note "${ok:-none} of $FLOOD connections got through; lab-01 may open $LAB_RATE a second"
	# A burst of LAB_RATE passes at once, and the clock may refill a few.
	if [ "${ok:-0}" -ge 1 ] && [ "$ok" -le $((3 * LAB_RATE)) ]; then
		verdict "the flood was held to the device's rate" ok
	else
		verdict "the flood was held to the device's rate" fail "${ok:-0} of $FLOOD connected"
	fi
	check "drop events: lab-01 -> LIS:2575 rate-limit" \
		wait_for_event drop '"dport":2575,' --device lab-01 --reason rate-limit
}

central_lines() { wc -l <"$TMP/central.log"; }
central_grew() { [ "$(central_lines)" -gt "$1" ]; }

monitor_check() {
	local session before

	step "the monitor's session to the central station lasted through all of it" \
	     "mon-01's session: the same one from start to end, nothing dropped"
	session=$(mon_session)
	if [ -n "$session" ] && [ "$session" = "$MON_SESSION" ]; then
		verdict "same TCP session, still established ($session)" ok
	else
		verdict "same TCP session, still established" fail "now '${session:-none}'"
	fi
	before=$(central_lines)
	if poll 50 central_grew "$before"; then
		verdict "the central station is receiving ($(central_lines) readings so far)" ok
	else
		verdict "the central station is receiving" fail "no new reading in 5 s"
	fi
	if has_event drop "" --device mon-01; then
		verdict "nothing of mon-01 dropped" fail "$(events --device mon-01 | head -n 1)"
	else
		verdict "nothing of mon-01 dropped" ok
	fi
}

show_status() {
	local rc

	step "ward status" "ward status reads the counters from the pinned maps"
	kill "$TAIL_PID" 2>/dev/null
	wait "$TAIL_PID" 2>/dev/null
	TAIL_PID=
	ward_in_gw status --pin-dir "$PIN" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		verdict "ward status" ok
	else
		verdict "ward status" fail "exit status $rc"
	fi
}

# The summary: one line a step, then the failed checks; returns 1 if any.
summary() {
	local i failed=0

	say "summary ($1 s)"
	for i in $(seq "$STEP"); do
		if [ -z "${STEP_FAILED[i]}" ]; then
			printf '    %sPASS%s %d. %s\n' "$GREEN" "$PLAIN" "$i" "${STEP_TITLE[i]}"
		else
			printf '    %sFAIL%s %d. %s\n' "$RED" "$PLAIN" "$i" "${STEP_TITLE[i]}"
			printf '           failed: %s\n' "${STEP_FAILED[i]}"
			failed=$((failed + 1))
		fi
	done
	if [ "$failed" -eq 0 ]; then
		note "every step had the verdict it should"
		return 0
	fi
	note "$failed of $STEP steps did not have the verdict they should"
	return 1
}

main() {
	local started=$SECONDS

	check_prerequisites
	say "building a small hospital network (namespaces $P-*)"
	build_network
	start_services
	make_study
	say "starting ward on the gateway with ${POLICY#"$PWD/"}"
	start_ward
	start_tail

	monitor_start
	ct_stores_study
	rogue_attacks_ct
	pump_audit
	lab_flood
	monitor_check
	poll 20 tail_caught_up
	show_status
	summary $((SECONDS - started))
}

main
