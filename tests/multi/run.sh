#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests that need more than one QEMU process, or a guest without 9p shares
# (tests/run-all.sh multi): two guests linked by -netdev stream over
# 127.0.0.1, ping and iperf3 both ways (scripts/two-guests.sh); a guest
# migrated twice between QEMU processes under a TCP stream checked byte by
# byte (scripts/migrate.sh); suspend and resume under the same stream in a
# --standalone guest, whose sgnic functions really go to D3hot
# (tests/vm/pm-guest.sh; virtio-9p cannot resume).
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

pass=0 fail=0
count() {
	local log=$1 line p f
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	p=$(sed -nE 's/.*\b([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*\b([0-9]+) failed.*/\1/p' <<<"$line")
	[ -n "$line" ] || { p=0 f=1; echo "not ok: $log has no result line"; }
	pass=$((pass + p)) fail=$((fail + f))
}

mkdir -p build/test-logs
scripts/two-guests.sh --link stream --secs 3 2>&1 | tee build/test-logs/multi-two-guests.log
count build/test-logs/multi-two-guests.log
scripts/migrate.sh --nic sgnic --times 2 2>&1 | tee build/test-logs/multi-migrate.log
count build/test-logs/multi-migrate.log
SGNIC_BUILD=${SGNIC_BUILD:-$PWD/build}/pm scripts/vm.sh --standalone --timeout 600 \
	--file "${SGNIC_BUILD:-$PWD/build}/bin/sgnic-stream" --file "$(command -v ip)" \
	--file "$(command -v ethtool)" --file tests/vm/standalone-lib.sh --file tests/vm/pm-guest.sh \
	-- 'sh /sgnic-run/bin/pm-guest.sh 2' 2>&1 | tee build/test-logs/multi-pm.log
count build/test-logs/multi-pm.log
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
