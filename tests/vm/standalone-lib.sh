# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Helpers for the busybox sh scripts of --standalone guests (scripts/vm.sh
# --file copies this beside them into /sgnic-run/bin): migrate-guest.sh and
# pm-guest.sh.  iproute2's ip and ethtool by path: busybox sh would run its
# own applets, and busybox's ip has no netns.
IP=/sgnic-run/bin/ip
ETHTOOL=/sgnic-run/bin/ethtool

# eth0 10.99.0.1 here, eth1 10.99.0.2 in netns "peer"; true once the peer
# answers (within about a minute).
pair_up() {
	local i=0
	$IP netns add peer && $IP link set eth1 netns peer || return 1
	$IP -n peer link set lo up
	$IP addr add 10.99.0.1/24 dev eth0
	$IP -n peer addr add 10.99.0.2/24 dev eth1
	$IP link set eth0 up
	$IP -n peer link set eth1 up
	until ping -q -c 1 -W 1 10.99.0.2 >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 60 ] || return 1
	done
}
