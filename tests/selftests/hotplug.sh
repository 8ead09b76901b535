#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PCIe hot-plug of a third sgnic port under traffic.  The boot has an
# empty pcie-root-port "hp0" (tests/selftests/run-boots.sh adds it); over
# the guest's QMP channel a hub port and an sgnic function behind hp0 are
# added, the new interface goes into netns "hp" as 10.99.0.3 and sends to
# the peer (10.99.0.2), then the function is unplugged (device_del: the
# orderly removal the guest acknowledges) while iperf3 runs through it.
#
#   plug_unplug        three rounds of plug, traffic, unplug under iperf3,
#                      with ring and channel changes on the new port between
#                      them; each unplug completes, the interface goes away
#                      and the next plug probes a working port again
#   invalid_mac        a port plugged with a multicast MAC (no valid address
#                      of its own): the driver picks a random one and writes
#                      it to the device, whose filter then takes unicast to
#                      it, so the port reaches the peer
#   others_unaffected  the two ports that stay pass a checked transfer after
#                      the rounds, and the kernel log holds no warning
set -u
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/hp-lib.sh"

t_plug_unplug() {
	local round srv cli
	have_slot || { skip "no pcie-root-port hp0 in this boot (tests/selftests/run-boots.sh adds one)"; return; }
	pair_setup || return 1
	for round in 1 2 3; do
		plug || return 1
		case $round in
		2) hpx ethtool -G "$HP_IF" tx 256 rx 256 || return 1 ;;
		3) hpx ethtool -L "$HP_IF" combined 1 || return 1 ;;
		esac
		peer iperf3 -s -1 -p 5260 >/dev/null 2>&1 &
		srv=$!
		wait_for "listening 5260" 200 || { kill $srv; echo "no iperf3 server"; return 1; }
		hpx iperf3 -c "$REMOTE_V4" -p 5260 -t 30 >/dev/null 2>&1 &
		cli=$!
		sleep 3
		echo "round $round: $HP_IF tx_packets $(hpx ethtool -S "$HP_IF" | awk '$1 == "tx_packets:" { print $2 }') before the unplug"
		unplug || { kill $cli $srv 2>/dev/null; return 1; }
		kill $cli $srv 2>/dev/null
		wait $cli $srv 2>/dev/null
		$IP netns pids "$PEER_NS" | xargs -r kill 2>/dev/null
	done
	$IP netns del "$HP_NS" 2>/dev/null
	return 0
}
ksft_case plug_unplug

t_invalid_mac() {
	local mac rc=0
	have_slot || { skip "no pcie-root-port hp0 in this boot (tests/selftests/run-boots.sh adds one)"; return; }
	pair_setup || return 1
	plug 01:02:03:04:05:06 || rc=1
	if [ "$rc" = 0 ]; then
		mac=$(hpx cat "/sys/class/net/$HP_IF/address")
		echo "$HP_IF: random MAC $mac (addr_assign_type $(hpx cat "/sys/class/net/$HP_IF/addr_assign_type"))"
		[ "$(hpx cat "/sys/class/net/$HP_IF/addr_assign_type")" = 1 ] || rc=1
		hpx ping -q -c 3 -i 0.2 -W 2 "$REMOTE_V4" >/dev/null || { echo "no unicast reaches $mac"; rc=1; }
	fi
	unplug || rc=1
	$IP netns del "$HP_NS" 2>/dev/null
	return $rc
}
ksft_case invalid_mac

t_others_unaffected() {
	pair_setup || return 1
	integrity $((4 << 20)) 5361 || return 1
	! dmesg_bad
}
ksft_case others_unaffected

ksft_run "$@"
