#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man page tools/ksctl.1 against ksctl itself, as TAP:
#   - groff renders it with every warning on (-ww) and says nothing;
#   - mandoc -Tlint finds nothing, when mandoc is installed;
#   - every command of "ksctl help" is in its synopsis;
#   - every long option of every command's --help is in the page.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
page=$top/tools/ksctl.1
make -s -C "$top/tools" ksctl >/dev/null || exit 1
ksctl=$top/tools/ksctl

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || sed 's/^/# /' <<<"$2"
}

echo "TAP version 13"
out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
if [ -z "$out" ]; then ok "groff -man -ww renders ksctl.1 without warnings"
else not_ok "groff -man -ww renders ksctl.1 without warnings" "$out"; fi

if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	if [ -z "$out" ]; then ok "mandoc -Tlint ksctl.1"
	else not_ok "mandoc -Tlint ksctl.1" "$out"; fi
fi

# The page as plain text on lines long enough not to wrap the synopsis.
text=$(groff -man -Tascii -rLL=300n -P-cbou "$page" 2>/dev/null)
cmds=$("$ksctl" help | sed -n 's/^\(usage:\)\{0,1\} *ksctl \([a-z-]*\).*/\2/p' | sort -u)
[ -n "$cmds" ] || not_ok "ksctl help lists commands"
for c in $cmds; do
	if grep -q "^ *ksctl $c\b" <<<"$text"; then
		ok "ksctl.1 documents command $c"
	else
		not_ok "ksctl.1 documents command $c"
	fi
	missing=
	for o in $("$ksctl" "$c" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$o\b" <<<"$text" || missing+=" $o"
	done
	if [ -z "$missing" ]; then
		ok "ksctl.1 documents the options of $c"
	else
		not_ok "ksctl.1 documents the options of $c" "missing:$missing"
	fi
done
grep -q -- "--version" <<<"$text" && ok "ksctl.1 documents --version" ||
	not_ok "ksctl.1 documents --version"
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
