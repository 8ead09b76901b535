#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Suspend and resume under traffic, in a --standalone guest (scripts/vm.sh):
# the usual guest's root is virtio-9p, whose driver cannot resume, so its
# suspend never comes back.  Same topology as migrate-guest.sh: eth0 here,
# eth1 in netns "peer", a paced sgnic-stream from one to the other.  While
# it runs, suspend-to-idle with pm_test=platform runs every device's
# suspend callbacks down to the noirq phase, where the PCI core puts the
# function in D3hot, holds it there a few seconds and resumes (nothing
# sleeps), ROUNDS times.  sgnic resets itself on the way back to D0, as
# real hardware loses its state: its hardware counters start again, which
# shows the driver let it be powered down, while the standard eth-mac
# counters, which the driver keeps across resets, go on.  The stream must arrive
# complete and intact, both ports must have their link again, and the
# kernel log must hold no warning.
#
#   sh pm-guest.sh ROUNDS
#
# Prints "ok - NAME" / "not ok - NAME" and "pm: N passed, N failed".
set -u
rounds=${1:-2}
. /sgnic-run/bin/standalone-lib.sh
pass=0 fail=0
result() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
		pass=$((pass + 1))
	else
		echo "not ok - $2"
		fail=$((fail + 1))
	fi
}
finish() {
	echo "pm: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

[ -w /sys/power/pm_test ] && grep -qw freeze /sys/power/state
result $? "the kernel has suspend-to-idle and pm_test"
[ "$fail" = 0 ] || finish

pair_up
result $? "the peer answers"
[ "$fail" = 0 ] || finish

secs=$((rounds * 12 + 8))
$IP netns exec peer sgnic-stream recv -p 5410 -n $((16 << 20)) -t 120 >/tmp/recv.out 2>/dev/null &
rpid=$!
sgnic-stream send -c 10.99.0.2 -p 5410 -n $((16 << 20)) -d "$secs" -t 120 >/tmp/send.out 2>&1 &
spid=$!
sleep 3
r=1
hw() { $ETHTOOL -S eth0 | awk '$1 == "hw_mmio_accesses:" { print $2 }'; }
# the MAC's own count of frames sent, which the driver keeps across
# device resets: it never goes back (without the driver keeping it, it
# starts again from zero; round 1's traffic after the resume can hide
# that, round 2's cannot, with thousands of frames sent before)
mac_tx() { $ETHTOOL -S eth0 --groups eth-mac | awk '$1 == "eth-mac-FramesTransmittedOK:" { print $2 }'; }
while [ "$r" -le "$rounds" ]; do
	before=$(hw) sent=$(mac_tx)
	echo platform >/sys/power/pm_test
	echo freeze >/sys/power/state
	result $? "suspend and resume, round $r"
	after=$(hw) sent_after=$(mac_tx)
	echo none >/sys/power/pm_test
	[ "${after:-0}" -lt "${before:-0}" ]
	result $? "the device was powered down and reset (hw_mmio_accesses $before -> $after)"
	[ -n "$sent" ] && [ "${sent_after:-0}" -ge "$sent" ]
	result $? "the MAC counters survive the reset (eth-mac FramesTransmittedOK $sent -> $sent_after)"
	sleep 6
	r=$((r + 1))
done
wait "$spid"
wait "$rpid"
result $? "the stream across $rounds suspends arrives complete and intact: $(cat /tmp/recv.out)"
for side in "" "-n peer"; do
	dev=eth0
	[ -z "$side" ] || dev=eth1
	# shellcheck disable=SC2086 # side is "" or two words
	$IP $side link show "$dev" | grep -q LOWER_UP
	result $? "$dev has its link again"
done
dmesg | grep -E 'sgnic' | grep -E 'resume|restart|answer|error' | sed 's/^/# /'
! dmesg | grep -qE 'WARNING:|BUG:|Oops|Call Trace'
result $? "no warning in the kernel log"
finish
