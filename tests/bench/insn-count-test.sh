#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests of the benchmark's instruction counting (scripts/bench.sh --insns):
# the insn-count TCG plugin against a multiboot guest whose windows have a
# known length, insn-mark without the plugin, and insn-attr.py and
# report.py on made-up counts.  TAP; ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/env.sh

out=$SGNIC_BUILD/insn-count-test
rm -rf "$out"
mkdir -p "$out"
n=0 pass=0 fail=0

ok() { # NAME STATUS [DIAGNOSTIC]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1"
		pass=$((pass + 1))
	else
		[ -z "${3:-}" ] || sed 's/^/# /' <<<"$3"
		echo "not ok $n $1"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"

msg=$(make -s -C tests/bench O="$out" QEMU_TREE="$SGNIC_QEMU_TREE" insns 2>&1)
ok "the plugin, insn-mark and the multiboot guest build without warnings" $? "$msg"

# The guest opens two windows: a 1000-round loop of dec/jnz and a
# 100000-round one.  Counting is per block, at its start: the block that
# holds the begin mark counted before the snapshot, the one that holds the
# end mark counts whole.  Window 0: 999 loop blocks of 2 plus the 5
# instructions of the end mark's block; window 1: 99999 x 2 plus 3.
if grep -qx '#define CONFIG_PLUGIN' "$SGNIC_QEMU_BUILD/config-host.h" 2>/dev/null; then
	msg=$(timeout 120 "$QEMU_BIN" -M pc -accel tcg -nodefaults -display none -no-reboot \
		-L "$SGNIC_CACHE/firmware" -kernel "$out/bench-tools/insn-count-guest.elf" \
		-plugin "$out/bench-tools/insn-count.so,out=$out/guest.insns" 2>&1)
	rc=$?
	got=$(grep '^@window' "$out/guest.insns" 2>/dev/null | cut -d' ' -f1-5)
	want='@window 0 vcpus=1 user=2003 kernel=0
@window 1 vcpus=1 user=200001 kernel=0'
	[ "$rc" = 0 ] && [ "$got" = "$want" ]
	ok "windows of a known length count exactly (2003 and 200001 instructions)" $? \
		"exit $rc; $msg; got:
$got"
	grep -qx '@error end mark 0 without a begin mark' "$out/guest.insns"
	ok "an end mark with no window open is reported, not counted" $? "$(cat "$out/guest.insns")"
else
	ok "windows of a known length count exactly" 1 "$QEMU_BIN has no plugin support: run make qemu"
	ok "an end mark with no window open is reported, not counted" 1 "no plugin support"
fi

msg=$("$out/bench-tools/insn-mark" begin && "$out/bench-tools/insn-mark" end 2>&1)
rc=$?
"$out/bench-tools/insn-mark" middle 2>/dev/null
usage=$?
[ "$rc" = 0 ] && [ "$usage" = 2 ]
ok "insn-mark is a NOP without the plugin; an unknown mark is a usage error" $? "$msg"

# insn-attr.py on made-up blocks: two core kernel functions, a driver
# function, another module, a block below the first symbol.
cat >"$out/kallsyms" <<'EOF'
ffffffff81000000 T core_a
ffffffff81000100 t core_b
ffffffff81000200 D some_data
ffffffffc0001000 t drv_poll	[sgnic]
ffffffffc0001400 t drv_xmit	[sgnic]
ffffffffc0009000 t p9_read	[9pnet]
EOF
cat >"$out/boot.log" <<'EOF'
1.0 @@MARK udp64 begin
2.0 @@MARK udp64 end
3.0 @@MARK ping begin
4.0 @@MARK ping end
EOF
cat >"$out/boot.insns" <<'EOF'
@window 0 vcpus=2 user=500 kernel=1660 blocks=5
ffffffff81000010 100
ffffffff81000120 50
ffffffffc0001010 1000
ffffffffc0001408 500
ffffffffc0009100 10
@end 0
@window 1 vcpus=2 user=7 kernel=3 blocks=1
ffffffff81000000 3
@end 1
EOF
msg=$(python3 tests/bench/insn-attr.py "$out/boot.insns" "$out/kallsyms" "$out/boot.log" sgnic \
	>"$out/boot.json" 2>&1 && python3 - "$out/boot.json" <<'EOF' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
u = d["udp64"]
assert sorted(d) == ["ping", "udp64"], sorted(d)
assert (u["user"], u["kernel"], u["driver"]) == (500, 1660, 1500), u
assert u["modules"] == {"sgnic": 1500, "9pnet": 10}, u["modules"]
assert u["top"][:3] == [["drv_poll", "sgnic", 1000], ["drv_xmit", "sgnic", 500],
                        ["core_a", "", 100]], u["top"]
assert d["ping"]["kernel"] == 3 and d["ping"]["driver"] == 0, d["ping"]
assert u["driver_top"] == [["drv_poll", 1000], ["drv_xmit", 500]], u["driver_top"]
EOF
)
ok "insn-attr.py: windows named by test, blocks by function and module" $? "$msg"

# report.py on a made-up run: sgnic and veth, two repetitions each.
run=$out/run
mkdir -p "$run/raw"
printf 'started=x\nreps=2\nsecs=5\nclk_tck=100\n' >"$run/meta.txt"
for r in 1 2; do
	for c in sgnic-sg-wb veth; do
		drv=sgnic
		[ "$c" = veth ] && drv=veth
		printf '1 @@INFO config=%s driver=%s\n1 @@RES udp64 irqs=0 l_rx=0 p_rx=1000 rx_pkts=1000 lost=0 secs=5\n' \
			"$c" "$drv" >"$run/raw/r$r-$c.log"
		# sgnic: 20000 (rep 1) and 20100 (rep 2) per datagram, 800 in the
		# driver; veth 15000.
		k=$((19000000 + (r - 1) * 100000))
		[ "$c" = veth ] && k=14000000
		printf '{"udp64": {"user": 1000000, "kernel": %d, "driver": %d, "modules": {}, "top": []}}\n' \
			"$k" "$([ "$c" = veth ] && echo 0 || echo 800000)" >"$run/raw/r$r-$c.insns.json"
	done
done
msg=$(python3 tests/bench/report.py "$run" "$out/report" 2>&1)
rc=$?
row=$(grep '^sgnic sg/wb' <<<"$msg" | grep -E ' 20050 +5050 +800 ' || true)
spread=$(grep -A4 '^Repeatability' <<<"$msg" | grep '^sgnic sg/wb' | grep -o '0\.5% (n=2)' || true)
[ "$rc" = 0 ] && [ -n "$row" ] && [ -n "$spread" ]
ok "report.py: instructions per datagram, above veth, in the driver, and their spread" $? "$msg"

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
