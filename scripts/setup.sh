#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what sgnic needs on a Debian 12 host: apt sources derived from the
# machine's own, build and run dependencies, the QEMU 10.0 source tree and a
# Debian 6.12 guest kernel (image unpacked, headers installed).  Each step
# leaves a stamp in the cache so a second run does nothing.
#
# Usage: scripts/setup.sh [apt|fuzz|qemu-src|kernel|all]   (default: all)
set -euo pipefail

. "$(dirname "$0")/env.sh"

mkdir -p "$SGNIC_CACHE"
die() { echo "setup: error: $*" >&2; exit 1; }
note() { echo "setup: $*" >&2; }

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

APT_LIST=/etc/apt/sources.list.d/sgnic.sources
BASE_SOURCES=/etc/apt/sources.list.d/debian.sources

check_disk() {
	local need_mb=$1 dir=$2 avail
	mkdir -p "$dir"
	avail=$(df -Pm "$dir" | awk 'NR==2 {print $4}')
	[ "${avail:-0}" -ge "$need_mb" ] ||
		die "need ${need_mb} MiB free in $dir, only ${avail} MiB left"
}

# Copy the first deb822 stanza of the machine's own sources with another
# type and suite, so the mirror is whatever the machine already trusts.
derive_stanza() {
	local types=$1 suite=$2
	awk -v t="$types" -v s="$suite" '
		/^[[:space:]]*$/ { if (seen) exit; next }
		/^#/ { next }
		{ seen = 1 }
		/^Types:/ { print "Types: " t; next }
		/^Suites:/ { print "Suites: " s; next }
		/^Components:/ { print "Components: main"; next }
		{ print }
	' "$BASE_SOURCES"
	echo
}

apt_sources() {
	[ -f "$APT_LIST" ] && return 0
	[ -r "$BASE_SOURCES" ] ||
		die "$BASE_SOURCES not found: cannot derive the backports and trixie deb-src entries (is this Debian 12?)"
	note "adding bookworm-backports and trixie deb-src to $APT_LIST"
	{ derive_stanza deb bookworm-backports; derive_stanza deb-src trixie; } |
		$SUDO tee "$APT_LIST.tmp" >/dev/null
	$SUDO mv "$APT_LIST.tmp" "$APT_LIST"
}

APT_PKGS=(
	build-essential dpkg-dev pkg-config git ninja-build flex bison
	python3-venv libglib2.0-dev libpixman-1-dev libslirp-dev libfdt-dev
	zlib1g-dev libattr1-dev seabios qemu-system-data busybox-static iproute2 ethtool
	iperf3 kmod cpio xz-utils socat procps gawk bc libelf-dev
	iputils-ping python3-yaml jq linux-source-6.12 linux-headers-amd64 gnuplot-nox
	sparse coccinelle
)

apt_deps() {
	local stamp=$SGNIC_CACHE/stamp-apt-v6
	[ -f "$stamp" ] && return 0
	check_disk 3000 /var/cache/apt
	apt_sources
	note "apt-get update"
	$SUDO apt-get update -q >&2 ||
		die "apt-get update failed: no access to the Debian archive?"
	note "installing build and run dependencies"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${APT_PKGS[@]}" >&2 ||
		die "apt-get install failed"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends -t bookworm-backports meson python3-pycotap >&2 ||
		die "could not install meson and python3-pycotap from bookworm-backports"
	touch "$stamp"
}

# clang-16 and libFuzzer for the fuzz build (scripts/fuzz.sh), separate so
# that a machine set up before it only installs these.
FUZZ_PKGS=(clang-16 libfuzzer-16-dev libclang-rt-16-dev llvm-16)

apt_fuzz_deps() {
	local stamp=$SGNIC_CACHE/stamp-apt-fuzz-v1
	[ -f "$stamp" ] && return 0
	check_disk 1500 /var/cache/apt
	note "installing the fuzzing toolchain (${FUZZ_PKGS[*]})"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${FUZZ_PKGS[@]}" >&2 || {
		$SUDO apt-get update -q >&2 ||
			die "apt-get update failed: no access to the Debian archive?"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
			--no-install-recommends "${FUZZ_PKGS[@]}" >&2 ||
			die "could not install ${FUZZ_PKGS[*]}"
	}
	touch "$stamp"
}

qemu_src() {
	if [ -n "${QEMU_SRC:-}" ]; then
		[ -f "$QEMU_SRC/hw/net/meson.build" ] && [ -x "$QEMU_SRC/configure" ] ||
			die "QEMU_SRC=$QEMU_SRC is not a QEMU source tree (no configure or hw/net/meson.build)"
		return 0
	fi
	[ -f "$SGNIC_QEMU_TREE/VERSION" ] && return 0
	check_disk 2000 "$SGNIC_CACHE"
	local dl=$SGNIC_CACHE/qemu-dl
	rm -rf "$dl" "$SGNIC_QEMU_TREE"
	mkdir -p "$dl"
	note "fetching Debian's qemu source ($QEMU_DEB_SPEC)"
	(cd "$dl" && apt-get source --download-only -q "$QEMU_DEB_SPEC" >&2) ||
		die "apt-get source $QEMU_DEB_SPEC failed (is the trixie deb-src entry in $APT_LIST?)"
	(cd "$dl" && dpkg-source -x --skip-debianization ./*.dsc "$SGNIC_QEMU_TREE" >&2) ||
		die "dpkg-source -x failed"
	rm -rf "$dl"
	grep -q '^10\.0' "$SGNIC_QEMU_TREE/VERSION" ||
		die "expected QEMU 10.0, got $(cat "$SGNIC_QEMU_TREE/VERSION")"
}

guest_kernel() {
	local dir=$SGNIC_CACHE/kernel/$GUEST_KERNEL
	if [ ! -f "$dir/vmlinuz" ]; then
		check_disk 1500 "$SGNIC_CACHE"
		rm -rf "$dir" && mkdir -p "$dir/dl"
		note "fetching linux-image-$GUEST_KERNEL"
		(cd "$dir/dl" && apt-get download -q "linux-image-$GUEST_KERNEL" >&2) ||
			die "apt-get download linux-image-$GUEST_KERNEL failed (set GUEST_KERNEL to a version apt-cache lists)"
		dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
		cp "$dir/root/boot/vmlinuz-$GUEST_KERNEL" "$dir/vmlinuz.tmp"
		rm -rf "$dir/dl"
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
	fi
	if [ ! -d "/usr/src/linux-headers-$GUEST_KERNEL" ]; then
		note "installing linux-headers-$GUEST_KERNEL"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
			--no-install-recommends "linux-headers-$GUEST_KERNEL" >&2 ||
			die "could not install linux-headers-$GUEST_KERNEL"
	fi
}

case "${1:-all}" in
apt) apt_deps ;;
fuzz) apt_deps; apt_fuzz_deps; qemu_src ;;
qemu-src) apt_deps; qemu_src ;;
kernel) apt_deps; guest_kernel ;;
all) apt_deps; apt_fuzz_deps; qemu_src; guest_kernel ;;
*) die "unknown step '$1' (apt, fuzz, qemu-src, kernel or all)" ;;
esac
