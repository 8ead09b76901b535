/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A multiboot guest for tests/bench/insn-count-test.sh: two counting
 * windows of known length for the insn-count plugin, then a triple fault
 * (QEMU runs with -no-reboot, so it exits).  QEMU's multiboot loader
 * enters it in 32-bit protected mode, so the mark is the 7-byte NOP the
 * plugin looks for.
 */
#include "insn-mark.h"

#define MB_MAGIC	0x1badb002

	.text
	.code32
	.align 4
	.long MB_MAGIC, 0, -MB_MAGIC	/* ELF image: no address fields */
	.globl _start
_start:
	cli
	insn_mark INSN_MARK_END		/* no window open: the plugin says so */
	insn_mark INSN_MARK_BEGIN
	mov $1000, %ecx
1:	dec %ecx			/* 2 x 1000 instructions, less the first pair */
	jnz 1b
	insn_mark INSN_MARK_END
	insn_mark INSN_MARK_BEGIN
	mov $100000, %ecx
2:	dec %ecx
	jnz 2b
	insn_mark INSN_MARK_END
	lidt null_idt			/* no IDT: int3 triple-faults */
	int3

	.align 4
null_idt:
	.word 0
	.long 0
