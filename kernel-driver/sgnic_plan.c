// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic transfer planner: count the DMA elements, mapping units and SG list
 * space a buffer range needs, and check them against the device's limits in
 * the WDF order.  See sgnic_plan.h for the contract.
 *
 * The walk runs twice at most: once to count (no output, no allocation), and
 * once more to write the elements only when the plan is accepted, so a
 * refused plan never leaves a half-written SG list behind.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

#include "sgnic_plan.h"

#define SGNIC_PLAN_U32_MAX	((uint32_t)~0u)
#define SGNIC_PLAN_U64_MAX	(~(uint64_t)0)
#define SGNIC_PLAN_ADDR_BITS	64

/* Limits turned into masks once, so the per-element loop is only arithmetic. */
struct sgnic_plan_cfg {
	uint64_t max_seg;	/* 0 = no limit */
	uint64_t bmask;		/* boundary size - 1; 0 = no boundary */
	uint32_t ushift;	/* >= SGNIC_PLAN_ADDR_BITS: one unit per element */
};

struct sgnic_plan_count {
	uint64_t elems;		/* stops at SGNIC_PLAN_U32_MAX + 1 */
	uint64_t units;
	uint32_t segs_used;
};

static void sgnic_plan_cfg_init(struct sgnic_plan_cfg *cfg,
				const struct sgnic_plan_limits *lim)
{
	cfg->max_seg = lim->max_seg;

	if (lim->boundary_shift && lim->boundary_shift < SGNIC_PLAN_ADDR_BITS)
		cfg->bmask = ((uint64_t)1 << lim->boundary_shift) - 1;
	else
		cfg->bmask = 0;

	/* sgnic_plan_units() reads a shift of 64 or more as one unit. */
	cfg->ushift = lim->unit_shift ? lim->unit_shift : SGNIC_PLAN_DEFAULT_UNIT_SHIFT;
}

/* Units spanned by [addr, addr + len); len > 0 and the range does not wrap. */
static uint64_t sgnic_plan_units(const struct sgnic_plan_cfg *cfg,
				 uint64_t addr, uint64_t len)
{
	if (cfg->ushift >= SGNIC_PLAN_ADDR_BITS)
		return 1;
	return ((addr + (len - 1)) >> cfg->ushift) - (addr >> cfg->ushift) + 1;
}

/*
 * Cut one segment's covered part into elements, greedily: each element is as
 * long as max_seg and the next boundary allow.  Returns false once the
 * element count passed what a plan can report, which ends the walk.
 */
static bool sgnic_plan_split(const struct sgnic_plan_cfg *cfg, uint64_t addr,
			     uint64_t len, struct sgnic_plan_count *cnt,
			     struct sgnic_plan_elem *out)
{
	while (len) {
		uint64_t piece = len;

		if (cfg->max_seg && piece > cfg->max_seg)
			piece = cfg->max_seg;
		if (cfg->bmask) {
			/* At most 1 << 63, so no overflow. */
			uint64_t room = cfg->bmask - (addr & cfg->bmask) + 1;

			if (piece > room)
				piece = room;
		}

		if (out) {
			out[cnt->elems].addr = addr;
			/* piece <= the segment's length, a uint32_t */
			out[cnt->elems].len = (uint32_t)piece;
		}
		cnt->elems++;
		cnt->units += sgnic_plan_units(cfg, addr, piece);
		if (cnt->elems > SGNIC_PLAN_U32_MAX)
			return false;

		len -= piece;
		/* Not past the last piece: a segment may end right at 2^64. */
		if (len)
			addr += piece;
	}
	return true;
}

/* The range has been validated: offset < N and 0 < length <= N - offset. */
static void sgnic_plan_walk(const struct sgnic_plan_seg *segs,
			    unsigned int nsegs, uint64_t offset,
			    uint64_t length, const struct sgnic_plan_cfg *cfg,
			    struct sgnic_plan_count *cnt,
			    struct sgnic_plan_elem *out)
{
	unsigned int i;

	cnt->elems = 0;
	cnt->units = 0;
	cnt->segs_used = 0;

	for (i = 0; i < nsegs && length; i++) {
		uint64_t seg_len = segs[i].len;
		uint64_t part;

		/* Also skips every zero-length segment. */
		if (offset >= seg_len) {
			offset -= seg_len;
			continue;
		}

		part = seg_len - offset;
		if (part > length)
			part = length;
		cnt->segs_used++;
		if (!sgnic_plan_split(cfg, segs[i].addr + offset, part, cnt, out))
			return;
		offset = 0;
		length -= part;
	}
}

/*
 * Total bytes of the layout in *total; false if a segment wraps past 2^64
 * or the sum does not fit 64 bits.
 */
static bool sgnic_plan_layout_bytes(const struct sgnic_plan_seg *segs,
				    unsigned int nsegs, uint64_t *total)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < nsegs; i++) {
		uint64_t len = segs[i].len;

		if (!len)
			continue;
		if (segs[i].addr > SGNIC_PLAN_U64_MAX - (len - 1))
			return false;
		if (sum > SGNIC_PLAN_U64_MAX - len)
			return false;
		sum += len;
	}
	*total = sum;
	return true;
}

static uint32_t sgnic_plan_sat32(uint64_t v)
{
	return v > SGNIC_PLAN_U32_MAX ? SGNIC_PLAN_U32_MAX : (uint32_t)v;
}

enum sgnic_plan_err sgnic_plan_transfer(const struct sgnic_plan_seg *segs,
					unsigned int nsegs, uint64_t offset,
					uint64_t length,
					const struct sgnic_plan_limits *lim,
					struct sgnic_plan *plan,
					struct sgnic_plan_elem *elems)
{
	static const struct sgnic_plan_limits no_limits;
	struct sgnic_plan_count cnt;
	struct sgnic_plan_cfg cfg;
	uint64_t elem_limit;
	uint64_t total;

	if (!lim)
		lim = &no_limits;

	/* Seed 002: offset in [0, N - 1], length in [1, N - offset]. */
	if (!sgnic_plan_layout_bytes(segs, nsegs, &total))
		return SGNIC_PLAN_E_RANGE;
	if (offset >= total || !length || length > total - offset)
		return SGNIC_PLAN_E_RANGE;

	sgnic_plan_cfg_init(&cfg, lim);
	sgnic_plan_walk(segs, nsegs, offset, length, &cfg, &cnt, NULL);

	if (plan) {
		plan->elems = sgnic_plan_sat32(cnt.elems);
		plan->units = sgnic_plan_sat32(cnt.units);
		plan->segs_used = cnt.segs_used;
		plan->length = length;
		plan->sgl_bytes = (uint64_t)plan->elems *
				  sizeof(struct sgnic_plan_elem);
	}

	/* Seed 000, in its order. */
	if (lim->max_xfer && length > lim->max_xfer)
		return SGNIC_PLAN_E_XFER_LEN;
	if (lim->max_units && cnt.units > lim->max_units)
		return SGNIC_PLAN_E_MAP_UNITS;
	if (lim->single_xfer)
		elem_limit = 1;
	else if (lim->max_sg)
		elem_limit = lim->max_sg;
	else
		elem_limit = SGNIC_PLAN_U32_MAX;	/* what a plan can count */
	if (cnt.elems > elem_limit)
		return SGNIC_PLAN_E_FRAGMENTED;
	if (lim->sgl_capacity && cnt.elems > lim->sgl_capacity)
		return SGNIC_PLAN_E_SGL_SPACE;

	if (elems)
		sgnic_plan_walk(segs, nsegs, offset, length, &cfg, &cnt, elems);
	return SGNIC_PLAN_OK;
}

int sgnic_plan_errno(enum sgnic_plan_err err)
{
	switch (err) {
	case SGNIC_PLAN_OK:
		return 0;
	case SGNIC_PLAN_E_RANGE:
		return -EINVAL;
	case SGNIC_PLAN_E_XFER_LEN:
		return -EMSGSIZE;
	case SGNIC_PLAN_E_MAP_UNITS:
		return -ENOSPC;
	case SGNIC_PLAN_E_FRAGMENTED:
		return -E2BIG;
	case SGNIC_PLAN_E_SGL_SPACE:
		return -ENOMEM;
	case SGNIC_PLAN_E_NR:
		break;
	}
	return -EINVAL;
}

static const char * const sgnic_plan_err_names[SGNIC_PLAN_E_NR] = {
	[SGNIC_PLAN_OK]			= "ok",
	[SGNIC_PLAN_E_RANGE]		= "bad-range",
	[SGNIC_PLAN_E_XFER_LEN]		= "too-many-transfers-length",
	[SGNIC_PLAN_E_MAP_UNITS]	= "too-many-transfers-map-units",
	[SGNIC_PLAN_E_FRAGMENTED]	= "too-fragmented",
	[SGNIC_PLAN_E_SGL_SPACE]	= "insufficient-resources",
};

/* WDF reports both length and map-unit refusals as TOO_MANY_TRANSFERS. */
static const char * const sgnic_plan_err_seed_names[SGNIC_PLAN_E_NR] = {
	[SGNIC_PLAN_OK]			= "STATUS_SUCCESS",
	[SGNIC_PLAN_E_RANGE]		= "STATUS_INVALID_PARAMETER",
	[SGNIC_PLAN_E_XFER_LEN]		= "STATUS_WDF_TOO_MANY_TRANSFERS",
	[SGNIC_PLAN_E_MAP_UNITS]	= "STATUS_WDF_TOO_MANY_TRANSFERS",
	[SGNIC_PLAN_E_FRAGMENTED]	= "STATUS_WDF_TOO_FRAGMENTED",
	[SGNIC_PLAN_E_SGL_SPACE]	= "STATUS_INSUFFICIENT_RESOURCES",
};

const char *sgnic_plan_err_name(enum sgnic_plan_err err)
{
	if ((unsigned int)err >= SGNIC_PLAN_E_NR)
		return "unknown";
	return sgnic_plan_err_names[err];
}

const char *sgnic_plan_err_seed_name(enum sgnic_plan_err err)
{
	if ((unsigned int)err >= SGNIC_PLAN_E_NR)
		return "unknown";
	return sgnic_plan_err_seed_names[err];
}
