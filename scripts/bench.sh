#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the VM once and run every benchmark.  Each comparison prints
# "ratio NAME VALUE" (our time / the baseline's time for the same work in the
# same run; lower is better) and a table of absolute numbers.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${KS_BENCH_KERNEL:-6.1}
make -s -C "$top/selftests/bench"
exec "$top/scripts/ksvm" run --kernel "$kernel" -- sh -c '
	insmod /lib/ks/ks-tonegen.ko 2>/dev/null
	for b in /ks/tests/*bench*-static; do
		echo "== $(basename "$b") ($(uname -r), $(nproc) vCPUs, TCG)"
		"$b" || exit 1
	done'
