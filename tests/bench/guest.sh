#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest side of scripts/bench.sh: measure one configuration in one boot.
#
#   tests/bench/guest.sh CONFIG SECONDS [--module KO] [--kallsyms FILE]
#                        [--setup FILE] [--insn-mark PROG] [--xsk-bench PROG]
#                        [--only TESTS]
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
#   --xsk-bench PROG  the AF_XDP tool (tests/bench/xsk_bench.c; default
#                     /sgnic/build/bench-tools/xsk_bench, which
#                     `make -C tests/bench` builds on the host)
#   --only TESTS      run only these tests (comma-separated names as in the
#                     @@RES lines, e.g. xdp_redirect,xsk_rxdrop), to try one
#                     part in a single boot:
#                     scripts/vm.sh --nic sgnic -- tests/bench/guest.sh \
#                         sgnic-sg-wb 5 --only xsk_rxdrop
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
module='' kallsyms='' setup='' insn_mark='' only=''
xsk_bench=/sgnic/build/bench-tools/xsk_bench
while [ $# -ge 2 ]; do
	case "$1" in
	--module) module=$2 ;;
	--kallsyms) kallsyms=$2 ;;
	--setup) setup=$2 ;;
	--insn-mark) insn_mark=$2 ;;
	--xsk-bench) xsk_bench=$2 ;;
	--only) only=$2 ;;
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

# Request and response, one at a time: ping -f sends the next echo request
# when the reply to the last one arrives, so no queue builds up and every
# frame takes the whole path alone (interrupt, poll, doorbell, completion),
# however fast the host runs the guest.  The cost per round trip (two
# 64-byte frames, the reply from the peer's kernel) is the steadiest count
# of what a NIC adds (scripts/bench.sh --insns).
RR_COUNT=5000
rr_flood() { # TEST
	local t=$1 sent got
	measure "$t" ping -f -q -c "$RR_COUNT" -s 22 -W 1 "$REMOTE_V4"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "/tmp/$t.out")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "/tmp/$t.out")
	if [ -z "$got" ] || [ "$got" = 0 ]; then
		err "$t: no ping -f summary: $(tail -2 "/tmp/$t.out" | tr '\n' ' ') $(head -c 200 "/tmp/$t.err")"
		return 1
	fi
	echo "@@RES $t$D rr_sent=$sent rr_done=$got"
}

# ---- XDP --------------------------------------------------------------------
# Packet rates at 64 bytes (60 on the wire plus FCS): pktgen on the remote
# port sends UDP frames to the local port as fast as it can, for SECONDS,
# while the local port runs
#   xdp_drop      xdp-bench drop: XDP_DROP
#   xdp_tx        xdp-bench tx -p swap-macs: XDP_TX back to the sender
#   xdp_redirect  xdp-bench redirect LOCAL_IF LOCAL_IF: XDP_REDIRECT
#   xsk_rxdrop    xsk_bench rxdrop: AF_XDP socket on queue 0, frames dropped
#   xsk_l2fwd     xsk_bench l2fwd: the socket sends each frame back
# xdp-bench (Debian's xdp-tools) runs in native mode and reports what its
# program handled; its redirect program swaps the MAC addresses, so the
# remote port receives the reflections (p_rx) as with XDP_TX.
PG=/proc/net/pktgen

# pg_peer FILE COMMAND: one pktgen command in the peer namespace.
pg_peer() {
	peer sh -c "echo '$2' > $PG/$1 && grep -q 'Result: OK' $PG/$1"
}

# pktgen on the remote port, set up to send to the local one.  A device
# without IFF_TX_SKB_SHARING (veth) refuses burst and clone_skb: pktgen
# then sends one fresh skb at a time.
pg_setup() {
	local lmac
	lmac=$(cat "/sys/class/net/$LOCAL_IF/address")
	peer sh -c "[ -e $PG/pgctrl ]" || modprobe pktgen 2>/dev/null
	pg_peer kpktgend_0 rem_device_all && pg_peer kpktgend_0 "add_device $REMOTE_IF" &&
		pg_peer "$REMOTE_IF" "count 0" && pg_peer "$REMOTE_IF" "pkt_size 60" &&
		pg_peer "$REMOTE_IF" "delay 0" &&
		{ pg_peer "$REMOTE_IF" "burst 8" || pg_peer "$REMOTE_IF" "burst 1"; } &&
		{ pg_peer "$REMOTE_IF" "clone_skb 1000" || pg_peer "$REMOTE_IF" "clone_skb 0"; } &&
		pg_peer "$REMOTE_IF" "dst $LOCAL_V4" &&
		pg_peer "$REMOTE_IF" "dst_mac $lmac" && return 0
	echo "pktgen setup failed" >&2
	pg_peer kpktgend_0 rem_device_all
	return 1
}

pg_start() {
	peer sh -c "echo start > $PG/pgctrl" &
	pg_pid=$!
}

# Stop pktgen, put its summary (pkts-sofar, pps) on stderr and free the port.
pg_stop() {
	peer sh -c "echo stop > $PG/pgctrl"
	wait "$pg_pid"
	peer cat "$PG/$REMOTE_IF" | grep -E 'pkts-sofar|pps' >&2
	pg_peer kpktgend_0 rem_device_all
}

# xdp_run MODE: xdp-bench MODE on the local port while pktgen sends.
# XDP_REDIRECT goes back out of the port it came in on (a hairpin through
# its own ndo_xdp_xmit, to the sender): the ports are in two namespaces,
# so this is the one egress every model offers, and a model that wants a
# program on the egress device for ndo_xdp_xmit (virtio-net) has one.
xdp_run() {
	local mode=$1 pid i args
	case "$mode" in
	tx) args=(tx -p swap-macs "$LOCAL_IF") ;;
	redirect) args=(redirect "$LOCAL_IF" "$LOCAL_IF") ;;
	*) args=("$mode" "$LOCAL_IF") ;;
	esac
	pg_setup || return 1
	xdp-bench "${args[0]}" -i 1 "${args[@]:1}" &
	pid=$!
	for i in $(seq 1 100); do
		$IP -d link show "$LOCAL_IF" | grep -q "prog/xdp" && break
		sleep 0.1
	done
	pg_start
	sleep "$secs"
	pg_stop
	kill -INT $pid
	wait $pid
}

xdp_rate() { # TEST drop|tx|redirect
	local t=$1 f=/tmp/$1.out pps src gro='' extra='' bpffs=''
	if ! command -v xdp-bench >/dev/null; then
		err "$t: xdp-bench not installed (scripts/setup.sh xdp)"
		return 1
	fi
	# veth's ndo_xdp_xmit hands frames to the other end's NAPI, which
	# runs only with a program or GRO there (ENXIO otherwise): GRO on
	# the remote end for the redirect, restored after.
	if [ "$2" = redirect ] && [ "$cfg" = veth ]; then
		gro=$(peer ethtool -k "$REMOTE_IF" | awk '$1 == "generic-receive-offload:" { print $2 }')
		peer ethtool -K "$REMOTE_IF" gro on
	fi
	# xdp-bench redirect puts a dummy program on the egress port too, a
	# second program on the same port here: libxdp's multi-program
	# dispatcher, which keeps its state in bpffs (EBUSY without it).
	# Mounted for this test only; the others run one program as before.
	if [ "$2" = redirect ] && ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf bpf /sys/fs/bpf && bpffs=1
	fi
	measure "$t" xdp_run "$2"
	[ -z "$bpffs" ] || umount /sys/fs/bpf
	[ -z "$gro" ] || peer ethtool -K "$REMOTE_IF" gro "$gro"
	pps=$(xdp_bench_avg packets "$f")
	src=$(pg_pps "/tmp/$t.err")
	if [ -z "$pps" ]; then
		err "$t: no xdp-bench summary: $(grep -iE 'error|fail|unsupported' "$f" "/tmp/$t.err" | head -2 | tr '\n' ' ')"
		return 1
	fi
	# redirect: xmit_pps is what ndo_xdp_xmit took (devmap_xmit
	# tracepoint); none means the egress refused every frame, and the
	# program's rate would be a figure for nothing
	if [ "$2" = redirect ]; then
		extra=$(xdp_bench_avg transmit "$f")
		if [ "${extra:-0}" = 0 ]; then
			err "$t: ndo_xdp_xmit took no frame ($(grep -- '->' "$f" | tail -1 | tr -s ' '))"
			return 1
		fi
		extra=" xmit_pps=$extra"
	fi
	echo "@@RES $t$D pps=$pps src_pps=${src:-0} secs=$secs$extra"
}

# One average from xdp-bench's summary: "Average packets/s : N" (what the
# program saw) or "Average transmit/s : N".
xdp_bench_avg() { # packets|transmit FILE
	sed -n "s/^ *Average $1\/s *: *\([0-9]*\).*/\1/p" "$2" | head -1
}

# pktgen's own rate from pg_stop's summary in FILE.
pg_pps() {
	sed -n 's/.* \([0-9]*\)pps.*/\1/p' "$1" | head -1
}

# AF_XDP binds one queue: the local port gets one channel for the socket's
# tests, so that every frame arrives on queue 0.  Prints the combined
# count to restore afterwards, nothing if there is nothing to change (one
# queue already, or separate RX/TX channels as veth's, one each here).
channels_to_one() {
	local cur
	cur=$(ethtool -l "$LOCAL_IF" 2>/dev/null | awk '
		/^Current hardware settings/ { now = 1 }
		now && $1 == "Combined:" { print $2; exit }')
	[[ $cur =~ ^[0-9]+$ ]] && [ "$cur" -gt 1 ] || return 0
	ethtool -L "$LOCAL_IF" combined 1 || return 1
	echo "$cur"
}

# xsk_run MODE: xsk_bench MODE on queue 0 of the local port, zero-copy
# if the driver binds it so, else copy mode; it counts for SECONDS from
# the first frame and exits, and pktgen runs until then.
xsk_run() {
	local pid='' zc i
	pg_setup || return 1
	for zc in zc ''; do
		: >/tmp/xsk.err
		# shellcheck disable=SC2086 # zc is one word or none
		"$xsk_bench" "$1" "$LOCAL_IF" "$secs" $zc 2>/tmp/xsk.err &
		pid=$!
		for i in $(seq 1 300); do
			grep -q ' bound ' /tmp/xsk.err && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		grep -q ' bound ' /tmp/xsk.err && break
		wait "$pid"
		cat /tmp/xsk.err >&2
		pid=''
	done
	if [ -z "$pid" ]; then
		pg_peer kpktgend_0 rem_device_all
		return 1
	fi
	pg_start
	wait "$pid"
	i=$?
	pg_stop
	cat /tmp/xsk.err >&2
	return "$i"
}

xsk_rate() { # TEST rxdrop|l2fwd
	local t=$1 f=/tmp/$1.out restore line mode why
	if [ ! -x "$xsk_bench" ]; then
		err "$t: no $xsk_bench (make -C tests/bench; scripts/bench.sh builds it)"
		return 1
	fi
	if ! restore=$(channels_to_one); then
		err "$t: ethtool -L $LOCAL_IF combined 1 failed"
		return 1
	fi
	[ -z "$restore" ] || { info "${t}_channels=$restore->1"; wait_link; }
	measure "$t" xsk_run "$2"
	# a program left behind by a killed run would hold the port
	$IP link set dev "$LOCAL_IF" xdp off 2>/dev/null
	if [ -n "$restore" ]; then
		ethtool -L "$LOCAL_IF" combined "$restore" || err "$t: could not restore $restore channels"
	fi
	# "MODE IFACE zc|copy rx=N tx=N secs=S pps=P"
	line=$(grep -E "^$2 " "$f" | tail -1)
	if [ -z "$line" ]; then
		err "$t: xsk_bench failed: $(grep xsk_bench "/tmp/$t.err" | tail -2 | tr '\n' ' ')"
		return 1
	fi
	read -r _ _ mode line <<<"$line"
	echo "@@RES $t$D mode=$mode $line src_pps=$(pg_pps "/tmp/$t.err")"
	# copy mode: why the zero-copy bind failed, as xsk_bench said it
	why=$(sed -n 's/^xsk_bench: zero-copy socket on [^:]*: //p' "/tmp/$t.err" | head -1)
	[ "$mode" = zc ] || [ -z "$why" ] || info "${t}_zc_refused=${why// /_}"
}

# want TEST...: is any of these tests to run (--only)?
want() {
	local t
	[ -z "$only" ] && return 0
	for t; do
		[[ ",$only," == *",$t,"* ]] && return 0
	done
	return 1
}

if ! start_server; then
	err "iperf3 server did not start"
	exit 1
fi
# Warm-up (not measured): ARP, page cache for iperf3, interrupt moderation.
iperf3 -c "$REMOTE_V4" -p "$PORT" -t 2 >/dev/null 2>&1

want tcp1500_tx && iperf_tcp tcp1500_tx
want tcp1500_rx && iperf_tcp tcp1500_rx -R
want udp64 && iperf_udp udp64
want ping && ping_rtt ping
want rr64 && rr_flood rr64
# e1000e has no native XDP
if [ "$driver" != e1000e ] && want xdp_drop xdp_tx xdp_redirect xsk_rxdrop xsk_l2fwd; then
	want xdp_drop && xdp_rate xdp_drop drop
	want xdp_tx && xdp_rate xdp_tx tx
	want xdp_redirect && xdp_rate xdp_redirect redirect
	want xsk_rxdrop && xsk_rate xsk_rxdrop rxdrop
	want xsk_l2fwd && xsk_rate xsk_l2fwd l2fwd
	pair_setup 1500 || err "the link did not come back after XDP"
fi

if ! want tcpjumbo_tx tcpjumbo_rx; then
	:
elif [ "$jumbo" -gt 1500 ]; then
	if pair_setup "$jumbo"; then
		want tcpjumbo_tx && iperf_tcp tcpjumbo_tx
		want tcpjumbo_rx && iperf_tcp tcpjumbo_rx -R
	else
		err "MTU $jumbo: the link did not come back"
	fi
else
	err "no MTU above 1500 (max_mtu $max_mtu)"
fi

stop_server
exit 0
