#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Send QMP commands to the QEMU that runs this guest and print the replies
# (one JSON line each, in order).  Runs inside the guest: scripts/vm.sh
# gives it a mailbox directory in the repository ($SGNIC_QMP_MAILBOX, seen
# over 9p without caching) and a host-side relay, scripts/qmp-mailbox.py,
# that carries what is left there to a QMP monitor of its own.
#
# Usage: tests/selftests/qmp-guest.sh 'JSON' ['JSON'...]
#   e.g. tests/selftests/qmp-guest.sh \
#          '{"execute":"set_link","arguments":{"name":"h0","up":false}}'
#
# Exit status: 0 QEMU returned, 1 QEMU answered a command with an error
# (the others still ran), 2 usage, or no answer within QMP_TIMEOUT seconds.
set -uo pipefail

mbox=${SGNIC_QMP_MAILBOX:-}
timeout=${QMP_TIMEOUT:-30}

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
	case "$json" in
	*$'\n'*) die "one line per command: $json" ;;
	esac
done
[ -n "$mbox" ] && [ -d "$mbox" ] ||
	die "no QMP mailbox: boot with scripts/vm.sh (without --no-guest-qmp)"

# Forks are slow under TCG (about 0.1 s each), so this script makes none
# but the first call's mkfifo.  The request goes out in one write; the
# relay takes it once it ends in a newline, and removes old replies.
name=g$$-$RANDOM$RANDOM
printf '%s\n' "$@" >"$mbox/$name.req" || die "cannot write to $mbox"

# Wait by reading with a time-out from a pipe nobody ever writes to.
pause=/tmp/qmp-guest.pause
[ -p "$pause" ] || mkfifo "$pause" 2>/dev/null || [ -p "$pause" ] ||
	die "cannot make $pause"
exec 7<>"$pause" || die "cannot open $pause"
end=$((SECONDS + timeout))
while [ ! -e "$mbox/$name.rsp" ]; do
	if [ $SECONDS -ge "$end" ]; then
		die "no reply from the host's QMP relay within $timeout s"
	fi
	read -r -t 0.02 -u 7 _
done
mapfile -t out <"$mbox/$name.rsp"
printf '%s\n' "${out[@]}"
case "${out[*]}" in
*'"error"'*) exit 1 ;;
esac
exit 0
