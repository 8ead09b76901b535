/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's marks for the insn-count TCG plugin (tests/bench/insn-count.c,
 * tests/bench/insn-mark.c): "nopl disp32(%rax)", 0f 1f 80 and a 32-bit
 * little-endian displacement of INSN_MARK_MAGIC | op.  It is a true NOP on
 * every x86-64 CPU, so a guest without the plugin runs it unharmed.
 */
#ifndef INSN_MARK_H
#define INSN_MARK_H

#define INSN_MARK_LEN		7
#define INSN_MARK_MAGIC		0x53474e00	/* "SGN" in the upper bytes */
#define INSN_MARK_BEGIN		0x42	/* 'B': snapshot every counter */
#define INSN_MARK_END		0x45	/* 'E': report what ran since the snapshot */

#ifdef __ASSEMBLER__
.macro insn_mark op
	.byte 0x0f, 0x1f, 0x80
	.long INSN_MARK_MAGIC | \op
.endm
#else
static const unsigned char insn_mark_opcode[3] = { 0x0f, 0x1f, 0x80 };
#endif

#endif
