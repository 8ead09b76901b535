// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the sgnic userspace tools (sgnic_cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sgnic_hw.h"
#include "sgnic_cli.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sgnic_cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SGNIC_EXIT_USAGE);
}

/* ---- Options and input ------------------------------------------------- */

bool sgnic_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		/* d > max first: max - d must not wrap for a small max */
		if (d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

uint64_t sgnic_opt_num(const char *name, const char *arg, uint64_t max)
{
	uint64_t v;

	if (!sgnic_parse_u64(arg, max, &v))
		die("--%s: '%s' is not a decimal or 0x hex number in 0..%" PRIu64,
		    name, arg, max);
	return v;
}

int sgnic_cli_getopt(int argc, char *const *argv, const struct option *opts,
		     int *idx, void (*usage)(FILE *f))
{
	return sgnic_cli_getopt_short(argc, argv, "", opts, idx, usage);
}

int sgnic_cli_getopt_short(int argc, char *const *argv, const char *short_opts,
			   const struct option *opts, int *idx,
			   void (*usage)(FILE *f))
{
	char spec[64];
	int c;

	/* ':' first: a missing value comes back as ':', told from '?' */
	if ((size_t)snprintf(spec, sizeof(spec), ":h%s", short_opts) >= sizeof(spec))
		die("internal error: too many short options");
	opterr = 0;
	if (idx)
		*idx = 0;
	c = getopt_long(argc, argv, spec, opts, idx);
	switch (c) {
	case 'h':
		usage(stdout);
		exit(0);
	case ':':
		die("option '%s' needs a value (try --help)", argv[optind - 1]);
	case '?':
		if (optopt && optopt < SGNIC_CLI_OPT_FIRST)
			die("unknown option '-%c' (try --help)", optopt);
		die("unknown option '%s' (try --help)", argv[optind - 1]);
	}
	return c;
}

const char *sgnic_cli_input_path(int argc, char *const *argv)
{
	if (argc - optind > 1)
		die("one input file at most (try --help)");
	return optind < argc ? argv[optind] : NULL;
}

FILE *sgnic_cli_open(const char *path, const char *mode, const char *what,
		     const char **name)
{
	FILE *f = strcmp(path, "-") ? fopen(path, mode) : stdin;

	if (!f && what)
		die("cannot open %s '%s': %s", what, path, strerror(errno));
	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	*name = f == stdin ? "<stdin>" : path;
	return f;
}

void sgnic_cli_close(FILE *f, const char *name, const char *what)
{
	if (ferror(f) && what)
		die("reading %s '%s': %s", what, name, strerror(errno));
	if (ferror(f))
		die("reading %s: %s", name, strerror(errno));
	if (f != stdin)
		fclose(f);
}

void sgnic_cli_flush(void)
{
	if (fflush(stdout) || ferror(stdout))
		die("writing output: %s", strerror(errno));
}

/* ---- Warnings ------------------------------------------------------------ */

void sgnic_warn(struct sgnic_warnings *w, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("formatting a warning failed");
	s = malloc((size_t)n + 1);
	if (!s)
		die("out of memory");
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (w->n == w->cap) {
		unsigned int cap = w->cap ? 2 * w->cap : 16;
		char **m = realloc(w->msg, cap * sizeof(*m));

		if (!m)
			die("out of memory");
		w->msg = m;
		w->cap = cap;
	}
	w->msg[w->n++] = s;
}

void sgnic_warnings_free(struct sgnic_warnings *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		free(w->msg[i]);
	free(w->msg);
}

void sgnic_warnings_print_text(const struct sgnic_warnings *w)
{
	unsigned int i;

	if (!w->n)
		return;
	printf("\nwarnings:\n");
	for (i = 0; i < w->n; i++)
		printf("  %s\n", w->msg[i]);
}

void sgnic_warnings_print_json(const struct sgnic_warnings *w)
{
	unsigned int i;

	printf("  \"warnings\": [");
	for (i = 0; i < w->n; i++) {
		printf("%s\n    ", i ? "," : "");
		sgnic_json_string(w->msg[i]);
	}
	printf("%s]\n", w->n ? "\n  " : "");
}

/* ---- JSON and names ------------------------------------------------------ */

void sgnic_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

uint32_t sgnic_bitnames_mask(const struct sgnic_bitname *t, size_t n)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		m |= t[i].bit;
	return m;
}

void sgnic_json_bitnames(const struct sgnic_bitname *t, size_t n, uint32_t v)
{
	bool first = true;
	size_t i;

	putchar('[');
	for (i = 0; i < n; i++) {
		if (v & t[i].bit) {
			printf("%s\"%s\"", first ? "" : ", ", t[i].name);
			first = false;
		}
	}
	putchar(']');
}

static const char *const state_names[] = {
	[SGNIC_STATE_STOPPED]	= "STOPPED",
	[SGNIC_STATE_ACTIVE]	= "ACTIVE",
	[SGNIC_STATE_IDLE]	= "IDLE",
	[SGNIC_STATE_SUSPENDED]	= "SUSPENDED",
	[SGNIC_STATE_HALTED]	= "HALTED",
};

static const char *const err_names[] = {
	[SGNIC_ERR_NONE]	= "NONE",
	[SGNIC_ERR_RING_CONFIG]	= "RING_CONFIG",
	[SGNIC_ERR_TAIL_RANGE]	= "TAIL_RANGE",
	[SGNIC_ERR_DESC_READ]	= "DESC_READ",
	[SGNIC_ERR_DESC_WRITE]	= "DESC_WRITE",
	[SGNIC_ERR_BUF_READ]	= "BUF_READ",
	[SGNIC_ERR_BUF_WRITE]	= "BUF_WRITE",
	[SGNIC_ERR_COMPL_WRITE]	= "COMPL_WRITE",
	[SGNIC_ERR_DESC_LEN]	= "DESC_LEN",
	[SGNIC_ERR_DESC_FLAGS]	= "DESC_FLAGS",
	[SGNIC_ERR_CHAIN]	= "CHAIN",
	[SGNIC_ERR_INJECTED]	= "INJECTED",
};

const char *sgnic_state_name(uint32_t state)
{
	return state < ARRAY_LEN(state_names) ? state_names[state] : NULL;
}

const char *sgnic_err_name(uint32_t err)
{
	return err < ARRAY_LEN(err_names) ? err_names[err] : NULL;
}

bool sgnic_ring_size_ok(uint64_t size)
{
	return size >= SGNIC_RING_MIN && size <= SGNIC_RING_MAX &&
	       !(size & (size - 1));
}
