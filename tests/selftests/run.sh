#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# sgnic selftests: run inside the guest (tests/selftests/run-boots.sh boots
# it; `make selftest`).  KTAP: one top-level line per test program, each
# program's own KTAP nested under it as "# " diagnostics, like the
# kselftest runner does.  The closing line counts the programs' cases:
# "N passed, N failed, N skipped".
#
# Usage (in the guest): tests/selftests/run.sh [TEST...]
#   TEST is a program name from the list below (ethtool_ioctl, link.sh, ...),
#   or a shell program with chosen cases: xdp.sh:actions_sg_writeback,afxdp_copy
#
# Environment:
#   SELFTEST_DMA_MODE  plain | iommu | swiotlb: what dma_mode.sh verifies
#   SELFTEST_BYTES     size of the TCP integrity transfers (default 32 MiB)
#   SELFTEST_RELOADS   module reloads in lifecycle.sh (default 100)
#   SELFTEST_TIMEOUT   seconds one program may take (default 900)
#   SGNIC_KO           the module to reload (default kernel-driver/sgnic.ko)
set -u
cd "$(dirname "$0")/../.." || exit 1

# Programs in the order they run: cheap checks first, the module lifecycle
# (which reloads the driver 100 times) late, the kernel log last.
TESTS=(
	dma_mode.sh
	ethtool_ioctl
	ethtool_cli.sh
	copybreak_raw
	mtu.sh
	link.sh
	modes.sh
	xdp.sh
	rss.sh
	filters.sh
	limits.sh
	recovery.sh
	backpressure.sh
	races.sh
	removal.sh
	aer.sh
	hotplug.sh
	upstream.sh
	xsk_upstream.sh
	pktgen.sh
	netconsole.sh
	lifecycle.sh
	faults.sh
	dmesg.sh
)
BIN=build/selftests
timeout_s=${SELFTEST_TIMEOUT:-900}

sel=("$@")
[ ${#sel[@]} -gt 0 ] || sel=("${TESTS[@]}")

export SELFTEST_DMA_MODE=${SELFTEST_DMA_MODE:-plain}
echo "KTAP version 1"
echo "# sgnic selftests, DMA mode $SELFTEST_DMA_MODE, kernel $(uname -r)"
echo "1..${#sel[@]}"

n=0 cpass=0 cfail=0 cskip=0
for t in "${sel[@]}"; do
	n=$((n + 1))
	# "prog.sh:case,case" runs only those cases of a shell program.
	cases=()
	if [[ $t == *.sh:* ]]; then
		IFS=, read -r -a cases <<<"${t#*:}"
		t=${t%%:*}
	fi
	case "$t" in
	*.sh) prog=tests/selftests/$t ;;
	*) prog=$BIN/$t ;;
	esac
	if [ ! -x "$prog" ]; then
		echo "ok $n $t # SKIP $prog not built (make selftest builds it)"
		cskip=$((cskip + 1))
		continue
	fi
	log=/tmp/selftest-$t.log
	start=$SECONDS
	echo "# selftests: $t"
	[ ${#cases[@]} -eq 0 ] || echo "# cases: ${cases[*]}"
	timeout -k 10 "$timeout_s" "$prog" "${cases[@]}" 2>&1 | tee "$log" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	# The program's own cases (its top-level KTAP lines).
	p=$(grep -cE '^ok [0-9]+ ' "$log")
	s=$(grep -cE '^ok [0-9]+ .*# (SKIP|skip|XFAIL)' "$log")
	f=$(grep -cE '^not ok [0-9]+ ' "$log")
	p=$((p - s))
	if [ $((p + s + f)) -eq 0 ]; then
		case $rc in
		0) p=1 ;;
		4) s=1 ;;
		*) f=1 ;;
		esac
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" -eq 0 ]; then
		# Crashed or timed out after its last case line.
		f=1
	fi
	cpass=$((cpass + p)) cfail=$((cfail + f)) cskip=$((cskip + s))
	took=$((SECONDS - start))
	case $rc in
	0) echo "ok $n selftests: $t # $took s" ;;
	4) echo "ok $n selftests: $t # SKIP $(grep -m1 -oE '# SKIP .*' "$log" | cut -c8-)" ;;
	124 | 137) echo "not ok $n selftests: $t # TIMEOUT $timeout_s seconds" ;;
	*) echo "not ok $n selftests: $t # exit=$rc, $took s" ;;
	esac
done
echo "# $SELFTEST_DMA_MODE boot: $cpass passed, $cfail failed, $cskip skipped (cases of ${#sel[@]} programs)"
echo "$cpass passed, $cfail failed, $cskip skipped"
[ $cfail -eq 0 ]
