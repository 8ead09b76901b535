#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Live migration under traffic.  A --standalone guest (scripts/vm.sh; no 9p
# shares, which block migration) with two NIC ports on a QEMU hub sends a
# TCP stream from eth0 to eth1 in a network namespace (tests/vm/migrate-
# guest.sh, sgnic-stream checking every byte); meanwhile the guest is
# migrated to a new QEMU process over tcp on 127.0.0.1, and from that one
# to a third, TIMES times in all.  The stream must arrive complete and
# intact at the last process; the longest gap the receiver saw and QEMU's
# own downtime for each migration are reported.
#
#   scripts/migrate.sh [--nic sgnic|e1000e|igb|virtio-net-pci] [--times N]
#                      [--secs S] [--mib M]
#
# Defaults: sgnic, 2 migrations, a 64 MiB stream paced over 40 s; --times 0
# runs the stream alone, for the gaps it shows without a migration.  Ends
# with "migrate: N passed, N failed".  Files: $SGNIC_BUILD/migrate/NIC/
# (pK.out: what process K printed; pK/vm/console.log its console).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

nic=sgnic times=2 secs=40 mib=64
while [ $# -gt 0 ]; do
	case $1 in
	--nic) nic=${2:-}; shift 2 ;;
	--times) times=${2:-}; shift 2 ;;
	--secs) secs=${2:-}; shift 2 ;;
	--mib) mib=${2:-}; shift 2 ;;
	-h | --help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "migrate: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
for v in "$secs" "$mib"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "migrate: --secs and --mib want positive numbers" >&2; exit 2; }
done
# --times 0: the same stream without a migration, for the gaps it has anyway.
[[ $times =~ ^[0-9]+$ ]] || { echo "migrate: --times wants a number" >&2; exit 2; }
[[ $nic =~ ^[a-z0-9-]+$ ]] || { echo "migrate: bad --nic '$nic'" >&2; exit 2; }

stream=$SGNIC_BUILD/bin/sgnic-stream
[ -x "$stream" ] || { echo "migrate: no $stream (make tools)" >&2; exit 2; }
out=$SGNIC_BUILD/migrate/$nic
rm -rf "$out"
mkdir -p "$out"

pass=0 fail=0
result() {
	if [ "$1" = 0 ]; then
		echo "ok - $nic: $2"
		pass=$((pass + 1))
	else
		echo "not ok - $nic: $2"
		fail=$((fail + 1))
	fi
}
finish() {
	local k
	for k in "${!pids[@]}"; do
		kill "${pids[$k]}" 2>/dev/null
	done
	echo "migrate: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}


qmp() { QMP_TIMEOUT=30 scripts/qmp.sh "$out/p$1.qmp" "$2"; }

# Wait up to SECS for a line matching RE in process K's output.
wait_line() {
	local k=$1 re=$2 secs=$3 i
	for ((i = 0; i < secs * 5; i++)); do
		grep -qE "$re" "$out/p$k.out" 2>/dev/null && return 0
		kill -0 "${pids[$k]}" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# Process K, the same guest each time; K > 0 waits for a migration on URI.
opts=(--standalone --nic "$nic" --ports 2 --mem 512 --smp 1 --timeout 1200
	--run-dir "$out/run" --file "$stream" --file "$(command -v ip)"
	--file "$(command -v ethtool)" --file tests/vm/standalone-lib.sh
	--file tests/vm/migrate-guest.sh)
[ "$nic" = sgnic ] || opts+=(--no-module)
cmd="sh /sgnic-run/bin/migrate-guest.sh $((mib << 20)) $secs"
declare -A pids=()
start() {
	local k=$1
	shift
	SGNIC_BUILD=$out/p$k scripts/vm.sh "${opts[@]}" --monitor "$out/p$k.qmp" "$@" -- "$cmd" \
		>"$out/p$k.out" 2>"$out/p$k.err" &
	pids[$k]=$!
}

echo "migrate: $nic, a $mib MiB TCP stream over $secs s, $times migration(s) over tcp on 127.0.0.1"
start 0
wait_line 0 '^@@ stream started' 300
result $? "the guest boots and its stream starts"
[ "$fail" = 0 ] || { sed 's/^/# /' "$out/p0.out" "$out/p0.err" | tail -20; finish; }
t_stream=$(date +%s.%N)

for ((k = 1; k <= times; k++)); do
	# Spread the migrations over the stream.
	sleep "$(echo "$t_stream + $secs * $k / ($times + 1) - $(date +%s.%N)" | bc | sed 's/^-.*/0/')"
	port=$(free_port)
	start "$k" --incoming "tcp:127.0.0.1:$port"
	for ((i = 0; i < 300; i++)); do
		[ -S "$out/p$k.qmp" ] && qmp "$k" '{"execute":"query-status"}' 2>/dev/null | grep -q inmigrate && break
		sleep 0.2
	done
	t0=$(date +%s.%N)
	qmp $((k - 1)) "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"tcp:127.0.0.1:$port\"}}" >/dev/null
	status=none
	for ((i = 0; i < 1500; i++)); do
		reply=$(qmp $((k - 1)) '{"execute":"query-migrate"}' 2>/dev/null)
		status=$(jq -r '.return.status // "none"' <<<"$reply")
		case $status in completed | failed | cancelled) break ;; esac
		sleep 0.2
	done
	wall=$(echo "($(date +%s.%N) - $t0) * 1000 / 1" | bc)
	total=$(jq -r '.return["total-time"] // "?"' <<<"$reply")
	down=$(jq -r '.return.downtime // "?"' <<<"$reply")
	echo "# migration $k: $status, total ${total} ms, downtime ${down} ms (QEMU's figures), ${wall} ms as seen from here"
	echo "@@ host migration $k total_ms=$total downtime_ms=$down" >>"$out/summary"
	[ "$status" = completed ]
	result $? "migration $k completes ($((k - 1)) -> $k)"
	# The source has handed over: it stays paused until told to quit.
	qmp $((k - 1)) '{"execute":"quit"}' >/dev/null 2>&1
	wait "${pids[$((k - 1))]}" 2>/dev/null
	unset "pids[$((k - 1))]"
	[ "$status" = completed ] || finish
	qmp "$k" '{"execute":"query-status"}' | grep -q '"status": *"running"'
	result $? "process $k runs the guest"
done

wait "${pids[$times]}"
rc=$?
unset "pids[$times]"
grep '^@@ ' "$out/p$times.out" | sed 's/^/# /'
[ "$rc" = 0 ]
result $? "the stream arrives complete and intact after $times migration(s) (guest exit $rc)"
# The receiver must have finished in the last process, i.e. the stream
# spanned every migration.
for ((k = 0; k < times; k++)); do
	! grep -q '^@@ recv' "$out/p$k.out"
done
result $? "the stream was still running when the last migration finished"
recv=$(grep -m1 '^@@ recv' "$out/p$times.out")
stall=$(grep -oE 'stall_ms=[0-9.]+' <<<"$recv" | cut -d= -f2)
echo "migrate: $nic: longest stall ${stall:-?} ms (guest clock), downtimes $(grep -oE 'downtime_ms=[0-9?]+' "$out/summary" | cut -d= -f2 | paste -sd/) ms"
finish
