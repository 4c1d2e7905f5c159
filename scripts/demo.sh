#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything, boot a VM with ksfilter.ko loaded and show it
# at work: the filters and pins, pins created on ks-loopback, a refused
# request explained, a clean unload.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${KS_DEMO_KERNEL:-6.1}
echo "Building and booting a QEMU VM (Debian $kernel kernel, TCG: about a minute)..."
exec "$top/scripts/ksvm" run --kernel "$kernel" -- ks-demo
