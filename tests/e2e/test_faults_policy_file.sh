#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Fault: the policy file is replaced with garbage, emptied, replaced by a
# rename, removed (and left so), then written anew with random bytes, and
# sent SIGHUP while garbage, all while the agent runs. Each attempt gets
# exactly one policy-rejected event, the policy in force (its generation,
# its sha256 in `ward status`) stays the old one, and so do the verdicts.
# The removal is an attempt once the file has stayed away for the grace
# period (1 s): an editor that saves by renaming the old file away and
# writing a new one (vim) must get one policy-loaded and no rejection, and
# so must a removal whose file is back within the grace period. Putting a
# valid policy back loads it as generation 2.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

rejected() { lab_count_events '"event":"policy-rejected"'; }
generation() { lab_status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["generation"])'; }
sha() { lab_status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["sha256"])'; }

# attempt NAME N: after the change, exactly N rejections, and nothing else moved.
attempt() {
	local name=$1 want=$2

	lab_wait_event policy-rejected "$want"
	sleep 1.5 # room for a second, duplicate rejection to show
	expect_equal "$name: exactly one policy-rejected event" "$want" "$(rejected)"
	expect_equal "$name: the policy in force is still generation 1" 1 "$(generation)"
	expect_equal "$name: status still shows the old policy's sha256" "$SHA" "$(sha)"
	lab_echo rogue "$MOD_IP"
	expect_status "$name: the rogue is still refused" 124 $(($? ? 124 : 0))
	lab_echo pacs "$MOD_IP"
	expect_status "$name: the PACS still reaches the modality" 0 $?
}

lab_up
lab_policy "$LAB_POLICY"
cp "$LAB_POLICY" "$LAB_DIR/good.yaml"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi
SHA=$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)
expect_equal "status shows the policy's sha256" "$SHA" "$(sha)"

printf 'version: 1\ndevices: [[[{{{\n\001\377garbage' >"$LAB_POLICY"
attempt "garbage written in place" 1

: >"$LAB_POLICY"
attempt "file emptied" 2

printf 'version: 1\ninterfaces: [{name: dev0}]\ndevices: [{name: X!}]\n' >"$LAB_DIR/bad.yaml"
mv "$LAB_DIR/bad.yaml" "$LAB_POLICY"
attempt "invalid policy renamed over it" 3

rm -f "$LAB_POLICY"
sleep 0.5
expect_equal "file removed: no event within the grace period" 3 "$(rejected)"
attempt "file removed and left so" 4
last=$(grep '"event":"policy-rejected"' "$LAB_EVENTS" | tail -n 1)
expect_contains "policy-rejected says the file was removed" "$last" \
	"\"errors\":[\"$LAB_POLICY: the file was removed; the policy in force stays\"]"

head -c 4096 /dev/urandom >"$LAB_POLICY"
attempt "removed, then written anew with random bytes" 5
kill -HUP "$LAB_AGENT_PID"
attempt "SIGHUP while the file is garbage" 6

kill -0 "$LAB_AGENT_PID" 2>/dev/null
expect_status "the agent is still running" 0 $?
last=$(grep '"event":"policy-rejected"' "$LAB_EVENTS" | tail -n 1)
expect_contains "policy-rejected names the file" "$last" "\"path\":\"$LAB_POLICY\""
expect_contains "policy-rejected carries the errors" "$last" '"errors":["'

# Not byte for byte the policy in force, which the agent would not reload.
{ cat "$LAB_DIR/good.yaml"; echo "# restored"; } >"$LAB_POLICY.tmp"
mv "$LAB_POLICY.tmp" "$LAB_POLICY"
lab_wait_event policy-loaded 2
expect_equal "a valid policy put back is loaded as generation 2" 2 "$(generation)"
lab_echo pacs "$MOD_IP"
expect_status "generation 2: the PACS reaches the modality" 0 $?
lab_echo rogue "$MOD_IP"
expect_status "generation 2: the rogue is refused" 124 $(($? ? 124 : 0))

# An editor's save: the old file renamed away, a new one written, the old removed.
mv "$LAB_POLICY" "$LAB_POLICY~"
sleep 0.3
{ cat "$LAB_DIR/good.yaml"; echo "# saved by an editor"; } >"$LAB_POLICY"
rm -f "$LAB_POLICY~"
lab_wait_event policy-loaded 3
sleep 1.5 # past the grace period
expect_equal "editor's save by rename: loaded as generation 3" 3 "$(generation)"
expect_equal "editor's save by rename: no policy-rejected" 6 "$(rejected)"

# Removed, and back (the same bytes) within the grace period: nothing to say.
cp "$LAB_POLICY" "$LAB_DIR/saved.yaml"
rm -f "$LAB_POLICY"
sleep 0.3
cp "$LAB_DIR/saved.yaml" "$LAB_POLICY"
sleep 1.5
expect_equal "removed and back within the grace period: no policy-rejected" 6 "$(rejected)"
expect_equal "removed and back within the grace period: still generation 3" 3 "$(generation)"
lab_agent_stop
t_done
