#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# logrotate under load: ward streams drop events (distinct ones, and a flood
# of identical ones that events carry as counts) while `logrotate -f` with
# ward's shipped snippet, pointed at the test's events file, rotates it
# several times. Then, over every rotated file and the current one:
#  - no line is there twice, and every line is a whole JSON object;
#  - the packets the events carry (their counts) are exactly the packets
#    `ward status --json` says events delivered, and delivered + held back
#    + lost = every drop and would-drop counted;
#  - the newest file (made by ward, the snippet says nocreate) is mode 0640,
#    and logrotate left no *.backup (what it does when it races a writer).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh
. tests/e2e/ops_lab.sh

if ! command -v logrotate >/dev/null; then
	t_fail "logrotate installed" "apt-get install logrotate"
	t_done
	exit 1
fi

ops_lab_up
# The shipped snippet, pointed at the test's file.
sed "s|/var/log/ward/events.jsonl|$LAB_EVENTS|" systemd/ward.logrotate >"$LAB_DIR/logrotate.conf"

ops_agent_start
expect_status "ward run starts" 0 $?

ops_udp_sweep "$OPS_PUMP_IP" 1001 4000 &
sweep=$!
in_ns rogue bash -c 'end=$((SECONDS + 4)); while ((SECONDS < end)); do
	echo x >/dev/udp/'"$OPS_HR_IP"'/9999; done' 2>/dev/null &
flood=$!
rotations=0
for i in 1 2 3 4 5 6; do
	sleep 0.5
	logrotate -f -s "$LAB_DIR/logrotate.state" "$LAB_DIR/logrotate.conf" && \
		rotations=$((rotations + 1))
done
wait "$sweep" "$flood"
sleep 1.5 # the last held-back counts go out with the next events, or stay held
lab_agent_stop
expect_equal "logrotate -f rotated the file 6 times" 6 "$rotations"

files=$(ls "$LAB_EVENTS"* | grep -v '\.gz$')
gz=$(ls "$LAB_EVENTS"*.gz 2>/dev/null)
nfiles=$(echo "$files" $gz | wc -w)
[ "$nfiles" -ge 5 ] # notifempty skips a rotation that finds the file empty
expect_status "at least 4 rotated files and the current one ($nfiles files)" 0 $?
{ cat $files; [ -z "$gz" ] || zcat $gz; } >"$LAB_DIR/all.jsonl"

dups=$(sort "$LAB_DIR/all.jsonl" | uniq -d | wc -l)
expect_equal "no event line twice across the rotated files" 0 "$dups"

read -r lines bad counted < <(python3 - "$LAB_DIR/all.jsonl" <<'PY'
import json, sys
lines = bad = counted = 0
for line in open(sys.argv[1]):
	lines += 1
	try:
		ev = json.loads(line)
	except ValueError:
		bad += 1
		continue
	if ev["event"] in ("drop", "would-drop"):
		counted += ev["count"]
print(lines, bad, counted)
PY
)
expect_equal "every line a whole JSON object ($lines lines)" 0 "$bad"

read -r delivered held lost total < <(lab_status_json | python3 -c '
import json, sys
s = json.load(sys.stdin)
e = s["events"]
total = sum(sum(d["dropped"].values()) + sum(d["would_drop"].values()) for d in s["devices"])
total += sum(sum(u["dropped"].values()) + sum(u["would_drop"].values()) for u in s["unknown_hosts"])
print(e["delivered"], e["held_back"], e["lost"], total)')
expect_equal "packets carried by events in the files = delivered ($counted)" \
	"$delivered" "$counted"
expect_equal "delivered + held back + lost = dropped ($delivered + $held + $lost)" \
	"$total" "$((delivered + held + lost))"
[ "$total" -ge 3000 ]
expect_status "the load was real: $total drops, $lines lines" 0 $?
expect_equal "the current events file is mode 0640" 640 "$(stat -c %a "$LAB_EVENTS")"
expect_equal "logrotate made no backup file" "" "$(ls "$LAB_EVENTS"*.backup 2>/dev/null)"
echo "# $rotations rotations, $lines lines, $counted packets in events, $total dropped, $held held back, $lost lost"
t_done
