#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Stage 1 of the sgnic guest, /init of the initramfs, run by busybox sh.
# Builds the real root: a tmpfs whose top-level directories are read-only
# binds of the host's root (9p share "hostroot"), the guest kernel's module
# tree over /lib/modules, writable tmpfs on /tmp /run /var/tmp /root, and
# the repository (9p share "sgnic", read-write) on /sgnic.  A tmpfs on top
# is what lets /sgnic exist although the host root is read-only.
# Then it switch_roots into stage 2 (guest-init.sh) under the host's bash.
#
# Per-run settings come from /sgnic-run/config, a small cpio that
# scripts/vm.sh puts in front of this archive.

export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Lines starting "sgnic-vm: " reach the host's stderr even in quiet mode.
fail() {
	echo "sgnic-vm: stage 1 error: $*"
	echo "sgnic-vm: stage 1 error: powering off"
	poweroff -f
	sleep 60
}

cmdline=" $(cat /proc/cmdline) "
# The accelerator probe only needs to see the kernel reach userspace.
case "$cmdline" in
*" sgnic.probe "*)
	echo SGNIC_PROBE_OK
	poweroff -f
	sleep 60
	;;
esac
# sgnic.timing on the kernel command line: boot milestones on the console.
mark() { :; }
case "$cmdline" in
*" sgnic.timing "*) mark() { echo "sgnic-vm: $(cut -d' ' -f1 /proc/uptime) s: $*"; } ;;
esac
mark "stage 1 started"

[ -r /sgnic-run/config ] || fail "no /sgnic-run/config (boot this initramfs through scripts/vm.sh)"
# shellcheck disable=SC1091 # written by scripts/vm.sh
. /sgnic-run/config

# scripts/vm.sh --standalone: no 9p shares (they would block migration).
# The guest is this initramfs: busybox, the NIC drivers of the archive
# mkinitramfs.sh --nics makes, sgnic.ko and the programs vm.sh put in
# /sgnic-run/bin.  CMD runs under busybox sh; its markers and the power-off
# are the same as stage 2's.
standalone() {
	local ko rc
	hostname sgnic-vm
	ip link set lo up
	mkdir -p /tmp /run /var
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=0755 tmpfs /run
	ln -s /run /var/run
	if [ -r "/etc/nics/$SGNIC_NIC.load" ]; then
		while read -r ko; do
			insmod "/lib/modules/nics/$ko" || fail "insmod $ko failed"
		done <"/etc/nics/$SGNIC_NIC.load"
	fi
	rc=0
	if [ "$SGNIC_LOAD_MODULE" = 1 ] && [ -f /sgnic-run/sgnic.ko ]; then
		insmod /sgnic-run/sgnic.ko || rc=126
	fi
	mark "drivers loaded"
	export PATH=/sgnic-run/bin:/bin HOME=/tmp
	cd /sgnic-run || fail "no /sgnic-run"
	if [ "$rc" = 0 ] && [ "$SGNIC_MODE" = shell ]; then
		setsid -c sh -i </dev/ttyS0 >/dev/ttyS0 2>&1
		rc=$?
	elif [ "$rc" = 0 ]; then
		stty cols 1000 rows 50 </dev/console 2>/dev/null
		echo "SGNIC_BEGIN $SGNIC_NONCE"
		sh -c "$(cat /sgnic-run/cmd)" </dev/null
		rc=$?
	else
		echo "sgnic-vm: error: insmod sgnic.ko failed: $(dmesg | grep -i sgnic | tail -1)"
	fi
	sync
	echo "SGNIC_EXIT=$rc $SGNIC_NONCE"
	stty onlcr </dev/console 2>/dev/null
	poweroff -f
	sleep 60
}
[ "${SGNIC_STANDALONE:-0}" = 0 ] || standalone

while read -r ko; do
	insmod "/lib/modules/$ko" || fail "insmod $ko failed"
	mark "loaded $ko"
done </etc/modules.load

mark "9p modules loaded"
# Cheaper here with busybox than later with the host's tools over 9p.
hostname sgnic-vm
ip link set lo up
# msize: bigger 9p messages mean fewer round trips for reads of binaries.
opts=trans=virtio,version=9p2000.L,msize=512000
# The host root is read-only and exclusive to this boot: cache it fully.
mount -t 9p -o "ro,$opts,cache=loose" hostroot /host || fail "cannot mount the host root (9p tag hostroot)"
mark "host root mounted"
mount -t tmpfs -o mode=0755 sgnicroot /newroot || fail "cannot mount the root tmpfs"

# Only the usual top-level directories: the guest needs programs, libraries
# and configuration, not the host's other mounts.
for d in bin sbin lib lib32 lib64 libx32 usr etc opt var srv home; do
	if [ -L "/host/$d" ]; then
		ln -s "$(readlink "/host/$d")" "/newroot/$d"
	elif [ -d "/host/$d" ]; then
		mkdir "/newroot/$d"
		mount --bind "/host/$d" "/newroot/$d" || fail "cannot bind /$d"
	fi
done

# /lib is usually a symlink (merged /usr); resolve it inside the new root.
lib=/newroot/lib
if [ -L "$lib" ]; then
	lib=$(readlink "$lib")
	lib=/newroot/${lib#/}
fi
[ -d "$lib/modules" ] || fail "the host has no /lib/modules to mount the guest modules on"
[ -d "/host$SGNIC_MODDIR" ] || fail "guest module tree $SGNIC_MODDIR not visible through the host share"
mount --bind "/host$SGNIC_MODDIR" "$lib/modules" || fail "cannot bind the guest module tree"

for d in proc sys dev tmp run root sgnic; do
	mkdir -p "/newroot/$d"
done
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mount -t tmpfs -o mode=0700 tmpfs /newroot/root
if [ -d /newroot/var/tmp ]; then
	mount -t tmpfs -o mode=1777 tmpfs /newroot/var/tmp
fi
# cache=mmap: no caching that could hide host-side changes, but shared
# writable mmap still works for the programs that want it.
mount -t 9p -o "$opts,cache=mmap" sgnic /newroot/sgnic || fail "cannot mount the repository (9p tag sgnic)"

mkdir -p /newroot/run/sgnic
cp /stage2 /sgnic-run/* /newroot/run/sgnic/ || fail "cannot copy the run files"

mark "root assembled"
# The binds keep their own references; the raw share must not stay visible.
umount -l /host
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys

# From here on the host's bash runs, not busybox (busybox sh would prefer
# its own applets over the host's ip, ethtool and friends).
exec switch_root /newroot /bin/bash /run/sgnic/stage2
