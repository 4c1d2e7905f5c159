#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# security-check.sh: host checks of the claims in docs/threat-model.md that
# need no VM, as TAP lines.
#
#  - the udev rules give /dev/ksfilterN a group and a mode with no
#    permission for other users (never world-readable or -writable: a
#    read-only filter fd is enough to record from a capture pin);
#  - `make install` substitutes a group, audio by default;
#  - no kernel source prints an address unhashed: %px and %pa[dp] are
#    refused (%p is hashed, %pK hashed or zeroed as kptr_restrict says).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"
}

# MODE="..." and GROUP="..." of every rule line for the ksfilter subsystem.
rules=0
out=""
for f in udev/*.rules; do
	while IFS= read -r line; do
		case $line in '#'*|'') continue ;; esac
		grep -q 'SUBSYSTEM=="ksfilter"' <<<"$line" || continue
		rules=$((rules + 1))
		mode=$(sed -n 's/.*MODE="\([0-7]*\)".*/\1/p' <<<"$line")
		grp=$(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' <<<"$line")
		if [ -z "$mode" ] || [ -z "$grp" ]; then
			out+="$f: no MODE or GROUP: $line"$'\n'
		elif (( 8#$mode & 8#007 )); then
			out+="$f: mode $mode gives other users access"$'\n'
		elif (( 8#$mode & 8#7000 )); then
			out+="$f: mode $mode has setuid/setgid/sticky bits"$'\n'
		fi
	done <"$f"
done
if [ "$rules" -eq 0 ]; then
	not_ok "udev: a rule sets MODE and GROUP of the ksfilter nodes" \
		"no rule for SUBSYSTEM==\"ksfilter\" in udev/"
elif [ -n "$out" ]; then
	not_ok "udev: ksfilter nodes are not accessible to other users" "${out%$'\n'}"
else
	ok "udev: ksfilter nodes are not accessible to other users"
fi

group=$(sed -n 's/^KSFILTER_GROUP[[:space:]]*?=[[:space:]]*//p' Makefile)
if [ -n "$group" ] && [ "$group" != root ] &&
	grep -q "s/@KSFILTER_GROUP@/" Makefile; then
	ok "install: the udev rule gets group $group by default"
else
	not_ok "install: the udev rule gets a group by default" \
		"KSFILTER_GROUP='$group'"
fi

out=$(grep -nE '%p(x|a[dp]?)' module/*.c module/*.h \
	module/samples/*.c module/samples/*.h module/tests/*.c \
	include/linux/*.h 2>/dev/null)
if [ -z "$out" ]; then
	ok "module: no unhashed address format (%px, %pa)"
else
	not_ok "module: no unhashed address format (%px, %pa)" "$out"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
