#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make bench-vm2vm`: the NIC benchmark between two guests in two QEMU
# processes, their one port each joined by a -netdev stream (or dgram) link
# on 127.0.0.1: the topology of two VMs on two hosts.  Per configuration
# and repetition, configurations alternated: TCP at MTU 1500 both ways,
# 64-byte UDP unpaced, and 5000 one-at-a-time round trips, each guest on
# one vCPU (tests/bench/vm2vm-guest.sh is the guest side).  Medians, and
# the ratio of the best sgnic mode to the best of igb, e1000e and
# virtio-net (issue 17's VM-to-VM targets: TCP and UDP 64-byte >= 1.5x).
#
#   scripts/bench-vm2vm.sh [--reps N] [--secs S] [--configs LIST] [--link stream|dgram]
#
# Results: build/bench-vm2vm/run-YYYYmmdd-HHMMSS/ (raw guest logs,
# results.json, report.txt).
set -euo pipefail

# shellcheck disable=SC1091 # sourced relative to the script
. "$(dirname "$0")/env.sh"
cd "$SGNIC_ROOT"

ALL="sgnic-sg-wb sgnic-sg-irq sgnic-single-wb sgnic-single-irq igb e1000e virtio"
reps=${REPS:-3} secs=${SECS:-5} configs=${CONFIGS:-} link=stream

die() { echo "bench-vm2vm: error: $*" >&2; exit 1; }
note() { echo "bench-vm2vm: $*" >&2; }

while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=${2:?}; shift ;;
	--secs) secs=${2:?}; shift ;;
	--configs) configs=${2:?}; shift ;;
	--link) link=${2:?}; shift ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $reps =~ ^[1-9][0-9]?$ ]] || die "--reps wants 1 to 99, got '$reps'"
[[ $secs =~ ^[1-9][0-9]{0,2}$ ]] || die "--secs wants 1 to 999, got '$secs'"
configs=${configs//,/ }
[ -n "$configs" ] || configs=$ALL
for c in $configs; do
	[[ " $ALL " == *" $c "* ]] || die "unknown configuration '$c' (one of: ${ALL// /,})"
done
case $link in
stream | dgram) ;;
*) die "--link is stream or dgram, not '$link'" ;;
esac
[ -x "$QEMU_BIN" ] || die "$QEMU_BIN not built (make qemu)"
[ -f kernel-driver/sgnic.ko ] || die "kernel-driver/sgnic.ko not built (make module)"

out=${SGNIC_BENCH_VM2VM_OUT:-$SGNIC_BUILD/bench-vm2vm}
run=$out/run-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$run/raw"
note "$reps repetition(s) of: $configs; $secs s per run; -netdev $link on 127.0.0.1; results in $run"

# One guest: ROLE ID LINKSPEC CONFIG LOG
guest() {
	local role=$1 id=$2 spec=$3 cfg=$4 log=$5
	local -a nic=() mode=()
	case $cfg in
	sgnic-*)
		local m=${cfg#sgnic-}
		local map=${m%-*} compl=${m#*-}
		[ "$compl" = wb ] && compl=writeback || compl=interrupt
		nic=(--nic sgnic)
		mode=(sgnic "$map" "$compl")
		;;
	igb) nic=(--nic igb --no-module) ;;
	e1000e) nic=(--nic e1000e --no-module) ;;
	virtio) nic=(--nic virtio-net-pci --no-module) ;;
	esac
	SGNIC_BUILD=$run/vm-$role scripts/vm.sh "${nic[@]}" --ports 1 --smp 1 --mem 768 \
		--no-guest-qmp --mac-id "$id" --link "$spec" --timeout $((secs * 8 + 300)) \
		-- bash tests/bench/vm2vm-guest.sh "$role" "$secs" "${mode[@]}" >"$log" 2>&1
}

for rep in $(seq 1 "$reps"); do
	for cfg in $configs; do
		note "rep $rep/$reps: $cfg (load $(cut -d' ' -f1 /proc/loadavg))"
		p1=$(free_port) p2=$(free_port)
		case $link in
		stream) sa=listen:127.0.0.1:$p1 sb=connect:127.0.0.1:$p1 ;;
		dgram) sa=dgram:127.0.0.1:$p1:127.0.0.1:$p2 sb=dgram:127.0.0.1:$p2:127.0.0.1:$p1 ;;
		esac
		base=$run/raw/r$rep-$cfg
		guest b 2 "$sa" "$cfg" "$base.b.log" &
		pb=$!
		guest a 1 "$sb" "$cfg" "$base.a.log" || note "guest a of $cfg exited $?"
		wait "$pb" || note "guest b of $cfg exited $?"
		grep -q '^@@DONE' "$base.a.log" || note "$cfg rep $rep: no @@DONE (see $base.a.log)"
		grep '^@@ERR' "$base.a.log" | sed "s/^/bench-vm2vm: $cfg: /" >&2 || true
	done
done

python3 - "$run" "$configs" "$secs" "$link" <<'EOF' | tee "$run/report.txt"
import json, re, statistics, sys, glob, os

run, configs, secs, link = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4]
# test, its @@RES key (rr64: rr_done over secs), scale, column
tests = [("tcp_ab", "bps", 1e-6, "TCP a->b (Mbit/s)"),
         ("tcp_ba", "bps", 1e-6, "TCP b->a (Mbit/s)"),
         ("udp64", "pps", 1e-3, "UDP 64B (kpps)"),
         ("rr64", None, 1.0, "round trips/s")]
key = {t[0]: t[1] for t in tests}
res = {c: {t[0]: [] for t in tests} for c in configs}
for c in configs:
    for log in sorted(glob.glob(os.path.join(run, "raw", "r*-%s.a.log" % c))):
        for line in open(log, errors="replace"):
            m = re.match(r"^@@RES (\S+) (.*)$", line.strip())
            if not m or m.group(1) not in res[c]:
                continue
            kv = dict(p.split("=", 1) for p in m.group(2).split() if "=" in p)
            try:
                k = key[m.group(1)]
                v = float(kv[k]) if k else float(kv["rr_done"]) / float(kv["secs"])
            except (KeyError, ValueError, ZeroDivisionError):
                continue
            res[c][m.group(1)].append(v)
json.dump(res, open(os.path.join(run, "results.json"), "w"), indent=1)

def med(c, t):
    v = res[c][t]
    return statistics.median(v) if v else None

names = {"sgnic-sg-wb": "sgnic sg/wb", "sgnic-sg-irq": "sgnic sg/irq",
         "sgnic-single-wb": "sgnic single/wb", "sgnic-single-irq": "sgnic single/irq",
         "igb": "igb", "e1000e": "e1000e", "virtio": "virtio-net"}
print("sgnic VM-to-VM benchmark, %s (-netdev %s on 127.0.0.1, 1 vCPU per guest, %s s per run)"
      % (os.path.basename(run), link, secs))
print("medians [min-max] over the repetitions")
hdr = "%-17s" % "config" + "".join("  %22s" % t[3] for t in tests)
print(hdr)
print("-" * len(hdr))
for c in configs:
    row = "%-17s" % names[c]
    for t, _, scale, _ in tests:
        v = res[c][t]
        if v:
            cell = "%.1f [%.1f-%.1f]" % (statistics.median(v) * scale, min(v) * scale, max(v) * scale)
        else:
            cell = "n/a"
        row += "  %22s" % cell
    print(row)
print()
sg = [c for c in configs if c.startswith("sgnic")]
base = [c for c in configs if not c.startswith("sgnic")]
print("targets: best sgnic mode vs the best of igb, e1000e and virtio-net (goal >= 1.5x)")
for t, _, _, label in tests:
    s = [(med(c, t), c) for c in sg if med(c, t) is not None]
    b = [(med(c, t), c) for c in base if med(c, t) is not None]
    if not s or not b:
        print("  %-22s n/a (not measured)" % label)
        continue
    sv, sc = max(s)
    bv, bc = max(b)
    r = sv / bv
    goal = t in ("tcp_ab", "tcp_ba", "udp64")
    verdict = ("met" if r >= 1.5 else "NOT MET") if goal else "(no target)"
    print("  %-22s %.2fx (%s vs %s) %s" % (label, r, names[sc], names[bc], verdict))
EOF
