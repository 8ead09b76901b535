#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the sgnic-stream tool over 127.0.0.1: a correct stream passes,
# pacing takes the time asked, a corrupted, short or long stream is caught
# at the right offset, an injected pause shows as the stall, a silent peer
# times out, the sender waits for a late listener; option checking, and
# that the binary is static.
#
#   test_sgnic_stream.sh [PATH/TO/sgnic-stream]
#
# The binary is the first argument, else $SGNIC_STREAM, else the default
# build location.  Prints one "ok N name" / "not ok N name" line per check
# and a closing "N passed, N failed"; exits non-zero when a check failed.
# Takes about 8 s: the paced and timed cases wait on purpose.  Timing
# checks have loose bounds, the machine may be busy.

set -u

here=$(cd "$(dirname "$0")" && pwd)
stream=${1:-${SGNIC_STREAM:-$here/../../build/bin/sgnic-stream}}

. "$here/lib.sh"
start_suite sgnic-stream "$stream"

lo=127.0.0.1
rrc=

# listening_port FILE: the port of the "listening on" line the receiver
# prints on stderr, waiting up to 5 s for it
listening_port() {
	local tries=50 p

	while [ $tries -gt 0 ]; do
		p=$(sed -nE 's/^sgnic-stream: recv listening on [0-9.]+:([0-9]+)$/\1/p' "$1")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# transfer RECV-OPTIONS... -- SEND-OPTIONS...: a receiver on a free port of
# 127.0.0.1 in the background (-t 10 unless RECV-OPTIONS say otherwise: a
# failure does not hang), then the sender to it.  $rc is the sender's
# status, $rrc the receiver's; $out and $err hold both sides' output.
transfer() {
	local rargs=() port rpid

	while [ "$1" != -- ]; do
		rargs+=("$1")
		shift
	done
	shift
	# emptied here: the receiver may not have opened them when they are read
	: >"$tmp/rout"
	: >"$tmp/rerr"
	"$stream" recv -b $lo -p 0 -t 10 "${rargs[@]}" >"$tmp/rout" 2>"$tmp/rerr" &
	rpid=$!
	if ! port=$(listening_port "$tmp/rerr"); then
		kill "$rpid"
		port=0
	fi
	run send -c $lo -p "$port" "$@"
	wait "$rpid"
	rrc=$?
	cat "$tmp/rout" >>"$tmp/out"
	cat "$tmp/rerr" >>"$tmp/err"
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	last_run="sgnic-stream recv ${rargs[*]} (exit $rrc) | $last_run"
}

# field SIDE NAME: the value of NAME= in the summary line of SIDE (recv, send)
field() {
	grep -E "^sgnic-stream: $1 bytes=" <<<"$out" | grep -oE " $2=[^ ]*" | cut -d= -f2
}

# is SIDE NAME VALUE: the summary of SIDE says NAME=VALUE
is() {
	[ "$(field "$1" "$2")" = "$3" ]
}

# at_least SIDE NAME MIN / below SIDE NAME MAX: numeric bounds on NAME
at_least() {
	awk -v v="$(field "$1" "$2")" -v m="$3" 'BEGIN { exit !(v != "" && v + 0 >= m) }'
}

below() {
	awk -v v="$(field "$1" "$2")" -v m="$3" 'BEGIN { exit !(v != "" && v + 0 < m) }'
}

recv_status() {
	[ "$rrc" -eq "$1" ]
}

# inverted_byte OFF: stderr names a bad byte at OFF whose value is the
# expected one inverted (what --corrupt-at sends), the expected one being
# byte OFF of the sequence of seed 0 as the man page defines it
inverted_byte() {
	local line

	line=$(grep -E "bad byte at offset $1: " <<<"$err") || return 1
	python3 - "$1" "$line" <<'EOF'
import re, sys
off = int(sys.argv[1])
m = re.search(r"expected 0x([0-9a-f]{2}), got 0x([0-9a-f]{2})$", sys.argv[2])
want, got = int(m.group(1), 16), int(m.group(2), 16)
M = (1 << 64) - 1
z = ((off // 8 + 1) * 0x9e3779b97f4a7c15) & M
z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
z ^= z >> 31
sys.exit(0 if want == (z >> (8 * (off % 8))) & 0xff and got == want ^ 0xff else 1)
EOF
}

# ---- Correct streams ---------------------------------------------------------

# not a multiple of 8 or of the 64 KiB chunk: the tail is checked too
transfer -n 3000003 -s 0x1234 -- -n 3000003 -s 0x1234
check "correct: send exit 0" status_is 0
check "correct: recv exit 0" recv_status 0
check "correct: recv ok=1" is recv ok 1
check "correct: recv bytes=3000003" is recv bytes 3000003
check "correct: recv expected=3000003" is recv expected 3000003
check "correct: recv first_bad=-1" is recv first_bad -1
check "correct: recv result=ok" is recv result ok
check "correct: send bytes=3000003" is send bytes 3000003
check "correct: send result=ok" is send result ok

transfer -n 1 -- -n 1
check "one byte: recv exit 0" recv_status 0

# ---- Pacing ---------------------------------------------------------------------

# 1.5 MB at 8 Mbit/s: 1.5 s
transfer -n 1500000 -- -n 1500000 -r 8
check "-r 8: recv exit 0" recv_status 0
check "-r 8: send took >= 1.2 s" at_least send secs 1.2
check "-r 8: recv took >= 1.2 s" at_least recv secs 1.2
check "-r 8: recv took < 7.5 s" below recv secs 7.5

transfer -n 400000 -- -n 400000 -d 1
check "-d 1: recv exit 0" recv_status 0
check "-d 1: send took >= 0.8 s" at_least send secs 0.8
check "-d 1: recv took < 5 s" below recv secs 5

# ---- Bad streams ------------------------------------------------------------------

transfer -n 1000000 -- -n 1000000 --corrupt-at 123457
check "corrupt: recv exit 1" recv_status 1
check "corrupt: recv ok=0" is recv ok 0
check "corrupt: first_bad=123457" is recv first_bad 123457
check "corrupt: result=mismatch" is recv result mismatch
check "corrupt: message names the byte, expected and got" inverted_byte 123457

transfer -n 1000000 -- -n 1000000 --corrupt-at 999999
check "corrupt last byte: recv exit 1" recv_status 1
check "corrupt last byte: first_bad=999999" is recv first_bad 999999

transfer -n 100000 -s 1 -- -n 100000 -s 2
check "other seed: recv exit 1" recv_status 1
check "other seed: first_bad=0" is recv first_bad 0

transfer -n 100000 -- -n 60000
check "short: send exit 0" status_is 0
check "short: recv exit 1" recv_status 1
check "short: recv bytes=60000" is recv bytes 60000
check "short: result=short" is recv result short
check "short: first_bad=-1" is recv first_bad -1

transfer -n 60000 -- -n 60001
check "long: recv exit 1" recv_status 1
check "long: result=extra" is recv result extra

# ---- Stalls and timeouts ------------------------------------------------------------

transfer -n 1000000 -- -n 1000000 --pause-at 200000:500
check "pause: recv exit 0" recv_status 0
check "pause: stall_ms >= 450" at_least recv stall_ms 450
check "pause: stall_at=200000" is recv stall_at 200000
check "pause: gaps_100ms >= 1" at_least recv gaps_100ms 1

transfer -n 100000 -t 1 -- -n 100000 --pause-at 1000:1500
check "stalled sender: recv exit 2" recv_status 2
check "stalled sender: result=timeout" is recv result timeout
check "stalled sender: bytes=1000" is recv bytes 1000
check "stalled sender: the open gap is the stall" at_least recv stall_ms 900
check "stalled sender: send fails" status_is 1

run recv -b $lo -p 0 -n 10 -t 1
check "nobody connects: exit 2" status_is 2
check "nobody connects: result=timeout" grep -q ' bytes=0 .* result=timeout$' "$tmp/out"

# ---- A late listener --------------------------------------------------------------

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$stream" send -c $lo -p "$port" -n 100000 >"$tmp/sout" 2>&1 &
spid=$!
sleep 0.5
run recv -b $lo -p "$port" -n 100000 -t 10
wait "$spid"
src=$?
check "late listener: recv exit 0" status_is 0
check "late listener: send retried and passed" test "$src" -eq 0

# ---- Options ------------------------------------------------------------------------

bad_usage=(
	""
	"foo"
	"recv -n 10"
	"recv -p 1"
	"send -p 1 -n 10"
	"send -c 10.0.0 -p 1 -n 10"
	"send -c localhost -p 1 -n 10"
	"send -c $lo -p 0 -n 10"
	"recv -p 65536 -n 10"
	"recv -p 1 -n 0"
	"recv -p 1 -n 0x1000000000001"
	"recv -p 1 -n 10 -r 1"
	"recv -p 1 -n 10 --corrupt-at 1"
	"recv -c $lo -p 1 -n 10"
	"send -b $lo -c $lo -p 1 -n 10"
	"send -c $lo -p 1 -n 10 -r 1 -d 1"
	"send -c $lo -p 1 -n 10 -r 0"
	"send -c $lo -p 1 -n 10 --pause-at 5"
	"send -c $lo -p 1 -n 10 --pause-at x:5"
	"send -c $lo -p 1 -n 10 --pause-at 5:0"
	"send -c $lo -p 1 -n 10 --pause-at 10:5"
	"send -c $lo -p 1 -n 10 --corrupt-at 10"
	"recv -p 1 -n 10 -t -1"
	"recv -p 1 -n 10 extra"
	"recv -p"
	"recv -q"
	"recv --frobnicate"
)
for args in "${bad_usage[@]}"; do
	# shellcheck disable=SC2086 # split on purpose
	run $args
	check "'$args': usage error" usage_error
done
run --help
check "--help: exit 0" status_is 0
check "--help: usage on stdout" grep -q "^usage: " "$tmp/out"
run send --help
check "send --help: exit 0" status_is 0

# ---- The binary -------------------------------------------------------------------

# static_binary: no program interpreter, so it runs in the busybox initramfs
static_binary() {
	! readelf -l "$stream" | grep -q INTERP
}
check "static binary" static_binary

finish
