#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the sgnic-regs tool on the register dumps captured in the VM
# (tests/data/ethtool-d-raw.bin, ethtool-d-hex.txt) and on malformed or
# altered copies made in a temporary directory.
#
#   test_sgnic_regs.sh [PATH/TO/sgnic-regs]
#
# The binary is the first argument, else $SGNIC_REGS, else the default build
# location.  Prints one "ok N name" / "not ok N name" line per check and a
# closing "N passed, N failed"; exits non-zero when a check failed.
#
# The expected values were read by hand from the captures (xxd):
#   0x000 43 4e 47 53  ID 0x53474e43      0x00c 02 03 00 00  2 pairs, 3 vectors
#   0x004 00 00 01 00  VERSION 1.0        0x020 3a 23 00 00  MAX_FRAME 9018
#   0x02c 52 54 00 12, 0x030 34 56        MAC 52:54:00:12:34:56
#   0x08c fd 03  doorbells 1021           0x0a4 01 08 (raw) / 40 09 (hex) MMIO
#   channel 0 at 0x100: ring 0x4cf0000, size 0x200, tail = head = 0x1c2 (450),
#     status 2 (IDLE), compl 0x5693000, irq_mod 0x00100014, completed 0x9c2
#   channel 1 at 0x140: tail 15, head 16, status 1 (ACTIVE)

set -u

here=$(cd "$(dirname "$0")" && pwd)
regs=${1:-${SGNIC_REGS:-$here/../../build/bin/sgnic-regs}}
data=$here/../data
raw=$data/ethtool-d-raw.bin
hex=$data/ethtool-d-hex.txt

. "$here/lib.sh"
start_suite sgnic-regs "$regs"

# patch IN OUT OFFSET VALUE...: copy IN to OUT with 32-bit little-endian
# VALUEs written at byte OFFSETs (pairs of arguments)
patch() {
	python3 - "$@" <<'EOF'
import struct, sys
src, dst, args = sys.argv[1], sys.argv[2], sys.argv[3:]
b = bytearray(open(src, "rb").read())
for off, val in zip(args[0::2], args[1::2]):
    struct.pack_into("<I", b, int(off, 0), int(val, 0))
open(dst, "wb").write(b)
EOF
}

# ---- The raw capture ---------------------------------------------------------

run "$raw"
check "raw: exit 0" status_is 0
check "raw: nothing on stderr" test -z "$err"
check "raw: detected as raw" has_fields "input: $raw, raw, 1280 register bytes"
check "raw: ID magic ok" has_fields "0x0000 ID 0x53474e43 magic ok"
check "raw: version 1.0" has_fields "0x0004 VERSION 0x00010000 1.0"
check "raw: features" has_fields \
	"0x0008 FEATURES 0x0000007f TX_CSUM RX_CSUM TSO SG WRITEBACK MSIX RX_MULTIBUF"
check "raw: 2 queue pairs, 3 vectors" has_fields \
	"0x000c QUEUES 0x00000302 pairs 2, vectors 3"
check "raw: max xfer" has_fields "0x0010 MAX_XFER 0x00010000 65536 bytes (64 KiB)"
check "raw: max sg" has_fields "0x0014 MAX_SG 0x00000020 32 elements"
check "raw: max seg" has_fields "0x0018 MAX_SEG 0x00010000 65536 bytes (64 KiB)"
check "raw: seg boundary 4 GiB" has_fields \
	"0x001c SEG_BOUNDARY 0x00000020 shift 32, 4294967296 bytes (4 GiB)"
check "raw: max frame 9018" has_fields "0x0020 MAX_FRAME 0x0000233a 9018 bytes"
check "raw: ctrl RX_ENABLE" has_fields "0x0024 CTRL 0x00000002 RX_ENABLE"
check "raw: link up" has_fields "0x0028 STATUS 0x00000001 LINK_UP, link up"
check "raw: mac" has_fields \
	"0x0030 MAC_HI 0x00005634 mac bytes 4..5, mac 52:54:00:12:34:56"
check "raw: misc cause none" has_fields "0x0034 MISC_CAUSE 0x00000000 none"
check "raw: misc mask" has_fields "0x0038 MISC_MASK 0x00000007 LINK CHAN_HALT TEST"
check "raw: rx queues" has_fields "0x0040 RX_QUEUES 0x00000002 2"
check "raw: nothing halted" has_fields "0x0044 HALTED 0x00000000 none"
check "raw: doorbells" has_fields "0x008c STAT_DOORBELLS 0x000003fd 1021"
check "raw: irqs" has_fields "0x0090 STAT_IRQS 0x000003a1 929"
check "raw: writebacks" has_fields "0x0098 STAT_WRITEBACKS 0x0000040d 1037"
check "raw: tx packets" has_fields "0x009c STAT_TX_PKTS 0x000002ee 750"
check "raw: rx packets" has_fields "0x00a0 STAT_RX_PKTS 0x0000011f 287"
check "raw: mmio" has_fields "0x00a4 STAT_MMIO 0x00000801 2049"
check "raw: 4 channels of 2 pairs" count_lines '^channel [0-9]+:' 4
check "raw: channel 3 header" has_fields "channel 3: RX, pair 1, registers 0x10c0"
ch0="channel 0: TX, pair 0, registers 0x1000"
check "raw: ch0 ring base" block_has "$ch0" "ring 0x0000000004cf0000"
check "raw: ch0 ring size 512" block_has "$ch0" "size 512"
check "raw: ch0 head 450" block_has "$ch0" "head 450"
check "raw: ch0 tail 450" block_has "$ch0" "tail 450"
check "raw: ch0 nothing pending" block_has "$ch0" "pending 0"
check "raw: ch0 idle" block_has "$ch0" "state IDLE (2)"
check "raw: ch0 no error" block_has "$ch0" "error NONE (0x00)"
check "raw: ch0 completion address" block_has "$ch0" "compl_addr 0x0000000005693000"
check "raw: ch0 irq moderation" block_has "$ch0" "irq_mod 20 usecs, count 16"
check "raw: ch0 irq enabled" block_has "$ch0" "irq_en enabled"
check "raw: ch0 completed" block_has "$ch0" "completed 2498"
ch1="channel 1: RX, pair 0, registers 0x1040"
check "raw: ch1 active" block_has "$ch1" "state ACTIVE (1)"
check "raw: ch1 head 16" block_has "$ch1" "head 16"
check "raw: ch1 tail 15" block_has "$ch1" "tail 15"
check "raw: ch1 511 pending" block_has "$ch1" "pending 511"
check "raw: ch1 pkt_errs" block_has "$ch1" "pkt_errs 0"
check "raw: no warnings" count_lines '^warnings:' 0

run --all "$raw"
check "--all: 16 channels" count_lines '^channel [0-9]+:' 16
check "--all: channel 15 stopped" block_has \
	"channel 15: RX, pair 7, registers 0x13c0" "state STOPPED (0)"
check "--all: channel 15 no completion address" block_has \
	"channel 15: RX, pair 7, registers 0x13c0" "compl_addr none"

run - <"$raw"
check "raw from stdin: exit 0" status_is 0
check "raw from stdin: named <stdin>" has_fields "input: <stdin>, raw, 1280 register bytes"

# ---- The hex capture: the same registers, a later STAT_MMIO ------------------

run "$hex"
check "hex: exit 0" status_is 0
check "hex: detected as hex" has_fields "input: $hex, hex, 1280 register bytes"
check "hex: ID magic ok" has_fields "0x0000 ID 0x53474e43 magic ok"
check "hex: mmio" has_fields "0x00a4 STAT_MMIO 0x00000940 2368"

run --json "$raw"
cp "$tmp/out" "$tmp/raw.json"
run --json "$hex"
check "hex and raw decode alike but for STAT_MMIO" python3 -c '
import json, sys
try:
    a, b = (json.load(open(f)) for f in sys.argv[1:3])
    for d in (a, b):
        del d["input"]
    ma, mb = a["counters"].pop("mmio"), b["counters"].pop("mmio")
    sys.exit(0 if a == b and (ma, mb) == (2049, 2368) else 1)
except Exception as e:
    print("# json: %s: %s" % (type(e).__name__, e))
    sys.exit(1)
' "$tmp/raw.json" "$tmp/out"

run --format hex "$raw"
check "--format hex on raw bytes: usage error" usage_error
run --format raw "$hex"
check "--format raw on hex text: usage error" usage_error
check "--format raw on hex text: size named" stderr_has "4670 bytes, expected 1280"

# ---- JSON --------------------------------------------------------------------------

run --json "$raw"
check "json: exit 0" status_is 0
check "json: parses" json_ok "True"
check "json: identity" json_ok "d['id']['magic_ok'] and
	d['version'] == {'raw': '0x00010000', 'major': 1, 'minor': 0} and
	d['queues'] == {'pairs': 2, 'vectors': 3}"
check "json: features" json_ok "d['features']['names'] == ['TX_CSUM', 'RX_CSUM',
	'TSO', 'SG', 'WRITEBACK', 'MSIX', 'RX_MULTIBUF'] and
	d['features']['unknown'] == 0"
check "json: limits" json_ok "(d['max_xfer'], d['max_sg'], d['max_seg'],
	d['seg_boundary']['shift'], d['max_frame']) == (65536, 32, 65536, 32, 9018)"
check "json: mac and link" json_ok \
	"d['mac'] == '52:54:00:12:34:56' and d['link_up'] and d['ctrl']['names'] == ['RX_ENABLE']"
check "json: counters" json_ok "d['counters']['tx_pkts'] == 750 and
	d['counters']['rx_pkts'] == 287 and len(d['counters']) == 15 and d['counters']['rsc_frames'] == 0 and d['counters']['rx_runt'] == 0"
check "json: channels" json_ok "[(c['channel'], c['dir'], c['pair']) for c in
	d['channels']] == [(0, 'tx', 0), (1, 'rx', 0), (2, 'tx', 1), (3, 'rx', 1)]"
check "json: channel 0" json_ok "(lambda c: c['size'] == 512 and c['head'] == 450
	and c['tail'] == 450 and c['state'] == 'IDLE' and c['error'] == 'NONE' and
	c['ring'] == '0x0000000004cf0000' and c['irq_mod'] == {'usecs': 20,
	'count': 16} and c['irq_en'] and c['completed'] == 2498)(d['channels'][0])"
check "json: channel 3" json_ok "(lambda c: c['head'] == 271 and c['tail'] == 270
	and c['pending'] == 511 and c['state'] == 'ACTIVE')(d['channels'][3])"
check "json: no warnings" json_ok "d['warnings'] == []"

run --json --all "$hex"
check "json --all: 16 channels" json_ok "len(d['channels']) == 16 and
	d['channels'][15]['compl_addr'] is None and d['channels'][15]['pending'] is None"

# ---- Altered dumps ------------------------------------------------------------------

# channel 2 (block at 0x180) halted on a descriptor read fault at descriptor 7,
# HALTED (0x44) bit 2 set; CTRL (0x24) with PROMISC, LOOPBACK and bit 8
patch "$raw" "$tmp/halted.bin" 0x198 0x0304 0x44 0x4 0x1ac 7 0x24 0x10e
run "$tmp/halted.bin"
ch2="channel 2: TX, pair 1, registers 0x1080"
check "halted: exit 0" status_is 0
check "halted: HALTED names channel 2" has_fields "0x0044 HALTED 0x00000004 channels 2"
check "halted: state" block_has "$ch2" "state HALTED (4)"
check "halted: error name" block_has "$ch2" "error DESC_READ (0x03)"
check "halted: err_desc" block_has "$ch2" "err_desc 7"
check "halted: ctrl bits, unknown bit" has_fields \
	"0x0024 CTRL 0x0000010e RX_ENABLE PROMISC LOOPBACK +0x100"
check "halted: consistent, no warnings" count_lines '^warnings:' 0

# the same without the HALTED bit, an undefined error code on channel 3,
# and a non-zero undefined global offset 0x50
patch "$tmp/halted.bin" "$tmp/odd.bin" 0x44 0 0x1d8 0x2a01 0x50 0xdead
run "$tmp/odd.bin"
check "odd: exit 0" status_is 0
check "odd: unknown error code named" block_has \
	"channel 3: RX, pair 1, registers 0x10c0" "error UNKNOWN (0x2a)"
check "odd: warns of the HALTED bit" has_fields \
	"channel 2: HALTED bit clear but state HALTED"
check "odd: warns of the error code" has_fields \
	"channel 3: unknown error code 0x2a"
check "odd: warns of the undefined offset" has_fields \
	"undefined global offset 0x0050 reads 0x0000dead"
run --json "$tmp/odd.bin"
check "odd json: unknown error is null" json_ok \
	"d['channels'][3]['error'] is None and d['channels'][3]['error_code'] == 0x2a
	and len(d['warnings']) >= 3"

# one queue pair (QUEUES 0x0201): channels 0 and 1 only
patch "$raw" "$tmp/onepair.bin" 0x0c 0x0201 0x40 1
run "$tmp/onepair.bin"
check "one pair: 2 channels" count_lines '^channel [0-9]+:' 2

# a dump saved with the ioctl's struct ethtool_regs (cmd 4, version, len) first
python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(struct.pack("<III", 4, 0x10000, len(d)) + d)
' "$raw" "$tmp/with-header.bin"
run "$tmp/with-header.bin"
check "ethtool header: exit 0" status_is 0
check "ethtool header: skipped" has_fields \
	"input: $tmp/with-header.bin, raw, 1280 register bytes, ethtool header (version 0x00010000)"
check "ethtool header: registers found" has_fields "0x0000 ID 0x53474e43 magic ok"

# ---- Malformed input: exit 2 ---------------------------------------------------------

head -c 1279 "$raw" >"$tmp/short.bin"
run "$tmp/short.bin"
check "short dump: usage error" usage_error
check "short dump: sizes named" stderr_has "1279 bytes, expected 1280"

(cat "$raw"; printf '\0\0\0\0') >"$tmp/long.bin"
run "$tmp/long.bin"
check "long dump: usage error" usage_error

head -c 1024 "$raw" >"$tmp/partial.bin"
run --force "$tmp/partial.bin"
check "--force on a partial dump: exit 1" status_is 1
check "--force on a partial dump: warning on stderr" stderr_has "1024 bytes, expected 1280"
check "--force on a partial dump: 4 channels" count_lines '^channel [0-9]+:' 4
run --force --all "$tmp/partial.bin"
check "--force --all: the 12 complete blocks" count_lines '^channel [0-9]+:' 12
head -c 200 "$raw" >"$tmp/tiny.bin"
run --force "$tmp/tiny.bin"
check "--force below the global registers: usage error" usage_error

patch "$raw" "$tmp/badmagic.bin" 0 0x12345678
run "$tmp/badmagic.bin"
check "magic mismatch: usage error" usage_error
check "magic mismatch: named" stderr_has "ID register is 0x12345678, not the sgnic magic 0x53474e43"
run --force "$tmp/badmagic.bin"
check "magic mismatch --force: exit 1" status_is 1
check "magic mismatch --force: decoded" has_fields "0x0000 ID 0x12345678 MAGIC MISMATCH"
check "magic mismatch --force: still decodes channels" count_lines '^channel [0-9]+:' 4
run --force --json "$tmp/badmagic.bin"
check "magic mismatch --force --json: parses" json_ok "not d['id']['magic_ok']"

sed '3s/ 4e / 4g /' "$hex" >"$tmp/badbyte.txt"
run "$tmp/badbyte.txt"
check "bad hex byte: usage error" usage_error
check "bad hex byte: line named" stderr_has "badbyte.txt:3: '4g' is not a two-digit hex byte"

sed '3s/ 4e / 4e0 /' "$hex" >"$tmp/longbyte.txt"
run "$tmp/longbyte.txt"
check "three-digit byte: usage error" usage_error

sed '/^0x0040:/d' "$hex" >"$tmp/gap.txt"
run "$tmp/gap.txt"
check "missing hex line: usage error" usage_error
check "missing hex line: offset named" stderr_has \
	"gap.txt:7: offset 0x0050 where 0x0040 was expected"

sed '$d' "$hex" >"$tmp/cut.txt"
run "$tmp/cut.txt"
check "truncated hex: usage error" usage_error
check "truncated hex: size named" stderr_has "1264 bytes, expected 1280"

sed '4s/^0x0010:/0x0010/' "$hex" >"$tmp/nocolon.txt"
run "$tmp/nocolon.txt"
check "offset without colon: usage error" usage_error

printf 'Offset\t\tValues\n------\t\t------\nsomething else\n' >"$tmp/junk.txt"
run "$tmp/junk.txt"
check "junk after the header: usage error" usage_error
check "junk after the header: line named" stderr_has "junk.txt:3:"

printf 'Offset\t\tValues\n------\t\t------\n' >"$tmp/nodata.txt"
run "$tmp/nodata.txt"
check "header without data: usage error" usage_error

: >"$tmp/empty"
run "$tmp/empty"
check "empty input: usage error" usage_error
run "$tmp/does-not-exist"
check "missing file: usage error" usage_error

# ---- Usage ----------------------------------------------------------------------------

run --frobnicate "$raw"
check "unknown option: usage error" usage_error
run --format
check "option without value: usage error" usage_error
run --format octal "$raw"
check "bad --format: usage error" usage_error
run "$raw" "$hex"
check "two files: usage error" usage_error
run --help
check "--help: exit 0" status_is 0
check "--help: usage on stdout" grep -q "^usage: " "$tmp/out"

finish
