#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make bench`: throughput, packet rate, latency and per-packet cost of sgnic
# (each mapping x completion mode) against igb, e1000e, virtio-net and a
# device-less veth pair, in the same QEMU build, guest kernel and topology.
# One boot per configuration per repetition, configurations alternated
# (A B C A B C); medians and min/max.  docs/performance.md explains it.
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"
cd "$SGNIC_ROOT"

ALL_CONFIGS="sgnic-sg-wb sgnic-sg-irq sgnic-single-wb sgnic-single-irq igb e1000e virtio veth"
QUICK_CONFIGS="sgnic-sg-wb e1000e"

usage() {
	cat <<EOF
Usage: scripts/bench.sh [options]

Boot one guest per configuration and repetition, run iperf3 TCP both ways
at MTU 1500 and 9000, UDP with 64-byte payloads, ping, and the packet rate
of 64-byte pktgen frames under XDP_DROP, XDP_TX and XDP_REDIRECT (xdp-bench;
the redirect goes back out of the receiving port) and AF_XDP rxdrop and
l2fwd on queue 0 (tests/bench/xsk_bench, zero-copy where the driver binds
it, else copy mode; not e1000e, which has no native XDP) between two ports
on a QEMU hub (the second in netns "peer"), and sample QEMU's CPU time on
the host around each run.  Results: build/bench/bench.{txt,json,csv,png}.

Options (make variables in brackets):
  --quick             one repetition of sgnic-sg-wb and e1000e, 5 s runs [QUICK=1]
  --reps N            repetitions, alternated (default 3) [REPS=N]
  --secs S            seconds per iperf3 run (default 10; 5 with --quick) [SECS=S]
  --configs LIST      comma-separated subset of: ${ALL_CONFIGS// /,} [CONFIGS=..]
  --wait-quiet S      wait up to S seconds for the 1-min load average to
                      drop below 1.2 before starting (default 0: do not wait)
  --insns             count the guest instructions of each test with the
                      insn-count TCG plugin (TCG only) and name the kernel
                      functions and modules they ran in [INSNS=1]
  --perf TEST         record a host-side profile of QEMU (perf record -g)
                      during TEST (tcp1500_tx, tcp1500_rx, udp64, ping,
                      tcpjumbo_tx, tcpjumbo_rx) into raw/rN-CONFIG.TEST.perf
  --variant NAME=CMD  define configuration CONFIG@NAME for every CONFIG: the
                      same boot with CMD run as --guest-setup does; list it
                      in --configs (e.g. sgnic-sg-wb,sgnic-sg-wb@co,e1000e)
                      to compare a tuning against the default in one run
  --variant-ko NAME=KO
                      CONFIG@NAME loads this sgnic.ko instead (a copy is
                      taken at the start), e.g. a patched driver built
                      elsewhere; may be combined with --variant NAME=CMD
  --guest-setup CMD   run CMD (bash) in the guest after the ports are set up,
                      before measuring, e.g. "ethtool -C \$LOCAL_IF rx-usecs 100"
                      (LOCAL_IF, REMOTE_IF and peer() are defined)
  --qemu-args ARGS    extra QEMU arguments for every boot (vm.sh --qemu-args)
  --smp N             guest CPUs (default 2, vm.sh's)
  --tests LIST        run only these tests (comma-separated, as named in the
                      report: tcp1500_tx, udp64, rr64, xdp_drop, ...)
  --report DIR        only rebuild the report from an earlier run directory
  --update-docs       copy the chart to docs/bench-latest.png and the table
                      to docs/bench-latest.txt
  -h, --help          this text

Environment: SGNIC_BENCH_OUT (default build/bench).  Runs keep their raw
logs in build/bench/run-YYYYmmdd-HHMMSS/.
EOF
}

note() { echo "bench: $*" >&2; }
die() {
	echo "bench: error: $*" >&2
	exit 1
}

quick=${QUICK:-0}
[ "$quick" = 0 ] && quick=''
insns=${INSNS:-}
[ "$insns" = 0 ] && insns=''
reps=${REPS:-} secs=${SECS:-} configs=${CONFIGS:-} wait_quiet=0 report_only='' update_docs='' perf_test='' only='' smp='' guest_setup='' qemu_extra=''
declare -A variants=() variant_kos=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--insns) insns=1 ;;
	--reps) reps=${2:?}; shift ;;
	--secs) secs=${2:?}; shift ;;
	--configs) configs=${2:?}; shift ;;
	--wait-quiet) wait_quiet=${2:?}; shift ;;
	--report) report_only=${2:?}; shift ;;
	--tests) only=${2:?}; shift ;;
	--smp) smp=${2:?}; shift ;;
	--perf) perf_test=${2:?}; shift ;;
	--guest-setup) guest_setup=${2:?}; shift ;;
	--variant)
		[[ ${2:-} =~ ^([a-z0-9_-]+)=(.+)$ ]] || die "--variant wants NAME=CMD (NAME: a-z 0-9 _ -)"
		variants[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		shift
		;;
	--variant-ko)
		[[ ${2:-} =~ ^([a-z0-9_-]+)=(.+)$ ]] || die "--variant-ko wants NAME=PATH (NAME: a-z 0-9 _ -)"
		[ -f "${BASH_REMATCH[2]}" ] || die "--variant-ko: no file ${BASH_REMATCH[2]}"
		variant_kos[${BASH_REMATCH[1]}]=$(realpath "${BASH_REMATCH[2]}")
		shift
		;;
	--qemu-args) qemu_extra=${2:?}; shift ;;
	--update-docs) update_docs=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$quick" ]; then
	reps=${reps:-1} secs=${secs:-5} configs=${configs:-$QUICK_CONFIGS}
fi
reps=${reps:-3} secs=${secs:-10} configs=${configs:-$ALL_CONFIGS}
configs=${configs//,/ }
[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps wants a positive number, got '$reps'"
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "--secs wants a positive number, got '$secs'"
for c in $configs; do
	[[ " $ALL_CONFIGS " == *" ${c%@*} "* ]] || die "unknown configuration '${c%@*}' (known: $ALL_CONFIGS)"
	if [[ $c == *@* ]] && [ -z "${variants[${c#*@}]:-}" ] && [ -z "${variant_kos[${c#*@}]:-}" ]; then
		die "configuration $c: no --variant ${c#*@}=CMD or --variant-ko ${c#*@}=KO"
	fi
done

out=${SGNIC_BENCH_OUT:-$SGNIC_ROOT/build/bench}
mkdir -p "$out"

command -v python3 >/dev/null || die "python3 is missing (make setup)"
[ -z "$perf_test" ] || command -v perf >/dev/null ||
	die "--perf needs perf on the host (apt-get install linux-perf)"

report() { # RUNDIR
	python3 "$SGNIC_ROOT/tests/bench/report.py" "$1" "$out" || return 1
	if command -v gnuplot >/dev/null; then
		gnuplot -e "datafile='$out/bench-chart.dat'; outfile='$out/bench.png'; subtitle='$(cat "$out/bench-chart.title")'" \
			"$SGNIC_ROOT/tests/bench/chart.gp" || note "gnuplot failed: no chart"
	else
		note "gnuplot not installed (make setup installs gnuplot-nox): no chart"
	fi
	[ -f "$out/bench.png" ] && note "chart: $out/bench.png"
	if [ -n "$update_docs" ]; then
		cp "$out/bench.png" "$SGNIC_ROOT/docs/bench-latest.png"
		cp "$out/bench.txt" "$SGNIC_ROOT/docs/bench-latest.txt"
		note "updated docs/bench-latest.png and docs/bench-latest.txt"
	fi
	return 0
}

if [ -n "$report_only" ]; then
	[ -d "$report_only/raw" ] || die "$report_only has no raw/ directory"
	report "$report_only"
	exit
fi

# ---- one run: a snapshot of what is measured ------------------------------
if [ -n "$insns" ]; then
	grep -qx '#define CONFIG_PLUGIN' "$SGNIC_QEMU_BUILD/config-host.h" 2>/dev/null ||
		die "$QEMU_BIN has no TCG plugin support: run 'make qemu' (it enables plugins)"
	[ "${ACCEL:-tcg}" = tcg ] || die "--insns counts what TCG executes: not with ACCEL=$ACCEL"
	export ACCEL=tcg
fi
[ -x "$QEMU_BIN" ] || die "no QEMU at $QEMU_BIN: run 'make qemu'"
ko=$SGNIC_ROOT/kernel-driver/sgnic.ko
[[ " $configs" != *" sgnic-"* ]] || [ -f "$ko" ] || die "no $ko: run 'make module'"
# The guest's AF_XDP tool, built here: the guest runs the host's userspace.
make -s -C tests/bench O="$SGNIC_ROOT/build" ||
	die "tests/bench/xsk_bench.c does not build (libxdp-dev: scripts/setup.sh xdp)"

run=$out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run/raw" "$run/snap"
# The lead and other developers rebuild QEMU and the module while a run
# takes half an hour: every boot of this run uses the same copies.  cp -p
# keeps the mtime, which keys vm.sh's cached accelerator verdict.
cp -p "$QEMU_BIN" "$run/snap/qemu-system-x86_64"
[ ! -f "$ko" ] || cp -p "$ko" "$run/snap/sgnic.ko"
if [ -n "$insns" ]; then
	make -s -C tests/bench O="$SGNIC_ROOT/build" QEMU_TREE="$SGNIC_QEMU_TREE" insns ||
		die "cannot build the insn-count plugin or insn-mark"
	cp -p build/bench-tools/insn-count.so build/bench-tools/insn-mark "$run/snap/"
fi
cp -p build/bench-tools/xsk_bench "$run/snap/xsk_bench"
export SGNIC_QEMU_BUILD=$run/snap SGNIC_BUILD=$run
export QEMU_BIN=$run/snap/qemu-system-x86_64
guest_ko=/sgnic/${run#"$SGNIC_ROOT"/}/snap/sgnic.ko
if [ -n "$guest_setup" ]; then
	printf '%s\n' "$guest_setup" >"$run/snap/guest-setup.sh"
fi
for v in "${!variants[@]}"; do
	printf '%s\n' "${variants[$v]}" >"$run/snap/variant-$v.sh"
done
for v in "${!variant_kos[@]}"; do
	cp -p "${variant_kos[$v]}" "$run/snap/variant-$v.ko"
done
case "$run" in
"$SGNIC_ROOT"/*) ;;
*) die "SGNIC_BENCH_OUT must be inside the repository (the guest sees it as /sgnic)" ;;
esac

load1() { cut -d' ' -f1 /proc/loadavg; }
if [ "$wait_quiet" -gt 0 ]; then
	end=$((SECONDS + wait_quiet))
	while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.2) }' && [ $SECONDS -lt $end ]; do
		note "load average $(load1): waiting for a quiet machine"
		sleep 30
	done
fi

{
	echo "started=$(date -Is)"
	echo "host=$(uname -srm) cpus=$(nproc)"
	echo "uptime=$(uptime)"
	echo "reps=$reps"
	echo "secs=$secs"
	echo "configs=${configs// /,}"
	echo "quick=${quick:-0}"
	echo "insns=${insns:-0}"
	echo "tests=${only:-all}"
	echo "smp=${smp:-2}"
	echo "qemu=$("$QEMU_BIN" --version | head -1) sha256=$(sha256sum "$QEMU_BIN" | cut -c1-16)"
	[ ! -f "$run/snap/sgnic.ko" ] || echo "module_sha256=$(sha256sum "$run/snap/sgnic.ko" | cut -c1-16)"
	echo "git=$(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "guest_kernel=$GUEST_KERNEL"
	echo "guest_setup=${guest_setup//$'\n'/; }"
	echo "qemu_args=$qemu_extra"
	for v in "${!variants[@]}"; do
		echo "variant_$v=${variants[$v]//$'\n'/; }"
	done
	for v in "${!variant_kos[@]}"; do
		echo "variant_ko_$v=${variant_kos[$v]} sha256=$(sha256sum "${variant_kos[$v]}" | cut -c1-16)"
	done
	echo "clk_tck=$(getconf CLK_TCK)"
} >"$run/meta.txt"

note "run directory $run"
note "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the full run wants it below 1.2)"
note "$reps repetition(s) of: $configs; ${secs} s per iperf3 run"

# Host-side sample of QEMU's CPU time: tag phase wallclock utime stime
# (QEMU's, in clock ticks) host_busy host_idle host_steal (all CPUs, ticks).
sample() { # PIDFILE TAG PHASE
	local pid='' stat rest cpu user nice system idle iowait irq softirq steal _
	[ -s "$1" ] && read -r pid <"$1"
	if [ -z "$pid" ] || ! read -r stat <"/proc/$pid/stat" 2>/dev/null; then
		echo "$2 $3 $EPOCHREALTIME - - - - -"
		return
	fi
	rest=${stat##*) }
	# shellcheck disable=SC2086 # split the fields
	set -- "$2" "$3" $rest
	local tag=$1 phase=$2 utime=${14} stime=${15}
	read -r cpu user nice system idle iowait irq softirq steal _ </proc/stat
	echo "$tag $phase $EPOCHREALTIME $utime $stime" \
		"$((user + nice + system + irq + softirq)) $((idle + iowait)) $steal"
}

# perf record on QEMU for one test window (--perf); stopped with SIGINT.
perf_pid=''
perf_start() { # PIDFILE TEST LOG
	local pid
	read -r pid <"$1" || return 0
	echo "$pid" >"${3%.log}.qemu-pid"
	perf record -q -g -F 499 -p "$pid" -o "${3%.log}.$2.perf" >/dev/null 2>&1 &
	perf_pid=$!
}
perf_stop() {
	[ -n "$perf_pid" ] || return 0
	kill -INT "$perf_pid" 2>/dev/null
	wait "$perf_pid" 2>/dev/null
	perf_pid=''
}

# After a --perf boot: resolve the profile while QEMU's perf map is still in
# /tmp, name the guest's addresses, and remove the map (it is large).
perf_summary() { # BASE
	local data=$1.$perf_test.perf qpid
	[ -s "$data" ] || return 0
	qpid=$(cat "$1.qemu-pid" 2>/dev/null)
	perf report -i "$data" --no-children --sort dso,sym -g none --stdio \
		>"$data.txt" 2>/dev/null
	python3 tests/bench/perf-attr.py "$data.txt" "$1.kallsyms" >"$data.summary" ||
		note "perf-attr.py failed for $data"
	[ -z "$qpid" ] || rm -f "/tmp/perf-$qpid.map"
	note "profile: $data.summary"
}

# After an --insns boot: name the counted instructions (driver module, rest
# of the kernel, user space, top functions) per test, for report.py.
insn_summary() { # BASE
	local drv
	if [ ! -s "$1.insns" ] || [ ! -s "$1.kallsyms" ]; then
		note "no instruction counts for $1"
		return 0
	fi
	drv=$(sed -n 's/.*@@INFO config=.* driver=\([^ ]*\).*/\1/p' "$1.log" | head -1)
	python3 tests/bench/insn-attr.py "$1.insns" "$1.kallsyms" "$1.log" "${drv//-/_}" \
		>"$1.insns.json" || note "insn-attr.py failed for $1"
	# The per-block counts are large and the summary keeps what the report uses.
	xz -f "$1.insns" || true
}

# Read the guest's output: keep every line with a host timestamp and sample
# QEMU's CPU time at each @@MARK.
collect() { # LOG CPUFILE PIDFILE
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		*@@MARK\ *)
			# shellcheck disable=SC2086 # TEST and PHASE
			set -- "$1" "$2" "$3" ${line#*@@MARK }
			if [ "$5" = end ] && [ "$4" = "$perf_test" ]; then perf_stop; fi
			sample "$3" "$4" "$5" >>"$2"
			if [ "$5" = begin ] && [ "$4" = "$perf_test" ]; then perf_start "$3" "$4" "$1"; fi
			;;
		esac
		printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$1"
		case "$line" in
		*@@ERR*) note "${line#*@@ERR }" ;;
		esac
	done
}

boot() { # CONFIG REP
	local cfg=$1 rep=$2 args=() base tries rc setup=''
	local model=${cfg%@*} snapdir=/sgnic/${run#"$SGNIC_ROOT"/}/snap
	[ -z "$guest_setup" ] || setup=$snapdir/guest-setup.sh
	local ko=$guest_ko
	if [[ $cfg == *@* ]]; then
		[ -z "${variants[${cfg#*@}]:-}" ] || setup=$snapdir/variant-${cfg#*@}.sh
		[ -z "${variant_kos[${cfg#*@}]:-}" ] || ko=$snapdir/variant-${cfg#*@}.ko
	fi
	case "$model" in
	sgnic-*) args=(--nic sgnic --ports 2 --no-module) ;;
	e1000e) args=(--nic e1000e --ports 2 --no-module) ;;
	igb)
		# QEMU's igb creates its 8 SR-IOV VFs at realize, at devfn + 0x80
		# + 2i: two PFs in adjacent slots (vm.sh's placement) collide on a
		# VF slot and QEMU refuses to start.  Same hub, same MACs, slots
		# 0x0a and 0x0c (VFs in slots 26-29).
		# (vm.sh reads --qemu-args as one line.)
		local i q='' slot=(0a 0c)
		for i in 0 1; do
			q+=" -netdev hubport,id=h$i,hubid=0 -device igb,id=nic$i,netdev=h$i"
			q+=",mac=52:54:00:12:34:5$((6 + i)),romfile=,addr=0x${slot[i]}"
		done
		args=(--nic igb --ports 0 --no-module --qemu-args "$q")
		;;
	virtio) args=(--nic virtio-net-pci --ports 2 --no-module) ;;
	veth) args=(--ports 0 --no-module) ;;
	esac
	base=$run/raw/r$rep-$cfg
	for tries in 1 2; do
		rm -f "$base.log" "$base.cpu"
		echo "$EPOCHREALTIME @@HOST boot $cfg rep $rep try $tries load $(cut -d' ' -f1-3 /proc/loadavg)" >"$base.log"
		set +e
		local qa="-pidfile $run/vm/qemu.pid $qemu_extra"
		local gargs=("$model" "$secs" --xsk-bench "$snapdir/xsk_bench")
		[[ $model != sgnic-* ]] || gargs+=(--module "$ko")
		[ -z "$setup" ] || gargs+=(--setup "$setup")
		[ -z "$only" ] || gargs+=(--only "$only")
		if [ -n "$insns" ]; then
			qa+=" -plugin $run/snap/insn-count.so,out=$base.insns"
			gargs+=(--insn-mark "$snapdir/insn-mark")
		fi
		if [ -n "$perf_test" ] || [ -n "$insns" ]; then
			gargs+=(--kallsyms "/sgnic/${base#"$SGNIC_ROOT"/}.kallsyms")
		fi
		if [ -n "$perf_test" ]; then
			# -perfmap names each translated guest instruction by its
			# address in /tmp/perf-PID.map; the guest's kallsyms names
			# the addresses.
			qa+=" -perfmap"
		fi
		scripts/vm.sh "${args[@]}" ${smp:+--smp "$smp"} --timeout $((secs * 15 + 360)) --qemu-args "$qa" \
			-- tests/bench/guest.sh "${gargs[@]}" 2>>"$base.err" |
			collect "$base.log" "$base.cpu" "$run/vm/qemu.pid"
		rc=${PIPESTATUS[0]}
		set -e
		[ -z "$perf_test" ] || perf_summary "$base"
		[ -z "$insns" ] || insn_summary "$base"
		echo "$EPOCHREALTIME @@HOST exit $rc load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$base.log"
		# The first boot settles the accelerator for the whole run: the
		# cached verdict is keyed by QEMU's mtime and others may rebuild.
		if [ -z "${ACCEL:-}" ]; then
			ACCEL=$(sed -n 's/^vm: accel=\(kvm\|tcg\) .*/\1/p' "$base.err" | tail -1)
			[ -z "$ACCEL" ] || export ACCEL
		fi
		# A boot is complete when its last test reported (or, with --tests,
		# when it exited cleanly).
		if [ "$rc" = 0 ] && { [ -n "$only" ] ||
			grep -q '@@RES tcpjumbo_rx\|@@ERR.*MTU\|@@ERR no MTU' "$base.log"; }; then
			return 0
		fi
		note "$cfg (rep $rep) failed with status $rc (log: $base.log, $base.err)"
	done
	return 0 # the report shows what is missing
}

t0=$SECONDS
for ((r = 1; r <= reps; r++)); do
	for c in $configs; do
		note "rep $r/$reps: $c (load $(load1), $(((SECONDS - t0) / 60)) min elapsed)"
		boot "$c" "$r"
	done
done
echo "finished=$(date -Is)" >>"$run/meta.txt"
echo "uptime_end=$(uptime)" >>"$run/meta.txt"
note "measured in $(((SECONDS - t0) / 60)) min $(((SECONDS - t0) % 60)) s"
ln -sfn "$(basename "$run")" "$out/latest"
report "$run"
