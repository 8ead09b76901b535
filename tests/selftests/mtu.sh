#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# MTU sweep from the minimum to jumbo: at each MTU both ends agree, a ping
# with the largest payload that fits passes with DF set, one byte more is
# refused locally, and frames above one RX buffer span several.
set -u
. "$(dirname "$0")/lib.sh"

mtu_case() {
	local mtu=$1 payload=$(($1 - 28))
	pair_setup "$mtu" || return 1
	[ "$(cat /sys/class/net/$LOCAL_IF/mtu)" = "$mtu" ] || return 1
	peer_snap rx_multi_buf rx_packets
	ping -q -c 3 -i 0.1 -W 2 -M do -s "$payload" "$REMOTE_V4" >/dev/null ||
		{ echo "ping -M do -s $payload failed at MTU $mtu"; return 1; }
	# One byte over: the stack refuses it (EMSGSIZE) instead of fragmenting.
	! ping -q -c 1 -W 1 -M do -s $((payload + 1)) "$REMOTE_V4" >/dev/null 2>&1 ||
		{ echo "payload $((payload + 1)) passed with DF at MTU $mtu"; return 1; }
	# And the peer answers at the same size.
	peer ping -q -c 2 -i 0.1 -W 2 -M do -s "$payload" "$LOCAL_V4" >/dev/null || return 1
	echo "MTU $mtu: ${payload}-byte payload both ways; peer rx_multi_buf +$(peer_delta rx_multi_buf)"
	# Frames larger than one RX buffer (page less headroom) are multi-buffer.
	if [ $((mtu + 14)) -gt 3712 ]; then
		[ "$(peer_delta rx_multi_buf)" -ge 3 ] || return 1
	fi
	if [ "$mtu" -ge 576 ]; then
		integrity $((2 << 20)) 5320 || { echo "integrity failed at MTU $mtu"; return 1; }
	fi
}

t_mtu_68() { mtu_case 68; }
t_mtu_576() { mtu_case 576; }
t_mtu_1500() { mtu_case 1500; }
t_mtu_4000() { mtu_case 4000; }
t_mtu_9000() { mtu_case 9000; }
ksft_case mtu_68
ksft_case mtu_576
ksft_case mtu_1500
ksft_case mtu_4000
ksft_case mtu_9000

t_mtu_limits() {
	! $IP link set "$LOCAL_IF" mtu 67 2>/dev/null || return 1
	! $IP link set "$LOCAL_IF" mtu 9001 2>/dev/null || return 1
	[ "$(cat /sys/class/net/$LOCAL_IF/min_mtu 2>/dev/null || echo 68)" = 68 ] || true
	$IP -d link show "$LOCAL_IF" | grep -q 'minmtu 68 maxmtu 9000' || return 1
	pair_setup 1500
}
ksft_case mtu_limits

ksft_run "$@"
