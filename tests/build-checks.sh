#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build hygiene as tests: setup leaves the host's kernels alone, the module builds W=1 -Werror against the guest's
# 6.12 headers and Debian 12's own 6.1 headers, checkpatch --strict, sparse
# (make C=2) and the kernel's coccinelle scripts are clean, and QEMU
# compiled the device without a warning.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

n=0 pass=0 fail=0
check() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n $name"
		pass=$((pass + 1))
	else
		sed 's/^/# /' <<<"$out" | tail -20
		echo "not ok $n $name"
		fail=$((fail + 1))
	fi
}

qemu_device_warnings() {
	local log=$SGNIC_QEMU_BUILD/ninja.log
	touch qemu-device/sgnic.c qemu-device/sgnic_dma.c qemu-device/sgnic_net.c
	scripts/build-qemu.sh >/dev/null 2>&1 || return 1
	! grep -A3 'hw/net/sgnic/.*warning' "$log"
}

echo "TAP version 13"
check "setup installs no kernel image; guest headers unpacked in the cache" scripts/setup.sh host-check
check "module W=1 against $GUEST_KERNEL" make -s -C kernel-driver KDIR="$KDIR"
check "module W=1 against Debian 6.1 headers" scripts/build-module-check.sh
check "checkpatch --strict kernel-driver/" scripts/checkpatch.sh
check "sparse (make C=2) kernel-driver/" scripts/kernel-lint.sh sparse
check "coccinelle (coccicheck report) kernel-driver/" scripts/kernel-lint.sh cocci
check "QEMU builds the device without warnings" qemu_device_warnings
echo "1..$n"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
