#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Every C file reads as .clang-format says (kernel style): one check per
# file, so a failure names the file and the first lines that differ.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h')
else
	files=$(find agent bpf include policy tests tools -name '*.[ch]' | sort)
fi

for file in $files; do
	diff=$(clang-format "$file" | diff -u "$file" - | head -20)
	if [ -z "$diff" ]; then
		t_ok "formatted_$file"
	else
		t_fail "formatted_$file" "differs from clang-format (make format fixes it):" "$diff"
	fi
done

t_done
