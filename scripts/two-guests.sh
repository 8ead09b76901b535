#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Two guests in two QEMU processes, their sgnic ports linked over 127.0.0.1
# (scripts/vm.sh --link): ping and iperf3 both ways, then ethtool -S from
# both (tests/vm/two-guest.sh is the guest side).  `make demo2` runs it;
# the test suite runs it with short iperf3 runs.
#
#   scripts/two-guests.sh [--link stream|dgram] [--secs N] [--nic MODEL]
#
# Across two hosts, run the halves by hand (docs/user-guide.md):
#   host 1: scripts/vm.sh --ports 1 --mac-id 1 --link listen:0.0.0.0:5555 -- tests/vm/two-guest.sh a
#   host 2: scripts/vm.sh --ports 1 --mac-id 2 --link connect:HOST1:5555 -- tests/vm/two-guest.sh b
#
# Ends with "two-guests: N passed, N failed": the ok / not ok lines of both
# guests, plus one failure per guest that did not exit cleanly.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

link=stream secs=5 nic=sgnic
while [ $# -gt 0 ]; do
	case $1 in
	--link) link=${2:-}; shift 2 ;;
	--secs) secs=${2:-}; shift 2 ;;
	--nic) nic=${2:-}; shift 2 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "two-guests: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ $secs =~ ^[0-9]+$ ]] || { echo "two-guests: --secs wants a number" >&2; exit 2; }


p1=$(free_port) p2=$(free_port)
case $link in
stream) spec_a=listen:127.0.0.1:$p1 spec_b=connect:127.0.0.1:$p1 ;;
dgram) spec_a=dgram:127.0.0.1:$p1:127.0.0.1:$p2 spec_b=dgram:127.0.0.1:$p2:127.0.0.1:$p1 ;;
*) echo "two-guests: --link is stream or dgram, not '$link'" >&2; exit 2 ;;
esac

out=$SGNIC_BUILD/two-guests
mkdir -p "$out"
mod=()
[ "$nic" = sgnic ] || mod=(--no-module)
guest() {
	local role=$1 id=$2 spec=$3
	SGNIC_BUILD=$out/$role scripts/vm.sh --nic "$nic" "${mod[@]}" --ports 1 --smp 1 \
		--mem 768 --no-guest-qmp --mac-id "$id" --link "$spec" --timeout 900 \
		-- bash tests/vm/two-guest.sh "$role" "$secs" >"$out/$role.out" 2>&1
	echo $? >"$out/$role.rc"
}

echo "two-guests: $nic, -netdev $link on 127.0.0.1 ($spec_a <-> $spec_b)"
rm -f "$out"/*.out "$out"/*.rc
guest a 1 "$spec_a" &
pa=$!
guest b 2 "$spec_b" &
pb=$!
# Show both guests as they go, each line tagged with its guest.
tail -q -n +1 -F "$out/a.out" 2>/dev/null | sed -u 's/^/[a] /' &
ta=$!
tail -q -n +1 -F "$out/b.out" 2>/dev/null | sed -u 's/^/[b] /' &
tb=$!
wait "$pa" "$pb"
sleep 0.5
kill "$ta" "$tb" 2>/dev/null
wait "$ta" "$tb" 2>/dev/null

pass=0 fail=0
for role in a b; do
	p=$(grep -c '^two-guest: ok ' "$out/$role.out")
	f=$(grep -c '^two-guest: not ok ' "$out/$role.out")
	rc=$(cat "$out/$role.rc" 2>/dev/null || echo 125)
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "two-guests: guest $role exited $rc (console log: $out/$role/vm/console.log)"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
done
echo "two-guests: $pass passed, $fail failed"
[ "$fail" = 0 ]
