#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build sgnic.ko with W=1 -Werror against another kernel's headers (default:
# the newest Debian 6.1 headers installed) in a scratch copy, so the
# in-tree objects for the guest kernel stay as they are.
set -euo pipefail
. "$(dirname "$0")/env.sh"
kdir=${1:-$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -1)}
[ -n "$kdir" ] && [ -d "$kdir" ] ||
	{ echo "build-module-check: no 6.1 headers (apt-get install linux-headers-6.1.0-NN-amd64)" >&2; exit 1; }
out=$SGNIC_BUILD/module-check/$(basename "$kdir")
rm -rf "$out" && mkdir -p "$out/kernel-driver" "$out/include"
cp "$SGNIC_ROOT"/kernel-driver/{*.c,*.h,Kbuild} "$out/kernel-driver/"
cp "$SGNIC_ROOT"/include/*.h "$out/include/"
make -s -C "$kdir" M="$out/kernel-driver" W=1 KCFLAGS=-Werror modules
echo "build-module-check: sgnic.ko builds cleanly against $(basename "$kdir")"
