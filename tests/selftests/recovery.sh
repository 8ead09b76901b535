#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fault injection through the device's properties, with a TCP transfer
# running that must arrive whole:
#   inject-dma-error=N  every Nth buffer DMA fails: the channel halts, the
#                       driver's reset work restarts the pair (chan_resets)
#   inject-short=N      every Nth TX packet reports a residual (tx_residual)
#   inject-lost-irq=N   every Nth interrupt is dropped: the watchdog polls
#                       (watchdog_kicks), and resets a channel whose halt
#                       interrupt was lost (watchdog_halts)
set -u
. "$(dirname "$0")/lib.sh"

BYTES=$SELFTEST_BYTES
# Injection periods scale with the transfer, so that every size of run
# (16 MiB in run-boots.sh, 4 MiB on the debug kernel) sees several
# faults: one buffer DMA in about BYTES / 11000 fails (1525 at 16 MiB).
DMA_ERR_EVERY=$((BYTES / 11000 > 50 ? BYTES / 11000 : 50))

setup() {
	qom_defaults || return 1
	pair_setup || return 1
	set_mode sg "${1:-writeback}"
}

t_dma_error_halt_and_recover() {
	setup || return 1
	snap chan_resets
	peer_snap chan_resets
	qom_set $LOCAL_NIC inject-dma-error $DMA_ERR_EVERY \
		$REMOTE_NIC inject-dma-error $((DMA_ERR_EVERY * 2)) || return 1
	integrity "$BYTES" 5350
	local rc=$?
	qom_defaults
	echo "chan_resets: local +$(delta chan_resets), remote +$(peer_delta chan_resets)"
	dmesg | grep -c 'halted.*resetting' | sed 's/^/halt messages in the log: /'
	[ $rc -eq 0 ] || { echo "SHA-256 mismatch across halts"; return 1; }
	[ "$(delta chan_resets)" -gt 0 ] && [ "$(peer_delta chan_resets)" -gt 0 ] || return 1
	# Nothing is left halted and traffic goes on.
	wait_link && ping -q -c 3 -i 0.2 "$REMOTE_V4" >/dev/null
}
ksft_case dma_error_halt_and_recover

t_short_completion() {
	setup || return 1
	snap tx_residual tx_packets
	qom_set $LOCAL_NIC inject-short 50 || return 1
	integrity "$BYTES" 5351
	local rc=$?
	qom_defaults
	echo "tx_residual +$(delta tx_residual) of tx_packets +$(delta tx_packets)"
	[ $rc -eq 0 ] && [ "$(delta tx_residual)" -gt 0 ]
}
ksft_case short_completion

lost_irq_case() {
	setup "$1" || return 1
	snap watchdog_kicks hw_irqs_lost
	peer_snap watchdog_kicks
	qom_set $LOCAL_NIC inject-lost-irq 7 $REMOTE_NIC inject-lost-irq 11 || return 1
	integrity $((BYTES / 2)) 5352
	local rc=$?
	qom_defaults
	echo "$1 mode: hw_irqs_lost +$(delta hw_irqs_lost), watchdog_kicks local +$(delta watchdog_kicks), remote +$(peer_delta watchdog_kicks)"
	[ $rc -eq 0 ] && [ "$(delta hw_irqs_lost)" -gt 0 ] && [ "$(delta watchdog_kicks)" -gt 0 ]
}
t_lost_irq_writeback() { lost_irq_case writeback; }
t_lost_irq_interrupt() { lost_irq_case interrupt; }
ksft_case lost_irq_writeback
ksft_case lost_irq_interrupt

# Everything at once, in single-transfer mode for good measure.  Single
# mode sends 64 KiB TSO packets from one buffer each, so half the transfer
# makes only a few thousand buffer DMAs: a period eight times shorter
# (190 at 16 MiB).
t_all_faults_single() {
	setup || return 1
	set_mode single writeback || return 1
	snap chan_resets tx_residual watchdog_kicks watchdog_halts
	qom_set $LOCAL_NIC inject-dma-error $((DMA_ERR_EVERY / 8)) $LOCAL_NIC inject-short 40 \
		$LOCAL_NIC inject-lost-irq 13 || return 1
	integrity $((BYTES / 2)) 5353
	local rc=$?
	qom_defaults
	echo "chan_resets +$(delta chan_resets), tx_residual +$(delta tx_residual), watchdog_kicks +$(delta watchdog_kicks), watchdog_halts +$(delta watchdog_halts)"
	set_mode sg writeback
	[ $rc -eq 0 ] && [ "$(delta chan_resets)" -gt 0 ] && [ "$(delta tx_residual)" -gt 0 ]
}
ksft_case all_faults_single

ksft_run "$@"
