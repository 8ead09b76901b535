#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Send one QMP command to a running guest and print QEMU's reply (one JSON
# line).  Exit status 1 if QEMU answers with an error, 2 on usage or
# connection problems.
#
# Usage: scripts/qmp.sh SOCKET 'JSON'
#   e.g. scripts/qmp.sh build/vm/qmp.sock \
#          '{"execute":"set_link","arguments":{"name":"h0","up":false}}'
#   SOCKET defaults to $SGNIC_QMP when given as "-".
set -euo pipefail

die() {
	echo "qmp: error: $*" >&2
	exit 2
}

[ $# -eq 2 ] || die "usage: scripts/qmp.sh SOCKET 'JSON'"
sock=$1 json=$2
[ "$sock" != - ] || sock=${SGNIC_QMP:-}
[ -S "$sock" ] || die "no QMP socket at '$sock' (is scripts/vm.sh running?)"
command -v socat >/dev/null || die "socat not installed (run 'make setup')"
timeout=${QMP_TIMEOUT:-10}

coproc QMP { exec socat - "UNIX-CONNECT:$sock" 2>&1; }
# shellcheck disable=SC2153 # QMP_PID is set by coproc
qmp_pid=$QMP_PID
trap 'kill "$qmp_pid" 2>/dev/null || true' EXIT
# Replies and asynchronous events share the line; events are skipped.
reply() {
	local line
	while IFS= read -r -t "$timeout" line <&"${QMP[0]}"; do
		case "$line" in
		*'"return"'* | *'"error"'*)
			printf '%s\n' "$line"
			return 0
			;;
		*'"QMP"'* | *'"event"'*) ;;
		*) echo "qmp: unexpected: $line" >&2 ;;
		esac
	done
	die "no reply from QEMU within $timeout s on $sock"
}

# QEMU greets first, then wants capability negotiation before any command.
IFS= read -r -t "$timeout" greeting <&"${QMP[0]}" || die "no QMP greeting on $sock"
case "$greeting" in *'"QMP"'*) ;; *) die "not a QMP socket: $greeting" ;; esac
echo '{"execute":"qmp_capabilities"}' >&"${QMP[1]}"
caps=$(reply)
case "$caps" in *'"error"'*) die "qmp_capabilities failed: $caps" ;; esac
printf '%s\n' "$json" >&"${QMP[1]}"
answer=$(reply)
printf '%s\n' "$answer"
case "$answer" in *'"error"'*) exit 1 ;; esac
exit 0
