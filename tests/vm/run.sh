#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of the in-VM tests: boot the guest and run guest-suite.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
exec scripts/vm.sh "$@" -- tests/vm/guest-suite.sh
