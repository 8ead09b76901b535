#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kernel's packet generator (pktgen, /proc/net/pktgen) from eth0 to the
# peer port's MAC and IP, in both mapping modes, each case once with
# interrupt-only completion and once with status writeback:
#
#   flood      60-byte frames (64 on the wire) to the peer through the
#              staging copy; then 50000 at full rate, each mapped
#              (tx-copybreak 0), to an address the peer's device filters
#   burst      burst 8 and burst 32: xmit_more batches, one doorbell each
#   clone_skb  clone_skb 100: one skb queued many times over (shared skbs)
#   frags      frags 4: head plus four page fragments; single-transfer
#              mode must linearize every one
#   mtu_sized  1500-byte frames and full 1514-byte (MTU 1500) ones
#
# Every run: pktgen reports what it sent (pkts-sofar, no errors), the
# driver completes exactly that many (tx_packets, give or take background
# frames), the peer counts every one, no fault counter moves on either
# port, the completion mode is the one asked for, and a ping goes through
# afterwards.  The last case checks that the runs left the log clean.
# PKTGEN_COUNT and PKTGEN_FLOOD_COUNT set the frames per run.
set -u
. "$(dirname "$0")/lib.sh"

PG=/proc/net/pktgen
# Frames per run to the peer: at most what QEMU queues for a receiver that
# has fallen behind (10000 frames, net/queue.c) beyond its RX ring, so the
# hub cannot drop one however slowly the peer drains (a larger count at
# full rate loses frames there, uncounted by either device).  A multiple
# of 32: a whole number of bursts.
COUNT=${PKTGEN_COUNT:-9984}
# Frames per flood run to an address the peer's device filters out: it
# counts them (hw_rx_filtered) as they arrive and queues none.
FLOOD_COUNT=${PKTGEN_FLOOD_COUNT:-50000}
FILTERED_MAC=02:00:00:5e:00:01
# Neighbour discovery, MLD and ICMP frames that share the ports with a run.
SLACK=20
FAULTS="chan_resets watchdog_halts tx_timeouts tx_drop_too_fragmented
	tx_drop_too_many_transfers tx_drop_no_resources tx_map_err tx_dev_refused"
PEER_FAULTS="hw_rx_nobuf_drops rx_alloc_fail rx_frame_err chan_resets"
DMESG_MARK=/tmp/pktgen-dmesg-lines

# pg FILE "COMMAND": one pktgen command; the file answers "Result: OK:".
pg() {
	local out
	echo "$2" >"$PG/$1" 2>/dev/null
	out=$(<"$PG/$1")
	[[ $out == *"Result: OK:"* ]] && return 0
	echo "pktgen $1 '$2': ${out##*Result: }"
	return 1
}

# pg_set KEY VALUE...: device parameters of the local port.
pg_set() {
	while [ $# -ge 2 ]; do
		pg "$LOCAL_IF" "$1 $2" || return 1
		shift 2
	done
}

peer_mac() { peer cat "/sys/class/net/$REMOTE_IF/address"; }

# Attach the local port to pktgen's first thread with plain settings.
pg_setup() {
	[ -e "$PG/pgctrl" ] || modprobe pktgen 2>/dev/null ||
		{ skip "no pktgen module for this kernel"; return; }
	[ -e "$PG/kpktgend_0" ] || { skip "pktgen has no thread 0"; return; }
	pair_setup || return 1
	[ -e "$DMESG_MARK" ] || dmesg_bad | wc -l >"$DMESG_MARK"
	pg kpktgend_0 rem_device_all || return 1
	pg kpktgend_0 "add_device $LOCAL_IF" || return 1
	pg_set count "$COUNT" pkt_size 60 delay 0 burst 1 clone_skb 0 frags 0 \
		dst "$REMOTE_V4" dst_mac "$(peer_mac)"
}

pg_teardown() {
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 256
	[ ! -e "$PG/kpktgend_0" ] || echo rem_device_all >"$PG/kpktgend_0"
}

# Every ethtool -S counter of a port in one read (a run checks some twenty
# of both): BEFORE/AFTER here, PBEFORE/PAFTER on the peer; d and pd give
# the growth.
declare -A BEFORE=() AFTER=() PBEFORE=() PAFTER=()
read_stats() {
	local -n into=$1
	local k v
	# shellcheck disable=SC2034 # into is a reference to the caller's array
	while read -r k v; do
		into[${k%:}]=$v
	done <<<"$(${2:+peer} ethtool -S "${2:-$LOCAL_IF}")"
}
d() { echo $((${AFTER[$1]:-0} - ${BEFORE[$1]:-0})); }
pd() { echo $((${PAFTER[$1]:-0} - ${PBEFORE[$1]:-0})); }

# pg_run LABEL [filtered]: start pktgen with the current settings and check
# the run: every frame pktgen sent is completed by the driver and counted
# by the peer, in rx_packets or (filtered) by its device's address filter.
# MODE is the mapping/completion mode in use.  Leaves SENT and the
# counters for the caller's own checks.
SENT=0 MODE=sg/writeback
pg_run() {
	local label="$MODE $1" out errs='?' pps='?' want tx got k peerk=rx_packets
	[ "${2:-}" != filtered ] || peerk=hw_rx_filtered
	SENT=0
	read_stats BEFORE
	read_stats PBEFORE "$REMOTE_IF"
	# A signal stops pktgen: a stuck queue cannot hang the test.
	timeout 120 sh -c "echo start >$PG/pgctrl" ||
		{ echo "$label: pktgen did not finish in 120 s"; return 1; }
	out=$(<"$PG/$LOCAL_IF")
	[[ $out =~ Params:\ count\ ([0-9]+) ]] && want=${BASH_REMATCH[1]}
	[[ $out =~ pkts-sofar:\ ([0-9]+)\ +errors:\ ([0-9]+) ]] &&
		SENT=${BASH_REMATCH[1]} errs=${BASH_REMATCH[2]}
	[[ $out =~ \ ([0-9]+)pps ]] && pps=${BASH_REMATCH[1]}
	[[ $out == *"Result: OK: "* ]] || { echo "$label: ${out##*Result: }"; return 1; }
	# Completions and the peer's receive may lag the generator a little.
	for _ in $(seq 1 50); do
		read_stats AFTER
		read_stats PAFTER "$REMOTE_IF"
		[ "$(d tx_packets)" -lt "$SENT" ] || [ "$(pd $peerk)" -lt "$SENT" ] || break
		sleep 0.2
	done
	tx=$(d tx_packets) got=$(pd $peerk)
	echo "$label: sent $SENT at $pps pps, errors $errs; tx_packets +$tx (device" \
		"+$(d hw_tx_packets)), doorbells +$(d tx_doorbells), copybreak +$(d tx_copybreak)," \
		"linearized +$(d tx_linearized), busy +$(d tx_busy), watchdog_kicks +$(d watchdog_kicks);" \
		"peer $peerk +$got (device rx +$(pd hw_rx_packets))"
	# A burst cut short by a stopped queue starts afresh: pktgen may send
	# up to one burst more than asked.
	[ "$SENT" -ge "${want:-1}" ] && [ "$errs" = 0 ] ||
		{ echo "$label: pktgen sent $SENT of ${want:-?} with $errs errors"; return 1; }
	[ "$tx" -ge "$SENT" ] && [ "$tx" -le $((SENT + SLACK)) ] ||
		{ echo "$label: the driver completed $tx for $SENT sent"; return 1; }
	[ "$got" -ge "$SENT" ] && [ "$got" -le $((SENT + SLACK)) ] ||
		{ echo "$label: the peer counted $got of $SENT in $peerk"; return 1; }
	for k in $FAULTS; do
		[ "$(d "$k")" -eq 0 ] || { echo "$label: $k +$(d "$k")"; return 1; }
	done
	for k in $PEER_FAULTS; do
		[ "$(pd "$k")" -eq 0 ] || { echo "$label: peer $k +$(pd "$k")"; return 1; }
	done
	# The completion mode in use is the one asked for.
	case $MODE in
	*/writeback) [ "$(d hw_writebacks)" -gt 0 ] || { echo "$label: no writebacks"; return 1; } ;;
	*) [ "$(d hw_writebacks)" -eq 0 ] || { echo "$label: $(d hw_writebacks) writebacks"; return 1; } ;;
	esac
	ping -q -c 1 -W 2 "$REMOTE_V4" >/dev/null || { echo "$label: no ping after the run"; return 1; }
}

# pg_case MAP KIND: KIND's runs in mapping mode MAP, interrupt then
# writeback completion (so that sg cases end in the default mode).
pg_case() {
	local map=$1 kind=$2 compl rc=0
	pg_setup || return $?
	for compl in interrupt writeback; do
		MODE=$map/$compl
		set_mode "$map" "$compl" || { echo "set_mode $MODE failed"; rc=1; break; }
		"kind_$kind" || { rc=1; break; }
	done
	pg_teardown
	set_mode sg writeback
	return $rc
}

# Frames to the peer through the staging copy, then a flood to the
# filtered address with tx-copybreak 0: one mapping per frame.
kind_flood() {
	pg_set pkt_size 60 || return 1
	pg_run "60 B" || return 1
	[ "$(d tx_copybreak)" -ge "$SENT" ] ||
		{ echo "only $(d tx_copybreak) of $SENT copied to staging"; return 1; }
	pg_set count "$FLOOD_COUNT" dst_mac "$FILTERED_MAC" || return 1
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 0 || return 1
	pg_run "60 B flood, filtered, tx-copybreak 0" filtered || return 1
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 256 || return 1
	[ "$(d tx_copybreak)" -le $SLACK ] || { echo "$(d tx_copybreak) copied with copybreak 0"; return 1; }
	pg_set count "$COUNT" dst_mac "$(peer_mac)"
}

# A burst rings the doorbell once per burst, and again where BQL or a full
# ring stops the queue: allow twice that.
kind_burst() {
	pg_set pkt_size 60 burst 8 || return 1
	pg_run "burst 8, 60 B" || return 1
	[ "$(d tx_doorbells)" -le $((SENT / 4 + SLACK)) ] ||
		{ echo "burst 8: $(d tx_doorbells) doorbells"; return 1; }
	pg_set pkt_size 1000 burst 32 || return 1
	pg_run "burst 32, 1000 B" || return 1
	[ "$(d tx_doorbells)" -le $((SENT / 16 + SLACK)) ] ||
		{ echo "burst 32: $(d tx_doorbells) doorbells"; return 1; }
	pg_set burst 1
}

# One skb sent a hundred times over: several ring slots hold it at once,
# copied (60 B) or mapped once per slot (1000 B).
kind_clone_skb() {
	pg_set clone_skb 100 pkt_size 60 || return 1
	pg_run "clone_skb 100, 60 B" || return 1
	pg_set pkt_size 1000 || return 1
	pg_run "clone_skb 100, 1000 B" || return 1
	pg_set clone_skb 0
}

# pktgen puts all four fragments on one page: scatter/gather maps each, a
# single transfer cannot describe them and rearranges every frame.
kind_frags() {
	pg_set pkt_size 1000 frags 4 || return 1
	pg_run "frags 4, 1000 B" || return 1
	case $MODE in
	single/*)
		[ "$(d tx_linearized)" -ge "$SENT" ] ||
			{ echo "single transfer linearized $(d tx_linearized) of $SENT"; return 1; }
		;;
	*) [ "$(d tx_linearized)" -eq 0 ] || { echo "scatter/gather linearized $(d tx_linearized)"; return 1; } ;;
	esac
	pg_set frags 0
}

# 1514 bytes is the largest frame of MTU 1500 (pkt_size leaves out the FCS).
kind_mtu_sized() {
	pg_set pkt_size 1500 || return 1
	pg_run "1500 B" || return 1
	pg_set pkt_size 1514 || return 1
	pg_run "1514 B"
}

t_flood_sg() { pg_case sg flood; }
t_flood_single() { pg_case single flood; }
t_burst_sg() { pg_case sg burst; }
t_burst_single() { pg_case single burst; }
t_clone_skb_sg() { pg_case sg clone_skb; }
t_clone_skb_single() { pg_case single clone_skb; }
t_frags_sg() { pg_case sg frags; }
t_frags_single() { pg_case single frags; }
t_mtu_sized_sg() { pg_case sg mtu_sized; }
t_mtu_sized_single() { pg_case single mtu_sized; }
ksft_case flood_sg
ksft_case flood_single
ksft_case burst_sg
ksft_case burst_single
ksft_case clone_skb_sg
ksft_case clone_skb_single
ksft_case frags_sg
ksft_case frags_single
ksft_case mtu_sized_sg
ksft_case mtu_sized_single

# The runs added no warning to the kernel log (what was there before they
# started is dmesg.sh's business).
t_dmesg_clean() {
	local bad before=0
	[ ! -e "$DMESG_MARK" ] || before=$(cat "$DMESG_MARK")
	rm -f "$DMESG_MARK"
	modprobe -r pktgen 2>/dev/null
	bad=$(dmesg_bad | tail -n +"$((before + 1))")
	[ -z "$bad" ] || { echo "$bad" | head -30; return 1; }
}
ksft_case dmesg_clean

ksft_run "$@"
