#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Single-transfer limits forced through the device's properties (qom-set
# over the guest's QMP channel).  The driver reads MAX_SG, MAX_XFER,
# MAX_SEG and SEG_BOUNDARY at probe, so most cases reload the module after
# changing them; the last changes a limit under a running driver, which
# only the device can then enforce.
#
#   rearrange and retry   max-sg 2: fragmented TSO skbs are linearized
#                         (tx_linearized) and sent
#   too fragmented        max-sg 2, max-seg 2048: a 9000-byte frame needs 5
#                         elements even linear: dropped (tx_drop_too_fragmented)
#   frame above MAX_XFER  max-xfer 1000: the driver caps the MTU at 982, so
#                         the stack never builds a frame the device must
#                         refuse; MTU 1500 is refused, pings fit, nothing is
#                         dropped (tx_drop_too_many_transfers stays 0)
#   TSO capped            max-xfer 16384: the stack builds no larger GSO skb
#   packet profile        max-sg 1: every packet single, whatever the flag
#   segment boundary      seg-boundary-shift 12: elements split at 4 KiB
#   device refusal        max-xfer lowered under a running driver: the
#                         device refuses, tx_dev_refused counts, no halt
set -u
. "$(dirname "$0")/lib.sh"

# Set properties of nic0 (pairs of NAME VALUE), reload, rebuild the pair.
with_limits() {
	local set=()
	qom_defaults || return 1
	while [ $# -ge 2 ]; do
		set+=("$LOCAL_NIC" "$1" "$2")
		shift 2
	done
	[ ${#set[@]} = 0 ] || qom_set "${set[@]}" || { echo "qom-set ${set[*]} failed"; return 1; }
	reload_module || return 1
	dmesg | grep 'sgnic.*max_sg' | tail -2 | sed 's/^\[[^]]*\] //'
}

no_drops() {
	local k
	for k in tx_drop_too_fragmented tx_drop_too_many_transfers tx_dev_refused tx_map_err chan_resets; do
		[ "$(stat_of $k)" -eq 0 ] || { echo "$k = $(stat_of $k)"; return 1; }
	done
}

t_rearrange_and_retry() {
	with_limits max-sg 2 && pair_setup || return 1
	mbps 2 >/dev/null
	integrity $((8 << 20)) 5340 || { echo "integrity failed with max-sg 2"; return 1; }
	echo "max-sg 2: tx_linearized $(stat_of tx_linearized), tx_packets $(stat_of tx_packets)"
	[ "$(stat_of tx_linearized)" -gt 0 ] && no_drops
}
ksft_case rearrange_and_retry

t_too_fragmented() {
	with_limits max-sg 2 max-seg 2048 && pair_setup 9000 || return 1
	! ping -q -c 3 -i 0.2 -W 1 -s 8000 "$REMOTE_V4" >/dev/null 2>&1 ||
		{ echo "8000-byte ping passed"; return 1; }
	echo "max-sg 2, max-seg 2048: tx_drop_too_fragmented $(stat_of tx_drop_too_fragmented)"
	[ "$(stat_of tx_drop_too_fragmented)" -ge 3 ] || return 1
	# Small enough for two elements: sent.
	ping -q -c 3 -i 0.2 -W 2 -s 1000 "$REMOTE_V4" >/dev/null || return 1
	[ "$(stat_of tx_drop_too_many_transfers)" -eq 0 ] && [ "$(stat_of tx_dev_refused)" -eq 0 ]
}
ksft_case too_fragmented

t_too_many_transfers() {
	local mtu
	with_limits max-xfer 1000 && pair_setup 982 || return 1
	mtu=$($IP -d -j link show "$LOCAL_IF" | jq '.[0].max_mtu')
	echo "max-xfer 1000: max_mtu $mtu"
	[ "$mtu" = 982 ] || return 1
	! $IP link set "$LOCAL_IF" mtu 1500 2>/dev/null || { echo "MTU 1500 accepted"; return 1; }
	! ping -q -c 1 -W 1 -M do -s 1200 "$REMOTE_V4" >/dev/null 2>&1 ||
		{ echo "a 1242-byte frame left with DF set"; return 1; }
	ping -q -c 3 -i 0.2 -W 2 -s 954 -M do "$REMOTE_V4" >/dev/null || return 1
	# Larger pings are fragmented to the MTU and still arrive.
	ping -q -c 3 -i 0.2 -W 2 -s 1200 "$REMOTE_V4" >/dev/null || return 1
	echo "tx_drop_too_many_transfers $(stat_of tx_drop_too_many_transfers)"
	no_drops
}
ksft_case too_many_transfers

t_tso_capped() {
	with_limits max-xfer 16384 && pair_setup || return 1
	$IP -d link show "$LOCAL_IF" | grep -o 'tso_max_size [0-9]*'
	$IP -d link show "$LOCAL_IF" | grep -q 'tso_max_size 16384' || return 1
	mbps 2 >/dev/null
	integrity $((8 << 20)) 5341 || return 1
	echo "tx_tso $(stat_of tx_tso)"
	[ "$(stat_of tx_tso)" -gt 0 ] && no_drops
}
ksft_case tso_capped

t_packet_profile() {
	with_limits max-sg 1 && pair_setup || return 1
	# The private flag is off, yet every packet must be one transfer.
	ethtool --show-priv-flags "$LOCAL_IF" | grep -q 'single-transfer *: off' || return 1
	mbps 2 >/dev/null
	integrity $((8 << 20)) 5342 || return 1
	echo "max-sg 1: tx_linearized $(stat_of tx_linearized)"
	[ "$(stat_of tx_linearized)" -gt 0 ] && no_drops
}
ksft_case packet_profile

t_segment_boundary() {
	with_limits seg-boundary-shift 12 max-seg 4096 && pair_setup || return 1
	mbps 2 >/dev/null
	integrity $((8 << 20)) 5343 || return 1
	echo "4 KiB boundary: tx_linearized $(stat_of tx_linearized), tx_packets $(stat_of tx_packets), tx_map_err $(stat_of tx_map_err)"
	# Under swiotlb=force a bounce buffer must not cross the boundary
	# either, so any mapping above 4 KiB fails (dma_mapping_error): the
	# driver maps a head or fragment whole, counts tx_map_err, drops the
	# packet, and TCP gets the data through with smaller ones.  Everywhere
	# else nothing may be dropped.
	if [ "${SELFTEST_DMA_MODE:-plain}" = swiotlb ]; then
		local k
		for k in tx_drop_too_fragmented tx_drop_too_many_transfers tx_dev_refused chan_resets; do
			[ "$(stat_of $k)" -eq 0 ] || { echo "$k = $(stat_of $k)"; return 1; }
		done
		return 0
	fi
	no_drops
}
ksft_case segment_boundary

t_device_refusal() {
	local refused
	with_limits && pair_setup || return 1
	qom_set $LOCAL_NIC max-xfer 16384 || return 1
	mbps 3 >/dev/null
	refused=$(stat_of tx_dev_refused)
	echo "max-xfer 16384 under a driver that read 65536: tx_dev_refused $refused, chan_resets $(stat_of chan_resets)"
	qom_set $LOCAL_NIC max-xfer 65536 || return 1
	[ "$refused" -gt 0 ] || return 1
	# A refusal is per packet: the channel never halted and goes on.
	[ "$(stat_of chan_resets)" -eq 0 ] || return 1
	integrity $((8 << 20)) 5344
}
ksft_case device_refusal

t_restore() {
	with_limits && pair_setup && no_drops
}
ksft_case restore

ksft_run "$@"
