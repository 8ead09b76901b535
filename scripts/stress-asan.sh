#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every qtest under AddressSanitizer and UndefinedBehaviorSanitizer (make
# stress): build QEMU and sgnic's qtest with --enable-asan --enable-ubsan in
# a separate build directory (default $SGNIC_CACHE/qemu-build-san; the
# first build takes 10 to 20 minutes on 2 cores), then run the whole qtest
# suite, /sgnic/stress/random with SGNIC_STRESS_OPS operations (default
# 100000; SGNIC_STRESS_SEED picks the seed).  Ends with "N passed, N
# failed"; any sanitizer report counts as a failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SGNIC_CACHE=${SGNIC_CACHE:-$HOME/.cache/sgnic}
export SGNIC_QEMU_BUILD=${SGNIC_ASAN_BUILD:-$SGNIC_CACHE/qemu-build-san}
export QEMU_CONFIGURE_EXTRA="--enable-asan --enable-ubsan ${QEMU_CONFIGURE_EXTRA:-}"
export SGNIC_STRESS_OPS=${SGNIC_STRESS_OPS:-100000}
. "$here/env.sh"

echo "stress-asan: building the ASan+UBSan QEMU in $SGNIC_QEMU_BUILD"
if ! bash "$here/build-qemu.sh"; then
	echo "stress-asan: the ASan build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# Leak checking stays off: QEMU's own exit path leaks by design and a leak
# report would turn every clean exit into a failure.  Memory errors abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "stress-asan: every qtest; stress/random with ${SGNIC_STRESS_OPS} operations, seed ${SGNIC_STRESS_SEED:-default}"
"$here/run-qtests.sh" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$log"; then
	echo "stress-asan: sanitizer report above: FAIL"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "stress-asan: no sanitizer report"
# End with the runner's result line.
grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1
exit "$rc"
