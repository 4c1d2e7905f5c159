#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict over the kernel code, from Debian's linux-source-6.1.
# Prints TAP, one line per file.  The only suppressions, and why:
#   uapi/linux/ks.h   PREFER_DEFINED_ATTRIBUTE_MACRO: __packed and __aligned
#                     are kernel-only macros, a uapi header cannot use them
#                     (checkpatch exempts include/uapi/ by path; our uapi
#                     header lives at uapi/linux/); CAMELCASE: C11's
#                     _Static_assert.
#   module/pure.h     PREFER_KERNEL_TYPES: its userspace branch defines the
#                     kernel types from <stdint.h> for the host tests.
#   module/compat.h   LINUX_VERSION_CODE, CONSTANT_COMPARISON: the support
#                     window is the one version test, stated as #error.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$("$top/scripts/debug-kernel.sh" --source) || exit 1
cp=$src/scripts/checkpatch.pl
cd "$top" || exit 1

ignore_for() {
	case "$1" in
	uapi/linux/ks.h) echo PREFER_DEFINED_ATTRIBUTE_MACRO,CAMELCASE ;;
	module/pure.h) echo PREFER_KERNEL_TYPES ;;
	module/compat.h) echo LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
	*) echo NONE ;;
	esac
}

rc=0
for f in $(git ls-files -co --exclude-standard 'module/*.[ch]' 'module/samples/*.[ch]' \
	'include/linux/*.h' 'uapi/linux/*.h' | sort -u); do
	[ -e "$f" ] || continue		# deleted, not yet committed
	out=$(perl "$cp" --no-tree --strict --terse --show-types \
		--ignore "$(ignore_for "$f")" -f "$f" 2>&1 | grep -v '^total:')
	if [ -z "$out" ]; then
		echo "ok - checkpatch $f"
	else
		echo "not ok - checkpatch $f"
		sed 's/^/# /' <<<"$out"
		rc=1
	fi
done
exit $rc
