// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the sgnic transfer planner (kernel-driver/sgnic_plan.c).
 *
 * Output is TAP: one "ok N name" or "not ok N name" line per test, "#" lines
 * for diagnostics, the plan line, and a closing "N passed, N failed" line.
 * The exit status is non-zero when any test failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sgnic_plan.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define U32_MAX		((uint32_t)~0u)
#define U64_MAX		(~(uint64_t)0)

/* ---- Harness -------------------------------------------------------------- */

static unsigned int tests_passed, tests_failed;
static bool cur_ok;

static void check(bool ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	cur_ok = false;
	printf("# %s:%d: not true: %s\n", file, line, what);
}

static void check_eq(uint64_t got, uint64_t want, const char *expr,
		     const char *file, int line)
{
	if (got == want)
		return;
	cur_ok = false;
	printf("# %s:%d: %s is %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64
	       " (0x%" PRIx64 ")\n", file, line, expr, got, got, want, want);
}

static void check_err(enum sgnic_plan_err got, enum sgnic_plan_err want,
		      const char *file, int line)
{
	if (got == want)
		return;
	cur_ok = false;
	printf("# %s:%d: planner said %s, want %s\n", file, line,
	       sgnic_plan_err_name(got), sgnic_plan_err_name(want));
}

#define CHECK(cond)		check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want)	check_eq((uint64_t)(got), (uint64_t)(want), \
					 #got, __FILE__, __LINE__)
#define CHECK_ERR(got, want)	check_err((got), (want), __FILE__, __LINE__)

static void run_test(const char *name, void (*fn)(void))
{
	cur_ok = true;
	fn();
	if (cur_ok)
		tests_passed++;
	else
		tests_failed++;
	printf("%sok %u %s\n", cur_ok ? "" : "not ",
	       tests_passed + tests_failed, name);
}

/* ---- Helpers -------------------------------------------------------------- */

/* A plan nobody would compute, to see whether the planner wrote one. */
static const struct sgnic_plan sentinel_plan = {
	.elems = 0xdead, .units = 0xbeef, .segs_used = 0xcafe,
	.length = 0x5eed, .sgl_bytes = 0xf00d,
};

static bool plan_equal(const struct sgnic_plan *a, const struct sgnic_plan *b)
{
	return a->elems == b->elems && a->units == b->units &&
	       a->segs_used == b->segs_used && a->length == b->length &&
	       a->sgl_bytes == b->sgl_bytes;
}

static enum sgnic_plan_err plan_of(const struct sgnic_plan_seg *segs,
				   unsigned int nsegs, uint64_t offset,
				   uint64_t length,
				   const struct sgnic_plan_limits *lim,
				   struct sgnic_plan *plan)
{
	*plan = sentinel_plan;
	return sgnic_plan_transfer(segs, nsegs, offset, length, lim, plan, NULL);
}

#define CHECK_ELEM(el, a, l) do {			\
	CHECK_EQ((el).addr, (a));			\
	CHECK_EQ((el).len, (l));			\
} while (0)

/* Longest SG list check_sg_list() compares. */
#define SG_LIST_MAX	8

/*
 * Plan [offset, offset + length) of the layout with the SG list built, and
 * check that it is accepted as exactly the n elements in want.
 */
static void check_sg_list(const struct sgnic_plan_seg *segs,
			  unsigned int nsegs, uint64_t offset, uint64_t length,
			  const struct sgnic_plan_limits *lim,
			  struct sgnic_plan *p,
			  const struct sgnic_plan_elem *want, unsigned int n,
			  const char *file, int line)
{
	struct sgnic_plan_elem el[SG_LIST_MAX] = { { 0 } };
	char what[32];
	unsigned int i;

	if (n > SG_LIST_MAX) {
		cur_ok = false;
		printf("# %s:%d: raise SG_LIST_MAX to %u\n", file, line, n);
		return;
	}
	check_err(sgnic_plan_transfer(segs, nsegs, offset, length, lim, p, el),
		  SGNIC_PLAN_OK, file, line);
	check_eq(p->elems, n, "elems", file, line);
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "el[%u].addr", i);
		check_eq(el[i].addr, want[i].addr, what, file, line);
		snprintf(what, sizeof(what), "el[%u].len", i);
		check_eq(el[i].len, want[i].len, what, file, line);
	}
}

/* CHECK_SG_LIST(segs, nsegs, offset, length, lim, p, { addr, len }, ...) */
#define SG_LIST(...)	((const struct sgnic_plan_elem[]){ __VA_ARGS__ })
#define CHECK_SG_LIST(segs, nsegs, offset, length, lim, p, ...)		\
	check_sg_list((segs), (nsegs), (offset), (length), (lim), (p),	\
		      SG_LIST(__VA_ARGS__),				\
		      sizeof(SG_LIST(__VA_ARGS__)) /			\
		      sizeof(struct sgnic_plan_elem), __FILE__, __LINE__)

/* ---- Range (seed 002) ----------------------------------------------------- */

static const struct sgnic_plan_seg two_segs[] = {
	{ .addr = 0x1000, .len = 100 },
	{ .addr = 0x3000, .len = 50 },
};

static void test_range_last_byte(void)
{
	struct sgnic_plan p;

	CHECK_SG_LIST(two_segs, 2, 149, 1, NULL, &p, { 0x3000 + 49, 1 });
	CHECK_EQ(p.segs_used, 1);
	CHECK_EQ(p.length, 1);
}

static void test_range_offset_n(void)
{
	struct sgnic_plan p;

	CHECK_ERR(plan_of(two_segs, 2, 150, 1, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
	CHECK_ERR(plan_of(two_segs, 2, 151, 1, NULL, &p), SGNIC_PLAN_E_RANGE);
}

static void test_range_length_zero(void)
{
	struct sgnic_plan p;

	CHECK_ERR(plan_of(two_segs, 2, 0, 0, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(two_segs, 2, 149, 0, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
}

static void test_range_length_edge(void)
{
	struct sgnic_plan p;

	CHECK_ERR(plan_of(two_segs, 2, 10, 140, NULL, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.length, 140);
	CHECK_EQ(p.elems, 2);
	CHECK_ERR(plan_of(two_segs, 2, 10, 141, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
	CHECK_ERR(plan_of(two_segs, 2, 0, 150, NULL, &p), SGNIC_PLAN_OK);
	CHECK_ERR(plan_of(two_segs, 2, 0, 151, NULL, &p), SGNIC_PLAN_E_RANGE);
}

static void test_range_huge(void)
{
	struct sgnic_plan p;

	CHECK_ERR(plan_of(two_segs, 2, U64_MAX, 1, NULL, &p),
		  SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(two_segs, 2, 0, U64_MAX, NULL, &p),
		  SGNIC_PLAN_E_RANGE);
	/* offset + length wraps to a small number: must not look valid */
	CHECK_ERR(plan_of(two_segs, 2, 1, U64_MAX, NULL, &p),
		  SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(two_segs, 2, 100, U64_MAX - 99, NULL, &p),
		  SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(two_segs, 2, U64_MAX, U64_MAX, NULL, &p),
		  SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
}

static void test_range_big_layout(void)
{
	static const struct sgnic_plan_seg big[] = {
		{ .addr = 0x100000000ull, .len = U32_MAX },
		{ .addr = 0x200000000ull, .len = U32_MAX },
		{ .addr = 0x300000000ull, .len = U32_MAX },
		{ .addr = 0x400000000ull, .len = U32_MAX },
	};
	uint64_t n = 4 * (uint64_t)U32_MAX;
	struct sgnic_plan_elem el[4];
	struct sgnic_plan p;

	CHECK_ERR(sgnic_plan_transfer(big, 4, n - 1, 1, NULL, &p, el),
		  SGNIC_PLAN_OK);
	CHECK_ELEM(el[0], 0x400000000ull + U32_MAX - 1, 1);

	CHECK_ERR(sgnic_plan_transfer(big, 4, 0, n, NULL, &p, el),
		  SGNIC_PLAN_OK);
	CHECK_EQ(p.length, n);
	CHECK_EQ(p.elems, 4);
	CHECK_EQ(p.segs_used, 4);
	/* each segment starts page aligned: ceil((2^32 - 1) / 4096) pages */
	CHECK_EQ(p.units, 4 * (1u << 20));
	CHECK_ELEM(el[3], 0x400000000ull, U32_MAX);

	CHECK_ERR(plan_of(big, 4, 0, n + 1, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(big, 4, n, 1, NULL, &p), SGNIC_PLAN_E_RANGE);
}

static void test_range_empty_layout(void)
{
	static const struct sgnic_plan_seg empty[] = {
		{ .addr = 0x1000, .len = 0 },
		{ .addr = 0x2000, .len = 0 },
	};
	struct sgnic_plan p;

	CHECK_ERR(plan_of(NULL, 0, 0, 1, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(empty, 2, 0, 1, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(empty, 2, 0, 0, NULL, &p), SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
}

static void test_range_address_wrap(void)
{
	static const struct sgnic_plan_seg top[] = {
		{ .addr = 0x1000, .len = 16 },
		{ .addr = U64_MAX - 15, .len = 16 },	/* ends at 2^64 */
	};
	static const struct sgnic_plan_seg wrap[] = {
		{ .addr = 0x1000, .len = 16 },
		{ .addr = U64_MAX - 14, .len = 16 },	/* one byte past */
	};
	static const struct sgnic_plan_seg wrap_empty[] = {
		{ .addr = U64_MAX, .len = 0 },		/* empty: harmless */
		{ .addr = 0x1000, .len = 16 },
	};
	struct sgnic_plan_limits lim = { .boundary_shift = 63, .max_seg = 8 };
	struct sgnic_plan_elem el[4];
	struct sgnic_plan p;

	CHECK_ERR(sgnic_plan_transfer(top, 2, 0, 32, &lim, &p, el),
		  SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 4);
	CHECK_EQ(p.units, 4);
	CHECK_ELEM(el[2], U64_MAX - 15, 8);
	CHECK_ELEM(el[3], U64_MAX - 7, 8);
	/* a wrapping segment makes the layout invalid, touched or not */
	CHECK_ERR(plan_of(wrap, 2, 0, 32, &lim, &p), SGNIC_PLAN_E_RANGE);
	CHECK_ERR(plan_of(wrap, 2, 0, 1, &lim, &p), SGNIC_PLAN_E_RANGE);
	CHECK(plan_equal(&p, &sentinel_plan));
	CHECK_ERR(plan_of(wrap_empty, 2, 0, 16, &lim, &p), SGNIC_PLAN_OK);
}

/* ---- Walking and splitting ------------------------------------------------ */

static void test_zero_length_segments(void)
{
	static const struct sgnic_plan_seg segs[] = {
		{ .addr = 0x1000, .len = 0 },
		{ .addr = 0x2000, .len = 10 },
		{ .addr = 0x3000, .len = 0 },
		{ .addr = 0x4000, .len = 0 },
		{ .addr = 0x5000, .len = 10 },
		{ .addr = 0x6000, .len = 0 },
	};
	struct sgnic_plan p;

	CHECK_SG_LIST(segs, 6, 0, 20, NULL, &p,
		      { 0x2000, 10 }, { 0x5000, 10 });
	CHECK_EQ(p.segs_used, 2);

	/* offset lands exactly on the segment after the empty ones */
	CHECK_SG_LIST(segs, 6, 10, 10, NULL, &p, { 0x5000, 10 });
	CHECK_EQ(p.segs_used, 1);
}

static void test_segs_used_partial(void)
{
	static const struct sgnic_plan_seg segs[] = {
		{ .addr = 0x10000, .len = 0x1000 },
		{ .addr = 0x20000, .len = 0x1000 },
		{ .addr = 0x30000, .len = 0x1000 },
		{ .addr = 0x40000, .len = 0x1000 },
	};
	struct sgnic_plan p;

	CHECK_SG_LIST(segs, 4, 0x800, 0x1900, NULL, &p,
		      { 0x10800, 0x800 }, { 0x20000, 0x1000 },
		      { 0x30000, 0x100 });
	CHECK_EQ(p.segs_used, 3);
}

static void test_adjacent_not_merged(void)
{
	static const struct sgnic_plan_seg segs[] = {
		{ .addr = 0x1000, .len = 0x1000 },
		{ .addr = 0x2000, .len = 0x1000 },
	};
	struct sgnic_plan p;

	CHECK_ERR(plan_of(segs, 2, 0, 0x2000, NULL, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 2);
	CHECK_EQ(p.units, 2);
}

static void test_split_max_seg(void)
{
	static const struct sgnic_plan_seg seg = { .addr = 0x10000, .len = 10000 };
	struct sgnic_plan_limits lim = { .max_seg = 4096 };
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 10000, &lim, &p,
		      { 0x10000, 4096 }, { 0x11000, 4096 },
		      { 0x12000, 10000 - 8192 });

	/* exactly max_seg: no split */
	CHECK_ERR(plan_of(&seg, 1, 0, 4096, &lim, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 1);
	CHECK_ERR(plan_of(&seg, 1, 0, 4097, &lim, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 2);
}

static void test_split_boundary(void)
{
	static const struct sgnic_plan_seg seg = { .addr = 0xf00, .len = 0x300 };
	struct sgnic_plan_limits lim = { .boundary_shift = 12 };
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 0x300, &lim, &p,
		      { 0xf00, 0x100 }, { 0x1000, 0x200 });

	/* ending exactly on the boundary does not split */
	CHECK_ERR(plan_of(&seg, 1, 0, 0x100, &lim, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 1);
}

static void test_split_boundary_and_max_seg(void)
{
	static const struct sgnic_plan_seg seg = { .addr = 0xe000, .len = 0x10000 };
	struct sgnic_plan_limits lim = { .boundary_shift = 16, .max_seg = 0x6000 };
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 0x10000, &lim, &p,
		      { 0xe000, 0x2000 }, { 0x10000, 0x6000 },
		      { 0x16000, 0x6000 }, { 0x1c000, 0x2000 });
	CHECK_EQ(p.units, 16);
}

static void test_boundary_none(void)
{
	/* two bytes across 0x1000: shift 0 and >= 64 are no boundary, 1 is */
	static const struct sgnic_plan_seg seg = { .addr = 0xfff, .len = 2 };
	static const struct {
		uint32_t shift;
		uint32_t elems;
	} cases[] = {
		{ 0, 1 }, { 64, 1 }, { U32_MAX, 1 }, { 1, 2 },
	};
	struct sgnic_plan_limits lim = { 0 };
	struct sgnic_plan p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum sgnic_plan_err err;

		lim.boundary_shift = cases[i].shift;
		err = plan_of(&seg, 1, 0, 2, &lim, &p);
		if (err != SGNIC_PLAN_OK || p.elems != cases[i].elems)
			printf("# boundary_shift %" PRIu32 "\n",
			       cases[i].shift);
		CHECK_ERR(err, SGNIC_PLAN_OK);
		CHECK_EQ(p.elems, cases[i].elems);
	}
}

static void test_boundary_shift_63(void)
{
	static const struct sgnic_plan_seg seg = {
		.addr = (1ull << 63) - 0x10, .len = 0x20,
	};
	struct sgnic_plan_limits lim = { .boundary_shift = 63 };
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 0x20, &lim, &p,
		      { (1ull << 63) - 0x10, 0x10 }, { 1ull << 63, 0x10 });
}

static void test_default_hw_limits(void)
{
	/* a 64 KiB transfer straddling 4 GiB, with the device's default limits */
	static const struct sgnic_plan_seg seg = {
		.addr = 0xffff8000ull, .len = 0x10000,
	};
	struct sgnic_plan_limits lim = {
		.max_xfer = 0x10000, .max_sg = 32, .max_seg = 0x10000,
		.boundary_shift = 32,
	};
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 0x10000, &lim, &p,
		      { 0xffff8000ull, 0x8000 }, { 0x100000000ull, 0x8000 });
}

/* ---- Mapping units -------------------------------------------------------- */

static uint32_t units_of(uint64_t addr, uint32_t len, uint32_t unit_shift)
{
	struct sgnic_plan_seg seg = { .addr = addr, .len = len };
	struct sgnic_plan_limits lim = { .unit_shift = unit_shift };
	struct sgnic_plan p = { 0 };

	if (sgnic_plan_transfer(&seg, 1, 0, len, &lim, &p, NULL))
		return 0;
	return p.units;
}

static void test_units_page_edges(void)
{
	CHECK_EQ(units_of(0x1000, 1, 0), 1);
	CHECK_EQ(units_of(0xfff, 1, 0), 1);
	CHECK_EQ(units_of(0xfff, 2, 0), 2);
	CHECK_EQ(units_of(0x1000, 4096, 0), 1);
	CHECK_EQ(units_of(0x1000, 4097, 0), 2);
	CHECK_EQ(units_of(0x1001, 4096, 0), 2);
	CHECK_EQ(units_of(0x1001, 4095, 0), 1);
	CHECK_EQ(units_of(0x1fff, 4098, 0), 3);
	CHECK_EQ(units_of(0x1000, 3 * 4096, 0), 3);
}

static void test_units_shift(void)
{
	/* 0 means 12 */
	CHECK_EQ(units_of(0xfff, 2, 12), units_of(0xfff, 2, 0));
	CHECK_EQ(units_of(0x10000, 0x10000, 16), 1);
	CHECK_EQ(units_of(0x18000, 0x10000, 16), 2);
	CHECK_EQ(units_of(0x10000, 0x10000, 12), 16);
	CHECK_EQ(units_of(0x10, 0x40, 4), 4);
	CHECK_EQ(units_of(0x11, 0x40, 4), 5);
	CHECK_EQ(units_of(0x11, 3, 1), 2);
	CHECK_EQ(units_of(0x11, 4, 1), 3);
	CHECK_EQ(units_of((1ull << 63) - 1, 2, 63), 2);
	/* 64 and above: the whole space is one unit, so one per element */
	CHECK_EQ(units_of(0xfff, 0x10000, 64), 1);
	CHECK_EQ(units_of(U64_MAX, 1, 200), 1);
	CHECK_EQ(units_of(U64_MAX, 1, 0), 1);
}

static void test_units_per_element(void)
{
	/* two elements inside one page still count one unit each */
	static const struct sgnic_plan_seg segs[] = {
		{ .addr = 0x1000, .len = 0x10 },
		{ .addr = 0x1010, .len = 0x10 },
		{ .addr = 0x1ff0, .len = 0x20 },
	};
	struct sgnic_plan p;

	CHECK_ERR(plan_of(segs, 3, 0, 0x40, NULL, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 3);
	CHECK_EQ(p.units, 4);
}

static void test_units_saturate(void)
{
	/* 2-byte units: each 4 GiB segment spans 2^31 of them */
	static const struct sgnic_plan_seg segs[] = {
		{ .addr = 0x100000001ull, .len = U32_MAX },
		{ .addr = 0x200000001ull, .len = U32_MAX },
		{ .addr = 0x300000001ull, .len = U32_MAX },
	};
	struct sgnic_plan_limits lim = { .unit_shift = 1 };
	struct sgnic_plan p;

	CHECK_ERR(plan_of(segs, 1, 0, U32_MAX, &lim, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.units, 1u << 31);
	CHECK_ERR(plan_of(segs, 3, 0, 3ull * U32_MAX, &lim, &p),
		  SGNIC_PLAN_OK);
	CHECK_EQ(p.units, U32_MAX);
	CHECK_EQ(p.elems, 3);
	/* the true count, not the saturated one, is what gets compared */
	lim.max_units = U32_MAX;
	CHECK_ERR(plan_of(segs, 3, 0, 3ull * U32_MAX, &lim, &p),
		  SGNIC_PLAN_E_MAP_UNITS);
	CHECK_EQ(p.units, U32_MAX);
}

/* ---- Checks (seed 000) ---------------------------------------------------- */

/* Three 4 KiB pages, 4 KiB apart, each half in one page and half in the next. */
static const struct sgnic_plan_seg frag3[] = {
	{ .addr = 0x10800, .len = 0x1000 },
	{ .addr = 0x20800, .len = 0x1000 },
	{ .addr = 0x30800, .len = 0x1000 },
};

#define FRAG3_LEN	0x3000
#define FRAG3_ELEMS	3
#define FRAG3_UNITS	6

static void test_frag3_unlimited(void)
{
	struct sgnic_plan p;

	CHECK_ERR(plan_of(frag3, 3, 0, FRAG3_LEN, NULL, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, FRAG3_ELEMS);
	CHECK_EQ(p.units, FRAG3_UNITS);
	CHECK_EQ(p.segs_used, 3);
	CHECK_EQ(p.length, FRAG3_LEN);
	CHECK_EQ(p.sgl_bytes, FRAG3_ELEMS * sizeof(struct sgnic_plan_elem));
}

struct check_case {
	const char *what;
	struct sgnic_plan_limits lim;
	enum sgnic_plan_err want;
};

static const struct check_case check_cases[] = {
	{ "xfer_len at limit", { .max_xfer = FRAG3_LEN }, SGNIC_PLAN_OK },
	{ "xfer_len one short", { .max_xfer = FRAG3_LEN - 1 },
	  SGNIC_PLAN_E_XFER_LEN },
	{ "map_units at limit", { .max_units = FRAG3_UNITS }, SGNIC_PLAN_OK },
	{ "map_units one short", { .max_units = FRAG3_UNITS - 1 },
	  SGNIC_PLAN_E_MAP_UNITS },
	{ "max_sg at limit", { .max_sg = FRAG3_ELEMS }, SGNIC_PLAN_OK },
	{ "max_sg one short", { .max_sg = FRAG3_ELEMS - 1 },
	  SGNIC_PLAN_E_FRAGMENTED },
	{ "sgl_capacity at limit", { .sgl_capacity = FRAG3_ELEMS },
	  SGNIC_PLAN_OK },
	{ "sgl_capacity one short", { .sgl_capacity = FRAG3_ELEMS - 1 },
	  SGNIC_PLAN_E_SGL_SPACE },
	{ "single_xfer", { .single_xfer = true }, SGNIC_PLAN_E_FRAGMENTED },
	{ "single_xfer beats max_sg", { .single_xfer = true, .max_sg = 8 },
	  SGNIC_PLAN_E_FRAGMENTED },
	/* order of the checks */
	{ "1+3 -> 1", { .max_xfer = 1, .max_sg = 1 }, SGNIC_PLAN_E_XFER_LEN },
	{ "1+2 -> 1", { .max_xfer = 1, .max_units = 1 },
	  SGNIC_PLAN_E_XFER_LEN },
	{ "1+4 -> 1", { .max_xfer = 1, .sgl_capacity = 1 },
	  SGNIC_PLAN_E_XFER_LEN },
	{ "2+3 -> 2", { .max_units = 1, .max_sg = 1 },
	  SGNIC_PLAN_E_MAP_UNITS },
	{ "2+4 -> 2", { .max_units = 1, .sgl_capacity = 1 },
	  SGNIC_PLAN_E_MAP_UNITS },
	{ "3+4 -> 3", { .max_sg = 1, .sgl_capacity = 1 },
	  SGNIC_PLAN_E_FRAGMENTED },
	{ "single+4 -> 3", { .single_xfer = true, .sgl_capacity = 1 },
	  SGNIC_PLAN_E_FRAGMENTED },
	{ "1+2+3+4 -> 1", { .max_xfer = 1, .max_units = 1, .max_sg = 1,
			    .sgl_capacity = 1 }, SGNIC_PLAN_E_XFER_LEN },
	{ "2+3+4 -> 2", { .max_units = 1, .max_sg = 1, .sgl_capacity = 1 },
	  SGNIC_PLAN_E_MAP_UNITS },
};

static void test_check_cases(void)
{
	const struct sgnic_plan_elem poison = { .addr = 0x5a5a, .len = 0xa5 };
	struct sgnic_plan_elem el[FRAG3_ELEMS + 1];
	struct sgnic_plan ref, p;
	size_t i, j;

	CHECK_ERR(plan_of(frag3, 3, 0, FRAG3_LEN, NULL, &ref), SGNIC_PLAN_OK);

	for (i = 0; i < ARRAY_SIZE(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		enum sgnic_plan_err err;

		for (j = 0; j < ARRAY_SIZE(el); j++)
			el[j] = poison;
		p = sentinel_plan;
		err = sgnic_plan_transfer(frag3, 3, 0, FRAG3_LEN, &c->lim, &p,
					  el);
		if (err != c->want)
			printf("# case \"%s\"\n", c->what);
		CHECK_ERR(err, c->want);
		/* the plan is reported whatever the verdict */
		if (!plan_equal(&p, &ref))
			printf("# case \"%s\": plan differs\n", c->what);
		CHECK(plan_equal(&p, &ref));
		/* the SG list is written only when accepted */
		for (j = 0; j < FRAG3_ELEMS; j++) {
			bool untouched = el[j].addr == poison.addr &&
					 el[j].len == poison.len;

			CHECK(untouched == (err != SGNIC_PLAN_OK));
		}
		CHECK(el[FRAG3_ELEMS].addr == poison.addr);
	}
}

static void test_single_xfer_one_elem(void)
{
	static const struct sgnic_plan_seg seg = { .addr = 0x10000, .len = 1500 };
	struct sgnic_plan_limits lim = { .single_xfer = true };
	struct sgnic_plan p;

	CHECK_SG_LIST(&seg, 1, 0, 1500, &lim, &p, { 0x10000, 1500 });
}

static void test_single_xfer_two_elems(void)
{
	/* one segment, but the boundary cuts it in two */
	static const struct sgnic_plan_seg seg = { .addr = 0xffc0, .len = 0x80 };
	struct sgnic_plan_limits lim = { .single_xfer = true,
					 .boundary_shift = 16 };
	struct sgnic_plan p;

	CHECK_ERR(plan_of(&seg, 1, 0, 0x80, &lim, &p), SGNIC_PLAN_E_FRAGMENTED);
	CHECK_EQ(p.elems, 2);
	CHECK_EQ(p.segs_used, 1);
	/* the part before the boundary alone is fine */
	CHECK_ERR(plan_of(&seg, 1, 0, 0x40, &lim, &p), SGNIC_PLAN_OK);
	/* two segments */
	CHECK_ERR(plan_of(two_segs, 2, 99, 2, &lim, &p),
		  SGNIC_PLAN_E_FRAGMENTED);
	CHECK_EQ(p.elems, 2);
	CHECK_EQ(p.segs_used, 2);
}

static void test_sgl_capacity(void)
{
	struct sgnic_plan_limits lim = { .max_seg = 0x400 };
	struct sgnic_plan_elem el[12];
	struct sgnic_plan p;

	/* frag3 with 1 KiB elements: 12 of them */
	lim.sgl_capacity = 12;
	memset(el, 0, sizeof(el));
	CHECK_ERR(sgnic_plan_transfer(frag3, 3, 0, FRAG3_LEN, &lim, &p, el),
		  SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 12);
	CHECK_EQ(p.sgl_bytes, 12 * sizeof(struct sgnic_plan_elem));
	CHECK_ELEM(el[11], 0x31800 - 0x400, 0x400);
	lim.sgl_capacity = 11;
	CHECK_ERR(sgnic_plan_transfer(frag3, 3, 0, FRAG3_LEN, &lim, &p, el),
		  SGNIC_PLAN_E_SGL_SPACE);
	CHECK_EQ(p.elems, 12);
	CHECK_EQ(p.sgl_bytes, 12 * sizeof(struct sgnic_plan_elem));
}

static void test_elems_null_same_plan(void)
{
	struct sgnic_plan_limits lim = { .max_seg = 0x300, .boundary_shift = 11 };
	struct sgnic_plan_elem el[32];
	struct sgnic_plan a, b;
	enum sgnic_plan_err ea, eb;

	a = sentinel_plan;
	b = sentinel_plan;
	ea = sgnic_plan_transfer(frag3, 3, 0x123, 0x2abc, &lim, &a, NULL);
	eb = sgnic_plan_transfer(frag3, 3, 0x123, 0x2abc, &lim, &b, el);
	CHECK_ERR(ea, SGNIC_PLAN_OK);
	CHECK_ERR(eb, SGNIC_PLAN_OK);
	CHECK(plan_equal(&a, &b));
	CHECK(a.elems > 3 && a.elems <= ARRAY_SIZE(el));

	lim.max_sg = 2;
	ea = sgnic_plan_transfer(frag3, 3, 0x123, 0x2abc, &lim, &a, NULL);
	eb = sgnic_plan_transfer(frag3, 3, 0x123, 0x2abc, &lim, &b, el);
	CHECK_ERR(ea, SGNIC_PLAN_E_FRAGMENTED);
	CHECK_ERR(eb, SGNIC_PLAN_E_FRAGMENTED);
	CHECK(plan_equal(&a, &b));
}

static void test_null_lim_and_plan(void)
{
	struct sgnic_plan_limits none = { 0 };
	struct sgnic_plan_elem el[3];
	struct sgnic_plan a, b;

	CHECK_ERR(plan_of(frag3, 3, 0, FRAG3_LEN, NULL, &a), SGNIC_PLAN_OK);
	CHECK_ERR(plan_of(frag3, 3, 0, FRAG3_LEN, &none, &b), SGNIC_PLAN_OK);
	CHECK(plan_equal(&a, &b));
	CHECK_ERR(sgnic_plan_transfer(frag3, 3, 0, FRAG3_LEN, NULL, NULL, el),
		  SGNIC_PLAN_OK);
	CHECK_ELEM(el[2], 0x30800, 0x1000);
	none.max_sg = 1;
	CHECK_ERR(sgnic_plan_transfer(frag3, 3, 0, FRAG3_LEN, &none, NULL, NULL),
		  SGNIC_PLAN_E_FRAGMENTED);
}

static void test_sgl_bytes(void)
{
	struct sgnic_plan_limits lim = { .max_seg = 1 };
	struct sgnic_plan p;

	CHECK_ERR(plan_of(frag3, 3, 0, 1000, &lim, &p), SGNIC_PLAN_OK);
	CHECK_EQ(p.elems, 1000);
	CHECK_EQ(p.units, 1000);
	CHECK_EQ(p.sgl_bytes, 1000 * sizeof(struct sgnic_plan_elem));
}

/* ---- Names and error codes ------------------------------------------------ */

static void test_errno(void)
{
	CHECK_EQ(sgnic_plan_errno(SGNIC_PLAN_OK), 0);
	CHECK(sgnic_plan_errno(SGNIC_PLAN_E_RANGE) == -EINVAL);
	CHECK(sgnic_plan_errno(SGNIC_PLAN_E_XFER_LEN) == -EMSGSIZE);
	CHECK(sgnic_plan_errno(SGNIC_PLAN_E_MAP_UNITS) == -ENOSPC);
	CHECK(sgnic_plan_errno(SGNIC_PLAN_E_FRAGMENTED) == -E2BIG);
	CHECK(sgnic_plan_errno(SGNIC_PLAN_E_SGL_SPACE) == -ENOMEM);
}

static void test_names(void)
{
	static const struct {
		enum sgnic_plan_err err;
		const char *name;
		const char *seed;
	} names[] = {
		{ SGNIC_PLAN_OK, "ok", "STATUS_SUCCESS" },
		{ SGNIC_PLAN_E_RANGE, "bad-range", "STATUS_INVALID_PARAMETER" },
		{ SGNIC_PLAN_E_XFER_LEN, "too-many-transfers-length",
		  "STATUS_WDF_TOO_MANY_TRANSFERS" },
		{ SGNIC_PLAN_E_MAP_UNITS, "too-many-transfers-map-units",
		  "STATUS_WDF_TOO_MANY_TRANSFERS" },
		{ SGNIC_PLAN_E_FRAGMENTED, "too-fragmented",
		  "STATUS_WDF_TOO_FRAGMENTED" },
		{ SGNIC_PLAN_E_SGL_SPACE, "insufficient-resources",
		  "STATUS_INSUFFICIENT_RESOURCES" },
	};
	size_t i;

	CHECK_EQ(ARRAY_SIZE(names), SGNIC_PLAN_E_NR);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK(!strcmp(sgnic_plan_err_name(names[i].err), names[i].name));
		CHECK(!strcmp(sgnic_plan_err_seed_name(names[i].err),
			      names[i].seed));
	}
}

static void test_names_unknown(void)
{
	enum sgnic_plan_err bad[] = {
		SGNIC_PLAN_E_NR, (enum sgnic_plan_err)99,
		(enum sgnic_plan_err)-1,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(!strcmp(sgnic_plan_err_name(bad[i]), "unknown"));
		CHECK(!strcmp(sgnic_plan_err_seed_name(bad[i]), "unknown"));
		CHECK(sgnic_plan_errno(bad[i]) < 0);
	}
}

/* ---- Randomized cross-check against a byte-by-byte reference -------------- */

#define RAND_SEED	0x5347u		/* fixed: failures reproduce */
#define RAND_LAYOUTS	4000
#define RAND_MAX_SEGS	8
#define RAND_MAX_LEN	2500
#define REF_MAX_ELEMS	(RAND_MAX_SEGS * RAND_MAX_LEN)

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n); n > 0. */
static uint64_t rng_below(uint64_t n)
{
	return rng_next() % n;
}

static uint32_t rng_shift(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)rng_below(hi - lo + 1);
}

struct ref_plan {
	enum sgnic_plan_err err;
	struct sgnic_plan plan;
	uint64_t nelems;
	struct sgnic_plan_elem elems[REF_MAX_ELEMS];
};

/*
 * The planner again, the slow and obvious way: visit every byte of the range
 * and start a new element whenever a segment starts, the element reached
 * max_seg, or the byte sits on a boundary; count a unit at each element
 * start and at each unit edge inside an element.
 */
static void ref_plan(const struct sgnic_plan_seg *segs, unsigned int nsegs,
		     uint64_t offset, uint64_t length,
		     const struct sgnic_plan_limits *lim, struct ref_plan *r)
{
	uint64_t total = 0, pos = 0, units = 0, bmask = 0, umask, limit;
	struct sgnic_plan_elem *cur = NULL;
	unsigned int i, segs_used = 0;
	uint32_t ushift;

	for (i = 0; i < nsegs; i++)
		total += segs[i].len;
	r->nelems = 0;
	if (offset >= total || length == 0 || length > total - offset) {
		r->err = SGNIC_PLAN_E_RANGE;
		return;
	}
	if (lim->boundary_shift && lim->boundary_shift < 64)
		bmask = (1ull << lim->boundary_shift) - 1;
	ushift = lim->unit_shift ? lim->unit_shift : 12;
	umask = ushift >= 64 ? U64_MAX : (1ull << ushift) - 1;

	for (i = 0; i < nsegs; i++) {
		bool seg_touched = false;
		uint32_t b;

		for (b = 0; b < segs[i].len; b++, pos++) {
			uint64_t addr = segs[i].addr + b;

			if (pos < offset || pos - offset >= length)
				continue;
			if (!seg_touched || (lim->max_seg && cur->len == lim->max_seg) ||
			    (bmask && !(addr & bmask))) {
				cur = &r->elems[r->nelems++];
				cur->addr = addr;
				cur->len = 0;
				units++;
			} else if (!(addr & umask)) {
				units++;
			}
			if (!seg_touched)
				segs_used++;
			seg_touched = true;
			cur->len++;
		}
	}

	r->plan.elems = (uint32_t)r->nelems;
	r->plan.units = (uint32_t)units;
	r->plan.segs_used = segs_used;
	r->plan.length = length;
	r->plan.sgl_bytes = r->nelems * sizeof(struct sgnic_plan_elem);

	limit = lim->single_xfer ? 1 : lim->max_sg;
	if (lim->max_xfer && length > lim->max_xfer)
		r->err = SGNIC_PLAN_E_XFER_LEN;
	else if (lim->max_units && units > lim->max_units)
		r->err = SGNIC_PLAN_E_MAP_UNITS;
	else if (limit && r->nelems > limit)
		r->err = SGNIC_PLAN_E_FRAGMENTED;
	else if (lim->sgl_capacity && r->nelems > lim->sgl_capacity)
		r->err = SGNIC_PLAN_E_SGL_SPACE;
	else
		r->err = SGNIC_PLAN_OK;
}

static uint64_t rand_addr(uint32_t len)
{
	uint64_t addr;

	switch (rng_below(4)) {
	case 0:		/* low memory, often page aligned */
		addr = rng_below(1u << 24);
		if (rng_below(2))
			addr &= ~0xfffull;
		return addr;
	case 1:		/* just below a 4 GiB line */
		return 0x100000000ull * (1 + rng_below(4)) - rng_below(4096);
	case 2:		/* the top of the address space */
		addr = U64_MAX - rng_below(8192);
		break;
	default:
		addr = rng_next();
		break;
	}
	if (len && addr > U64_MAX - (len - 1))
		addr = U64_MAX - (len - 1);
	return addr;
}

/* A limit: half the time none, else below, at or just around what is needed. */
static uint32_t rand_limit(uint64_t needed)
{
	uint64_t v;

	switch (rng_below(4)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return 1 + (uint32_t)rng_below(needed + 2);
	default:
		v = needed + rng_below(3);
		return v > 1 ? (uint32_t)(v - 1) : 1;
	}
}

static bool cross_check_one(unsigned int iter, struct ref_plan *r,
			    struct sgnic_plan_elem *el, size_t el_cap)
{
	struct sgnic_plan_seg segs[RAND_MAX_SEGS];
	struct sgnic_plan_limits lim = { 0 };
	unsigned int nsegs, i;
	struct sgnic_plan p, q;
	uint64_t total = 0, offset, length;
	enum sgnic_plan_err err, err_null;
	bool ok = true;

	nsegs = (unsigned int)rng_below(RAND_MAX_SEGS + 1);
	for (i = 0; i < nsegs; i++) {
		uint32_t len = rng_below(8) ? 1 + (uint32_t)rng_below(RAND_MAX_LEN) : 0;

		segs[i].len = len;
		segs[i].addr = rand_addr(len);
		total += len;
	}
	if (total && rng_below(10)) {
		offset = rng_below(total);
		length = 1 + rng_below(total - offset);
	} else {
		/* sometimes outside the layout */
		offset = rng_below(total + 3);
		length = rng_below(total + 3);
	}

	lim.max_xfer = rand_limit(length);
	lim.max_seg = rand_limit(RAND_MAX_LEN / 4);
	lim.boundary_shift = rng_below(3) ? rng_shift(0, 14) : rng_shift(62, 70);
	lim.unit_shift = rng_below(4) ? rng_shift(0, 13) : rng_shift(63, 66);
	lim.single_xfer = !rng_below(8);
	ref_plan(segs, nsegs, offset, length, &lim, r);
	lim.max_units = rand_limit(r->plan.units);
	lim.max_sg = rand_limit(r->nelems);
	lim.sgl_capacity = rand_limit(r->nelems);
	ref_plan(segs, nsegs, offset, length, &lim, r);

	p = sentinel_plan;
	q = sentinel_plan;
	for (i = 0; i < el_cap && i <= r->nelems; i++)
		el[i] = (struct sgnic_plan_elem){ 0 };
	err_null = sgnic_plan_transfer(segs, nsegs, offset, length, &lim, &q,
				       NULL);
	err = sgnic_plan_transfer(segs, nsegs, offset, length, &lim, &p, el);

	if (err != r->err || err_null != r->err) {
		printf("# layout %u: planner said %s/%s, reference %s\n", iter,
		       sgnic_plan_err_name(err), sgnic_plan_err_name(err_null),
		       sgnic_plan_err_name(r->err));
		ok = false;
	} else if (err == SGNIC_PLAN_E_RANGE) {
		ok = plan_equal(&p, &sentinel_plan) &&
		     plan_equal(&q, &sentinel_plan);
		if (!ok)
			printf("# layout %u: plan written on bad-range\n", iter);
	} else if (!plan_equal(&p, &r->plan) || !plan_equal(&q, &r->plan)) {
		printf("# layout %u: plan elems %u units %u segs %u, reference %u %u %u\n",
		       iter, p.elems, p.units, p.segs_used, r->plan.elems,
		       r->plan.units, r->plan.segs_used);
		ok = false;
	} else if (err == SGNIC_PLAN_OK) {
		for (i = 0; i < r->nelems; i++) {
			if (el[i].addr == r->elems[i].addr &&
			    el[i].len == r->elems[i].len)
				continue;
			printf("# layout %u: element %u is 0x%" PRIx64 "+%u, reference 0x%"
			       PRIx64 "+%u\n", iter, i, el[i].addr, el[i].len,
			       r->elems[i].addr, r->elems[i].len);
			ok = false;
			break;
		}
	}
	if (!ok)
		printf("# limits: xfer %u sg %u seg %u bshift %u ushift %u units %u cap %u single %d, offset %"
		       PRIu64 " length %" PRIu64 " nsegs %u\n",
		       lim.max_xfer, lim.max_sg, lim.max_seg, lim.boundary_shift,
		       lim.unit_shift, lim.max_units, lim.sgl_capacity,
		       lim.single_xfer, offset, length, nsegs);
	return ok;
}

static struct ref_plan rand_ref;
static struct sgnic_plan_elem rand_el[REF_MAX_ELEMS];

static void test_random_cross_check(void)
{
	unsigned int i, failures = 0;

	rng_state = RAND_SEED;
	for (i = 0; i < RAND_LAYOUTS; i++) {
		if (cross_check_one(i, &rand_ref, rand_el, ARRAY_SIZE(rand_el)))
			continue;
		if (++failures >= 5) {
			printf("# stopping after %u mismatches\n", failures);
			break;
		}
	}
	CHECK_EQ(failures, 0);
}

/* ---- Main ----------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "range: offset N-1, length 1", test_range_last_byte },
	{ "range: offset N and beyond", test_range_offset_n },
	{ "range: length 0", test_range_length_zero },
	{ "range: length N-offset ok, N-offset+1 refused", test_range_length_edge },
	{ "range: huge offset/length, offset+length overflow", test_range_huge },
	{ "range: 16 GiB layout of 4 GiB segments", test_range_big_layout },
	{ "range: empty layout and all-zero segments", test_range_empty_layout },
	{ "range: segment ending at 2^64 ok, wrapping refused", test_range_address_wrap },
	{ "walk: zero-length segments skipped", test_zero_length_segments },
	{ "walk: segs_used counts touched segments", test_segs_used_partial },
	{ "walk: adjacent segments not merged", test_adjacent_not_merged },
	{ "split: at max_seg", test_split_max_seg },
	{ "split: at the boundary", test_split_boundary },
	{ "split: boundary and max_seg together", test_split_boundary_and_max_seg },
	{ "split: boundary shift 0, >= 64 mean none", test_boundary_none },
	{ "split: boundary shift 63", test_boundary_shift_63 },
	{ "split: device default limits across 4 GiB", test_default_hw_limits },
	{ "units: page edges", test_units_page_edges },
	{ "units: unit_shift 0 = 12, other shifts, >= 64", test_units_shift },
	{ "units: counted per element", test_units_per_element },
	{ "units: saturate at UINT32_MAX", test_units_saturate },
	{ "checks: unlimited plan figures", test_frag3_unlimited },
	{ "checks: each code, limits, order, plan and SG list", test_check_cases },
	{ "single_xfer: one element ok", test_single_xfer_one_elem },
	{ "single_xfer: two elements too fragmented", test_single_xfer_two_elems },
	{ "sgl_capacity: exactly equal ok, one short refused", test_sgl_capacity },
	{ "elems NULL and non-NULL give the same plan", test_elems_null_same_plan },
	{ "lim NULL means no limits, plan NULL allowed", test_null_lim_and_plan },
	{ "sgl_bytes is elems * sizeof(elem)", test_sgl_bytes },
	{ "errno mapping", test_errno },
	{ "names and seed names", test_names },
	{ "unknown codes", test_names_unknown },
	{ "random layouts vs byte-by-byte reference", test_random_cross_check },
};

int main(void)
{
	size_t i;

	printf("TAP version 13\n");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		run_test(tests[i].name, tests[i].fn);
	printf("1..%zu\n", ARRAY_SIZE(tests));
	printf("%u passed, %u failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
