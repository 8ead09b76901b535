#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Events that the driver must survive in combination, under traffic.  They
# are races, so a pass is evidence, not proof; on the debug kernel (KASAN,
# lockdep, DMA-API debug) a lost race shows as a report in the log.
#
#   link_flap_during_resets  channels halting all the time (inject-dma-error)
#                            so that pair resets run back to back, while the
#                            link goes down and up every 0.3 s from QEMU's
#                            side and the ring size changes now and then:
#                            link changes, pair resets and reconfiguration
#                            interleave (issue 13 finding 2); afterwards the
#                            link is up, a checked transfer passes, the log
#                            is clean
#   remove_during_halts      the module removed five times while its
#                            channels halt every few buffers and iperf3 runs:
#                            halt interrupts and reset work race the removal
#                            (finding 3); every rmmod returns, the module
#                            comes back and passes a checked transfer
set -u
. "$(dirname "$0")/lib.sh"

t_link_flap_during_resets() {
	local rc=0 end flaps=0 resets
	qom_defaults || return 1
	pair_setup || return 1
	snap chan_resets
	qom_set $LOCAL_NIC inject-dma-error 40 $REMOTE_NIC inject-dma-error 60 || return 1
	iperf_bg 25 5390
	end=$((SECONDS + 15))
	while [ $SECONDS -lt $end ]; do
		set_link $LOCAL_PORT down
		sleep 0.15
		set_link $LOCAL_PORT up
		sleep 0.15
		flaps=$((flaps + 1))
		case $((flaps % 10)) in
		3) ethtool -G "$LOCAL_IF" rx 512 2>/dev/null ;;
		8) ethtool -G "$LOCAL_IF" rx 256 2>/dev/null ;;
		esac
	done
	iperf_stop
	qom_defaults || rc=1
	set_link $LOCAL_PORT up
	resets=$(delta chan_resets)
	echo "$flaps link flaps, chan_resets +$resets"
	[ "$resets" -gt 0 ] || { echo "no pair reset happened: nothing raced"; rc=1; }
	ethtool -G "$LOCAL_IF" rx 256 2>/dev/null
	wait_link || { echo "the link did not come back"; rc=1; }
	integrity $((4 << 20)) 5391 || rc=1
	[ -z "$(dmesg_bad)" ] || { dmesg_bad | head -20; rc=1; }
	return $rc
}
ksft_case link_flap_during_resets

t_remove_during_halts() {
	local rc=0 round t0
	for round in 1 2 3 4 5; do
		qom_defaults || return 1
		pair_setup || return 1
		qom_set $LOCAL_NIC inject-dma-error 15 $REMOTE_NIC inject-dma-error 25 || return 1
		iperf_bg 30 5392
		sleep $((round % 3 + 1))
		t0=$SECONDS
		timeout 60 rmmod sgnic || { echo "round $round: rmmod failed or hung"; rc=1; break; }
		echo "round $round: chan halts in the log so far $(dmesg | grep -c 'halted'), rmmod took $((SECONDS - t0)) s"
		iperf_stop
		pair_teardown
		qom_defaults || rc=1
		insmod "$SGNIC_KO" || { echo "round $round: insmod failed"; rc=1; break; }
		wait_ifaces || { rc=1; break; }
	done
	lsmod | grep -q '^sgnic ' || insmod "$SGNIC_KO"
	wait_ifaces || return 1
	pair_setup || return 1
	integrity $((4 << 20)) 5393 || rc=1
	[ -z "$(dmesg_bad)" ] || { dmesg_bad | head -20; rc=1; }
	return $rc
}
ksft_case remove_during_halts

ksft_run "$@"
