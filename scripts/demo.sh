#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo: boot two sgnic ports on a QEMU hub, load sgnic.ko, show what
# the driver registered and run iperf3 between the ports (one of them in a
# network namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/vm.sh "$@" -- bash tests/vm/demo-guest.sh
