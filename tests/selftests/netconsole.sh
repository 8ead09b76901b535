#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netconsole through eth0: a dynamic target (configfs) sends the kernel log
# as UDP to a listener in the peer namespace.  netconsole transmits through
# netpoll, with interrupts off, and when the queue is stopped netpoll calls
# the driver's NAPI poll itself with a budget of 0: clean TX, leave RX and
# the NAPI state alone (Documentation/networking/napi.rst).  The
# napi_poll tracepoint shows those polls and what they returned.
#
#   quiet          200 numbered lines, no other traffic: every one arrives
#   under_traffic  a burst while iperf3 fills the same port both ways:
#                  what arrives, what netpoll polled, where any was lost
#   MAP_COMPL      one round per mapping and completion mode, the target
#                  live across the ring rebuild; half the lines copied to
#                  staging, half mapped (tx-copybreak 0)
#   no_interrupts  every interrupt of the port lost (inject-lost-irq 1),
#                  a small byte queue limit: netpoll's polls must clean TX
#                  for the lines to go out as they are written
#   teardown       target disabled and removed, netconsole unloaded: the
#                  port still carries traffic whole, the log is clean
#
# The lines go to every console, the serial one too: they are short.
set -u
. "$(dirname "$0")/lib.sh"

NC_CONFIG=/sys/kernel/config/netconsole
TARGET=$NC_CONFIG/sgnic-selftest
NC_PORT=6666
RECV=/tmp/netconsole-recv
TRACE=/sys/kernel/tracing
NAPI_POLL=$TRACE/events/napi/napi_poll
DMESG_MARK=/tmp/netconsole-dmesg-lines
LISTENER='' LISTENER_JOB=''

listening_udp() { peer ss -Huln "sport = :$1" 2>/dev/null | grep -q .; }

# Load netconsole, start the peer's listener, create and enable the target.
nc_start() {
	local mac
	modprobe configfs 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config 2>/dev/null
	modprobe netconsole 2>/dev/null && [ -d "$NC_CONFIG" ] ||
		{ skip "no dynamic netconsole (configfs) in this kernel"; return; }
	pair_setup || return 1
	[ -e "$DMESG_MARK" ] || dmesg_bad | wc -l >"$DMESG_MARK"
	rm -f "$RECV" "$RECV.pid"
	# Its own PID on record: killing "peer" would leave socat running.
	peer sh -c "echo \$\$ >$RECV.pid; exec timeout 600 socat -u UDP-RECV:$NC_PORT OPEN:$RECV,creat" \
		>/dev/null 2>&1 &
	LISTENER_JOB=$!
	wait_for "[ -s $RECV.pid ] && listening_udp $NC_PORT" 200 ||
		{ echo "no UDP listener on port $NC_PORT"; return 1; }
	LISTENER=$(cat "$RECV.pid")
	mac=$(peer cat "/sys/class/net/$REMOTE_IF/address")
	[ -d "$TARGET" ] || mkdir "$TARGET" || return 1
	# Writing the state it already has is an error.
	[ "$(cat "$TARGET/enabled")" = 0 ] || echo 0 >"$TARGET/enabled"
	echo "$LOCAL_IF" >"$TARGET/dev_name" &&
		echo "$LOCAL_V4" >"$TARGET/local_ip" &&
		echo "$REMOTE_V4" >"$TARGET/remote_ip" &&
		echo "$mac" >"$TARGET/remote_mac" &&
		echo "$NC_PORT" >"$TARGET/remote_port" &&
		echo 1 >"$TARGET/enabled" || { echo "netconsole target not enabled"; return 1; }
	[ "$(cat "$TARGET/enabled")" = 1 ] || return 1
	# Info lines reach the consoles (the boot's loglevel=3 keeps them off).
	read -r CONSOLE_LEVEL _ </proc/sys/kernel/printk
	dmesg -n 7
}

nc_stop() {
	[ -z "${CONSOLE_LEVEL:-}" ] || dmesg -n "$CONSOLE_LEVEL"
	if [ -d "$TARGET" ]; then
		[ "$(cat "$TARGET/enabled")" = 0 ] || echo 0 >"$TARGET/enabled"
		rmdir "$TARGET"
	fi
	[ -n "$LISTENER" ] || LISTENER=$(cat "$RECV.pid" 2>/dev/null)
	[ -z "$LISTENER" ] || kill "$LISTENER" 2>/dev/null
	[ -z "$LISTENER_JOB" ] || wait "$LISTENER_JOB" 2>/dev/null
	rm -f "$RECV.pid"
	LISTENER='' LISTENER_JOB=''
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 256
}

# nc_lines TAG N: write N numbered lines to the kernel log.  One open of
# /dev/kmsg each: an open file is rate-limited to ten lines per 5 s.
nc_lines() {
	local i
	for i in $(seq 1 "$2"); do
		echo "<6>sgnic-nc $1 $i/$2" >/dev/kmsg
	done
}

# nc_arrived TAG N: how many of TAG's N lines reached the listener.
nc_arrived() {
	grep -o "sgnic-nc $1 [0-9]*/$2\$" "$RECV" 2>/dev/null | sort -u | wc -l
}

# nc_expect TAG N: wait for all N lines of TAG, up to 10 s; true if all came.
nc_expect() {
	wait_for "[ \"\$(nc_arrived $1 $2)\" -ge $2 ]" 100
}

# The peer's UDP receive-buffer overflows (its socket, not the wire).
peer_udp_rcvbuf_errors() {
	peer awk '/^Udp:/ && seen { for (i = 1; i <= NF; i++) if (h[i] == "RcvbufErrors") print $i; exit }
		/^Udp:/ { split($0, h); seen = 1 }' /proc/net/snmp
}

# Record the NAPI polls with budget 0 (netpoll's) from here on.
budget0_start() {
	mountpoint -q "$TRACE" || mount -t tracefs tracefs "$TRACE" 2>/dev/null
	[ -d "$NAPI_POLL" ] || return 1
	echo 0 >"$NAPI_POLL/enable"
	echo 'budget == 0' >"$NAPI_POLL/filter" && echo >"$TRACE/trace" &&
		echo 1 >"$NAPI_POLL/enable"
}

# Print "POLLS BAD": eth0's budget-0 polls, and those that reported work.
budget0_stop() {
	[ -d "$NAPI_POLL" ] || { echo "0 0"; return; }
	echo 0 >"$NAPI_POLL/enable"
	echo 0 >"$NAPI_POLL/filter"
	awk -v dev="$LOCAL_IF" '$0 ~ "for device " dev " work" {
		n++; if ($0 !~ / work 0 budget 0/) bad++ } END { print n + 0, bad + 0 }' "$TRACE/trace"
	echo >"$TRACE/trace"
}

t_quiet() {
	nc_start || { local rc=$?; nc_stop; return $rc; }
	nc_lines quiet 200
	nc_expect quiet 200
	local got lines
	got=$(nc_arrived quiet 200)
	lines=$(grep -o 'sgnic-nc quiet [0-9]*/200$' "$RECV" | cut -d' ' -f3 | cut -d/ -f1 | tr '\n' ' ')
	nc_stop
	echo "quiet: $got of 200 lines arrived"
	[ "$got" -eq 200 ] || return 1
	# One flow through one queue at each end: they come in order too.
	[ "$lines" = "$(seq -s ' ' 1 200) " ] || { echo "out of order: $lines" | cut -c1-300; return 1; }
}
ksft_case quiet

# A burst of lines while TCP both ways through the same port keeps the TX
# queue full and the RX ring busy: netpoll finds the queue stopped, polls
# the driver with budget 0 (which must leave the received frames alone)
# and retries, or hands the line to its own queue for later.  netpoll drops nothing but
# a line it cannot allocate; the peer's socket may overflow while iperf3
# starves socat of CPU, and the snmp counter says so.  Bound: 95%, and every
# line missing must be one the peer's socket overflowed on.
UNDER_TRAFFIC_LINES=300
t_under_traffic() {
	local n=$UNDER_TRAFFIC_LINES got rcvbuf0 lost polls bad rc=0
	nc_start || { rc=$?; nc_stop; return $rc; }
	snap tx_busy tx_stop tx_packets
	rcvbuf0=$(peer_udp_rcvbuf_errors)
	budget0_start || echo "no napi_poll tracepoint: budget-0 polls not counted"
	iperf_bg 8 5215 -P 2 --bidir
	sleep 2
	nc_lines traffic "$n"
	iperf_wait || { echo "iperf3 failed"; cat /tmp/iperf-bg.out; rc=1; }
	read -r polls bad <<<"$(budget0_stop)"
	nc_expect traffic "$n"
	got=$(nc_arrived traffic "$n")
	lost=$(($(peer_udp_rcvbuf_errors) - rcvbuf0))
	grep -E 'SUM.*receiver|[0-9] +receiver' /tmp/iperf-bg.out | tail -1 | sed 's/^\[[^]]*\] *//'
	echo "under traffic: $got of $n lines arrived; peer UDP RcvbufErrors +$lost;" \
		"budget-0 polls of $LOCAL_IF $polls ($bad reported work);" \
		"tx_busy +$(delta tx_busy), tx_stop +$(delta tx_stop), tx_packets +$(delta tx_packets)"
	nc_stop
	[ $rc = 0 ] || return 1
	[ "$bad" -eq 0 ] || { echo "a budget-0 poll reported RX work"; return 1; }
	[ $((got * 100)) -ge $((n * 95)) ] || return 1
	[ $((n - got)) -le "$lost" ] || { echo "$((n - got)) lines lost on the way"; return 1; }
}
ksft_case under_traffic

# mode_round MAP COMPL: switch modes with the target live, then 50 lines
# copied to staging and 50 mapped.
mode_round() {
	local tag="$1-$2" got copied rc=0
	nc_start || { rc=$?; nc_stop; return $rc; }
	set_mode "$1" "$2" || { nc_stop; return 1; }
	snap tx_copybreak tx_map_err tx_drop_no_resources chan_resets
	nc_lines "$tag-copy" 50
	ethtool --set-tunable "$LOCAL_IF" tx-copybreak 0 || rc=1
	nc_lines "$tag-map" 50
	nc_expect "$tag-copy" 50
	nc_expect "$tag-map" 50
	got=$(($(nc_arrived "$tag-copy" 50) + $(nc_arrived "$tag-map" 50)))
	copied=$(delta tx_copybreak)
	nc_stop
	echo "$1/$2: $got of 100 lines arrived, tx_copybreak +$copied," \
		"tx_map_err +$(delta tx_map_err), chan_resets +$(delta chan_resets)"
	[ $rc = 0 ] && [ "$got" -eq 100 ] || return 1
	[ "$copied" -ge 50 ] && [ "$(delta tx_map_err)" -eq 0 ] &&
		[ "$(delta tx_drop_no_resources)" -eq 0 ] && [ "$(delta chan_resets)" -eq 0 ]
}
t_sg_interrupt() { mode_round sg interrupt; }
t_single_interrupt() { mode_round single interrupt; }
t_single_writeback() { mode_round single writeback; }
t_sg_writeback() { mode_round sg writeback; }
ksft_case sg_interrupt
ksft_case single_interrupt
ksft_case single_writeback
ksft_case sg_writeback

# No interrupt reaches the driver and byte queue limits allow a few lines
# in flight: only the watchdog (every 100 ms) and netpoll's budget-0 polls
# reap TX completions, and netpoll finds the queue stopped every few
# lines.  A poll that cleans TX restarts the queue at once, so the device
# has sent nearly every line by the time the last one is written; a poll
# that cleaned nothing would leave netpoll to queue the lines until the
# watchdog reaps, a few lines per 100 ms.  The peer pings meanwhile, and
# nobody answers, so that the polls find received frames to leave alone
# and every frame the device sends is a line.
NOIRQ_LINES=200
bql_limit_max() {
	local q
	for q in /sys/class/net/"$LOCAL_IF"/queues/tx-*/byte_queue_limits/limit_max; do
		echo "$1" >"$q" || return 1
	done
}

t_no_interrupts() {
	local n=$NOIRQ_LINES got sent polls bad limit pinger echo rc=0
	nc_start || { rc=$?; nc_stop; return $rc; }
	qom_defaults || rc=1
	limit=$(cat "/sys/class/net/$LOCAL_IF/queues/tx-0/byte_queue_limits/limit_max")
	bql_limit_max 300 || rc=1
	budget0_start || echo "no napi_poll tracepoint: budget-0 polls not counted"
	snap hw_irqs_lost hw_tx_packets watchdog_kicks rx_packets
	qom_set $LOCAL_NIC inject-lost-irq 1 || rc=1
	echo=$(sysctl -n net.ipv4.icmp_echo_ignore_all)
	sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	peer ping -q -i 0.02 -w 20 "$LOCAL_V4" >/dev/null 2>&1 &
	pinger=$!
	nc_lines noirq "$n"
	sent=$(delta hw_tx_packets)
	kill $pinger
	wait $pinger 2>/dev/null
	sysctl -qw net.ipv4.icmp_echo_ignore_all="$echo"
	nc_expect noirq "$n"
	got=$(nc_arrived noirq "$n")
	qom_defaults || rc=1
	read -r polls bad <<<"$(budget0_stop)"
	bql_limit_max "$limit"
	nc_stop
	echo "no interrupts: device sent $sent while the $n lines were written, $got arrived;" \
		"rx_packets +$(delta rx_packets), hw_irqs_lost +$(delta hw_irqs_lost), watchdog_kicks +$(delta watchdog_kicks)," \
		"budget-0 polls $polls ($bad reported work)"
	[ $rc = 0 ] && [ "$got" -eq "$n" ] && [ "$bad" -eq 0 ] || return 1
	[ $((sent * 10)) -ge $((n * 9)) ] || { echo "lines waited for the watchdog"; return 1; }
	[ ! -d "$NAPI_POLL" ] || [ "$polls" -gt 0 ] || { echo "netpoll never had to poll"; return 1; }
	wait_link
}
ksft_case no_interrupts

t_teardown() {
	local before=0 bad
	nc_stop
	[ ! -d "$TARGET" ] || return 1
	modprobe -r netconsole 2>/dev/null || { echo "netconsole does not unload"; return 1; }
	pair_setup || return 1
	integrity $((8 << 20)) 5370 || { echo "integrity failed after netconsole"; return 1; }
	[ ! -e "$DMESG_MARK" ] || before=$(cat "$DMESG_MARK")
	rm -f "$DMESG_MARK"
	bad=$(dmesg_bad | tail -n +"$((before + 1))")
	[ -z "$bad" ] || { echo "$bad" | head -30; return 1; }
}
ksft_case teardown

ksft_run "$@"
