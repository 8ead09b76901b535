# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers shared by the in-VM tests, the demo and the benchmark.
# Sourced inside the guest (bash).  The two ports of a QEMU hub become a
# local side (eth0, 10.99.0.1) and a remote side in netns "peer" (eth1,
# 10.99.0.2), the topology upstream net selftests call a netns remote.

IP=/usr/sbin/ip		# iproute2: busybox's ip has no netns
PEER_NS=peer
LOCAL_IF=${LOCAL_IF:-eth0}
REMOTE_IF=${REMOTE_IF:-eth1}
LOCAL_V4=10.99.0.1
REMOTE_V4=10.99.0.2

peer() { $IP netns exec "$PEER_NS" "$@"; }

pair_setup() {
	local mtu=${1:-1500}

	if ! $IP netns list | grep -qw "$PEER_NS"; then
		$IP netns add "$PEER_NS"
		$IP link set "$REMOTE_IF" netns "$PEER_NS"
		$IP -n "$PEER_NS" link set lo up
		$IP addr add "$LOCAL_V4/24" dev "$LOCAL_IF"
		$IP -n "$PEER_NS" addr add "$REMOTE_V4/24" dev "$REMOTE_IF"
	fi
	$IP link set "$LOCAL_IF" mtu "$mtu" up
	$IP -n "$PEER_NS" link set "$REMOTE_IF" mtu "$mtu" up
	wait_link
}

# The remote port goes back to the root namespace before the namespace is
# deleted.  Deleting it alone would return the port only once the kernel's
# batched netns cleanup has run, which behind other dying namespaces (the
# upstream python tests make several) takes seconds, and never while a
# process started in the namespace (a daemon a test left) still holds it.
# Moving it is synchronous; the wait covers a move that failed.
pair_teardown() {
	local i had=0
	if $IP -n "$PEER_NS" link show "$REMOTE_IF" >/dev/null 2>&1; then
		had=1
		$IP -n "$PEER_NS" link set "$REMOTE_IF" netns 1 2>/dev/null
	fi
	$IP netns del "$PEER_NS" 2>/dev/null
	sleep 0.5
	[ "$had" = 1 ] || return 0
	for i in $(seq 1 150); do
		[ -e "/sys/class/net/$REMOTE_IF" ] && return 0
		sleep 0.1
	done
	echo "pair_teardown: $REMOTE_IF is not back in the root namespace after 15 s" >&2
	return 1
}

# ---- two guests linked across QEMU processes (scripts/vm.sh --link) ----------
# The guests share nothing but the link; they pace each other with a "done"
# word on a TCP port (LINK_SYNC_PORT).
LINK_SYNC_PORT=5990

# Wait until HOST answers a ping (the other guest may still be booting):
# up to TRIES seconds (default 600).
link_wait_reachable() {
	local _
	for _ in $(seq 1 "${2:-600}"); do
		ping -q -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
	done
	return 1
}

# Wait (up to SECONDS) for the other guest's "done".
link_wait_done() {
	timeout "$1" socat -u "TCP-LISTEN:$LINK_SYNC_PORT,reuseaddr" STDOUT 2>/dev/null | grep -q "done"
}

# Tell HOST we are done; its listener may not be up yet: TRIES attempts
# 0.2 s apart (default 600).
link_tell_done() {
	local _
	for _ in $(seq 1 "${2:-600}"); do
		echo "done" | socat -u STDIN "TCP:$1:$LINK_SYNC_PORT,connect-timeout=1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# Wait until both ends report carrier and can reach each other.
wait_link() {
	local i
	for i in $(seq 1 50); do
		if [ "$(cat /sys/class/net/$LOCAL_IF/carrier 2>/dev/null)" = 1 ] &&
		   ping -q -c 1 -W 1 "$REMOTE_V4" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# Set one private flag on both ports: both_flags NAME on|off
both_flags() {
	ethtool --set-priv-flags "$LOCAL_IF" "$1" "$2" &&
		peer ethtool --set-priv-flags "$REMOTE_IF" "$1" "$2"
}

# Mapping mode (sg|single) and completion mode (writeback|interrupt).
set_mode() {
	local single=off wb=off
	[ "$1" = single ] && single=on
	[ "$2" = writeback ] && wb=on
	both_flags single-transfer "$single" && both_flags completion-writeback "$wb" &&
		wait_link
}

# One ethtool -S counter of a local port.
stat_of() {
	ethtool -S "${2:-$LOCAL_IF}" | awk -v k="$1:" '$1 == k { print $2 }'
}

peer_stat_of() {
	peer ethtool -S "$REMOTE_IF" | awk -v k="$1:" '$1 == k { print $2 }'
}

# iperf3 for SECONDS (local -> remote, or remote -> local with -R): Mbit/s.
# Is a TCP listener up on PORT in the peer namespace?  A loaded TCG guest
# can take far longer than a fixed pause to start one.
listening() { peer ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

wait_listen() {
	local i
	for i in $(seq 1 200); do
		listening "$1" && return 0
		sleep 0.1
	done
	echo "# no listener on port $1 after 20 s"
	return 1
}

iperf_mbps() {
	local secs=$1 dir=${2:-}
	peer iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	wait_listen 5201 || return 1
	iperf3 -c "$REMOTE_V4" -p 5201 -t "$secs" $dir -J 2>/dev/null |
		jq -M -r '.end.sum_received.bits_per_second / 1e6 | floor'
}

# Send BYTES of pseudo-random data over TCP and compare MD5 sums at both
# ends: the threat is corruption, not an adversary, and MD5 costs half of
# SHA-256 under TCG.
# A fifo, not process substitution: the guest has no /dev/fd.
tcp_integrity() {
	local bytes=$1 port=${2:-5300} want got lpid spid
	rm -f /tmp/recv.sum /tmp/send.sum /tmp/send.fifo
	mkfifo /tmp/send.fifo
	# Bounded: a sender that never connects must not hang the suite.
	peer sh -c "timeout 1800 socat -u TCP-LISTEN:$port,reuseaddr STDOUT | md5sum > /tmp/recv.sum" &
	lpid=$!
	wait_listen "$port" || { kill "$lpid" 2>/dev/null; return 1; }
	md5sum < /tmp/send.fifo > /tmp/send.sum &
	spid=$!
	# A 16 MiB random block repeated: urandom is slow under TCG, and TCP
	# would have to misplace data by exactly 16 MiB to go unnoticed.
	[ -f /tmp/rand16m ] || head -c $((16 << 20)) /dev/urandom > /tmp/rand16m
	while :; do cat /tmp/rand16m || break; done 2>/dev/null | head -c "$bytes" |
		tee /tmp/send.fifo | socat -u STDIN "TCP:$REMOTE_V4:$port"
	wait "$spid" "$lpid"
	want=$(cat /tmp/send.sum)
	got=$(cat /tmp/recv.sum)
	[ -n "$want" ] && [ "$want" = "$got" ]
}
