# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Which kernels the VM suites run on, and where their pieces are.
# ks_kernel NAME sets KS_IMAGE (the kernel to boot), KS_KDIR (the build tree
# modules are built against) and KS_BUILD (where our modules for it are built).

ks_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Newest installed Debian kernel of a series: "6.1" → 6.1.0-56-amd64.
ks_debian_kver() {
	local d
	d=$(ls -d /usr/src/linux-headers-"$1".*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] || return 1
	echo "${d#/usr/src/linux-headers-}"
}

ks_kernel() {
	local kver
	case "$1" in
	6.1|6.12)
		kver=$(ks_debian_kver "$1") || {
			echo "no Debian $1 kernel installed (scripts/deps.sh)" >&2
			return 1
		}
		KS_IMAGE=/boot/vmlinuz-$kver
		KS_KDIR=/lib/modules/$kver/build
		;;
	debug)
		KS_KDIR=$("$ks_top/scripts/debug-kernel.sh") || return 1
		KS_IMAGE=$KS_KDIR/arch/x86/boot/bzImage
		;;
	debug-6.12)
		# Optional, not in make check's default list: the same debug
		# kernel from linux-source-6.12 (about 13 minutes to build).
		[ -r /usr/src/linux-source-6.12.tar.xz ] || {
			echo "no /usr/src/linux-source-6.12.tar.xz (apt-get install linux-source-6.12)" >&2
			return 1
		}
		KS_KDIR=$(KS_DEBUG_SOURCE=/usr/src/linux-source-6.12.tar.xz \
			"$ks_top/scripts/debug-kernel.sh") || return 1
		KS_IMAGE=$KS_KDIR/arch/x86/boot/bzImage
		;;
	*)
		echo "unknown kernel '$1' (6.1, 6.12, debug or debug-6.12)" >&2
		return 1
		;;
	esac
	KS_BUILD=$ks_top/build/$1
	export KS_IMAGE KS_KDIR KS_BUILD
}
