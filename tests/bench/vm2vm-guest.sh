#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest side of scripts/bench-vm2vm.sh: this guest's eth0 is linked to eth0
# of a guest in another QEMU process (scripts/vm.sh --link).  Role b serves
# (iperf3 -s) until a says it is done; role a measures, one test after the
# other, and prints one "@@RES TEST key=value..." line per test:
#
#   tcp_ab   iperf3 TCP a -> b for SECS                      bps= retrans=
#   tcp_ba   the same b -> a (iperf3 -R)                     bps= retrans=
#   udp64    iperf3 UDP, 64-byte payloads, unpaced, a -> b   pps= lost=
#   rr64     ping -f, 5000 requests of 64-byte frames        rr_done= secs=
#
#   tests/bench/vm2vm-guest.sh a|b SECS [sgnic MAP COMPL]
#
# MAP is sg|single and COMPL writeback|interrupt: sgnic's private flags,
# set on this guest's port before the link is used.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck disable=SC1091 # the shared guest helpers
. tests/vm/lib.sh

role=${1:-}
secs=${2:-5}
case $role in
a) me=10.99.3.1 other=10.99.3.2 ;;
b) me=10.99.3.2 other=10.99.3.1 ;;
*) echo "usage: tests/bench/vm2vm-guest.sh a|b SECS [sgnic MAP COMPL]" >&2; exit 2 ;;
esac
dev=$LOCAL_IF
JQ="jq -M -r"

err() { echo "@@ERR $*"; }

if [ "${3:-}" = sgnic ]; then
	single=off wb=off
	[ "${4:-}" = single ] && single=on
	[ "${5:-}" = writeback ] && wb=on
	if ! ethtool --set-priv-flags "$dev" single-transfer "$single" completion-writeback "$wb"; then
		err "ethtool --set-priv-flags $dev failed"
		exit 1
	fi
fi
echo "@@INFO role=$role driver=$(ethtool -i "$dev" | sed -n 's/^driver: //p') kernel=$(uname -r) cpus=$(nproc)"
$IP addr add "$me/24" dev "$dev"
$IP link set "$dev" up

if [ "$role" = b ]; then
	iperf3 -s -D -p 5201 >/dev/null 2>&1
	# serve until a says it is done (or 15 minutes)
	link_wait_done 900
	exit 0
fi

if ! link_wait_reachable "$other"; then
	err "$other not reachable"
	exit 1
fi

# iperf3 against b's server, which may still be starting: a few tries.
run_iperf() { # TEST ARGS...
	local t=$1
	shift
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		iperf3 -c "$other" -p 5201 -t "$secs" -J "$@" >"/tmp/$t.json" 2>/dev/null && return 0
		sleep 1
	done
	err "$t: iperf3 failed: $($JQ '.error // empty' "/tmp/$t.json" 2>/dev/null)"
	return 1
}

tcp() { # TEST [-R]
	run_iperf "$@" || return 0
	echo "@@RES $1 $($JQ '"bps=\(.end.sum_received.bits_per_second) retrans=\(.end.sum_sent.retransmits // 0)"' "/tmp/$1.json")"
}

# shellcheck disable=SC2016 # jq's own variables
udp() { # TEST
	run_iperf "$1" -u -l 64 -b 0 || return 0
	echo "@@RES $1 $($JQ '.end.sum_received as $r |
		"pps=\(($r.packets - $r.lost_packets) / $r.seconds) lost=\($r.lost_packets)"' "/tmp/$1.json")"
}

rr() { # TEST
	local t0 t1 got
	t0=$(date +%s.%N)
	got=$(ping -f -q -c 5000 -s 22 -W 1 "$other" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	t1=$(date +%s.%N)
	echo "@@RES $1 rr_done=${got:-0} secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

tcp tcp_ab
tcp tcp_ba -R
udp udp64
rr rr64
link_tell_done "$other" 100
echo "@@DONE"
exit 0
