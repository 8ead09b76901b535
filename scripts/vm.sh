#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the sgnic test guest (Debian's guest kernel; the host's own userspace,
# read-only over virtio-9p; the repository read-write on /sgnic) and run one
# command in it, or give a shell on the serial console.  The guest's only
# network is QEMU hub ports: nothing it sends can leave the host.
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"

vmdir=$SGNIC_BUILD/vm
log=$vmdir/console.log
fw=$SGNIC_CACHE/firmware
kernel=$SGNIC_CACHE/kernel/$GUEST_KERNEL/vmlinuz
moddir=$SGNIC_CACHE/kernel/$GUEST_KERNEL/root/lib/modules

usage() {
	cat <<EOF
Usage: scripts/vm.sh [options] [-- CMD [ARG...]]

Boot the guest, run CMD with /sgnic (this repository, read-write) as the
working directory, print its output and exit with its status.  Without CMD,
open a shell on the serial console (Ctrl-D powers off; Ctrl-A x kills QEMU).

CMD runs under bash with PATH starting at /sgnic/build/bin and stdin from
/dev/null; its stdout and stderr both arrive on stdout.  A single word is a
shell command line ('ip link; ls'); several words are run as given, each
argument preserved (-- sh -c 'ip link; ls').

Options:
  --nic MODEL         NIC model: sgnic (default), e1000e, igb, virtio-net-pci
  --ports N           number of NICs, each on its own port of hub 0 (default 2)
  --link SPEC         connect the next port (the first --link port 0, the second
                      port 1, ...) to another QEMU process instead of hub 0:
                        listen:HOST:PORT    TCP listener (-netdev stream server)
                        connect:HOST:PORT   TCP client, reconnecting every 200 ms
                                            until the listener is up and after
                                            it goes away
                        dgram:LHOST:LPORT:RHOST:RPORT   UDP both ways
                      HOST is an IPv4 address; 127.0.0.1 links guests on one host
  --mac-id N          fifth byte of the NICs' MACs, 0-255 (default 52, i.e.
                      52:54:00:12:34:56 upwards): give linked guests different ones
  --no-module         do not insmod kernel-driver/sgnic.ko
  --standalone        no 9p shares: the guest runs from the initramfs alone
                      (busybox, the NIC drivers, sgnic.ko and the --file
                      programs in /sgnic-run/bin), so it can be live-migrated;
                      CMD runs under busybox sh in /sgnic-run
  --file PATH         with --standalone: copy PATH into /sgnic-run/bin, with
                      the shared libraries of a dynamic program (repeatable)
  --incoming URI      start as a migration destination (-incoming URI) of a
                      guest started with the same options and --run-dir
  --run-dir DIR       keep the per-run initramfs and marker nonce in DIR (the
                      source writes them, an --incoming destination reads them)
  --mem MIB           guest memory in MiB (default 1024)
  --smp N             guest CPUs (default 2)
  --timeout SECONDS   stop the guest after this long; 0 = never
                      (default 600 with CMD, none for the shell)
  --monitor PATH      QMP socket for host-side tools such as scripts/qmp.sh
                      (default \$SGNIC_BUILD/vm/qmp.sock); CMD sees it as SGNIC_QMP
  --no-guest-qmp      do not give the guest its own QMP channel (a mailbox
                      directory that tests/selftests/qmp-guest.sh writes to)
  --kernel VERSION    boot \$SGNIC_CACHE/kernel/VERSION (vmlinuz and root/lib/modules,
                      as scripts/debug-kernel.sh lays them out) instead of
                      \$GUEST_KERNEL; same as GUEST_KERNEL=VERSION
  --append "ARGS"     extra kernel command line (repeatable)
  --qemu-args "ARGS"  extra QEMU arguments, split at blanks (repeatable)
  --verbose           kernel messages and the whole console on stdout
  -h, --help          this text

Environment: ACCEL=kvm|tcg skips the accelerator probe (verdict cached in
\$SGNIC_CACHE/accel).  Other settings: scripts/env.sh.

NICs have QOM ids nic0, nic1, ... (qom-set /machine/peripheral/nic0 max-sg 2)
and netdev ids h0, h1, ... (set_link h0 off).

Exit status: CMD's status; 124 timeout; 125 the guest crashed or could not
start; 126 sgnic.ko failed to load.  The whole console is kept in
$log (the previous run's in console.log.1).
EOF
}

die() {
	echo "vm: error: $*" >&2
	exit 125
}
usage_error() {
	echo "vm: $*" >&2
	echo "Try 'scripts/vm.sh --help'." >&2
	exit 2
}
note() { echo "vm: $*" >&2; }

# Quote one word for a POSIX shell.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

nic=sgnic ports=2 load_module=1 mem=1024 smp=2 timeout='' verbose=0 guest_qmp=1
links=() mac_id=52 standalone=0 files=() incoming='' run_dir=''
qmp=$vmdir/qmp.sock
extra_append='' extra_qemu=()
have_cmd=0
while [ $# -gt 0 ]; do
	opt=$1
	val=
	case "$opt" in
	--*=*) val=${opt#*=} opt=${opt%%=*} ;;
	--nic | --ports | --mem | --smp | --timeout | --monitor | --append | --qemu-args | --kernel | \
	--link | --mac-id | --file | --incoming | --run-dir)
		[ $# -ge 2 ] || usage_error "option $opt needs a value"
		val=$2
		shift
		;;
	esac
	shift
	case "$opt" in
	--nic) nic=$val ;;
	--ports) ports=$val ;;
	--link) links+=("$val") ;;
	--mac-id) mac_id=$val ;;
	--standalone) standalone=1 guest_qmp=0 ;;
	--file) files+=("$val") ;;
	--incoming) incoming=$val ;;
	--run-dir) run_dir=$val ;;
	--no-module) load_module=0 ;;
	--no-guest-qmp) guest_qmp=0 ;;
	--kernel)
		[[ $val =~ ^[A-Za-z0-9.+_-]+$ ]] || usage_error "--kernel: bad version '$val'"
		GUEST_KERNEL=$val
		export GUEST_KERNEL
		kernel=$SGNIC_CACHE/kernel/$GUEST_KERNEL/vmlinuz
		moddir=$SGNIC_CACHE/kernel/$GUEST_KERNEL/root/lib/modules
		;;
	--mem) mem=$val ;;
	--smp) smp=$val ;;
	--timeout) timeout=$val ;;
	--monitor) qmp=$val ;;
	--append) extra_append+=" $val" ;;
	--qemu-args)
		read -r -a words <<<"$val"
		extra_qemu+=("${words[@]}")
		;;
	--verbose) verbose=1 ;;
	-h | --help) usage; exit 0 ;;
	--) have_cmd=1; break ;;
	*) usage_error "unknown option '$opt'" ;;
	esac
done
[ "$have_cmd" = 0 ] || [ $# -gt 0 ] || usage_error "'--' must be followed by a command"

# A --link SPEC as -netdev options (after "stream,id=hN," or "dgram,id=hN,").
ipv4='([0-9]{1,3}\.){3}[0-9]{1,3}'
port_re='([0-9]{1,5})'
link_netdev() {
	local spec=$1 a p
	for p in $(grep -oE ':[0-9]+(:|$)' <<<"$spec" | tr -d :); do
		[ "$p" -ge 1 ] && [ "$p" -le 65535 ] || return 1
	done
	if [[ $spec =~ ^(listen|connect):($ipv4):$port_re$ ]]; then
		a="addr.type=inet,addr.host=${BASH_REMATCH[2]},addr.port=${BASH_REMATCH[4]}"
		case ${BASH_REMATCH[1]} in
		listen) echo "stream,server=on,$a" ;;
		connect) echo "stream,server=off,reconnect-ms=200,$a" ;;
		esac
	elif [[ $spec =~ ^dgram:($ipv4):$port_re:($ipv4):$port_re$ ]]; then
		echo "dgram,local.type=inet,local.host=${BASH_REMATCH[1]},local.port=${BASH_REMATCH[3]},remote.type=inet,remote.host=${BASH_REMATCH[4]},remote.port=${BASH_REMATCH[6]}"
	else
		return 1
	fi
}
isnum() { [[ $2 =~ ^[0-9]+$ ]] || usage_error "$1 wants a number, got '$2'"; }
isnum --ports "$ports"
isnum --mem "$mem"
isnum --smp "$smp"
[ -z "$timeout" ] || isnum --timeout "$timeout"
isnum --mac-id "$mac_id"
[ "$ports" -le 16 ] || usage_error "--ports: at most 16"
[ "$mac_id" -le 255 ] || usage_error "--mac-id: at most 255"
[ "${#links[@]}" -le "$ports" ] || usage_error "${#links[@]} --link options for $ports port(s)"
[ "${#files[@]}" = 0 ] || [ "$standalone" = 1 ] || usage_error "--file needs --standalone"
[ -z "$incoming" ] || [ -n "$run_dir" ] || usage_error "--incoming needs --run-dir (the source's)"
[ -z "$incoming" ] || [ "$have_cmd" = 1 ] || usage_error "--incoming needs the source's command after --"
[ -z "$incoming" ] || [ -s "$run_dir/initrd" ] || usage_error "--incoming: no initrd in --run-dir $run_dir"
for f in "${files[@]}"; do
	[ -f "$f" ] || usage_error "--file: no file '$f'"
done
for l in "${links[@]}"; do
	link_netdev "$l" >/dev/null ||
		usage_error "--link: '$l' is not listen:HOST:PORT, connect:HOST:PORT or dgram:LHOST:LPORT:RHOST:RPORT"
done
[[ $nic =~ ^[a-z0-9-]+$ ]] || usage_error "--nic: bad model name '$nic'"
if [ "$have_cmd" = 1 ]; then
	timeout=${timeout:-600}
else
	timeout=${timeout:-0}
fi
case "$qmp" in /*) ;; *) qmp=$PWD/$qmp ;; esac

# Say which make target produces what is missing.
[ -x "$QEMU_BIN" ] || die "no QEMU at $QEMU_BIN: run 'make qemu' (after 'make setup')"
if [ ! -f "$kernel" ] || [ ! -d "$moddir/$GUEST_KERNEL/kernel" ]; then
	die "guest kernel $GUEST_KERNEL not unpacked in $SGNIC_CACHE/kernel: run 'make setup'"
fi
if [ ! -e "$fw/bios-256k.bin" ] || [ ! -e "$fw/linuxboot_dma.bin" ]; then
	die "firmware directory $fw incomplete: run 'make qemu' (it links seabios and qemu-system-data there)"
fi
if [ "$nic" = sgnic ] && ! "$QEMU_BIN" -device sgnic,help >/dev/null 2>&1; then
	die "$QEMU_BIN has no sgnic device: run 'make qemu' (or pick a baseline with --nic e1000e)"
fi

mkdir -p "$vmdir"
# One guest per build directory: the log and QMP socket paths are fixed.
exec 9>"$vmdir/lock"
flock -n 9 || die "another scripts/vm.sh is using $vmdir (set SGNIC_BUILD to run guests in parallel)"

base_initrd=$("$SGNIC_ROOT/scripts/mkinitramfs.sh") || die "building the initramfs failed"

# Boot the uncompressed ELF through its PVH entry when the kernel has one:
# loading a bzImage and inflating it under TCG costs 2 to 3 s per boot.
pvh_kernel() {
	local out=$SGNIC_CACHE/initramfs/$GUEST_KERNEL.vmlinux
	local sects off len magic unpack
	if [ -s "$out" ] && [ "$out" -nt "$kernel" ]; then
		echo "$out"
		return 0
	fi
	# bzImage setup header: setup_sects, payload_offset, payload_length.
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$kernel" | tr -d ' ')
	off=$(od -An -tu4 -j $((0x248)) -N4 "$kernel" | tr -d ' ')
	len=$(od -An -tu4 -j $((0x24c)) -N4 "$kernel" | tr -d ' ')
	[ "$sects" != 0 ] || sects=4
	off=$(((sects + 1) * 512 + off))
	magic=$(od -An -tx1 -j "$off" -N4 "$kernel" | tr -d ' ')
	case "$magic" in
	28b52ffd) unpack="zstd -qdc" ;;
	fd377a58) unpack="xz -dc" ;;
	1f8b08*) unpack="gzip -dc" ;;
	*) return 1 ;;
	esac
	# The payload ends with its 4-byte uncompressed size, not compressed data.
	dd if="$kernel" iflag=skip_bytes,count_bytes skip="$off" count=$((len - 4)) \
		bs=1M status=none | $unpack >"$out.tmp" 2>/dev/null || return 1
	readelf -n "$out.tmp" 2>/dev/null | grep -q -e '0x00000012' -e PHYS32_ENTRY || return 1
	mv "$out.tmp" "$out"
	echo "$out"
}
if pvh=$(pvh_kernel); then
	kernel=$pvh
else
	rm -f "$SGNIC_CACHE/initramfs/$GUEST_KERNEL.vmlinux.tmp"
fi

# --- accelerator ------------------------------------------------------------
# A KVM that cannot run this kernel tends to hang rather than fail, so the
# verdict comes from a real boot with a time limit, cached per kernel and
# QEMU binary.
probe_kvm() {
	local plog=$vmdir/accel-probe.log
	note "probing KVM with a test boot (up to 60 s; once per kernel and QEMU build)"
	local rc=0
	timeout -k 5 60 "$QEMU_BIN" -M q35 -accel kvm -cpu max -m 256 -smp 1 \
		-nodefaults -nographic -no-reboot -L "$fw" -serial stdio \
		-kernel "$kernel" -initrd "$base_initrd" \
		-append "console=ttyS0 quiet panic=-1 sgnic.probe" \
		</dev/null >"$plog" 2>&1 || rc=$?
	# 126/127: QEMU itself did not start (e.g. being relinked); not a verdict.
	if [ "$rc" = 126 ] || [ "$rc" = 127 ]; then
		echo "vm: error: cannot run $QEMU_BIN: $(tail -1 "$plog")" >&2
		return 1
	fi
	if grep -q SGNIC_PROBE_OK "$plog"; then
		echo kvm
	else
		echo tcg
	fi
}

if [ -n "${ACCEL:-}" ]; then
	case "$ACCEL" in kvm | tcg) ;; *) usage_error "ACCEL must be kvm or tcg, not '$ACCEL'" ;; esac
	accel=$ACCEL why="from ACCEL"
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	accel=tcg why="no usable /dev/kvm"
else
	cache=$SGNIC_CACHE/accel
	key="$GUEST_KERNEL $(stat -c %Y "$QEMU_BIN")"
	cached_key='' accel=''
	if [ -f "$cache" ]; then
		{ read -r cached_key; read -r accel; } <"$cache" || true
	fi
	if [ "$cached_key" = "$key" ] && [[ $accel =~ ^(kvm|tcg)$ ]]; then
		why="cached probe verdict, $cache"
	else
		accel=$(probe_kvm) || exit 125
		printf '%s\n%s\n' "$key" "$accel" >"$cache.tmp" && mv "$cache.tmp" "$cache"
		why="probe verdict, see $vmdir/accel-probe.log"
	fi
fi
note "accel=$accel ($why)"

# --- per-run files ----------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/sgnic-vm.XXXXXX")
qpid=''
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	[ -z "${relay_pid:-}" ] || kill "$relay_pid" 2>/dev/null || true
	rm -rf "$run" "${mbox:-}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$incoming" ]; then
	# The guest's markers carry the source's nonce.
	nonce=$(cat "$run_dir/nonce" 2>/dev/null)
	[[ $nonce =~ ^[0-9a-f]{16}$ ]] || die "no nonce in --run-dir $run_dir"
else
	nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
fi
# Where the guest's QMP requests and replies meet (under the repository,
# which the guest mounts at /sgnic).
mbox=$SGNIC_ROOT/build/qmp-mailbox/$nonce
mode=shell rows='' cols=''
if [ "$have_cmd" = 1 ]; then
	mode=cmd
elif [ -t 0 ]; then
	read -r rows cols < <(stty size 2>/dev/null) || true
fi
mkdir -p "$run/cpio/sgnic-run"
{
	echo "SGNIC_MODDIR=$(shquote "$moddir")"
	echo "SGNIC_NONCE=$nonce"
	echo "SGNIC_MODE=$mode"
	echo "SGNIC_LOAD_MODULE=$load_module"
	echo "SGNIC_QMP=$(shquote "$qmp")"
	[ "$guest_qmp" = 0 ] || echo "SGNIC_QMP_MAILBOX=/sgnic/build/qmp-mailbox/$nonce"
	echo "SGNIC_NIC=$(shquote "$nic")"
	echo "SGNIC_PORTS=$ports"
	echo "SGNIC_ACCEL=$accel"
	echo "SGNIC_TERM=$(shquote "${TERM:-linux}")"
	echo "SGNIC_ROWS=${rows:-24}"
	echo "SGNIC_COLS=${cols:-80}"
	echo "SGNIC_STANDALONE=$standalone"
} >"$run/cpio/sgnic-run/config"
if [ "$have_cmd" = 1 ]; then
	if [ $# -eq 1 ]; then
		cmd=$1
	else
		cmd=
		for a in "$@"; do cmd+="$(shquote "$a") "; done
	fi
	printf '%s\n' "$cmd" >"$run/cpio/sgnic-run/cmd"
fi
# --standalone: what the guest would otherwise take from the 9p shares.
# A dynamic program brings its shared libraries, at the paths ldd names.
add_program() {
	local f=$1 lib
	install -D -m 0755 "$f" "$run/cpio/sgnic-run/bin/$(basename "$f")"
	ldd "$f" >/dev/null 2>&1 || return 0
	for lib in $(ldd "$f" | grep -oE '/[^ ]+ \(0x' | sed 's/ (0x$//'); do
		[ -e "$run/cpio$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$run/cpio$lib"
	done
}
archives=("$base_initrd")
if [ "$standalone" = 1 ]; then
	if [ "$load_module" = 1 ] && [ "$nic" = sgnic ]; then
		[ -f "$SGNIC_ROOT/kernel-driver/sgnic.ko" ] ||
			die "--standalone: kernel-driver/sgnic.ko is not built (make module)"
		cp "$SGNIC_ROOT/kernel-driver/sgnic.ko" "$run/cpio/sgnic-run/"
	fi
	mkdir -p "$run/cpio/sgnic-run/bin"
	for f in "${files[@]}"; do
		add_program "$f"
	done
	nics_initrd=$("$SGNIC_ROOT/scripts/mkinitramfs.sh" --nics) || die "building the NIC driver archive failed"
	archives=("$nics_initrd" "${archives[@]}")
fi
# The kernel unpacks concatenated archives in turn: the per-run one first,
# then the cached ones, so those are never rebuilt for a new command.
if [ -n "$incoming" ]; then
	cp "$run_dir/initrd" "$run/initrd"
else
	(cd "$run/cpio" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) >"$run/initrd"
	cat "${archives[@]}" >>"$run/initrd"
fi
if [ -n "$run_dir" ] && [ -z "$incoming" ]; then
	mkdir -p "$run_dir"
	cp "$run/initrd" "$run_dir/initrd"
	echo "$nonce" >"$run_dir/nonce"
fi

# --- QEMU command line ------------------------------------------------------
# panic=-1 with -no-reboot: a guest panic ends QEMU at once.  The last three
# only save boot time under TCG (self-tests, zeroing, speculation fixes).
# no_timer_check: a loaded host can make the emulated timer look broken
# to the early IO-APIC check, which then panics the boot.
cmdline="console=ttyS0 net.ifnames=0 panic=-1 no_timer_check cryptomgr.notests init_on_alloc=0 mitigations=off"
if [ "$verbose" = 0 ]; then
	cmdline+=" quiet loglevel=3"
fi
cmdline+=$extra_append

[ ! -f "$log" ] || mv -f "$log" "$log.1"
rm -f "$qmp"

# QEMU option values escape a comma by doubling it.
optval() { printf '%s' "${1//,/,,}"; }

# shellcheck disable=SC2054 # the commas belong to QEMU option values
qargs=(
	-M q35 -accel "$accel" -cpu max -m "$mem" -smp "$smp"
	-nodefaults -nographic -no-reboot -L "$fw"
	-kernel "$kernel" -initrd "$run/initrd" -append "$cmdline"
	-qmp "unix:$(optval "$qmp"),server=on,wait=off"
)
# A mounted 9p share blocks migration: --standalone guests have none.
if [ "$standalone" = 0 ]; then
	# shellcheck disable=SC2054
	qargs+=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
		-fsdev "local,id=sgnic,path=$(optval "$SGNIC_ROOT"),security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=sgnic,mount_tag=sgnic)
fi
[ -z "$incoming" ] || qargs+=(-incoming "$incoming")
# Hub ports, or --link sockets to other QEMU processes: never user-mode
# networking, tap or a bridge.
romfile=''
[ "$nic" = sgnic ] || romfile=,romfile= # no option ROMs are installed
for ((i = 0; i < ports; i++)); do
	mac=52:54:00:12:$(printf %02x:%02x "$mac_id" $((0x56 + i)))
	if [ "$i" -lt "${#links[@]}" ]; then
		nd=$(link_netdev "${links[$i]}")
		qargs+=(-netdev "${nd%%,*},id=h$i,${nd#*,}")
	else
		qargs+=(-netdev "hubport,id=h$i,hubid=0")
	fi
	qargs+=(-device "$nic,id=nic$i,netdev=h$i,mac=$mac$romfile")
done

# The guest's own QMP channel: a QMP monitor that only the guest uses, so
# tests can change link state and device properties from inside (host
# tools keep --monitor to themselves).  The guest leaves requests in a
# mailbox directory of the repository, which it sees over 9p without
# caching; scripts/qmp-mailbox.py carries them to the monitor and writes
# the replies back (tests/selftests/qmp-guest.sh is the guest side).  A
# byte stream (a second UART spliced to the monitor) lost replies now and
# then; files cannot be half-read or interleaved.
relay_pid=''
if [ "$guest_qmp" = 1 ]; then
	gqmp=$run/guest-qmp.sock
	# shellcheck disable=SC2054
	qargs+=(-chardev "socket,id=gqmp,path=$(optval "$gqmp"),server=on,wait=off"
		-mon chardev=gqmp,mode=control)
	mkdir -p "$mbox"
	# The relay lets go of the lock (fd 9): it must not keep the next
	# guest from starting should it outlive this script.
	python3 "$SGNIC_ROOT/scripts/qmp-mailbox.py" "$mbox" "$gqmp" "$run" \
		9>&- >/dev/null 2>"$run/relay.err" &
	relay_pid=$!
fi

# A hub with no host-side port is the point here, not a mistake.
quiet_qemu() { grep --line-buffered -v 'hub 0 is not connected to host network' >&2 || true; }

# --- interactive shell ------------------------------------------------------
if [ "$mode" = shell ]; then
	# mux: the serial line and the QEMU monitor share the terminal (Ctrl-A c).
	# shellcheck disable=SC2054
	qargs+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$(optval "$log")"
		-serial chardev:con -mon chardev=con,mode=readline)
	tcmd=()
	[ "$timeout" = 0 ] || tcmd=(timeout --foreground -k 10 "$timeout")
	set +e
	"${tcmd[@]}" "$QEMU_BIN" "${qargs[@]}" "${extra_qemu[@]}" 2> >(quiet_qemu)
	qrc=$?
	set -e
	rc=$(tr -d '\r' <"$log" | sed -n "s/.*SGNIC_EXIT=\([0-9]*\) $nonce\$/\1/p" | tail -1)
	[ -z "$rc" ] || exit "$rc"
	[ "$qrc" != 124 ] || die "timed out after $timeout s; console log: $log"
	exit "$qrc"
fi

# --- one command ------------------------------------------------------------
qargs+=(-chardev "stdio,id=con,signal=off,logfile=$(optval "$log")" -serial chardev:con)
mkfifo "$run/out"
tcmd=()
[ "$timeout" = 0 ] || tcmd=(timeout -k 10 "$timeout")
"${tcmd[@]}" "$QEMU_BIN" "${qargs[@]}" "${extra_qemu[@]}" </dev/null >"$run/out" 2> >(quiet_qemu) &
qpid=$!

# Show what CMD prints (between the markers), "sgnic-vm:" notes from the
# guest's init on stderr, and keep the exit status.
# A migration destination joins after SGNIC_BEGIN.
awk -v nonce="$nonce" -v verbose="$verbose" -v rcfile="$run/rc" -v startfile="$run/started" \
    -v started="$([ -n "$incoming" ] && echo 1 || echo 0)" '
	{ sub(/\r$/, "") }
	# Console resets can leave escape sequences in front of a line.
	substr($0, length($0) - 27) == "SGNIC_BEGIN " nonce {
		started = 1
		printf "" > startfile
		if (!verbose) next
	}
	(i = index($0, "SGNIC_EXIT=")) && substr($0, i) ~ ("^SGNIC_EXIT=[0-9]+ " nonce "$") {
		rc = substr($0, i + 11)
		sub(/ .*/, "", rc)
		print rc > rcfile
		close(rcfile)
		if (verbose)
			print
		else if (started && i > 1)
			printf "%s", substr($0, 1, i - 1)
		fflush()
		finished = 1
		next
	}
	verbose { print; fflush(); next }
	(i = index($0, "sgnic-vm: ")) { print substr($0, i) > "/dev/stderr"; fflush("/dev/stderr"); next }
	started && !finished { print; fflush() }
' <"$run/out" || true

set +e
wait "$qpid"
qrc=$?
set -e
qpid=''

if [ -s "$run/rc" ]; then
	exit "$(cat "$run/rc")"
fi
# The end of the boot, unless the user has already seen it on stdout.
tail_log() {
	if [ -e "$run/started" ] || [ "$verbose" = 1 ]; then
		return 0
	fi
	if [ -s "$log" ]; then
		echo "vm: last console lines ($log):"
		tr -d '\r' <"$log" | tail -n 15 | sed 's/^/  | /'
	else
		echo "vm: the console log $log is empty"
	fi
}
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	{
		echo "vm: error: no exit status after $timeout s: the guest timed out (console log: $log)"
		tail_log
	} >&2
	exit 124
fi
panic=$(tr -d '\r' <"$log" 2>/dev/null | grep -m1 -o 'Kernel panic - .*' || true)
{
	echo "vm: error: the guest stopped without reporting an exit status (QEMU exit status $qrc${panic:+; $panic})"
	echo "vm: console log: $log"
	tail_log
} >&2
exit 125
