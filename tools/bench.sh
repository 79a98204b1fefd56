#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `make bench`: sets the stage for build/tools/bench and runs it, so that
# one table holds every figure of the run (docs/bench.md):
#
#   1. three namespaces: a device, a gateway, a server (198.18.0.0/15 only);
#   2. iperf3 TCP through the gateway, in interleaved rounds, with no filter,
#      with nftables holding the equivalent stateful rule set, and with ward;
#   3. xdp-filter loaded on a spare interface of the gateway, with rules
#      equivalent to ward's for the measured flow;
#   4. build/tools/bench in the gateway's namespace: per-packet costs,
#      scaling, events, policy loads; the table, then the B3 plot.
#
# Everything it creates carries the prefix wb<pid> and goes away on exit,
# whatever happens. Tunables (environment): BENCH_ROUNDS, BENCH_REPEAT,
# BENCH_SIZES, BENCH_IPERF_TIME, BENCH_EVENT_TIME, BENCH_OUT (where the JSON
# and the plot go),
# JSON=1 (also write $BENCH_OUT/bench.json).
set -u
cd "$(dirname "$0")/.."

OUT=${OUT:-build}
BENCH_OUT=${BENCH_OUT:-$OUT}
ROUNDS=${BENCH_ROUNDS:-5}
REPEAT=${BENCH_REPEAT:-1000000}
SIZES=${BENCH_SIZES:-1,10,100,1000,10000}
IPERF_TIME=${BENCH_IPERF_TIME:-5}
EVENT_TIME=${BENCH_EVENT_TIME:-10}
JSON=${JSON:-}
WARD=${WARD:-$OUT/ward}

P=${BENCH_PREFIX:-wb$$}
NS_DEV=$P-dev
NS_GW=$P-gw
NS_SRV=$P-srv
IF_GD=$P-gd	# gateway, device side: where ward sits
IF_GS=$P-gs	# gateway, server side
IF_XF=$P-xf	# gateway: the spare interface xdp-filter is loaded on
DEV_ADDR=198.18.0.1
GW_DEV_ADDR=198.18.0.254
SRV_ADDR=198.19.0.10
GW_SRV_ADDR=198.19.0.254
IPERF_PORT=5201

WORK=$(mktemp -d "/tmp/$P.XXXXXX")
BPFFS=$WORK/bpffs
PIN_DIR=/sys/fs/bpf/ward-test-$P
SAMPLES=$WORK/samples.tsv
IPERF_PID=
WARD_PID=
STARTED=	# every server and agent started, checked gone at exit

log() {
	echo "bench: $*" >&2
}

note() {
	echo "# $*" >>"$SAMPLES"
}

sample() { # NAME UNIT LABEL VALUE
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$SAMPLES"
}

stop_pid() {
	[ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	return 0
}

cleanup() {
	stop_ward
	stop_pid "$IPERF_PID"
	if [ -d "$BPFFS" ]; then
		LIBXDP_BPFFS=$BPFFS ip netns exec "$NS_GW" xdp-filter unload "$IF_XF" \
			>/dev/null 2>&1
		umount "$BPFFS" 2>/dev/null
	fi
	for ns in "$NS_DEV" "$NS_GW" "$NS_SRV"; do
		kill_ns_pids "$ns"
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
	check_gone
}

# A process this script started that outlives it is a failure of the run.
check_gone() {
	local pid

	for pid in $STARTED; do
		if kill -0 "$pid" 2>/dev/null; then
			log "process $pid that the benchmark started is still running"
			exit 1
		fi
	done
}

# Anything still running in one of our namespaces was started by this script.
kill_ns_pids() {
	local pids

	pids=$(ip netns pids "$1" 2>/dev/null) || return 0
	[ -n "$pids" ] || return 0
	log "stopping what is left in $1: $pids"
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	sleep 0.2
	# shellcheck disable=SC2086
	kill -9 $pids 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# 1. The stage.
make_stage() {
	ip netns add "$NS_DEV" && ip netns add "$NS_GW" && ip netns add "$NS_SRV" || return 1
	ip -n "$NS_GW" link add "$IF_GD" type veth peer name "$P-d" netns "$NS_DEV" || return 1
	ip -n "$NS_GW" link add "$IF_GS" type veth peer name "$P-s" netns "$NS_SRV" || return 1
	ip -n "$NS_GW" link add "$IF_XF" type veth peer name "$P-xp" || return 1
	ip -n "$NS_GW" link set "$IF_GD" address 02:00:00:ff:00:01 || return 1
	ip -n "$NS_DEV" link set "$P-d" address 02:00:00:00:00:01 || return 1

	ip -n "$NS_DEV" addr add "$DEV_ADDR/24" dev "$P-d"
	ip -n "$NS_GW" addr add "$GW_DEV_ADDR/24" dev "$IF_GD"
	ip -n "$NS_GW" addr add "$GW_SRV_ADDR/24" dev "$IF_GS"
	ip -n "$NS_SRV" addr add "$SRV_ADDR/24" dev "$P-s"
	for ns in "$NS_DEV" "$NS_GW" "$NS_SRV"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_DEV" link set "$P-d" up
	ip -n "$NS_SRV" link set "$P-s" up
	for l in "$IF_GD" "$IF_GS" "$IF_XF" "$P-xp"; do
		ip -n "$NS_GW" link set "$l" up
	done
	ip -n "$NS_DEV" route add default via "$GW_DEV_ADDR"
	ip -n "$NS_SRV" route add default via "$GW_SRV_ADDR"
	in_ns "$NS_GW" sysctl -qw net.ipv4.ip_forward=1
}

# The policy ward enforces on the gateway for iperf3: the device may open
# TCP to the server's iperf3 port, nothing else.
write_iperf_policy() {
	cat >"$WORK/iperf.yaml" <<-YAML
	version: 1
	interfaces:
	  - name: $IF_GD
	    unknown_hosts: pass
	devices:
	  - name: iperf-client
	    mac: "02:00:00:00:00:01"
	    ipv4: [$DEV_ADDR]
	    outbound:
	      - to: [$SRV_ADDR]
	        proto: tcp
	        ports: [$IPERF_PORT]
	YAML
}

write_nft_rules() {
	cat >"$WORK/nft.conf" <<-NFT
	table inet $P {
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			iifname "$IF_GD" ether saddr 02:00:00:00:00:01 ip saddr $DEV_ADDR \
				ip daddr $SRV_ADDR tcp dport $IPERF_PORT ct state new accept
		}
	}
	NFT
}

ward_runs() {
	[ -x "$WARD" ] && "$WARD" help 2>/dev/null | grep -q '^  run '
}

start_ward() {
	local i

	# ip execs ward, so $! is the agent itself
	ip netns exec "$NS_GW" "$WARD" run --policy "$WORK/iperf.yaml" --pin-dir "$PIN_DIR" \
		--events "$WORK/events.jsonl" >"$WORK/ward.log" 2>&1 &
	WARD_PID=$!
	STARTED="$STARTED $WARD_PID"
	for i in $(seq 50); do
		grep -q '"event":"attached"' "$WORK/events.jsonl" 2>/dev/null && return 0
		kill -0 "$WARD_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "ward run did not attach: $(tail -n 3 "$WORK/ward.log")"
	return 1
}

stop_ward() {
	[ -n "$WARD_PID" ] || return 0
	stop_pid "$WARD_PID"
	WARD_PID=
	in_ns "$NS_GW" "$WARD" detach --pin-dir "$PIN_DIR" >/dev/null 2>&1
	rm -rf "$PIN_DIR" 2>/dev/null
	return 0
}

# iperf3 for IPERF_TIME seconds; prints the receiver's Gbit/s.
iperf_once() {
	in_ns "$NS_DEV" iperf3 -c "$SRV_ADDR" -p "$IPERF_PORT" -t "$IPERF_TIME" -f g 2>&1 |
		awk '/receiver/ { print $(NF - 2) }'
}

# The bare XDP program in native mode where ward attaches: what any XDP
# program costs on a veth (frames copied out of GSO skbs), ward or not.
bare_xdp() { # on | off
	if [ "$1" = on ]; then
		ip -n "$NS_GW" link set dev "$IF_GD" xdpdrv obj "$OUT/bpf/bare.bpf.o" sec xdp
	else
		ip -n "$NS_GW" link set dev "$IF_GD" xdpdrv off
	fi
}

iperf_variant() { # none | nft | bare | ward
	local gbps

	case "$1" in
	nft) in_ns "$NS_GW" nft -f "$WORK/nft.conf" || return 1 ;;
	bare) bare_xdp on || return 1 ;;
	ward) start_ward || { stop_ward; return 1; } ;;
	esac
	gbps=$(iperf_once)
	case "$1" in
	nft) in_ns "$NS_GW" nft delete table inet "$P" ;;
	bare) bare_xdp off ;;
	ward) stop_ward ;;
	esac
	[ -n "$gbps" ] || return 1
	echo "$gbps"
}

# 2. Throughput through the gateway, variants interleaved round by round.
run_iperf() {
	local variants="none nft bare" r v gbps label

	if ward_runs; then
		variants="none nft bare ward"
	else
		note "B8: 'ward run' is not available in this build, iperf3 with ward not measured"
	fi
	write_iperf_policy
	write_nft_rules
	# ip execs iperf3, so $! is the server itself
	ip netns exec "$NS_SRV" iperf3 -s -p "$IPERF_PORT" >/dev/null 2>&1 &
	IPERF_PID=$!
	STARTED="$STARTED $IPERF_PID"
	sleep 0.3

	for r in $(seq "$ROUNDS"); do
		for v in $variants; do
			gbps=$(iperf_variant "$v")
			if [ -z "$gbps" ]; then
				note "B8: iperf3 with '$v' failed in round $r"
				continue
			fi
			case $v in
			none) label="iperf3 through the gateway, no filter" ;;
			nft) label="iperf3 through the gateway, nftables" ;;
			bare) label="iperf3 through the gateway, bare XDP (native)" ;;
			ward) label="iperf3 through the gateway, ward" ;;
			esac
			sample "iperf.$v" "Gbit/s" "$label" "$gbps"
		done
		variants="${variants#* } ${variants%% *}"
	done
	note "B8: iperf3 -t $IPERF_TIME, one TCP stream, device namespace to server namespace"
	stop_pid "$IPERF_PID"
	IPERF_PID=
}

# 3. xdp-filter, deny by default, allowing what ward's rule allows as far as
# it can say it: TCP to port 104 (it has no rule that ties address and port).
# Loaded in skb mode without libxdp's dispatcher, so that its program id is
# the filter itself; its maps live on a private bpffs.
XDPF_ID=
load_xdp_filter() {
	local xf="env LIBXDP_BPFFS=$BPFFS LIBXDP_SKIP_DISPATCHER=1 xdp-filter"

	command -v xdp-filter >/dev/null || { note "xdp-filter is not installed"; return 0; }
	mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS" || { note "no bpffs for xdp-filter"; return 0; }
	if ! in_ns "$NS_GW" $xf load -m skb -p deny -f tcp "$IF_XF" >"$WORK/xdpf.log" 2>&1 ||
	   ! in_ns "$NS_GW" $xf port 104 -m dst -p tcp >>"$WORK/xdpf.log" 2>&1 ||
	   ! in_ns "$NS_GW" $xf port 104 -m src -p tcp >>"$WORK/xdpf.log" 2>&1; then
		note "xdp-filter failed to load: $(tail -n 1 "$WORK/xdpf.log")"
		return 0
	fi
	XDPF_ID=$(ip -n "$NS_GW" -d link show "$IF_XF" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$XDPF_ID" ] || note "xdp-filter loaded but its program id was not found"
	note "xdp-filter: load -m skb -p deny -f tcp; port 104 -m dst -p tcp; port 104 -m src -p tcp"
}

plot() {
	local data=$BENCH_OUT/bench-b3.dat png=$BENCH_OUT/bench-b3.png

	command -v gnuplot >/dev/null || { log "gnuplot not installed, no plot"; return 0; }
	gnuplot <<-GP || return 1
	set terminal pngcairo size 900,600
	set output "$png"
	set title "ward: cost of judging a packet against the number of devices (20 rules each)"
	set xlabel "devices"
	set ylabel "ns per packet above the bare XDP program"
	set logscale xy
	set key top left
	set grid
	plot "$data" using 1:2 with linespoints title "ward, tracked flow", \
	     "$data" using 1:3 with linespoints title "ward, new flow", \
	     "$data" using 1:4 with linespoints title "ward, no rule (dropped)", \
	     "$data" using 1:5 with linespoints title "linear scan over the rules"
	GP
	log "plot: $png"
}

main() {
	local json_arg=()

	[ "$(id -u)" -eq 0 ] || { log "must run as root"; return 1; }
	mkdir -p "$BENCH_OUT"
	: >"$SAMPLES"
	make_stage || { log "cannot build the namespaces"; return 1; }
	run_iperf
	load_xdp_filter
	[ -n "$JSON" ] && json_arg=(--json "$BENCH_OUT/bench.json")

	"$OUT/tools/bench" --netns "$NS_GW" --iface "$IF_GD" --rounds "$ROUNDS" \
		--repeat "$REPEAT" --sizes "$SIZES" --samples "$SAMPLES" \
		--events "$WORK/events-b6.jsonl" --event-seconds "$EVENT_TIME" \
		${XDPF_ID:+--xdp-filter-id "$XDPF_ID"} --plot "$BENCH_OUT/bench-b3.dat" \
		"${json_arg[@]}" || return 1
	[ -n "$JSON" ] && log "JSON: $BENCH_OUT/bench.json"
	plot
}

main
