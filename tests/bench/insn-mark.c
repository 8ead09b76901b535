// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insn-mark begin|end: open or close a counting window of the insn-count
 * TCG plugin (see insn-count.c).  Runs the mark instruction once; without
 * the plugin it is a NOP and the program does nothing.
 */
#include <stdio.h>
#include <string.h>

#include "insn-mark.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define MARK(op) asm volatile(".byte 0x0f, 0x1f, 0x80\n\t.long " STR(INSN_MARK_MAGIC) " | " STR(op) \
			      ::: "memory")

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "begin")) {
		MARK(INSN_MARK_BEGIN);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "end")) {
		MARK(INSN_MARK_END);
		return 0;
	}
	fprintf(stderr, "usage: insn-mark begin|end\n");
	return 2;
}
