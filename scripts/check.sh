#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every suite, then one line "N passed, N failed, N skipped".
# Each test case counts once: the VM suites count the cases of the
# selftests and KUnit suites (scripts/ksvm-tests), a test that skipped as a
# whole as one skip, and fail on a skip that selftests/SKIPS does not
# list.  The style suite's lines are lint results, one per file: they have
# their own summary line, and count in the totals only when they fail.
#
#   host     unit tests of the pure checking code (ASan, UBSan), the
#            Windows-SDK byte-identity test of the uapi header, a bounded
#            run of the libFuzzer harnesses (SMOKE_SECONDS each, default 15)
#            and scripts/security-check.sh (udev modes, address formats)
#   style    checkpatch --strict on the kernel code (scripts/checkpatch.sh);
#            kernel-doc without warnings, docs/api.rst up to date and the
#            guide's C snippets found in the sources (scripts/docs-check.sh);
#            the man page renders without warnings and documents every
#            command and option (scripts/man-check.sh)
#   build    the modules for each kernel with W=1 and sparse, no warnings;
#            DKMS builds and installs for 6.1 and 6.12
#   install  `make install` and `make uninstall` into a DESTDIR for 6.1
#            and 6.12, and which kernel `make` picks (scripts/install-check.sh)
#   vm-install-6.1, vm-install-6.12  a VM root made by `make install
#            DESTDIR=`: depmod, modprobe by dependency, the installed ksctl,
#            modprobe -r, and uninstall leaving the root as it was
#   vm-6.1   the kselftest suite in QEMU on Debian 12's 6.1 kernel
#   vm-6.12  the same on Debian 12's 6.12 kernel
#   vm-debug the same on the debug kernel (KASAN, UBSAN, lockdep, kmemleak)
#   vm-kcsan the same on its KCSAN flavour (data races; KASAN off)
#
# KS_CHECK_KERNELS="6.1 6.12 debug kcsan" chooses the VM suites.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
kernels=${KS_CHECK_KERNELS:-6.1 6.12 debug kcsan}
logs=$top/build/logs
mkdir -p "$logs"

total_pass=0
total_fail=0
total_skip=0
summary=()

# tally NAME LOGFILE EXIT [lint]: count the TAP lines of a suite's log.  A
# suite that failed without saying which test failed counts as one
# failure.  A lint suite's lines (one per file checked) are not tests: its
# summary line says how many files were clean, and only its failures go
# into the totals, so that the run fails with them.
tally() {
	local name=$1 log=$2 rc=$3 kind=${4:-test} p f s why
	read -r p f s < <("$top/scripts/tap-summary" "$log")
	# ksvm's last word on a VM that failed: the reason and first report.
	why=$(grep -a '^ksvm: FAIL' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name: exited $rc${why:+: $why}" | tee -a "$log"
	fi
	if [ $((p + f)) -eq 0 ]; then
		f=1
		echo "not ok - $name: ran no test" | tee -a "$log"
	fi
	total_fail=$((total_fail + f))
	if [ "$kind" = lint ]; then
		summary+=("$(printf '%-16s %4d clean, %d failed (lint, not in the passed total)' "$name" "$p" "$f")")
		return
	fi
	total_pass=$((total_pass + p))
	total_skip=$((total_skip + s))
	summary+=("$(printf '%-16s %4d passed, %d failed, %d skipped' "$name" "$p" "$f" "$s")")
	[ -z "$why" ] || summary+=("                 $why")
}

# run_suite NAME [--lint] FUNCTION ARGS...
run_suite() {
	local name=$1 log=$logs/$1.log rc kind=test
	shift
	if [ "$1" = --lint ]; then
		kind=lint
		shift
	fi
	echo "==== $name ===="
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	tally "$name" "$log" "$rc" "$kind"
}

host_suite() {
	make -s -C selftests/unit run
	local rc=$?
	make -s -C selftests/abi run || rc=1
	make -s -C selftests/fuzz smoke || rc=1
	"$top/scripts/security-check.sh" || rc=1
	return $rc
}

style_suite() {
	local rc=0
	"$top/scripts/checkpatch.sh" || rc=1
	"$top/scripts/docs-check.sh" || rc=1
	"$top/scripts/man-check.sh" || rc=1
	return $rc
}

# Build the modules with W=1 and sparse for every kernel; any warning fails.
build_suite() {
	local k out rc=0
	for k in $kernels; do
		# The kernel itself first (the debug one may need building): its
		# messages are not our warnings.
		(. "$top/scripts/kernels.sh" && ks_kernel "$k") >/dev/null || rc=1
		if out=$("$top/scripts/build.sh" "$k" W=1 C=2 2>&1); then
			out=$(grep -Ev '^Skipping BTF generation|^  (CC|LD|MODPOST|CHECK|BTF)' <<<"$out" |
				grep -Ei 'warning|error' || true)
			if [ -z "$out" ]; then
				echo "ok - build $k W=1 C=2 without warnings"
				continue
			fi
		fi
		echo "not ok - build $k W=1 C=2 without warnings"
		sed 's/^/# /' <<<"$out"
		rc=1
	done
	"$top/scripts/dkms-check.sh" || rc=1
	return $rc
}

# The install suites follow the Debian kernels of KS_CHECK_KERNELS.
install_kernels=$(for k in $kernels; do case $k in 6.1|6.12) echo "$k" ;; esac; done)

install_suite() {
	# shellcheck disable=SC2086
	"$top/scripts/install-check.sh" $install_kernels
}

vm_install_suite() {
	"$top/scripts/ksvm" run --install --kernel "$1" --keep "$logs/vm-install-$1" -- ks-install-tests
}

vm_suite() {
	"$top/scripts/ksvm" run --kernel "$1" --keep "$logs/vm-$1" -- ks-run-tests
}

run_suite host host_suite
run_suite style --lint style_suite
run_suite build build_suite
[ -z "$install_kernels" ] || run_suite install install_suite
for k in $install_kernels; do
	run_suite "vm-install-$k" vm_install_suite "$k"
done
for k in $kernels; do
	run_suite "vm-$k" vm_suite "$k"
done

echo "==== summary ===="
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
