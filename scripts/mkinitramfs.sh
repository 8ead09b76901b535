#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the guest's base initramfs: busybox-static, the few modules needed to
# mount the host over virtio-9p (decompressed, so busybox insmod can load
# them and the kernel need not inflate them under TCG), stage 1
# (initramfs-init.sh) and stage 2 (guest-init.sh).  Everything else the guest
# runs comes from the host's root over 9p, so this stays a few MiB.
#
# The archive is uncompressed on purpose: unpacking a plain cpio is a memcpy,
# inflating it under TCG is not.  It is rebuilt only when an input changes.
#
# Usage: scripts/mkinitramfs.sh [--force] [--nics]   (prints the archive's path)
#   --nics: instead, the archive of NIC drivers that vm.sh --standalone puts
#   in front of the base one (no 9p share to load them from): e1000e, igb and
#   virtio_net with their dependencies in /lib/modules/nics, and per model
#   the load order in /etc/nics/MODEL.load.
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
note() { echo "mkinitramfs: $*" >&2; }

force=0 nics=0
for arg in "$@"; do
	case "$arg" in
	--force) force=1 ;;
	--nics) nics=1 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$arg'" ;;
	esac
done

# virtio_pci is built in; 9p and its transport are modules (deps resolved below).
INITRAMFS_MODULES=${INITRAMFS_MODULES:-9pnet_virtio 9p}
BUSYBOX=${BUSYBOX:-/bin/busybox}

kroot=$SGNIC_CACHE/kernel/$GUEST_KERNEL/root
mdir=$kroot/lib/modules/$GUEST_KERNEL
scripts=$SGNIC_ROOT/scripts
out_dir=$SGNIC_CACHE/initramfs
out=$out_dir/$GUEST_KERNEL.cpio
# QEMU NIC model and its guest driver, for --nics.
NIC_MODULES=${NIC_MODULES:-e1000e:e1000e igb:igb virtio-net-pci:virtio_net}
[ "$nics" = 0 ] || out=$out_dir/$GUEST_KERNEL-nics.cpio

[ -d "$mdir/kernel" ] ||
	die "no guest kernel modules in $mdir (run 'make setup' to fetch kernel $GUEST_KERNEL)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found (run 'make setup'; it installs busybox-static)"

# The Debian package ships no modules.dep (its postinst runs depmod); the
# guest's modprobe needs one too, so generate it once in the unpacked tree.
if [ ! -s "$mdir/modules.dep.bin" ] || [ "$mdir/modules.order" -nt "$mdir/modules.dep.bin" ]; then
	note "running depmod on $mdir (once per kernel, ~10 s)"
	depmod -b "$kroot" -F "$kroot/boot/System.map-$GUEST_KERNEL" "$GUEST_KERNEL" \
		>"$SGNIC_CACHE/depmod-$GUEST_KERNEL.log" 2>&1 ||
		die "depmod failed, see $SGNIC_CACHE/depmod-$GUEST_KERNEL.log"
fi

# Anything that changes the archive goes into the key.
key=$(
	{
		echo "v1 $GUEST_KERNEL $INITRAMFS_MODULES $nics $NIC_MODULES"
		stat -c '%n %s %Y' "$BUSYBOX" "$mdir/modules.dep"
		cat "$0" "$scripts/initramfs-init.sh" "$scripts/guest-init.sh"
	} | sha256sum | cut -d' ' -f1
)
if [ "$force" = 0 ] && [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	echo "$out"
	exit 0
fi

start=$(date +%s.%N)
declare -A path_of=() builtin=() done_mod=()
while IFS=: read -r path _; do
	m=${path##*/}
	m=${m%%.ko*}
	path_of[${m//-/_}]=$path
done <"$mdir/modules.dep"
while read -r path; do
	m=${path##*/}
	m=${m%%.ko*}
	builtin[${m//-/_}]=1
done <"$mdir/modules.builtin"

# Depth-first walk of modules.dep so every module follows its dependencies;
# "order" collects them, "done_mod" those already placed.
order=()
add_module() {
	local m=${1//-/_} line dep
	[ -n "${done_mod[$m]:-}" ] && return 0
	done_mod[$m]=1
	[ -n "${builtin[$m]:-}" ] && return 0
	[ -n "${path_of[$m]:-}" ] || die "module $m not found in $mdir/modules.dep"
	line=$(grep -m1 "^${path_of[$m]}:" "$mdir/modules.dep")
	for dep in ${line#*:}; do
		dep=${dep##*/}
		add_module "${dep%%.ko*}"
	done
	order+=("$m")
}

# Copy module m, decompressed, to DIR/m.ko.
put_module() {
	local m=$1 dir=$2 src=$mdir/${path_of[$1]}
	case "$src" in
	*.ko.xz) xz -dc "$src" >"$dir/$m.ko" ;;
	*.ko.zst) zstd -qdc "$src" >"$dir/$m.ko" ;;
	*.ko.gz) gzip -dc "$src" >"$dir/$m.ko" ;;
	*) cp "$src" "$dir/$m.ko" ;;
	esac
}

mkdir -p "$out_dir"
stage=$(mktemp -d "$out_dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
if [ "$nics" = 1 ]; then
	mkdir -p "$stage/lib/modules/nics" "$stage/etc/nics"
	for pair in $NIC_MODULES; do
		order=() done_mod=()
		add_module "${pair#*:}"
		for m in "${order[@]}"; do
			[ -f "$stage/lib/modules/nics/$m.ko" ] || put_module "$m" "$stage/lib/modules/nics"
			echo "$m.ko" >>"$stage/etc/nics/${pair%%:*}.load"
		done
	done
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "$key" >"$out.key"
	note "built $out ($(du -k "$out" | cut -f1) KiB: $NIC_MODULES)"
	echo "$out"
	exit 0
fi

for m in $INITRAMFS_MODULES; do
	add_module "$m"
done

mkdir -p "$stage"/{bin,dev,proc,sys,host,newroot,etc,lib/modules}
cp "$BUSYBOX" "$stage/bin/busybox"
# Applet links made here, not by "busybox --install" at boot: cheaper under TCG.
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
install -m 0755 "$scripts/initramfs-init.sh" "$stage/init"
install -m 0755 "$scripts/guest-init.sh" "$stage/stage2"
: >"$stage/etc/modules.load"
for m in "${order[@]}"; do
	put_module "$m" "$stage/lib/modules"
	echo "$m.ko" >>"$stage/etc/modules.load"
done
# The kernel wants /dev/console before /init runs when there is no devtmpfs
# yet; cpio can carry the node only when run as root, so skip it otherwise.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$key" >"$out.key"
note "built $out ($(du -k "$out" | cut -f1) KiB, modules: ${order[*]}) in $(echo "$(date +%s.%N) - $start" | bc | cut -c1-4) s"
echo "$out"
