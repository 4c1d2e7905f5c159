#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh KERNEL: build the modules for one kernel (6.1, 6.12 or debug) in
# build/KERNEL/, a copy of the kernel sources, so that the three builds do not
# overwrite each other; also the static ksctl and test binaries (the same for
# every kernel).  Extra arguments go to the kernel make (e.g. W=1 C=2).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
kernel=$1
shift
ks_kernel "$kernel"

mkdir -p "$KS_BUILD"
# Sources only (never objects or the *.mod.c of a build in the working tree,
# which hold another kernel's symbol versions) and dkms.conf,
# which holds the version the module reports; cpio -m keeps their
# timestamps, so kbuild rebuilds only what changed.
(cd "$top" && find Kbuild dkms.conf module include uapi -type f ! -name '*.mod.c' \
	\( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name dkms.conf \)) |
	(cd "$top" && cpio -pdmu --quiet "$KS_BUILD")
make -s -C "$KS_KDIR" M="$KS_BUILD" "$@" modules
make -s -C "$top/tools" static
make -s -C "$top/selftests"
make -s -C "$top/selftests/bench"
