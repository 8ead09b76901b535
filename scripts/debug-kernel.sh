#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make debug-kernel`: build a 6.12 guest kernel with the kernel's own
# checkers switched on -- KASAN, lockdep (PROVE_LOCKING), kmemleak,
# DMA_API_DEBUG, fault injection (failslab, fail_page_alloc, fail_function)
# -- and run the sgnic selftests on it.  Takes long: on 2 cores expect
# about an hour for the build (it is incremental after that).
#
# Source: Debian's linux-source-6.12 (/usr/src/linux-source-6.12.tar.xz).
# Config: Debian's own (config-$GUEST_KERNEL from the unpacked guest image),
# trimmed with localmodconfig to the modules the guest loads, plus the
# debug options below; debug info off to keep the build small.
#
# Layout, so that scripts/vm.sh --kernel VERSION boots it like any guest
# kernel:
#   $SGNIC_CACHE/debug-kernel/linux-source-6.12/   tree and objects
#   $SGNIC_CACHE/kernel/VERSION/vmlinuz              bzImage
#   $SGNIC_CACHE/kernel/VERSION/root/lib/modules/VERSION, root/boot/System.map-VERSION
#   build/debug-kernel/kernel-driver/sgnic.ko        sgnic built against it
#
# Usage: scripts/debug-kernel.sh [config|build|test|all]   (default: all)
#   config: unpack and configure only (a few minutes, no compiling)
#   JOBS=N (default: nproc)
#   test: SELFTEST_BYTES (default 4 MiB), SELFTEST_RELOADS (10), DEBUG_TESTS
#   (programs of tests/selftests/run.sh to run; default all)
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"

die() { echo "debug-kernel: error: $*" >&2; exit 1; }
note() { echo "debug-kernel: $(date +%T) $*" >&2; }

self=$(readlink -f "$0")
tarball=/usr/src/linux-source-6.12.tar.xz
base=$SGNIC_CACHE/kernel/$GUEST_KERNEL
work=$SGNIC_CACHE/debug-kernel
src=$work/linux-source-6.12
suffix=-sgnic-debug
out=$SGNIC_ROOT/build/debug-kernel
jobs=${JOBS:-$(nproc)}
mkdir -p "$work" "$out"
log=$out/build.log

[ -r "$tarball" ] || die "$tarball missing: run 'make setup' (package linux-source-6.12)"
[ -f "$base/root/boot/config-$GUEST_KERNEL" ] ||
	die "no Debian config in $base/root/boot: run 'make setup'"

unpack() {
	[ -f "$src/Makefile" ] && return 0
	note "unpacking $tarball (about 1.5 GB, a few minutes)"
	check=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
	[ "$check" -ge 6000 ] || die "need 6 GiB free in $work"
	tar -xJf "$tarball" -C "$work"
}

# Modules the guest really loads (9p for its root, the NIC's neighbours).
guest_modules() {
	local list=$work/lsmod.txt
	[ -s "$list" ] && { echo "$list"; return; }
	note "asking a guest which modules it loads (one boot)"
	SGNIC_BUILD=$out "$SGNIC_ROOT/scripts/vm.sh" -- '. tests/vm/lib.sh; pair_setup >/dev/null; ping -c1 -W1 $REMOTE_V4 >/dev/null; lsmod' |
		grep -v '^Module' >"$list.tmp" || die "the probe boot failed"
	# What the selftests load on demand (pktgen.sh, netconsole.sh).
	printf '%s 0 0\n' pktgen netconsole configfs >>"$list.tmp"
	mv "$list.tmp" "$list"
	echo "$list"
}

configure() {
	local lsmod
	lsmod=$(cd "$SGNIC_ROOT" && guest_modules)
	cd "$src"
	# Reconfigure when this script (its option list) changed.
	if [ -f .config ] && [ .config -nt "$self" ]; then
		return 0
	fi
	note "configuring: Debian's config, localmodconfig, debug options"
	cp "$base/root/boot/config-$GUEST_KERNEL" .config
	# Debian signs modules with its own keys; this build signs nothing.
	scripts/config --disable MODULE_SIG_ALL --disable MODULE_SIG_FORCE \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--disable DEBUG_INFO_BTF --enable DEBUG_INFO_NONE \
		--disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--set-str LOCALVERSION "$suffix" --disable LOCALVERSION_AUTO
	# yes ends on SIGPIPE; that is not a failure.
	{ yes '' || :; } | make LSMOD="$lsmod" localmodconfig >>"$log" 2>&1
	# The checkers.
	scripts/config \
		--enable KASAN --enable KASAN_GENERIC --enable KASAN_OUTLINE \
		--enable KASAN_VMALLOC \
		--enable PROVE_LOCKING --enable DEBUG_LOCKDEP --enable DEBUG_ATOMIC_SLEEP \
		--enable DEBUG_KMEMLEAK --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000 \
		--disable DEBUG_KMEMLEAK_DEFAULT_OFF --enable DEBUG_KMEMLEAK_AUTO_SCAN \
		--enable DMA_API_DEBUG --enable DMA_API_DEBUG_SG \
		--enable FAULT_INJECTION --enable FAILSLAB --enable FAIL_PAGE_ALLOC \
		--enable FAULT_INJECTION_DEBUG_FS --enable FUNCTION_ERROR_INJECTION \
		--enable FAIL_FUNCTION --enable FAULT_INJECTION_STACKTRACE_FILTER \
		--enable PAGE_POOL_STATS \
		--enable DEBUG_OBJECTS --enable DEBUG_OBJECTS_TIMERS \
		--enable DEBUG_OBJECTS_WORK
	# The guest's 9p root, virtio and the modules it loads stay as they are.
	make olddefconfig >>"$log" 2>&1
	for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DMA_API_DEBUG FAULT_INJECTION FAIL_FUNCTION \
		FAULT_INJECTION_STACKTRACE_FILTER; do
		grep -q "^CONFIG_$opt=y" .config || die "CONFIG_$opt did not stick (see $log)"
	done
}

build() {
	local ver dst
	unpack
	configure
	cd "$src"
	note "building bzImage and modules with -j$jobs (log: $log)"
	make -j"$jobs" bzImage modules >>"$log" 2>&1 || die "kernel build failed, see $log"
	ver=$(make -s kernelrelease)
	dst=$SGNIC_CACHE/kernel/$ver
	note "installing $ver into $dst"
	rm -rf "$dst.tmp"
	mkdir -p "$dst.tmp/root/boot"
	make -s INSTALL_MOD_PATH="$dst.tmp/root" INSTALL_MOD_STRIP=1 modules_install >>"$log" 2>&1
	rm -f "$dst.tmp/root/lib/modules/$ver/build" "$dst.tmp/root/lib/modules/$ver/source"
	cp System.map "$dst.tmp/root/boot/System.map-$ver"
	cp .config "$dst.tmp/root/boot/config-$ver"
	cp arch/x86/boot/bzImage "$dst.tmp/vmlinuz"
	rm -rf "$dst"
	mv "$dst.tmp" "$dst"
	echo "$ver" >"$work/version"

	note "building sgnic.ko against $ver"
	rm -rf "$out/kernel-driver" "$out/include"
	mkdir -p "$out/kernel-driver"
	cp "$SGNIC_ROOT"/kernel-driver/{Kbuild,*.c,*.h} "$out/kernel-driver/"
	cp -r "$SGNIC_ROOT/include" "$out/include"
	make -C "$src" M="$out/kernel-driver" W=1 modules >>"$log" 2>&1 ||
		die "sgnic.ko did not build against $ver, see $log"
	note "built: $dst/vmlinuz, $out/kernel-driver/sgnic.ko"
}

run_tests() {
	local ver
	ver=$(cat "$work/version" 2>/dev/null) || die "no debug kernel built yet: scripts/debug-kernel.sh build"
	"$SGNIC_ROOT/tests/selftests/run-boots.sh" --prepare-only >/dev/null ||
		die "preparing the selftests failed"
	# KASAN and lockdep make the guest several times slower: smaller
	# transfers and fewer reloads than run-boots.sh by default.
	local bytes=${SELFTEST_BYTES:-$((4 << 20))} reloads=${SELFTEST_RELOADS:-10}
	note "running the selftests on $ver (KASAN and lockdep make it several times slower)"
	# kmemleak is scanned after the suite; anything sgnic left is reported.
	SGNIC_BUILD=$out "$SGNIC_ROOT/scripts/vm.sh" --kernel "$ver" --no-module --mem 3072 --timeout 7200 -- \
		"insmod build/debug-kernel/kernel-driver/sgnic.ko && sleep 1 &&
		 SGNIC_KO=build/debug-kernel/kernel-driver/sgnic.ko SELFTEST_RELOADS=$reloads \
		 SELFTEST_BYTES=$bytes SELFTEST_TIMEOUT=3000 tests/selftests/run.sh ${DEBUG_TESTS:-}; rc=\$?
		 mount -t debugfs none /sys/kernel/debug 2>/dev/null
		 echo scan >/sys/kernel/debug/kmemleak; sleep 5; echo scan >/sys/kernel/debug/kmemleak
		 leaks=\$(grep -c unreferenced /sys/kernel/debug/kmemleak)
		 echo \"# kmemleak: \$leaks unreferenced objects; with sgnic in the trace: \$(grep -A30 unreferenced /sys/kernel/debug/kmemleak | grep -c sgnic)\"
		 exit \$rc" 2>&1 | tee "$out/selftest.log"
	return "${PIPESTATUS[0]}"
}

case "${1:-all}" in
config) unpack && configure ;;
build) build ;;
test) run_tests ;;
all) build && run_tests ;;
*) die "unknown step '$1' (config, build, test or all)" ;;
esac
