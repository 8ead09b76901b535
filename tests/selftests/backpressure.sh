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

# The device consumes descriptors inside the doorbell write, so the ring
# only fills when completions are reaped late: hold the pair's interrupt
# back (20 ms or 4000 completions) so that packets pile up between polls.
# TCP alone cannot fill it under TCG (TCP small queues keep about two skbs
# per socket in flight until they complete), so UDP floods it: UDP senders
# simply block when the queue stops.  Byte queue limits would stop the
# queue first (a BQL stop is not the driver's tx_stop): raise their floor.
bql_floor() {
	local q
	for q in /sys/class/net/$LOCAL_IF/queues/tx-*/byte_queue_limits/limit_min; do
		echo "$1" >"$q" || return 1
	done
}

t_small_tx_ring_many_streams() {
	local k txd0 txd1 sent got rc=0
	pair_setup || return 1
	ethtool -G "$LOCAL_IF" tx 128 || return 1
	wait_link || return 1
	bql_floor $((16 << 20)) || return 1
	ethtool -C "$LOCAL_IF" rx-usecs 20000 rx-frames 4000 tx-usecs 20000 tx-frames 4000 || return 1
	# Let what is in flight complete on both sides before counting.
	sleep 1
	# shellcheck disable=SC2086
	snap tx_stop tx_wake tx_busy tx_packets $DROPS
	peer_snap rx_packets hw_rx_nobuf_drops rx_frame_err rx_alloc_fail hw_rx_filtered hw_rx_packets
	txd0=$(cat /sys/class/net/$LOCAL_IF/statistics/tx_dropped)
	iperf_bg 4 5203 -u -b 0 -l 1000 -P 8
	iperf_wait || { cat /tmp/iperf-bg.out; rc=1; }
	grep -E 'SUM.*sender' /tmp/iperf-bg.out | tail -1
	sleep 1
	sent=$(delta tx_packets) got=$(peer_delta rx_packets)
	integrity $((8 << 20)) 5360 || { echo "integrity failed on a full 128-slot ring"; rc=1; }
	txd1=$(cat /sys/class/net/$LOCAL_IF/statistics/tx_dropped)
	echo "tx_stop +$(delta tx_stop), tx_wake +$(delta tx_wake), tx_busy +$(delta tx_busy), tx_dropped +$((txd1 - txd0))"
	echo "UDP flood: local tx_packets +$sent, peer rx_packets +$got (device +$(peer_delta hw_rx_packets), filtered +$(peer_delta hw_rx_filtered)), peer nobuf drops +$(peer_delta hw_rx_nobuf_drops)"
	bql_floor 0
	ethtool -C "$LOCAL_IF" rx-usecs 20 rx-frames 16 tx-usecs 20 tx-frames 16
	ethtool -G "$LOCAL_IF" tx 512 && wait_link
	[ $rc = 0 ] || return 1
	[ "$(delta tx_stop)" -gt 0 ] && [ "$(delta tx_wake)" -gt 0 ] || return 1
	for k in $DROPS; do
		[ "$(delta $k)" -eq 0 ] || { echo "$k +$(delta $k)"; return 1; }
	done
	for k in hw_rx_nobuf_drops rx_frame_err rx_alloc_fail; do
		[ "$(peer_delta $k)" -eq 0 ] || { echo "peer $k +$(peer_delta $k)"; return 1; }
	done
	# Every packet the driver completed reached the other port, give or
	# take the odd background frame (neighbour discovery) around the edges.
	[ $((sent - got)) -le 4 ] || { echo "$((sent - got)) packets missing"; return 1; }
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
