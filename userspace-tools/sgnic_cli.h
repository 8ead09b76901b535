/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the sgnic userspace tools share: their message and exit conventions,
 * strict number parsing, FILE-or-'-' input, the warnings list, JSON strings
 * and the names of channel states and error codes.
 *
 * Each tool defines sgnic_cli_prog, the name its messages start with.
 * die() prints "PROG: MESSAGE" on stderr and exits with SGNIC_EXIT_USAGE,
 * the status every tool gives for bad usage or malformed input.
 */
#ifndef SGNIC_CLI_H
#define SGNIC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SGNIC_EXIT_USAGE	2

/* Values of the tools' long options start here, above every short option. */
#define SGNIC_CLI_OPT_FIRST	256

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

extern const char *const sgnic_cli_prog;

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- Options and input ------------------------------------------------- */

/*
 * Strict unsigned parse: decimal digits, or 0x and hex digits, nothing else
 * (no sign, no blanks, no trailing text; a leading 0 is not octal).  False
 * when S is not such a number or is above MAX.
 */
bool sgnic_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* The value of option --NAME, ARG, in 0..MAX; dies naming it otherwise. */
uint64_t sgnic_opt_num(const char *name, const char *arg, uint64_t max);

/*
 * getopt_long() with the tools' conventions: -h and --help print USAGE on
 * stdout and exit 0; a missing value or an unknown option dies.  Returns
 * the next of the tool's own options (*idx its index in OPTS when long; idx
 * may be NULL), or -1 after the last.
 */
int sgnic_cli_getopt(int argc, char *const *argv, const struct option *opts,
		     int *idx, void (*usage)(FILE *f));

/*
 * The same for a tool with short options of its own as well: SHORT_OPTS in
 * getopt's notation ("p:n:v"), without 'h' and the leading ':'.
 */
int sgnic_cli_getopt_short(int argc, char *const *argv, const char *short_opts,
			   const struct option *opts, int *idx,
			   void (*usage)(FILE *f));

/* The one FILE operand left after the options, NULL if none; dies on two. */
const char *sgnic_cli_input_path(int argc, char *const *argv);

/*
 * Open PATH for reading, "-" meaning standard input, and set *name to what
 * messages call it ("<stdin>" or PATH).  WHAT, if not NULL, is the noun the
 * messages put before the name ("cannot open layout 'x': ...").  Dies when
 * PATH cannot be opened.
 */
FILE *sgnic_cli_open(const char *path, const char *mode, const char *what,
		     const char **name);

/* Die if reading F failed, else close it unless it is standard input. */
void sgnic_cli_close(FILE *f, const char *name, const char *what);

/* Flush standard output at exit; dies if anything could not be written. */
void sgnic_cli_flush(void);

/* ---- Warnings: inconsistencies listed after the decoded output ---------- */

struct sgnic_warnings {
	char **msg;
	unsigned int n;
	unsigned int cap;
};

void sgnic_warn(struct sgnic_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sgnic_warnings_free(struct sgnic_warnings *w);

/* "\nwarnings:\n  MSG\n..." when there are any, else nothing. */
void sgnic_warnings_print_text(const struct sgnic_warnings *w);

/* The member "  \"warnings\": [...]\n" (no comma after it). */
void sgnic_warnings_print_json(const struct sgnic_warnings *w);

/* ---- JSON and names ----------------------------------------------------- */

/* S as a JSON string: quotes, backslashes and non-ASCII escaped. */
void sgnic_json_string(const char *s);

struct sgnic_bitname {
	uint32_t bit;
	const char *name;
};

/* Every bit the table names. */
uint32_t sgnic_bitnames_mask(const struct sgnic_bitname *t, size_t n);

/* The names of the bits set in V, as a JSON array of strings. */
void sgnic_json_bitnames(const struct sgnic_bitname *t, size_t n, uint32_t v);

/* SGNIC_STATE_* and SGNIC_ERR_* by name, NULL for an undefined code. */
const char *sgnic_state_name(uint32_t state);
const char *sgnic_err_name(uint32_t err);

/* A power of two in SGNIC_RING_MIN..SGNIC_RING_MAX. */
bool sgnic_ring_size_ok(uint64_t size);

#endif /* SGNIC_CLI_H */
