#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# An invalid policy on reload is refused: a policy-rejected event carries
# each error as FILE:LINE:COLUMN: message, and the policy in force stays in
# force (same generation and sha256, same verdicts), whether the bad file
# came by rename or with a SIGHUP. Putting the policy in force back is
# no reload; a fixed, changed file is loaded.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

lab_up
lab_policy "$LAB_POLICY"
good_sha=$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi

# Two errors: a key that does not exist, and a set that is not defined.
lab_policy "$LAB_DIR/bad.yaml"
sed -i -e 's/^    mode: enforce/    mood: enforce/' -e 's/- to: \[pacs\]/- to: [pacz]/' \
	"$LAB_DIR/bad.yaml"
mv "$LAB_DIR/bad.yaml" "$LAB_POLICY"
lab_wait_event policy-rejected 1
expect_status "a bad file renamed over the policy is refused" 0 $?
ev=$(grep '"event":"policy-rejected"' "$LAB_EVENTS" | head -n1)
expect_contains "policy-rejected names the file" "$ev" "\"path\":\"$LAB_POLICY\""
expect_contains "policy-rejected carries the unknown key at its line" "$ev" \
	"$LAB_POLICY:$(grep -n 'mood:' "$LAB_POLICY" | cut -d: -f1):5: "
expect_contains "policy-rejected carries the unknown set" "$ev" "pacz"
expect_contains "the agent says the old policy stays" "$(cat "$LAB_DIR/agent.log")" \
	"the policy in force stays"

gen=$(lab_status_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy"]["generation"])')
expect_equal "generation unchanged" 1 "$gen"
expect_contains "status still shows the good policy's sha256" "$(lab_status_json)" "$good_sha"
lab_echo pacs "$MOD_IP"
expect_status "old policy enforced: PACS -> modality echoscu succeeds" 0 $?
lab_ping pacs "$MOD_IP"
expect_status "old policy enforced: PACS -> modality ping succeeds" 0 $?
lab_ping rogue "$MOD_IP"
expect_refused "old policy enforced: rogue -> modality ping fails" $?

kill -HUP "$LAB_AGENT_PID"
lab_wait_event policy-rejected 2
expect_status "SIGHUP with the bad file in place is refused too" 0 $?
expect_equal "no policy-loaded for the bad file" 1 "$(lab_count_events '"event":"policy-loaded"')"
kill -0 "$LAB_AGENT_PID"
expect_status "the agent is still running" 0 $?

printf 'version: 1\ndevices: [\n' >"$LAB_DIR/broken.yaml"
mv "$LAB_DIR/broken.yaml" "$LAB_POLICY"
lab_wait_event policy-rejected 3
expect_status "a file that is not YAML is refused" 0 $?
lab_ping rogue "$MOD_IP"
expect_refused "still enforced: rogue -> modality ping fails" $?

lab_policy "$LAB_DIR/same.yaml"
mv "$LAB_DIR/same.yaml" "$LAB_POLICY"
sleep 0.5
expect_equal "the policy in force put back: nothing to load" "1 3" \
	"$(lab_count_events '"event":"policy-loaded"') $(lab_count_events '"event":"policy-rejected"')"
lab_policy "$LAB_DIR/fixed.yaml"
echo "# fixed" >>"$LAB_DIR/fixed.yaml"
mv "$LAB_DIR/fixed.yaml" "$LAB_POLICY"
lab_wait_event policy-loaded 2
expect_status "a fixed, changed file is loaded" 0 $?
expect_contains "status shows the fixed file's sha256" "$(lab_status_json)" \
	"$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)"
lab_ping pacs "$MOD_IP"
expect_status "fixed policy: PACS -> modality ping succeeds" 0 $?

t_done
