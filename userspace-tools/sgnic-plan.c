// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic-plan: run the sgnic transfer planner (the one compiled into sgnic.ko)
 * on a buffer layout and show the SG list it builds, the mapping units and
 * SG list space it needs, and the verdict the driver would reach.
 *
 * Exit status: 0 plan accepted, 1 planner refusal, 2 bad usage or input.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgnic_plan.h"
#include "sgnic_cli.h"

#define EXIT_REFUSED		1

/* Longer SG lists are counted but not printed. */
#define LIST_MAX_ELEMS		(1u << 20)

const char *const sgnic_cli_prog = "sgnic-plan";

struct layout {
	struct sgnic_plan_seg *segs;
	unsigned int nsegs;
	unsigned int cap;
};

struct options {
	struct sgnic_plan_limits lim;
	uint64_t offset;
	uint64_t length;
	bool has_length;
	bool json;
	const char *layout_file;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] ADDR:LEN...\n"
		"       %s [options] --layout FILE\n"
		"\n"
		"Plan a DMA transfer over a buffer layout with the sgnic planner.\n"
		"Numbers are decimal or 0x hexadecimal.  ADDR < 2^64, LEN < 2^32.\n"
		"\n"
		"  --layout FILE          segments from FILE, one 'ADDR LEN' a line,\n"
		"                         '#' starts a comment, '-' reads stdin\n"
		"  --offset N             first byte of the range (default 0)\n"
		"  --length N             bytes in the range (default: to the end)\n"
		"  --max-xfer N           bytes per transfer\n"
		"  --max-sg N             elements per transfer\n"
		"  --max-seg N            bytes per element\n"
		"  --boundary-shift N     no element crosses a 1 << N boundary\n"
		"  --unit-shift N         log2 of the mapping unit (default 12)\n"
		"  --max-units N          mapping units reserved\n"
		"  --sgl-capacity N       elements the SG list holds\n"
		"  --single               the range must be a single transfer\n"
		"  --json                 machine-readable output\n"
		"  -h, --help             this help\n"
		"\n"
		"A limit of 0 (the default) means no limit.\n"
		"Exit status: 0 accepted, 1 refused by the planner, 2 bad usage or input.\n",
		sgnic_cli_prog, sgnic_cli_prog);
}

static uint32_t opt_u32(const char *name, const char *arg)
{
	return (uint32_t)sgnic_opt_num(name, arg, UINT32_MAX);
}

static void layout_add(struct layout *lay, uint64_t addr, uint32_t len,
		       const char *where)
{
	if (len && addr > UINT64_MAX - (len - 1))
		die("%s: segment wraps past the end of the 64-bit address space",
		    where);
	if (lay->nsegs == lay->cap) {
		unsigned int cap = lay->cap ? lay->cap * 2 : 16;
		struct sgnic_plan_seg *segs;

		if (cap <= lay->cap)
			die("%s: too many segments", where);
		segs = realloc(lay->segs, cap * sizeof(*segs));
		if (!segs)
			die("out of memory");
		lay->segs = segs;
		lay->cap = cap;
	}
	lay->segs[lay->nsegs].addr = addr;
	lay->segs[lay->nsegs].len = len;
	lay->nsegs++;
}

/* Parse ADDR and LEN (strings) into the layout; false if either is bad. */
static bool layout_add_strings(struct layout *lay, const char *addr_s,
			       const char *len_s, const char *where)
{
	uint64_t addr, len;

	if (!sgnic_parse_u64(addr_s, UINT64_MAX, &addr) ||
	    !sgnic_parse_u64(len_s, UINT32_MAX, &len))
		return false;
	layout_add(lay, addr, (uint32_t)len, where);
	return true;
}

/* ADDR:LEN from the command line. */
static void layout_add_arg(struct layout *lay, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *addr_s;
	bool ok;

	if (!colon)
		die("segment '%s': expected ADDR:LEN", arg);
	addr_s = strndup(arg, (size_t)(colon - arg));
	if (!addr_s)
		die("out of memory");
	ok = layout_add_strings(lay, addr_s, colon + 1, arg);
	free(addr_s);
	if (!ok)
		die("segment '%s': expected ADDR:LEN, ADDR < 2^64, LEN < 2^32",
		    arg);
}

static void layout_read(struct layout *lay, const char *path)
{
	unsigned long lineno = 0;
	size_t line_cap = 0;
	char *line = NULL;
	const char *name;
	char where[512];
	FILE *f;

	f = sgnic_cli_open(path, "r", "layout", &name);
	while (getline(&line, &line_cap, f) >= 0) {
		static const char blanks[] = " \t\r\n";
		char *addr_s, *len_s, *extra, *save = NULL;
		char *hash = strchr(line, '#');

		lineno++;
		snprintf(where, sizeof(where), "%s:%lu", name, lineno);
		if (hash)
			*hash = '\0';
		addr_s = strtok_r(line, blanks, &save);
		if (!addr_s)
			continue;
		len_s = strtok_r(NULL, blanks, &save);
		extra = len_s ? strtok_r(NULL, blanks, &save) : NULL;
		if (!len_s || extra || !layout_add_strings(lay, addr_s, len_s, where))
			die("%s: expected 'ADDR LEN', ADDR < 2^64, LEN < 2^32",
			    where);
	}
	sgnic_cli_close(f, name, "layout");
	free(line);
}

static const char *errno_name(int err)
{
	switch (-err) {
	case 0:
		return "0";
	case EINVAL:
		return "-EINVAL";
	case EMSGSIZE:
		return "-EMSGSIZE";
	case ENOSPC:
		return "-ENOSPC";
	case E2BIG:
		return "-E2BIG";
	case ENOMEM:
		return "-ENOMEM";
	}
	return "-E?";
}

static uint32_t unit_shift_of(const struct sgnic_plan_limits *lim)
{
	return lim->unit_shift ? lim->unit_shift : SGNIC_PLAN_DEFAULT_UNIT_SHIFT;
}

/* ---- Text output ------------------------------------------------------ */

static void print_limit(bool *first, const char *name, uint32_t v)
{
	if (!v)
		return;
	printf("%s%s %" PRIu32, *first ? " " : ", ", name, v);
	*first = false;
}

static void print_text(const struct layout *lay, uint64_t total,
		       const struct options *o, enum sgnic_plan_err err,
		       const struct sgnic_plan *plan,
		       const struct sgnic_plan_elem *list)
{
	const struct sgnic_plan_limits *lim = &o->lim;
	uint32_t ushift = unit_shift_of(lim);
	bool first = true;
	uint32_t i;

	printf("layout: %u segment%s, %" PRIu64 " bytes\n", lay->nsegs,
	       lay->nsegs == 1 ? "" : "s", total);
	printf("range: offset %" PRIu64 ", length %" PRIu64 "\n", o->offset,
	       o->length);
	printf("limits:");
	print_limit(&first, "max-xfer", lim->max_xfer);
	print_limit(&first, "max-sg", lim->max_sg);
	print_limit(&first, "max-seg", lim->max_seg);
	print_limit(&first, "boundary-shift", lim->boundary_shift);
	print_limit(&first, "unit-shift", lim->unit_shift);
	print_limit(&first, "max-units", lim->max_units);
	print_limit(&first, "sgl-capacity", lim->sgl_capacity);
	if (lim->single_xfer) {
		printf("%ssingle", first ? " " : ", ");
		first = false;
	}
	printf("%s\n", first ? " none" : "");

	if (err == SGNIC_PLAN_E_RANGE) {
		printf("range must have offset 0..N-1 and length 1..N-offset (N = %" PRIu64
		       ")\n", total);
	} else {
		if (!list)
			printf("sg list: %" PRIu32 " elements, not shown\n",
			       plan->elems);
		else if (err == SGNIC_PLAN_OK)
			printf("sg list:\n");
		else
			printf("sg list (not built, plan refused):\n");
		for (i = 0; list && i < plan->elems; i++)
			printf("  %4" PRIu32 "  0x%016" PRIx64 "  %" PRIu32 "\n",
			       i, list[i].addr, list[i].len);
		printf("elements: %" PRIu32 "\n", plan->elems);
		if (ushift < 64)
			printf("mapping units: %" PRIu32 " (%" PRIu64 "-byte units)\n",
			       plan->units, (uint64_t)1 << ushift);
		else
			printf("mapping units: %" PRIu32 " (one per element)\n",
			       plan->units);
		printf("sg list bytes: %" PRIu64 "\n", plan->sgl_bytes);
		printf("segments used: %" PRIu32 "\n", plan->segs_used);
	}

	if (err == SGNIC_PLAN_OK)
		printf("verdict: ok\n");
	else
		printf("verdict: %s (%s, %s)\n", sgnic_plan_err_name(err),
		       sgnic_plan_err_seed_name(err),
		       errno_name(sgnic_plan_errno(err)));
}

/* ---- JSON output ------------------------------------------------------ */

/* Names and figures only: nothing here ever needs string escaping. */
static void print_json(const struct layout *lay, uint64_t total,
		       const struct options *o, enum sgnic_plan_err err,
		       const struct sgnic_plan *plan,
		       const struct sgnic_plan_elem *list)
{
	const struct sgnic_plan_limits *lim = &o->lim;
	uint32_t ushift = unit_shift_of(lim);
	uint32_t i;

	printf("{\n");
	printf("  \"layout\": {\"segments\": %u, \"bytes\": %" PRIu64 "},\n",
	       lay->nsegs, total);
	printf("  \"offset\": %" PRIu64 ",\n", o->offset);
	printf("  \"length\": %" PRIu64 ",\n", o->length);
	printf("  \"limits\": {\"max_xfer\": %" PRIu32 ", \"max_sg\": %" PRIu32
	       ", \"max_seg\": %" PRIu32 ", \"boundary_shift\": %" PRIu32
	       ", \"unit_shift\": %" PRIu32 ", \"max_units\": %" PRIu32
	       ", \"sgl_capacity\": %" PRIu32 ", \"single_xfer\": %s},\n",
	       lim->max_xfer, lim->max_sg, lim->max_seg, lim->boundary_shift,
	       lim->unit_shift, lim->max_units, lim->sgl_capacity,
	       lim->single_xfer ? "true" : "false");
	if (ushift < 64)
		printf("  \"unit_bytes\": %" PRIu64 ",\n", (uint64_t)1 << ushift);
	else
		printf("  \"unit_bytes\": null,\n");

	if (err == SGNIC_PLAN_E_RANGE) {
		printf("  \"plan\": null,\n");
	} else {
		printf("  \"plan\": {\"elements\": %" PRIu32 ", \"units\": %" PRIu32
		       ", \"sgl_bytes\": %" PRIu64 ", \"segments_used\": %" PRIu32
		       ", \"length\": %" PRIu64 "},\n",
		       plan->elems, plan->units, plan->sgl_bytes,
		       plan->segs_used, plan->length);
	}

	if (!list) {
		printf("  \"sg_list\": null,\n");
	} else {
		printf("  \"sg_list\": [");
		for (i = 0; i < plan->elems; i++)
			printf("%s\n    {\"index\": %" PRIu32 ", \"addr\": \"0x%016"
			       PRIx64 "\", \"len\": %" PRIu32 "}",
			       i ? "," : "", i, list[i].addr, list[i].len);
		printf("%s],\n", plan->elems ? "\n  " : "");
	}
	/* On a refusal the list is the one the layout would give, not built. */
	printf("  \"sg_list_built\": %s,\n",
	       list && err == SGNIC_PLAN_OK ? "true" : "false");

	printf("  \"ok\": %s,\n", err == SGNIC_PLAN_OK ? "true" : "false");
	printf("  \"verdict\": \"%s\",\n", sgnic_plan_err_name(err));
	printf("  \"status\": \"%s\",\n", sgnic_plan_err_seed_name(err));
	printf("  \"errno\": %d,\n", sgnic_plan_errno(err));
	if (err == SGNIC_PLAN_OK)
		printf("  \"errno_name\": null\n");
	else
		printf("  \"errno_name\": \"%s\"\n",
		       errno_name(sgnic_plan_errno(err)) + 1);
	printf("}\n");
}

/* ---- Main ------------------------------------------------------------- */

enum {
	OPT_LAYOUT = SGNIC_CLI_OPT_FIRST,
	OPT_OFFSET,
	OPT_LENGTH,
	OPT_MAX_XFER,
	OPT_MAX_SG,
	OPT_MAX_SEG,
	OPT_BOUNDARY_SHIFT,
	OPT_UNIT_SHIFT,
	OPT_MAX_UNITS,
	OPT_SGL_CAPACITY,
	OPT_SINGLE,
	OPT_JSON,
};

static const struct option long_opts[] = {
	{ "layout",		required_argument,	NULL, OPT_LAYOUT },
	{ "offset",		required_argument,	NULL, OPT_OFFSET },
	{ "length",		required_argument,	NULL, OPT_LENGTH },
	{ "max-xfer",		required_argument,	NULL, OPT_MAX_XFER },
	{ "max-sg",		required_argument,	NULL, OPT_MAX_SG },
	{ "max-seg",		required_argument,	NULL, OPT_MAX_SEG },
	{ "boundary-shift",	required_argument,	NULL, OPT_BOUNDARY_SHIFT },
	{ "unit-shift",		required_argument,	NULL, OPT_UNIT_SHIFT },
	{ "max-units",		required_argument,	NULL, OPT_MAX_UNITS },
	{ "sgl-capacity",	required_argument,	NULL, OPT_SGL_CAPACITY },
	{ "single",		no_argument,		NULL, OPT_SINGLE },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv, struct options *o)
{
	int c, idx;

	while ((c = sgnic_cli_getopt(argc, argv, long_opts, &idx, usage)) != -1) {
		const char *name = long_opts[idx].name;

		switch (c) {
		case OPT_LAYOUT:
			o->layout_file = optarg;
			break;
		case OPT_OFFSET:
			o->offset = sgnic_opt_num(name, optarg, UINT64_MAX);
			break;
		case OPT_LENGTH:
			o->length = sgnic_opt_num(name, optarg, UINT64_MAX);
			o->has_length = true;
			break;
		case OPT_MAX_XFER:
			o->lim.max_xfer = opt_u32(name, optarg);
			break;
		case OPT_MAX_SG:
			o->lim.max_sg = opt_u32(name, optarg);
			break;
		case OPT_MAX_SEG:
			o->lim.max_seg = opt_u32(name, optarg);
			break;
		case OPT_BOUNDARY_SHIFT:
			o->lim.boundary_shift = opt_u32(name, optarg);
			break;
		case OPT_UNIT_SHIFT:
			o->lim.unit_shift = opt_u32(name, optarg);
			break;
		case OPT_MAX_UNITS:
			o->lim.max_units = opt_u32(name, optarg);
			break;
		case OPT_SGL_CAPACITY:
			o->lim.sgl_capacity = opt_u32(name, optarg);
			break;
		case OPT_SINGLE:
			o->lim.single_xfer = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		}
	}
}

int main(int argc, char **argv)
{
	struct options o = { .offset = 0 };
	struct sgnic_plan_elem *list = NULL;
	struct layout lay = { 0 };
	struct sgnic_plan plan = { 0 };
	enum sgnic_plan_err err;
	uint64_t total = 0;
	unsigned int i;
	int i_arg;

	parse_options(argc, argv, &o);

	if (o.layout_file && optind < argc)
		die("give segments either as arguments or with --layout, not both");
	if (o.layout_file)
		layout_read(&lay, o.layout_file);
	for (i_arg = optind; i_arg < argc; i_arg++)
		layout_add_arg(&lay, argv[i_arg]);
	if (!lay.nsegs)
		die("no segments (give ADDR:LEN arguments or --layout FILE; try --help)");

	for (i = 0; i < lay.nsegs; i++) {
		if (total > UINT64_MAX - lay.segs[i].len)
			die("layout longer than 2^64 bytes");
		total += lay.segs[i].len;
	}
	if (!o.has_length)
		o.length = o.offset < total ? total - o.offset : 0;

	err = sgnic_plan_transfer(lay.segs, lay.nsegs, o.offset, o.length,
				  &o.lim, &plan, NULL);

	/*
	 * Build the list to show it.  A refused plan has none, so show the one
	 * the same layout gives with only the limits that shape elements.
	 */
	if (err != SGNIC_PLAN_E_RANGE && plan.elems <= LIST_MAX_ELEMS) {
		struct sgnic_plan_limits shape = {
			.max_seg = o.lim.max_seg,
			.boundary_shift = o.lim.boundary_shift,
			.unit_shift = o.lim.unit_shift,
		};
		struct sgnic_plan again;
		enum sgnic_plan_err err2;

		list = calloc(plan.elems ? plan.elems : 1, sizeof(*list));
		if (!list)
			die("out of memory");
		err2 = sgnic_plan_transfer(lay.segs, lay.nsegs, o.offset,
					   o.length,
					   err == SGNIC_PLAN_OK ? &o.lim : &shape,
					   &again, list);
		if (err2 != SGNIC_PLAN_OK || again.elems != plan.elems) {
			free(list);
			list = NULL;
		}
	}

	if (o.json)
		print_json(&lay, total, &o, err, &plan, list);
	else
		print_text(&lay, total, &o, err, &plan, list);

	free(list);
	free(lay.segs);
	sgnic_cli_flush();
	return err == SGNIC_PLAN_OK ? 0 : EXIT_REFUSED;
}
