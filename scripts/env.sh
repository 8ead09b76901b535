# SPDX-License-Identifier: GPL-2.0-or-later
# Shared settings for sgnic's scripts; every knob can be overridden from the
# environment.  Sourced, not run.
SGNIC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SGNIC_CACHE=${SGNIC_CACHE:-$HOME/.cache/sgnic}
GUEST_KERNEL=${GUEST_KERNEL:-6.12.95+deb12-amd64}
QEMU_DEB_SPEC=${QEMU_DEB_SPEC:-qemu/trixie}
SGNIC_QEMU_TREE=${QEMU_SRC:-$SGNIC_CACHE/qemu-10.0}
SGNIC_QEMU_BUILD=${SGNIC_QEMU_BUILD:-$SGNIC_CACHE/qemu-build}
SGNIC_BUILD=${SGNIC_BUILD:-$SGNIC_ROOT/build}
QEMU_BIN=$SGNIC_QEMU_BUILD/qemu-system-x86_64
# The guest kernel's headers, unpacked by setup.sh into the cache; a machine
# set up before that (headers installed in /usr/src) keeps using its own.
if [ -z "${KDIR:-}" ]; then
	KDIR=$SGNIC_CACHE/kernel/$GUEST_KERNEL/headers/usr/src/linux-headers-$GUEST_KERNEL
	[ -f "$KDIR/Makefile" ] || [ ! -f "/usr/src/linux-headers-$GUEST_KERNEL/Makefile" ] ||
		KDIR=/usr/src/linux-headers-$GUEST_KERNEL
fi
export SGNIC_ROOT SGNIC_CACHE GUEST_KERNEL SGNIC_QEMU_TREE SGNIC_QEMU_BUILD SGNIC_BUILD QEMU_BIN KDIR

# A TCP port on 127.0.0.1 nobody listens on now (the kernel picks it; it is
# closed again at once), for links and migrations between QEMU processes.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
