#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Allocation failures injected into sgnic.ko with the kernel's fault
# injection (failslab, fail_page_alloc), limited by the stack-trace filter
# to allocations made from sgnic's own code; the kernel that `make
# debug-kernel` builds has them, a stock kernel skips these cases.
#
#   rx_page_alloc   30 % of page allocations fail under a checked transfer:
#                   the RX rings run short, count rx_alloc_fail, and refill
#                   once pages come back; every byte arrives
#   rx_slab         10 % of slab allocations fail (skb heads) under a
#                   checked transfer: same
#   reconfig        every allocation fails while ethtool -G, -L,
#                   --set-priv-flags and an offline -t run: each is refused
#                   (-G with its extack message), the settings stay as they
#                   were and the interface keeps passing traffic; without
#                   the faults the same changes then succeed
#   open            ip link set up with every allocation failing fails
#                   cleanly (interface down, nothing half up); the next up
#                   works
#   tiny_swiotlb    in a boot with a small bounce buffer (run-boots.sh
#                   boot "tinytlb": swiotlb=4096,force, 8 MiB): RX rings
#                   of 4096 entries want more than it holds, so refill and
#                   transmit mappings fail (counted, unwound); back at 256
#                   entries a checked transfer arrives whole, and with both
#                   ports down every bounce slot they held is free again
#
# The allocation-failure reports these provoke are expected; the window's
# log must hold no other warning, and is then cleared so that dmesg.sh does
# not count them (it checks the log up to here first: nothing is lost).
set -u
. "$(dirname "$0")/lib.sh"

DBG=/sys/kernel/debug
mountpoint -q $DBG 2>/dev/null || mount -t debugfs none $DBG 2>/dev/null

have_fi() {
	[ -e $DBG/failslab/require-start ] && [ -e $DBG/fail_page_alloc/require-start ]
}

# sgnic.ko's text: lowest and highest text symbol (the end rounded up a page).
SG_START='' SG_END=''
sgnic_text() {
	local r
	# Fixed-width hex: string order is address order (mawk has no strtonum).
	r=$(awk '$4 == "[sgnic]" && ($2 == "t" || $2 == "T") {
		if (lo == "" || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { if (lo != "") print lo, hi }' /proc/kallsyms)
	[ -n "$r" ] || return 1
	SG_START=0x${r% *}
	SG_END=$(printf '0x%x' $((16#${r#* } + 4096)))
}

# DMA-API debug's own bookkeeping (kernel/dma/debug.c) allocates inside
# sgnic's mapping calls: a failure there switches the checker off ("dma-debug
# disabled"), so those stacks are rejected.  Empty range on other kernels.
DD_START=0 DD_END=0
dma_debug_text() {
	local a lo='' hi='' anchor
	anchor=$(awk 'NF == 3 && $3 == "add_dma_entry" { print $1 }' /proc/kallsyms)
	[ -n "$anchor" ] || return 0
	anchor=$((16#$anchor))
	# The file's functions sit together around add_dma_entry; init code
	# of the same names lies elsewhere and must not widen the range.
	for a in $(awk 'NF == 3 && ($2 == "t" || $2 == "T") &&
		$3 ~ /^(debug_dma_|dma_debug_|add_dma_entry$|dma_entry_alloc$|check_unmap$|check_sync$)/ { print $1 }' /proc/kallsyms); do
		a=$((16#$a))
		[ $((a - anchor)) -lt 65536 ] && [ $((anchor - a)) -lt 65536 ] || continue
		{ [ -z "$lo" ] || [ $((a - lo)) -lt 0 ]; } && lo=$a
		{ [ -z "$hi" ] || [ $((a - hi)) -gt 0 ]; } && hi=$a
	done
	DD_START=$(printf '0x%x' "$lo")
	DD_END=$(printf '0x%x' $((hi + 4096)))
}

# fault_on WHICH PERCENT: fail PERCENT % of the allocations sgnic makes,
# sleeping ones included.  fault_off WHICH.
fault_on() {
	local d=$DBG/$1
	echo 0 >"$d/probability"
	echo 0 >"$d/verbose"
	echo N >"$d/task-filter"
	echo 0 >"$d/space"
	echo 1 >"$d/interval"
	echo -1 >"$d/times"
	echo N >"$d/ignore-gfp-wait"
	[ -e "$d/ignore-gfp-highmem" ] && echo N >"$d/ignore-gfp-highmem"
	[ -e "$d/min-order" ] && echo 0 >"$d/min-order"
	echo 32 >"$d/stacktrace-depth"
	echo "$SG_START" >"$d/require-start"
	echo "$SG_END" >"$d/require-end"
	echo "$DD_START" >"$d/reject-start"
	echo "$DD_END" >"$d/reject-end"
	echo "$2" >"$d/probability"
}
fault_off() { echo 0 >"$DBG/$1/probability"; }
faults_off() { fault_off failslab; fault_off fail_page_alloc; }

# The log before this program must be clean (what dmesg.sh would check);
# MARK is where this program's window starts.
MARK=0
fi_setup() {
	local bad
	have_fi || { skip "no failslab/fail_page_alloc stack filter in this kernel (make debug-kernel builds one)"; return; }
	sgnic_text || { echo "no sgnic text symbols in /proc/kallsyms"; return 1; }
	dma_debug_text
	echo "faults limited to sgnic text $SG_START-$SG_END, DMA-API debug $DD_START-$DD_END excluded"
	bad=$(dmesg_bad)
	[ -z "$bad" ] || { echo "the log was not clean before faults.sh:"; echo "$bad" | head; return 1; }
	MARK=$(dmesg | wc -l)
	pair_setup
}

# Real bugs in the window (allocation-failure reports are expected there:
# their call traces are not bugs).
window_bad() {
	dmesg | tail -n +"$((MARK + 1))" |
		grep -E 'WARNING:|BUG:|BUG |Oops|general protection|KASAN|UBSAN|DMA-API|kmemleak|refcount_t|list_(add|del) corruption|unregister_netdevice: waiting|hung_task|soft lockup|rcu_sched self-detected|page_pool.*(stalled|leak)' |
		grep -Ev 'DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config)'
}

fi_done() {
	local bad rc=$1
	faults_off
	bad=$(window_bad)
	[ -z "$bad" ] || { echo "$bad" | head -20; rc=1; }
	# Only expected reports are left in the window: clear them for dmesg.sh.
	[ "$rc" != 0 ] || dmesg -C
	return "$rc"
}

alloc_fails() { echo $(($(stat_of rx_alloc_fail) + $(peer_stat_of rx_alloc_fail))); }

# under_faults WHICH PERCENT PORT: a checked transfer with the faults on.
under_faults() {
	local rc=0 before after
	fi_setup || return
	before=$(alloc_fails)
	fault_on "$1" "$2"
	integrity $((8 << 20)) "$3" || rc=1
	fault_off "$1"
	after=$(alloc_fails)
	echo "$1 at $2 %: rx_alloc_fail $before -> $after"
	[ "$after" -gt "$before" ] || { echo "no allocation failed: nothing was tested"; rc=1; }
	# And without faults the rings are full again.
	integrity $((2 << 20)) "$(($3 + 1))" || rc=1
	fi_done $rc
}

t_rx_page_alloc() { under_faults fail_page_alloc 30 5380; }
ksft_case rx_page_alloc

t_rx_slab() { under_faults failslab 10 5382; }
ksft_case rx_slab

rings() { ethtool -g "$LOCAL_IF" | awk '/^Current/ { c = 1 } c && /^(RX|TX):/ { printf "%s%s ", $1, $2 }'; }
pairs() { ethtool -l "$LOCAL_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }'; }

t_reconfig() {
	local rc=0 r0 p0 f0 out rx0 tx0 rx1 tx1
	fi_setup || return
	r0=$(rings) p0=$(pairs) f0=$(ethtool --show-priv-flags "$LOCAL_IF" | tr -s ' \n' ' ')
	# Sizes other than the current ones (the same ones are a no-op).
	rx0=${r0#*RX:} rx0=${rx0%% *} tx0=${r0#*TX:} tx0=${tx0%% *}
	rx1=$((rx0 == 1024 ? 512 : 1024)) tx1=$((tx0 == 1024 ? 512 : 1024))
	fault_on failslab 100
	fault_on fail_page_alloc 100
	out=$(ethtool -G "$LOCAL_IF" rx $rx1 tx $tx1 2>&1) && { echo "-G succeeded with every allocation failing"; rc=1; }
	echo "ethtool -G: $out"
	case $out in *"nothing changed"*) ;; *) echo "no extack message"; rc=1 ;; esac
	ethtool -L "$LOCAL_IF" combined 1 2>/dev/null && { echo "-L succeeded with every allocation failing"; rc=1; }
	ethtool --set-priv-flags "$LOCAL_IF" single-transfer on 2>/dev/null &&
		{ echo "--set-priv-flags succeeded with every allocation failing"; rc=1; }
	out=$(ethtool -t "$LOCAL_IF" offline 2>&1)
	faults_off
	echo "ethtool -t offline: $(echo "$out" | head -1)"
	[ "$(rings)" = "$r0" ] || { echo "rings changed: $r0 -> $(rings)"; rc=1; }
	[ "$(pairs)" = "$p0" ] || { echo "channels changed: $p0 -> $(pairs)"; rc=1; }
	[ "$(ethtool --show-priv-flags "$LOCAL_IF" | tr -s ' \n' ' ')" = "$f0" ] || { echo "private flags changed"; rc=1; }
	ip -o link show "$LOCAL_IF" | grep -q 'state UP' || { echo "$LOCAL_IF is not running"; rc=1; }
	integrity $((2 << 20)) 5384 || rc=1
	# The same changes without faults.
	ethtool -G "$LOCAL_IF" rx $rx1 tx $tx1 || rc=1
	[ "$(rings)" = "RX:$rx1 TX:$tx1 " ] || { echo "-G without faults did not apply: $(rings)"; rc=1; }
	ethtool -L "$LOCAL_IF" combined 1 || rc=1
	ethtool -t "$LOCAL_IF" offline >/dev/null || { echo "offline self-test failed without faults"; rc=1; }
	integrity $((2 << 20)) 5385 || rc=1
	ethtool -L "$LOCAL_IF" combined "$p0" || rc=1
	ethtool -G "$LOCAL_IF" rx "$rx0" tx "$tx0" || rc=1
	fi_done $rc
}
ksft_case reconfig

t_open() {
	local rc=0
	fi_setup || return
	ip link set "$LOCAL_IF" down
	fault_on failslab 100
	fault_on fail_page_alloc 100
	ip link set "$LOCAL_IF" up 2>/dev/null && { echo "up succeeded with every allocation failing"; rc=1; }
	faults_off
	ip -o link show "$LOCAL_IF" | grep -q '<.*\bUP\b' && { echo "$LOCAL_IF is up after a failed open"; rc=1; }
	ip link set "$LOCAL_IF" up || rc=1
	wait_for "ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 100 || { echo "no traffic after the up"; rc=1; }
	integrity $((2 << 20)) 5386 || rc=1
	fi_done $rc
}
ksft_case open

# Bounce slots in use (swiotlb's debugfs).
tlb_used() { cat $DBG/swiotlb/io_tlb_used 2>/dev/null; }

t_tiny_swiotlb() {
	local rc=0 n before fails bad
	n=$(cat $DBG/swiotlb/io_tlb_nslabs 2>/dev/null)
	if ! grep -q 'swiotlb=[0-9]*,force' /proc/cmdline || [ -z "$n" ] || [ "$n" -gt 8192 ]; then
		skip "not a tiny-swiotlb boot (run-boots.sh tinytlb)"
		return
	fi
	pair_setup || return 1
	# Both ports down: what is left in use is not sgnic's.
	ip link set "$LOCAL_IF" down
	peer ip link set "$REMOTE_IF" down
	before=$(tlb_used)
	ip link set "$LOCAL_IF" up || rc=1
	peer ip link set "$REMOTE_IF" up || rc=1
	echo "swiotlb: $n slots, $before in use with both ports down, $(tlb_used) with both up"
	wait_for "ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 200 || { echo "no traffic"; rc=1; }
	# RX rings that want more pages than the bounce buffer can map: refill
	# and transmit mappings fail; traffic may stall, nothing may break.
	ethtool -G "$LOCAL_IF" rx 4096 || rc=1
	peer ethtool -G "$REMOTE_IF" rx 4096 || rc=1
	echo "with 4096-entry RX rings: $(tlb_used) slots in use"
	iperf_bg 6 5388
	sleep 8
	iperf_stop
	ping -q -c 5 -i 0.2 -W 1 "$REMOTE_V4" >/dev/null 2>&1
	fails=$(($(stat_of tx_map_err) + $(peer_stat_of tx_map_err) + $(alloc_fails)))
	echo "tx_map_err $(stat_of tx_map_err)/$(peer_stat_of tx_map_err), rx_alloc_fail $(alloc_fails)"
	[ "$fails" -gt 0 ] || { echo "no mapping failed: the bounce buffer was not small enough to test anything"; rc=1; }
	# Back to normal rings: the slots come back and traffic is whole.
	ethtool -G "$LOCAL_IF" rx 256 || rc=1
	peer ethtool -G "$REMOTE_IF" rx 256 || rc=1
	wait_for "ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 200 || { echo "no traffic after the rings shrank"; rc=1; }
	integrity $((8 << 20)) 5389 || rc=1
	ip link set "$LOCAL_IF" down
	peer ip link set "$REMOTE_IF" down
	wait_for '[ "$(tlb_used)" -le "$before" ]' 100 ||
		{ echo "bounce slots held after both ports went down: $(tlb_used), was $before"; rc=1; }
	echo "both ports down again: $(tlb_used) slots in use"
	ip link set "$LOCAL_IF" up
	peer ip link set "$REMOTE_IF" up
	wait_for "ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 200 || rc=1
	bad=$(dmesg_bad 'swiotlb')
	[ -z "$bad" ] || { echo "$bad" | head; rc=1; }
	return $rc
}
ksft_case tiny_swiotlb

ksft_run "$@"
