#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Unpack the parts of Debian's linux-source-6.12 that sgnic's selftests use
# into the cache, at build time; nothing of the kernel tree is ever kept in
# this repository.  From the tarball (/usr/src/linux-source-6.12.tar.xz,
# package linux-source-6.12, installed by scripts/setup.sh) it takes:
#
#   tools/testing/selftests/kselftest*.h      the C harness and KTAP helpers
#   tools/testing/selftests/drivers/net/      ping.py, stats.py, queues.py, hw/
#   tools/testing/selftests/net/lib/          the python test library, csum.c
#   tools/testing/selftests/net/lib.sh, net_helper.sh, forwarding/lib.sh
#   tools/testing/selftests/net/toeplitz.c (and its scripts, for reference)
#   tools/net/ynl/                            the YNL python library
#   Documentation/netlink/                    the netlink specs YNL reads
#   tools/testing/selftests/bpf/ xskxceiver and what it includes, with
#   progs/xsk_xdp_progs.c; tools/lib/bpf/, tools/include/,
#   tools/arch/x86/include/, tools/lib/find_bit.c, tools/scripts/,
#   tools/build/ and scripts/bpf_doc.py    the tree's own libbpf, built
#                                             by tests/selftests/Makefile
#
# and builds net/lib/csum (used by drivers/net/hw/csum.py).  A stamp keyed
# on the tarball makes a second run free.
#
# Usage: scripts/kselftest-src.sh [--print]   (prints the tree's root)
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"

die() { echo "kselftest-src: error: $*" >&2; exit 1; }
note() { echo "kselftest-src: $*" >&2; }

tarball=${KSELFTEST_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
top=linux-source-6.12
dest=$SGNIC_CACHE/kselftest
tree=$dest/$top

[ -r "$tarball" ] ||
	die "$tarball not found: run 'make setup' (it installs linux-source-6.12)"

key="v4 $(stat -c '%s %Y' "$tarball")"
if [ -f "$dest/stamp" ] && [ "$(cat "$dest/stamp")" = "$key" ] &&
	[ -x "$tree/tools/testing/selftests/net/lib/csum" ] &&
	[ -f "$tree/tools/testing/selftests/net/toeplitz.c" ] &&
	[ -f "$tree/tools/testing/selftests/net/forwarding/lib.sh" ] &&
	[ -f "$tree/tools/testing/selftests/bpf/xskxceiver.c" ]; then
	echo "$tree"
	exit 0
fi

note "unpacking the selftest parts of $tarball into $dest (~20 s)"
rm -rf "$dest"
mkdir -p "$dest"
ksft=$top/tools/testing/selftests
bpf=$ksft/bpf
tar -xJf "$tarball" -C "$dest" --wildcards \
	"$ksft/kselftest.h" "$ksft/kselftest_harness.h" "$ksft/kselftest_module.h" \
	"$ksft/lib.mk" \
	"$ksft/drivers/net/*.py" "$ksft/drivers/net/*.sh" "$ksft/drivers/net/*.rst" \
	"$ksft/drivers/net/lib/*" "$ksft/drivers/net/hw/*" \
	"$ksft/net/lib/*" "$ksft/net/lib.sh" "$ksft/net/net_helper.sh" \
	"$ksft/net/forwarding/lib.sh" \
	"$ksft/net/toeplitz.c" "$ksft/net/toeplitz.sh" "$ksft/net/toeplitz_client.sh" \
	"$top/tools/net/ynl/*" "$top/Documentation/netlink/*" \
	"$bpf/xsk*" "$bpf/network_helpers.[ch]" "$bpf/test_progs.h" \
	"$bpf/testing_helpers.h" "$bpf/trace_helpers.h" "$bpf/bpf_util.h" \
	"$bpf/test_iptunnel_common.h" "$bpf/progs/xsk_xdp_progs.c" \
	"$bpf/test_xsk.sh" \
	"$top/tools/lib/bpf/*" "$top/tools/lib/find_bit.c" "$top/tools/include/*" \
	"$top/tools/arch/x86/include/*" "$top/tools/scripts/*" "$top/tools/build/*" \
	"$top/scripts/bpf_doc.py" ||
	die "tar failed on $tarball"

# drivers/net/hw/csum.py runs this on both ends.
gcc -O2 -Wall -I"$tree/tools/testing/selftests" \
	-o "$tree/tools/testing/selftests/net/lib/csum" \
	"$tree/tools/testing/selftests/net/lib/csum.c" ||
	die "building net/lib/csum failed"

echo "$key" >"$dest/stamp"
echo "$tree"
