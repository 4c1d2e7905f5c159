#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a small debug kernel from Debian's linux-source-6.1 with the
# fragment scripts/debug-kernel.config on top of tinyconfig: KASAN, UBSAN,
# lockdep, kmemleak, fault injection, KUnit.  The build is cached under
# $KS_CACHE and redone only when the fragment or the source version changes.
#
# KS_DEBUG_SOURCE=/usr/src/linux-source-6.12.tar.xz builds the same from
# another series; scripts/debug-kernel-SERIES.config, when it exists, is
# merged after the common fragment (what that series' tinyconfig needs).
#
# KS_DEBUG_FLAVOUR=kcsan builds the KCSAN flavour: KCSAN and KASAN exclude
# each other, so scripts/debug-kernel-kcsan.config is merged last (KASAN off,
# KCSAN on) and the kernel is cached beside the other one, as kcsan-KEY.
#
# Prints the build directory (usable as KDIR) on stdout; with --source, only
# extracts the source tree (checkpatch, kselftest headers) and prints it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${KS_CACHE:-/var/cache/ksfilter}
tarball=${KS_DEBUG_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
frag="$here/debug-kernel.config"
flavour=${KS_DEBUG_FLAVOUR:-debug}
series=$(basename "$tarball" .tar.xz)
series=${series#linux-source-}
# Per-series additions; none for 6.1, so its cache key stays as it was.
frags=("$frag")
[ -e "$here/debug-kernel-$series.config" ] && frags+=("$here/debug-kernel-$series.config")
# The plain debug flavour adds nothing, so its cache key stays as it was.
case "$flavour" in
debug) ;;
kcsan) frags+=("$here/debug-kernel-$flavour.config") ;;
*) echo "debug-kernel: unknown flavour '$flavour' (debug or kcsan)" >&2; exit 1 ;;
esac
jobs=$(nproc)

log() { echo "debug-kernel: $*" >&2; }

[ -r "$tarball" ] || { log "missing $tarball (run scripts/deps.sh)"; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' "$(basename "$tarball" .tar.xz)" 2>/dev/null || stat -c %Y "$tarball")
key=$( (echo "$srcver"; cat "${frags[@]}") | sha256sum | cut -c1-12)
src="$cache/src-$srcver"
out="$cache/$flavour-$key"

mkdir -p "$cache"
extract() {
	[ -e "$src/.ks-extracted" ] && return 0
	log "extracting $tarball"
	rm -rf "$src" && mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.ks-extracted"
}

# --source: only make sure the source tree is there, and print it.
if [ "${1:-}" = --source ]; then
	extract
	echo "$src"
	exit 0
fi

if [ -e "$out/.ks-built" ]; then
	echo "$out"
	exit 0
fi

extract

log "configuring $out"
rm -rf "$out" && mkdir -p "$out"
buildlog=$out/ks-build.log
# The kernel build's own output goes to a log, shown only when it fails.
run() {
	"$@" >>"$buildlog" 2>&1 || {
		log "failed: $*"
		tail -n 40 "$buildlog" >&2
		exit 1
	}
}
run make -s -C "$src" O="$out" tinyconfig
run sh -c "cd '$src' && scripts/kconfig/merge_config.sh -m -O '$out' '$out/.config' ${frags[*]}"
run make -s -C "$src" O="$out" olddefconfig

# Every option the fragments set must have survived olddefconfig, as the
# last fragment to mention it set it (a flavour turns options off).
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$out/.config" || { log "not set: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || { log "still set: $opt"; bad=1; } ;;
	esac
done < <(cat "${frags[@]}" | awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { o = $0; sub(/=.*/, "", o) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { o = $2 }
	o != "" { if (!(o in last)) order[n++] = o; last[o] = $0; o = "" }
	END { for (i = 0; i < n; i++) print last[order[i]] }')
[ $bad -eq 0 ] || { log "fragment did not apply"; exit 1; }

log "building (takes several minutes the first time)"
start=$(date +%s)
run make -s -C "$src" O="$out" -j"$jobs" bzImage modules
log "built in $(( $(date +%s) - start )) s"
touch "$out/.ks-built"
echo "$out"
