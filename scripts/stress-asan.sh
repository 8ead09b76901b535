#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Randomized device stress under AddressSanitizer (make stress): build QEMU
# and sgnic's qtest with --enable-asan in a separate build directory
# (default $SGNIC_CACHE/qemu-build-asan; the first build takes 10 to 15
# minutes), then run /sgnic/stress/random with SGNIC_STRESS_OPS operations
# (default 100000; SGNIC_STRESS_SEED picks the seed).  Ends with
# "N passed, N failed"; any AddressSanitizer report counts as a failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SGNIC_CACHE=${SGNIC_CACHE:-$HOME/.cache/sgnic}
export SGNIC_QEMU_BUILD=${SGNIC_ASAN_BUILD:-$SGNIC_CACHE/qemu-build-asan}
export QEMU_CONFIGURE_EXTRA="--enable-asan ${QEMU_CONFIGURE_EXTRA:-}"
export SGNIC_STRESS_OPS=${SGNIC_STRESS_OPS:-100000}
. "$here/env.sh"

echo "stress-asan: building the ASan QEMU in $SGNIC_QEMU_BUILD"
if ! bash "$here/build-qemu.sh"; then
	echo "stress-asan: the ASan build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# Leak checking stays off: QEMU's own exit path leaks by design and a leak
# report would turn every clean exit into a failure.  Memory errors abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "stress-asan: ${SGNIC_STRESS_OPS} operations, seed ${SGNIC_STRESS_SEED:-default}"
"$here/run-qtests.sh" -p /x86_64/sgnic/stress/random 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$log"; then
	echo "stress-asan: sanitizer report above: FAIL"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "stress-asan: no AddressSanitizer report"
# End with the runner's result line.
grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1
exit "$rc"
