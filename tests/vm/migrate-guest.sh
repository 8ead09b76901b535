#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest side of scripts/migrate.sh, run by busybox sh in a --standalone
# guest (no 9p shares, which would block migration).  Two ports on one
# QEMU hub: eth0 (10.99.0.1) here, eth1 (10.99.0.2) in netns "peer", so
# the stream crosses the device twice.  sgnic-stream sends BYTES over
# SECS seconds from here to the peer, which checks every byte and
# measures the longest gap; the host migrates the guest meanwhile.
#
#   sh migrate-guest.sh BYTES SECS
#
# Lines starting "@@ " are for the host; the exit status is the receiver's.
set -u
bytes=${1:?bytes}
secs=${2:?seconds}
. /sgnic-run/bin/standalone-lib.sh
pair_up || { echo "@@ error: 10.99.0.2 unreachable"; exit 3; }
echo "@@ driver $($ETHTOOL -i eth0 | sed -n 's/^driver: //p')"

$IP netns exec peer sgnic-stream recv -p 5400 -n "$bytes" -t 120 >/tmp/recv.out 2>/tmp/recv.err &
rpid=$!
echo "@@ stream started: $bytes bytes over $secs s"
sgnic-stream send -c 10.99.0.2 -p 5400 -n "$bytes" -d "$secs" -t 120 >/tmp/send.out 2>/tmp/send.err
src=$?
wait "$rpid"
rrc=$?
echo "@@ send rc=$src $(cat /tmp/send.out)"
echo "@@ recv rc=$rrc $(cat /tmp/recv.out)"
for f in /tmp/send.err /tmp/recv.err; do
	[ -s "$f" ] && sed 's/^/@@ stderr: /' "$f"
done
$ETHTOOL -S eth0 2>/dev/null | grep -E 'halt|reset|timeout|err|drop' | awk '$2 != 0 { print "@@ stat", $0 }'
exit "$rrc"
