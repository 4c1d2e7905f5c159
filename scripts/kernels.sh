# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Which kernels the VM suites run on, and where their pieces are.
# ks_kernel NAME sets KS_IMAGE (the kernel to boot), KS_KDIR (the build tree
# modules are built against), KS_BUILD (where our modules for it are built)
# and KS_BOOT_ARGS (the detectors' boot parameters for that kernel).

ks_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Newest installed Debian kernel of a series: "6.1" → 6.1.0-56-amd64.
ks_debian_kver() {
	local d
	d=$(ls -d /usr/src/linux-headers-"$1".*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] || return 1
	echo "${d#/usr/src/linux-headers-}"
}

# The KASAN kernels boot with 4-level page tables.  QEMU's "-cpu max"
# offers 5-level paging (LA57), and 6.1's KASAN finds where the kernel's
# addresses start from the boot CPU's LA57 flag.  identify_cpu() clears
# the boot CPU's flags and reads them again with interrupts on; a tick in
# between sees the direct map's 5-level addresses as outside the kernel, and
# every lock the tick takes is a "wild-memory-access" report.  The reports
# fill each tick, the boot never leaves identify_cpu(), and the VM runs
# into its time limit: seen once in seven boots with two VMs at a time,
# with no module loaded yet.
ks_kasan_args="no5lvl"

ks_kernel() {
	local kver
	# A WARN panics, so that nothing runs on after it; KASAN reports
	# every bad access, not only the first, and does not panic on them.
	KS_BOOT_ARGS="panic_on_warn=1 kasan_multi_shot kmemleak=on"
	case "$1" in
	6.1|6.12)
		kver=$(ks_debian_kver "$1") || {
			echo "no Debian $1 kernel installed (scripts/deps.sh)" >&2
			return 1
		}
		KS_IMAGE=/boot/vmlinuz-$kver
		KS_KDIR=/lib/modules/$kver/build
		;;
	debug)
		KS_KDIR=$("$ks_top/scripts/debug-kernel.sh") || return 1
		KS_IMAGE=$KS_KDIR/arch/x86/boot/bzImage
		KS_BOOT_ARGS+=" $ks_kasan_args"
		;;
	kcsan)
		# The debug kernel with KCSAN in place of KASAN (the two
		# exclude each other): scripts/debug-kernel-kcsan.config.
		KS_KDIR=$(KS_DEBUG_FLAVOUR=kcsan "$ks_top/scripts/debug-kernel.sh") || return 1
		KS_IMAGE=$KS_KDIR/arch/x86/boot/bzImage
		# A KCSAN report is a warning, and KCSAN has no multi-shot
		# switch: with panic_on_warn the first race would end the run.
		# A race leaves the kernel sound, so the run goes on and every
		# race is listed; ksvm still fails it on the first report.
		KS_BOOT_ARGS="kmemleak=on"
		;;
	debug-6.12)
		# Optional, not in make check's default list: the same debug
		# kernel from linux-source-6.12 (about 13 minutes to build).
		[ -r /usr/src/linux-source-6.12.tar.xz ] || {
			echo "no /usr/src/linux-source-6.12.tar.xz (apt-get install linux-source-6.12)" >&2
			return 1
		}
		KS_KDIR=$(KS_DEBUG_SOURCE=/usr/src/linux-source-6.12.tar.xz \
			"$ks_top/scripts/debug-kernel.sh") || return 1
		KS_IMAGE=$KS_KDIR/arch/x86/boot/bzImage
		KS_BOOT_ARGS+=" $ks_kasan_args"
		;;
	*)
		echo "unknown kernel '$1' (6.1, 6.12, debug, kcsan or debug-6.12)" >&2
		return 1
		;;
	esac
	KS_BUILD=$ks_top/build/$1
	export KS_IMAGE KS_KDIR KS_BUILD KS_BOOT_ARGS
}

# ks_install_tree KERNEL: a copy of the sources `make install` needs, in
# build/install-KERNEL/, so that installing for one kernel does not rebuild
# the working tree's objects for another; printed on stdout.  cpio -m keeps
# the timestamps: a second install rebuilds only what changed.  Never a
# *.mod.c a build in the working tree left: it carries the symbol versions
# of the kernel that build was for.
ks_install_tree() {
	local dir=$ks_top/build/install-$1
	mkdir -p "$dir"
	(cd "$ks_top" && find Makefile Kbuild dkms.conf module include uapi tools udev \
		-path tools/fuzz -prune -o -type f ! -name '*.mod.c' \( -name '*.[ch]' \
		-o -name Kbuild -o -name Makefile -o -name dkms.conf -o -name '*.in' \
		-o -name '*.1' -o -name '*.rules' \) -print) |
		(cd "$ks_top" && cpio -pdmu --quiet "$dir") || return 1
	echo "$dir"
}
