#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The upstream driver selftests of Linux 6.12 (tools/testing/selftests/
# drivers/net, from Debian's linux-source-6.12) against sgnic, run in the
# guest.  They are unpacked into the cache by scripts/kselftest-src.sh and
# copied to build/selftests/ksrc by tests/selftests/run-boots.sh; nothing of
# them is kept in this repository.
#
# The environment is the one drivers/net/README.rst describes: NETIF is the
# port under test, the remote end is the second sgnic port in netns "peer".
# Each program prints its own KTAP; this script passes it through.
#
# Not run, with the reason:
#   netcons_basic.sh        creates netdevsim devices only (Debian has no netdevsim)
#   hw/devlink_port_split.py  needs devlink ports; sgnic registers none
#   hw/rss_ctx.py           needs additional RSS contexts (ethtool -X context
#                           new), which sgnic does not have (one indirection
#                           table), and the JSON output of ethtool >= 6.8
#                           (Debian 12 ships 6.1)
#   hw/ethtool_rmon.sh      runs from ethtool_cli.sh (upstream_rmon): it needs
#                           both ports in one namespace
#   hw/ethtool.sh, hw/loopback.sh, hw/hw_stats_l3*.sh, hw/ethtool_mm.sh
#                           forwarding-lib tests of autonegotiation, MAC merge,
#                           loopback and L3 hardware stats, none of which
#                           sgnic models
#
# Usage (in the guest): tests/selftests/upstream.sh [PROGRAM...]
set -u
. "$(dirname "$0")/lib.sh"

KSRC=${KSRC:-$SGNIC_REPO/build/selftests/ksrc}
KSFT=$KSRC/tools/testing/selftests
PROGS=(drivers/net/ping.py drivers/net/stats.py drivers/net/queues.py
	drivers/net/hw/csum.py drivers/net/hw/pp_alloc_fail.py)

if [ ! -f "$KSFT/drivers/net/lib/py/__init__.py" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP upstream selftests not unpacked in $KSRC (make selftest does it)"
	exit $KSFT_SKIP
fi
for mod in yaml; do
	python3 -c "import $mod" 2>/dev/null || {
		echo "1..0 # SKIP python3-$mod missing"
		exit $KSFT_SKIP
	}
done

pair_setup || { echo "1..0 # SKIP no link between the ports"; exit 1; }
# IPv6 too, so the v6 cases run rather than skip.
LOCAL_V6=fd00:5347::1 REMOTE_V6=fd00:5347::2
# stats.py's check_down takes the port down and up; IPv6 addresses would
# go with it and every later v6 case would fail to bind.
sysctl -qw "net.ipv6.conf.$LOCAL_IF.keep_addr_on_down=1"
peer sysctl -qw "net.ipv6.conf.$REMOTE_IF.keep_addr_on_down=1"
$IP -6 addr replace "$LOCAL_V6/64" dev "$LOCAL_IF" nodad
peer $IP -6 addr replace "$REMOTE_V6/64" dev "$REMOTE_IF" nodad
wait_for "ping -6 -q -c 1 -W 1 $REMOTE_V6 >/dev/null 2>&1" 50 ||
	echo "# warning: no IPv6 reachability; v6 cases will fail"

export NETIF=$LOCAL_IF LOCAL_V4 REMOTE_V4 LOCAL_V6 REMOTE_V6
export REMOTE_TYPE=netns REMOTE_ARGS=$PEER_NS
# No config file: the library takes the environment (drivers/net/README.rst).
rm -f "$KSFT/drivers/net/net.config" "$KSFT/drivers/net/hw/net.config"

sel=("$@")
[ ${#sel[@]} -gt 0 ] || sel=("${PROGS[@]}")
rc_all=0
for p in "${sel[@]}"; do
	echo "# upstream: $p"
	if [ ! -f "$KSFT/$p" ]; then
		echo "not ok 1 $p # not in $KSFT"
		rc_all=1
		continue
	fi
	if [ "$p" = drivers/net/hw/pp_alloc_fail.py ] && [ ! -e /sys/kernel/debug/fail_function ]; then
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
		if [ ! -e /sys/kernel/debug/fail_function ]; then
			echo "TAP version 13"
			echo "1..1"
			echo "ok 1 pp_alloc_fail.test_pp_alloc # SKIP kernel without CONFIG_FAIL_FUNCTION (no fail_function in debugfs; scripts/debug-kernel.sh builds one)"
			echo "# upstream: $p exit 4"
			continue
		fi
	fi
	# Through the shim: it fills what Debian's 6.12 library lacks.  Some
	# cases give their helpers fixed windows (hw/csum.py's receiver stops
	# after 1 s); a TCG guest on a busy host can miss them, so a program
	# that failed is run once more and the second run counts.  The first
	# run stays in the log as diagnostics.
	for attempt in 1 2; do
		(cd "$(dirname "$KSFT/$p")" &&
			timeout -k 5 300 python3 "$SELFTEST_DIR/upstream_shim.py" "./$(basename "$p")") \
			>/tmp/upstream-run.log 2>&1
		rc=$?
		if [ $attempt = 1 ] && [ $rc != 0 ] && [ $rc != 4 ]; then
			# The first run's lines as diagnostics only: not counted.
			sed 's/^/# first run: /' /tmp/upstream-run.log
			echo "# upstream: $p failed (exit $rc), running it once more"
			continue
		fi
		cat /tmp/upstream-run.log
		break
	done
	echo "# upstream: $p exit $rc"
	case $rc in 0 | 4) ;; *) rc_all=1 ;; esac
done
exit $rc_all
