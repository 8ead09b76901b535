#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Stage 2 of the sgnic guest: PID 1 after switch_root, run by the host's
# bash from /run/sgnic/stage2.  Loads the NIC drivers, runs the command that
# scripts/vm.sh asked for (or an interactive shell) in /sgnic, prints the
# exit marker the host waits for, and powers off.
#
# Not -e: PID 1 must always reach the marker and the power-off.
set -u

# shellcheck disable=SC1091 # written by scripts/vm.sh
. /run/sgnic/config

export PATH=/sgnic/build/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=${SGNIC_TERM:-linux}
export SGNIC_GUEST=1 SGNIC_QMP SGNIC_QMP_MAILBOX SGNIC_NIC SGNIC_PORTS SGNIC_ACCEL

note() { echo "sgnic-vm: $*"; }
mark() { :; }
if [[ " $(</proc/cmdline) " == *" sgnic.timing "* ]]; then
	mark() {
		local up _
		read -r up _ </proc/uptime
		note "$up s: $*"
	}
fi
mark "stage 2 started"

# devtmpfs has no /dev/fd: without it bash's process substitution, <(cmd),
# fails (upstream selftests such as ethtool_rmon.sh use it).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

finish() {
	sync
	echo "SGNIC_EXIT=$1 $SGNIC_NONCE"
	# stty sets attributes with TCSADRAIN, i.e. waits until the UART has
	# sent everything, so the marker is not lost to the power-off.
	stty onlcr </dev/console 2>/dev/null
	echo o >/proc/sysrq-trigger
	while :; do sleep 60; done
}

# No udev here: bind drivers to the network devices ourselves.  sgnic.ko
# goes first so its device is not left to a generic driver.
if [ "$SGNIC_LOAD_MODULE" = 1 ]; then
	ko=/sgnic/kernel-driver/sgnic.ko
	if [ -f "$ko" ]; then
		if ! out=$(insmod "$ko" 2>&1); then
			note "error: insmod $ko failed: $out"
			dmesg | grep -i sgnic | tail -5 | while IFS= read -r line; do
				note "dmesg: $line"
			done
			finish 126
		fi
	else
		note "warning: $ko not built yet, continuing without it (make module)"
	fi
fi
mark "sgnic.ko handled"
for dev in /sys/bus/pci/devices/* /sys/bus/virtio/devices/*; do
	[ -e "$dev/driver" ] && continue
	case "$dev" in
	*/pci/*) [[ $(<"$dev/class") == 0x02* ]] || continue ;;
	esac
	modprobe -q "$(<"$dev/modalias")" 2>/dev/null
done

mark "drivers loaded"
if ! cd /sgnic; then
	note "error: /sgnic (the repository share) is missing"
	finish 125
fi

if [ "$SGNIC_MODE" = shell ]; then
	tty=/dev/ttyS0
	stty rows "${SGNIC_ROWS:-24}" cols "${SGNIC_COLS:-80}" <"$tty" 2>/dev/null
	cat >/run/sgnic/bashrc <<-'EOF'
		PS1='sgnic-vm:\w\$ '
		alias ls='ls --color=auto'
		echo "sgnic guest: /sgnic is the repository (read-write); Ctrl-D or 'exit' powers off, Ctrl-A x kills QEMU."
	EOF
	# setsid -c makes the serial line the controlling tty: job control, ^C.
	# shellcheck disable=SC2094 # a tty, not a file
	setsid -c -w bash --rcfile /run/sgnic/bashrc -i <"$tty" >"$tty" 2>&1
	finish $?
fi

# CMD's stdout is the serial console but its reader is a pipe on the host:
# no colours, and no truncation of wide output (ps, ss) at 80 columns.
export TERM=dumb NO_COLOR=1
stty cols 1000 rows 50 </dev/console 2>/dev/null
echo "SGNIC_BEGIN $SGNIC_NONCE"
bash -c "$(</run/sgnic/cmd)" </dev/null
finish $?
