#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PCI error recovery (AER) under traffic.  A third sgnic is plugged behind
# the pcie-root-port hp0 (hp-lib.sh), whose AER capability reports to the
# guest's AER driver; errors are injected into the function with QEMU's
# pcie_aer_inject_error (HMP, over the guest's QMP channel) while iperf3
# runs through it:
#
#   correctable  a receiver error: logged and counted (aer_dev_correctable),
#                the driver's error handlers stay out of it, traffic goes on
#   nonfatal     an unsupported request (uncorrectable, non-fatal): the
#                driver stops in error_detected, restarts in resume, and the
#                port passes traffic again
#   fatal        a data link protocol error (fatal): the root port resets
#                its link (a secondary bus reset, which resets the function),
#                the driver reprograms the device from slot_reset/resume, and
#                the port passes traffic again
#   repeated     five non-fatal errors back to back under traffic, then a
#                checked transfer through the port
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hp-lib.sh"

# inject ERROR: HMP's pcie_aer_inject_error on hpnic; its reply starts "OK".
inject() {
	local out
	out=$(qmp '{"execute":"human-monitor-command","arguments":{"command-line":"pcie_aer_inject_error hpnic '"$1"'"}}') ||
		return 1
	case $out in
	*'OK id'*) return 0 ;;
	esac
	echo "pcie_aer_inject_error $1: $out"
	return 1
}

# The hot-plugged function's sysfs directory (from netns hp).
hp_dev() { hpx readlink -f "/sys/class/net/$HP_IF/device"; }

# aer_count KIND NAME: a line of aer_dev_{correctable,nonfatal,fatal}.
aer_count() {
	awk -v n="$2" '$1 == n { print $2 }' "$(hp_dev)/aer_dev_$1" 2>/dev/null
}

# rootport_total KIND: what the root port above hpnic received of KIND
# (fatal errors are counted there: the function itself is not read).
rootport_total() { cat "$(dirname "$(hp_dev)")/aer_rootport_total_err_$1" 2>/dev/null; }

# Kernel log lines since the mark.
MARK=0
mark() { MARK=$(dmesg | wc -l); }
since() { dmesg | tail -n +"$((MARK + 1))"; }

aer_setup() {
	have_slot || { skip "no pcie-root-port hp0 in this boot (tests/selftests/run-boots.sh adds one)"; return; }
	[ -d /sys/bus/pci/drivers/pcieport ] || { skip "no PCIe port driver in this kernel"; return; }
	pair_setup || return 1
	plug || return 1
	[ -f "$(hp_dev)/aer_dev_correctable" ] ||
		{ unplug; skip "the guest did not take AER control of hp0 (no aer_dev_* in sysfs)"; return; }
	return 0
}

# traffic SECS PORT: iperf3 from netns hp to the peer in the background.
TRAFFIC_CLI='' TRAFFIC_SRV=''
traffic() {
	peer iperf3 -s -1 -p "$2" >/dev/null 2>&1 &
	TRAFFIC_SRV=$!
	wait_for "listening $2" 200 || { echo "no iperf3 server on $2"; return 1; }
	hpx iperf3 -c "$REMOTE_V4" -p "$2" -t "$1" >/tmp/aer-iperf.log 2>&1 &
	TRAFFIC_CLI=$!
	sleep 2
}

# traffic_end: the client's status (TCP carries the connection across a
# recovery, so it finishes normally).
traffic_end() {
	local rc=0
	wait "$TRAFFIC_CLI" || { rc=1; echo "iperf3 through the port failed:"; tail -3 /tmp/aer-iperf.log; }
	kill "$TRAFFIC_SRV" 2>/dev/null
	wait "$TRAFFIC_SRV" 2>/dev/null
	return $rc
}

# recovered: the driver said so, and the port reaches the peer again.
recovered() {
	wait_for 'since | grep -q "sgnic.*recovered from the PCI error"' 300 ||
		{ echo "no recovery logged:"; since | tail -15; return 1; }
	wait_for "hpx ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 100 ||
		{ echo "the port does not reach $REMOTE_V4 after the recovery"; return 1; }
}

t_correctable() {
	local rc=0 before
	aer_setup || return
	before=$(aer_count correctable RxErr)
	mark
	traffic 8 5270 || rc=1
	inject RCVR || rc=1
	wait_for '[ "$(aer_count correctable RxErr)" -gt "${before:-0}" ]' 100 ||
		{ echo "RxErr not counted: $(tr '\n' ' ' <"$(hp_dev)/aer_dev_correctable")"; rc=1; }
	traffic_end || rc=1
	if since | grep -q 'sgnic.*PCI error detected'; then
		echo "a corrected error reached the driver's error handlers"
		rc=1
	fi
	echo "aer_dev_correctable RxErr ${before:-0} -> $(aer_count correctable RxErr)"
	unplug || rc=1
	return $rc
}
ksft_case correctable

# uncorrectable KIND ERROR: inject under traffic, expect detection by the
# driver, recovery, and the counter of KIND (nonfatal or fatal) to move.
uncorrectable() {
	local kind=$1 err=$2 rc=0 before state
	aer_setup || return
	before=$(rootport_total "$kind")
	mark
	traffic 10 5271 || rc=1
	inject "$err" || rc=1
	recovered || rc=1
	traffic_end || rc=1
	state=$(since | grep -o 'PCI error detected (channel state [0-9]*)' | head -1)
	echo "$err: ${state:-no error_detected logged}; root port's $kind total ${before:-0} -> $(rootport_total "$kind")"
	[ -n "$state" ] || rc=1
	[ "$(rootport_total "$kind")" -gt "${before:-0}" ] ||
		{ echo "the root port did not count a $kind error"; rc=1; }
	unplug || rc=1
	return $rc
}

# Channel state 1 is pci_channel_io_normal, 2 pci_channel_io_frozen.
t_nonfatal() {
	uncorrectable nonfatal UNSUP || return $?
	since | grep -q 'channel state 1' || { echo "not reported as a non-fatal (normal) channel state"; return 1; }
}
ksft_case nonfatal

t_fatal() {
	uncorrectable fatal DLP || return $?
	since | grep -q 'channel state 2' || { echo "not reported as a frozen channel"; return 1; }
}
ksft_case fatal

t_repeated() {
	local rc=0 i n
	aer_setup || return
	mark
	traffic 15 5272 || rc=1
	for i in 1 2 3 4 5; do
		inject UNSUP || rc=1
		wait_for '[ "$(since | grep -c "sgnic.*recovered from the PCI error")" -ge '"$i"' ]' 300 ||
			{ echo "error $i: no recovery"; rc=1; break; }
	done
	traffic_end || rc=1
	n=$(since | grep -c 'sgnic.*recovered from the PCI error')
	echo "recoveries: $n of 5"
	# A checked transfer through the recovered port.
	peer sh -c "timeout 60 socat -u TCP-LISTEN:5273,reuseaddr STDOUT | sha256sum" >/tmp/aer-recv.sum &
	i=$!
	wait_for "listening 5273" 200 || rc=1
	head -c $((2 << 20)) /dev/urandom >/tmp/aer-send.bin
	hpx socat -u FILE:/tmp/aer-send.bin TCP:"$REMOTE_V4":5273 || rc=1
	wait $i
	[ "$(sha256sum </tmp/aer-send.bin)" = "$(cat /tmp/aer-recv.sum)" ] ||
		{ echo "2 MiB through the port arrived damaged or short"; rc=1; }
	unplug || rc=1
	return $rc
}
ksft_case repeated

ksft_run "$@"
