#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything, boot a VM with ksfilter.ko loaded and show it
# at work: the filters and pins, pins created on ks-loopback, a refused
# request explained, a chain's topology and graph, a clean unload.
#
# The VM has no Graphviz: it prints `ksctl graph --dot` between the lines
# KS-DOT-BEGIN and KS-DOT-END, and this script takes the DOT from the VM's
# output and renders it here with dot -Tsvg, into build/demo/ (or
# $KS_DEMO_OUT).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${KS_DEMO_KERNEL:-6.1}
out=${KS_DEMO_OUT:-$top/build/demo}
mkdir -p "$out"
echo "Building and booting a QEMU VM (Debian $kernel kernel, TCG: about a minute)..."
set +e
"$top/scripts/ksvm" run --kernel "$kernel" -- ks-demo | tee "$out/demo.log"
rc=${PIPESTATUS[0]}
set -e

sed -n '/^KS-DOT-BEGIN$/,/^KS-DOT-END$/{/^KS-DOT-/d;p}' "$out/demo.log" \
	> "$out/graph.dot"
echo
if [ ! -s "$out/graph.dot" ]; then
	echo "No graph: the VM printed no DOT (see $out/demo.log)."
elif ! command -v dot >/dev/null; then
	echo "The graph in DOT: $out/graph.dot"
	echo "No SVG: Graphviz's dot is not installed here (scripts/deps.sh installs graphviz)."
elif dot -Tsvg "$out/graph.dot" -o "$out/graph.svg"; then
	echo "The graph (ksctl graph --dot, rendered by dot -Tsvg): $out/graph.svg"
else
	echo "dot -Tsvg refused $out/graph.dot; no SVG."
	[ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
