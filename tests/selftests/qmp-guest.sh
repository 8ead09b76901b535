#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Send QMP commands to the QEMU that runs this guest and print the replies
# (one JSON line each, in order).  Runs inside the guest: scripts/vm.sh wires the second
# UART (/dev/ttyS1) to a QMP monitor of its own through socat.
#
# Usage: tests/selftests/qmp-guest.sh 'JSON' ['JSON'...]
#   e.g. tests/selftests/qmp-guest.sh \
#          '{"execute":"set_link","arguments":{"name":"h0","up":false}}'
#
# Exit status: 0 QEMU returned, 1 QEMU answered a command with an error
# (the others still ran), 2 usage or
# no answer (after QMP_RETRIES tries of QMP_TIMEOUT seconds each).
#
# The line is a byte stream shared by every caller and kept open by the
# relay for the whole boot, so nothing about its state can be assumed: the
# greeting may have been sent long ago, capabilities may already be
# negotiated, events and stale replies may be waiting.  Every command
# therefore carries a fresh "id" and only the reply with that id counts.
set -uo pipefail

tty=${QMP_TTY:-/dev/ttyS1}
timeout=${QMP_TIMEOUT:-20}
retries=${QMP_RETRIES:-3}

die() {
	echo "qmp-guest: error: $*" >&2
	exit 2
}

[ $# -ge 1 ] || die "usage: qmp-guest.sh 'JSON' ['JSON'...]"
for json in "$@"; do
	case "$json" in
	'{'*'}') ;;
	*) die "not a JSON object: $json" ;;
	esac
done
[ -c "$tty" ] || die "no $tty: boot with scripts/vm.sh (without --no-guest-qmp)"

# One caller at a time on the line.
exec 8>/run/qmp-guest.lock 2>/dev/null || exec 8>/tmp/qmp-guest.lock
flock -w $((timeout * retries * $#)) 8 || die "$tty is busy"

# Raw: no echo back to QEMU, no CR/LF games, bytes as they come.
stty -F "$tty" raw -echo -echoe -echok -echoctl -echoke -ixon -ixoff 115200 ||
	die "cannot configure $tty"
exec 3<>"$tty" || die "cannot open $tty"

# Insert "id" right after the opening brace of a command object.
with_id() { printf '{"id":"%s",%s' "$1" "${2#\{}"; }

# Wait for the reply carrying id $1; print it.  Anything else is skipped.
reply() {
	local id=$1 line part='' end=$((SECONDS + timeout))
	while [ $SECONDS -lt $end ]; do
		# On a time-out read keeps what it got: a reply that trickles in
		# over a slow line is joined, not cut in two.
		if ! IFS= read -r -t 1 line <&3; then
			part+=$line
			continue
		fi
		line=$part${line%$'\r'}
		part=
		case "$line" in
		*"\"id\": \"$id\""* | *"\"id\":\"$id\""*)
			printf '%s\n' "$line"
			return 0
			;;
		esac
	done
	return 1
}

# Drain whatever is queued (greetings, events, old replies).
while IFS= read -r -t 0.05 _ <&3; do :; done

# Until the first stty above, the line had the tty defaults, echo
# included: bytes that arrived then (the greeting, say) may have gone
# back to QEMU and left its JSON parser inside an unfinished object or
# string, where it would swallow every command.  0xFF is invalid anywhere
# in QMP's JSON: the parser reports an error (no id, skipped below) and
# starts afresh.
reset_parser() { printf '\377\n' >&3; }

# Capabilities first, then the commands, all in one write: QMP answers in
# order.  Negotiating every time is harmless: on a negotiated connection
# QEMU answers CommandNotFound, on a fresh one it is required.
base=qg$$-$RANDOM
status=0
for try in $(seq 1 "$retries"); do
	reset_parser
	msg=$(with_id "$base-c$try" '{"execute":"qmp_capabilities"}')
	i=0
	for json in "$@"; do
		msg+=$'\n'$(with_id "$base-$try-$i" "$json")
		i=$((i + 1))
	done
	printf '%s\n' "$msg" >&3
	reply "$base-c$try" >/dev/null || continue
	i=0 out=()
	for json in "$@"; do
		answer=$(reply "$base-$try-$i") || break
		out+=("$answer")
		case "$answer" in *'"error"'*) status=1 ;; esac
		i=$((i + 1))
	done
	[ $i -eq $# ] || continue
	printf '%s\n' "${out[@]}"
	exit $status
done
die "no reply from QEMU on $tty after $retries tries of $timeout s"
