#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Fault: the event ring buffer overflows. The agent is frozen (SIGSTOP)
# while the modality floods denied UDP to 60000 distinct ports, three times
# over, so the 4 MiB ring fills and events are lost; then it runs again.
# Verdicts stay right (nothing of the flood reaches the rogue host, the
# PACS still talks to the modality, the rogue still does not), and the
# books balance: in `ward status --json` delivered + held back + lost =
# every packet dropped or would-dropped; the events file carries exactly
# the delivered packets, no more than dropped for any device and reason;
# the events-lost lines add up to the lost count and come at most once a
# second.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

FLOOD_PORTS=60000
ROUNDS=3
SINK_PORT=4242

# flood: denied UDP from the modality to the rogue, one datagram per port.
flood() {
	in_ns mod python3 - "$ROGUE_IP" "$FLOOD_PORTS" <<'PY'
import socket, sys
dst, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for port in range(1, n + 1):
	try:
		sent += s.sendto(b"flood", (dst, port)) > 0
	except OSError:
		pass
print(sent)
PY
}

# The books of the events file against `ward status --json`, one verdict per line.
books() {
	python3 - "$LAB_EVENTS" "$LAB_DIR/status.json" <<'PY'
import json, sys
from datetime import datetime
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
st = json.load(open(sys.argv[2]))
ev = st["events"]
dropped = {}
for d in st["devices"]:
	for kind in ("dropped", "would_drop"):
		for r, n in d[kind].items():
			dropped[(d["name"], r)] = dropped.get((d["name"], r), 0) + n
for u in st["unknown_hosts"]:
	for kind in ("dropped", "would_drop"):
		for r, n in u[kind].items():
			dropped[("?" + u["iface"], r)] = dropped.get(("?" + u["iface"], r), 0) + n
in_file = {}
for e in events:
	if e["event"] in ("drop", "would-drop"):
		key = (e.get("device", "?" + e["iface"]), e["reason"])
		in_file[key] = in_file.get(key, 0) + e["count"]
total = sum(dropped.values())
print("lost_positive", ev["lost"] > 0, ev["lost"])
print("status_balance", ev["delivered"] + ev["held_back"] + ev["lost"] == total,
      ev["delivered"], ev["held_back"], ev["lost"], total)
print("file_is_delivered", sum(in_file.values()) == ev["delivered"],
      sum(in_file.values()), ev["delivered"])
over = [k for k in in_file if in_file[k] > dropped.get(k, 0)]
print("file_within_dropped", not over, over)
lost_lines = [e for e in events if e["event"] == "events-lost"]
ts = [datetime.strptime(e["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for e in lost_lines]
gaps = [round(b - a, 3) for a, b in zip(ts, ts[1:])]
print("lost_lines_once_a_second", bool(ts) and all(g >= 1.0 for g in gaps), len(ts), gaps)
told = sum(e["count"] for e in lost_lines)
print("lost_lines_add_up", told == ev["lost"], told, ev["lost"])
PY
}

lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi

in_ns rogue timeout 30 python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$ROGUE_IP', $SINK_PORT))
s.settimeout(25)
try:
	s.recv(100)
	open('$LAB_DIR/sink.got', 'w').write('yes')
except OSError:
	pass
" &
sink=$!

sent=0
for round in $(seq $ROUNDS); do
	kill -STOP "$LAB_AGENT_PID"
	n=$(flood)
	kill -CONT "$LAB_AGENT_PID"
	sent=$((sent + ${n:-0}))
	sleep 0.4
done
[ "$sent" -ge $((ROUNDS * FLOOD_PORTS * 9 / 10)) ]
expect_status "the modality sent the flood ($sent datagrams)" 0 $?

lab_echo pacs "$MOD_IP"
expect_status "after the flood the PACS still reaches the modality" 0 $?
lab_echo rogue "$MOD_IP"
expect_status "after the flood the rogue is still refused" 124 $(($? ? 124 : 0))
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null
[ ! -e "$LAB_DIR/sink.got" ]
expect_status "no datagram of the flood reached the rogue" 0 $?
dropped=$(lab_counter ct-01 dropped no-rule)
[ "${dropped:-0}" -ge $((sent * 9 / 10)) ] && [ "${dropped:-0}" -le $((sent + 10)) ]
expect_status "the flood was dropped as no-rule ($dropped of $sent)" 0 $?

# Let the agent drain the ring and report the loss, then read the books.
sleep 2.5
lab_status_json >"$LAB_DIR/status.json"
books >"$LAB_DIR/books"
while read -r name ok detail; do
	if [ "$ok" = True ]; then t_ok "$name ($detail)"; else t_fail "$name" "$detail"; fi
done <"$LAB_DIR/books"
[ -s "$LAB_DIR/books" ]
expect_status "the books were read" 0 $?
lab_agent_stop
t_done
