#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of `make demo`.
set -eu
cd "$(dirname "$0")/../.."
. tests/vm/lib.sh

say() { printf '\n== %s\n' "$*"; }

say "PCI devices bound to sgnic"
ls /sys/bus/pci/drivers/sgnic | grep '^0000:'
say "ip link"
$IP -br link
say "ethtool -i $LOCAL_IF"
ethtool -i "$LOCAL_IF"
say "ethtool -l / -g $LOCAL_IF"
ethtool -l "$LOCAL_IF" | sed -n '/Current/,$p'
ethtool -g "$LOCAL_IF" | sed -n '/Current/,$p'
say "$REMOTE_IF moves to netns $PEER_NS; ping $REMOTE_V4"
pair_setup
ping -c 3 -i 0.2 "$REMOTE_V4"
for mode in "sg writeback" "single interrupt"; do
	set -- $mode
	set_mode "$1" "$2"
	say "iperf3, $1 mapping, $2 completion: $LOCAL_IF -> $REMOTE_IF"
	peer iperf3 -s -1 -D
	wait_listen 5201
	iperf3 -c "$REMOTE_V4" -t 5 | grep -E 'sender|receiver'
done
set_mode sg writeback
say "ethtool -S $LOCAL_IF (non-zero counters)"
ethtool -S "$LOCAL_IF" | awk '$2 != 0'
