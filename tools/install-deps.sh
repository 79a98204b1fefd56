#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Installs the Debian packages ward needs, by purpose, and does nothing when
# they are all there already:
#
#   tools/install-deps.sh [build|demo|test|bench]...   (no argument: all)
#
# `make demo` asks for build and demo only, so that a fresh machine gets to
# the demo sooner; `make test` asks for everything the suites use.
set -eu

BUILD="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libyaml-dev iproute2"
# The demo's hosts and clients, and the tools it reads processes with.
DEMO="iputils-ping netcat-openbsd dcmtk openssh-client procps util-linux"
# The suites: cmocka, the format check, valgrind, the install check, syslog
# and metrics peers.
TEST="libcmocka-dev clang-format libclang-rt-14-dev valgrind systemd logrotate rsyslog
prometheus-node-exporter curl python3 iperf3 xdp-tools nftables gnuplot-nox"
BENCH="iperf3 xdp-tools nftables gnuplot-nox python3"

packages_of() {
	case "$1" in
	build) echo "$BUILD" ;;
	demo) echo "$BUILD $DEMO" ;;
	test) echo "$BUILD $DEMO $TEST" ;;
	bench) echo "$BUILD $DEMO $BENCH" ;;
	*)
		echo "install-deps: unknown group '$1' (build, demo, test, bench)" >&2
		exit 2
		;;
	esac
}

wanted=""
for group in "${@:-test}"; do
	wanted="$wanted $(packages_of "$group")"
done

missing=""
for pkg in $wanted; do
	case " $missing " in *" $pkg "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"ok installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (sudo make test) or install them with apt-get" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
