#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The device going away and coming back, under traffic:
#
#   surprise_removal  the device leaves the bus while iperf3 runs (sgnic's
#                     x-gone test hook: reads all-ones, no DMA, no
#                     interrupts): the driver notices within seconds,
#                     detaches the interface, removing the PCI function
#                     does not hang; back on the bus, a rescan probes it
#                     again and traffic passes
#
# (Suspend and resume are tested in a guest without 9p shares, whose
# virtio-9p devices cannot resume: tests/vm/pm-guest.sh.)  Each case leaves the usual pair (eth0 here, eth1 in netns peer) working.
set -u
. "$(dirname "$0")/lib.sh"

# The PCI address behind an interface.
bdf_of() { basename "$(readlink -f "/sys/class/net/$1/device")"; }

t_surprise_removal() {
	local bdf gone=0 rc=0
	pair_setup || return 1
	bdf=$(bdf_of "$LOCAL_IF")
	iperf_bg 20 5201
	sleep 2
	qom_set $LOCAL_NIC x-gone true || { iperf_stop; return 1; }
	# The watchdog (100 ms) or the next interrupt read finds all-ones.
	wait_for 'dmesg | grep -q "sgnic.*reads 0xffffffff"' 100 && gone=1
	[ "$gone" = 1 ] || { echo "the driver did not notice the device was gone"; rc=1; }
	iperf_stop
	if ethtool -S "$LOCAL_IF" >/dev/null 2>&1; then
		echo "ethtool -S still answers on a detached interface"
		rc=1
	fi
	# Removal of a function that no longer answers must complete.
	timeout 60 sh -c "echo 1 > /sys/bus/pci/devices/$bdf/remove" ||
		{ echo "removing $bdf hung or failed"; rc=1; }
	[ ! -e "/sys/bus/pci/devices/$bdf" ] || { echo "$bdf still present"; rc=1; }
	qom_defaults || return 1
	# An iperf3 server whose client vanished with the device would wait
	# in the peer namespace for a long time.
	$IP netns pids "$PEER_NS" | xargs -r kill 2>/dev/null
	echo 1 >/sys/bus/pci/rescan
	wait_for "[ -e /sys/class/net/$LOCAL_IF ]" 300 || { echo "no $LOCAL_IF after the rescan"; return 1; }
	# The new eth0 has no address yet; eth1 stayed in the namespace.
	$IP addr add "$LOCAL_V4/24" dev "$LOCAL_IF"
	[ "$(bdf_of "$LOCAL_IF")" = "$bdf" ] || { echo "$LOCAL_IF is now $(bdf_of "$LOCAL_IF"), not $bdf"; return 1; }
	pair_setup || return 1
	integrity $((4 << 20)) 5350 || { echo "no intact transfer after the re-probe"; return 1; }
	return $rc
}
ksft_case surprise_removal

ksft_run "$@"
