#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `ward explain` on a real YAML policy: the exact lines it prints for each
# side of a flow (rule with its FILE:LINE:COLUMN, reason, audit, DHCP, no
# device), the overall line, and the exit status of invalid policies (1) and
# wrong usage (2, naming the option).
cd "$(dirname "$0")/../.."
. tests/lib.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ward-explain.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
P="$TMP/clinic.yaml"

# Line numbers matter: the rules' positions are asserted below.
cat >"$P" <<'EOF'
version: 1
sets:
  pacs: [198.18.1.10, 198.18.1.11]
  biomed: [198.18.2.0/24, "2001:db8:2::/64"]
services:
  dicom: { proto: tcp, ports: [104, 11112] }
interfaces:
  - name: dev0
    unknown_hosts: drop
devices:
  - name: ct-01
    mac: "02:00:00:00:00:21"
    ipv4: [198.18.0.21]
    ipv6: ["2001:db8::21"]
    vlan: 20
    outbound:
      - to: [pacs]
        service: dicom
      - to: [198.18.1.53]
        proto: udp
        ports: [53]
    inbound:
      - from: [pacs]
        proto: tcp
        ports: [104]
      - from: [biomed]
        proto: icmp
        icmp: [echo-request]
      - from: [biomed]
        proto: icmpv6
        icmp: [echo-request]
  - name: pacs-01
    ipv4: [198.18.1.10]
    outbound:
      - to: [any]
        proto: tcp
        ports: ["100-200", 8080]
  - name: pump-01
    mac: "02:00:00:00:00:31"
    ipv4: [198.18.0.31]
    mode: audit
    dhcp: true
EOF

OUT=""
ERR=""
STATUS=0

explain() {
	OUT=$("$WARD" explain "$@" 2>"$TMP/err")
	STATUS=$?
	ERR=$(cat "$TMP/err")
}

# expect_explain NAME WANT_STDOUT ARGS...: exit 0 and exactly these lines.
expect_explain() {
	local name=$1 want=$2
	shift 2
	explain "$P" "$@"
	expect_status "$name: exit 0" 0 "$STATUS"
	expect_equal "$name: output" "$want" "$OUT"
}

# expect_usage NAME OPTION ARGS...: exit 2 and a message naming OPTION.
expect_usage() {
	local name=$1 option=$2
	shift 2
	explain "$@"
	expect_status "$name: exit 2" 2 "$STATUS"
	expect_contains "$name: names $option" "$ERR" "$option"
	expect_equal "$name: nothing on stdout" "" "$OUT"
}

test_explain_outbound_rule_and_no_device() {
	expect_explain "outbound dicom" "flow: tcp 198.18.0.21 -> 198.18.1.11 port 11112
from-device ct-01: pass, rule $P:17:9 to: [198.18.1.10, 198.18.1.11] service: dicom
to-device: no device has 198.18.1.11
overall: pass" --from 198.18.0.21 --to 198.18.1.11 --proto tcp --dport 11112
}

test_explain_inbound_rule() {
	expect_explain "inbound dicom" "flow: tcp 198.18.1.11 -> 198.18.0.21 port 104
from-device: no device has 198.18.1.11
to-device ct-01: pass, rule $P:23:9 from: [198.18.1.10, 198.18.1.11] proto: tcp ports: [104]
overall: pass" --from 198.18.1.11 --to 198.18.0.21 --proto tcp --dport 104
}

test_explain_no_rule() {
	expect_explain "ssh out" "flow: tcp 198.18.0.21 -> 198.18.1.11 port 22
from-device ct-01: drop, no-rule
to-device: no device has 198.18.1.11
overall: drop" --from 198.18.0.21 --to 198.18.1.11 --proto tcp --dport 22
}

test_explain_two_sides() {
	expect_explain "both sides pass" "flow: tcp 198.18.1.10 -> 198.18.0.21 port 104
from-device pacs-01: pass, rule $P:35:9 to: [any] proto: tcp ports: [100-200, 8080]
to-device ct-01: pass, rule $P:23:9 from: [198.18.1.10, 198.18.1.11] proto: tcp ports: [104]
overall: pass" --from 198.18.1.10 --to 198.18.0.21 --proto tcp --dport 104
}

test_explain_one_side_drops() {
	expect_explain "to-device drops" "flow: tcp 198.18.1.10 -> 198.18.0.21 port 150
from-device pacs-01: pass, rule $P:35:9 to: [any] proto: tcp ports: [100-200, 8080]
to-device ct-01: drop, no-rule
overall: drop" --from 198.18.1.10 --to 198.18.0.21 --proto tcp --dport 150
}

test_explain_icmp() {
	expect_explain "ping in, default echo-request" "flow: icmp 198.18.2.5 -> 198.18.0.21 type 8
from-device: no device has 198.18.2.5
to-device ct-01: pass, rule $P:26:9 from: [198.18.2.0/24, 2001:db8:2::/64] proto: icmp icmp: [8]
overall: pass" --from 198.18.2.5 --to 198.18.0.21 --proto icmp

	expect_explain "timestamp in" "flow: icmp 198.18.2.5 -> 198.18.0.21 type 13
from-device: no device has 198.18.2.5
to-device ct-01: drop, no-rule
overall: drop" --from 198.18.2.5 --to 198.18.0.21 --proto icmp --icmp timestamp

	expect_explain "ping6 in" "flow: icmpv6 2001:db8:2::5 -> 2001:db8::21 type 128
from-device: no device has 2001:db8:2::5
to-device ct-01: pass, rule $P:29:9 from: [198.18.2.0/24, 2001:db8:2::/64] proto: icmpv6 icmp: [128]
overall: pass" --from 2001:db8:2::5 --to 2001:db8::21 --proto icmpv6 --icmp echo-request
}

test_explain_audit_and_dhcp() {
	expect_explain "audit device" "flow: udp 198.18.0.31 -> 198.18.9.9 port 514
from-device pump-01: would-drop, no-rule
to-device: no device has 198.18.9.9
overall: would-drop" --from 198.18.0.31 --to 198.18.9.9 --proto udp --dport 514

	expect_explain "dhcp client" "flow: udp 198.18.0.31 -> 198.18.0.1 port 67
from-device pump-01: pass, dhcp
to-device: no device has 198.18.0.1
overall: pass" --from 198.18.0.31 --to 198.18.0.1 --proto udp --dport 67
}

test_explain_not_judged() {
	expect_explain "no device" "flow: 47 198.18.9.1 -> 198.18.9.2
from-device: no device has 198.18.9.1
to-device: no device has 198.18.9.2
overall: not judged" --from 198.18.9.1 --to 198.18.9.2 --proto 47
}

test_explain_usage_errors() {
	expect_usage "no --from" "--from" "$P" --to 198.18.0.21 --proto tcp --dport 1
	expect_usage "no --to" "--to" "$P" --from 198.18.0.21 --proto tcp --dport 1
	expect_usage "no --proto" "--proto" "$P" --from 198.18.0.21 --to 198.18.0.1
	expect_usage "bad --from" "--from" "$P" --from 198.18.0 --to 198.18.0.1 --proto udp \
		--dport 53
	expect_usage "bad --to" "--to" "$P" --from 198.18.0.21 --to 198.18.1.300 --proto udp \
		--dport 53
	expect_usage "mixed families" "--to" "$P" --from 198.18.0.21 --to 2001:db8::1 \
		--proto udp --dport 53
	expect_usage "unknown proto" "--proto" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto tcpp --dport 53
	expect_usage "proto any" "--proto" "$P" --from 198.18.0.21 --to 198.18.0.1 --proto any
	expect_usage "dport with icmp" "--dport" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto icmp --dport 7
	expect_usage "tcp without dport" "--dport" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto tcp
	expect_usage "bad dport" "--dport" "$P" --from 198.18.0.21 --to 198.18.0.1 --proto tcp \
		--dport 70000
	expect_usage "icmp with tcp" "--icmp" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto tcp --dport 80 --icmp 8
	expect_usage "bad icmp type" "--icmp" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto icmp --icmp echo-requets
	expect_usage "no policy" "POLICY" --from 198.18.0.21 --to 198.18.0.1 --proto 47
	expect_usage "unknown option" "--sport" "$P" --from 198.18.0.21 --to 198.18.0.1 \
		--proto udp --dport 1 --sport 2
}

test_explain_invalid_policy() {
	local bad="$TMP/bad.yaml"

	printf '%s\n' 'version: 1' 'interfaces:' '  - name: dev0' 'devices:' '  - name: x' \
		'    ipv4: [300.1.1.1]' >"$bad"
	explain "$bad" --from 198.18.0.21 --to 198.18.0.1 --proto 47
	expect_status "invalid policy: exit 1" 1 "$STATUS"
	expect_contains "invalid policy: error with its position" "$ERR" "$bad:6:"
	expect_equal "invalid policy: nothing on stdout" "" "$OUT"

	explain "$TMP/missing.yaml" --from 198.18.0.21 --to 198.18.0.1 --proto 47
	expect_status "missing policy: exit 1" 1 "$STATUS"
}

test_explain_help() {
	OUT=$("$WARD" explain --help)
	expect_status "--help: exit 0" 0 $?
	expect_contains "--help: usage" "$OUT" "usage: ward explain POLICY --from ADDR --to ADDR"
	expect_contains "--help: output format" "$OUT" "overall: pass | drop | would-drop"
}

test_explain_outbound_rule_and_no_device
test_explain_inbound_rule
test_explain_no_rule
test_explain_two_sides
test_explain_one_side_drops
test_explain_icmp
test_explain_audit_and_dhcp
test_explain_not_judged
test_explain_usage_errors
test_explain_invalid_policy
test_explain_help
t_done
