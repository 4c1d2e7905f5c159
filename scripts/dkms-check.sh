#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS builds and installs ksfilter for each Debian kernel, in a private DKMS
# tree (the system's is not touched).  Prints TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
tmp=$(mktemp -d /tmp/ks-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
make -s -C "$top" dkms-source DKMS_SRC="$tmp/src/ksfilter-$version" || exit 1
opts=(--sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/install")
mkdir -p "$tmp/dkms" "$tmp/install"
dkms add "${opts[@]}" "ksfilter/$version" >/dev/null || exit 1

rc=0
for k in 6.1 6.12; do
	kver=$(ks_debian_kver "$k") || { echo "not ok - dkms $k: no kernel"; rc=1; continue; }
	mkdir -p "$tmp/install/$kver"
	if dkms install "${opts[@]}" --no-depmod "ksfilter/$version" -k "$kver" > "$tmp/log" 2>&1 &&
	   ls "$tmp/install/$kver"/updates/dkms/ksfilter.ko* >/dev/null 2>&1; then
		echo "ok - dkms build and install for $kver"
	else
		echo "not ok - dkms build and install for $kver"
		sed 's/^/# /' "$tmp/log"
		rc=1
	fi
done
exit $rc
