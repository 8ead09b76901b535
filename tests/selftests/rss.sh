#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Receive-side scaling on sgnic: the Toeplitz key, the 128-entry table and
# the hashed fields as ethtool shows and sets them (-x/-X, -n/-N
# rx-flow-hash), and traffic that checks both the hash each packet carries
# and the queue it lands on against what the driver reports (rss_check:
# TPACKET_V3 with the skb hash, a PACKET_FANOUT_QM group for the queue, and
# its own Toeplitz).  Table changes under traffic lose nothing; the
# configuration survives down/up and ring rebuilds; ethtool refuses what
# the device cannot do.
set -u
. "$(dirname "$0")/lib.sh"

RSS=$SGNIC_REPO/build/selftests/rss_check
TOEPLITZ=$SGNIC_REPO/build/selftests/toeplitz
PORT=7777
LOCAL_V6=fd99::1 REMOTE_V6=fd99::2
OUT=/tmp/rss_check.out

indir() { ethtool -x "$LOCAL_IF" | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) print $i }'; }
hkey() { ethtool -x "$LOCAL_IF" | sed -n '/RSS hash key:/{n;p}'; }
queues_used() { sed -n 's/.*(\([0-9]*\) used).*/\1/p' $OUT; }
per_queue() { sed -n 's/.*per queue: \([0-9 ]*\) (.*/\1/p' $OUT | awk -v q="$1" '{ print $(q + 1) }'; }

# rss_traffic SECONDS MIN [nohash|noqueue] -- COMMAND...: rss_check
# receives on the local port for SECONDS while COMMAND (run once its
# sockets are up) sends; its verdict is the return code.
rss_traffic() {
	local secs=$1 min=$2 opt=$3 pid rc
	shift 4
	"$RSS" recv "$LOCAL_IF" $PORT "$secs" "$min" "$opt" >$OUT 2>&1 &
	pid=$!
	wait_for "grep -q listening $OUT" 100 || { kill $pid; cat $OUT; return 1; }
	"$@" || { kill $pid; wait $pid; cat $OUT; return 1; }
	wait $pid
	rc=$?
	grep -v listening $OUT
	return $rc
}

# send_flows ADDR FLOWS ROUNDS udp|tcp, from the remote port
send_flows() { peer "$RSS" send "$1" $PORT "$2" "$3" "$4" >/dev/null; }
send_mix() {
	send_flows "$1" 48 2 udp && send_flows "$1" 48 1 tcp
}

rss_setup() {
	local max
	[ -x "$RSS" ] || { echo "rss_check not built"; return 1; }
	ethtool -x "$LOCAL_IF" >/dev/null 2>&1 || { skip "no RSS on $LOCAL_IF"; return; }
	max=$(ethtool -l "$LOCAL_IF" | awk '/^Combined:/ { print $2; exit }')
	[ "${max:-1}" -ge 2 ] || { skip "one queue pair only"; return; }
	pair_setup || return 1
	ethtool -X "$LOCAL_IF" default 2>/dev/null
	ethtool -L "$LOCAL_IF" combined 2 2>/dev/null
	ethtool -N "$LOCAL_IF" rx-flow-hash udp4 sdfn 2>/dev/null
	ethtool -N "$LOCAL_IF" rx-flow-hash udp6 sdfn 2>/dev/null
	ethtool -K "$LOCAL_IF" rxhash on
	wait_link
}

t_defaults() {
	local rc=0 n key sysk
	rss_setup || return
	n=$(indir | wc -l)
	echo "table: $n entries, $(indir | sort -u | tr '\n' ' ')"
	[ "$n" = 128 ] || rc=1
	# entry i = i % 2 by default
	[ "$(indir | awk '$1 != (NR - 1) % 2' | wc -l)" = 0 ] || { echo "not round robin"; rc=1; }
	key=$(hkey)
	sysk=$(cut -c1-119 /proc/sys/net/core/netdev_rss_key)
	echo "key $key"
	[ "$key" = "$sysk" ] || { echo "key is not the kernel's netdev_rss_key"; rc=1; }
	ethtool -x "$LOCAL_IF" | grep -q 'toeplitz: on' || rc=1
	ethtool -k "$LOCAL_IF" | grep -q 'receive-hashing: on' || rc=1
	ethtool -n "$LOCAL_IF" rx-flow-hash tcp4 | grep -q 'L4 bytes 0 & 1' || rc=1
	ethtool -n "$LOCAL_IF" rx-flow-hash udp6 | grep -q 'L4 bytes 2 & 3' || rc=1
	return $rc
}
ksft_case defaults

# Default table, many flows: each packet's hash and queue as computed,
# and the flows spread over both queues.
t_flows_v4() {
	rss_setup || return
	rss_traffic 8 140 "" -- send_mix $LOCAL_V4 || return 1
	[ "$(queues_used)" = 2 ] || { echo "flows did not spread"; return 1; }
}
ksft_case flows_v4

t_flows_v6() {
	local rc=0
	rss_setup || return
	$IP addr add $LOCAL_V6/64 dev "$LOCAL_IF" nodad
	peer $IP addr add $REMOTE_V6/64 dev "$REMOTE_IF" nodad
	peer ping -6 -q -c 1 -W 2 $LOCAL_V6 >/dev/null
	rss_traffic 8 140 "" -- send_mix $LOCAL_V6 || rc=1
	[ "$(queues_used)" = 2 ] || { echo "flows did not spread"; rc=1; }
	$IP addr del $LOCAL_V6/64 dev "$LOCAL_IF"
	peer $IP addr del $REMOTE_V6/64 dev "$REMOTE_IF"
	return $rc
}
ksft_case flows_v6

# A table that sends everything to queue 1, then one from "start 1".
t_table() {
	local rc=0
	rss_setup || return
	ethtool -X "$LOCAL_IF" weight 0 1 || return 1
	[ "$(indir | sort -u)" = 1 ] || { echo "table is not all 1"; rc=1; }
	rss_traffic 6 90 "" -- send_flows $LOCAL_V4 48 2 udp || rc=1
	[ "$(per_queue 0)" = 0 ] || { echo "queue 0 got packets"; rc=1; }
	ethtool -X "$LOCAL_IF" equal 2 || rc=1
	[ "$(indir | sort -u | tr '\n' ' ')" = "0 1 " ] || rc=1
	ethtool -X "$LOCAL_IF" equal 1 start 1 || rc=1
	[ "$(indir | sort -u)" = 1 ] || { echo "start 1 did not give all 1"; rc=1; }
	ethtool -X "$LOCAL_IF" default
	return $rc
}
ksft_case table

t_key() {
	local rc=0 key
	rss_setup || return
	key=$(od -An -N40 -tx1 /dev/urandom | tr -s ' \n' ':' | sed 's/^://; s/:$//')
	ethtool -X "$LOCAL_IF" hkey "$key" || return 1
	[ "$(hkey)" = "$key" ] || { echo "key reads back as $(hkey)"; rc=1; }
	rss_traffic 8 140 "" -- send_mix $LOCAL_V4 || rc=1
	ethtool -X "$LOCAL_IF" hkey "$(cut -c1-119 /proc/sys/net/core/netdev_rss_key)"
	return $rc
}
ksft_case key

# Ports in or out of the UDP hash: addresses only puts every flow of one
# address pair on one queue.
t_flow_fields() {
	local rc=0
	rss_setup || return
	ethtool -N "$LOCAL_IF" rx-flow-hash udp4 sd || return 1
	ethtool -n "$LOCAL_IF" rx-flow-hash udp4 | grep -q 'L4 bytes' && { echo "udp4 still hashes ports"; rc=1; }
	rss_traffic 6 90 "" -- send_flows $LOCAL_V4 48 2 udp || rc=1
	[ "$(queues_used)" = 1 ] || { echo "address-only hash spread one address pair"; rc=1; }
	ethtool -N "$LOCAL_IF" rx-flow-hash udp4 sdfn || rc=1
	ethtool -n "$LOCAL_IF" rx-flow-hash udp4 | grep -q 'L4 bytes 2 & 3' || rc=1
	rss_traffic 6 90 "" -- send_flows $LOCAL_V4 48 2 udp || rc=1
	[ "$(queues_used)" = 2 ] || { echo "4-tuple hash did not spread"; rc=1; }
	return $rc
}
ksft_case flow_fields

# What the device cannot do is refused and changes nothing.  Debian 12's
# ethtool exits 0 when the kernel refuses -N rx-flow-hash, so a refusal is
# a non-zero exit or ethtool's "Cannot change" report; ethtool 6.1 knows
# no ip4/ip6 flow type for rx-flow-hash at all.
refused() {
	local out
	out=$("$@" 2>&1) || return 0
	grep -q "Cannot" <<<"$out"
}

t_refused() {
	local rc=0 before fields
	rss_setup || return
	before=$(ethtool -x "$LOCAL_IF")
	fields=$(ethtool -n "$LOCAL_IF" rx-flow-hash udp4)
	refused ethtool -X "$LOCAL_IF" hfunc xor || { echo "hfunc xor accepted"; rc=1; }
	refused ethtool -X "$LOCAL_IF" equal 3 || { echo "a table past the last queue accepted"; rc=1; }
	refused ethtool -X "$LOCAL_IF" hkey 01:02:03 || { echo "a 3-byte key accepted"; rc=1; }
	refused ethtool -N "$LOCAL_IF" rx-flow-hash udp4 s || { echo "source-only hash accepted"; rc=1; }
	refused ethtool -N "$LOCAL_IF" rx-flow-hash udp4 "" || { echo "no udp4 hash accepted"; rc=1; }
	refused ethtool -N "$LOCAL_IF" rx-flow-hash sctp4 sdfn || { echo "an sctp4 hash accepted"; rc=1; }
	[ "$(ethtool -x "$LOCAL_IF")" = "$before" ] || { echo "a refused change changed the table or key"; rc=1; }
	[ "$(ethtool -n "$LOCAL_IF" rx-flow-hash udp4)" = "$fields" ] || { echo "a refused change changed udp4"; rc=1; }
	return $rc
}
ksft_case refused

# A table the user set pins the channel count; the default one follows it.
t_channels() {
	local rc=0
	rss_setup || return
	ethtool -X "$LOCAL_IF" weight 0 1 || return 1
	ethtool -L "$LOCAL_IF" combined 1 2>/dev/null && { echo "channels cut below the table's queue"; rc=1; }
	ethtool -X "$LOCAL_IF" default || rc=1
	ethtool -L "$LOCAL_IF" combined 1 || rc=1
	[ "$(indir | sort -u)" = 0 ] || { echo "one queue: table is not all 0"; rc=1; }
	ethtool -L "$LOCAL_IF" combined 2 || rc=1
	[ "$(indir | awk '$1 != (NR - 1) % 2' | wc -l)" = 0 ] || { echo "two queues: not round robin again"; rc=1; }
	wait_link
	rss_traffic 6 90 "" -- send_flows $LOCAL_V4 48 2 udp || rc=1
	return $rc
}
ksft_case channels

# Key, table and fields outlive down/up, an MTU change and a ring resize
# (each resets the device, which forgets them).
t_persist() {
	local rc=0 key before step
	rss_setup || return
	key=$(od -An -N40 -tx1 /dev/urandom | tr -s ' \n' ':' | sed 's/^://; s/:$//')
	ethtool -X "$LOCAL_IF" hkey "$key" weight 1 3 || return 1
	ethtool -N "$LOCAL_IF" rx-flow-hash udp4 sd || return 1
	before=$(ethtool -x "$LOCAL_IF")
	for step in "ip link set $LOCAL_IF down; ip link set $LOCAL_IF up" \
		    "ip link set $LOCAL_IF mtu 4000" "ethtool -G $LOCAL_IF rx 512" \
		    "ip link set $LOCAL_IF mtu 1500; ethtool -G $LOCAL_IF rx 256"; do
		eval "$step" || { echo "$step failed"; rc=1; }
		[ "$(ethtool -x "$LOCAL_IF")" = "$before" ] || { echo "after '$step' the table or key changed"; rc=1; }
	done
	ethtool -n "$LOCAL_IF" rx-flow-hash udp4 | grep -q 'L4 bytes' && { echo "udp4 fields lost"; rc=1; }
	wait_link
	rss_traffic 8 140 "" -- send_mix $LOCAL_V4 || rc=1
	ethtool -N "$LOCAL_IF" rx-flow-hash udp4 sdfn
	ethtool -X "$LOCAL_IF" default hkey "$(cut -c1-119 /proc/sys/net/core/netdev_rss_key)"
	return $rc
}
ksft_case persist

# rxhash off: the skb hash is the stack's own, the queue still the table's.
t_rxhash_off() {
	local rc=0 ok
	rss_setup || return
	ethtool -K "$LOCAL_IF" rxhash off || return 1
	rss_traffic 6 90 nohash -- send_flows $LOCAL_V4 48 2 udp || rc=1
	ok=$(sed -n 's/.*hash matches \([0-9]*\),.*/\1/p' $OUT)
	[ "${ok:-1}" = 0 ] || { echo "$ok packets carried the device hash with rxhash off"; rc=1; }
	ethtool -K "$LOCAL_IF" rxhash on
	return $rc
}
ksft_case rxhash_off

# The table changes ten times while 1200 datagrams arrive: every one is
# received (and hashed right), none is dropped by the device.
t_retarget_under_traffic() {
	local rc=0 got i
	rss_setup || return
	snap hw_rx_nobuf_drops rx_frame_err
	(
		for i in $(seq 1 10); do
			ethtool -X "$LOCAL_IF" weight $((i % 2)) $(((i + 1) % 2))
			sleep 0.3
		done
		ethtool -X "$LOCAL_IF" default
	) &
	rss_traffic 12 1200 noqueue -- send_flows $LOCAL_V4 60 20 udp || rc=1
	wait
	got=$(sed -n 's/.*: \([0-9]*\) packets,.*/\1/p' $OUT)
	echo "received $got of 1200, hw_rx_nobuf_drops +$(delta hw_rx_nobuf_drops)"
	[ "${got:-0}" = 1200 ] || rc=1
	[ "$(delta hw_rx_nobuf_drops)" = 0 ] && [ "$(delta rx_frame_err)" = 0 ] || rc=1
	return $rc
}
ksft_case retarget_under_traffic

# Microsoft's published RSS verification vectors (the 4-tuple ones: an
# address-only hash does not survive skb_get_hash()), under their key:
# datagrams from each vector's source to its destination must carry the
# published hash.  Both ends get the vectors' addresses for this.
MS_KEY=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
VECTORS="66.9.149.187 2794 161.142.100.80 1766 0x51ccc178
199.92.111.2 14230 65.69.140.83 4739 0xc626b0ea
24.19.198.95 12898 12.22.207.184 38024 0x5c2b394a
38.27.205.30 48228 209.142.163.6 2217 0xafc7327f
153.39.163.191 44251 202.188.127.2 1303 0x10e828a2"

t_vectors() {
	local rc=0 src sport dst dport want pid
	rss_setup || return
	ethtool -X "$LOCAL_IF" hkey $MS_KEY || return 1
	while read -r src sport dst dport want; do
		$IP addr add "$dst/32" dev "$LOCAL_IF"
		$IP route add "$src/32" dev "$LOCAL_IF"
		peer $IP addr add "$src/32" dev "$REMOTE_IF"
		peer $IP route add "$dst/32" dev "$REMOTE_IF"
		"$RSS" recv "$LOCAL_IF" "$dport" 4 4 "expect=$want" >$OUT 2>&1 &
		pid=$!
		wait_for "grep -q listening $OUT" 100
		peer "$RSS" send1 "$src" "$sport" "$dst" "$dport" 4 || rc=1
		wait $pid || { cat $OUT; rc=1; }
		echo "$src:$sport -> $dst:$dport, published $want: $(grep -c 'the vector says' $OUT) differ, $(sed -n 's/.*: \([0-9]*\) packets,.*/\1/p' $OUT) packets"
		$IP route del "$src/32" dev "$LOCAL_IF"
		$IP addr del "$dst/32" dev "$LOCAL_IF"
		peer $IP route del "$dst/32" dev "$REMOTE_IF"
		peer $IP addr del "$src/32" dev "$REMOTE_IF"
	done <<<"$VECTORS"
	ethtool -X "$LOCAL_IF" hkey "$(cut -c1-119 /proc/sys/net/core/netdev_rss_key)"
	return $rc
}
ksft_case vectors

# Upstream's net/toeplitz from the 6.12 tree, driven directly (its
# toeplitz.sh wants a NIC looped back to itself): each packet's skb hash
# against its own Toeplitz over /proc/sys/net/core/netdev_rss_key, and,
# with queue q's interrupt pinned to CPU q (-C 0,1), the CPU the packet
# arrived on against hash % 2, the default table's choice.
queue_irq() { grep -w "$LOCAL_IF-txrx-$1" /proc/interrupts | cut -d: -f1 | tr -d ' '; }

t_upstream_toeplitz() {
	local rc=0 q irq proto key out saved=()
	rss_setup || return
	[ -x "$TOEPLITZ" ] || { echo "upstream toeplitz not built"; return 1; }
	[ "$(nproc)" -ge 2 ] || { skip "two CPUs needed for -C"; return; }
	for q in 0 1; do
		irq=$(queue_irq $q)
		[ -n "$irq" ] || { echo "no interrupt for queue $q"; return 1; }
		saved+=("$irq:$(cat /proc/irq/"$irq"/smp_affinity_list)")
		echo $q >/proc/irq/"$irq"/smp_affinity_list || rc=1
	done
	# An interrupt moves to its new CPU when it next fires, and NAPI
	# polled from the deferral timer stays where it ran: warm both queues
	# up, then let them go quiet, before packets count.
	send_flows $LOCAL_V4 32 1 udp
	sleep 1
	key=$(cat /proc/sys/net/core/netdev_rss_key)
	for proto in u t; do
		(sleep 1; send_flows $LOCAL_V4 48 1 "$([ $proto = u ] && echo udp || echo tcp)") &
		out=$("$TOEPLITZ" -4 -$proto -i "$LOCAL_IF" -k "$key" -C 0,1 -d $PORT -T 5000 -s 2>&1) ||
			rc=1
		wait
		echo "toeplitz -4 -$proto: $(tail -1 <<<"$out")"
	done
	for irq in "${saved[@]}"; do
		echo "${irq#*:}" >/proc/irq/"${irq%%:*}"/smp_affinity_list
	done
	return $rc
}
ksft_case upstream_toeplitz

ksft_run "$@"
rc=$?
ethtool -X "$LOCAL_IF" default 2>/dev/null
pair_setup >/dev/null 2>&1
exit $rc
