#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the test suites and add up their closing lines.  Each suite prints
# "N passed, N failed[, N skipped]" as its last such line; a suite that
# exits non-zero without one counts as one failure.
#
# Usage: tests/run-all.sh [build] [unit] [qtest] [bench] [fuzz] [vm] [multi] [selftest]
#        (default: all eight; bench checks the benchmark's instruction counting; multi runs guests in several QEMU processes; fuzz replays the fuzz seeds and reproducers,
#        building the fuzz QEMU first if needed; selftest is three guest boots)
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(build unit qtest bench fuzz vm multi selftest)

run_suite() {
	case "$1" in
	build) tests/build-checks.sh ;;
	unit) make -s -C tests/unit check O="$PWD/build" ;;
	qtest) scripts/run-qtests.sh ;;
	bench) tests/bench/insn-count-test.sh ;;
	fuzz) scripts/fuzz.sh replay ;;
	vm) tests/vm/run.sh ;;
	multi) tests/multi/run.sh ;;
	selftest) tests/selftests/run-boots.sh ;;
	*) echo "run-all: unknown suite '$1'" >&2; return 2 ;;
	esac
}

tp=0 tf=0 ts=0 rc=0
mkdir -p build/test-logs
for s in "${suites[@]}"; do
	log=build/test-logs/$s.log
	echo "=== suite: $s"
	start=$SECONDS
	run_suite "$s" 2>&1 | tee "$log"
	src=${PIPESTATUS[0]}
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	p=$(sed -nE 's/.*\b([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*\b([0-9]+) failed.*/\1/p' <<<"$line")
	k=$(sed -nE 's/.*\b([0-9]+) skipped.*/\1/p' <<<"$line")
	if [ -z "$line" ]; then
		echo "=== suite $s: no result line (exit $src): counted as 1 failure"
		p=0 f=1 k=0
	elif [ "$src" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "=== suite $s exited $src with no failed test: counted as 1 failure"
		f=1
	fi
	echo "=== suite $s: ${p:-0} passed, ${f:-0} failed, ${k:-0} skipped ($((SECONDS - start)) s)"
	tp=$((tp + ${p:-0})) tf=$((tf + ${f:-0})) ts=$((ts + ${k:-0}))
	[ "${f:-0}" -eq 0 ] || rc=1
done
echo "${tp} passed, ${tf} failed, ${ts} skipped"
exit $rc
