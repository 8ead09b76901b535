/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgnic transfer planner: decide, before anything is mapped, how a buffer
 * range becomes DMA elements and whether it fits the device's limits.
 *
 * Pure C with no kernel or libc dependency beyond fixed-width integers: the
 * same file is compiled into sgnic.ko, the sgnic-plan tool and the host unit
 * tests.  It reads only the layout it is given and never touches buffers.
 *
 * The checks run in the order of the WDF single-transfer rules (seed 000):
 *   1. total length <= max transfer size        -> SGNIC_PLAN_E_XFER_LEN
 *   2. mapping units needed <= units reserved    -> SGNIC_PLAN_E_MAP_UNITS
 *      (both are STATUS_WDF_TOO_MANY_TRANSFERS in WDF)
 *   3. elements <= element limit (1 if single)   -> SGNIC_PLAN_E_FRAGMENTED
 *      (STATUS_WDF_TOO_FRAGMENTED)
 *   4. elements <= SG list capacity              -> SGNIC_PLAN_E_SGL_SPACE
 *      (STATUS_INSUFFICIENT_RESOURCES; the caller may grow its list and retry)
 * The range itself is validated first (seed 002): offset in [0, N-1],
 * length in [1, N-offset]                        -> SGNIC_PLAN_E_RANGE.
 */
#ifndef SGNIC_PLAN_H
#define SGNIC_PLAN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/* One physically contiguous piece of the buffer layout (an MDL entry). */
struct sgnic_plan_seg {
	uint64_t addr;
	uint32_t len;
};

/* One element of the resulting scatter/gather list. */
struct sgnic_plan_elem {
	uint64_t addr;
	uint32_t len;
};

struct sgnic_plan_limits {
	uint32_t max_xfer;	 /* bytes per transfer; 0 = no limit */
	uint32_t max_sg;	 /* elements per transfer; 0 = no limit */
	uint32_t max_seg;	 /* bytes per element; 0 = no limit */
	uint32_t boundary_shift; /* no element crosses 1 << shift; 0 or >= 64 = none */
	uint32_t unit_shift;	 /* log2 bytes per mapping unit (page); 0 = 12 */
				 /* >= 64: one unit per element */
	uint32_t max_units;	 /* mapping units reserved; 0 = no limit */
	uint32_t sgl_capacity;	 /* elements the caller's SG list holds; 0 = no limit */
	bool single_xfer;	 /* the range must be one element */
};

/* Mapping unit size when sgnic_plan_limits.unit_shift is 0 (4 KiB pages). */
#define SGNIC_PLAN_DEFAULT_UNIT_SHIFT	12

/*
 * elems and units saturate at UINT32_MAX.  A range needing more elements
 * than that is refused as SGNIC_PLAN_E_FRAGMENTED even with max_sg 0; the
 * walk stops there and segs_used counts the segments walked so far.
 */
struct sgnic_plan {
	uint32_t elems;		/* elements after splitting at max_seg and boundary */
	uint32_t units;		/* mapping units (pages) the elements span */
	uint32_t segs_used;	/* layout segments the range touches */
	uint64_t length;	/* bytes in the range */
	uint64_t sgl_bytes;	/* size of an SG list holding every element */
};

enum sgnic_plan_err {
	SGNIC_PLAN_OK = 0,
	SGNIC_PLAN_E_RANGE,	 /* offset or length outside the layout, */
				 /* or a segment wraps past 2^64 */
	SGNIC_PLAN_E_XFER_LEN,	 /* longer than max_xfer */
	SGNIC_PLAN_E_MAP_UNITS,	 /* needs more mapping units than reserved */
	SGNIC_PLAN_E_FRAGMENTED, /* more elements than the limit */
	SGNIC_PLAN_E_SGL_SPACE,	 /* SG list too small for the elements */
	SGNIC_PLAN_E_NR,
};

/*
 * Plan the range [offset, offset + length) of the layout segs[0..nsegs).
 * Zero-length segments are skipped; adjacent segments are never merged (the
 * plan is the worst case the DMA layer can produce).  Fills *plan on success
 * and on every check failure 1..4 (so the caller sees what was needed); on
 * SGNIC_PLAN_E_RANGE *plan is left untouched.  If elems is non-NULL and the
 * plan succeeds, writes the elements there (the caller provides
 * lim->sgl_capacity entries, or at least plan->elems when the capacity is 0:
 * count first with elems NULL).  Nothing is written there on failure.
 * lim NULL means no limits; plan may be NULL when only the verdict matters.
 */
enum sgnic_plan_err sgnic_plan_transfer(const struct sgnic_plan_seg *segs,
					unsigned int nsegs, uint64_t offset,
					uint64_t length,
					const struct sgnic_plan_limits *lim,
					struct sgnic_plan *plan,
					struct sgnic_plan_elem *elems);

/* Linux error code for a planner result: 0, -EINVAL, -EMSGSIZE, -ENOSPC, -E2BIG, -ENOMEM. */
int sgnic_plan_errno(enum sgnic_plan_err err);

/* Short name ("too-fragmented") and the seed's status name ("STATUS_WDF_TOO_FRAGMENTED"). */
const char *sgnic_plan_err_name(enum sgnic_plan_err err);
const char *sgnic_plan_err_seed_name(enum sgnic_plan_err err);

#endif /* SGNIC_PLAN_H */
