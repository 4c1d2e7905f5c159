#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything, boot a VM with ksfilter.ko loaded and show it
# at work: the filters and pins, pins created on ks-loopback, a refused
# request explained, a chain's topology and graph, an audio card (ks-audio)
# played, mixed and recorded, a clean unload.
#
# The VM has no Graphviz: it prints `ksctl graph --dot` between the lines
# KS-DOT-BEGIN and KS-DOT-END (the chain) and KS-CARD-DOT-BEGIN and
# KS-CARD-DOT-END (the card), and this script takes the DOT from the VM's
# output and renders it here with dot -Tsvg, into build/demo/graph.svg and
# card.svg (or $KS_DEMO_OUT).
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

# render NAME MARKER WHAT: the DOT between MARKER-BEGIN and MARKER-END of
# the VM's output into $out/NAME.dot, and NAME.svg when dot is here.
render() {
	sed -n "/^$2-BEGIN\$/,/^$2-END\$/{/^$2-/d;p}" "$out/demo.log" > "$out/$1.dot"
	if [ ! -s "$out/$1.dot" ]; then
		echo "No $3: the VM printed no DOT (see $out/demo.log)."
	elif ! command -v dot >/dev/null; then
		echo "$3 in DOT: $out/$1.dot"
		echo "No SVG: Graphviz's dot is not installed here (scripts/deps.sh installs graphviz)."
	elif dot -Tsvg "$out/$1.dot" -o "$out/$1.svg"; then
		echo "$3 (ksctl graph --dot, rendered by dot -Tsvg): $out/$1.svg"
	else
		echo "dot -Tsvg refused $out/$1.dot; no SVG."
		[ "$rc" -ne 0 ] || rc=1
	fi
}

echo
render graph KS-DOT "The graph"
render card KS-CARD-DOT "The audio card"
exit "$rc"
