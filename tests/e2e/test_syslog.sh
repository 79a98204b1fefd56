#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# ward run --syslog against Debian's rsyslogd, started with its own config
# (imudp, imtcp and imuxsock inputs, omfile output keeping PRI and message)
# on the gateway namespace's loopback, where ward runs:
#  - UDP: drops of a device of each criticality, would-drops, and agent events
#    (start, policy loaded, attached, policy rejected, stop) all arrive; each
#    message's JSON is the same object as its events-file line, and its
#    severity follows the criticality (local0: crit 130, err 131, warning
#    132, notice 133, info 134);
#  - TCP, collector down at start: more events than the queue holds, then
#    the collector comes up; later events arrive, every event is either
#    received or counted unsent (log line and metrics), and enforcement went
#    on all along;
#  - unix datagram socket: events arrive.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh
. tests/e2e/ops_lab.sh

if ! command -v rsyslogd >/dev/null; then
	t_fail "rsyslogd installed" "apt-get install rsyslog (tools/install-deps.sh)"
	t_done
	exit 1
fi

ops_lab_up
RS_DIR=$LAB_DIR/rsyslog
RS_OUT=$RS_DIR/out.log
RS_SOCK=$RS_DIR/log.sock
RS_PID=
mkdir -p "$RS_DIR"
UDP_PORT=$(ops_free_port udp)
TCP_PORT=$(ops_free_port tcp)

cat >"$RS_DIR/rsyslog.conf" <<CONF
global(workDirectory="$RS_DIR" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="$UDP_PORT")
input(type="imtcp" address="127.0.0.1" port="$TCP_PORT")
input(type="imuxsock" Socket="$RS_SOCK" UseSysTimeStamp="off" UseSpecialParser="off"
      ParseHostname="on")
template(name="ward" type="string" string="%pri%|%syslogseverity%|%app-name%|%msgid%|%structured-data%|%msg%\n")
action(type="omfile" file="$RS_OUT" template="ward")
CONF

rs_start() {
	ip netns exec "$(lab_ns gw)" rsyslogd -n -f "$RS_DIR/rsyslog.conf" -i "$RS_DIR/pid" \
		>>"$RS_DIR/rsyslogd.log" 2>&1 &
	RS_PID=$!
	LAB_PIDS="$LAB_PIDS $RS_PID"
	ops_wait 50 in_ns gw sh -c "ss -ltn 'sport = :$TCP_PORT' | grep -q LISTEN" &&
		ops_wait 50 test -S "$RS_SOCK"
}

rs_stop() {
	kill -TERM "$RS_PID" 2>/dev/null
	wait "$RS_PID" 2>/dev/null
	RS_PID=
}

rs_has() { [ -f "$RS_OUT" ] && [ "$(grep -c -- "$1" "$RS_OUT")" -ge "$2" ]; }

# Compare the events file from line @1 on with what rsyslog wrote from its
# line @2 on: prints "events received missing sevN=count..." then mismatches.
compare() { # compare EVENTS_FIRST_LINE RSYSLOG_FIRST_LINE
	tail -n +"$1" "$LAB_EVENTS" >"$RS_DIR/phase.jsonl"
	tail -n +"$2" "$RS_OUT" >"$RS_DIR/phase.log"
	python3 - "$RS_DIR/phase.jsonl" "$RS_DIR/phase.log" <<'PY'
import json, sys
from collections import Counter
want = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sev_of = {"life-critical": 2, "clinical": 3, "administrative": 4}
got, bad = {}, []
for line in open(sys.argv[2], encoding="utf-8"):
	pri, sev, app, msgid, sd, msg = line.rstrip("\n").split("|", 5)
	obj = json.loads(msg.strip())
	key = json.dumps(obj, sort_keys=True)
	got[key] = (int(pri), int(sev), app, sd)
sevs = Counter()
missing = 0
for ev in want:
	key = json.dumps(ev, sort_keys=True)
	if key not in got:
		missing += 1
		continue
	pri, sev, app, sd = got[key]
	if "criticality" in ev:
		exp = sev_of[ev["criticality"]]
	elif ev["event"] in ("drop", "would-drop"):
		exp = 4
	elif ev["event"] in ("host-seen", "policy-rejected", "events-lost", "detached"):
		exp = 5
	else:
		exp = 6
	if sev != exp or pri != 16 * 8 + exp or app != "ward":
		bad.append("%s: pri %d sev %d app %s, expected sev %d" % (key, pri, sev, app, exp))
	if 'event="%s"' % ev["event"] not in sd or \
	   ("device" in ev and 'device="%s"' % ev["device"] not in sd):
		bad.append("%s: structured data %s" % (key, sd))
	sevs[sev] += 1
print(len(want), len(want) - missing, missing,
      " ".join("sev%d=%d" % (s, n) for s, n in sorted(sevs.items())))
for b in bad[:10]:
	print(b)
PY
}

# --- UDP: every event, the right severity --------------------------------
rs_start
expect_status "rsyslogd starts with its own config in the gateway" 0 $?
ops_agent_start --syslog "udp://127.0.0.1:$UDP_PORT"
expect_status "ward run --syslog udp:// starts" 0 $?

ops_udp_sweep "$OPS_PUMP_IP" 1001 1005
ops_udp_sweep "$OPS_CT_IP" 1001 1005
ops_udp_sweep "$OPS_HR_IP" 1001 1005
ops_udp_sweep "$OPS_AUD_IP" 1001 1005
lab_wait_event drop 15
cp "$LAB_POLICY" "$LAB_DIR/good.yaml"
echo "devices: [oops" >"$LAB_POLICY"
lab_wait_event policy-rejected 1
cp "$LAB_DIR/good.yaml" "$LAB_POLICY" # the policy in force again: no reload
lab_agent_stop
ops_wait 50 rs_has agent-stop 1

read -r total received missing sevs < <(compare 1 1)
compare 1 1 | tail -n +2 >"$RS_DIR/bad.txt"
expect_equal "udp: every event reached rsyslog ($received of $total)" "$total" "$received"
[ "$total" -ge 22 ]
expect_status "udp: at least 20 drops and the agent's events were sent (got $total)" 0 $?
expect_equal "udp: severities and structured data right" "" "$(cat "$RS_DIR/bad.txt")"
for s in 2 3 4 5 6; do
	expect_contains "udp: severity $s seen ($sevs)" " $sevs " "sev$s="
done
echo "# udp: $total events, $sevs"

# --- TCP: collector down at start, then up ---------------------------------
# Each phase starts from nothing pinned.
next_phase() {
	in_ns gw "$WARD" detach --pin-dir "$LAB_PINS" >/dev/null 2>&1
	first=$(($(wc -l <"$LAB_EVENTS") + 1))
	rs_first=$(($(wc -l <"$RS_OUT") + 1))
}

rs_stop
next_phase
ops_agent_start --syslog "tcp://127.0.0.1:$TCP_PORT" --metrics "$LAB_DIR/ward.prom"
expect_status "ward run --syslog tcp:// starts with the collector down" 0 $?
ops_udp_sweep "$OPS_PUMP_IP" 2001 6600 # more than the queue's 4096
ops_wait 100 grep -q '"dport":6600' "$LAB_EVENTS"
grep -q "syslog collector tcp://127.0.0.1:$TCP_PORT: Connection refused" "$LAB_DIR/agent.log"
expect_status "tcp: the outage is logged" 0 $?
lab_echo rogue "$OPS_PUMP_IP"
expect_status "tcp: collector down, enforcement goes on (rogue refused)" 124 $(($? ? 124 : 0))
dropped_during=$(lab_counter pump-01 dropped no-rule)
[ "${dropped_during:-0}" -ge 4600 ]
expect_status "tcp: drops counted during the outage (${dropped_during:-none})" 0 $?

rs_start
ops_udp_sweep "$OPS_HR_IP" 7001 7010
ops_wait 400 rs_has '"dport":7010' 1
expect_status "tcp: events after the collector came up arrive" 0 $?
ops_wait 100 grep -q "is reachable again; [0-9]* events could not be sent" "$LAB_DIR/agent.log"
unsent=$(sed -n 's/.*is reachable again; \([0-9]*\) events could not be sent.*/\1/p' \
	"$LAB_DIR/agent.log" | tail -n1)
[ "${unsent:-0}" -gt 0 ]
expect_status "tcp: the unsent count is logged when it comes back (${unsent:-none})" 0 $?
sleep 6 # a metrics write with the collector up
grep -q "^ward_syslog_messages_unsent_total $unsent\$" "$LAB_DIR/ward.prom"
expect_status "tcp: metrics carry the unsent count" 0 $?
grep -q "^ward_syslog_up 1\$" "$LAB_DIR/ward.prom"
expect_status "tcp: metrics say the collector is up" 0 $?
lab_agent_stop
ops_wait 50 rs_has agent-stop 2

read -r total received missing sevs < <(compare "$first" "$rs_first")
expect_equal "tcp: events in the file = received + unsent ($received + $unsent)" \
	"$total" "$((received + unsent))"
[ "$received" -ge 4096 ]
expect_status "tcp: a full queue's worth was delivered late ($received)" 0 $?
expect_contains "tcp: agent-stop arrived" "$(tail -n1 "$RS_OUT")" '"event":"agent-stop"'
echo "# tcp: $total events, $received received, $unsent unsent, $sevs"

# --- unix datagram socket ---------------------------------------------------
next_phase
ops_agent_start --syslog "unix:$RS_SOCK"
expect_status "ward run --syslog unix: starts" 0 $?
ops_udp_sweep "$OPS_CT_IP" 8001 8005
ops_wait 100 grep -q '"dport":8005' "$LAB_EVENTS"
lab_agent_stop
ops_wait 50 rs_has agent-stop 3
read -r total received missing sevs < <(compare "$first" "$rs_first")
expect_equal "unix: every event reached rsyslog ($received of $total)" "$total" "$received"
echo "# unix: $total events, $sevs"

rs_stop
t_done
