#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# In-VM tests of sgnic.ko, run inside the guest by tests/vm/run.sh.
# KTAP output; the last line is "N passed, N failed, N skipped".
#
# Usage (in the guest): tests/vm/guest-suite.sh [CASE...]
# SGNIC_INTEGRITY_BYTES sets the size of the per-mode TCP integrity
# transfer (default 256 MiB).
set -u
cd "$(dirname "$0")/../.."
. tests/vm/lib.sh

BYTES=${SGNIC_INTEGRITY_BYTES:-$((256 << 20))}
pass=0 fail=0 skip=0 n=0
declare -a CASES=()

case_add() { CASES+=("$1"); }

# ---- cases --------------------------------------------------------------

t_probe() {
	[ "$(ls /sys/bus/pci/drivers/sgnic | grep -c '^0000:')" -eq 2 ] &&
		ethtool -i "$LOCAL_IF" | grep -q '^driver: sgnic$'
}
case_add probe

t_ping() {
	pair_setup && ping -q -c 5 -i 0.2 -W 2 "$REMOTE_V4"
}
case_add ping

mode_case() {
	local map=$1 compl=$2 up down
	pair_setup && set_mode "$map" "$compl" || return 1
	ethtool --show-priv-flags "$LOCAL_IF" | grep -q "single-transfer *: $([ "$map" = single ] && echo on || echo off)" || return 1
	ping -q -c 3 -i 0.2 -W 2 "$REMOTE_V4" >/dev/null || return 1
	up=$(iperf_mbps 3)
	down=$(iperf_mbps 3 -R)
	echo "# $map/$compl: iperf3 $up Mbit/s out, $down Mbit/s in"
	[ "${up:-0}" -gt 0 ] && [ "${down:-0}" -gt 0 ] || return 1
	tcp_integrity "$BYTES" || { echo "# checksum mismatch after $BYTES bytes"; return 1; }
	echo "# $map/$compl: $BYTES bytes arrived with the same MD5"
}
t_sg_writeback() { mode_case sg writeback; }
t_sg_interrupt() { mode_case sg interrupt; }
t_single_writeback() { mode_case single writeback; }
t_single_interrupt() { mode_case single interrupt; }
case_add sg_writeback
case_add sg_interrupt
case_add single_writeback
case_add single_interrupt

t_single_mode_linearizes() {
	# Single-transfer mode must rearrange fragmented TSO skbs.
	local before after
	pair_setup && set_mode single writeback || return 1
	before=$(stat_of tx_linearized)
	iperf_mbps 2 >/dev/null
	after=$(stat_of tx_linearized)
	echo "# tx_linearized $before -> $after"
	set_mode sg writeback
	[ "$after" -gt "$before" ]
}
case_add single_mode_linearizes

t_ethtool_selftest() {
	ethtool -t "$LOCAL_IF" offline | tee /tmp/selftest.out | sed 's/^/# /'
	grep -q 'The test result is PASS' /tmp/selftest.out && wait_link
}
case_add ethtool_selftest

t_ethtool_rings() {
	pair_setup || return 1
	ethtool -G "$LOCAL_IF" tx 256 rx 1024 || return 1
	ethtool -g "$LOCAL_IF" | sed -n '/Current/,$p' | grep -q 'RX:[[:space:]]*1024' || return 1
	# Invalid: not a power of two, too small, too big: refused, unchanged.
	! ethtool -G "$LOCAL_IF" rx 1000 2>/dev/null || return 1
	! ethtool -G "$LOCAL_IF" tx 8 2>/dev/null || return 1
	! ethtool -G "$LOCAL_IF" rx 8192 2>/dev/null || return 1
	ethtool -g "$LOCAL_IF" | sed -n '/Current/,$p' | grep -q 'TX:[[:space:]]*256' || return 1
	# The mode survives a resize.
	ethtool --set-priv-flags "$LOCAL_IF" single-transfer on || return 1
	ethtool -G "$LOCAL_IF" tx 512 rx 512 || return 1
	ethtool --show-priv-flags "$LOCAL_IF" | grep -q 'single-transfer *: on' || return 1
	ethtool --set-priv-flags "$LOCAL_IF" single-transfer off
	wait_link
}
case_add ethtool_rings

t_ethtool_channels() {
	pair_setup || return 1
	ethtool -L "$LOCAL_IF" combined 1 || return 1
	ethtool -l "$LOCAL_IF" | sed -n '/Current/,$p' | grep -q 'Combined:[[:space:]]*1' || return 1
	! ethtool -L "$LOCAL_IF" combined 9 2>/dev/null || return 1
	! ethtool -L "$LOCAL_IF" combined 0 2>/dev/null || return 1
	ethtool -L "$LOCAL_IF" combined 2 || return 1
	[ "$(ls -d /sys/class/net/$LOCAL_IF/queues/tx-* | wc -l)" -eq 2 ] || return 1
	wait_link && ping -q -c 2 -W 2 "$REMOTE_V4" >/dev/null
}
case_add ethtool_channels

t_ethtool_coalesce() {
	pair_setup || return 1
	ethtool -C "$LOCAL_IF" rx-usecs 50 rx-frames 8 || return 1
	ethtool -c "$LOCAL_IF" | grep -q '^rx-usecs:[[:space:]]*50' || return 1
	! ethtool -C "$LOCAL_IF" rx-usecs 70000 2>/dev/null || return 1
	ethtool -c "$LOCAL_IF" | grep -q '^rx-usecs:[[:space:]]*50' || return 1
	ethtool -C "$LOCAL_IF" adaptive-rx on || return 1
	ethtool -c "$LOCAL_IF" | grep -q '^Adaptive RX:[[:space:]]*on' || return 1
	iperf_mbps 2 >/dev/null
	ethtool -C "$LOCAL_IF" adaptive-rx off rx-usecs 20 rx-frames 16
}
case_add ethtool_coalesce

t_copybreak() {
	local v before after
	pair_setup || return 1
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 512 || return 1
	! ethtool --set-tunable "$LOCAL_IF" tx-copybreak 513 2>/dev/null || return 1
	v=$(ethtool --get-tunable "$LOCAL_IF" tx-copybreak | awk '{print $2}')
	[ "$v" = 512 ] || return 1
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 256 || return 1
	ethtool --set-tunable "$LOCAL_IF" rx-copybreak 128 || return 1
	! ethtool --set-tunable "$LOCAL_IF" rx-copybreak 100000 2>/dev/null || return 1
	# 256-byte frames are copied, 257-byte frames are mapped.
	before=$(stat_of tx_copybreak)
	ping -q -c 3 -i 0.2 -s $((256 - 42)) "$REMOTE_V4" >/dev/null || return 1
	after=$(stat_of tx_copybreak)
	[ $((after - before)) -ge 3 ] || return 1
	before=$after
	ping -q -c 3 -i 0.2 -s $((257 - 42)) "$REMOTE_V4" >/dev/null || return 1
	after=$(stat_of tx_copybreak)
	echo "# tx_copybreak grew by $((after - before)) for 257-byte frames"
	[ $((after - before)) -eq 0 ] || return 1
	ethtool --set-tunable "$LOCAL_IF" rx-copybreak 256
}
case_add copybreak

t_ethtool_misc() {
	pair_setup || return 1
	ethtool "$LOCAL_IF" | grep -q 'Link detected: yes' || return 1
	ethtool -d "$LOCAL_IF" raw on > /tmp/regs.bin || return 1
	[ "$(stat -c %s /tmp/regs.bin)" -gt 1024 ] || return 1
	ethtool -k "$LOCAL_IF" | grep -q 'scatter-gather: on' || return 1
	ethtool -K "$LOCAL_IF" tso off || return 1
	ethtool -k "$LOCAL_IF" | grep -q 'tcp-segmentation-offload: off' || return 1
	ethtool -K "$LOCAL_IF" tso on || return 1
	! ethtool --set-priv-flags "$LOCAL_IF" no-such-flag on 2>/dev/null || return 1
	[ "$(ethtool -S "$LOCAL_IF" | grep -c .)" -gt 50 ]
}
case_add ethtool_misc

t_loopback_feature() {
	# ethtool -K loopback on: frames sent come back to the sender, not the peer.
	local before after
	pair_setup || return 1
	ethtool -K "$LOCAL_IF" loopback on || return 1
	before=$(peer_stat_of rx_packets)
	ping -q -c 3 -i 0.2 -W 1 "$REMOTE_V4" >/dev/null 2>&1
	after=$(peer_stat_of rx_packets)
	ethtool -K "$LOCAL_IF" loopback off || return 1
	echo "# peer rx_packets $before -> $after with loopback on"
	[ "$after" -eq "$before" ] && wait_link
}
case_add loopback_feature

t_rsc() {
	# Receive segment coalescing (rx-gro-hw): on, a TCP stream arrives as
	# coalesced frames, counted in wire frames; off, nothing is coalesced.
	# Both ways the data arrives whole.
	local f0 s0 p0 f1 s1 p1
	pair_setup || return 1
	peer ethtool -k "$REMOTE_IF" | grep -q '^rx-gro-hw: on' || return 1
	f0=$(peer_stat_of rx_rsc_packets) s0=$(peer_stat_of rx_rsc_segs) p0=$(peer_stat_of rx_packets)
	tcp_integrity $((16 << 20)) 5302 || return 1
	f1=$(peer_stat_of rx_rsc_packets) s1=$(peer_stat_of rx_rsc_segs) p1=$(peer_stat_of rx_packets)
	echo "# rx-gro-hw on: $((f1 - f0)) coalesced frames of $((s1 - s0)) segments, rx_packets +$((p1 - p0))"
	[ $((f1 - f0)) -gt 0 ] && [ $((s1 - s0)) -ge $((2 * (f1 - f0))) ] &&
		[ $((p1 - p0)) -ge $((s1 - s0)) ] || return 1
	peer ethtool -K "$REMOTE_IF" rx-gro-hw off || return 1
	tcp_integrity $((8 << 20)) 5303 || return 1
	f0=$(peer_stat_of rx_rsc_packets)
	peer ethtool -K "$REMOTE_IF" rx-gro-hw on || return 1
	echo "# rx-gro-hw off: coalesced frames $f1 -> $f0"
	[ "$f0" -eq "$f1" ]
}
case_add rsc

t_jumbo() {
	local before after
	pair_setup 9000 || return 1
	before=$(peer_stat_of rx_multi_buf)
	ping -q -c 3 -i 0.2 -s 8000 -M do -W 2 "$REMOTE_V4" >/dev/null || return 1
	tcp_integrity $((8 << 20)) 5301 || return 1
	after=$(peer_stat_of rx_multi_buf)
	echo "# rx_multi_buf $before -> $after"
	! ip link set "$LOCAL_IF" mtu 9001 2>/dev/null || return 1
	pair_setup 1500
	[ "$after" -gt "$before" ]
}
case_add jumbo

t_reload() {
	local i
	pair_teardown
	for i in $(seq 1 10); do
		rmmod sgnic && insmod kernel-driver/sgnic.ko || return 1
	done
	[ "$(ls /sys/bus/pci/drivers/sgnic | grep -c '^0000:')" -eq 2 ] || return 1
	sleep 0.5
	pair_setup && ping -q -c 2 -W 2 "$REMOTE_V4" >/dev/null
}
case_add reload

t_dmesg_clean() {
	local bad
	bad=$(dmesg | grep -E 'WARNING|BUG|Oops|sgnic.*(error|fail|halted)' |
	      grep -v 'module verification failed')
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
case_add dmesg_clean

# ---- runner -------------------------------------------------------------

sel=("$@")
[ ${#sel[@]} -gt 0 ] || sel=("${CASES[@]}")
echo "KTAP version 1"
echo "1..${#sel[@]}"
for c in "${sel[@]}"; do
	n=$((n + 1))
	start=$SECONDS
	out=$("t_$c" 2>&1)
	rc=$?
	[ -n "$out" ] && sed 's/^/# /; s/^# # /# /' <<<"$out"
	if [ $rc -eq 0 ]; then
		echo "ok $n $c # $((SECONDS - start))s"
		pass=$((pass + 1))
	else
		echo "not ok $n $c # exit $rc"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
