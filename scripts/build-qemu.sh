#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Link qemu-device/ into a QEMU 10.0 tree, configure a minimal x86_64 build
# outside the repository and build the emulator plus sgnic's qtest.  The
# hooks are idempotent and ninja rebuilds only what changed, so a one-file
# change to the device costs seconds.
set -euo pipefail

. "$(dirname "$0")/env.sh"

die() { echo "build-qemu: error: $*" >&2; exit 1; }
note() { echo "build-qemu: $*" >&2; }

# One build at a time: concurrent ninja runs corrupt its logs.
mkdir -p "$SGNIC_CACHE"
exec 9>"$SGNIC_QEMU_BUILD.lock"
flock 9

tree=$SGNIC_QEMU_TREE
build=$SGNIC_QEMU_BUILD

[ -x "$tree/configure" ] && [ -f "$tree/hw/net/meson.build" ] ||
	die "$tree is not a QEMU source tree (run scripts/setup.sh or fix QEMU_SRC)"
grep -q '^10\.0' "$tree/VERSION" ||
	note "warning: $tree is QEMU $(cat "$tree/VERSION"); sgnic targets 10.0"

# Add $2 to file $1 once, after the first line matching $3 (or at the end).
hook() {
	local file=$1 line=$2 after=${3:-}
	grep -qxF "$line" "$file" && return 0
	if [ -n "$after" ]; then
		grep -q "$after" "$file" || die "cannot hook $file: no line matches '$after'"
		sed -i "0,/$after/{/$after/a\\
$line
}" "$file"
	else
		printf '%s\n' "$line" >>"$file"
	fi
}

ln -sfn "$SGNIC_ROOT/qemu-device" "$tree/hw/net/sgnic"
ln -sfn "$SGNIC_ROOT/include/sgnic_hw.h" "$tree/include/hw/net/sgnic_hw.h"
ln -sfn "$SGNIC_ROOT/tests/qtest/sgnic-test.c" "$tree/tests/qtest/sgnic-test.c"
# Debian's source drops the EDK2 blobs; without this, configure fails as
# soon as bzip2 is installed because it tries to unpack them.
if [ ! -f "$tree/pc-bios/edk2-x86_64-code.fd.bz2" ]; then
	sed -i "s|^    unpack_edk2_blobs = bzip2.found()$|    unpack_edk2_blobs = bzip2.found() and fs.exists('pc-bios/edk2-x86_64-code.fd.bz2')|" "$tree/meson.build"
fi
hook "$tree/hw/net/meson.build" "subdir('sgnic')"
hook "$tree/hw/net/Kconfig" "source sgnic/Kconfig"
hook "$tree/meson.build" "    'hw/net/sgnic'," "^    'hw\/net',$"
hook "$tree/tests/qtest/meson.build" \
	"qtests_x86_64 += config_all_devices.has_key('CONFIG_SGNIC') ? ['sgnic-test'] : []" \
	"^qtests_x86_64 = qtests_i386"
# Another build of the same tree (scripts/fuzz.sh) adds its own hooks here;
# the file is sourced, so it can use hook() and die().
if [ -n "${SGNIC_EXTRA_HOOKS:-}" ]; then
	. "$SGNIC_EXTRA_HOOKS"
fi

if [ ! -f "$build/build.ninja" ]; then
	note "configuring QEMU in $build (first build: 10 to 20 minutes on 2 cores)"
	mkdir -p "$build"
	(cd "$build" && "$tree/configure" --python=/usr/bin/python3 \
		--target-list=x86_64-softmmu --without-default-features \
		--enable-kvm --enable-tcg --enable-fdt=system \
		--enable-attr --enable-virtfs --enable-plugins \
		--disable-install-blobs --disable-docs --disable-werror \
		${QEMU_CONFIGURE_EXTRA:-} >"$build/configure.log" 2>&1) ||
		{ tail -20 "$build/configure.log" >&2; die "configure failed, see $build/configure.log"; }
fi

# TCG plugins (scripts/bench.sh --insns and its test) came later: the usual
# build, configured before, gets them once.  Builds with options of their
# own (fuzzing, ASan) keep what they were configured with.
if [ -z "${QEMU_CONFIGURE_EXTRA:-}" ] && grep -qx '#undef CONFIG_PLUGIN' "$build/config-host.h" 2>/dev/null; then
	note "enabling TCG plugins in $build (rebuilds most of QEMU once)"
	"$build/pyvenv/bin/meson" configure "$build" -Dplugins=true >>"$build/configure.log" 2>&1 ||
		die "meson configure -Dplugins=true failed, see $build/configure.log"
fi

# SGNIC_NINJA_TARGETS: what to build (scripts/fuzz.sh: qemu-fuzz-x86_64).
read -ra targets <<<"${SGNIC_NINJA_TARGETS:-qemu-system-x86_64 tests/qtest/sgnic-test}"
note "building ${targets[*]}"
ninja -C "$build" "${targets[@]}" >"$build/ninja.log" 2>&1 ||
	{ grep -A15 -m3 'error\|FAILED' "$build/ninja.log" >&2; die "QEMU build failed, see $build/ninja.log"; }
tail -1 "$build/ninja.log" >&2

# Debian's seabios and qemu-system-data put firmware where a
# --disable-install-blobs build does not look: gather them for -L.
fw=$SGNIC_CACHE/firmware
mkdir -p "$fw"
for f in /usr/share/qemu/* /usr/share/seabios/*; do
	[ -e "$f" ] && ln -sfn "$f" "$fw/$(basename "$f")"
done
exit 0
