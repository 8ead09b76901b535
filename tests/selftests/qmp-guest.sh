#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Send one QMP command to the QEMU that runs this guest and print its reply
# (one JSON line).  Runs inside the guest: scripts/vm.sh wires the second
# UART (/dev/ttyS1) to a QMP monitor of its own through socat.
#
# Usage: tests/selftests/qmp-guest.sh 'JSON'
#   e.g. tests/selftests/qmp-guest.sh \
#          '{"execute":"set_link","arguments":{"name":"h0","up":false}}'
#
# Exit status: 0 QEMU returned, 1 QEMU answered with an error, 2 usage or
# no answer (after QMP_RETRIES tries of QMP_TIMEOUT seconds each).
#
# The line is a byte stream shared by every caller and kept open by the
# relay for the whole boot, so nothing about its state can be assumed: the
# greeting may have been sent long ago, capabilities may already be
# negotiated, events and stale replies may be waiting.  Every command
# therefore carries a fresh "id" and only the reply with that id counts.
set -uo pipefail

tty=${QMP_TTY:-/dev/ttyS1}
timeout=${QMP_TIMEOUT:-10}
retries=${QMP_RETRIES:-3}

die() {
	echo "qmp-guest: error: $*" >&2
	exit 2
}

[ $# -eq 1 ] || die "usage: qmp-guest.sh 'JSON'"
json=$1
case "$json" in
'{'*'}') ;;
*) die "not a JSON object: $json" ;;
esac
[ -c "$tty" ] || die "no $tty: boot with scripts/vm.sh (without --no-guest-qmp)"

# One caller at a time on the line.
exec 8>/run/qmp-guest.lock 2>/dev/null || exec 8>/tmp/qmp-guest.lock
flock -w $((timeout * retries)) 8 || die "$tty is busy"

# Raw: no echo back to QEMU, no CR/LF games, bytes as they come.
stty -F "$tty" raw -echo -echoe -echok -echoctl -echoke -ixon -ixoff 115200 ||
	die "cannot configure $tty"
exec 3<>"$tty" || die "cannot open $tty"

# Insert "id" right after the opening brace of a command object.
with_id() { printf '{"id":"%s",%s' "$1" "${2#\{}"; }

# Wait for the reply carrying id $1; print it.  Anything else is skipped.
reply() {
	local id=$1 line end=$((SECONDS + timeout))
	while [ $SECONDS -lt $end ]; do
		IFS= read -r -t 1 line <&3 || continue
		line=${line%$'\r'}
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
while IFS= read -r -t 0.2 _ <&3; do :; done

base=qg$$-$RANDOM
for try in $(seq 1 "$retries"); do
	# Negotiate every time: on a fresh connection it is required, on a
	# negotiated one QEMU answers with a harmless CommandNotFound.
	printf '%s\n' "$(with_id "$base-c$try" '{"execute":"qmp_capabilities"}')" >&3
	reply "$base-c$try" >/dev/null || continue
	printf '%s\n' "$(with_id "$base-$try" "$json")" >&3
	if answer=$(reply "$base-$try"); then
		printf '%s\n' "$answer"
		case "$answer" in *'"error"'*) exit 1 ;; esac
		exit 0
	fi
done
die "no reply from QEMU on $tty after $retries tries of $timeout s"
