#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agent killed with SIGKILL in the middle of an allowed transfer: the
# pinned programs keep enforcing without it, so the transfer completes
# intact and denied traffic stays denied; a new agent adopts the pins and
# leaves the programs on the interface as they were (same ids in
# `ward status --json` and in `ip link`), while the transfer still runs.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

CHUNKS=60		# 64 KiB every 0.1 s: the transfer lasts about 6 s
lab_up
lab_policy "$LAB_POLICY"
if lab_agent_start; then t_ok "agent starts"; else
	t_fail "agent starts" "$(cat "$LAB_DIR/agent.log")"; fi
xdp_before=$(lab_iface_field dev0 xdp_id)
tc_before=$(lab_iface_field dev0 tc_id)
link_before=$(lab_xdp_id gw dev0)
[ "${xdp_before:-0}" -gt 0 ] && [ "${tc_before:-0}" -gt 0 ] && [ "$link_before" = "$xdp_before" ]
expect_status "programs on dev0 (xdp ${xdp_before:-none}, ip link ${link_before:-none}, tc ${tc_before:-none})" 0 $?

head -c $((CHUNKS * 65536)) /dev/urandom >"$LAB_DIR/bulk.in"
lab_bg pacs sh -c "nc -l $BULK_PORT >'$LAB_DIR/bulk.out'"
lab_wait_port pacs "$BULK_PORT"
# A slow sender, so that the transfer spans the kill and the restart.
in_ns mod sh -c "python3 -c '
import sys, time
data = open(sys.argv[1], \"rb\").read()
for i in range(0, len(data), 65536):
	sys.stdout.buffer.write(data[i:i + 65536])
	sys.stdout.flush()
	time.sleep(0.1)
' '$LAB_DIR/bulk.in' | nc -N $PACS_IP $BULK_PORT" &
sender=$!
sleep 1

kill -KILL "$LAB_AGENT_PID"
wait "$LAB_AGENT_PID" 2>/dev/null
LAB_AGENT_PID=
in_ns gw pgrep -f "ward run --policy $LAB_POLICY" >/dev/null
expect_status "the agent is gone" 1 $?
kill -0 "$sender" 2>/dev/null
expect_status "the transfer is still running when the agent dies" 0 $?
expect_equal "XDP program stays on dev0 without the agent" "$link_before" "$(lab_xdp_id gw dev0)"
lab_ping rogue "$MOD_IP"
expect_refused "no agent: rogue -> modality ping still fails" $?
in_ns rogue timeout 3 nc -z -w 1 "$MOD_IP" "$DICOM_PORT"
expect_refused "no agent: rogue -> modality DICOM connect still fails" $?
lab_ping pacs "$MOD_IP"
expect_status "no agent: PACS -> modality ping still works" 0 $?

if lab_agent_start; then t_ok "a new agent starts on the pins"; else
	t_fail "a new agent starts on the pins" "$(cat "$LAB_DIR/agent.log")"; fi
kill -0 "$sender" 2>/dev/null
expect_status "the transfer is still running when the new agent is up" 0 $?
expect_equal "status: same XDP program id after adoption" "$xdp_before" \
	"$(lab_iface_field dev0 xdp_id)"
expect_equal "status: same TC program id after adoption" "$tc_before" \
	"$(lab_iface_field dev0 tc_id)"
expect_equal "ip link: same XDP program id after adoption" "$link_before" "$(lab_xdp_id gw dev0)"
expect_contains "the new agent says it adopted the pinned program" \
	"$(cat "$LAB_DIR/agent.log")" "adopting pinned ward_prog_xdp"

wait "$sender"
expect_status "the sender finished" 0 $?
for i in $(seq 50); do
	[ "$(stat -c %s "$LAB_DIR/bulk.out")" -ge "$(stat -c %s "$LAB_DIR/bulk.in")" ] && break
	sleep 0.1
done
expect_equal "the PACS received every byte, unchanged" \
	"$(sha256sum <"$LAB_DIR/bulk.in")" "$(sha256sum <"$LAB_DIR/bulk.out")"
lab_ping rogue "$MOD_IP"
expect_refused "new agent: rogue -> modality ping fails" $?
expect_equal "one policy-loaded per agent" 2 "$(lab_count_events '"event":"policy-loaded"')"

t_done
