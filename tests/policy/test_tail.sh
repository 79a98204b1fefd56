#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `ward tail` on a crafted events file: the human form of every event type,
# -n, the filters, --json, garbage lines skipped with a warning, hostile
# bytes kept off the terminal, and -f following the file as it grows, as
# it is renamed and re-created (logrotate's create mode), and truncated
# (copytruncate), including a line written in two pieces.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

export TZ=UTC
DIR=$(mktemp -d /tmp/ward-test-tail-XXXXXX)
TAIL_PID=
cleanup() {
	[ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
EV="$DIR/events.jsonl"

ts='"ts":"2026-12-03T18:17:57.123456Z"'
cat >"$EV" <<EOT
{$ts,"event":"agent-start","version":"0.1.0","pid":4242}
{$ts,"event":"attached","iface":"dev0","mode":"xdp-native"}
{$ts,"event":"policy-loaded","path":"/etc/ward/p.yaml","sha256":"0123456789abcdef","generation":1,"devices":4}
{$ts,"event":"drop","iface":"dev0","device":"ct-01","criticality":"clinical","direction":"to-device","reason":"no-rule","proto":"tcp","src":"198.18.1.66","sport":51234,"dst":"198.18.0.21","dport":22,"src_mac":"02:00:00:00:00:66","dst_mac":"02:00:00:00:00:21","len":74,"count":3}
this line is garbage
{"ts":"2026-12-03T18:17:58.000001Z","event":"would-drop","iface":"dev0","device":"pump-01","criticality":"life-critical","direction":"from-device","reason":"no-rule","proto":"icmpv6","src":"2001:db8::41","dst":"2001:db8::99","icmp_type":128,"icmp_code":0,"src_mac":"02:00:00:00:00:41","dst_mac":"02:00:00:00:00:01","len":74,"count":1}
{"ts":"2026-12-03T18:17:59.250000Z","event":"host-seen","iface":"dev\\u001b[31m0\\u0085","direction":"from-device","proto":"udp","src":"198.18.0.99","sport":68,"dst":"198.18.0.255","dport":67,"src_mac":"02:00:00:00:00:99","dst_mac":"ff:ff:ff:ff:ff:ff","len":342,"count":1}

{"ts":"2026-12-03T18:18:00.000000Z","event":"drop","iface":"dev0","device":"lab-01","criticality":"clinical","direction":"from-device","reason":"wrong-vlan","proto":"tcp","src":"2001:db8::51","sport":40000,"dst":"2001:db8::50","dport":2575,"vlan":30,"src_mac":"02:00:00:00:00:51","dst_mac":"02:00:00:00:00:01","len":74,"count":1}
{"ts":"2026-12-03T18:18:00.500000Z","event":"drop","iface":"dev0","device":"lab-01","criticality":"clinical","direction":"from-device","reason":"rate-limit","proto":"tcp","src":"198.18.0.51","sport":40001,"dst":"198.18.1.50","dport":2575,"src_mac":"02:00:00:00:00:51","dst_mac":"02:00:00:00:00:01","len":74,"count":12}
{"ts":"2026-12-03T18:18:01.000000Z","event":"policy-rejected","path":"p.yaml","errors":["p.yaml:3:5: error: unknown key 'devcies'","p.yaml:4:1: error: x"]}
{"ts":"2026-12-03T18:18:02.000000Z","event":"events-lost","count":17}
{"ts":"2026-12-03T18:18:03.000000Z","event":"detached","iface":"dev0","mode":"tc"}
{"ts":"2026-12-03T18:18:04.000000Z","event":"agent-stop","pid":4242}
EOT

want_all='18:17:57.123 START agent 0.1.0 pid 4242
18:17:57.123 ATTACH dev0 xdp-native
18:17:57.123 LOAD  policy /etc/ward/p.yaml generation 1, 4 devices, sha256 0123456789ab
18:17:57.123 DROP  ct-01 [clinical] to-device tcp 198.18.1.66:51234 -> 198.18.0.21:22 no-rule x3
18:17:58.000 WOULD pump-01 [life-critical] from-device icmpv6 2001:db8::41 -> 2001:db8::99 type 128 code 0 no-rule
18:17:59.250 SEEN  ? on dev?[31m0? from-device udp 198.18.0.99:68 -> 198.18.0.255:67 mac 02:00:00:00:00:99
18:18:00.000 DROP  lab-01 [clinical] from-device tcp [2001:db8::51]:40000 -> [2001:db8::50]:2575 wrong-vlan vlan 30
18:18:00.500 DROP  lab-01 [clinical] from-device tcp 198.18.0.51:40001 -> 198.18.1.50:2575 rate-limit x12
18:18:01.000 REJECT policy p.yaml: p.yaml:3:5: error: unknown key '"'"'devcies'"'"' (and 1 more)
18:18:02.000 LOST  17 events lost: the ring buffer was full
18:18:03.000 DETACH dev0 tc
18:18:04.000 STOP  agent pid 4242'

out=$("$WARD" tail --events "$EV" -n 100 2>"$DIR/err")
expect_status "tail_exits_0_despite_garbage" 0 $?
expect_equal "tail_prints_every_event_type" "$want_all" "$out"
expect_equal "tail_warns_about_garbage_with_line_number" \
	"ward: warning: $EV:5: not an event line, skipped" "$(cat "$DIR/err")"

out=$("$WARD" tail --events "$EV" 2>/dev/null | wc -l)
expect_equal "tail_shows_10_by_default" 10 "$out"

out=$("$WARD" tail --events "$EV" -n 2 2>/dev/null)
expect_equal "tail_n_shows_last_lines" "$(printf '%s\n' "$want_all" | tail -n 2)" "$out"

out=$("$WARD" tail --events "$EV" -n 0 2>/dev/null)
expect_equal "tail_n_0_shows_nothing" "" "$out"

out=$("$WARD" tail --events "$EV" --device lab-01 2>/dev/null)
expect_equal "tail_device_filter" "$(printf '%s\n' "$want_all" | grep ' lab-01 ')" "$out"

out=$("$WARD" tail --events "$EV" --reason no-rule -n 1 2>/dev/null)
expect_equal "tail_reason_filter_and_n" "$(printf '%s\n' "$want_all" | grep ' WOULD ')" "$out"

out=$("$WARD" tail --events "$EV" --device lab-01 --reason rate-limit --json 2>/dev/null)
expect_equal "tail_json_prints_lines_unchanged" "$(grep '"rate-limit"' "$EV")" "$out"

out=$("$WARD" tail --events - -n 1 <"$EV" 2>/dev/null)
expect_equal "tail_reads_stdin" "18:18:04.000 STOP  agent pid 4242" "$out"

printf '{"ts":"2026-12-03T18:18:05.000000Z","event":"agent-stop","pid":1}' >"$DIR/nonl"
out=$("$WARD" tail --events "$DIR/nonl" 2>/dev/null)
expect_equal "tail_reads_last_line_without_newline" "18:18:05.000 STOP  agent pid 1" "$out"

"$WARD" tail --events "$EV" --reason nonsense >/dev/null 2>"$DIR/err"
expect_status "tail_unknown_reason_is_usage_error" 2 $?
expect_contains "tail_unknown_reason_lists_reasons" "$(cat "$DIR/err")" "flow-revoked"

"$WARD" tail --events "$DIR/missing.jsonl" >/dev/null 2>"$DIR/err"
expect_status "tail_missing_file_fails" 2 $?
expect_contains "tail_missing_file_says_which" "$(cat "$DIR/err")" "$DIR/missing.jsonl"

# Following. Each event is the agent-stop of a distinct pid, so order shows.
stop_line() {
	printf '{"ts":"2026-12-03T18:19:00.000000Z","event":"agent-stop","pid":%s}\n' "$1"
}
# wait_for_lines FILE N: until FILE has N lines, at most 5 s.
wait_for_lines() {
	local i
	for i in $(seq 50); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

: >"$DIR/follow"
"$WARD" tail --events "$EV" -f -n 1 >>"$DIR/follow" 2>"$DIR/follow.err" &
TAIL_PID=$!
wait_for_lines "$DIR/follow" 1
stop_line 1 >>"$EV"
wait_for_lines "$DIR/follow" 2
printf '{"ts":"2026-12-03T18:19:00.000000Z","event":"agent-' >>"$EV"
sleep 0.3
printf 'stop","pid":2}\n' >>"$EV"
wait_for_lines "$DIR/follow" 3
# logrotate, create mode: rename; the agent writes once more to the old file
# before it notices, then creates the new one.
mv "$EV" "$EV.1"
stop_line 3 >>"$EV.1"
sleep 0.3
stop_line 4 >>"$EV"
stop_line 5 >>"$EV"
wait_for_lines "$DIR/follow" 6
# copytruncate: the same file, emptied.
sleep 0.3
: >"$EV"
sleep 0.3
stop_line 6 >>"$EV"
wait_for_lines "$DIR/follow" 7
# plain removal, then a new file.
rm "$EV"
sleep 0.3
stop_line 7 >>"$EV"
wait_for_lines "$DIR/follow" 8

kill -TERM "$TAIL_PID"
wait "$TAIL_PID"
expect_status "tail_follow_stops_cleanly_on_sigterm" 0 $?
TAIL_PID=

want=$(printf '18:18:04.000 STOP  agent pid 4242\n'
	for i in 1 2 3 4 5 6 7; do printf '18:19:00.000 STOP  agent pid %s\n' "$i"; done)
expect_equal "tail_follow_sees_growth_rotation_truncation_removal" "$want" "$(cat "$DIR/follow")"
expect_equal "tail_follow_warns_only_about_the_garbage" \
	"ward: warning: $EV:5: not an event line, skipped" "$(cat "$DIR/follow.err")"

t_done
