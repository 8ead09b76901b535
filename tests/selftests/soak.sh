#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Soak (`make soak`, not part of make test): SOAK_SECONDS (600) of mixed
# traffic between the two sgnic ports while a control loop changes, every
# few seconds, the mapping and completion modes, ring sizes, queue counts,
# interrupt moderation, copybreak and MTU of either end.  Then, with
# everything quiet:
#   - every TCP integrity transfer of the run arrived whole;
#   - counters agree: a quiet burst moves one end's tx_packets exactly as
#     much as the other's rx_packets, ethtool and rtnl totals agree, and
#     over the whole run the receiver never counts more than was sent;
#   - nothing leaked: MemAvailable and unreclaimable slab are back near
#     where they started, and no destroyed page pool lingers with pages
#     in flight (netdev netlink, page-pool-get);
#   - the kernel log holds no warning, no channel halted, no TX timeout.
#
# Usage (in the guest): tests/selftests/soak.sh
set -u
. "$(dirname "$0")/lib.sh"

SECS=${SOAK_SECONDS:-600}
PERIOD=${SOAK_PERIOD:-4}
KSRC=$SGNIC_REPO/build/selftests/ksrc
YNL=$KSRC/tools/net/ynl/cli.py
SPEC=$KSRC/Documentation/netlink/specs/netdev.yaml
RUN=/tmp/soak
mkdir -p $RUN
rm -f $RUN/*

mem() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
settle_mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# Page pools as JSON lines: id ifindex inflight detach-time.
# Page pools of both ends (a dump covers one namespace), one JSON per line.
page_pools() {
	[ -f "$YNL" ] || return 1
	{
		python3 "$YNL" --spec "$SPEC" --no-schema --dump page-pool-get --output-json
		peer python3 "$YNL" --spec "$SPEC" --no-schema --dump page-pool-get --output-json
	} 2>/dev/null | jq -c '.[] | {id, ifindex, inflight, "detach-time"}'
}

rstat() { cat "/sys/class/net/$LOCAL_IF/statistics/$1"; }
peer_rstat() { peer cat "/sys/class/net/$REMOTE_IF/statistics/$1"; }

# ---- background traffic ---------------------------------------------------
stop=$RUN/stop
loop() {	# loop NAME CMD...: run CMD again and again until $stop exists
	local name=$1 n=0 ok=0
	shift
	while [ ! -e $stop ]; do
		n=$((n + 1))
		if "$@" >>$RUN/$name.log 2>&1; then ok=$((ok + 1)); fi
		echo "$n $ok" >$RUN/$name.count
		sleep 0.2
	done
}

iperf_out() {
	peer iperf3 -s -1 -p 5501 >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	timeout 40 iperf3 -c "$REMOTE_V4" -p 5501 -t 20 -P 2 >/dev/null 2>&1
	local rc=$?
	kill $s 2>/dev/null
	wait $s 2>/dev/null
	return $rc
}
iperf_in() {
	iperf3 -s -1 -p 5502 >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	peer timeout 40 iperf3 -c "$LOCAL_V4" -p 5502 -t 20 -P 2 >/dev/null 2>&1
	local rc=$?
	kill $s 2>/dev/null
	wait $s 2>/dev/null
	return $rc
}
pings() {
	local s
	for s in 0 56 255 256 257 1000 1472 4000 8000; do
		ping -q -c 3 -i 0.05 -W 1 -s $s "$REMOTE_V4" >/dev/null 2>&1
	done
	return 0
}
integrity_once() {
	integrity $((8 << 20)) 5503 || { echo "integrity run failed at $(date +%T)"; return 1; }
}

# ---- the control loop's changes --------------------------------------------
pick() { local a=("$@"); echo "${a[RANDOM % ${#a[@]}]}"; }
change() {
	local side=$((RANDOM % 2)) dev=$LOCAL_IF run=() what
	[ $side = 0 ] || { dev=$REMOTE_IF run=(peer); }
	case $((RANDOM % 7)) in
	0) what="-G $dev tx $(pick 128 256 512 1024 4096) rx $(pick 64 128 512 2048 4096)" ;;
	1) what="-L $dev combined $(pick 1 2)" ;;
	2) what="--set-priv-flags $dev single-transfer $(pick on off) completion-writeback $(pick on off)" ;;
	3) what="-C $dev rx-usecs $(pick 0 20 100) rx-frames $(pick 1 16 64) adaptive-rx $(pick on off)" ;;
	4) what="--set-tunable $dev tx-copybreak $(pick 0 128 256 512) rx-copybreak $(pick 0 256 1024)" ;;
	5)
		local mtu
		mtu=$(pick 1500 1500 4000 9000)
		$IP link set "$LOCAL_IF" mtu "$mtu" && peer $IP link set "$REMOTE_IF" mtu "$mtu"
		echo "mtu $mtu"
		return
		;;
	6) what="-G $dev tx 128 rx 64" ;;
	esac
	# shellcheck disable=SC2086
	"${run[@]}" ethtool $what 2>&1 && echo "ethtool $what" || echo "refused: ethtool $what"
}

# ---- run --------------------------------------------------------------------
echo "TAP version 13"
echo "1..6"
pair_setup || { echo "not ok 1 setup"; exit 1; }
set_mode sg writeback
# The integrity runs' 16 MiB random block lives in tmpfs: make it before
# the baseline, or it reads as a leak.
[ -f /tmp/rand16m ] || head -c $((16 << 20)) /dev/urandom >/tmp/rand16m
settle_mem
mem0=$(mem MemAvailable) slab0=$(mem SUnreclaim)
pools0=$(page_pools | wc -l)
declare -A T0=()
for k in tx_packets rx_packets tx_drop_too_fragmented tx_drop_too_many_transfers \
	tx_drop_no_resources tx_map_err tx_dev_refused hw_rx_nobuf_drops hw_rx_oversize_drops \
	rx_frame_err rx_alloc_fail chan_resets tx_timeouts; do
	T0[l_$k]=$(stat_of $k)
	T0[p_$k]=$(peer_stat_of $k)
done
echo "# start: MemAvailable $mem0 kB, SUnreclaim $slab0 kB, $pools0 page pools; $SECS s, a change every $PERIOD s"

loop iperf_out iperf_out &
loop iperf_in iperf_in &
loop pings pings &
loop integrity integrity_once &
changes=0 refused=0 end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ]; do
	sleep "$PERIOD"
	out=$(change)
	changes=$((changes + 1))
	case "$out" in refused:*) refused=$((refused + 1)) ;; esac
	[ $((changes % 15)) != 0 ] || echo "# $((SECS - end + SECONDS)) s: $changes changes; last: $out"
done
touch $stop
wait
# Back to a known state.
ethtool -G "$LOCAL_IF" tx 512 rx 512 2>/dev/null
peer ethtool -G "$REMOTE_IF" tx 512 rx 512 2>/dev/null
pair_setup 1500 >/dev/null
ethtool -L "$LOCAL_IF" combined 2; peer ethtool -L "$REMOTE_IF" combined 2
set_mode sg writeback
wait_link
echo "# $changes changes ($refused refused by the driver)"

n=0
npass=0 nfail=0 nskip=0 fail=0
result() {	# result STATUS NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2${3:+ # $3}"
		npass=$((npass + 1))
	else
		echo "not ok $n $2${3:+ # $3}"
		nfail=$((nfail + 1)) fail=1
	fi
}

# 1: traffic ran and every integrity transfer arrived whole.
read -r in_n in_ok <$RUN/integrity.count
read -r io_n io_ok <$RUN/iperf_out.count
read -r ii_n ii_ok <$RUN/iperf_in.count
echo "# integrity transfers: $in_ok of $in_n whole; iperf3 out $io_ok of $io_n, in $ii_ok of $ii_n completed"
grep -h 'integrity run failed' $RUN/integrity.log | head -5 | sed 's/^/# /'
[ "$in_n" -gt 0 ] && [ "$in_ok" -eq "$in_n" ]
result $? integrity "$in_ok/$in_n"

# 2: counters over the run: nothing received that was not sent, and the
# difference is bounded by what reconfigurations can lose in flight.
d() { echo $(($(stat_of "$1") - ${T0[l_$1]})); }
pd() { echo $(($(peer_stat_of "$1") - ${T0[p_$1]})); }
ltx=$(d tx_packets) prx=$(pd rx_packets) ptx=$(pd tx_packets) lrx=$(d rx_packets)
drops_l=$(($(d tx_drop_too_fragmented) + $(d tx_drop_too_many_transfers) + $(d tx_drop_no_resources) + $(d tx_map_err) + $(d tx_dev_refused)))
drops_p=$(($(pd hw_rx_nobuf_drops) + $(pd hw_rx_oversize_drops) + $(pd rx_frame_err) + $(pd rx_alloc_fail)))
echo "# local -> peer: tx_packets $ltx, peer rx_packets $prx, counted drops tx $drops_l rx $drops_p"
echo "# peer -> local: tx_packets $ptx, local rx_packets $lrx"
slack=$((changes * 4096))
[ "$prx" -le "$ltx" ] && [ "$lrx" -le "$ptx" ] &&
	[ $((ltx - prx)) -le $((drops_p + slack)) ] && [ $((ptx - lrx)) -le $((slack + $(d hw_rx_nobuf_drops))) ]
result $? counters_run "lost in flight: $((ltx - prx)) and $((ptx - lrx)) packets over $changes reconfigurations"

# 3: quiet, exact: a burst moves tx and rx by the same amount both ways.
sleep 2
a=$(stat_of tx_packets) b=$(peer_stat_of rx_packets) c=$(peer_stat_of tx_packets) e=$(stat_of rx_packets)
ping -q -c 500 -i 0.002 -s 1000 "$REMOTE_V4" >/dev/null
sleep 1
da=$(($(stat_of tx_packets) - a)) db=$(($(peer_stat_of rx_packets) - b))
dc=$(($(peer_stat_of tx_packets) - c)) de=$(($(stat_of rx_packets) - e))
echo "# quiet burst: local tx +$da, peer rx +$db; peer tx +$dc, local rx +$de"
[ "$da" = "$db" ] && [ "$dc" = "$de" ] && [ "$da" -ge 500 ] &&
	[ "$(stat_of tx_packets)" = "$(rstat tx_packets)" ] && [ "$(stat_of rx_packets)" = "$(rstat rx_packets)" ]
result $? counters_exact "ethtool and rtnl totals agree too"

# 4: memory.
sleep 2
settle_mem
mem1=$(mem MemAvailable) slab1=$(mem SUnreclaim)
echo "# end: MemAvailable $mem1 kB ($((mem1 - mem0)) kB), SUnreclaim $slab1 kB ($((slab1 - slab0)) kB)"
[ $((mem0 - mem1)) -lt 8192 ] && [ $((slab1 - slab0)) -lt 4096 ]
result $? memory "MemAvailable $((mem1 - mem0)) kB, SUnreclaim $((slab1 - slab0)) kB"

# 5: page pools: no destroyed pool still holding pages.
if [ -f "$YNL" ]; then
	for _ in $(seq 1 10); do
		zombies=$(page_pools | jq -c 'select(."detach-time" != null)' | wc -l)
		[ "$zombies" = 0 ] && break
		sleep 1
	done
	page_pools | sed 's/^/# pool /' | head -12
	echo "# $(page_pools | wc -l) page pools now ($pools0 at the start), $zombies destroyed but in flight"
	[ "$zombies" = 0 ]
	result $? page_pools
else
	n=$((n + 1)) nskip=$((nskip + 1))
	echo "ok $n page_pools # SKIP no YNL in $KSRC (make selftest unpacks it)"
fi

# 6: the kernel log and the recovery counters.
bad=$(dmesg_bad)
halts=$(dmesg | grep -c 'halted.*resetting')
echo "# chan_resets +$(d chan_resets)/+$(pd chan_resets), tx_timeouts +$(d tx_timeouts)/+$(pd tx_timeouts), halt messages $halts"
[ -n "$bad" ] && echo "$bad" | head -20 | sed 's/^/# /'
[ -z "$bad" ] && [ "$halts" = 0 ] && [ "$(d tx_timeouts)" = 0 ] && [ "$(pd tx_timeouts)" = 0 ]
result $? dmesg_clean

echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
echo "$npass passed, $nfail failed, $nskip skipped"
exit $fail
