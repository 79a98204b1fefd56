#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `make install` into a temporary DESTDIR: every file where it belongs with
# the mode it should have, the unit's ExecStart pointing at the installed
# binary, systemd-analyze accepting the unit, and a second install over the
# first leaving an administrator's policy alone.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

OUT=${OUT:-$(dirname "$WARD")}
DEST=$(mktemp -d /tmp/ward-test-install-XXXXXX)
trap 'rm -rf "$DEST"' EXIT
PREFIX=/usr/local

mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }

tools/install.sh "$DEST" "$PREFIX" "$OUT" >"$DEST.log" 2>&1
expect_status "install_succeeds" 0 $?

expect_equal "install_binary_0755" 755 "$(mode_of "$DEST$PREFIX/sbin/ward")"
expect_equal "install_man_page_0644" 644 "$(mode_of "$DEST$PREFIX/share/man/man8/ward.8")"
expect_equal "install_unit_0644" 644 "$(mode_of "$DEST$PREFIX/lib/systemd/system/ward.service")"
expect_equal "install_etc_ward_0750" 750 "$(mode_of "$DEST/etc/ward")"
expect_equal "install_policy_doc" 644 "$(mode_of "$DEST$PREFIX/share/doc/ward/policy.md")"
expect_equal "install_readme" 644 "$(mode_of "$DEST$PREFIX/share/doc/ward/README.md")"
expect_equal "install_operations_doc" 644 \
	"$(mode_of "$DEST$PREFIX/share/doc/ward/operations.md")"
expect_equal "install_logrotate_0644" 644 "$(mode_of "$DEST/etc/logrotate.d/ward")"
if command -v logrotate >/dev/null; then
	logrotate -d -s "$DEST/logrotate.state" "$DEST/etc/logrotate.d/ward" >"$DEST.lr" 2>&1
	expect_status "logrotate_accepts_snippet" 0 $?
	rm -f "$DEST.lr"
fi
expect_equal "install_every_example" "$(ls policy/examples)" \
	"$(ls "$DEST$PREFIX/share/ward/examples")"
expect_equal "install_copies_binary_unchanged" "$(sha256sum <"$OUT/ward")" \
	"$(sha256sum <"$DEST$PREFIX/sbin/ward")"

"$DEST$PREFIX/sbin/ward" version >/dev/null
expect_status "installed_binary_runs" 0 $?

unit="$DEST$PREFIX/lib/systemd/system/ward.service"
expect_contains "unit_execstart_is_installed_binary" "$(cat "$unit")" \
	"ExecStart=$PREFIX/sbin/ward run --policy /etc/ward/policy.yaml"
if grep -q @SBINDIR@ "$unit"; then
	t_fail "unit_has_no_placeholder_left" "$(grep @SBINDIR@ "$unit")"
else
	t_ok "unit_has_no_placeholder_left"
fi
for want in "CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN CAP_PERFMON" \
	"AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON" "NoNewPrivileges=yes" \
	"ProtectSystem=strict" "ReadWritePaths=/var/log/ward /sys/fs/bpf" "PrivateTmp=yes" \
	"-/var/lib/prometheus/node-exporter" "\$WARD_SYSLOG \$WARD_METRICS" \
	"WARD_METRICS=--metrics=/var/lib/prometheus/node-exporter/ward.prom"; do
	expect_contains "unit_has_${want%%=*}" "$(cat "$unit")" "$want"
done

# systemd-analyze verify wants the ExecStart binaries to exist: check a copy
# of the unit whose paths point into DESTDIR.
verify_dir="$DEST/verify"
mkdir -p "$verify_dir"
sed "s|$PREFIX/sbin/ward|$DEST$PREFIX/sbin/ward|g" "$unit" >"$verify_dir/ward.service"
# Documentation=man:ward(8) is checked too, against the installed page.
out=$(MANPATH="$DEST$PREFIX/share/man" SYSTEMD_LOG_LEVEL=warning \
	systemd-analyze verify "$verify_dir/ward.service" 2>&1)
expect_status "systemd_analyze_verify_accepts_unit" 0 $?
expect_equal "systemd_analyze_verify_says_nothing" "" "$out"

# A second install keeps the administrator's policy.
echo "version: 1  # the hospital's own" >"$DEST/etc/ward/policy.yaml"
tools/install.sh "$DEST" "$PREFIX" "$OUT" >/dev/null 2>&1
expect_status "reinstall_succeeds" 0 $?
expect_equal "reinstall_keeps_policy" "version: 1  # the hospital's own" \
	"$(cat "$DEST/etc/ward/policy.yaml")"

tools/install.sh "$DEST" "$PREFIX" "$DEST/no-build" >/dev/null 2>&1
expect_status "install_without_build_fails" 1 $?

rm -f "$DEST.log"
t_done
