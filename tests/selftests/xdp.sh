#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Native XDP on sgnic: every action in every mapping x completion mode,
# byte for byte; multi-buffer frames; redirects to and from veth; attach
# and detach under traffic with the link kept; AF_XDP in copy and
# zero-copy mode; what xdp_features says; and Debian's xdp-tools
# (xdp-bench) and bpftool against the port.
#
# Test frames come from xdp_frames on the remote port (netns "peer"):
# EtherType 0x88b5 with a pattern that shows any byte out of place.  The
# programs (xdp_progs.bpf.c) act on those frames only and pass the rest,
# so ARP and TCP keep working beside them.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$SGNIC_REPO/build/selftests
CTL=$BIN/xdp_ctl
FRAMES=$BIN/xdp_frames
XSK=$BIN/xsk_frames
RSSC=$BIN/rss_check
KSRC=$SGNIC_REPO/build/selftests/ksrc
N=${XDP_FRAMES:-32}

mount -t bpf bpf /sys/fs/bpf 2>/dev/null

mac_of() { cat "/sys/class/net/$1/address"; }
peer_mac() { peer cat "/sys/class/net/$REMOTE_IF/address"; }
# The remote port's frames to the local one: xdp_frames MODE COUNT SIZE.
frames() { peer "$FRAMES" "$1" "$REMOTE_IF" "$(mac_of "$LOCAL_IF")" "$2" "$3"; }

attach() { "$CTL" attach "$LOCAL_IF" "$@"; }
detach() { "$CTL" detach "$LOCAL_IF"; }
# The remote port receives what integrity sends: XDP_PASS is checked there.
peer_attach() { peer "$CTL" attach "$REMOTE_IF" "$@"; }
peer_detach() { peer "$CTL" detach "$REMOTE_IF" 2>/dev/null; }
prog_id() { "$CTL" id "${1:-$LOCAL_IF}"; }

xdp_setup() {
	local mtu=${1:-1500}
	[ -x "$CTL" ] && [ -x "$FRAMES" ] && [ -f "$BIN/xdp_progs.bpf.o" ] ||
		{ echo "xdp_ctl, xdp_frames or xdp_progs.bpf.o not built"; return 1; }
	detach 2>/dev/null
	peer_detach
	pair_setup "$mtu"
}

# expect_delta COUNTER N: the local counter grew by exactly N since snap.
expect_delta() {
	local d
	d=$(delta "$1")
	[ "$d" -eq "$2" ] && return 0
	echo "$1 grew by $d, expected $2"
	return 1
}

# Every action once, in the mode set: XDP_TX and a redirect out of the
# same port (ndo_xdp_xmit) reflect frames byte for byte; XDP_DROP and
# XDP_ABORTED return nothing and count; XDP_PASS carries a TCP transfer.
actions_case() {
	local size
	xdp_setup || return 1
	set_mode "$1" "$2" || return 1
	for size in 60 1514; do
		attach xdp_tx || return 1
		snap rx_xdp_tx rx_xdp_tx_err
		frames reflect "$N" "$size" || { echo "XDP_TX, $size bytes"; return 1; }
		expect_delta rx_xdp_tx "$N" && expect_delta rx_xdp_tx_err 0 || return 1

		attach xdp_reflect "$LOCAL_IF" || return 1
		snap rx_xdp_redirect tx_xdp_xmit tx_xdp_xmit_err
		frames reflect "$N" "$size" || { echo "XDP_REDIRECT to itself, $size bytes"; return 1; }
		expect_delta rx_xdp_redirect "$N" && expect_delta tx_xdp_xmit "$N" &&
			expect_delta tx_xdp_xmit_err 0 || return 1
	done
	attach xdp_drop || return 1
	snap rx_xdp_drop
	frames none "$N" 200 || return 1
	expect_delta rx_xdp_drop "$N" || return 1

	attach xdp_aborted || return 1
	snap rx_xdp_aborted
	frames none "$N" 200 || return 1
	expect_delta rx_xdp_aborted "$N" || return 1

	attach xdp_pass && peer_attach xdp_pass || return 1
	peer_snap rx_xdp_pass
	integrity $((4 << 20)) 5401 || return 1
	[ "$(peer_delta rx_xdp_pass)" -gt 1000 ] || { echo "rx_xdp_pass +$(peer_delta rx_xdp_pass)"; return 1; }
	detach
	peer_detach
	echo "$1/$2: XDP_TX, XDP_REDIRECT, XDP_DROP, XDP_ABORTED, XDP_PASS as expected"
}
t_actions_sg_writeback() { actions_case sg writeback; }
t_actions_sg_interrupt() { actions_case sg interrupt; }
t_actions_single_writeback() { actions_case single writeback; }
t_actions_single_interrupt() { actions_case single interrupt; }
ksft_case actions_sg_writeback
ksft_case actions_sg_interrupt
ksft_case actions_single_writeback
ksft_case actions_single_interrupt

# Multi-buffer frames at MTU 9000 (three buffers each) through xdp.frags
# programs, in every mode.  In single-transfer mode a frame that must go
# out in one transfer is first copied to one buffer: tx_linearized.
multibuf_case() {
	local size lin
	xdp_setup 9000 || return 1
	set_mode "$1" "$2" || return 1
	snap tx_linearized rx_xdp_frags_drop
	for size in 3600 9014; do
		attach xdp_tx_mb || return 1
		snap rx_xdp_tx
		frames reflect 16 "$size" || { echo "XDP_TX, $size bytes"; return 1; }
		expect_delta rx_xdp_tx 16 || return 1
		attach xdp_reflect_mb "$LOCAL_IF" || return 1
		snap tx_xdp_xmit
		frames reflect 16 "$size" || { echo "XDP_REDIRECT, $size bytes"; return 1; }
		expect_delta tx_xdp_xmit 16 || return 1
	done
	lin=$(delta tx_linearized)
	if [ "$1" = single ]; then
		[ "$lin" -ge 64 ] || { echo "single-transfer mode linearized $lin frames, expected >= 64"; return 1; }
	else
		[ "$lin" -eq 0 ] || { echo "scatter/gather mode linearized $lin"; return 1; }
	fi
	expect_delta rx_xdp_frags_drop 0 || return 1
	peer_attach xdp_pass_mb || return 1
	peer_snap rx_multi_buf rx_xdp_pass
	integrity $((4 << 20)) 5402 || return 1
	[ "$(peer_delta rx_multi_buf)" -gt 0 ] && [ "$(peer_delta rx_xdp_pass)" -gt 0 ] ||
		{ echo "no multi-buffer frame passed to the stack"; return 1; }
	detach
	peer_detach
	pair_setup 1500
	echo "$1/$2: multi-buffer XDP_TX, XDP_REDIRECT and XDP_PASS intact; tx_linearized +$lin"
}
t_multibuf_sg_writeback() { multibuf_case sg writeback; }
t_multibuf_single_interrupt() { multibuf_case single interrupt; }
t_multibuf_single_writeback() { multibuf_case single writeback; }
t_multibuf_sg_interrupt() { multibuf_case sg interrupt; }
ksft_case multibuf_sg_writeback
ksft_case multibuf_sg_interrupt
ksft_case multibuf_single_writeback
ksft_case multibuf_single_interrupt

# A program without xdp.frags cannot see frames of several buffers: the
# attach is refused at MTU 9000 with the reason, and so is raising the
# MTU under such a program.
t_frags_required() {
	local out rc=0
	xdp_setup 9000 || return 1
	out=$(attach xdp_pass 2>&1) && { echo "attached at MTU 9000 without xdp.frags"; detach; return 1; }
	echo "$out" | grep -q "xdp.frags" || { echo "no reason given: $out"; return 1; }
	echo "refused: $(echo "$out" | grep -o 'the program must.*' | head -1)"
	pair_setup 1500
	attach xdp_pass || return 1
	ip link set "$LOCAL_IF" mtu 9000 2>/dev/null && { echo "MTU 9000 accepted"; rc=1; }
	[ "$(cat /sys/class/net/$LOCAL_IF/mtu)" = 1500 ] || rc=1
	attach xdp_pass_mb || return 1
	ip link set "$LOCAL_IF" mtu 9000 || { echo "MTU 9000 refused under xdp.frags"; rc=1; }
	ip link set "$LOCAL_IF" mtu 1500
	detach
	return $rc
}
ksft_case frags_required

# veth on both sides of a redirect: sgnic -> veth (veth's ndo_xdp_xmit),
# veth -> sgnic (sgnic's ndo_xdp_xmit with frames of another device).
t_redirect_veth() {
	local rpid rc=0
	xdp_setup || return 1
	ip link del vxa 2>/dev/null
	ip link add vxa type veth peer name vxb || return 1
	ip link set vxa up && ip link set vxb up || return 1
	# veth delivers XDP frames only to a peer that runs NAPI: XDP on it
	"$CTL" attach vxb xdp_pass || rc=1
	attach xdp_redirect vxa || rc=1
	"$FRAMES" expect vxb "$(peer_mac)" "$N" 1000 >/tmp/xdp-veth.out &
	rpid=$!
	sleep 0.5
	frames send "$N" 1000 >/dev/null || rc=1
	wait $rpid || rc=1
	cat /tmp/xdp-veth.out
	detach

	# and back: frames sent into vxb come out of vxa's program into sgnic
	"$CTL" attach vxa xdp_redirect "$LOCAL_IF" || rc=1
	snap tx_xdp_xmit
	peer "$FRAMES" expect "$REMOTE_IF" "$(mac_of vxb)" "$N" 1000 >/tmp/xdp-veth.out &
	rpid=$!
	sleep 0.5
	"$FRAMES" send vxb "$(peer_mac)" "$N" 1000 >/dev/null || rc=1
	wait $rpid || rc=1
	cat /tmp/xdp-veth.out
	expect_delta tx_xdp_xmit "$N" || rc=1
	ip link del vxa
	return $rc
}
ksft_case redirect_veth

# Attach, replace and remove programs under a TCP stream: the first
# attach and the last removal rebuild the rings, a replacement swaps the
# pointer; the link never drops and the stream completes.
t_attach_under_traffic() {
	local i rc=0
	xdp_setup || return 1
	snap link_changes
	iperf_bg 16 5403
	sleep 2
	for i in 1 2 3 4; do
		attach xdp_pass || rc=1
		sleep 1
		attach xdp_drop || rc=1
		sleep 1
		detach || rc=1
		sleep 1
	done
	iperf_wait || { echo "iperf3 failed: $(tail -3 /tmp/iperf-bg.out)"; rc=1; }
	grep -E 'receiver' /tmp/iperf-bg.out | tail -1
	expect_delta link_changes 0 || rc=1
	[ "$(carrier)" = 1 ] || { echo "no carrier"; rc=1; }
	integrity $((2 << 20)) 5404 || rc=1
	return $rc
}
ksft_case attach_under_traffic

# RSC with XDP: coalesced frames of several buffers reach an xdp.frags
# program whole; a program without frags gets one-buffer frames only.
t_rsc() {
	local rc=0
	xdp_setup || return 1
	peer ethtool -K "$REMOTE_IF" rx-gro-hw on || return 1
	for p in xdp_pass_mb xdp_pass; do
		peer_attach $p || return 1
		peer_snap rx_rsc_packets rx_xdp_frags_drop rx_multi_buf rx_xdp_pass
		integrity $((8 << 20)) 5405 || rc=1
		echo "$p: rx_rsc_packets +$(peer_delta rx_rsc_packets), rx_multi_buf +$(peer_delta rx_multi_buf), rx_xdp_pass +$(peer_delta rx_xdp_pass)"
		[ "$(peer_delta rx_rsc_packets)" -gt 0 ] || { echo "nothing coalesced"; rc=1; }
		[ "$(peer_delta rx_xdp_frags_drop)" -eq 0 ] || { echo "rx_xdp_frags_drop +$(peer_delta rx_xdp_frags_drop)"; rc=1; }
		if [ $p = xdp_pass ]; then
			[ "$(peer_delta rx_multi_buf)" -eq 0 ] ||
				{ echo "multi-buffer frames for a program without frags"; rc=1; }
		else
			[ "$(peer_delta rx_multi_buf)" -gt 0 ] ||
				{ echo "no coalesced frame of several buffers"; rc=1; }
		fi
	done
	peer_detach
	peer ethtool -K "$REMOTE_IF" rx-gro-hw off
	return $rc
}
ksft_case rsc

# xsk_round LABEL RX_SIZE TX_SIZE FWD_SIZE [xsk_frames mode words]: the
# three socket tests once, in the current mapping x completion mode:
# rxdrop receives the remote port's frames intact, txonly sends frames that
# arrive intact, l2fwd reflects them.  lmac and rmac are the caller's.
xsk_round() {
	local m=$1 rxs=$2 txs=$3 fws=$4 rc=0 out rpid
	shift 4
	"$XSK" rxdrop "$LOCAL_IF" "$rmac" "$N" "$rxs" "$@" >/tmp/xsk.out 2>&1 &
	rpid=$!
	wait_for '[ "$(prog_id)" != 0 ]' 50
	sleep 0.5
	frames send "$N" "$rxs" >/dev/null
	wait $rpid || rc=1
	echo "$m: $(cat /tmp/xsk.out)"
	peer "$FRAMES" expect "$REMOTE_IF" "$lmac" "$N" "$txs" >/tmp/xsk-peer.out &
	rpid=$!
	sleep 0.5
	out=$("$XSK" txonly "$LOCAL_IF" "$rmac" "$N" "$txs" "$@" 2>&1) || rc=1
	wait $rpid || rc=1
	echo "$m: $out; $(cat /tmp/xsk-peer.out)"
	"$XSK" l2fwd "$LOCAL_IF" "$rmac" "$N" "$fws" "$@" >/tmp/xsk.out 2>&1 &
	rpid=$!
	wait_for '[ "$(prog_id)" != 0 ]' 50
	sleep 0.5
	frames reflect "$N" "$fws" || rc=1
	wait $rpid || rc=1
	echo "$m: $(cat /tmp/xsk.out)"
	return $rc
}

# AF_XDP on queue 0 (one queue pair, so that every frame lands there), in
# each mapping x completion mode, xsk_round with 1000-, 700- and 1514-byte
# frames.  Copy mode (XDP_COPY) or zero-copy (XDP_ZEROCOPY: RX into the
# umem, TX from it, tx_xsk_xmit).
afxdp_case() {
	local zc=$1 pairs rc=0 m lmac rmac
	xdp_setup || return 1
	[ -x "$XSK" ] || { echo "xsk_frames not built"; return 1; }
	pairs=$(ethtool -l "$LOCAL_IF" | awk '/^Combined:/ { v = $2 } END { print v }')
	ethtool -L "$LOCAL_IF" combined 1 && wait_link || return 1
	lmac=$(mac_of "$LOCAL_IF") rmac=$(peer_mac)
	snap tx_xsk_xmit
	for m in "sg writeback" "sg interrupt" "single writeback" "single interrupt"; do
		# shellcheck disable=SC2086 # two words: mapping and completion
		set_mode $m || { rc=1; break; }
		# shellcheck disable=SC2086 # zc or nothing
		xsk_round "$m" 1000 700 1514 $zc || { rc=1; break; }
	done
	# zero-copy TX is the driver's own; copy mode's goes through the stack
	if [ -n "$zc" ]; then
		[ "$(delta tx_xsk_xmit)" -ge $((8 * N)) ] || { echo "tx_xsk_xmit +$(delta tx_xsk_xmit)"; rc=1; }
	else
		expect_delta tx_xsk_xmit 0 || rc=1
	fi
	[ "$(prog_id)" = 0 ] || { echo "libxdp left its program"; detach; rc=1; }
	set_mode sg writeback
	ethtool -L "$LOCAL_IF" combined "${pairs:-2}"
	wait_link
	integrity $((1 << 20)) 5406 || rc=1
	return $rc
}
t_afxdp_copy() { afxdp_case ""; }
t_afxdp_zerocopy() { afxdp_case zc; }
ksft_case afxdp_copy
ksft_case afxdp_zerocopy

# Zero-copy frames the device cannot take as one element (here: above a
# MAX_SEG of 1024) are not sent: the socket still gets every frame back,
# in order (tx_xsk_refused), no channel halts, and frames that fit go out.
t_afxdp_refused() {
	local rc=0 rmac lmac rpid out
	qom_defaults && qom_set "$LOCAL_NIC" max-seg 1024 && reload_module || return 1
	xdp_setup || return 1
	ethtool -L "$LOCAL_IF" combined 1 && wait_link || return 1
	rmac=$(peer_mac) lmac=$(mac_of "$LOCAL_IF")
	snap tx_xsk_refused tx_xsk_xmit chan_resets
	out=$("$XSK" txonly "$LOCAL_IF" "$rmac" "$N" 1500 zc 2>&1) || rc=1
	echo "1500 bytes: $out; tx_xsk_refused +$(delta tx_xsk_refused)"
	expect_delta tx_xsk_refused "$N" && expect_delta tx_xsk_xmit 0 || rc=1
	peer "$FRAMES" expect "$REMOTE_IF" "$lmac" "$N" 1000 >/tmp/xsk-peer.out &
	rpid=$!
	sleep 0.5
	out=$("$XSK" txonly "$LOCAL_IF" "$rmac" "$N" 1000 zc 2>&1) || rc=1
	wait $rpid || rc=1
	echo "1000 bytes: $out; $(cat /tmp/xsk-peer.out)"
	expect_delta tx_xsk_xmit "$N" && expect_delta chan_resets 0 || rc=1
	qom_defaults && reload_module && pair_setup || rc=1
	return $rc
}
ksft_case afxdp_refused

# Multi-buffer AF_XDP (XDP_USE_SG) at MTU 9000 on one queue pair, with the
# xdp.frags program of xdp_progs.bpf.o, in each mapping x completion mode:
# rxdrop gets 9000-byte frames of three umem frames each intact, txonly
# sends 9014-byte frames as four descriptors (3000, 3000, 3000, 14 bytes)
# that arrive intact, l2fwd reflects frames descriptor by descriptor.  In
# zero-copy mode (zc-sg) the driver chains one element per descriptor; in
# single-transfer mode it copies a packet to one buffer (tx_linearized).
# Copy mode (sg) is the core's and runs in the first mode only.
afxdp_mb_case() {
	local how=$1 rc=0 m lmac rmac pairs obj=$BIN/xdp_progs.bpf.o lin
	xdp_setup 9000 || return 1
	pairs=$(ethtool -l "$LOCAL_IF" | awk '/^Combined:/ { v = $2 } END { print v }')
	ethtool -L "$LOCAL_IF" combined 1 && wait_link || return 1
	lmac=$(mac_of "$LOCAL_IF") rmac=$(peer_mac)
	snap tx_xsk_xmit tx_xsk_refused tx_linearized rx_xdp_frags_drop rx_frame_err
	for m in "sg writeback" "sg interrupt" "single writeback" "single interrupt"; do
		# shellcheck disable=SC2086 # two words: mapping and completion
		set_mode $m || { rc=1; break; }
		xsk_round "$m" 9000 9014 9014 "$how" "$obj" || { rc=1; break; }
		[ "$how" = zc-sg ] || break
	done
	lin=$(delta tx_linearized)
	if [ "$how" = zc-sg ]; then
		# txonly and l2fwd in four modes; in the two single ones, copied
		[ "$(delta tx_xsk_xmit)" -ge $((8 * N)) ] || { echo "tx_xsk_xmit +$(delta tx_xsk_xmit)"; rc=1; }
		[ "$lin" -ge $((4 * N)) ] || { echo "tx_linearized +$lin, expected >= $((4 * N))"; rc=1; }
	else
		expect_delta tx_xsk_xmit 0 || rc=1
	fi
	expect_delta tx_xsk_refused 0 && expect_delta rx_xdp_frags_drop 0 &&
		expect_delta rx_frame_err 0 || rc=1
	[ "$(prog_id)" = 0 ] || { echo "xsk_frames left its program"; detach; rc=1; }
	set_mode sg writeback
	ethtool -L "$LOCAL_IF" combined "${pairs:-2}"
	wait_link
	pair_setup 1500
	integrity $((1 << 20)) 5408 || rc=1
	return $rc
}
t_afxdp_multibuf_copy() { afxdp_mb_case sg; }
t_afxdp_multibuf_zerocopy() { afxdp_mb_case zc-sg; }
ksft_case afxdp_multibuf_copy
ksft_case afxdp_multibuf_zerocopy

# Other verdicts on a zero-copy queue bound with XDP_USE_SG, while
# xsk_frames holds the socket: XDP_PASS copies a frame of three umem frames
# to an skb (checked byte for byte by an AF_PACKET receiver), and a
# one-umem-frame XDP_TX goes out intact; XDP_TX and a redirect to a
# device of a multi-buffer frame are refused and counted (6.12 would turn
# its first umem frame alone into an xdp_frame), the umem frames returned.
t_afxdp_multibuf_verdicts() {
	local rc=0 hpid rpid lmac rmac pairs obj=$BIN/xdp_progs.bpf.o
	xdp_setup 9000 || return 1
	pairs=$(ethtool -l "$LOCAL_IF" | awk '/^Combined:/ { v = $2 } END { print v }')
	ethtool -L "$LOCAL_IF" combined 1 && wait_link || return 1
	lmac=$(mac_of "$LOCAL_IF") rmac=$(peer_mac)
	"$XSK" hold "$LOCAL_IF" "$rmac" 60 60 zc-sg "$obj" >/tmp/xsk.out 2>&1 &
	hpid=$!
	wait_for '[ "$(prog_id)" != 0 ]' 50 || { cat /tmp/xsk.out; rc=1; }
	attach xdp_pass_mb || rc=1
	snap rx_xdp_pass rx_xdp_tx rx_xdp_tx_err rx_xdp_redirect_err
	"$FRAMES" expect "$LOCAL_IF" "$rmac" "$N" 9014 >/tmp/xsk-local.out &
	rpid=$!
	sleep 0.5
	frames send "$N" 9014 >/dev/null
	wait $rpid || rc=1
	echo "XDP_PASS: $(cat /tmp/xsk-local.out)"
	# the program passes ARP and neighbour discovery too
	[ "$(delta rx_xdp_pass)" -ge "$N" ] || { echo "rx_xdp_pass +$(delta rx_xdp_pass)"; rc=1; }
	attach xdp_tx_mb || rc=1
	frames reflect "$N" 1000 || { echo "XDP_TX of one umem frame"; rc=1; }
	expect_delta rx_xdp_tx "$N" || rc=1
	frames none "$N" 9014 || { echo "XDP_TX of three umem frames came back"; rc=1; }
	expect_delta rx_xdp_tx_err "$N" || rc=1
	attach xdp_reflect_mb "$LOCAL_IF" || rc=1
	frames none "$N" 9014 || { echo "a redirected multi-buffer frame came back"; rc=1; }
	expect_delta rx_xdp_redirect_err "$N" || rc=1
	kill $hpid 2>/dev/null
	wait $hpid 2>/dev/null
	detach
	ethtool -L "$LOCAL_IF" combined "${pairs:-2}"
	wait_link
	pair_setup 1500
	integrity $((1 << 20)) 5409 || rc=1
	return $rc
}
ksft_case afxdp_multibuf_verdicts

# A queue switches between zero-copy and normal operation under a TCP
# stream: a zero-copy socket comes and goes four times (while it is bound,
# its program takes every frame of the queue, so the stream pauses); the
# link never drops and the stream completes.
t_afxdp_switch() {
	local i rc=0 rmac rpid pairs
	xdp_setup || return 1
	rmac=$(peer_mac)
	pairs=$(ethtool -l "$LOCAL_IF" | awk '/^Combined:/ { v = $2 } END { print v }')
	ethtool -L "$LOCAL_IF" combined 1 && wait_link || return 1
	snap link_changes
	iperf_bg 24 5407
	sleep 2
	for i in 1 2 3 4; do
		"$XSK" rxdrop "$LOCAL_IF" "$rmac" 8 200 zc >/tmp/xsk.out 2>&1 &
		rpid=$!
		wait_for '[ "$(prog_id)" != 0 ]' 50
		sleep 0.5
		frames send 8 200 >/dev/null
		wait $rpid || { cat /tmp/xsk.out; rc=1; }
		sleep 2
	done
	iperf_wait || { echo "iperf3 failed: $(tail -3 /tmp/iperf-bg.out)"; rc=1; }
	grep -E 'receiver' /tmp/iperf-bg.out | tail -1
	expect_delta link_changes 0 || rc=1
	ethtool -L "$LOCAL_IF" combined "${pairs:-2}"
	wait_link
	integrity $((1 << 20)) 5408 || rc=1
	return $rc
}
ksft_case afxdp_switch


# What the port says it can do (netdev netlink dev-get) and what the
# kernel shows once a program is on.
t_features() {
	local out f rc=0 idx
	xdp_setup || return 1
	idx=$(cat /sys/class/net/$LOCAL_IF/ifindex)
	out=$(python3 "$KSRC/tools/net/ynl/cli.py" --spec "$KSRC/Documentation/netlink/specs/netdev.yaml" \
		--no-schema --do dev-get --json "{\"ifindex\": $idx}" --output-json 2>&1) ||
		{ echo "$out"; return 1; }
	echo "$out"
	for f in basic redirect ndo-xmit rx-sg ndo-xmit-sg xsk-zerocopy; do
		echo "$out" | grep -q "\"$f\"" || { echo "xdp-features lacks $f"; rc=1; }
	done
	echo "$out" | grep -q '"xdp-rx-metadata-features": \["hash"\]' ||
		{ echo "xdp-rx-metadata-features is not [hash]"; rc=1; }
	attach xdp_pass || return 1
	ip link show "$LOCAL_IF" | grep -q "prog/xdp id $(prog_id)" ||
		{ ip link show "$LOCAL_IF"; echo "ip link shows no native program"; rc=1; }
	bpftool net show dev "$LOCAL_IF" | grep -q "driver id $(prog_id)" ||
		{ bpftool net show dev "$LOCAL_IF"; rc=1; }
	detach
	[ "$(prog_id)" = 0 ] || rc=1
	return $rc
}
ksft_case features

# Debian's xdp-tools: xdp-bench drop, pass and tx count what the remote
# port sends (its programs see every frame, so at least ours).
t_xdp_bench() {
	local mode ctr rc=0 got
	command -v xdp-bench >/dev/null || { skip "xdp-tools not installed"; return; }
	xdp_setup || return 1
	for mode in drop pass tx; do
		ctr=rx_xdp_$mode
		snap "$ctr"
		# line-buffered, so that its reports reach the file as it prints
		timeout -s INT 12 stdbuf -oL xdp-bench "$mode" -i 1 "$LOCAL_IF" \
			>/tmp/xdp-bench.out 2>&1 &
		# xdp-bench counts from the map snapshot it takes after attaching:
		# frames sent before its first report would be missed from its
		# total (one was, once, in the IOMMU boot), so wait for that report
		wait_for 'grep -q Summary /tmp/xdp-bench.out' 60 ||
			{ cat /tmp/xdp-bench.out; rc=1; }
		frames send 400 60 >/dev/null
		wait
		got=$(sed -n 's/^ *Packets received *: *\([0-9]*\).*/\1/p' /tmp/xdp-bench.out)
		echo "xdp-bench $mode: ${got:-no} packets received, $ctr +$(delta "$ctr")"
		# the driver saw every frame (and any stray ARP or ND beside them)
		# reach the program: that count is the exact one.  xdp-bench's
		# own total may miss a frame between two of its samples (399 of
		# 400 seen with the driver at +400), so it must show nearly all
		[ "$(delta "$ctr")" -ge 400 ] || rc=1
		[ "${got:-0}" -ge 390 ] || { cat /tmp/xdp-bench.out; rc=1; }
		[ "$(prog_id)" = 0 ] || { echo "xdp-bench left its program"; rc=1; detach; }
	done
	return $rc
}
ksft_case xdp_bench

# Frames made by BPF_PROG_RUN in live-frames mode leave the remote port
# through its ndo_xdp_xmit (xdp_ctl livegen; xdp-trafficgen does the same
# but Debian 12's 1.3.1 refuses the 6.12 kernel: "Kernel doesn't support
# live packet mode").  The local port drops them in XDP and counts each.
t_live_frames() {
	local rc=0 sent got lost
	xdp_setup || return 1
	attach xdp_drop || return 1
	snap rx_xdp_drop hw_rx_nobuf_drops
	peer_snap tx_xdp_xmit tx_xdp_xmit_err
	peer "$CTL" livegen "$REMOTE_IF" "$(mac_of "$LOCAL_IF")" 2000 || rc=1
	sent=$(peer_delta tx_xdp_xmit)
	# every frame sent is dropped by XDP or, RX ring full, by the device
	wait_for '[ $(($(delta rx_xdp_drop) + $(delta hw_rx_nobuf_drops))) -ge "$sent" ]' 50
	got=$(delta rx_xdp_drop) lost=$(delta hw_rx_nobuf_drops)
	echo "live frames: 2000 generated, remote tx_xdp_xmit +$sent (err +$(peer_delta tx_xdp_xmit_err)), local rx_xdp_drop +$got, hw_rx_nobuf_drops +$lost"
	# the generator retries nothing: a full ring refuses and counts
	[ $((sent + $(peer_delta tx_xdp_xmit_err))) -eq 2000 ] || rc=1
	[ $((got + lost)) -eq "$sent" ] || rc=1
	[ "$got" -gt 0 ] || rc=1
	detach
	return $rc
}
ksft_case live_frames

# bpf_xdp_metadata_rx_hash(): a dev-bound program records, per UDP flow,
# the hash and type the driver hands it; each must be the Toeplitz hash
# of the flow's 4-tuple (rss_check, under the key ethtool reports) and
# XDP_RSS_TYPE_L4_IPV4_UDP (41).
t_rx_hash_metadata() {
	local rc=0 n=0 sport hash type err want
	command -v bpftool >/dev/null || { skip "bpftool not installed"; return; }
	ethtool -x "$LOCAL_IF" >/dev/null 2>&1 || { skip "no RSS on $LOCAL_IF"; return; }
	xdp_setup || return 1
	attach xdp_rx_hash_meta || return 1
	peer "$RSSC" send "$LOCAL_V4" 7777 16 1 udp >/dev/null
	sleep 0.5
	# the guest has no /dev/fd: the map goes through a file
	bpftool -j map dump name rx_hashes | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    v = e.get("formatted", e)
    print(v["key"], v["value"]["hash"], v["value"]["type"], v["value"]["err"])' >/tmp/rx_hashes
	while read -r sport hash type err; do
		n=$((n + 1))
		want=$("$RSSC" hash "$LOCAL_IF" "$REMOTE_V4" "$LOCAL_V4" "$sport" 7777)
		[ "$err" = 0 ] && [ "$hash" = "$want" ] && [ "$type" = 41 ] && continue
		echo "source port $sport: hash $hash type $type err $err, expected hash $want type 41"
		rc=1
	done </tmp/rx_hashes
	# 16 sockets in a row may reuse a closed one's source port
	echo "$n flows checked"
	[ "$n" -ge 8 ] || rc=1
	detach
	return $rc
}
ksft_case rx_hash_metadata

ksft_run "$@"
rc=$?
detach 2>/dev/null
pair_setup >/dev/null 2>&1
exit $rc
