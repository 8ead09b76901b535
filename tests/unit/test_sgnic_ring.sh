#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the sgnic-ring tool on the debugfs dumps captured in the VM
# (tests/data/debugfs-rings.txt, debugfs-desc_tx0.txt, debugfs-desc_rx0.txt),
# on completion values, and on handcrafted and malformed dumps made in a
# temporary directory.
#
#   test_sgnic_ring.sh [PATH/TO/sgnic-ring]
#
# The binary is the first argument, else $SGNIC_RING, else the default build
# location.  Prints one "ok N name" / "not ok N name" line per check and a
# closing "N passed, N failed"; exits non-zero when a check failed.
#
# The expected values were worked out by hand from the captures:
#   tx0: size 512, ntu = ntc = 450 (nothing in flight), compl 0x4cf7041 with
#        desc_dma 0x4cf0000: address 0x4cf7040, (0x7040 / 64) = descriptor 449,
#        low bits 0x1 = ACTIVE, ERR (0x8) clear
#   rx0: ntu 15, ntc 16: (15 - 16) mod 512 = 511 in flight; compl 0x4cf83c1 -
#        0x4cf8000 = 0x3c0 / 64 = descriptor 15; descriptor 15 holds status
#        0xe0000000 (DONE, SOP, EOP) and xfer 70
#   tx1: compl 0x5260541 - 0x5260000 = 0x540 / 64 = 21; rx1: 0x4380 / 64 = 270

set -u

here=$(cd "$(dirname "$0")" && pwd)
ring=${1:-${SGNIC_RING:-$here/../../build/bin/sgnic-ring}}
data=$here/../data
rings=$data/debugfs-rings.txt
tx0=$data/debugfs-desc_tx0.txt
rx0=$data/debugfs-desc_rx0.txt

. "$here/lib.sh"
start_suite sgnic-ring "$ring"

# desc_is IDX WORDS: the line of descriptor IDX is WORDS, blanks squeezed
desc_is() {
	squeeze <<<"$out" | grep -E "^$1 addr " | grep -qxF -- "$2"
}

desc_re='^ +[0-9]+ addr '

# ---- The rings file -------------------------------------------------------------

run "$rings"
check "rings: exit 0" status_is 0
check "rings: nothing on stderr" test -z "$err"
check "rings: header" has_fields "pairs 2, interface up, pflags 0x2"
check "rings: 4 rings" count_lines '^[tr]x[0-9]+: ' 4
check "rings: no descriptors" count_lines "$desc_re" 0
check "rings: tx0 ring size 512" block_has "tx0: TX ring of pair 0, channel 0" \
	"size 512 descriptors at 0x0000000004cf0000"
check "rings: tx0 nothing in flight" block_has "tx0: TX ring of pair 0, channel 0" \
	"driver ntu 450, ntc 450, in flight 0"
check "rings: tx0 device indices" block_has "tx0: TX ring of pair 0, channel 0" \
	"device head 450, tail 450, pending 0"
check "rings: tx0 idle" block_has "tx0: TX ring of pair 0, channel 0" "state IDLE (2)"
check "rings: tx0 no error" block_has "tx0: TX ring of pair 0, channel 0" \
	"error NONE (0x00)"
check "rings: tx0 desc flags" block_has "tx0: TX ring of pair 0, channel 0" \
	"desc flags 0x0000000c (STATUS_UPDATE|INTERRUPT)"
check "rings: tx0 completion value" block_has "tx0: TX ring of pair 0, channel 0" \
	"completion 0x0000000004cf7041"
check "rings: tx0 completion address" block_has "tx0: TX ring of pair 0, channel 0" \
	"address 0x0000000004cf7040"
check "rings: tx0 completion index 449" block_has "tx0: TX ring of pair 0, channel 0" \
	"descriptor 449 (desc_dma 0x0000000004cf0000)"
check "rings: tx0 completion state" block_has "tx0: TX ring of pair 0, channel 0" \
	"state ACTIVE (1)"
check "rings: tx0 completion ERR clear" block_has "tx0: TX ring of pair 0, channel 0" \
	"err bit clear"
check "rings: rx0 511 in flight" block_has "rx0: RX ring of pair 0, channel 1" \
	"driver ntu 15, ntc 16, in flight 511"
check "rings: rx0 active" block_has "rx0: RX ring of pair 0, channel 1" \
	"state ACTIVE (1)"
check "rings: rx0 completion index 15" block_has "rx0: RX ring of pair 0, channel 1" \
	"descriptor 15 (desc_dma 0x0000000004cf8000)"
check "rings: tx1 completion index 21" block_has "tx1: TX ring of pair 1, channel 2" \
	"descriptor 21 (desc_dma 0x0000000005260000)"
check "rings: rx1 completion index 270" block_has "rx1: RX ring of pair 1, channel 3" \
	"descriptor 270 (desc_dma 0x0000000005dd0000)"
check "rings: rx1 in flight" block_has "rx1: RX ring of pair 1, channel 3" \
	"driver ntu 270, ntc 271, in flight 511"
check "rings: no warnings" count_lines '^warnings:' 0

run --json "$rings"
check "rings json: exit 0" status_is 0
check "rings json: parses" json_ok "True"
check "rings json: header" json_ok \
	"d['pairs'] == 2 and d['up'] is True and d['pflags'] == '0x2' and not d['down']"
check "rings json: completion indices" json_ok \
	"[(r['name'], r['completion']['index']) for r in d['rings']] ==
	 [('tx0', 449), ('rx0', 15), ('tx1', 21), ('rx1', 270)]"
check "rings json: in flight" json_ok \
	"[r['in_flight'] for r in d['rings']] == [0, 511, 0, 511]"
check "rings json: states" json_ok \
	"[r['state'] for r in d['rings']] == ['IDLE', 'ACTIVE', 'IDLE', 'ACTIVE'] and
	 all(r['error'] == 'NONE' and r['size'] == 512 for r in d['rings'])"
check "rings json: no descriptors" json_ok \
	"all(r['descriptors'] is None for r in d['rings'])"

# ---- desc_tx0 --------------------------------------------------------------------------

run "$tx0"
check "tx0: exit 0" status_is 0
check "tx0: 512 descriptors listed" count_lines "$desc_re" 512
check "tx0: summary" has_fields \
	"descriptors 512 listed, 512 done, 0 refused, 0 residual, 512 shown"
check "tx0: SOP with offloads" desc_is 1 \
	"1 addr 0x0000000005db56fe len 66 xfer 66 mss 1448 flags 0x00000061 (SOP|CSUM|TSO) status 0x80000000 (DONE|OK)"
check "tx0: middle descriptor" desc_is 2 \
	"2 addr 0x0000000005c56950 len 5808 xfer 5808 mss 0 flags 0x00000000 (-) status 0x80000000 (DONE|OK)"
check "tx0: EOP" desc_is 4 \
	"4 addr 0x0000000005ca0000 len 26584 xfer 26584 mss 0 flags 0x0000000e (EOP|STATUS_UPDATE|INTERRUPT) status 0x80000000 (DONE|OK)"
check "tx0: completion marks 449" desc_is 449 \
	"449 addr 0x0000000006fa8000 len 14832 xfer 14832 mss 0 flags 0x0000000e (EOP|STATUS_UPDATE|INTERRUPT) status 0x80000000 (DONE|OK) [compl]"
check "tx0: indices mark 450" desc_is 450 \
	"450 addr 0x0000000006f79350 len 27824 xfer 27824 mss 0 flags 0x00000000 (-) status 0x80000000 (DONE|OK) [ntc ntu head tail]"
check "tx0: nothing busy" count_lines ' busy( |$)' 0

run --only-busy "$tx0"
check "tx0 --only-busy: no descriptor lines" count_lines "$desc_re" 0
check "tx0 --only-busy: summary" has_fields \
	"descriptors 512 listed, 512 done, 0 refused, 0 residual, 0 shown"

run - <"$tx0"
check "tx0 from stdin: exit 0" status_is 0
check "tx0 from stdin: 512 descriptors" count_lines "$desc_re" 512

run --json "$tx0"
check "tx0 json: parses" json_ok "True"
check "tx0 json: descriptors" json_ok "(lambda s: s['listed'] == 512 and
	s['done'] == 512 and len(s['list']) == 512)(d['rings'][0]['descriptors'])"
check "tx0 json: descriptor 1" json_ok "(lambda x: x['flags']['names'] ==
	['SOP', 'CSUM', 'TSO'] and x['mss'] == 1448 and x['status']['done'] and
	x['status']['result'] == 'OK' and x['residual'] is None and
	not x['busy'])(d['rings'][0]['descriptors']['list'][1])"

# ---- desc_rx0 ------------------------------------------------------------------------------

run "$rx0"
check "rx0: exit 0" status_is 0
check "rx0: summary" has_fields \
	"descriptors 512 listed, 1 done, 0 refused, 0 residual, 512 shown"
check "rx0: completed frame in 15, not busy" desc_is 15 \
	"15 addr 0x0000000005645040 len 3712 xfer 70 mss 0 flags 0x0000000c (STATUS_UPDATE|INTERRUPT) status 0xe0000000 (DONE|SOP|EOP|OK) [ntu tail compl]"
check "rx0: posted buffer 16, busy" desc_is 16 \
	"16 addr 0x0000000005646040 len 3712 xfer 0 mss 0 flags 0x0000000c (STATUS_UPDATE|INTERRUPT) status 0x00000000 (-) busy [ntc head]"
check "rx0: 511 busy" count_lines ' busy( |$)' 511

run --only-busy "$rx0"
check "rx0 --only-busy: 511 descriptors" count_lines "$desc_re" 511
check "rx0 --only-busy: 15 left out" count_lines '^ +15 addr ' 0
check "rx0 --only-busy: 16 shown" count_lines '^ +16 addr ' 1
check "rx0 --only-busy: 14 shown (wraps)" count_lines '^ +14 addr ' 1

run --json --only-busy "$rx0"
check "rx0 json --only-busy: parses" json_ok "True"
check "rx0 json --only-busy: 511 shown, all busy" json_ok \
	"(lambda s: s['shown'] == 511 and len(s['list']) == 511 and
	 all(x['busy'] for x in s['list']) and
	 15 not in [x['index'] for x in s['list']])(d['rings'][0]['descriptors'])"
check "rx0 json: completion" json_ok "d['rings'][0]['completion'] == {
	'value': '0x0000000004cf83c1', 'written': True,
	'addr': '0x0000000004cf83c0', 'state': 'ACTIVE', 'state_code': 1,
	'err': False, 'undefined_bits': 0, 'index': 15, 'in_ring': True}"

# ---- Completion values -----------------------------------------------------------------------

run --compl 0x0000000004cf7041 --desc-dma 0x4cf0000 --ring-size 512
check "compl: exit 0" status_is 0
check "compl: value" has_fields "completion 0x0000000004cf7041"
check "compl: address" has_fields "address 0x0000000004cf7040"
check "compl: index 449" has_fields "descriptor 449 (desc_dma 0x0000000004cf0000)"
check "compl: state" has_fields "state ACTIVE (1)"
check "compl: ERR clear" has_fields "err bit clear"
check "compl: no warnings" count_lines '^warnings:' 0

# a halt at descriptor 449: 0x4cf7040 | ERR (0x8) | HALTED (4)
run --compl 0x4cf704c --desc-dma 0x4cf0000
check "compl halted: index 449" has_fields "descriptor 449 (desc_dma 0x0000000004cf0000)"
check "compl halted: state" has_fields "state HALTED (4)"
check "compl halted: ERR set" has_fields "err bit set"

run --compl 80000897
check "compl decimal, no base: exit 0" status_is 0
check "compl decimal, no base: address" has_fields "address 0x0000000004c4b780"
check "compl decimal, no base: index unknown" has_fields \
	"descriptor unknown (give --desc-dma)"
check "compl decimal, no base: state" has_fields "state ACTIVE (1)"

run --compl 0x4cf7041 --desc-dma 0x4cf0000 --ring-size 64
check "compl beyond the ring: exit 0" status_is 0
check "compl beyond the ring: said so" has_fields \
	"descriptor 449, beyond the ring of 64 (desc_dma 0x0000000004cf0000)"
check "compl beyond the ring: warning" has_fields \
	"value: completion address 0x0000000004cf7040 is not a descriptor of the ring"

run --compl 0x4cf6ff1 --desc-dma 0x4cf7000
check "compl below the base: outside" has_fields \
	"descriptor outside the ring (desc_dma 0x0000000004cf7000)"

run --compl 0x4cf7071
check "compl undefined low bits: shown" has_fields "undefined 0x30"
check "compl undefined low bits: warning" has_fields \
	"value: completion value has undefined bits 0x30 set"

run --compl 0
check "compl 0: never written" has_fields "completion 0x0000000000000000 (never written)"

run --json --compl 0x4cf704c --desc-dma 0x4cf0000 --ring-size 512
check "compl json: parses" json_ok "True"
check "compl json: fields" json_ok "d['completion'] == {
	'value': '0x0000000004cf704c', 'written': True,
	'addr': '0x0000000004cf7040', 'state': 'HALTED', 'state_code': 4,
	'err': True, 'undefined_bits': 0, 'index': 449, 'in_ring': True} and
	d['warnings'] == []"

# ---- A handcrafted TX ring: halted, a residual, a refused packet -----------------------------

cat >"$tmp/tx3.txt" <<'EOF'
tx3 chan 6 size 8 ntu 6 ntc 1 head 4 tail 6 state 4 err 0x08 compl 0x00000000001000cc desc_dma 0x100000 flags 0x4
   0 addr 0x0000000000200000 len  1000 flags 0x00000007 mss 0 status 0x80000000 xfer 1000
   1 addr 0x0000000000201000 len  1500 flags 0x00000017 mss 0 status 0x80000000 xfer 1499
   2 addr 0x0000000000202000 len  2000 flags 0x00000061 mss 1448 status 0x80000002 xfer 0
   3 addr 0x0000000000203000 len   100 flags 0x00000006 mss 0 status 0x80000002 xfer 0
   4 addr 0x0000000000204000 len     0 flags 0x00000007 mss 0 status 0x00000000 xfer 0
   5 addr 0x0000000000205000 len   500 flags 0x00000107 mss 0 status 0x00000000 xfer 0
   6 addr 0x0000000000000000 len     0 flags 0x00000000 mss 0 status 0x00000000 xfer 0
   7 addr 0x0000000000000000 len     0 flags 0x00000000 mss 0 status 0x00000000 xfer 0
EOF
run "$tmp/tx3.txt"
check "tx3: exit 0" status_is 0
check "tx3: in flight 5" has_fields "driver ntu 6, ntc 1, in flight 5"
check "tx3: pending 2" has_fields "device head 4, tail 6, pending 2"
check "tx3: halted" has_fields "state HALTED (4)"
check "tx3: error name" has_fields "error DESC_LEN (0x08)"
check "tx3: completion at 3" has_fields "descriptor 3 (desc_dma 0x0000000000100000)"
check "tx3: completion ERR set" has_fields "err bit set"
check "tx3: summary" has_fields \
	"descriptors 8 listed, 4 done, 2 refused, 1 residual, 8 shown"
check "tx3: residual of 1 byte" desc_is 1 \
	"1 addr 0x0000000000201000 len 1500 xfer 1499 mss 0 flags 0x00000017 (SOP|EOP|STATUS_UPDATE|SINGLE_XFER) status 0x80000000 (DONE|OK) residual 1 busy [ntc]"
check "tx3: refused packet, no residual" desc_is 2 \
	"2 addr 0x0000000000202000 len 2000 xfer 0 mss 1448 flags 0x00000061 (SOP|CSUM|TSO) status 0x80000002 (DONE|TOO_FRAGMENTED) busy"
check "tx3: halted at 4" desc_is 4 \
	"4 addr 0x0000000000204000 len 0 xfer 0 mss 0 flags 0x00000007 (SOP|EOP|STATUS_UPDATE) status 0x00000000 (-) busy [head]"
check "tx3: reserved flag bit" desc_is 5 \
	"5 addr 0x0000000000205000 len 500 xfer 0 mss 0 flags 0x00000107 (SOP|EOP|STATUS_UPDATE|RESERVED:0x00000100) status 0x00000000 (-) busy"
check "tx3: reserved bit warned" has_fields \
	"tx3: descriptor 5 has reserved flag bits 0x00000100"
check "tx3: free slot" desc_is 6 \
	"6 addr 0x0000000000000000 len 0 xfer 0 mss 0 flags 0x00000000 (-) status 0x00000000 (-) [ntu tail]"

run --only-busy "$tmp/tx3.txt"
check "tx3 --only-busy: descriptors 1..5" count_lines "$desc_re" 5

run --json "$tmp/tx3.txt"
check "tx3 json: parses" json_ok "True"
check "tx3 json: ring" json_ok "(lambda r: r['state'] == 'HALTED' and
	r['error'] == 'DESC_LEN' and r['in_flight'] == 5 and r['pending'] == 2 and
	r['completion']['index'] == 3 and r['completion']['err'])(d['rings'][0])"
check "tx3 json: descriptors" json_ok "(lambda l: l[1]['residual'] == 1 and
	l[2]['status']['result'] == 'TOO_FRAGMENTED' and l[2]['residual'] is None and
	l[5]['flags']['reserved'] == '0x00000100' and l[4]['status']['result'] is None
	)(d['rings'][0]['descriptors']['list'])"

# ---- A handcrafted RX ring: checksum results -------------------------------------------------

cat >"$tmp/rx3.txt" <<'EOF'
rx3 chan 7 size 8 ntu 7 ntc 3 head 3 tail 7 state 1 err 0x00 compl 0x0000000000300081 desc_dma 0x300000 flags 0xc
   0 addr 0x0000000000400000 len  2048 flags 0x0000000c mss 0 status 0xf0000000 xfer 60
   1 addr 0x0000000000401000 len  2048 flags 0x0000000c mss 0 status 0xe8000000 xfer 1514
   2 addr 0x0000000000402000 len  2048 flags 0x0000000c mss 0 status 0xa0100000 xfer 2048
   3 addr 0x0000000000403000 len  2048 flags 0x0000000c mss 0 status 0x00000000 xfer 0
   4 addr 0x0000000000404000 len  2048 flags 0x0000000c mss 0 status 0x00000000 xfer 0
   5 addr 0x0000000000405000 len  2048 flags 0x0000000c mss 0 status 0x00000000 xfer 0
   6 addr 0x0000000000406000 len  2048 flags 0x0000000c mss 0 status 0x00000000 xfer 0
   7 addr 0x0000000000407000 len  2048 flags 0x0000000c mss 0 status 0x00000000 xfer 0
EOF
run "$tmp/rx3.txt"
check "rx3: exit 0" status_is 0
check "rx3: checksum ok" desc_is 0 \
	"0 addr 0x0000000000400000 len 2048 xfer 60 mss 0 flags 0x0000000c (STATUS_UPDATE|INTERRUPT) status 0xf0000000 (DONE|SOP|EOP|L4_CSUM_OK|OK)"
check "rx3: checksum bad" desc_is 1 \
	"1 addr 0x0000000000401000 len 2048 xfer 1514 mss 0 flags 0x0000000c (STATUS_UPDATE|INTERRUPT) status 0xe8000000 (DONE|SOP|EOP|L4_CSUM_BAD|OK)"
check "rx3: undefined status bit shown" desc_is 2 \
	"2 addr 0x0000000000402000 len 2048 xfer 2048 mss 0 flags 0x0000000c (STATUS_UPDATE|INTERRUPT) status 0xa0100000 (DONE|SOP|+0x00100000|OK) [compl]"
check "rx3: undefined status bit warned" has_fields \
	"rx3: descriptor 2 has undefined status bits 0x00100000"
check "rx3: RX short frame is no residual" has_fields \
	"descriptors 8 listed, 3 done, 0 refused, 0 residual, 8 shown"

# ---- Inconsistent but well-formed: warnings, exit 0 ------------------------------------------

printf '%s\n' 'tx0 chan 1 size 12 ntu 13 ntc 0 head 0 tail 0 state 2 err 0x03 compl 0x0000000000001008 desc_dma 0x1010 flags 0x100' \
	>"$tmp/odd.txt"
run "$tmp/odd.txt"
check "odd ring: exit 0" status_is 0
check "odd ring: size warned" has_fields "tx0: size 12 is not a power of two in 8..4096"
check "odd ring: base warned" has_fields "tx0: desc_dma 0x1010 is not 64-byte aligned"
check "odd ring: index warned" has_fields \
	"tx0: an index (ntu 13, ntc 0, head 0, tail 0) is outside the ring of 12"
check "odd ring: channel warned" has_fields "tx0: channel 1, expected 0"
check "odd ring: error while idle warned" has_fields "tx0: error DESC_READ but state IDLE"
check "odd ring: flags warned" has_fields "tx0: ring flags 0x100 hold reserved bits"
check "odd ring: ERR without halt warned" has_fields \
	"tx0: completion value has ERR set but state STOPPED"
run --json "$tmp/odd.txt"
check "odd ring json: warnings listed" json_ok "len(d['warnings']) == 8"

printf 'down\n' >"$tmp/down.txt"
run "$tmp/down.txt"
check "down: exit 0" status_is 0
check "down: said so" has_fields "interface down: no rings"
run --json "$tmp/down.txt"
check "down json: parses" json_ok "d['down'] and d['rings'] == []"

printf 'pairs 1 up 0 pflags 0x0\n' >"$tmp/rings-down.txt"
run --json "$tmp/rings-down.txt"
check "rings of a down interface: parses" json_ok \
	"d['pairs'] == 1 and d['up'] is False and d['rings'] == []"

# ---- Malformed input: exit 2, the line named ---------------------------------------------------

head -n 100 "$tx0" >"$tmp/truncated.txt"
run "$tmp/truncated.txt"
check "truncated dump: usage error" usage_error
check "truncated dump: counts named" stderr_has \
	"truncated.txt: end of input: ring tx0 (line 1) lists 99 of its 512 descriptors"

sed '18s/len  1992/len 19x2/' "$tx0" >"$tmp/badnum.txt"
run "$tmp/badnum.txt"
check "bad number: usage error" usage_error
check "bad number: line named" stderr_has "badnum.txt:18: len '19x2' is not a number"

sed '18d' "$tx0" >"$tmp/gap.txt"
run "$tmp/gap.txt"
check "missing descriptor: usage error" usage_error
check "missing descriptor: line named" stderr_has \
	"gap.txt:18: descriptor 17 where 16 was expected"

sed '1s/ ntc / ntx /' "$tx0" >"$tmp/key.txt"
run "$tmp/key.txt"
check "misspelt field: usage error" usage_error
check "misspelt field: line named" stderr_has "key.txt:1: expected 'ntc'"

sed '1s/ flags 0xc$//' "$tx0" >"$tmp/short-ring.txt"
run "$tmp/short-ring.txt"
check "ring line without flags: usage error" usage_error
check "ring line without flags: line named" stderr_has "short-ring.txt:1:"

sed '3s/$/ extra/' "$tx0" >"$tmp/extra.txt"
run "$tmp/extra.txt"
check "trailing text: usage error" usage_error
check "trailing text: line named" stderr_has "extra.txt:3: unexpected 'extra'"

sed '1s/state 2/state 9/' "$tx0" >"$tmp/state.txt"
run "$tmp/state.txt"
check "state out of range: usage error" usage_error
check "state out of range: line named" stderr_has "state.txt:1: state '9' is not a number in 0..7"

sed '5s/mss 0/mss 70000/' "$tx0" >"$tmp/mss.txt"
run "$tmp/mss.txt"
check "mss above 16 bits: usage error" usage_error
check "mss above 16 bits: line named" stderr_has "mss.txt:5:"

(cat "$tx0"; echo "512 addr 0x0 len 1 flags 0x0 mss 0 status 0x0 xfer 0") \
	>"$tmp/over.txt"
run "$tmp/over.txt"
check "descriptor past the ring: usage error" usage_error
check "descriptor past the ring: line named" stderr_has "over.txt:514:"

(head -n 3 "$tx0"; head -n 1 "$rx0") >"$tmp/two.txt"
run "$tmp/two.txt"
check "ring cut by the next ring: usage error" usage_error
check "ring cut by the next ring: line named" stderr_has \
	"two.txt:4: ring tx0 (line 1) lists 2 of its 512 descriptors"

tail -n +2 "$tx0" >"$tmp/noring.txt"
run "$tmp/noring.txt"
check "descriptors without ring: usage error" usage_error
check "descriptors without ring: line named" stderr_has \
	"noring.txt:1: descriptor line before any ring line"

sed '1s/^tx0/tx9/' "$tx0" >"$tmp/queue.txt"
run "$tmp/queue.txt"
check "queue 9: usage error" usage_error
check "queue 9: line named" stderr_has "queue.txt:1: ring name 'tx9'"

sed '2s/size 512/size 0/' "$rings" >"$tmp/size0.txt"
run "$tmp/size0.txt"
check "size 0: usage error" usage_error
check "size 0: line named" stderr_has "size0.txt:2: ring size 0"

(cat "$rings"; echo "pairs 2 up 1 pflags 0x2") >"$tmp/late-pairs.txt"
run "$tmp/late-pairs.txt"
check "pairs line after the first: usage error" usage_error

printf 'something else\n' >"$tmp/junk.txt"
run "$tmp/junk.txt"
check "junk: usage error" usage_error
check "junk: line named" stderr_has "junk.txt:1: expected a ring line"

printf 'down\ntx0\n' >"$tmp/down-more.txt"
run "$tmp/down-more.txt"
check "text after down: usage error" usage_error

: >"$tmp/empty.txt"
run "$tmp/empty.txt"
check "empty input: usage error" usage_error
run "$tmp/does-not-exist"
check "missing file: usage error" usage_error

# ---- Usage -----------------------------------------------------------------------------------------

run --compl 0x4cf7041 "$rings"
check "--compl with a file: usage error" usage_error
run --desc-dma 0x1000 "$rings"
check "--desc-dma without --compl: usage error" usage_error
run --compl 0x4cf7041 --only-busy
check "--compl with --only-busy: usage error" usage_error
for bad in 12zz -1 0x 18446744073709551616 "1 2"; do
	run --compl "$bad"
	check "--compl '$bad': usage error" usage_error
done
run --compl 1 --ring-size 0
check "--ring-size 0: usage error" usage_error
run --compl
check "option without value: usage error" usage_error
run --frobnicate "$rings"
check "unknown option: usage error" usage_error
run "$rings" "$tx0"
check "two files: usage error" usage_error
run --help
check "--help: exit 0" status_is 0
check "--help: usage on stdout" grep -q "^usage: " "$tmp/out"

finish
