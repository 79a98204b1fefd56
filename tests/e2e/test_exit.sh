#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The exit statuses of `ward run` (cli.md): 1 for an invalid (or missing)
# policy, 2 for wrong usage, 3 for an interface that does not exist, each
# with a message that says what is wrong, and nothing pinned or attached.
# Then 3 for a second agent on a pin directory in use, and for `ward detach`
# under a running agent, neither of which changes anything.
# Runs in a namespace of its own.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

NS=wt$$-exit
PINS=/sys/fs/bpf/ward-test-wt$$-exit
DIR=$(mktemp -d "/tmp/ward-e2e-$NS-XXXXXX")
AGENT=
cleanup() {
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT"
	[ -d "$PINS" ] && ip netns exec "$NS" "$WARD" detach --pin-dir "$PINS" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
	[ -d "$PINS" ] && rm -rf "$PINS"
}
trap cleanup EXIT
ip netns add "$NS"

# run_ward ARGS...: ward run in the namespace, 10 s at most; stderr in $DIR/err.
run_ward() {
	ip netns exec "$NS" timeout 10 "$WARD" run --pin-dir "$PINS" --events "$DIR/events.jsonl" \
		"$@" >"$DIR/out" 2>"$DIR/err"
}

policy() { # policy FILE IFACE
	cat >"$1" <<YAML
version: 1
interfaces:
  - name: $2
devices:
  - name: ct-01
    ipv4: [198.18.0.21]
    inbound:
      - from: [198.18.1.10]
        proto: tcp
        ports: [104]
YAML
}

run_ward
expect_status "no --policy: usage, exit 2" 2 $?
expect_contains "no --policy: says so" "$(cat "$DIR/err")" "--policy"
run_ward --policy "$DIR/p.yaml" --frobnicate
expect_status "unknown option: exit 2" 2 $?
run_ward --policy "$DIR/p.yaml" extra
expect_status "stray argument: exit 2" 2 $?
expect_contains "stray argument: named" "$(cat "$DIR/err")" "extra"

policy "$DIR/bad.yaml" lo
sed -i 's/proto: tcp/proto: tcpp/' "$DIR/bad.yaml"
run_ward --policy "$DIR/bad.yaml"
expect_status "invalid policy: exit 1" 1 $?
expect_contains "invalid policy: the error with its place" "$(cat "$DIR/err")" \
	"$DIR/bad.yaml:$(grep -n tcpp "$DIR/bad.yaml" | cut -d: -f1):"
run_ward --policy "$DIR/none.yaml"
expect_status "missing policy file: exit 1" 1 $?
expect_contains "missing policy file: named" "$(cat "$DIR/err")" "$DIR/none.yaml"

policy "$DIR/noif.yaml" "wt$$-nope"
run_ward --policy "$DIR/noif.yaml"
expect_status "missing interface: exit 3" 3 $?
err=$(cat "$DIR/err")
expect_contains "missing interface: named" "$err" "no interface wt$$-nope"
expect_contains "missing interface: where in the policy" "$err" \
	"interfaces[0].name in $DIR/noif.yaml:3:"

[ -e "$PINS" ]
expect_status "nothing pinned by the failed starts" 1 $?
[ -s "$DIR/events.jsonl" ]
expect_status "no event written by the failed starts" 1 $?
ip netns exec "$NS" ip link show lo | grep -q xdp
expect_status "nothing attached" 1 $?

# A second agent on the pin directory of a running one.
ip -n "$NS" link add wt$$-dev type veth peer name wt$$-peer
ip -n "$NS" link set wt$$-dev up
ip -n "$NS" link set wt$$-peer up
policy "$DIR/good.yaml" "wt$$-dev"

# start_agent EVENTS: ward run in the background on good.yaml; its pid in $AGENT.
start_agent() {
	ip netns exec "$NS" "$WARD" run --pin-dir "$PINS" --events "$1" \
		--policy "$DIR/good.yaml" 2>"$DIR/agent.err" &
	AGENT=$!
}

# wait_event FILE KIND: until FILE holds an event of KIND, 10 s at most.
wait_event() {
	for _ in $(seq 100); do
		grep -q "\"event\":\"$2\"" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# What is attached and which policy, without the counters that traffic moves.
enforcement() {
	ip netns exec "$NS" "$WARD" status --pin-dir "$PINS" --json 2>&1 |
		python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["interfaces"], s["policy"])'
}

start_agent "$DIR/first.jsonl"
wait_event "$DIR/first.jsonl" attached
expect_status "first agent attached" 0 $?
before=$(enforcement)

run_ward --policy "$DIR/good.yaml"
expect_status "second agent on the same pins: exit 3" 3 $?
expect_contains "second agent: says which one runs" "$(cat "$DIR/err")" \
	"another ward run (pid $AGENT) is using $PINS"
[ -s "$DIR/events.jsonl" ]
expect_status "second agent: no event written" 1 $?
kill -0 "$AGENT" 2>/dev/null
expect_status "first agent still runs" 0 $?
expect_equal "first agent's enforcement unchanged" "$before" "$(enforcement)"

out=$(ip netns exec "$NS" "$WARD" detach --pin-dir "$PINS" 2>&1)
expect_status "ward detach under a running agent: exit 3" 3 $?
expect_contains "ward detach: says to stop the agent first" "$out" \
	"a ward run (pid $AGENT) is using $PINS and would attach again: stop it first"
expect_contains "ward status names the running agent" \
	"$(ip netns exec "$NS" "$WARD" status --pin-dir "$PINS")" "agent       ward run, pid $AGENT"
expect_contains "ward status --json names the running agent" \
	"$(ip netns exec "$NS" "$WARD" status --pin-dir "$PINS" --json)" "\"agent\":{\"pid\":$AGENT}"
expect_equal "ward detach refused: enforcement unchanged" "$before" "$(enforcement)"

kill "$AGENT" && wait "$AGENT"
expect_contains "ward status --json: no agent once it stopped" \
	"$(ip netns exec "$NS" "$WARD" status --pin-dir "$PINS" --json)" '"agent":null'
start_agent "$DIR/next.jsonl"
wait_event "$DIR/next.jsonl" policy-loaded
expect_status "after the first stops, the next one starts" 0 $?
kill "$AGENT" && wait "$AGENT"
expect_status "and stops cleanly" 0 $?
AGENT=

t_done
