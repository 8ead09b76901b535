#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Link down and up from QEMU's side (QMP set_link, sent from inside the
# guest over tests/selftests/qmp-guest.sh): the carrier follows, traffic
# stops and resumes, the link_changes counter counts, and traffic in
# flight across a flap still arrives whole.  And the topology helper's
# teardown returns the remote port whatever runs in its namespace.
set -u
. "$(dirname "$0")/lib.sh"

t_qmp_channel() {
	local v
	v=$(qom_get $LOCAL_NIC max-sg)
	echo "qom-get $LOCAL_NIC max-sg: $v"
	[ "$v" = 32 ] || return $KSFT_SKIP
}
ksft_case qmp_channel

t_down_up() {
	local before
	pair_setup || return 1
	before=$(stat_of link_changes)
	set_link $LOCAL_PORT down || return 1
	wait_for '[ "$(carrier)" = 0 ]' 30 || { echo "carrier still up"; set_link $LOCAL_PORT up; return 1; }
	$IP link show "$LOCAL_IF" | grep -q NO-CARRIER || return 1
	! ping -q -c 1 -W 1 "$REMOTE_V4" >/dev/null 2>&1 || { echo "ping passed while down"; return 1; }
	set_link $LOCAL_PORT up || return 1
	wait_for '[ "$(carrier)" = 1 ]' 30 || { echo "carrier did not return"; return 1; }
	wait_link || return 1
	echo "link_changes $before -> $(stat_of link_changes)"
	[ "$(stat_of link_changes)" -eq $((before + 2)) ]
}
ksft_case down_up

t_peer_down_up() {
	pair_setup || return 1
	set_link $REMOTE_PORT down || return 1
	wait_for '[ "$(peer_carrier)" = 0 ]' 30 || { set_link $REMOTE_PORT up; return 1; }
	# The local port keeps its carrier: the hub, not a cable, joins them.
	[ "$(carrier)" = 1 ] || return 1
	! ping -q -c 1 -W 1 "$REMOTE_V4" >/dev/null 2>&1 || return 1
	set_link $REMOTE_PORT up || return 1
	wait_for '[ "$(peer_carrier)" = 1 ]' 30 && wait_link
}
ksft_case peer_down_up

# The link state is read again when the interface comes up.
t_down_while_admin_down() {
	pair_setup || return 1
	$IP link set "$LOCAL_IF" down
	set_link $LOCAL_PORT down || return 1
	$IP link set "$LOCAL_IF" up
	sleep 0.5
	[ "$(carrier)" = 0 ] || { echo "carrier up on a down link"; set_link $LOCAL_PORT up; return 1; }
	set_link $LOCAL_PORT up || return 1
	wait_for '[ "$(carrier)" = 1 ]' 30 && wait_link
}
ksft_case down_while_admin_down

t_flap_under_traffic() {
	pair_setup || return 1
	iperf_bg 8 5202
	sleep 1
	for _ in 1 2 3; do
		set_link $LOCAL_PORT down || break
		sleep 0.4
		set_link $LOCAL_PORT up || break
		sleep 1
	done
	set_link $LOCAL_PORT up
	iperf_wait || { echo "iperf3 failed across the flaps"; cat /tmp/iperf-bg.out; }
	wait_link || return 1
	integrity $((8 << 20)) 5311 || { echo "integrity failed after the flaps"; return 1; }
	echo "link_changes now $(stat_of link_changes)"
}
ksft_case flap_under_traffic

# The harness's own teardown: the remote port must come back to the root
# namespace even while a process started in netns "peer" still runs there
# (a daemon a test leaves keeps the namespace alive after "ip netns del",
# and the port with it: every later program then lost eth1).
t_teardown_with_peer_process() {
	local pid rc=0
	pair_setup || return 1
	# ip execs the command: $! is the holder itself; its output goes
	# nowhere, or the harness would wait for it to close the case's output
	$IP netns exec "$PEER_NS" sleep 600 >/dev/null 2>&1 &
	pid=$!
	sleep 0.2
	pair_teardown || rc=1
	if [ -e "/sys/class/net/$REMOTE_IF" ]; then
		echo "$REMOTE_IF back in the root namespace"
	else
		echo "$REMOTE_IF did not come back while a process held the namespace"
		rc=1
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	wait_for "[ -e /sys/class/net/$REMOTE_IF ]" 150 || return 1
	$IP addr flush dev "$LOCAL_IF"
	pair_setup || return 1
	return $rc
}
ksft_case teardown_with_peer_process

ksft_run "$@"
