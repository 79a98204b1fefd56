#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# ward run --metrics against Debian's prometheus-node-exporter with only the
# textfile collector, on the gateway namespace's loopback, scraped with curl:
#  - the textfile is ward.prom in the collector's directory, mode 0644, and
#    node_exporter reads it without error (node_textfile_scrape_error 0);
#  - after drops toward a device of each criticality and would-drops of the
#    auditing device, the scraped series carry the same numbers as
#    `ward status --json`, with device, criticality and reason labels;
#  - policy generation, load time, agent start, flows and syslog counts are
#    there; the file is written again on stop.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh
. tests/e2e/ops_lab.sh

if ! command -v prometheus-node-exporter >/dev/null; then
	t_fail "prometheus-node-exporter installed" "apt-get install prometheus-node-exporter"
	t_done
	exit 1
fi

ops_lab_up
TEXTFILE_DIR=$LAB_DIR/textfile
PROM=$TEXTFILE_DIR/ward.prom
mkdir -p "$TEXTFILE_DIR"
NE_PORT=$(ops_free_port tcp)
lab_bg gw prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TEXTFILE_DIR"
lab_wait_port gw "$NE_PORT"
expect_status "node_exporter listens on the gateway's loopback" 0 $?

scrape() { in_ns gw curl -sf "http://127.0.0.1:$NE_PORT/metrics" >"$LAB_DIR/scrape.txt"; }

# The value of the series @1 (name and labels exactly as written) in the scrape.
value() { awk -v s="$1" '$1 == s { print $2 }' "$LAB_DIR/scrape.txt"; }

ops_agent_start --metrics "$PROM" --syslog "udp://127.0.0.1:$(ops_free_port udp)"
expect_status "ward run --metrics starts" 0 $?
ops_udp_sweep "$OPS_PUMP_IP" 1001 1010
ops_udp_sweep "$OPS_CT_IP" 1001 1020
ops_udp_sweep "$OPS_HR_IP" 1001 1030
ops_udp_sweep "$OPS_AUD_IP" 1001 1040
ops_wait 100 grep -q '"dport":1040' "$LAB_EVENTS"
sleep 6 # one metrics interval
expect_equal "metrics file is mode 0644" 644 "$(stat -c %a "$PROM" 2>/dev/null)"
expect_equal "no temporary file left in the textfile directory" "ward.prom" \
	"$(ls -A "$TEXTFILE_DIR")"

scrape
expect_status "curl scrapes node_exporter" 0 $?
expect_equal "node_textfile_scrape_error is 0" 0 "$(value node_textfile_scrape_error)"

json=$(lab_status_json)
status_of() { # status_of DEVICE dropped|would_drop|passed [REASON]
	python3 -c '
import json, sys
d = [d for d in json.loads(sys.argv[1])["devices"] if d["name"] == sys.argv[2]][0]
v = d[sys.argv[3]]
print(v if isinstance(v, int) else v.get(sys.argv[4], 0))' "$json" "$@"
}
for dev in pump-01:life-critical ct-02:clinical hr-03:administrative; do
	name=${dev%%:*}
	crit=${dev#*:}
	series="ward_packets_dropped_total{criticality=\"$crit\",device=\"$name\",reason=\"no-rule\"}"
	got=$(value "$series")
	want=$(status_of "$name" dropped no-rule)
	expect_equal "$name: dropped no-rule as in ward status ($want)" "$want" "$got"
	[ "${got:-0}" -ge 10 ]
	expect_status "$name: at least its 10 drops counted (${got:-none})" 0 $?
done
series='ward_packets_would_drop_total{criticality="clinical",device="audit-04",reason="no-rule"}'
got=$(value "$series")
expect_equal "audit-04: would-drop no-rule as in ward status" \
	"$(status_of audit-04 would_drop no-rule)" "$got"
[ "${got:-0}" -ge 40 ]
expect_status "audit-04: its 40 would-drops counted (${got:-none})" 0 $?
expect_equal "audit-04: passed as in ward status" "$(status_of audit-04 passed)" \
	"$(value 'ward_packets_passed_total{criticality="clinical",device="audit-04"}')"

gen=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["policy"]["generation"])' "$json")
expect_equal "policy generation" "$gen" "$(value ward_policy_generation)"
expect_equal "policy devices" 4 "$(value ward_policy_devices)"
loaded=$(value ward_policy_loaded_timestamp_seconds)
started=$(value ward_agent_start_time_seconds)
now=$(date +%s)
python3 -c 'import sys; l, s, n = map(float, sys.argv[1:]); sys.exit(not (n - 60 < s <= l <= n))' \
	"${loaded:-0}" "${started:-0}" "$now"
expect_status "agent start <= policy load <= now ($started, $loaded, $now)" 0 $?
delivered=$(value ward_event_packets_delivered_total)
[ "${delivered:-0}" -ge 100 ]
expect_status "event packets delivered counted (${delivered:-none})" 0 $?
expect_equal "events lost" 0 "$(value ward_event_packets_lost_total)"
for s in 'ward_flows_tracked{table="shared"}' ward_flows_created_total \
	ward_syslog_messages_sent_total ward_syslog_messages_unsent_total ward_syslog_up \
	'ward_build_info{version="'"$("$WARD" version | sed -n '1s/^ward \([^ ,]*\).*/\1/p')"'"}'; do
	[ -n "$(value "$s")" ]
	expect_status "series $s present" 0 $?
done
grep -q '^# TYPE ward_packets_dropped_total counter$' "$PROM"
expect_status "families have # TYPE" 0 $?
grep -q '^# HELP ward_packets_dropped_total ' "$PROM"
expect_status "families have # HELP" 0 $?

before=$(stat -c %Y.%N "$PROM" 2>/dev/null; sha256sum <"$PROM")
ops_udp_sweep "$OPS_PUMP_IP" 3001 3005
sleep 0.5
lab_agent_stop
after=$(stat -c %Y.%N "$PROM" 2>/dev/null; sha256sum <"$PROM")
[ "$before" != "$after" ]
expect_status "metrics written again on stop" 0 $?
scrape
expect_equal "after stop: node_textfile_scrape_error still 0" 0 \
	"$(value node_textfile_scrape_error)"
echo "# dropped: pump-01 $(value 'ward_packets_dropped_total{criticality="life-critical",device="pump-01",reason="no-rule"}'), delivered $(value ward_event_packets_delivered_total)"
t_done
