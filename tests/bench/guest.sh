#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest side of scripts/bench.sh: measure one configuration in one boot.
#
#   tests/bench/guest.sh CONFIG SECONDS [--module KO] [--kallsyms FILE]
#                        [--setup FILE] [--insn-mark PROG]
#
# CONFIG is sgnic-{sg,single}-{wb,irq}, igb, e1000e, virtio or veth.  The
# two ports (or a veth pair) become 10.99.0.1 in the root namespace and
# 10.99.0.2 in netns "peer" (tests/vm/lib.sh).
#   --module KO       the sgnic.ko to insmod (the host passes a copy taken
#                     when the run started, so a rebuild during a run cannot
#                     mix drivers)
#   --kallsyms FILE   write /proc/kallsyms there once the driver is loaded, so
#                     a host-side profile of QEMU with -perfmap can name guest
#                     kernel functions (scripts/bench.sh --perf)
#   --setup FILE      source FILE (bash) after the ports are configured and
#                     before the first measurement; LOCAL_IF, REMOTE_IF and
#                     peer() are set (scripts/bench.sh --guest-setup)
#   --insn-mark PROG  run "PROG begin" and "PROG end" just inside each test's
#                     marks: tests/bench/insn-mark, which opens and closes a
#                     counting window of QEMU's insn-count plugin
#                     (scripts/bench.sh --insns)
#
# Everything for the host goes to stdout as lines starting with "@@":
#   @@INFO key=value ...          facts about this boot
#   @@MARK TEST begin|end         the host samples QEMU's CPU time here
#   @@RES TEST key=value ...      what the guest measured for TEST
#   @@ERR text                    a test that could not run
# Counters are read before "begin" and after "end", so reading them costs
# nothing inside the measured window.
set -u

cfg=${1:?config}
secs=${2:?seconds}
shift 2
module='' kallsyms='' setup='' insn_mark=''
while [ $# -ge 2 ]; do
	case "$1" in
	--module) module=$2 ;;
	--kallsyms) kallsyms=$2 ;;
	--setup) setup=$2 ;;
	--insn-mark) insn_mark=$2 ;;
	*) echo "@@ERR $cfg: guest.sh: unknown option $1"; exit 2 ;;
	esac
	shift 2
done

# shellcheck disable=SC1091 # the repository is /sgnic in the guest
. /sgnic/tests/vm/lib.sh

export NO_COLOR=1
JQ='jq -M -r'
PORT=5201

err() { echo "@@ERR $cfg: $*"; }
info() { echo "@@INFO $*"; }

case "$cfg" in
veth)
	LOCAL_IF=veth0 REMOTE_IF=veth1
	modprobe veth || { err "modprobe veth failed"; exit 1; }
	$IP link add veth0 type veth peer name veth1 || exit 1
	;;
sgnic-*)
	if [ -n "$module" ] && ! grep -q '^sgnic ' /proc/modules; then
		insmod "$module" || { err "insmod $module failed"; exit 1; }
	fi
	;;
esac

[ -z "$kallsyms" ] || cat /proc/kallsyms >"$kallsyms"

# A port's PCI function (virtio-net's netdev hangs off a virtio device).
pci_of() {
	local d
	d=$(readlink -f "/sys/class/net/$1/device") || return 0
	[ -d "$d/msi_irqs" ] || d=$(dirname "$d")
	[ -d "$d/msi_irqs" ] && echo "$d"
}

# Every interrupt vector of both ports, read before eth1 leaves this
# namespace.  veth has none.
irqs=''
for ifc in "$LOCAL_IF" "$REMOTE_IF"; do
	if [ ! -e "/sys/class/net/$ifc" ]; then
		err "no interface $ifc (is the NIC driver loaded?)"
		exit 1
	fi
	d=$(pci_of "$ifc")
	[ -n "$d" ] && irqs+=" $(ls "$d/msi_irqs" | tr '\n' ' ')"
done
driver=$(basename "$(readlink -f "/sys/class/net/$LOCAL_IF/device/driver" 2>/dev/null)" 2>/dev/null)
[ "$cfg" = veth ] && driver=veth
max_mtu=$($IP -d -j link show "$LOCAL_IF" | $JQ '.[0].max_mtu // 0')
jumbo=$((max_mtu < 9000 ? max_mtu : 9000))
info "config=$cfg driver=${driver:-?} max_mtu=$max_mtu jumbo_mtu=$jumbo" \
	"irqs=$(echo $irqs | tr ' ' ,) kernel=$(uname -r) cpus=$(nproc)" \
	"accel=${SGNIC_ACCEL:-?} iperf3=$(iperf3 --version | awk 'NR == 1 { print $2 }')"
offl=$(ethtool -k "$LOCAL_IF" 2>/dev/null | awk -F': ' '
	/^(tcp-segmentation-offload|scatter-gather|tx-checksumming|rx-checksumming|generic-receive-offload):/ {
		split($2, v, " "); printf "%s%s=%s", sep, $1, v[1]; sep = ","
	}')
info "offloads=$offl"

if ! pair_setup 1500; then
	err "the link did not come up"
	exit 1
fi
case "$cfg" in
sgnic-*)
	m=${cfg#sgnic-}
	map=${m%-*} compl=${m#*-}
	[ "$compl" = wb ] && compl=writeback || compl=interrupt
	if ! set_mode "$map" "$compl"; then
		err "set_mode $map $compl failed"
		exit 1
	fi
	info "mode=$map/$compl priv_flags=$(ethtool --show-priv-flags "$LOCAL_IF" |
		awk -F: 'NR > 1 && NF == 2 { gsub(/ /, ""); printf "%s%s=%s", s, $1, $2; s = "," }')"
	;;
esac

if [ -n "$setup" ]; then
	info "setup=$(tr '\n' ';' <"$setup" | tr -s ' ' | cut -c1-300 | tr ' ' '_')"
	# shellcheck disable=SC1090 # the caller's file
	if ! . "$setup"; then
		err "the --setup file $setup failed"
		exit 1
	fi
fi

# ---- counters ---------------------------------------------------------------
# All snapshots go into variables named <prefix>_<counter>.

irq_total() {
	[ -n "$irqs" ] || { echo 0; return; }
	awk -v list="$irqs" '
		BEGIN { n = split(list, a, " "); for (i = 1; i <= n; i++) want[a[i] ":"] = 1 }
		$1 in want { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}

# One port's counters as "SIDE_name value" lines: packets and bytes from
# sysfs and, for sgnic, the device's own counters from ethtool -S.
port_counters() { # IF SIDE WITH_HW
	local st=/sys/class/net/$1/statistics
	echo "$2_rx $(<"$st/rx_packets")"
	echo "$2_tx $(<"$st/tx_packets")"
	echo "$2_rxb $(<"$st/rx_bytes")"
	[ "$3" = 1 ] || return 0
	ethtool -S "$1" | awk -v side="$2" '
		$1 ~ /^hw_(doorbells|irqs|writebacks|tx_packets|rx_packets|mmio_accesses):$/ {
			sub(/:$/, "", $1); print side "_" $1, $2 }'
}

snapshot() {
	local p=$1 hw=0 k v
	case "$cfg" in sgnic-*) hw=1 ;; esac
	printf -v "${p}_irqs" %s "$(irq_total)"
	# Here-strings, not process substitution: the guest has no /dev/fd.
	# One netns exec for the peer side: each costs a fork and exec.
	while read -r k v; do
		[ -n "$k" ] && printf -v "${p}_$k" %s "$v"
	done <<<"$(port_counters "$LOCAL_IF" l $hw
		peer bash -c "$(declare -f port_counters); port_counters $REMOTE_IF p $hw")"
}

# Deltas b - a as key=value words; device counters are 32-bit and wrap.
deltas() {
	local a=$1 b=$2 out='' k x y
	for k in irqs l_rx l_tx p_rx p_tx l_rxb p_rxb; do
		x=${a}_$k y=${b}_$k
		out+=" $k=$((${!y} - ${!x}))"
	done
	case "$cfg" in sgnic-*) ;; *) echo "$out"; return ;; esac
	for k in doorbells irqs writebacks tx_packets rx_packets mmio_accesses; do
		local s=0 side
		for side in l p; do
			x=${a}_${side}_hw_$k y=${b}_${side}_hw_$k
			s=$((s + ((${!y:-0} - ${!x:-0}) & 0xffffffff)))
		done
		out+=" hw_$k=$s"
	done
	echo "$out"
}

# ---- tests ------------------------------------------------------------------

stop_server() {
	[ -s /tmp/iperf3.pid ] && kill "$(cat /tmp/iperf3.pid)" 2>/dev/null
	rm -f /tmp/iperf3.pid
}

start_server() {
	stop_server
	peer iperf3 -s -D -p "$PORT" -I /tmp/iperf3.pid >/dev/null 2>&1
	local i
	for i in $(seq 1 30); do
		peer ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# measure TEST CMD...: run CMD (output in /tmp/TEST.out) between two marks.
measure() {
	local t=$1 rc
	shift
	snapshot A
	echo "@@MARK $t begin"
	[ -z "$insn_mark" ] || "$insn_mark" begin
	"$@" >"/tmp/$t.out" 2>"/tmp/$t.err"
	rc=$?
	[ -z "$insn_mark" ] || "$insn_mark" end
	echo "@@MARK $t end"
	snapshot B
	D=$(deltas A B)
	return $rc
}

iperf_tcp() { # TEST [-R]
	local t=$1 f=/tmp/$1.out
	if ! measure "$t" iperf3 -c "$REMOTE_V4" -p "$PORT" -t "$secs" -J ${2:-}; then
		err "$t: iperf3 failed: $($JQ '.error // empty' "$f" 2>/dev/null) $(head -c 200 "/tmp/$t.err")"
		start_server
		return 1
	fi
	echo "@@RES $t$D $($JQ '"bps=\(.end.sum_received.bits_per_second) bytes=\(.end.sum_received.bytes) secs=\(.end.sum_received.seconds) retrans=\(.end.sum_sent.retransmits // 0) sent_bytes=\(.end.sum_sent.bytes)"' "$f")"
}

iperf_udp() { # TEST
	local t=$1 f=/tmp/$1.out
	if ! measure "$t" iperf3 -c "$REMOTE_V4" -p "$PORT" -t "$secs" -J -u -l 64 -b 0; then
		err "$t: iperf3 failed: $($JQ '.error // empty' "$f" 2>/dev/null) $(head -c 200 "/tmp/$t.err")"
		start_server
		return 1
	fi
	# The receiver's packets count is its highest sequence number; the
	# gaps are lost_packets.
	echo "@@RES $t$D $($JQ '.end.sum_received as $r | .end.sum_sent as $s |
		"rx_pkts=\($r.packets - $r.lost_packets) lost=\($r.lost_packets) secs=\($r.seconds) tx_pkts=\($s.packets) bytes=\($r.bytes) pps=\(($r.packets - $r.lost_packets) / $r.seconds)"' "$f")"
}

ping_rtt() { # TEST
	local t=$1 line
	measure "$t" ping -q -c 50 -i 0.05 -W 1 "$REMOTE_V4"
	line=$(grep -E '^(rtt|round-trip)' "/tmp/$t.out")
	if [ -z "$line" ]; then
		err "$t: no ping summary: $(tail -2 "/tmp/$t.out" | tr '\n' ' ')"
		return 1
	fi
	echo "@@RES $t$D $(echo "$line" | awk -F'[ /]+' '{ printf "rtt_min=%s rtt_avg=%s rtt_max=%s rtt_mdev=%s", $7, $8, $9, $10 }') $(grep -o '[0-9]*% packet loss' "/tmp/$t.out" | awk '{ printf "loss_pct=%d", $1 }')"
}

# ---- XDP --------------------------------------------------------------------
# XDP_DROP and XDP_TX rates at 64 bytes (60 on the wire plus FCS): pktgen on
# the remote port sends UDP frames to the local port as fast as it can, for
# SECONDS; xdp-bench (Debian's xdp-tools) runs the action on the local port
# in native mode and reports what its program handled (XDP_TX with the MAC
# addresses swapped, so the remote port receives the reflection).
PG=/proc/net/pktgen

# pg_peer FILE COMMAND: one pktgen command in the peer namespace.
pg_peer() {
	peer sh -c "echo '$2' > $PG/$1 && grep -q 'Result: OK' $PG/$1"
}

# xdp_run MODE: xdp-bench MODE on the local port while pktgen sends.  A
# device without IFF_TX_SKB_SHARING (veth) refuses burst and clone_skb:
# pktgen then sends one fresh skb at a time.
xdp_run() {
	local mode=$1 pid i lmac
	lmac=$(cat "/sys/class/net/$LOCAL_IF/address")
	pg_peer kpktgend_0 rem_device_all && pg_peer kpktgend_0 "add_device $REMOTE_IF" &&
		pg_peer "$REMOTE_IF" "count 0" && pg_peer "$REMOTE_IF" "pkt_size 60" &&
		pg_peer "$REMOTE_IF" "delay 0" &&
		{ pg_peer "$REMOTE_IF" "burst 8" || pg_peer "$REMOTE_IF" "burst 1"; } &&
		{ pg_peer "$REMOTE_IF" "clone_skb 1000" || pg_peer "$REMOTE_IF" "clone_skb 0"; } &&
		pg_peer "$REMOTE_IF" "dst $LOCAL_V4" &&
		pg_peer "$REMOTE_IF" "dst_mac $lmac" || { echo "pktgen setup failed" >&2; return 1; }
	# shellcheck disable=SC2046 # the tx mode's option is two words
	xdp-bench "$mode" -i 1 $([ "$mode" = tx ] && echo "-p swap-macs") "$LOCAL_IF" &
	pid=$!
	for i in $(seq 1 100); do
		$IP -d link show "$LOCAL_IF" | grep -q "prog/xdp" && break
		sleep 0.1
	done
	peer sh -c "echo start > $PG/pgctrl" &
	sleep "$secs"
	peer sh -c "echo stop > $PG/pgctrl"
	wait $!
	kill -INT $pid
	wait $pid
	peer cat "$PG/$REMOTE_IF" | grep -E 'pkts-sofar|pps' >&2
	pg_peer kpktgend_0 rem_device_all
}

xdp_rate() { # TEST drop|tx
	local t=$1 f=/tmp/$1.out pps src
	if ! command -v xdp-bench >/dev/null; then
		err "$t: xdp-bench not installed (scripts/setup.sh xdp)"
		return 1
	fi
	peer sh -c "[ -e $PG/pgctrl ]" || modprobe pktgen 2>/dev/null
	measure "$t" xdp_run "$2"
	pps=$(sed -n 's/^ *Average packets\/s *: *\([0-9]*\).*/\1/p' "$f" | head -1)
	src=$(sed -n 's/.* \([0-9]*\)pps.*/\1/p' "/tmp/$t.err" | head -1)
	if [ -z "$pps" ]; then
		err "$t: no xdp-bench summary: $(grep -iE 'error|fail|unsupported' "$f" "/tmp/$t.err" | head -2 | tr '\n' ' ')"
		return 1
	fi
	echo "@@RES $t$D pps=$pps src_pps=${src:-0} secs=$secs"
}

if ! start_server; then
	err "iperf3 server did not start"
	exit 1
fi
# Warm-up (not measured): ARP, page cache for iperf3, interrupt moderation.
iperf3 -c "$REMOTE_V4" -p "$PORT" -t 2 >/dev/null 2>&1

iperf_tcp tcp1500_tx
iperf_tcp tcp1500_rx -R
iperf_udp udp64
ping_rtt ping
# e1000e has no native XDP
if [ "$driver" != e1000e ]; then
	xdp_rate xdp_drop drop
	xdp_rate xdp_tx tx
	pair_setup 1500 || err "the link did not come back after XDP"
fi

if [ "$jumbo" -gt 1500 ]; then
	if pair_setup "$jumbo"; then
		iperf_tcp tcpjumbo_tx
		iperf_tcp tcpjumbo_rx -R
	else
		err "MTU $jumbo: the link did not come back"
	fi
else
	err "no MTU above 1500 (max_mtu $max_mtu)"
fi

stop_server
exit 0
