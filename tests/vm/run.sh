#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of the in-VM tests: boot the guest and run guest-suite.sh.
# SGNIC_INTEGRITY_BYTES (host environment) sizes the per-mode TCP check.
set -uo pipefail
cd "$(dirname "$0")/../.."
exec scripts/vm.sh --timeout 3000 "$@" -- env SGNIC_INTEGRITY_BYTES="${SGNIC_INTEGRITY_BYTES:-$((256 << 20))}" \
	tests/vm/guest-suite.sh
