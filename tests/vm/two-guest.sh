#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest side of the two-guest test and `make demo2`: this guest's eth0 is
# linked (scripts/vm.sh --link) to eth0 of a guest in another QEMU process,
# on this host or another one.  Role a is 10.99.2.1, role b 10.99.2.2.
#
#   tests/vm/two-guest.sh a|b [IPERF_SECONDS]
#
# The guests share nothing but the link, so they pace each other over it:
# a runs iperf3 to b, tells b on TCP port 5990, b runs iperf3 to a and
# tells a; each keeps its iperf3 server up until the other is done.  Lines
# "two-guest: ok NAME" / "two-guest: not ok NAME" are what the host
# counts; the exit status is the number of failures.
set -u
cd "$(dirname "$0")/../.."
. tests/vm/lib.sh

role=${1:-}
secs=${2:-5}
case $role in
a) me=10.99.2.1 other=10.99.2.2 ;;
b) me=10.99.2.2 other=10.99.2.1 ;;
*) echo "usage: tests/vm/two-guest.sh a|b [IPERF_SECONDS]" >&2; exit 2 ;;
esac
dev=$LOCAL_IF
fails=0

say() { printf '\n== [%s] %s\n' "$role" "$*"; }
result() {
	if [ "$1" = 0 ]; then
		echo "two-guest: ok $2"
	else
		echo "two-guest: not ok $2"
		fails=$((fails + 1))
	fi
}

# iperf3 to the other guest: Mbit/s received, or nothing.
iperf_to_other() {
	local i out
	for i in $(seq 1 100); do
		out=$(iperf3 -c "$other" -p 5201 -t "$secs" -J 2>/dev/null) &&
			jq -M -r '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out" &&
			return 0
		sleep 0.3
	done
	return 1
}

say "$dev: $(ethtool -i "$dev" | sed -n 's/^driver: //p'), $(cat "/sys/class/net/$dev/address"), $me/24"
$IP addr add "$me/24" dev "$dev"
$IP link set "$dev" up
iperf3 -s -D -p 5201 >/dev/null 2>&1

say "waiting for $other (the other guest may still be booting)"
up=0
link_wait_reachable "$other" || up=1
result "$up" "reach $other"
[ "$up" = 0 ] || exit "$fails"

say "ping $other"
out=$(ping -c 5 -i 0.2 "$other")
echo "$out"
grep -q ' 0% packet loss' <<<"$out"
result $? "ping $other, no loss"

if [ "$role" = b ]; then
	say "waiting for a's iperf3 run"
	link_wait_done 600
	result $? "a finished its run"
fi
say "iperf3 $me -> $other, $secs s"
mbps=$(iperf_to_other)
echo "${mbps:-no result} Mbit/s"
[ -n "$mbps" ] && [ "$mbps" -gt 0 ]
result $? "iperf3 $role -> other: ${mbps:-0} Mbit/s"
link_tell_done "$other"
result $? "told the other guest"
if [ "$role" = a ]; then
	say "waiting for b's iperf3 run"
	link_wait_done 600
	result $? "b finished its run"
fi

say "ethtool -S $dev (non-zero counters)"
ethtool -S "$dev" | awk '$2 != 0'
rx=$(cat "/sys/class/net/$dev/statistics/rx_packets")
[ "${rx:-0}" -gt 0 ]
result $? "rx_packets ${rx:-0} > 0"
exit "$fails"
