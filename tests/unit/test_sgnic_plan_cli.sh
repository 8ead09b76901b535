#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the sgnic-plan tool: output, verdicts and exit codes.
#
#   test_sgnic_plan_cli.sh [PATH/TO/sgnic-plan]
#
# The binary is the first argument, else $SGNIC_PLAN, else the default build
# location.  Prints one "ok N name" / "not ok N name" line per check and a
# closing "N passed, N failed"; exits non-zero when a check failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
plan=${1:-${SGNIC_PLAN:-$here/../../build/bin/sgnic-plan}}

. "$here/lib.sh"
start_suite sgnic-plan "$plan"

# has_line LINE: stdout holds exactly this line
has_line() {
	grep -qxF -- "$1" <<<"$out"
}

# ---- Accepted plans ----------------------------------------------------------

run 0x1000:4096 0x3000:100
check "two segments: exit 0" status_is 0
check "two segments: verdict ok" has_line "verdict: ok"
check "two segments: 2 elements" has_line "elements: 2"
check "two segments: element 0" has_line "     0  0x0000000000001000  4096"
check "two segments: element 1" has_line "     1  0x0000000000003000  100"
check "two segments: units" has_line "mapping units: 2 (4096-byte units)"
check "two segments: sg list bytes" has_line "sg list bytes: 32"
check "two segments: segments used" has_line "segments used: 2"
check "two segments: nothing on stderr" test -z "$err"

run --max-xfer 0x10000 --max-sg 32 --max-seg 0x10000 --boundary-shift 32 \
	0xffff8000:0x10000
check "4 GiB boundary: exit 0" status_is 0
check "4 GiB boundary: split in 2" has_line "elements: 2"
check "4 GiB boundary: second element at 4 GiB" \
	has_line "     1  0x0000000100000000  32768"

run --max-seg 4096 4096:10000
check "max-seg split: 3 elements" has_line "elements: 3"
check "max-seg split: tail element" has_line "     2  0x0000000000003000  1808"

run --offset 100 --length 8 0x1000:104 0x2000:104
check "offset/length: length shown" has_line "range: offset 100, length 8"
check "offset/length: 2 elements" has_line "elements: 2"
check "offset/length: first element" has_line "     0  0x0000000000001064  4"

run --offset 4195 0x1000:4096 0x3000:100
check "offset N-1, default length 1" has_line "range: offset 4195, length 1"
check "offset N-1: exit 0" status_is 0

run --unit-shift 16 0x18000:0x10000
check "unit-shift 16: 2 units" has_line "mapping units: 2 (65536-byte units)"

run 0x1000:0 0x2000:10 0x3000:0
check "zero-length segments skipped" has_line "segments used: 1"

run 010:010
check "leading zero is decimal" has_line "     0  0x000000000000000a  10"

# ---- Refusals: exit 1, figures still printed ---------------------------------

run --max-sg 1 0x1000:4096 0x3000:100
check "max-sg: exit 1" status_is 1
check "max-sg: verdict" \
	has_line "verdict: too-fragmented (STATUS_WDF_TOO_FRAGMENTED, -E2BIG)"
check "max-sg: figures still printed" has_line "elements: 2"

run --single 0x1000:4096 0x3000:100
check "single, two elements: exit 1" status_is 1
check "single, two elements: verdict" \
	has_line "verdict: too-fragmented (STATUS_WDF_TOO_FRAGMENTED, -E2BIG)"
run --single 0x1000:4096
check "single, one element: exit 0" status_is 0

run --max-xfer 4195 0x1000:4096 0x3000:100
check "max-xfer: exit 1" status_is 1
check "max-xfer: verdict" has_line \
	"verdict: too-many-transfers-length (STATUS_WDF_TOO_MANY_TRANSFERS, -EMSGSIZE)"

run --max-units 1 0x1800:4096
check "max-units: exit 1" status_is 1
check "max-units: verdict" has_line \
	"verdict: too-many-transfers-map-units (STATUS_WDF_TOO_MANY_TRANSFERS, -ENOSPC)"
check "max-units: units printed" has_line "mapping units: 2 (4096-byte units)"

run --sgl-capacity 1 0x1000:4096 0x3000:100
check "sgl-capacity: exit 1" status_is 1
check "sgl-capacity: verdict" has_line \
	"verdict: insufficient-resources (STATUS_INSUFFICIENT_RESOURCES, -ENOMEM)"
run --sgl-capacity 2 0x1000:4096 0x3000:100
check "sgl-capacity exactly enough: exit 0" status_is 0

run --max-xfer 1 --max-sg 1 0x1000:4096 0x3000:100
check "length checked before fragmentation" has_line \
	"verdict: too-many-transfers-length (STATUS_WDF_TOO_MANY_TRANSFERS, -EMSGSIZE)"

run --offset 4196 0x1000:4096 0x3000:100
check "offset N: exit 1" status_is 1
check "offset N: verdict" \
	has_line "verdict: bad-range (STATUS_INVALID_PARAMETER, -EINVAL)"
run --length 0 0x1000:4096
check "length 0: bad range" \
	has_line "verdict: bad-range (STATUS_INVALID_PARAMETER, -EINVAL)"
run --offset 1 --length 4096 0x1000:4096
check "length N-offset+1: bad range" status_is 1

# ---- Layout files --------------------------------------------------------------

cat >"$tmp/layout" <<'EOF'
# two fragments of a packet
0x1000	4096	# head
0x3000 100

EOF
run --layout "$tmp/layout"
check "layout file: exit 0" status_is 0
check "layout file: same plan as arguments" has_line "elements: 2"
check "layout file: element 1" has_line "     1  0x0000000000003000  100"

run --layout - --max-sg 1 <"$tmp/layout"
check "layout from stdin: exit 1" status_is 1
check "layout from stdin: 2 elements" has_line "elements: 2"

printf '0x1000 4096 7\n' >"$tmp/bad_layout"
run --layout "$tmp/bad_layout"
check "layout with 3 fields: usage error" usage_error
check "layout error names file:line" grep -qF "bad_layout:1:" "$tmp/err"

printf '0x1000 40zz\n' >"$tmp/bad_layout"
run --layout "$tmp/bad_layout"
check "layout with a bad number: usage error" usage_error

run --layout "$tmp/does-not-exist"
check "missing layout file: usage error" usage_error

run --layout "$tmp/layout" 0x1000:1
check "layout and arguments: usage error" usage_error

# ---- Bad usage: exit 2, message on stderr ----------------------------------------

run
check "no segments: usage error" usage_error
printf '# nothing\n\n' >"$tmp/empty_layout"
run --layout "$tmp/empty_layout"
check "empty layout file: usage error" usage_error

for bad in 0x1000:40x 0x1000 :5 0x:5 1:0x 1:-5 1:+5 "1: 5" 1:4294967296 \
	   18446744073709551616:1 0xffffffffffffffff:2; do
	run "$bad"
	check "segment '$bad': usage error" usage_error
done

for opt in "--max-sg -1" "--max-sg 4294967296" "--max-sg 12abc" "--offset 1.5" \
	   "--length 0x" "--max-seg ''" "--offset 18446744073709551616"; do
	eval "run $opt 0x1000:4096"
	check "option $opt: usage error" usage_error
done

run --max-sg
check "option without value: usage error" usage_error
run --frobnicate 0x1000:4096
check "unknown option: usage error" usage_error

run --help
check "--help: exit 0" status_is 0
check "--help: usage on stdout" grep -q "^usage: " "$tmp/out"

# ---- JSON ------------------------------------------------------------------------

run --json 0x1000:4096 0x3000:100
check "json: exit 0" status_is 0
check "json: parses" json_ok "True"
check "json: figures" json_ok "(d['ok'] and d['verdict'] == 'ok' and
	d['errno'] == 0 and d['errno_name'] is None and d['sg_list_built'] and
	d['plan']['elements'] == 2 and d['plan']['sgl_bytes'] == 32)"
check "json: sg list" json_ok "([(e['addr'], e['len']) for e in d['sg_list']] ==
	[('0x0000000000001000', 4096), ('0x0000000000003000', 100)])"

run --json --single 0x1000:4096 0x3000:100
check "json refusal: exit 1" status_is 1
check "json refusal: parses with the verdict" json_ok "(not d['ok'] and
	d['verdict'] == 'too-fragmented' and
	d['status'] == 'STATUS_WDF_TOO_FRAGMENTED' and
	d['errno_name'] == 'E2BIG' and d['errno'] < 0 and
	not d['sg_list_built'] and len(d['sg_list']) == 2)"

run --json --offset 9999 0x1000:4096
check "json bad range: parses, plan null" json_ok \
	"d['verdict'] == 'bad-range' and d['plan'] is None and d['sg_list'] is None"

run --json --unit-shift 64 --max-seg 1 0x1000:3
check "json unit-shift 64: parses" json_ok \
	"d['unit_bytes'] is None and d['plan']['units'] == 3"

finish
