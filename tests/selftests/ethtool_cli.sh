#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every ethtool operation sgnic has, through the ethtool command (netlink
# for most of them; ethtool_ioctl covers the ioctl entry): valid values
# stick, invalid ones are refused and change nothing, unsupported ones are
# refused.
set -u
. "$(dirname "$0")/lib.sh"

E=ethtool
IF=$LOCAL_IF
RX_CB_MAX=$(($(getconf PAGESIZE) - 64 - 320))	# one RX buffer, see ethtool_ioctl.c

ring_now() { $E -g "$IF" | sed -n '/Current/,$p' | awk -v k="$1:" '$1 == k { print $2 }'; }
chan_now() { $E -l "$IF" | sed -n '/Current/,$p' | awk '$1 == "Combined:" { print $2 }'; }
coal_now() { $E -c "$IF" | awk -v k="$1:" '$1 == k { print $2 }'; }
tun_now() { $E --get-tunable "$IF" "$1" | awk '{ print $2 }'; }
refused() { ! "$@" >/dev/null 2>&1; }

t_info() {
	pair_setup || return 1
	$E -i "$IF" | grep -q '^driver: sgnic$' || return 1
	$E -i "$IF" | grep -q '^supports-statistics: yes$' || return 1
	$E -i "$IF" | grep -q '^supports-register-dump: yes$' || return 1
	$E -i "$IF" | grep -q '^supports-priv-flags: yes$' || return 1
	$E "$IF" | grep -q 'Speed: 10000Mb/s' || return 1
	$E "$IF" | grep -q 'Link detected: yes'
}
ksft_case info

t_rings() {
	local tx rx
	tx=$(ring_now TX) rx=$(ring_now RX)
	$E -G "$IF" tx 128 rx 8 || return 1
	[ "$(ring_now TX)" = 128 ] && [ "$(ring_now RX)" = 8 ] || return 1
	$E -G "$IF" tx 4096 rx 4096 || return 1
	[ "$(ring_now TX)" = 4096 ] && [ "$(ring_now RX)" = 4096 ] || return 1
	for bad in "tx 64" "tx 1000" "rx 4" "rx 1000" "tx 8192" "rx 8192" "rx-mini 8" "rx-jumbo 8"; do
		# shellcheck disable=SC2086 # two words on purpose
		refused $E -G "$IF" $bad || { echo "ethtool -G $bad accepted"; return 1; }
	done
	[ "$(ring_now TX)" = 4096 ] && [ "$(ring_now RX)" = 4096 ] || return 1
	$E -G "$IF" tx "$tx" rx "$rx" && wait_link
}
ksft_case rings

t_channels() {
	local max cur
	max=$($E -l "$IF" | sed -n '/maximums/,/Current/p' | awk '$1 == "Combined:" { print $2 }')
	cur=$(chan_now)
	echo "combined: $cur of $max"
	$E -L "$IF" combined 1 && [ "$(chan_now)" = 1 ] || return 1
	[ "$(ls -d /sys/class/net/$IF/queues/tx-* | wc -l)" = 1 ] || return 1
	$E -L "$IF" combined "$max" && [ "$(chan_now)" = "$max" ] || return 1
	[ "$(ls -d /sys/class/net/$IF/queues/rx-* | wc -l)" = "$max" ] || return 1
	refused $E -L "$IF" combined 0 || return 1
	refused $E -L "$IF" combined $((max + 1)) || return 1
	refused $E -L "$IF" rx 1 || return 1
	refused $E -L "$IF" tx 1 || return 1
	refused $E -L "$IF" other 0 || return 1
	[ "$(chan_now)" = "$max" ] || return 1
	$E -L "$IF" combined "$cur" && wait_link && ping -q -c 2 -W 2 "$REMOTE_V4" >/dev/null
}
ksft_case channels

t_coalesce() {
	$E -C "$IF" rx-usecs 65535 rx-frames 65535 tx-usecs 0 tx-frames 1 || return 1
	[ "$(coal_now rx-usecs)" = 65535 ] && [ "$(coal_now tx-frames)" = 1 ] || return 1
	refused $E -C "$IF" rx-usecs 65536 || return 1
	refused $E -C "$IF" tx-frames 70000 || return 1
	# Not in supported_coalesce_params: refused by the core.
	refused $E -C "$IF" rx-usecs-irq 5 || return 1
	refused $E -C "$IF" adaptive-tx on || return 1
	[ "$(coal_now rx-usecs)" = 65535 ] || return 1
	$E -C "$IF" adaptive-rx on || return 1
	$E -c "$IF" | grep -q '^Adaptive RX:[[:space:]]*on' || return 1
	ping -q -c 5 -i 0.1 "$REMOTE_V4" >/dev/null || return 1
	$E -C "$IF" adaptive-rx off rx-usecs 20 rx-frames 16 tx-usecs 20 tx-frames 16
}
ksft_case coalesce

t_priv_flags() {
	local f
	for f in single-transfer completion-writeback; do
		$E --set-priv-flags "$IF" "$f" on || return 1
		$E --show-priv-flags "$IF" | grep -q "^$f *: on" || return 1
		$E --set-priv-flags "$IF" "$f" off || return 1
		$E --show-priv-flags "$IF" | grep -q "^$f *: off" || return 1
	done
	refused $E --set-priv-flags "$IF" no-such-flag on || return 1
	$E --set-priv-flags "$IF" completion-writeback on && wait_link
}
ksft_case priv_flags

t_tunables() {
	local t
	$E --set-tunable "$IF" tx-copybreak 0 && [ "$(tun_now tx-copybreak)" = 0 ] || return 1
	$E --set-tunable "$IF" tx-copybreak 512 && [ "$(tun_now tx-copybreak)" = 512 ] || return 1
	refused $E --set-tunable "$IF" tx-copybreak 513 || return 1
	[ "$(tun_now tx-copybreak)" = 512 ] || return 1
	$E --set-tunable "$IF" rx-copybreak 0 && [ "$(tun_now rx-copybreak)" = 0 ] || return 1
	$E --set-tunable "$IF" rx-copybreak $RX_CB_MAX &&
		[ "$(tun_now rx-copybreak)" = $RX_CB_MAX ] || return 1
	refused $E --set-tunable "$IF" rx-copybreak $((RX_CB_MAX + 1)) || return 1
	[ "$(tun_now rx-copybreak)" = $RX_CB_MAX ] || return 1
	# Tunables sgnic does not have.
	for t in "pfc-prevention-tout 100" "tx-buf-size 4096"; do
		# shellcheck disable=SC2086
		refused $E --set-tunable "$IF" $t || { echo "--set-tunable $t accepted"; return 1; }
	done
	$E --set-tunable "$IF" tx-copybreak 256 rx-copybreak 256
}
ksft_case tunables

t_features() {
	k() { $E -k "$IF" | awk -v k="$1:" '$1 == k { print $2 }'; }
	$E -K "$IF" tso off && [ "$(k tcp-segmentation-offload)" = off ] || return 1
	$E -K "$IF" sg off && [ "$(k scatter-gather)" = off ] || return 1
	$E -K "$IF" tx off rx off && [ "$(k rx-checksumming)" = off ] || return 1
	# Traffic still flows with every offload off.
	integrity $((2 << 20)) 5310 || { echo "integrity failed with offloads off"; return 1; }
	$E -K "$IF" tx on rx on sg on tso on || return 1
	[ "$(k tcp-segmentation-offload)" = on ] && [ "$(k scatter-gather)" = on ] || return 1
	$E -K "$IF" loopback on && [ "$(k loopback)" = on ] || return 1
	$E -K "$IF" loopback off
	# Fixed features cannot change (no n-tuple filters on this device).
	refused $E -K "$IF" ntuple on || [ "$(k ntuple-filters)" = off ]
}
ksft_case features

t_regs_stats() {
	$E -d "$IF" raw on >/tmp/regs.bin || return 1
	[ "$(stat -c %s /tmp/regs.bin)" -eq $((256 + 16 * 64)) ] || return 1
	$E -d "$IF" >/dev/null || return 1
	[ "$($E -S "$IF" | grep -c ':')" -gt 50 ] || return 1
	$E -S "$IF" | grep -qE '^ +tx_linearized: [0-9]+$'
}
ksft_case regs_stats

# The standard groups (eth-mac, rmon) of IF, or of the peer's port with
# "peer": "name value" lines, histogram buckets as rx-/tx-<low>to<high>.
std_stats() {
	if [ "${1:-}" = peer ]; then
		peer $E -S "$REMOTE_IF" --groups eth-mac rmon
	else
		$E -S "$IF" --groups eth-mac rmon
	fi | sed -nE 's/^ *eth-mac-([A-Za-z]+): ([0-9]+)$/\1 \2/p
		s/^ *(rx|tx)-rmon-etherStatsPkts([0-9]+)to([0-9]+)Octets: ([0-9]+)$/\1-\2to\3 \4/p
		s/^ *rmon-etherStats([A-Za-z]+): ([0-9]+)$/\1 \2/p'
}

# std_delta FILE_BEFORE FILE_AFTER NAME: how much NAME grew
std_delta() {
	echo $(($(awk -v k="$3" '$1 == k { print $2 }' "$2") - $(awk -v k="$3" '$1 == k { print $2 }' "$1")))
}
here() { std_delta /tmp/std0 /tmp/std1 "$1"; }
there() { std_delta /tmp/pstd0 /tmp/pstd1 "$1"; }

# at_least NAME MIN: NAME grew here by MIN or more
at_least() { [ "$(here "$1")" -ge "$2" ] || { echo "$1: +$(here "$1"), expected at least +$2"; return 1; }; }

# Frames of known sizes both ways.  Every frame one MAC sends the other
# counts, in the same bucket (promiscuous here, so nothing is filtered).
t_standard_stats() {
	local frames=$SGNIC_REPO/build/selftests/xdp_frames rc=0 n=50 k rx tx try
	pair_setup || return 1
	[ -x "$frames" ] || { echo "xdp_frames not built"; return 1; }
	std_stats >/tmp/std0 || return 1
	grep -q '^FramesReceivedOK ' /tmp/std0 || { skip "no eth-mac statistics"; return; }
	echo "buckets: $(awk '/^rx-/ { sub(/^rx-/, "", $1); printf "%s ", $1 }' /tmp/std0)"
	# both ends promiscuous and quiet: no IPv6 (MLD, ND) between the reads
	$IP link set "$IF" promisc on
	peer $IP link set "$REMOTE_IF" promisc on
	sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=1"
	peer sysctl -qw "net.ipv6.conf.$REMOTE_IF.disable_ipv6=1"
	sleep 1
	std_stats >/tmp/std0
	std_stats peer >/tmp/pstd0
	peer "$frames" send "$REMOTE_IF" "$(cat "/sys/class/net/$IF/address")" $n 60 >/dev/null || rc=1
	peer "$frames" send "$REMOTE_IF" ff:ff:ff:ff:ff:ff $n 200 >/dev/null || rc=1
	"$frames" send "$IF" "$(peer cat "/sys/class/net/$REMOTE_IF/address")" $n 1000 >/dev/null || rc=1
	# a frame still in flight (or a stray ARP) between the reads: read again
	for try in 1 2 3 4 5; do
		sleep 0.5
		std_stats >/tmp/std1
		std_stats peer >/tmp/pstd1
		[ "$(there FramesTransmittedOK)" = "$(here FramesReceivedOK)" ] &&
			[ "$(here FramesTransmittedOK)" = "$(there FramesReceivedOK)" ] && break
	done
	$IP link set "$IF" promisc off
	peer $IP link set "$REMOTE_IF" promisc off
	sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=0"
	peer sysctl -qw "net.ipv6.conf.$REMOTE_IF.disable_ipv6=0"
	echo "after $try reads: rx +$(here FramesReceivedOK) frames, tx +$(here FramesTransmittedOK)"
	for k in FramesReceivedOK:FramesTransmittedOK OctetsReceivedOK:OctetsTransmittedOK \
		BroadcastFramesReceivedOK:BroadcastFramesXmittedOK \
		MulticastFramesReceivedOK:MulticastFramesXmittedOK; do
		rx=${k%:*} tx=${k#*:}
		[ "$(there "$tx")" = "$(here "$rx")" ] ||
			{ echo "peer $tx +$(there "$tx"), here $rx +$(here "$rx")"; rc=1; }
		[ "$(here "$tx")" = "$(there "$rx")" ] ||
			{ echo "here $tx +$(here "$tx"), peer $rx +$(there "$rx")"; rc=1; }
	done
	for k in $(awk '/^rx-/ { sub(/^rx-/, "", $1); print $1 }' /tmp/std0); do
		[ "$(there "tx-$k")" = "$(here "rx-$k")" ] ||
			{ echo "bucket $k: peer sent +$(there "tx-$k"), received here +$(here "rx-$k")"; rc=1; }
		[ "$(here "tx-$k")" = "$(there "rx-$k")" ] ||
			{ echo "bucket $k: sent +$(here "tx-$k"), the peer received +$(there "rx-$k")"; rc=1; }
	done
	# our frames are there, each in its bucket (length + 4-byte FCS)
	at_least rx-18to64 $n || rc=1
	at_least rx-128to255 $n || rc=1
	at_least BroadcastFramesReceivedOK $n || rc=1
	at_least tx-512to1023 $n || rc=1
	at_least OctetsTransmittedOK $((n * 1000)) || rc=1
	return $rc
}
ksft_case standard_stats

# Upstream's drivers/net/hw/ethtool_rmon.sh (Linux 6.12): for each rmon
# bucket mausezahn sends 10000 broadcast frames of the bucket's lowest
# length one way and 20000 the other, and the port's rx or tx bucket must
# grow by that count (plus at most 100 of the stack's own).  It wants both
# ports in this namespace (NETIFS p1 p2 from its arguments), so the peer
# namespace goes away for the run and is built again after it.
t_upstream_rmon() {
	local dir=$SGNIC_REPO/build/selftests/ksrc/tools/testing/selftests/drivers/net/hw
	local rc ok
	[ -f "$dir/ethtool_rmon.sh" ] || { skip "upstream selftests not unpacked"; return; }
	command -v mausezahn >/dev/null ||
		{ skip "mausezahn not installed (Debian netsniff-ng, scripts/setup.sh)"; return; }
	pair_teardown
	(cd "$dir" && timeout -k 5 900 bash ./ethtool_rmon.sh "$LOCAL_IF" "$REMOTE_IF") \
		>/tmp/rmon.log 2>&1
	rc=$?
	pair_setup >/dev/null 2>&1
	sed 's/^/  /' /tmp/rmon.log
	# every bucket of both directions on both ports ran and passed
	ok=$(grep -c 'TEST: .*\[ OK \]' /tmp/rmon.log)
	echo "ethtool_rmon.sh: exit $rc, $ok buckets passed"
	[ "$rc" = 0 ] && [ "$ok" -ge 28 ] && ! grep -q 'FAIL' /tmp/rmon.log
}
ksft_case upstream_rmon

t_self_test() {
	$E -t "$IF" online | grep -q 'PASS' || return 1
	$E -t "$IF" offline | tee /tmp/selftest.out | grep -q 'The test result is PASS' || {
		cat /tmp/selftest.out
		return 1
	}
	wait_link
}
ksft_case self_test

t_unsupported() {
	refused $E -s "$IF" speed 1000 duplex full autoneg off || return 1
	refused $E -A "$IF" rx on || return 1
	refused $E -e "$IF" || return 1
	refused $E -s "$IF" wol g || return 1
	refused $E -X "$IF" hfunc xor || return 1
	refused $E -p "$IF" 1
}
ksft_case unsupported

ksft_run "$@"
