#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Fault: the shared flow table fills under a flood of new flows while a
# life-critical device's long TCP session runs (issue 7). ward runs with a
# small table (--flow-table $TABLE). ct-01, life-critical, holds one TCP
# session it opened to the PACS, over which the PACS polls it: a line every
# 100 ms, answered, $SESSION_LINES lines, with a pause of 3 s in the middle
# (a session idle for a while must survive too). Meanwhile lab-pc, a clinical device on a second interface, opens
# $ROUNDS x $FLOOD_FLOWS new UDP flows (two datagrams to each of as many
# ports of a blackholed address), many times what the table holds. Two,
# because the kernel's LRU resists a scan: a flow seen once is evicted
# before any flow seen twice, so a flood of one-packet flows never pushes
# out a session in use, even in the shared table; a flood of flows seen
# twice does.
# What must hold:
#  - the session loses nothing: every poll is answered, in order, and ward
#    drops nothing of ct-01's (were the session evicted from the table, the
#    PACS's first poll after the pause would be dropped as no-rule: ct-01's
#    inbound rules allow DICOM only); its flow is in the life-critical table.
#    The same run with ct-01 clinical (its flow in the shared table) fails
#    these checks: the session stalls at the first round of the flood (10
#    polls answered of 80, 6 packets dropped as no-rule);
#  - the flood's flows are evicted and the table stays full: tracked is at
#    least 90% of the table, evicted at least 90% of what could not fit;
#  - the pressure is reported: `ward status` (JSON and text) and the metrics
#    file give the evictions and the table's size.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh
. tests/e2e/flood_lab.sh

TABLE=4096
FLOOD_FLOWS=30000
ROUNDS=4
SESSION_LINES=80
PAUSE_AFTER=15
PAUSE_S=3
SESSION_PORT=$BULK_PORT
METRICS=$LAB_DIR/ward.prom

policy() {
	cat >"$1" <<YAML
version: 1
interfaces:
  - name: dev0
    unknown_hosts: pass
  - name: dev1
    unknown_hosts: pass
devices:
  - name: ct-01
    interface: dev0
    criticality: life-critical
    mac: "$MOD_MAC"
    ipv4: [$MOD_IP]
    outbound:
      - to: [$PACS_IP]
        proto: tcp
        ports: [$SESSION_PORT]
    inbound:
      - from: [$PACS_IP]
        proto: tcp
        ports: [$DICOM_PORT]
  - name: lab-pc
    interface: dev1
    criticality: clinical
    mac: "$PC_MAC"
    ipv4: [$PC_IP]
    outbound:
      - to: [$SINKHOLE_NET]
        proto: udp
YAML
}

# The PACS polls ct-01 over the session ct-01 opened: a line every 100 ms,
# each answered, with a pause of $PAUSE_S s after the first $PAUSE_AFTER lines
# (the flood goes on meanwhile). After the pause the PACS speaks first: were
# the session's flow evicted, its poll would be dropped (no inbound rule
# allows it) and the session would stall. Prints "LINES_ANSWERED WORST_RTT_MS".
poller() {
	in_ns pacs timeout 60 python3 - "$PACS_IP" "$SESSION_PORT" "$SESSION_LINES" \
		"$PAUSE_AFTER" "$PAUSE_S" <<'PY'
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1)
srv.settimeout(20)
c, _ = srv.accept()
c.settimeout(5)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = c.makefile("rb")
got, worst = 0, 0.0
for i in range(int(sys.argv[3])):
	if i == int(sys.argv[4]):
		time.sleep(float(sys.argv[5]))
	t = time.monotonic()
	line = b"poll %d\n" % i
	try:
		c.sendall(line)
		if f.readline() != line:
			break
	except OSError:
		break
	got += 1
	worst = max(worst, time.monotonic() - t)
	time.sleep(max(0.0, 0.1 - (time.monotonic() - t)))
c.close()
print(got, round(worst * 1000))
PY
}

# ct-01 opens the session and answers every poll.
answerer() {
	in_ns mod timeout 60 python3 - "$PACS_IP" "$SESSION_PORT" <<'PY'
import socket, sys, time
for _ in range(50):
	try:
		s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
		break
	except OSError:
		time.sleep(0.1)
s.settimeout(30)
f = s.makefile("rb")
for line in f:
	s.sendall(line)
PY
}

# lab-pc's flood: one datagram to each of @1 ports of the sinkhole; prints how many went.
flood() {
	in_ns pc python3 - "$SINKHOLE_IP" "$1" <<'PY'
import socket, sys
dst, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for port in range(1, n + 1):
	try:
		sent += s.sendto(b"flood", (dst, port)) > 0
		s.sendto(b"again", (dst, port))
	except OSError:
		pass
print(sent)
PY
}

# flows_field KEY: a number of the flows object of the saved status.
flows_field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["flows"][sys.argv[2]])' \
		"$LAB_DIR/status.json" "$1"
}

# Packets of ct-01 dropped, whatever the reason.
ct_dropped() {
	python3 -c '
import json, sys
d = [d for d in json.load(open(sys.argv[1]))["devices"] if d["name"] == "ct-01"][0]
print(sum(d["dropped"].values()), sum(d["would_drop"].values()))' "$LAB_DIR/status.json"
}

flood_lab_up
policy "$LAB_DIR/flood.yaml"
if flood_agent_start "$LAB_DIR/flood.yaml" --flow-table "$TABLE" --metrics "$METRICS"; then
	t_ok "agent starts with --flow-table $TABLE"
else
	t_fail "agent starts with --flow-table $TABLE" "$(cat "$LAB_DIR/agent.log")"
fi

poller >"$LAB_DIR/session.out" &
server=$!
answerer &
client=$!

sent=0
for round in $(seq $ROUNDS); do
	sleep 1
	n=$(flood "$FLOOD_FLOWS")
	sent=$((sent + ${n:-0}))
done
[ "$sent" -ge $((ROUNDS * FLOOD_FLOWS * 9 / 10)) ]
expect_status "lab-pc sent the flood ($sent new flows in $ROUNDS rounds)" 0 $?

wait "$server"
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null
read -r echoed worst <"$LAB_DIR/session.out"
expect_equal "ct-01's session: every poll answered, in order (worst round trip ${worst:-?} ms)" \
	"$SESSION_LINES" "${echoed:-0}"

lab_status_json >"$LAB_DIR/status.json"
read -r dropped would <<<"$(ct_dropped)"
[ "$dropped $would" = "0 0" ] || grep '"device":"ct-01"' "$LAB_EVENTS" | sed 's/^/# /' 
expect_equal "ward dropped nothing of ct-01's session" "0 0" "$dropped $would"
expect_equal "status gives the table's size" "$TABLE" "$(flows_field table_size)"
crit=$(bpftool -j map dump pinned "$LAB_PINS/ward_flows_crit" 2>/dev/null |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "${crit:-0}" -ge 1 ] && [ "$(flows_field critical_table_full)" -eq 0 ]
expect_status "ct-01's session is in the life-critical table ($crit flows there)" 0 $?

tracked=$(flows_field tracked)
created=$(flows_field created)
evicted=$(flows_field evicted)
[ "$tracked" -ge $((TABLE * 9 / 10)) ] && [ "$tracked" -le $((TABLE + crit)) ]
expect_status "the table stays full: $tracked flows tracked in a table of $TABLE" 0 $?
[ "$evicted" -ge $(((sent - TABLE) * 9 / 10)) ] && [ "$evicted" -le "$created" ]
expect_status "status reports the evictions: $evicted evicted of $created created" 0 $?

text=$(in_ns gw "$WARD" status --pin-dir "$LAB_PINS")
expect_contains "ward status (text) says how many were evicted" "$text" "evicted $evicted,"

lab_agent_stop
m_evicted=$(sed -n 's/^ward_flows_evicted_total \([0-9]*\)$/\1/p' "$METRICS")
m_size=$(sed -n 's/^ward_flows_table_size \([0-9]*\)$/\1/p' "$METRICS")
[ "${m_evicted:-0}" -ge $(((sent - TABLE) * 9 / 10)) ] && [ "${m_size:-0}" -eq "$TABLE" ]
expect_status "the metrics report the evictions ($m_evicted) and the table ($m_size)" 0 $?
t_done
