#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what sgnic needs on a Debian 12 host: apt sources derived from the
# machine's own, build and run dependencies, the QEMU 10.0 source tree and a
# Debian 6.12 guest kernel.  The guest kernel's image, headers and kbuild
# packages are unpacked into the cache with dpkg-deb -x, never installed: the
# host's own kernels, /boot and its initramfs stay as they were.  Each step
# leaves a stamp in the cache so a second run does nothing.
#
# Usage: scripts/setup.sh [apt|fuzz|xdp|qemu-src|kernel|all|host-check]   (default: all)
#   host-check: asks apt, without installing anything, whether the packages
#   setup installs would bring a kernel image, an initramfs or a boot loader
#   onto the host, and checks the unpacked headers tree (tests/build-checks.sh).
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
	sparse coccinelle gcc-12 pahole libssl3 netsniff-ng
)

apt_deps() {
	local stamp=$SGNIC_CACHE/stamp-apt-v8
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

# apt_install [-t RELEASE] PKG...: install, and once more after apt-get
# update should the package lists be stale (a machine set up long ago).
apt_install() {
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "$@" >&2 && return 0
	$SUDO apt-get update -q >&2 ||
		die "apt-get update failed: no access to the Debian archive?"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "$@" >&2 ||
		die "could not install $*"
}

apt_fuzz_deps() {
	local stamp=$SGNIC_CACHE/stamp-apt-fuzz-v1
	[ -f "$stamp" ] && return 0
	check_disk 1500 /var/cache/apt
	note "installing the fuzzing toolchain (${FUZZ_PKGS[*]})"
	apt_install "${FUZZ_PKGS[@]}"
	touch "$stamp"
}

# XDP tests (tests/selftests/xdp.sh): xdp-tools and libxdp from Debian 12,
# libbpf and bpftool from bookworm-backports (the 6.12 generation, for the
# 6.12 guest); clang-16 (above) builds the BPF programs.  Upstream's
# xskxceiver (xsk_upstream.sh) needs nothing more: the 6.12 tree's own
# libbpf, built static, with libelf-dev and zlib1g-dev (above) and this
# bpftool for its skeleton.
XDP_PKGS=(xdp-tools libxdp-dev)
XDP_BPO_PKGS=(libbpf-dev bpftool)

apt_xdp_deps() {
	local stamp=$SGNIC_CACHE/stamp-apt-xdp-v1
	[ -f "$stamp" ] && return 0
	note "installing the XDP tools (${XDP_PKGS[*]} ${XDP_BPO_PKGS[*]})"
	apt_sources
	apt_install "${XDP_PKGS[@]}"
	apt_install -t bookworm-backports "${XDP_BPO_PKGS[@]}"
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

# The packages linux-headers-$GUEST_KERNEL needs to build a module, by name:
# itself, its -common package and the matching linux-kbuild (not the image).
header_pkgs() {
	echo "linux-headers-$GUEST_KERNEL"
	apt-cache depends "linux-headers-$GUEST_KERNEL" 2>/dev/null |
		awk '$1 ~ /Depends:$/ && $2 ~ /^linux-(headers-.*-common|kbuild-)/ { print $2 }'
}

# The headers tree in the cache.  Debian's per-flavour Makefile includes
# the -common tree by absolute path: point it at the unpacked copy; every
# other link inside the packages is relative.
guest_headers() {
	local dir=$1 root=$1/headers pkgs tree
	[ -f "$root/.complete" ] && return 0
	check_disk 500 "$SGNIC_CACHE"
	mapfile -t pkgs < <(header_pkgs)
	[ "${#pkgs[@]}" -ge 3 ] ||
		die "apt-cache names no -common and linux-kbuild package for linux-headers-$GUEST_KERNEL (got: ${pkgs[*]})"
	rm -rf "$root" "$dir/dl-headers" && mkdir -p "$dir/dl-headers"
	note "fetching ${pkgs[*]} (unpacked into $root, not installed)"
	(cd "$dir/dl-headers" && apt-get download -q "${pkgs[@]}" >&2) ||
		die "apt-get download ${pkgs[*]} failed"
	local deb
	for deb in "$dir"/dl-headers/*.deb; do
		dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
	done
	rm -rf "$dir/dl-headers"
	tree=$root/usr/src/linux-headers-$GUEST_KERNEL
	[ -f "$tree/Makefile" ] && [ -f "$tree/Module.symvers" ] ||
		die "$tree is not a kernel headers tree"
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$tree/Makefile"
	grep -q "^include $root/usr/src/linux-headers-.*-common/Makefile" "$tree/Makefile" ||
		die "unexpected $tree/Makefile: cannot point it at the unpacked -common tree"
	touch "$root/.complete"
}

guest_kernel() {
	local dir=$SGNIC_CACHE/kernel/$GUEST_KERNEL
	if [ ! -f "$dir/vmlinuz" ]; then
		check_disk 1500 "$SGNIC_CACHE"
		rm -rf "$dir/root" "$dir/dl" && mkdir -p "$dir/dl"
		note "fetching linux-image-$GUEST_KERNEL (unpacked, not installed)"
		(cd "$dir/dl" && apt-get download -q "linux-image-$GUEST_KERNEL" >&2) ||
			die "apt-get download linux-image-$GUEST_KERNEL failed (set GUEST_KERNEL to a version apt-cache lists)"
		dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
		cp "$dir/root/boot/vmlinuz-$GUEST_KERNEL" "$dir/vmlinuz.tmp"
		rm -rf "$dir/dl"
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
	fi
	guest_headers "$dir"
}

# Nothing setup installs may bring a kernel, an initramfs generator or a boot
# loader: apt-get -s shows what an install would do without doing it.
host_check() {
	local pkgs=("${APT_PKGS[@]}" "${FUZZ_PKGS[@]}" "${XDP_PKGS[@]}") out bad tree
	out=$(apt-get -s -q install --no-install-recommends "${pkgs[@]}" 2>&1) ||
		die "apt-get -s install failed: $out"
	out+=$(apt-get -s -q install --no-install-recommends -t bookworm-backports \
		meson python3-pycotap 2>&1) || die "apt-get -s install (backports) failed"
	bad=$(grep -E '^Inst (linux-image-|initramfs-tools|dracut|grub|systemd-boot)' <<<"$out" || true)
	[ -z "$bad" ] || die "setup's packages would install on the host: $bad"
	tree=$SGNIC_CACHE/kernel/$GUEST_KERNEL/headers/usr/src/linux-headers-$GUEST_KERNEL
	[ -f "$tree/Module.symvers" ] || die "no headers tree in $tree (run scripts/setup.sh kernel)"
	! dpkg -S "$tree" >/dev/null 2>&1 || die "$tree belongs to an installed package"
	note "host-check: no kernel image, initramfs or boot loader among ${#pkgs[@]} packages; headers in $tree"
}

case "${1:-all}" in
apt) apt_deps ;;
fuzz) apt_deps; apt_fuzz_deps; qemu_src ;;
xdp) apt_deps; apt_fuzz_deps; apt_xdp_deps ;;
qemu-src) apt_deps; qemu_src ;;
kernel) apt_deps; guest_kernel ;;
all) apt_deps; apt_fuzz_deps; apt_xdp_deps; qemu_src; guest_kernel ;;
host-check) host_check ;;
*) die "unknown step '$1' (apt, fuzz, qemu-src, kernel, all or host-check)" ;;
esac
