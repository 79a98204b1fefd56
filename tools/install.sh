#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `make install`: tools/install.sh DESTDIR PREFIX OUT
#
# Installs, under DESTDIR (empty for the running system):
#   PREFIX/sbin/ward                        the binary (0755)
#   PREFIX/share/man/man8/ward.8            the manual page
#   PREFIX/share/ward/examples/*.yaml       the example policies
#   PREFIX/share/doc/ward/                  README.md, policy.md, operations.md
#   PREFIX/lib/systemd/system/ward.service  the unit, ExecStart set to PREFIX
#   /etc/ward/                              for policy.yaml (0750, never overwritten)
#   /etc/logrotate.d/ward                   rotation of the events file (0644)
# Nothing is started or enabled: that is the administrator's decision.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: tools/install.sh DESTDIR PREFIX OUT" >&2
	exit 2
fi
DESTDIR=$1
PREFIX=$2
OUT=$3
cd "$(dirname "$0")/.."

if [ ! -x "$OUT/ward" ]; then
	echo "install: $OUT/ward is missing: run make first" >&2
	exit 1
fi

SBINDIR="$PREFIX/sbin"
MANDIR="$PREFIX/share/man/man8"
EXDIR="$PREFIX/share/ward/examples"
DOCDIR="$PREFIX/share/doc/ward"
UNITDIR="$PREFIX/lib/systemd/system"

install -d -m 0755 "$DESTDIR$SBINDIR" "$DESTDIR$MANDIR" "$DESTDIR$EXDIR" "$DESTDIR$DOCDIR" \
	"$DESTDIR$UNITDIR"
install -d -m 0750 "$DESTDIR/etc/ward"
install -d -m 0755 "$DESTDIR/etc/logrotate.d"

install -m 0755 "$OUT/ward" "$DESTDIR$SBINDIR/ward"
install -m 0644 man/ward.8 "$DESTDIR$MANDIR/ward.8"
install -m 0644 policy/examples/*.yaml "$DESTDIR$EXDIR/"
install -m 0644 README.md docs/policy.md docs/operations.md "$DESTDIR$DOCDIR/"
install -m 0644 systemd/ward.logrotate "$DESTDIR/etc/logrotate.d/ward"
sed "s|@SBINDIR@|$SBINDIR|g" systemd/ward.service >"$DESTDIR$UNITDIR/ward.service.tmp"
chmod 0644 "$DESTDIR$UNITDIR/ward.service.tmp"
mv "$DESTDIR$UNITDIR/ward.service.tmp" "$DESTDIR$UNITDIR/ward.service"

echo "installed ward in $DESTDIR$PREFIX"
if [ ! -e "$DESTDIR/etc/ward/policy.yaml" ]; then
	echo "next: write /etc/ward/policy.yaml (examples in $EXDIR), then"
	echo "      ward check /etc/ward/policy.yaml && systemctl enable --now ward"
fi
