#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole boot's kernel log, after every other selftest: no warning, bug,
# oops, sanitizer or DMA-API report, no netdev refcount wait.  The halts
# that recovery.sh injects are expected and are not warnings.
set -u
. "$(dirname "$0")/lib.sh"

t_no_warnings() {
	local bad
	bad=$(dmesg_bad)
	[ -z "$bad" ] || { echo "$bad" | head -30; return 1; }
	echo "sgnic lines in the log: $(dmesg | grep -c sgnic)"
}
ksft_case no_warnings

t_no_unexpected_halts() {
	# Halts happen only under inject-dma-error: every one must say INJECTED (0x0b).
	local other
	# Status is state | error << 8: 0xb04 is HALTED with SGNIC_ERR_INJECTED;
	# the pair's other channel may be in any running state (0x0..0x3).
	other=$(dmesg | grep 'halted (tx status' |
		grep -vE 'tx status 0x(b04|[0-3]), rx status 0x(b04|[0-3])\)' || true)
	[ -z "$other" ] || { echo "$other" | head; return 1; }
}
ksft_case no_unexpected_halts

ksft_run "$@"
