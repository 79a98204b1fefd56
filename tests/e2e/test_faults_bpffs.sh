#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Fault: the pin directory has no bpffs under it. Twice: with /sys/fs/bpf
# unmounted (in a private mount namespace), and with --pin-dir on a tmpfs.
# ward must either mount a bpffs there and pin everything in it, or refuse
# with exit status 3 and a message about the pin directory, leaving nothing
# attached; it must never enforce with nothing pinned.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/lab.sh

# run_without_bpffs NAME PIN_DIR SETUP: start the agent in a private mount
# namespace of the gateway after SETUP, then judge what it did.
run_without_bpffs() {
	local name=$1 dir=$2 setup=$3 pid rc i fs npins

	# Not in_ns: $! must be the agent itself, not a subshell.
	ip netns exec "$(lab_ns gw)" unshare -m --propagation private sh -c "$setup; exec \"\$0\" run \
		--policy '$LAB_POLICY' --events '$LAB_DIR/ev-$name' --pin-dir '$dir'" \
		"$WARD" >"$LAB_DIR/$name.log" 2>&1 &
	pid=$!
	for i in $(seq 50); do
		grep -q '"event":"attached"' "$LAB_DIR/ev-$name" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		rc=$?
		expect_status "$name: refused with exit status 3" 3 "$rc"
		expect_contains "$name: the message names the pin directory" \
			"$(cat "$LAB_DIR/$name.log")" "$dir"
		in_ns gw ip link show dev0 | grep -q xdp
		expect_status "$name: nothing left attached" 1 $?
		return
	fi
	fs=$(stat -f -c %T "/proc/$pid/root$dir" 2>/dev/null)
	npins=$(ls "/proc/$pid/root$dir" 2>/dev/null | wc -l)
	kill -TERM "$pid"
	wait "$pid"
	expect_equal "$name: it runs, so its pin directory is on a bpffs" bpf_fs "$fs"
	[ "$npins" -gt 0 ]
	expect_status "$name: and pinned its maps and programs there ($npins pins)" 0 $?
	# What it attached stays (as after any stop): take it off for the next case.
	in_ns gw ip link set dev0 xdp off
	in_ns gw tc qdisc del dev dev0 clsact 2>/dev/null
}

lab_up
lab_policy "$LAB_POLICY"
run_without_bpffs "sys_fs_bpf_unmounted" "$LAB_PINS" \
	"mount -t sysfs sysfs /sys 2>/dev/null; umount /sys/fs/bpf 2>/dev/null; true"
mkdir -p "$LAB_DIR/tmpfs"
run_without_bpffs "pin_dir_on_tmpfs" "$LAB_DIR/tmpfs/pins" \
	"mount -t tmpfs tmpfs '$LAB_DIR/tmpfs' -o size=1m && mkdir -p '$LAB_DIR/tmpfs/pins'"
t_done
