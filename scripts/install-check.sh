#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-check.sh [KERNEL...]: `make install` and `make uninstall` on the
# host, as TAP lines (KERNEL: 6.1 and 6.12 by default).
#
#  - which kernel `make` builds for, in a fake /lib/modules (MODULES_ROOT):
#    the running one when it has headers, else the newest with headers;
#    the release from UTS_RELEASE, not from kernel.release;
#  - for each kernel, into a DESTDIR holding one kernel module already, as a
#    system's /lib/modules does, and into an empty one (a package build):
#    depmod called with -b DESTDIR and the kernel's release (a depmod on
#    PATH records its arguments), modules.dep resolving the companions to
#    ksfilter, every file in place, and after `make uninstall` the DESTDIR
#    as it was: the same files, depmod's tables the same bytes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
tmp=$(mktemp -d /tmp/ks-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	[ -z "${2:-}" ] || sed 's/^/# /' <<<"$2"
	failed=1
}
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}

# ---- which kernel `make` builds for ----
# fake_kernel ROOT VERSION [KERNEL_RELEASE]: a build tree for VERSION.
fake_kernel() {
	local b=$1/$2/build
	mkdir -p "$b/include/generated" "$b/include/config"
	echo "# fake" > "$b/Makefile"
	echo "#define UTS_RELEASE \"$2\"" > "$b/include/generated/utsrelease.h"
	echo "${3:-$2}" > "$b/include/config/kernel.release"
}
kdir_says() {
	make -s --no-print-directory -C "$top" kdir "$@" 2>&1
}
running=$(uname -r)
m=$tmp/modules-running
fake_kernel "$m" 6.1.0-9-amd64
fake_kernel "$m" "$running"
fake_kernel "$m" 99.0.0-newest
check "kdir: the running kernel when it has headers" \
	grep -qF "building for $running, KDIR=$m/$running/build (the running kernel)" \
	<<<"$(kdir_says MODULES_ROOT="$m")"
m=$tmp/modules-other
fake_kernel "$m" 6.1.0-9-amd64
fake_kernel "$m" 6.12.5+deb12-amd64
mkdir -p "$m/$running" "$m/99.0.0-no-headers"
check "kdir: else the newest kernel with headers" \
	grep -qF "building for 6.12.5+deb12-amd64, KDIR=$m/6.12.5+deb12-amd64/build (the newest with headers" \
	<<<"$(kdir_says MODULES_ROOT="$m")"
check "kdir: KDIR given wins" \
	grep -qF "building for 6.1.0-9-amd64, KDIR=$m/6.1.0-9-amd64/build (KDIR given)" \
	<<<"$(kdir_says MODULES_ROOT="$m" KDIR="$m/6.1.0-9-amd64/build")"
m=$tmp/modules-debian61
fake_kernel "$m" 6.1.0-9-amd64 6.1.150
check "kdir: the release is UTS_RELEASE, not kernel.release (Debian's 6.1)" \
	grep -qF "building for 6.1.0-9-amd64," <<<"$(kdir_says MODULES_ROOT="$m")"
out=$(kdir_says MODULES_ROOT="$tmp/modules-none")
if [ $? -ne 0 ] && grep -qF "linux-headers-$running" <<<"$out"; then
	ok "kdir: no headers at all fails and names the package"
else
	not_ok "kdir: no headers at all fails and names the package" "$out"
fi

# ---- make install, make uninstall ----
bin=$tmp/bin
mkdir -p "$bin"
real_depmod=$(PATH=$PATH:/usr/sbin:/sbin command -v depmod)
cat > "$bin/depmod" <<EOS
#!/bin/sh
echo "\$*" >> "$tmp/depmod.args"
exec "$real_depmod" "\$@"
EOS
chmod +x "$bin/depmod"

files() { (cd "$1" && find . ! -type d | sort); }
tables() { (cd "$1" && find . -name 'modules.*' ! -type d | sort | xargs -r md5sum); }

# install_test KERNEL KVER SRC NAME DESTDIR
install_test() {
	local k=$1 kver=$2 src=$3 name=$4 d=$5 log=$tmp/log out
	local mods=$d/lib/modules/$kver
	files "$d" > "$tmp/before.files"
	tables "$d" > "$tmp/before.tables"
	: > "$tmp/depmod.args"
	if PATH=$bin:$PATH make -s -C "$src" install DESTDIR="$d" KDIR="$KS_KDIR" > "$log" 2>&1; then
		ok "install $k ($name): make install"
	else
		not_ok "install $k ($name): make install" "$(tail -n 20 "$log")"
		return
	fi
	out=$(cat "$tmp/depmod.args")
	if [ "$out" = "-b $d -a $kver" ]; then
		ok "install $k ($name): depmod -b DESTDIR -a $kver"
	else
		not_ok "install $k ($name): depmod -b DESTDIR -a $kver" "depmod $out"
	fi
	check "install $k ($name): modules.dep resolves ks-null-sink and ks-gain to ksfilter" \
		grep -qE '^ksfilter/module/samples/ks-null-sink\.ko[^:]*: ksfilter/module/ksfilter\.ko' "$mods/modules.dep"
	grep -qE '^ksfilter/module/samples/ks-gain\.ko[^:]*: ksfilter/module/ksfilter\.ko' "$mods/modules.dep" ||
		not_ok "install $k ($name): ks-gain in modules.dep"
	out=""
	for f in lib/modules/$kver/ksfilter/module/ksfilter.ko \
		lib/modules/$kver/ksfilter/module/samples/ks-gain.ko \
		lib/modules/$kver/ksfilter/module/samples/ks-null-sink.ko \
		usr/local/lib/libks.so.0 usr/local/lib/libks.a usr/local/include/libks.h \
		usr/local/include/linux/ks.h usr/local/lib/pkgconfig/libks.pc \
		usr/local/bin/ksctl usr/local/share/man/man1/ksctl.1.gz \
		etc/udev/rules.d/60-ksfilter.rules; do
		compgen -G "$d/$f*" > /dev/null || out+="missing $f"$'\n'
	done
	if [ -z "$out" ]; then ok "install $k ($name): every file in place"; else
		not_ok "install $k ($name): every file in place" "$out"; fi
	: > "$tmp/depmod.args"
	if PATH=$bin:$PATH make -s -C "$src" uninstall DESTDIR="$d" > "$log" 2>&1; then
		ok "install $k ($name): make uninstall"
	else
		not_ok "install $k ($name): make uninstall" "$(tail -n 20 "$log")"
	fi
	out=$(files "$d" | diff "$tmp/before.files" -)
	if [ -z "$out" ]; then ok "install $k ($name): uninstall leaves the files as before"; else
		not_ok "install $k ($name): uninstall leaves the files as before" "$out"; fi
	out=$(tables "$d" | diff "$tmp/before.tables" -)
	if [ -z "$out" ]; then ok "install $k ($name): depmod's tables as before"; else
		not_ok "install $k ($name): depmod's tables as before" "$out"; fi
	if [ "$name" = system ]; then
		out=$(cat "$tmp/depmod.args")
		if [ "$out" = "-b $d -a $kver" ]; then
			ok "install $k ($name): uninstall runs depmod again"
		else
			not_ok "install $k ($name): uninstall runs depmod again" "depmod $out"
		fi
	fi
}

for k in "${kernels[@]}"; do
	ks_kernel "$k" || { not_ok "install $k: kernel"; continue; }
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KS_KDIR/include/generated/utsrelease.h")
	src=$(ks_install_tree "$k")
	if ! make -s -C "$src" modules tools KDIR="$KS_KDIR" > "$tmp/log" 2>&1; then
		not_ok "install $k: build" "$(tail -n 20 "$tmp/log")"
		continue
	fi
	# A system: /lib/modules/<release> has the kernel's modules and
	# their tables (here one module, from the kernel's package).
	d=$tmp/system-$k
	one=$(find "/lib/modules/$kver/kernel/lib" -name 'crc-itu-t.ko*' -print -quit)
	mkdir -p "$d/lib/modules/$kver/kernel/lib"
	[ -n "$one" ] && cp "$one" "$d/lib/modules/$kver/kernel/lib/"
	"$real_depmod" -b "$d" -a "$kver" 2>/dev/null
	install_test "$k" "$kver" "$src" system "$d"
	d=$tmp/empty-$k
	mkdir -p "$d"
	install_test "$k" "$kver" "$src" empty "$d"
done
exit $failed
