#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Traffic in every mapping mode (scatter/gather, single transfer) times
# every completion mode (status writeback, interrupt only): iperf3 both
# ways, a TCP transfer of SELFTEST_BYTES checked with SHA-256, and the
# counters that show the mode is the one in use.
set -u
. "$(dirname "$0")/lib.sh"

mode_case() {
	local map=$1 compl=$2 up down wb lin
	pair_setup || return 1
	set_mode "$map" "$compl" || return 1
	ethtool --show-priv-flags "$LOCAL_IF" | sed 1d
	snap hw_writebacks tx_linearized tx_packets tx_drop_too_fragmented \
		tx_drop_too_many_transfers tx_dev_refused tx_map_err
	up=$(mbps 2)
	down=$(mbps 2 -R)
	echo "$map/$compl: iperf3 ${up:-0} Mbit/s out, ${down:-0} Mbit/s in"
	[ "${up:-0}" -gt 0 ] && [ "${down:-0}" -gt 0 ] || return 1
	integrity "$SELFTEST_BYTES" 5330 || { echo "SHA-256 mismatch"; return 1; }
	echo "$map/$compl: $SELFTEST_BYTES bytes arrived whole"
	wb=$(delta hw_writebacks) lin=$(delta tx_linearized)
	echo "hw_writebacks +$wb, tx_linearized +$lin, tx_packets +$(delta tx_packets)"
	# Writeback mode writes completion values; interrupt mode writes none.
	if [ "$compl" = writeback ]; then
		[ "$wb" -gt 0 ] || { echo "no writebacks in writeback mode"; return 1; }
	else
		[ "$wb" -eq 0 ] || { echo "writebacks in interrupt mode"; return 1; }
	fi
	# TSO skbs carry fragments: a single transfer needs them rearranged.
	if [ "$map" = single ]; then
		[ "$lin" -gt 0 ] || { echo "single-transfer mode linearized nothing"; return 1; }
	else
		[ "$lin" -eq 0 ] || { echo "scatter/gather mode linearized $lin"; return 1; }
	fi
	local k
	for k in tx_drop_too_fragmented tx_drop_too_many_transfers tx_dev_refused tx_map_err; do
		[ "$(delta $k)" -eq 0 ] || { echo "$k +$(delta $k)"; return 1; }
	done
}

t_sg_writeback() { mode_case sg writeback; }
t_sg_interrupt() { mode_case sg interrupt; }
t_single_writeback() { mode_case single writeback; }
t_single_interrupt() { mode_case single interrupt; }
ksft_case sg_writeback
ksft_case sg_interrupt
ksft_case single_writeback
ksft_case single_interrupt

# Mixed: the two ends in different modes talk to each other.
t_mixed_ends() {
	pair_setup || return 1
	ethtool --set-priv-flags "$LOCAL_IF" single-transfer on completion-writeback off || return 1
	peer ethtool --set-priv-flags "$REMOTE_IF" single-transfer off completion-writeback on || return 1
	wait_link || return 1
	integrity $((SELFTEST_BYTES / 4)) 5331 || return 1
	set_mode sg writeback
}
ksft_case mixed_ends

ksft_run "$@"
