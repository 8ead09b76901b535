#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Upstream's AF_XDP selftest, tools/testing/selftests/bpf/xskxceiver of the
# Linux 6.12 tree (what test_xsk.sh drives), against the two sgnic ports:
# one KTAP case per xskxceiver test and mode, skb (generic XDP), drv
# (native XDP, copy mode) and zc (zero-copy).  tests/selftests/Makefile
# builds the binary from the tree scripts/kselftest-src.sh unpacks.
#
# test_xsk.sh joins two veth ends (-i A -i B); its -i IF form gives a NIC
# looped back to itself (-i IF -i IF).  Here TX is eth0 and RX eth1 over
# QEMU's hub, both in the root namespace: sgnic's internal loopback
# (ethtool -K loopback on) has no back-pressure, so a burst beyond the RX
# ring is dropped (hw_rx_nobuf_drops) and the looped-back form loses frames
# by design.  As test_xsk.sh does for its veths, IPv6 is off on both ports
# (no stray frames reach the socket and shift the counting programs), and
# MTU and XDP programs are reset after every test.  The test frames go to
# 55:44:33:22:11:01, a multicast address the ports do not join, hence
# promiscuous mode.  The unaligned-umem tests need 2 MiB huge pages.
#
# The RX rings keep their default size: this test found the device model
# letting later frames overtake one it held while a ring was dry, behind
# QEMU's hub (fixed in sgnic_flush_held, qtest /sgnic/rx/backpressure-hub).
#
# Every case not listed in KNOWN below must pass (a failing one is run
# again once, XSK_ATTEMPTS, and the retry is reported).  A listed failure, or a listed skip, is reported as a skip
# with its reason; a listed case that passes is a pass, one that ends
# otherwise than listed (a listed skip that fails) is a failure.
#
# Usage (in the guest): tests/selftests/xsk_upstream.sh [MODE_TEST...]
#   e.g. skb_SEND_RECEIVE drv_TEARDOWN
# shellcheck disable=SC2317 # the cases are called through ksft_run
set -u
# shellcheck disable=SC1091 # the shared helpers
. "$(dirname "$0")/lib.sh"

XSK=${XSK:-$SGNIC_REPO/build/selftests/xskxceiver}
TX_IF=$LOCAL_IF RX_IF=$REMOTE_IF

# Results that are not a pass, with the reason, per "mode_TEST".  "skip":
# xskxceiver itself skips it.  "fail": known to fail, for the reason given.
declare -A KNOWN=()
for m in skb drv zc; do
	KNOWN[${m}_HW_SW_MIN_RING_SIZE]="skip: the test asks for a 64-slot TX ring; sgnic's TX ring holds at least two chains of the longest packet, 128 slots (ethtool -G refuses 64)"
	KNOWN[${m}_HW_SW_MAX_RING_SIZE]="fail: with two ports the TX umem keeps 1024 frames while the test sets 2048-frame batches: xskxceiver's in-flight limit wraps negative and it never sends; only the one-port looped-back form (-i IF -i IF, shared umem) can run it"
done
for m in skb drv zc; do
	for t in SEND_RECEIVE_9K_PACKETS SEND_RECEIVE_UNALIGNED_9K_PACKETS; do
		KNOWN[${m}_$t]="fail: where packet N+1 should begin the socket gets bytes of packet N again (9000-byte frames): in skb and drv mode on every attempt, as virtio-net does on the same hub; in zc mode in some runs (both passed in one, both failed twice in the next); not analysed yet"
	done
done
for m in skb drv; do
	KNOWN[${m}_STAT_RX_DROPPED]="fail: the 6.12.95 kernel refuses the test's umem headroom of 3648 (xdp_umem_reg allows chunk - 256 - 320 - 128 = 3392 since a stable fix); the 6.12 test was not updated: EINVAL on any driver"
done
KNOWN[zc_STAT_RX_DROPPED]="skip: upstream does not run it in zero-copy mode"
XSK_ATTEMPTS=${XSK_ATTEMPTS:-2}

declare -a NAMES=()
list_tests() {
	mapfile -t NAMES < <("$XSK" -l 2>/dev/null | sed -n 's/^\([0-9]*\): \([A-Z0-9_]*\)$/\2/p')
}

reset_port() {
	$IP link set "$1" xdp off 2>/dev/null
	$IP link set "$1" xdpgeneric off 2>/dev/null
	$IP link set "$1" mtu 1500
}

HUGE_WAS=0
declare -A RX_RING_WAS=()
env_setup() {
	local i
	pair_teardown || return 1
	for i in "$TX_IF" "$RX_IF"; do
		RX_RING_WAS[$i]=$(ethtool -g "$i" | awk '/^RX:/ { n++ } /^RX:/ && n == 2 { print $2 }')
		$IP addr flush dev "$i"
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
		$IP link set "$i" promisc on up
	done
	HUGE_WAS=$(cat /proc/sys/vm/nr_hugepages)
	echo 64 >/proc/sys/vm/nr_hugepages
	wait_for "[ \"\$(cat /sys/class/net/$RX_IF/carrier)\" = 1 ]" 50 ||
		{ echo "no carrier on $RX_IF"; return 1; }
}

env_restore() {
	local i
	for i in "$TX_IF" "$RX_IF"; do
		reset_port "$i"
		$IP link set "$i" promisc off
		ethtool -G "$i" rx "${RX_RING_WAS[$i]:-512}"
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=0"
	done
	echo "$HUGE_WAS" >/proc/sys/vm/nr_hugepages
	pair_setup >/dev/null 2>&1
}

# run_one MODE INDEX: xskxceiver's result line for one test; 0 pass, 4
# skip, 1 fail.
run_one() {
	local out rc
	out=$(timeout -k 5 120 "$XSK" -i "$TX_IF" -i "$RX_IF" -m "$1" -t "$2" 2>&1)
	rc=$?
	reset_port "$TX_IF"
	reset_port "$RX_IF"
	grep -vE '^(1\.\.|# Totals)' <<<"$out" | head -20
	if grep -qE '^ok 1 .*# SKIP' <<<"$out"; then
		return "$KSFT_SKIP"
	fi
	grep -qE '^ok 1 PASS' <<<"$out" && [ "$rc" = 0 ] && return 0
	echo "xskxceiver exit $rc"
	return 1
}

xsk_case() {
	local mode=$1 idx=$2 name=$3 known rc
	local n=1
	known=${KNOWN[${mode}_$name]:-}
	run_one "$mode" "$idx"
	rc=$?
	# An unlisted case that fails gets another attempt, said in the log.
	while [ -z "$known" ] && [ "$rc" = 1 ] && [ "$n" -lt "$XSK_ATTEMPTS" ]; do
		n=$((n + 1))
		echo "attempt $n"
		run_one "$mode" "$idx"
		rc=$?
	done
	[ "$n" = 1 ] || [ "$rc" != 0 ] || echo "passed at attempt $n"
	case "$known:$rc" in
	:0) return 0 ;;
	:*) return 1 ;;
	skip*:"$KSFT_SKIP") skip "${known#skip: }" ;;
	fail*:1) skip "known failure: ${known#fail: }" ;;
	*:0) echo "passed this time; listed as '$known'"; return 0 ;;
	*) echo "listed as '$known', got exit $rc"; return 1 ;;
	esac
}

if [ ! -x "$XSK" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP $XSK not built (make selftest builds it)"
	exit "$KSFT_SKIP"
fi
list_tests
if [ ${#NAMES[@]} -eq 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP xskxceiver -l lists no tests"
	exit "$KSFT_FAIL"
fi
for mode in skb drv zc; do
	for i in "${!NAMES[@]}"; do
		eval "t_${mode}_${NAMES[$i]}() { xsk_case $mode $i ${NAMES[$i]}; }"
		ksft_case "${mode}_${NAMES[$i]}"
	done
done

if ! env_setup; then
	echo "TAP version 13"
	echo "1..0 # the two ports are not ready for the test (see above)"
	env_restore
	exit "$KSFT_FAIL"
fi
ksft_run "$@"
rc=$?
env_restore
exit $rc
