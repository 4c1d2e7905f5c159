#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages ksfilter needs to build, test and benchmark.
# Idempotent: does nothing when everything is already there.
#
# Kernels: Debian 12's own 6.1 kernel (linux-image-amd64 + headers) and the
# newest 6.12 kernel from the security suite, installed by its versioned
# package names so that the 6.1 metapackages stay as they are.
set -euo pipefail

base_pkgs=(
	build-essential bc bison flex cpio kmod xz-utils
	libelf-dev libssl-dev pkg-config
	busybox-static qemu-system-x86
	sparse clang libclang-rt-14-dev dkms groff-base graphviz
	mingw-w64-x86-64-dev gcc-mingw-w64-x86-64
	gcc-multilib
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
)

missing=()
for p in "${base_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

k612_installed() {
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-headers-6.12.*+deb12-amd64' 2>/dev/null |
		grep -q 'ok installed' &&
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null |
		grep -q 'ok installed'
}

if [ ${#missing[@]} -eq 0 ] && k612_installed; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (and maybe the 6.12 kernel); run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/ksfilter-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	apt-get update -q
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi

if ! k612_installed; then
	# The newest linux-image-6.12.N+deb12-amd64 in the configured suites.
	v612=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n 1)
	if [ -z "$v612" ]; then
		echo "deps: no linux-image-6.12.*+deb12-amd64 in the package lists" >&2
		exit 1
	fi
	missing+=("linux-image-$v612" "linux-headers-$v612")
fi

echo "deps: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
