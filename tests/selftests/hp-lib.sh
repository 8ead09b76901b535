# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sourced by the selftests that work on a port plugged behind the empty
# pcie-root-port "hp0" of every selftest boot (hotplug.sh, aer.sh):
#   plug [MAC]   netdev_add a hub port and device_add an sgnic "hpnic"
#                behind hp0 over the guest's QMP channel; its interface
#                ($HP_IF) goes into netns hp as 10.99.0.3 and reaches the
#                peer before plug returns
#   unplug       device_del, and wait until QEMU and the guest let go
#   hpx CMD      run CMD in netns hp
#   have_slot    true when this boot has hp0
# Needs lib.sh first.

HP_NS=hp HP_V4=10.99.0.3 HP_IF=''
hpx() { $IP netns exec "$HP_NS" "$@"; }

HP_MAC=52:54:00:12:34:70
# The hot-plugged port's interface (here or in netns hp), by its MAC.
hp_if() {
	{ $IP -o link; hpx ip -o link 2>/dev/null; } | grep -i "$HP_MAC" | awk -F': ' '{ print $2; exit }'
}

have_slot() {
	qmp '{"execute":"qom-list","arguments":{"path":"/machine/peripheral/hp0"}}' >/dev/null 2>&1
}

ifnames() { $IP -o link | awk -F': ' '{ print $2 }' | sort; }
# The interface that appeared since plug() looked (files: the guest has
# no /dev/fd for process substitution).
new_if() {
	ifnames >/tmp/hp-ifs.now
	comm -13 /tmp/hp-ifs.before /tmp/hp-ifs.now | head -1
}

# plug [MAC]: the port with MAC (default HP_MAC), found by the address it
# ends up with (an invalid MAC gets a random one).
plug() {
	local mac=${1:-$HP_MAC}
	ifnames >/tmp/hp-ifs.before
	qmp '{"execute":"netdev_add","arguments":{"type":"hubport","id":"hph","hubid":0}}' \
		'{"execute":"device_add","arguments":{"driver":"sgnic","id":"hpnic","bus":"hp0","netdev":"hph","mac":"'"$mac"'"}}' \
		>/dev/null || return 1
	if [ "$mac" = "$HP_MAC" ]; then
		wait_for '[ -n "$(hp_if)" ]' 300 || { echo "no interface behind hp0 after device_add"; return 1; }
		HP_IF=$(hp_if)
	else
		wait_for '[ -n "$(new_if)" ]' 300 || { echo "no new interface after device_add"; return 1; }
		HP_IF=$(new_if)
	fi
	$IP netns list | grep -qw "$HP_NS" || $IP netns add "$HP_NS"
	$IP link set "$HP_IF" netns "$HP_NS" 2>/dev/null
	hpx ip link set lo up
	hpx ip addr add "$HP_V4/24" dev "$HP_IF" 2>/dev/null
	hpx ip link set "$HP_IF" up
	wait_for "hpx ping -q -c 1 -W 1 $REMOTE_V4 >/dev/null 2>&1" 300 ||
		{ echo "the hot-plugged port cannot reach $REMOTE_V4"; return 1; }
}

unplug() {
	qmp '{"execute":"device_del","arguments":{"id":"hpnic"}}' >/dev/null || return 1
	# QEMU frees the device once the guest has let go of it.
	wait_for '! qmp "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/hpnic\",\"property\":\"type\"}}" >/dev/null 2>&1' 600 ||
		{ echo "hpnic still present 60 s after device_del"; return 1; }
	wait_for "! $IP -o link show $HP_IF >/dev/null 2>&1 && ! hpx ip -o link show $HP_IF >/dev/null 2>&1" 100 ||
		{ echo "$HP_IF still there after the unplug"; return 1; }
	qmp '{"execute":"netdev_del","arguments":{"id":"hph"}}' >/dev/null
}
