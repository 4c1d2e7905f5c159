#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Compile uapi/linux/ks.h on its own with several compilers and standards,
# as a C or C++ user would include it; print TAP.  Usage: check_headers.sh
# <uapi dir> <scratch dir> [standards known to fail, reported as TODO].
uapi=$1
tmp=$2
known=$3
mkdir -p "$tmp"
printf '#include <linux/ks.h>\nstruct ks_create_pin ks_req;\n' > "$tmp/h.c"
cp "$tmp/h.c" "$tmp/h.cpp"
warn="-Wall -Wextra -Werror"
# 32-bit and other ABIs: the frozen sizes must hold there too (syntax only).
asm="-I/usr/include/x86_64-linux-gnu"

n=0
failed=0
check() {
	name=$1
	shift
	n=$((n + 1))
	todo=
	case " $known " in *" $name "*) todo=" # TODO known uapi issue" ;; esac
	if out=$("$@" 2>&1); then
		echo "ok $n - ks.h $name$todo"
	else
		echo "$out" | head -n 5 | sed 's/^/# /'
		echo "not ok $n - ks.h $name$todo"
		[ -n "$todo" ] || failed=$((failed + 1))
	fi
}

echo "TAP version 13"
for std in c99 c11 gnu11; do
	check "gcc-$std" gcc -std=$std $warn -pedantic -I"$uapi" -c "$tmp/h.c" -o "$tmp/h.o"
done
for std in c99 c11; do
	check "clang-$std" clang -std=$std $warn -pedantic -I"$uapi" -c "$tmp/h.c" -o "$tmp/h.o"
done
for std in c++11 c++17; do
	check "g++-$std" g++ -std=$std $warn -pedantic -I"$uapi" -c "$tmp/h.cpp" -o "$tmp/h.o"
done
check "clang++-c++11" clang++ -std=c++11 $warn -pedantic -I"$uapi" -c "$tmp/h.cpp" -o "$tmp/h.o"
for target in i686-linux-gnu arm-linux-gnueabihf aarch64-linux-gnu; do
	check "clang-$target" clang --target=$target -std=c11 $warn -pedantic \
		-I"$uapi" $asm -fsyntax-only "$tmp/h.c"
done
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
