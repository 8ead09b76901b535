#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print a libFuzzer dictionary (-dict) of sgnic's register offsets, channel
# register addresses, commands, flags and limits, each as a little-endian
# 32-bit word, plus generic-fuzz's command separator.  The values come from
# include/sgnic_hw.h through the C compiler, so the dictionary follows the
# header; the BAR addresses libqos assigns on q35 come as 64-bit words.
# Usage: tests/fuzz/mkdict.sh [cc]  (default cc)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hdr=$root/include/sgnic_hw.h
cc=${1:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Object-like SGNIC_ macros with a value (the include guard has none).
names() {
	sed -nE "s/^#define[[:space:]]+(SGNIC_$1[A-Z0-9_]*)[[:space:]]+[^[:space:]].*/\1/p" "$hdr"
}

{
	echo '#include <stdio.h>'
	echo '#include "sgnic_hw.h"'
	echo 'static void w(const char *n, unsigned long long v)'
	echo '{ printf("%s=\"\\x%02x\\x%02x\\x%02x\\x%02x\"\n", n, (unsigned)(v & 0xff),'
	echo '  (unsigned)(v >> 8 & 0xff), (unsigned)(v >> 16 & 0xff), (unsigned)(v >> 24 & 0xff)); }'
	echo 'int main(void) {'
	echo '  unsigned c;'
	for n in $(names 'REG_') $(names 'CMD_') $(names 'CTRL_') $(names 'DESC_F_') \
		$(names 'MISC_') $(names 'RING_') $(names 'RSC_') $(names 'MAX_FRAME') \
		$(names 'HW_MAX_') $(names 'ID_MAGIC') $(names 'IRQ_') $(names 'CHAN_BASE') \
		$(names 'MAC_STATS_') \
		$(names 'MSIX_'); do
		echo "  w(\"$n\", $n);"
	done
	# Channel registers of the first two pairs and of the last channel.
	echo '  for (c = 0; c < SGNIC_NUM_CHANS; c += (c < 3 ? 1 : SGNIC_NUM_CHANS - 4)) {'
	for n in $(names 'CH_'); do
		case $n in SGNIC_CH_STATE|SGNIC_CH_ERR) continue ;; esac
		echo "    w(\"$n\", SGNIC_CHAN_REG(c, $n));"
	done
	echo '  }'
	# Where libqos (and so generic-fuzz) maps BAR 0 and BAR 2 on q35: DMA
	# and MSI-X addresses aimed at the device itself, as 64-bit words.
	echo '  { unsigned long long bar0 = 0xe0000000ULL, a[] = { bar0,'
	echo '    bar0 + SGNIC_REG_CTRL, bar0 + SGNIC_CHAN_REG(0, SGNIC_CH_TAIL),'
	echo '    bar0 + SGNIC_CHAN_REG(1, SGNIC_CH_CMD), bar0 + SGNIC_REG_MISC_SET,'
	echo '    bar0 + SGNIC_BAR_REGS_SIZE };'
	echo '    for (c = 0; c < sizeof(a) / sizeof(a[0]); c++)'
	echo '      printf("bar=\"\\x%02x\\x%02x\\x%02x\\x%02x\\x00\\x00\\x00\\x00\"\n",'
	echo '             (unsigned)(a[c] & 0xff), (unsigned)(a[c] >> 8 & 0xff),'
	echo '             (unsigned)(a[c] >> 16 & 0xff), (unsigned)(a[c] >> 24 & 0xff)); }'
	echo '  printf("separator=\"FUZZ\"\n");'
	echo '  return 0; }'
} >"$tmp/dict.c"
"$cc" -std=gnu11 -I"$root/include" -o "$tmp/dict" "$tmp/dict.c"
"$tmp/dict"
