#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Receive filters and VLAN offload on sgnic: secondary unicast addresses
# (macvlan, bridge fdb) and multicast groups reach the device's address
# table and multicast hash instead of turning promiscuous mode on;
# frames to addresses nobody asked for are filtered by the device
# (hw_rx_filtered) and come back with promisc or allmulticast; VLAN
# sub-interfaces carry checked transfers with tag offloads on and off, and
# the device's VLAN filter drops a VID no sub-interface asked for
# (hw_rx_vlan_drops).  Test frames are xdp_frames' (EtherType 0x88b5) sent
# from the remote port to any destination address.
set -u
. "$(dirname "$0")/lib.sh"

FRAMES=$SGNIC_REPO/build/selftests/xdp_frames
REGS=$SGNIC_REPO/build/bin/sgnic-regs
N=20

mac_of() { cat "/sys/class/net/$1/address"; }

# send_to MAC [COUNT]: test frames from the remote port to MAC
send_to() { peer "$FRAMES" send "$REMOTE_IF" "$1" "${2:-$N}" 60 >/dev/null; }

# accepted MAC: the N frames to MAC pass the device's filter.  The peer
# runs without IPv6 here (filters_setup), whose MLD and ND multicast would
# be filtered too; one stray frame is still allowed for.
accepted() {
	snap hw_rx_filtered
	send_to "$1" || return 1
	sleep 0.3
	[ "$(delta hw_rx_filtered)" -lt 2 ] && return 0
	echo "frames to $1: hw_rx_filtered +$(delta hw_rx_filtered), expected +0"
	return 1
}

# filtered MAC: the N frames to MAC are dropped by the device's filter
filtered() {
	snap hw_rx_filtered
	send_to "$1" || return 1
	wait_for "[ \$(delta hw_rx_filtered) -ge $N ]" 30 && return 0
	echo "frames to $1: hw_rx_filtered +$(delta hw_rx_filtered), expected +$N"
	return 1
}

# CTRL's bit names, as sgnic-regs decodes them from the register dump
ctrl_bits() { ethtool -d "$LOCAL_IF" raw on | "$REGS" | sed -n 's/^ *0x0024 *CTRL *0x[0-9a-f]* *//p'; }

filters_setup() {
	[ -x "$FRAMES" ] || { echo "xdp_frames not built"; return 1; }
	ethtool -d "$LOCAL_IF" raw on | "$REGS" | grep -Eq '^ *0x0008 +FEATURES .* RX_FILTER( |$)' ||
		{ skip "the device has no receive filter"; return; }
	pair_setup || return 1
	# no IPv6 on the peer (its VLAN devices included): no multicast chatter
	peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	$IP link set "$LOCAL_IF" promisc off allmulticast off
	sleep 0.5
}

t_unicast() {
	local rc=0 mac=02:5a:00:00:00:01
	filters_setup || return
	accepted "$(mac_of "$LOCAL_IF")" || rc=1
	accepted ff:ff:ff:ff:ff:ff || rc=1
	filtered $mac || rc=1
	# a second MAC (bridge fdb ... self: the device's unicast list)
	bridge fdb add $mac dev "$LOCAL_IF" self permanent || return 1
	accepted $mac || rc=1
	bridge fdb del $mac dev "$LOCAL_IF" self permanent
	filtered $mac || rc=1
	echo "CTRL: $(ctrl_bits)"
	ctrl_bits | grep -q PROMISC && { echo "promiscuous without being asked"; rc=1; }
	return $rc
}
ksft_case unicast

# A macvlan on top: its own MAC through the table, not promiscuous mode.
t_macvlan() {
	local rc=0 mac=02:5a:00:00:00:02
	filters_setup || return
	$IP link add link "$LOCAL_IF" name mv0 address $mac type macvlan mode bridge || return 1
	$IP addr add 10.99.5.1/24 dev mv0
	$IP link set mv0 up
	peer $IP addr add 10.99.5.2/24 dev "$REMOTE_IF"
	peer ping -q -c 3 -W 2 10.99.5.1 >/dev/null || { echo "no ping through the macvlan"; rc=1; }
	$IP -d link show "$LOCAL_IF" | grep -q "promiscuity 0" || { echo "the port went promiscuous"; rc=1; }
	ctrl_bits | grep -q PROMISC && { echo "CTRL.PROMISC set"; rc=1; }
	accepted $mac || rc=1
	$IP link del mv0
	peer $IP addr del 10.99.5.2/24 dev "$REMOTE_IF"
	filtered $mac || rc=1
	return $rc
}
ksft_case macvlan

# More secondary addresses than the table has: promiscuous mode, then back.
t_unicast_overflow() {
	local rc=0 i
	filters_setup || return
	for i in $(seq 10 30); do bridge fdb add 02:5a:00:00:01:$i dev "$LOCAL_IF" self permanent; done
	ctrl_bits | grep -q PROMISC || { echo "21 addresses and no promiscuous mode"; rc=1; }
	accepted 02:5a:00:00:01:30 || rc=1
	for i in $(seq 10 30); do bridge fdb del 02:5a:00:00:01:$i dev "$LOCAL_IF" self permanent; done
	ctrl_bits | grep -q PROMISC && { echo "still promiscuous"; rc=1; }
	filtered 02:5a:00:00:01:30 || rc=1
	return $rc
}
ksft_case unicast_overflow

# Multicast: joined groups pass (table, then hash when more than 16 are
# joined), others are filtered until allmulticast.
t_multicast() {
	local rc=0 i grp=01:00:5e:01:02:03 other=01:00:5e:7f:00:99
	filters_setup || return
	filtered $grp || rc=1
	$IP maddr add $grp dev "$LOCAL_IF" || return 1
	accepted $grp || rc=1
	$IP maddr del $grp dev "$LOCAL_IF"
	filtered $grp || rc=1
	# 24 groups: the last ones go to the hash table
	for i in $(seq 10 33); do $IP maddr add 01:00:5e:02:00:$i dev "$LOCAL_IF"; done
	accepted 01:00:5e:02:00:10 || rc=1
	accepted 01:00:5e:02:00:33 || rc=1
	filtered $other || rc=1
	for i in $(seq 10 33); do $IP maddr del 01:00:5e:02:00:$i dev "$LOCAL_IF"; done
	filtered 01:00:5e:02:00:33 || rc=1
	$IP link set "$LOCAL_IF" allmulticast on
	accepted $other || rc=1
	ctrl_bits | grep -q ALLMULTI || { echo "CTRL.ALLMULTI clear"; rc=1; }
	$IP link set "$LOCAL_IF" allmulticast off
	filtered $other || rc=1
	return $rc
}
ksft_case multicast

t_promisc() {
	local rc=0 mac=02:5a:00:00:00:03
	filters_setup || return
	filtered $mac || rc=1
	$IP link set "$LOCAL_IF" promisc on
	accepted $mac || rc=1
	$IP link set "$LOCAL_IF" promisc off
	filtered $mac || rc=1
	return $rc
}
ksft_case promisc

vlan_up() {
	local vid=$1
	$IP link add link "$LOCAL_IF" name "$LOCAL_IF.$vid" type vlan id "$vid" &&
		$IP addr add "10.99.$vid.1/24" dev "$LOCAL_IF.$vid" &&
		$IP link set "$LOCAL_IF.$vid" up
}

peer_vlan_up() {
	local vid=$1
	peer $IP link add link "$REMOTE_IF" name "$REMOTE_IF.$vid" type vlan id "$vid" &&
		peer $IP addr add "10.99.$vid.2/24" dev "$REMOTE_IF.$vid" &&
		peer $IP link set "$REMOTE_IF.$vid" up
}

vlan_down() {
	$IP link del "$LOCAL_IF.$1" 2>/dev/null
	peer $IP link del "$REMOTE_IF.$1" 2>/dev/null
}

# VLAN 10 both ends: a checked TCP transfer and ping with the tag
# offloads on, off, and on only one way.
t_vlan_offload() {
	local rc=0 rx tx
	filters_setup || return
	ethtool -k "$LOCAL_IF" | grep -q 'rx-vlan-offload: on' || { skip "no VLAN offload"; return; }
	vlan_up 10 && peer_vlan_up 10 || { vlan_down 10; return 1; }
	for rx in on off; do
		for tx in on off; do
			ethtool -K "$LOCAL_IF" rxvlan $rx txvlan $tx || rc=1
			ping -q -c 2 -W 2 10.99.10.2 >/dev/null || { echo "rxvlan $rx txvlan $tx: no ping"; rc=1; }
			REMOTE_V4=10.99.10.2 integrity $((4 << 20)) 5410 ||
				{ echo "rxvlan $rx txvlan $tx: transfer failed"; rc=1; }
		done
	done
	ethtool -K "$LOCAL_IF" rxvlan on txvlan on
	echo "CTRL: $(ctrl_bits)"
	ctrl_bits | grep -q VLAN_STRIP || { echo "rxvlan on but CTRL.VLAN_STRIP clear"; rc=1; }
	vlan_down 10
	return $rc
}
ksft_case vlan_offload

# The peer talks on VLAN 20, which has no sub-interface here: the
# device's VLAN filter drops it; with rx-vlan-filter off it comes in.
t_vlan_filter() {
	local rc=0
	filters_setup || return
	ethtool -k "$LOCAL_IF" | grep -q 'rx-vlan-filter: on' || { skip "no VLAN filter"; return; }
	vlan_up 10 && peer_vlan_up 20 || { vlan_down 10; vlan_down 20; return 1; }
	# no ARP on VLAN 20 can be answered: give the peer the neighbour, so
	# that each ping is one tagged frame
	peer $IP neigh replace 10.99.20.1 lladdr "$(mac_of "$LOCAL_IF")" dev "$REMOTE_IF.20"
	snap hw_rx_vlan_drops
	peer ping -q -c 5 -i 0.2 -W 1 10.99.20.1 >/dev/null
	echo "VLAN 20 with the filter on: hw_rx_vlan_drops +$(delta hw_rx_vlan_drops)"
	[ "$(delta hw_rx_vlan_drops)" -ge 5 ] || rc=1
	ethtool -K "$LOCAL_IF" rx-vlan-filter off || rc=1
	ctrl_bits | grep -q VLAN_FILTER && { echo "CTRL.VLAN_FILTER still set"; rc=1; }
	snap hw_rx_vlan_drops
	peer ping -q -c 5 -i 0.2 -W 1 10.99.20.1 >/dev/null
	echo "with the filter off: hw_rx_vlan_drops +$(delta hw_rx_vlan_drops)"
	[ "$(delta hw_rx_vlan_drops)" = 0 ] || rc=1
	ethtool -K "$LOCAL_IF" rx-vlan-filter on
	# a listed VID passes the filter
	vlan_up 20
	snap hw_rx_vlan_drops
	ping -q -c 3 -W 2 10.99.20.2 >/dev/null || { echo "VLAN 20 listed: no ping"; rc=1; }
	[ "$(delta hw_rx_vlan_drops)" = 0 ] || { echo "a listed VID was dropped"; rc=1; }
	vlan_down 10
	vlan_down 20
	return $rc
}
ksft_case vlan_filter

ksft_run "$@"
rc=$?
$IP link set "$LOCAL_IF" promisc off allmulticast off 2>/dev/null
peer sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 2>/dev/null
pair_setup >/dev/null 2>&1
exit $rc
