# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # variables are for the sourcing tests
# Helpers for the shell selftests in this directory, sourced in the guest.
#
# Each test script is a small KTAP producer: it declares its cases with
# ksft_case, runs them with ksft_run, and exits with the kselftest codes
# (0 pass, 1 fail, 4 all skipped).  A case is a shell function that returns
# 0 (pass), 4 (skip; its last line "SKIP: reason" becomes the directive) or
# anything else (fail).  Lines it prints become KTAP diagnostics.
#
# The topology is tests/vm/lib.sh's: eth0 10.99.0.1 here, eth1 10.99.0.2 in
# netns "peer", two sgnic ports on one QEMU hub.

SELFTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SGNIC_REPO=$(cd "$SELFTEST_DIR/../.." && pwd)
# shellcheck disable=SC1091 # the shared guest helpers
. "$SGNIC_REPO/tests/vm/lib.sh"

KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4
SGNIC_KO=${SGNIC_KO:-$SGNIC_REPO/kernel-driver/sgnic.ko}
SELFTEST_BYTES=${SELFTEST_BYTES:-$((32 << 20))}
QMP_GUEST=$SELFTEST_DIR/qmp-guest.sh
# The NICs' QOM and hub-port names, as scripts/vm.sh gives them.
LOCAL_NIC=nic0 REMOTE_NIC=nic1
LOCAL_PORT=h0 REMOTE_PORT=h1

declare -a KSFT_CASES=()
ksft_case() { KSFT_CASES+=("$1"); }

skip() {
	echo "SKIP: $*"
	return $KSFT_SKIP
}

# Run the cases named on the command line, or all of them, as KTAP.
ksft_run() {
	local sel=("$@") n=0 pass=0 fail=0 skipped=0 c out rc start why
	[ ${#sel[@]} -gt 0 ] || sel=("${KSFT_CASES[@]}")
	echo "TAP version 13"
	echo "1..${#sel[@]}"
	for c in "${sel[@]}"; do
		n=$((n + 1))
		start=$SECONDS
		out=$("t_$c" 2>&1)
		rc=$?
		[ -z "$out" ] || sed 's/^/# /; s/^# # /# /' <<<"$out"
		case $rc in
		0)
			echo "ok $n $c # $((SECONDS - start)) s"
			pass=$((pass + 1))
			;;
		"$KSFT_SKIP")
			why=$(sed -n 's/^SKIP: //p' <<<"$out" | tail -1)
			echo "ok $n $c # SKIP ${why:-no reason given}"
			skipped=$((skipped + 1))
			;;
		*)
			echo "not ok $n $c # exit $rc, $((SECONDS - start)) s"
			fail=$((fail + 1))
			;;
		esac
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skipped error:0"
	[ $fail -eq 0 ] || return $KSFT_FAIL
	[ $pass -gt 0 ] || [ $skipped -eq 0 ] || return $KSFT_SKIP
	return $KSFT_PASS
}

# ---- QMP from inside the guest --------------------------------------------

# qmp JSON...: replies on stdout; on failure they go to stderr as well.
qmp() {
	local out rc
	out=$("$QMP_GUEST" "$@")
	rc=$?
	[ $rc = 0 ] || echo "qmp failed ($rc): ${out:-no reply}" >&2
	[ -z "$out" ] || printf '%s\n' "$out"
	return $rc
}

qom_set_json() {
	echo "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/$1\",\"property\":\"$2\",\"value\":$3}}"
}

# qom_set NIC PROPERTY VALUE [NIC PROPERTY VALUE...]: change device
# properties of nic0/nic1 (one QMP exchange).  Remembered, so that
# qom_defaults puts back only what was changed.
QOM_CHANGED=/tmp/selftest-qom-changed
qom_set() {
	local cmds=()
	while [ $# -ge 3 ]; do
		cmds+=("$(qom_set_json "$1" "$2" "$3")")
		echo "$1 $2" >>$QOM_CHANGED
		shift 3
	done
	qmp "${cmds[@]}" >/dev/null
}

qom_get() {
	qmp "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/$1\",\"property\":\"$2\"}}" |
		sed -n 's/.*"return": *\([0-9]*\).*/\1/p'
}

# set_link PORT up|down: what "set_link" in the QEMU monitor does.
set_link() {
	local up=true
	[ "$2" = up ] || up=false
	qmp "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"$1\",\"up\":$up}}" >/dev/null
}

# Every injection and DMA limit that was changed back to the device default.
declare -A QOM_DEFAULT=([inject-dma-error]=0 [inject-short]=0 [inject-lost-irq]=0
	[max-xfer]=65536 [max-sg]=32 [max-seg]=65536 [seg-boundary-shift]=32 [x-gone]=false)
qom_defaults() {
	local nic prop cmds=()
	[ -s $QOM_CHANGED ] || return 0
	sort -u $QOM_CHANGED >$QOM_CHANGED.sorted
	while read -r nic prop; do
		cmds+=("$(qom_set_json "$nic" "$prop" "${QOM_DEFAULT[$prop]}")")
	done <$QOM_CHANGED.sorted
	# Once more on failure: a property left changed would fail every
	# later test's setup.
	qmp "${cmds[@]}" >/dev/null || { sleep 1; qmp "${cmds[@]}" >/dev/null; } || return 1
	rm -f $QOM_CHANGED
}

# ---- module and topology -----------------------------------------------------

# Remove and load sgnic.ko; the driver reads the device's limits at probe,
# so this is how a new max-sg or max-xfer reaches it.  The pair comes back
# un-configured (pair_setup rebuilds it).
reload_module() {
	pair_teardown
	rmmod sgnic || return 1
	insmod "$SGNIC_KO" || return 1
	wait_ifaces
}

wait_ifaces() {
	local i
	for i in $(seq 1 50); do
		[ -e "/sys/class/net/$LOCAL_IF" ] && [ -e "/sys/class/net/$REMOTE_IF" ] && return 0
		sleep 0.1
	done
	echo "interfaces $LOCAL_IF/$REMOTE_IF did not come back"
	return 1
}

# Wait until $1 (a command) succeeds, up to $2 tenths of a second.
wait_for() {
	local _
	for _ in $(seq 1 "${2:-50}"); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

carrier() { cat "/sys/class/net/$LOCAL_IF/carrier" 2>/dev/null || echo 0; }
peer_carrier() { peer cat "/sys/class/net/$REMOTE_IF/carrier" 2>/dev/null || echo 0; }

# Counter deltas: snap NAME... stores the local values; delta NAME prints
# the growth since.  peer_snap/peer_delta do the same on the remote port.
declare -A SNAP=() PSNAP=()
snap() {
	local k
	for k in "$@"; do SNAP[$k]=$(stat_of "$k"); done
}
delta() { echo $(($(stat_of "$1") - ${SNAP[$1]:-0})); }
peer_snap() {
	local k
	for k in "$@"; do PSNAP[$k]=$(peer_stat_of "$k"); done
}
peer_delta() { echo $(($(peer_stat_of "$1") - ${PSNAP[$1]:-0})); }

# The kernel log must hold no warning, bug or sanitizer report.  Lines
# matching $1 (an extended regex) are expected and ignored.
dmesg_bad() {
	# The debug kernel's checkers announce themselves at boot; only
	# their reports count.
	dmesg | grep -E 'WARNING:|BUG:|BUG |Oops|Call Trace|general protection|KASAN|UBSAN|DMA-API|kmemleak|refcount_t|list_(add|del) corruption|unregister_netdevice: waiting|hung_task|soft lockup|rcu_sched self-detected|page_pool.*(stalled|leak)' |
		grep -Ev 'DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config)|kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread started)' |
		grep -Ev "${1:-^\$}"
}

# iperf3 in the background for SECONDS (more iperf3 arguments may follow):
# sets IPERF_CLIENT and IPERF_SERVER; the server runs once in the peer
# namespace.  iperf_stop ends both.
IPERF_CLIENT='' IPERF_SERVER=''
iperf_bg() {
	local secs=$1 port=${2:-5201}
	shift 2
	peer iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
	IPERF_SERVER=$!
	# A loaded TCG guest can take well over a fixed pause to start it.
	wait_for "listening $port" 200 || echo "iperf_bg: no server on port $port after 20 s"
	iperf3 -c "$REMOTE_V4" -p "$port" -t "$secs" "$@" >/tmp/iperf-bg.out 2>&1 &
	IPERF_CLIENT=$!
}

# Wait for the client (true if it succeeded), then make sure both are gone.
iperf_wait() {
	local rc=0
	[ -z "$IPERF_CLIENT" ] || wait "$IPERF_CLIENT" || rc=$?
	iperf_stop
	return $rc
}

iperf_stop() {
	local p
	for p in $IPERF_CLIENT $IPERF_SERVER; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	IPERF_CLIENT='' IPERF_SERVER=''
	return 0
}

# ---- bounded traffic --------------------------------------------------------
# tests/vm/lib.sh's tcp_integrity and iperf_mbps, with every wait bounded and
# the listener known to be up before the sender starts: under a loaded
# host, starting socat in the namespace can take longer than a fixed sleep,
# and a sender that found no listener would leave the test waiting forever.
INTEGRITY_TIMEOUT=${INTEGRITY_TIMEOUT:-300}

listening() { peer ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# integrity BYTES PORT: send BYTES over TCP, compare SHA-256 at both ends.
integrity() {
	local bytes=$1 port=$2 t=$INTEGRITY_TIMEOUT lpid spid rc=0 want got
	local fifo=/tmp/int-$port.fifo rsum=/tmp/int-$port.recv ssum=/tmp/int-$port.send
	rm -f "$fifo" "$rsum" "$ssum"
	mkfifo "$fifo"
	peer sh -c "timeout -k 5 $t socat -u TCP-LISTEN:$port,reuseaddr STDOUT | sha256sum > $rsum" &
	lpid=$!
	if ! wait_for "listening $port" 200; then
		echo "integrity: no listener on port $port after 20 s"
		kill $lpid 2>/dev/null
		return 1
	fi
	sha256sum <"$fifo" >"$ssum" &
	spid=$!
	[ -f /tmp/rand16m ] || head -c $((16 << 20)) /dev/urandom >/tmp/rand16m
	while :; do cat /tmp/rand16m || break; done 2>/dev/null | head -c "$bytes" |
		tee "$fifo" | timeout -k 5 "$t" socat -u STDIN "TCP:$REMOTE_V4:$port" || rc=1
	wait $spid
	wait $lpid || rc=1
	want=$(cat "$ssum" 2>/dev/null) got=$(cat "$rsum" 2>/dev/null)
	rm -f "$fifo"
	[ $rc = 0 ] || { echo "integrity: transfer on port $port failed or timed out"; return 1; }
	[ -n "$want" ] && [ "$want" = "$got" ] || { echo "integrity: SHA-256 differs"; return 1; }
}

# mbps SECONDS [-R] [more iperf3 arguments]: TCP throughput in Mbit/s.
mbps() {
	local secs=$1 port=$((5600 + RANDOM % 300)) s
	shift
	peer timeout $((secs + 30)) iperf3 -s -1 -p $port >/dev/null 2>&1 &
	s=$!
	wait_for "listening $port" 200 || { kill $s 2>/dev/null; echo 0; return; }
	timeout $((secs + 25)) iperf3 -c "$REMOTE_V4" -p $port -t "$secs" "$@" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e6 | floor' 2>/dev/null || echo 0
	kill $s 2>/dev/null
	wait $s 2>/dev/null
}
