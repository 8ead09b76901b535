#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Ring-full back-pressure: with the smallest TX ring and many parallel
# streams the queue must stop and wake (tx_stop, tx_wake) and nothing may
# be dropped; with a tiny RX ring the device must hold frames back rather
# than drop them (hw_rx_nobuf_drops).
set -u
. "$(dirname "$0")/lib.sh"

DROPS="tx_drop_too_fragmented tx_drop_too_many_transfers tx_drop_no_resources tx_map_err tx_dev_refused"

t_small_tx_ring_many_streams() {
	local k txd0 txd1
	pair_setup || return 1
	ethtool -G "$LOCAL_IF" tx 128 || return 1
	wait_link || return 1
	# shellcheck disable=SC2086
	snap tx_stop tx_wake tx_busy $DROPS
	txd0=$(cat /sys/class/net/$LOCAL_IF/statistics/tx_dropped)
	iperf_bg 4 5203 -P 8
	iperf_wait || { cat /tmp/iperf-bg.out; return 1; }
	grep -E 'SUM.*sender' /tmp/iperf-bg.out | tail -1
	integrity $((8 << 20)) 5360 || { echo "integrity failed on a 128-slot ring"; return 1; }
	txd1=$(cat /sys/class/net/$LOCAL_IF/statistics/tx_dropped)
	echo "tx_stop +$(delta tx_stop), tx_wake +$(delta tx_wake), tx_busy +$(delta tx_busy), tx_dropped +$((txd1 - txd0))"
	ethtool -G "$LOCAL_IF" tx 512 && wait_link
	[ "$(delta tx_stop)" -gt 0 ] && [ "$(delta tx_wake)" -gt 0 ] || return 1
	for k in $DROPS; do
		[ "$(delta $k)" -eq 0 ] || { echo "$k +$(delta $k)"; return 1; }
	done
	[ "$txd1" -eq "$txd0" ]
}
ksft_case small_tx_ring_many_streams

t_small_rx_ring() {
	local nobuf
	pair_setup || return 1
	peer ethtool -G "$REMOTE_IF" rx 16 || return 1
	wait_link || return 1
	peer_snap hw_rx_nobuf_drops rx_packets
	integrity $((8 << 20)) 5361 || { echo "integrity failed with a 16-slot RX ring"; return 1; }
	iperf_bg 3 5204 -P 4
	iperf_wait
	nobuf=$(peer_delta hw_rx_nobuf_drops)
	echo "peer rx_packets +$(peer_delta rx_packets), hw_rx_nobuf_drops +$nobuf"
	peer ethtool -G "$REMOTE_IF" rx 512 && wait_link
	[ "$nobuf" -eq 0 ]
}
ksft_case small_rx_ring

ksft_run "$@"
