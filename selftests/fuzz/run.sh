#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SECONDS HARNESS...: run each libFuzzer harness (build/HARNESS) for
# SECONDS over its growing corpus (build/corpus/HARNESS) and the generated
# seeds, niced (FUZZ_NICE, default 10).  One TAP line per harness:
#	ok - fuzz HARNESS N execs in S s (R/s), C inputs in the corpus
#	not ok - fuzz HARNESS: finding build/findings/HARNESS-crash-...
# Each run's log is build/HARNESS.log.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
secs=$1
shift
nice_level=${FUZZ_NICE:-10}
rc=0
mkdir -p build/findings
for h in "$@"; do
	corpus=build/corpus/$h
	seed=build/seed/${h#fuzz_}
	log=build/$h.log
	mkdir -p "$corpus"
	start=$(date +%s)
	nice -n "$nice_level" "./build/$h" "$corpus" "$seed" \
		-dict=build/seed/ks.dict -max_total_time="$secs" -timeout=10 \
		-max_len=65536 -print_final_stats=1 -close_fd_mask=1 \
		-artifact_prefix="build/findings/$h-" >"$log" 2>&1
	frc=$?
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
	if [ "$frc" -ne 0 ] || [ -n "$found" ] || [ -z "$execs" ]; then
		echo "not ok - fuzz $h: ${found:+finding $found}${found:-exit $frc, see $log}"
		grep -E 'ERROR|invariant broken|SUMMARY' "$log" | head -n 5 | sed 's/^/# /'
		rc=1
		continue
	fi
	[ "$took" -gt 0 ] || took=1
	echo "ok - fuzz $h $execs execs in $took s ($((execs / took))/s), $(ls "$corpus" | wc -l) inputs in the corpus"
done
exit $rc
