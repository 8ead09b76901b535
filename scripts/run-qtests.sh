#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run sgnic's qtest (tests/qtest/sgnic-test.c) from the QEMU build directory,
# pass its TAP output through and finish with "N passed, N failed[, N skipped]".
# Extra arguments go to the test binary, e.g. -p /x86_64/sgnic/tx/single.
# Exits non-zero if any test failed, the binary crashed or it is missing.
set -uo pipefail

. "$(dirname "$0")/env.sh"

build=$SGNIC_QEMU_BUILD
test_bin=$build/tests/qtest/sgnic-test
qemu=$build/qemu-system-x86_64

if [ ! -x "$test_bin" ] || [ ! -x "$qemu" ]; then
	echo "run-qtests: $test_bin or $qemu is missing; 'make qemu' builds them" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

export QTEST_QEMU_BINARY=$qemu
export SGNIC_CACHE
[ -d "$SGNIC_CACHE/firmware" ] && export SGNIC_FIRMWARE_DIR=${SGNIC_FIRMWARE_DIR:-$SGNIC_CACHE/firmware}

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
start=$SECONDS
(cd "$build" && "$test_bin" --tap -k "$@") 2>&1 | tee "$tap"
rc=${PIPESTATUS[0]}

# TAP result lines: "ok N name", "ok N name # SKIP why", "not ok N name".
passed=$(grep -cE '^ok [0-9]+' "$tap" | head -1)
skipped=$(grep -cE '^ok [0-9]+.*# *SKIP' "$tap" | head -1)
failed=$(grep -cE '^not ok [0-9]+' "$tap" | head -1)
passed=$((passed - skipped))
planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$tap" | head -1)
ran=$((passed + skipped + failed))
if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
	# A failed assertion aborts the binary: the tests after it never ran.
	echo "run-qtests: only $ran of $planned planned tests reported; the rest count as failed" >&2
	failed=$((failed + planned - ran))
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "run-qtests: test binary exited with status $rc" >&2
	failed=1
fi
echo "# qtest duration: $((SECONDS - start)) s"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
