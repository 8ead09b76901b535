// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic-ring: decode the driver's debugfs ring dumps
 * (/sys/kernel/debug/sgnic/<pci name>/rings, desc_txN, desc_rxN) and
 * completion writeback values.
 *
 * The format is the one kernel-driver/sgnic_debugfs.c prints:
 *
 *   pairs N up N pflags 0xH                                 (rings only)
 *   txQ chan C size S ntu N ntc N head N tail N state N err 0xHH
 *       compl 0xH desc_dma 0xH flags 0xH                    (one line)
 *   IDX addr 0xH len N flags 0xH mss N status 0xH xfer N    (desc_* only)
 *   down                                                    (interface down)
 *
 * Exit status: 0 decoded, 2 bad usage or malformed input.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgnic_hw.h"
#include "sgnic_cli.h"

/* More tokens than the longest line has, so extra text is caught. */
#define MAX_TOKENS		32

const char *const sgnic_cli_prog = "sgnic-ring";

struct options {
	bool json;
	bool only_busy;
	bool has_compl;
	bool has_desc_dma;
	bool has_ring_size;
	uint64_t compl;
	uint64_t desc_dma;
	uint32_t ring_size;
	const char *path;
};

struct desc {
	uint64_t addr;
	uint32_t len;
	uint32_t flags;
	uint32_t mss;
	uint32_t status;
	uint32_t xfer;
};

struct ring {
	bool rx;
	uint32_t qid, chan, size, ntu, ntc, head, tail, state, err, flags;
	uint64_t compl, desc_dma;
	unsigned long lineno;	/* of the ring line */
	struct desc *desc;
	uint32_t ndesc;		/* descriptor lines read */
};

struct dumpfile {
	const char *name;
	bool has_hdr;		/* "pairs N up N pflags 0xH" */
	uint32_t pairs;
	uint32_t up;
	uint64_t pflags;
	bool down;		/* a desc_* file of a down interface */
	struct ring *rings;
	unsigned int nrings;
	unsigned int cap;
};

#define FLAG(x)		{ SGNIC_DESC_F_##x, #x }
static const struct sgnic_bitname flag_names[] = {
	FLAG(SOP), FLAG(EOP), FLAG(STATUS_UPDATE), FLAG(INTERRUPT),
	FLAG(SINGLE_XFER), FLAG(CSUM), FLAG(TSO), FLAG(VLAN),
};

#define STS(x)		{ SGNIC_DESC_S_##x, #x }
static const struct sgnic_bitname status_names[] = {
	STS(DONE), STS(SOP), STS(EOP), STS(L4_CSUM_OK), STS(L4_CSUM_BAD),
};

static const char *const result_names[] = {
	[SGNIC_RES_OK]			= "OK",
	[SGNIC_RES_TOO_MANY_TRANSFERS]	= "TOO_MANY_TRANSFERS",
	[SGNIC_RES_TOO_FRAGMENTED]	= "TOO_FRAGMENTED",
	[SGNIC_RES_BOUNDARY]		= "BOUNDARY",
	[SGNIC_RES_BAD_OFFLOAD]		= "BAD_OFFLOAD",
};

/* Status bits with a meaning: named bits and the result field. */
#define STATUS_DEFINED		(SGNIC_DESC_S_DONE | SGNIC_DESC_S_EOP | \
				 SGNIC_DESC_S_SOP | SGNIC_DESC_S_L4_CSUM_OK | \
				 SGNIC_DESC_S_L4_CSUM_BAD | SGNIC_DESC_S_RESULT_MASK)
/* Low bits of a completion value: state, ERR and two undefined bits. */
#define COMPL_LOW_MASK		(~SGNIC_COMPL_ADDR_MASK)
#define COMPL_DEFINED		(SGNIC_COMPL_STATE_MASK | SGNIC_COMPL_ERR)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [FILE]\n"
		"       %s --compl VALUE [--desc-dma ADDR] [--ring-size N] [--json]\n"
		"\n"
		"Decode an sgnic debugfs ring dump (the 'rings' file or a desc_txN /\n"
		"desc_rxN file; FILE defaults to standard input, also '-'), or a\n"
		"single completion writeback value.\n"
		"Numbers are decimal or 0x hexadecimal.\n"
		"\n"
		"  --compl VALUE          decode this completion value alone\n"
		"  --desc-dma ADDR        the ring's base (desc_dma), to find the\n"
		"                         descriptor index of the value\n"
		"  --ring-size N          descriptors in the ring, to check the index\n"
		"  --only-busy            show only the descriptors from ntc to ntu\n"
		"                         (handed to the device, not yet cleaned)\n"
		"  --json                 machine-readable output\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 decoded, 2 bad usage or malformed input.\n",
		sgnic_cli_prog, sgnic_cli_prog);
}

/* ---- Names ----------------------------------------------------------------- */

static const char *state_name(uint32_t state)
{
	const char *name = sgnic_state_name(state);

	return name ? name : "UNKNOWN";
}

static const char *err_name(uint32_t err)
{
	const char *name = sgnic_err_name(err);

	return name ? name : "UNKNOWN";
}

static const char *result_name(uint32_t res)
{
	return res < ARRAY_LEN(result_names) && result_names[res] ?
	       result_names[res] : NULL;
}

/* ---- Parsing ----------------------------------------------------------------- */

struct line {
	const char *file;
	unsigned long no;
	char *tok[MAX_TOKENS];
	unsigned int ntok;
};

static unsigned int tokenize(char *s, char **tok)
{
	static const char blanks[] = " \t\r\n\v\f";
	unsigned int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, blanks, &save); t && n < MAX_TOKENS;
	     t = strtok_r(NULL, blanks, &save))
		tok[n++] = t;
	return n;
}

/*
 * Expect "KEY VALUE" pairs from token *i on, the keys in order; store each
 * value (at most max) in *out.  Dies naming the line on anything else.
 */
static void expect_field(const struct line *l, unsigned int *i, const char *key,
			 uint64_t max, uint64_t *out)
{
	if (*i >= l->ntok || strcmp(l->tok[*i], key))
		die("%s:%lu: expected '%s' as field %u, got '%s'", l->file, l->no,
		    key, *i + 1, *i < l->ntok ? l->tok[*i] : "end of line");
	if (*i + 1 >= l->ntok)
		die("%s:%lu: '%s' without a value", l->file, l->no, key);
	if (!sgnic_parse_u64(l->tok[*i + 1], max, out))
		die("%s:%lu: %s '%s' is not a number in 0..%" PRIu64, l->file,
		    l->no, key, l->tok[*i + 1], max);
	*i += 2;
}

static uint32_t field32(const struct line *l, unsigned int *i, const char *key,
			uint32_t max)
{
	uint64_t v;

	expect_field(l, i, key, max, &v);
	return (uint32_t)v;
}

static void expect_end(const struct line *l, unsigned int i)
{
	if (i < l->ntok)
		die("%s:%lu: unexpected '%s' after the last field", l->file,
		    l->no, l->tok[i]);
}

static void parse_header(const struct line *l, struct dumpfile *f)
{
	unsigned int i = 0;
	uint64_t v;

	expect_field(l, &i, "pairs", SGNIC_MAX_QUEUE_PAIRS, &v);
	f->pairs = (uint32_t)v;
	expect_field(l, &i, "up", 1, &v);
	f->up = (uint32_t)v;
	expect_field(l, &i, "pflags", UINT64_MAX, &f->pflags);
	expect_end(l, i);
	f->has_hdr = true;
}

static void parse_ring(const struct line *l, struct dumpfile *f)
{
	const char *name = l->tok[0];
	struct ring *r;
	unsigned int i = 1;
	uint64_t q;

	if (f->nrings == f->cap) {
		unsigned int cap = f->cap ? 2 * f->cap : 2 * SGNIC_MAX_QUEUE_PAIRS;
		struct ring *rs = realloc(f->rings, cap * sizeof(*rs));

		if (!rs)
			die("out of memory");
		f->rings = rs;
		f->cap = cap;
	}
	r = &f->rings[f->nrings];
	memset(r, 0, sizeof(*r));
	r->rx = name[0] == 'r';
	if (!sgnic_parse_u64(name + 2, SGNIC_MAX_QUEUE_PAIRS - 1, &q) ||
	    (name[2] == '0' && (name[3] == 'x' || name[3] == 'X')))
		die("%s:%lu: ring name '%s' is not tx or rx and a queue 0..%u",
		    l->file, l->no, name, SGNIC_MAX_QUEUE_PAIRS - 1);
	r->qid = (uint32_t)q;
	r->lineno = l->no;
	r->chan = field32(l, &i, "chan", SGNIC_NUM_CHANS - 1);
	r->size = field32(l, &i, "size", SGNIC_RING_MAX);
	if (!r->size)
		die("%s:%lu: ring size 0", l->file, l->no);
	r->ntu = field32(l, &i, "ntu", UINT32_MAX);
	r->ntc = field32(l, &i, "ntc", UINT32_MAX);
	r->head = field32(l, &i, "head", UINT32_MAX);
	r->tail = field32(l, &i, "tail", UINT32_MAX);
	r->state = field32(l, &i, "state", SGNIC_STATE_MASK);
	r->err = field32(l, &i, "err",
			 SGNIC_STATUS_ERR_MASK >> SGNIC_STATUS_ERR_SHIFT);
	expect_field(l, &i, "compl", UINT64_MAX, &r->compl);
	expect_field(l, &i, "desc_dma", UINT64_MAX, &r->desc_dma);
	r->flags = field32(l, &i, "flags", UINT32_MAX);
	expect_end(l, i);
	f->nrings++;
}

static void parse_desc(const struct line *l, struct ring *r)
{
	unsigned int i = 1;
	uint64_t idx;
	struct desc *d;

	if (!sgnic_parse_u64(l->tok[0], UINT32_MAX, &idx))
		die("%s:%lu: descriptor index '%s' is not a number", l->file,
		    l->no, l->tok[0]);
	if (idx != r->ndesc)
		die("%s:%lu: descriptor %" PRIu64 " where %" PRIu32 " was expected",
		    l->file, l->no, idx, r->ndesc);
	if (r->ndesc >= r->size)
		die("%s:%lu: descriptor %" PRIu64 " beyond the ring of %" PRIu32 " (line %lu)",
		    l->file, l->no, idx, r->size, r->lineno);
	if (!r->desc) {
		r->desc = calloc(r->size, sizeof(*r->desc));
		if (!r->desc)
			die("out of memory");
	}
	d = &r->desc[r->ndesc];
	expect_field(l, &i, "addr", UINT64_MAX, &d->addr);
	d->len = field32(l, &i, "len", UINT32_MAX);
	d->flags = field32(l, &i, "flags", UINT32_MAX);
	d->mss = field32(l, &i, "mss", UINT16_MAX);
	d->status = field32(l, &i, "status", UINT32_MAX);
	d->xfer = field32(l, &i, "xfer", UINT32_MAX);
	expect_end(l, i);
	r->ndesc++;
}

/*
 * A ring's descriptor lines must be all of the ring, or none (rings file).
 * lineno is the line that ends the ring, 0 for the end of the input.
 */
static void ring_done(const struct dumpfile *f, unsigned long lineno)
{
	const struct ring *r;

	if (!f->nrings)
		return;
	r = &f->rings[f->nrings - 1];
	if (!r->ndesc || r->ndesc == r->size)
		return;
	if (lineno)
		die("%s:%lu: ring %s%" PRIu32 " (line %lu) lists %" PRIu32
		    " of its %" PRIu32 " descriptors before the next ring",
		    f->name, lineno, r->rx ? "rx" : "tx", r->qid, r->lineno,
		    r->ndesc, r->size);
	die("%s: end of input: ring %s%" PRIu32 " (line %lu) lists %" PRIu32
	    " of its %" PRIu32 " descriptors (truncated dump?)",
	    f->name, r->rx ? "rx" : "tx", r->qid, r->lineno, r->ndesc, r->size);
}

static bool is_ring_name(const char *t)
{
	return (!strncmp(t, "tx", 2) || !strncmp(t, "rx", 2)) &&
	       t[2] >= '0' && t[2] <= '9';
}

static void parse_file(const char *path, struct dumpfile *f)
{
	FILE *in = sgnic_cli_open(path, "r", NULL, &f->name);
	bool seen_any = false;
	size_t cap = 0;
	char *buf = NULL;
	struct line l;
	ssize_t n;

	l.file = f->name;
	l.no = 0;
	while ((n = getline(&buf, &cap, in)) >= 0) {
		const char *t;

		l.no++;
		if (memchr(buf, '\0', (size_t)n))
			die("%s:%lu: NUL byte: not a debugfs text dump", f->name,
			    l.no);
		l.ntok = tokenize(buf, l.tok);
		if (!l.ntok)
			continue;
		t = l.tok[0];
		if (f->down)
			die("%s:%lu: text after 'down'", f->name, l.no);
		if (!strcmp(t, "pairs")) {
			if (seen_any)
				die("%s:%lu: 'pairs' line after the first line",
				    f->name, l.no);
			parse_header(&l, f);
		} else if (!strcmp(t, "down")) {
			if (seen_any || l.ntok != 1)
				die("%s:%lu: 'down' must be alone in the file",
				    f->name, l.no);
			f->down = true;
		} else if (is_ring_name(t)) {
			ring_done(f, l.no);
			parse_ring(&l, f);
		} else if (t[0] >= '0' && t[0] <= '9') {
			if (!f->nrings)
				die("%s:%lu: descriptor line before any ring line",
				    f->name, l.no);
			parse_desc(&l, &f->rings[f->nrings - 1]);
		} else {
			die("%s:%lu: expected a ring line (txN/rxN ...), a descriptor line (IDX addr ...), 'pairs ...' or 'down', got '%.40s'",
			    f->name, l.no, t);
		}
		seen_any = true;
	}
	sgnic_cli_close(in, f->name, NULL);
	free(buf);
	ring_done(f, 0);
	if (!seen_any)
		die("%s: empty input", f->name);
}

/* ---- Decoding ------------------------------------------------------------------ */

struct compl_info {
	uint64_t value;
	uint64_t addr;
	uint32_t state;
	bool err;
	uint32_t undefined;	/* low bits that are neither state nor ERR */
	bool has_base;
	bool index_ok;		/* addr is a descriptor slot at or above the base */
	uint64_t index;
	bool has_size;
	uint64_t size;
	bool in_ring;		/* index < size */
};

static void compl_decode(uint64_t value, bool has_base, uint64_t base,
			 bool has_size, uint64_t size, struct compl_info *c)
{
	memset(c, 0, sizeof(*c));
	c->value = value;
	c->addr = value & SGNIC_COMPL_ADDR_MASK;
	c->state = (uint32_t)(value & SGNIC_COMPL_STATE_MASK);
	c->err = value & SGNIC_COMPL_ERR;
	c->undefined = (uint32_t)(value & COMPL_LOW_MASK & ~(uint64_t)COMPL_DEFINED);
	c->has_base = has_base;
	c->has_size = has_size;
	c->size = size;
	if (has_base && c->addr >= base && !((c->addr - base) % SGNIC_DESC_SIZE)) {
		c->index_ok = true;
		c->index = (c->addr - base) / SGNIC_DESC_SIZE;
		c->in_ring = !has_size || c->index < size;
	}
}

static void compl_warnings(const struct compl_info *c, const char *who,
			   struct sgnic_warnings *w)
{
	if (!c->value)
		return;
	if (c->undefined)
		sgnic_warn(w, "%s: completion value has undefined bits 0x%" PRIx32 " set",
			   who, c->undefined);
	if (c->has_base && (!c->index_ok || !c->in_ring))
		sgnic_warn(w, "%s: completion address 0x%016" PRIx64 " is not a descriptor of the ring",
			   who, c->addr);
	if (c->err && c->state != SGNIC_STATE_HALTED)
		sgnic_warn(w, "%s: completion value has ERR set but state %s", who,
			   state_name(c->state));
}

/* (i - from) mod size < count: i is among count slots from 'from'. */
static bool in_window(uint32_t i, uint32_t from, uint32_t count, uint32_t size)
{
	return (uint32_t)(((uint64_t)i + size - from % size) % size) < count;
}

struct ring_info {
	bool idx_ok;		/* ntu, ntc, head, tail all inside the ring */
	uint32_t in_flight;	/* (ntu - ntc) mod size */
	uint32_t pending;	/* (tail - head) mod size */
	struct compl_info compl;
	uint32_t done, refused, residual, shown;
};

static bool desc_busy(const struct ring *r, const struct ring_info *ri, uint32_t i)
{
	return ri->idx_ok && in_window(i, r->ntc, ri->in_flight, r->size);
}

/* Bytes short of len for a DONE, accepted TX descriptor, else 0. */
static uint32_t desc_residual(const struct ring *r, const struct desc *d)
{
	if (r->rx || !(d->status & SGNIC_DESC_S_DONE) ||
	    (d->status & SGNIC_DESC_S_RESULT_MASK) != SGNIC_RES_OK ||
	    d->xfer >= d->len)
		return 0;
	return d->len - d->xfer;
}

static bool desc_shown(const struct options *o, const struct ring *r,
		       const struct ring_info *ri, uint32_t i)
{
	return !o->only_busy || desc_busy(r, ri, i);
}

static void ring_decode(const struct ring *r, const struct options *o,
			struct ring_info *ri, struct sgnic_warnings *w)
{
	char who[16];
	uint32_t i;

	memset(ri, 0, sizeof(*ri));
	snprintf(who, sizeof(who), "%s%" PRIu32, r->rx ? "rx" : "tx", r->qid);
	ri->idx_ok = r->ntu < r->size && r->ntc < r->size &&
		     r->head < r->size && r->tail < r->size;
	ri->in_flight = (uint32_t)(((uint64_t)r->ntu + r->size - r->ntc % r->size) % r->size);
	ri->pending = (uint32_t)(((uint64_t)r->tail + r->size - r->head % r->size) % r->size);
	compl_decode(r->compl, true, r->desc_dma, true, r->size, &ri->compl);

	if (!sgnic_ring_size_ok(r->size))
		sgnic_warn(w, "%s: size %" PRIu32 " is not a power of two in %u..%u",
			   who, r->size, SGNIC_RING_MIN, SGNIC_RING_MAX);
	if (r->desc_dma % SGNIC_DESC_ALIGN)
		sgnic_warn(w, "%s: desc_dma 0x%" PRIx64 " is not %u-byte aligned", who,
			   r->desc_dma, SGNIC_DESC_ALIGN);
	if (!ri->idx_ok)
		sgnic_warn(w, "%s: an index (ntu %" PRIu32 ", ntc %" PRIu32 ", head %" PRIu32
			   ", tail %" PRIu32 ") is outside the ring of %" PRIu32,
			   who, r->ntu, r->ntc, r->head, r->tail, r->size);
	if (r->chan != (r->rx ? (uint32_t)SGNIC_CHAN_RX(r->qid) :
				(uint32_t)SGNIC_CHAN_TX(r->qid)))
		sgnic_warn(w, "%s: channel %" PRIu32 ", expected %u", who, r->chan,
			   r->rx ? SGNIC_CHAN_RX(r->qid) : SGNIC_CHAN_TX(r->qid));
	if (r->err != SGNIC_ERR_NONE && r->state != SGNIC_STATE_HALTED)
		sgnic_warn(w, "%s: error %s but state %s", who, err_name(r->err),
			   state_name(r->state));
	if (r->flags & SGNIC_DESC_F_RESERVED)
		sgnic_warn(w, "%s: ring flags 0x%" PRIx32 " hold reserved bits", who,
			   r->flags);
	compl_warnings(&ri->compl, who, w);

	for (i = 0; i < r->ndesc; i++) {
		const struct desc *d = &r->desc[i];

		if (d->status & SGNIC_DESC_S_DONE)
			ri->done++;
		if ((d->status & SGNIC_DESC_S_DONE) &&
		    (d->status & SGNIC_DESC_S_RESULT_MASK) != SGNIC_RES_OK)
			ri->refused++;
		if (desc_residual(r, d))
			ri->residual++;
		if (desc_shown(o, r, ri, i))
			ri->shown++;
		if (d->flags & SGNIC_DESC_F_RESERVED)
			sgnic_warn(w, "%s: descriptor %" PRIu32 " has reserved flag bits 0x%08" PRIx32,
				   who, i, d->flags & SGNIC_DESC_F_RESERVED);
		if (d->status & ~(uint32_t)STATUS_DEFINED)
			sgnic_warn(w, "%s: descriptor %" PRIu32 " has undefined status bits 0x%08" PRIx32,
				   who, i, d->status & ~(uint32_t)STATUS_DEFINED);
		if ((d->status & SGNIC_DESC_S_DONE) && d->xfer > d->len)
			sgnic_warn(w, "%s: descriptor %" PRIu32 " transferred %" PRIu32
				   " bytes, more than its len %" PRIu32, who, i, d->xfer,
				   d->len);
	}
}

/* ---- Text output ------------------------------------------------------------------ */

static void print_bits(const struct sgnic_bitname *t, size_t n, uint32_t v,
		       uint32_t ignore, bool *first)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v & t[i].bit) {
			printf("%s%s", *first ? "" : "|", t[i].name);
			*first = false;
		}
	}
	ignore |= sgnic_bitnames_mask(t, n);
	if (v & ~ignore) {
		printf("%s+0x%08" PRIx32, *first ? "" : "|", v & ~ignore);
		*first = false;
	}
}

static void print_flags(uint32_t flags)
{
	bool first = true;

	putchar('(');
	print_bits(flag_names, ARRAY_LEN(flag_names), flags,
		   SGNIC_DESC_F_RESERVED, &first);
	if (flags & SGNIC_DESC_F_RESERVED) {
		printf("%sRESERVED:0x%08" PRIx32, first ? "" : "|",
		       flags & SGNIC_DESC_F_RESERVED);
		first = false;
	}
	printf("%s)", first ? "-" : "");
}

static void print_status(uint32_t status)
{
	uint32_t res = status & SGNIC_DESC_S_RESULT_MASK;
	bool first = true;

	putchar('(');
	print_bits(status_names, ARRAY_LEN(status_names), status,
		   SGNIC_DESC_S_RESULT_MASK, &first);
	if ((status & SGNIC_DESC_S_DONE) || res) {
		if (result_name(res))
			printf("%s%s", first ? "" : "|", result_name(res));
		else
			printf("%sRESULT:0x%02" PRIx32, first ? "" : "|", res);
		first = false;
	}
	printf("%s)", first ? "-" : "");
}

static void print_compl_text(const struct compl_info *c, uint64_t base,
			     const char *indent)
{
	printf("%scompletion   0x%016" PRIx64 "%s\n", indent, c->value,
	       c->value ? "" : " (never written)");
	if (!c->value)
		return;
	printf("%s  address    0x%016" PRIx64 "\n", indent, c->addr);
	if (!c->has_base)
		printf("%s  descriptor unknown (give --desc-dma)\n", indent);
	else if (c->index_ok && c->in_ring)
		printf("%s  descriptor %" PRIu64 " (desc_dma 0x%016" PRIx64 ")\n",
		       indent, c->index, base);
	else if (c->index_ok)
		printf("%s  descriptor %" PRIu64 ", beyond the ring of %" PRIu64
		       " (desc_dma 0x%016" PRIx64 ")\n", indent, c->index, c->size,
		       base);
	else
		printf("%s  descriptor outside the ring (desc_dma 0x%016" PRIx64 ")\n",
		       indent, base);
	printf("%s  state      %s (%" PRIu32 ")\n", indent, state_name(c->state),
	       c->state);
	printf("%s  err bit    %s\n", indent, c->err ? "set" : "clear");
	if (c->undefined)
		printf("%s  undefined  0x%" PRIx32 "\n", indent, c->undefined);
}

/* Markers after a descriptor line: " [ntc head]". */
static void mark(bool *marked, bool cond, const char *what)
{
	if (!cond)
		return;
	printf("%s%s", *marked ? " " : " [", what);
	*marked = true;
}

static void print_ring_text(const struct ring *r, const struct ring_info *ri,
			    const struct options *o)
{
	uint32_t i;

	printf("%s%" PRIu32 ": %s ring of pair %" PRIu32 ", channel %" PRIu32 "\n",
	       r->rx ? "rx" : "tx", r->qid, r->rx ? "RX" : "TX", r->qid, r->chan);
	printf("  size         %" PRIu32 " descriptors at 0x%016" PRIx64 "\n",
	       r->size, r->desc_dma);
	printf("  driver       ntu %" PRIu32 ", ntc %" PRIu32 ", in flight %" PRIu32 "\n",
	       r->ntu, r->ntc, ri->in_flight);
	printf("  device       head %" PRIu32 ", tail %" PRIu32 ", pending %" PRIu32 "\n",
	       r->head, r->tail, ri->pending);
	printf("  state        %s (%" PRIu32 ")\n", state_name(r->state), r->state);
	printf("  error        %s (0x%02" PRIx32 ")\n", err_name(r->err), r->err);
	printf("  desc flags   0x%08" PRIx32 " ", r->flags);
	print_flags(r->flags);
	putchar('\n');
	print_compl_text(&ri->compl, r->desc_dma, "  ");
	if (!r->ndesc)
		return;

	printf("  descriptors  %" PRIu32 " listed, %" PRIu32 " done, %" PRIu32
	       " refused, %" PRIu32 " residual, %" PRIu32 " shown\n",
	       r->ndesc, ri->done, ri->refused, ri->residual, ri->shown);
	for (i = 0; i < r->ndesc; i++) {
		const struct desc *d = &r->desc[i];
		uint32_t resid = desc_residual(r, d);
		bool marked = false;

		if (!desc_shown(o, r, ri, i))
			continue;
		printf("  %4" PRIu32 " addr 0x%016" PRIx64 " len %5" PRIu32
		       " xfer %5" PRIu32 " mss %" PRIu32 " flags 0x%08" PRIx32 " ",
		       i, d->addr, d->len, d->xfer, d->mss, d->flags);
		print_flags(d->flags);
		printf(" status 0x%08" PRIx32 " ", d->status);
		print_status(d->status);
		if (resid)
			printf(" residual %" PRIu32, resid);
		if (desc_busy(r, ri, i))
			printf(" busy");
		/* where the indices and the completion value point */
		mark(&marked, i == r->ntc, "ntc");
		mark(&marked, i == r->ntu, "ntu");
		mark(&marked, i == r->head, "head");
		mark(&marked, i == r->tail, "tail");
		mark(&marked, ri->compl.value && ri->compl.index_ok &&
			      ri->compl.index == i, "compl");
		printf("%s\n", marked ? "]" : "");
	}
}

/* ---- JSON output -------------------------------------------------------------------- */

static void json_flags(uint32_t flags)
{
	printf("{\"raw\": \"0x%08" PRIx32 "\", \"names\": ", flags);
	sgnic_json_bitnames(flag_names, ARRAY_LEN(flag_names), flags);
	printf(", \"reserved\": \"0x%08" PRIx32 "\"}", flags & SGNIC_DESC_F_RESERVED);
}

static void json_compl(const struct compl_info *c)
{
	printf("{\"value\": \"0x%016" PRIx64 "\", \"written\": %s, \"addr\": \"0x%016"
	       PRIx64 "\", \"state\": \"%s\", \"state_code\": %" PRIu32
	       ", \"err\": %s, \"undefined_bits\": %" PRIu32 ", \"index\": ",
	       c->value, c->value ? "true" : "false", c->addr,
	       state_name(c->state), c->state, c->err ? "true" : "false",
	       c->undefined);
	if (c->index_ok)
		printf("%" PRIu64, c->index);
	else
		printf("null");
	printf(", \"in_ring\": ");
	if (c->has_base)
		printf("%s}", c->index_ok && c->in_ring ? "true" : "false");
	else
		printf("null}");
}

static void json_desc(const struct ring *r, const struct ring_info *ri,
		      uint32_t i)
{
	const struct desc *d = &r->desc[i];
	uint32_t res = d->status & SGNIC_DESC_S_RESULT_MASK;
	uint32_t resid = desc_residual(r, d);

	printf("      {\"index\": %" PRIu32 ", \"addr\": \"0x%016" PRIx64 "\", \"len\": %"
	       PRIu32 ", \"xfer\": %" PRIu32 ", \"mss\": %" PRIu32 ",\n       \"flags\": ",
	       i, d->addr, d->len, d->xfer, d->mss);
	json_flags(d->flags);
	printf(",\n       \"status\": {\"raw\": \"0x%08" PRIx32 "\", \"done\": %s, \"names\": ",
	       d->status, d->status & SGNIC_DESC_S_DONE ? "true" : "false");
	sgnic_json_bitnames(status_names, ARRAY_LEN(status_names), d->status);
	printf(", \"result\": ");
	if (!(d->status & SGNIC_DESC_S_DONE) && !res)
		printf("null");
	else if (result_name(res))
		printf("\"%s\"", result_name(res));
	else
		printf("\"RESULT:0x%02" PRIx32 "\"", res);
	printf(", \"result_code\": %" PRIu32 "},\n       \"residual\": ", res);
	if (resid)
		printf("%" PRIu32, resid);
	else
		printf("null");
	printf(", \"busy\": %s}", desc_busy(r, ri, i) ? "true" : "false");
}

static void json_ring(const struct ring *r, const struct ring_info *ri,
		      const struct options *o)
{
	bool first = true;
	uint32_t i;

	printf("    {\"name\": \"%s%" PRIu32 "\", \"dir\": \"%s\", \"queue\": %" PRIu32
	       ", \"channel\": %" PRIu32 ", \"size\": %" PRIu32
	       ", \"desc_dma\": \"0x%016" PRIx64 "\",\n",
	       r->rx ? "rx" : "tx", r->qid, r->rx ? "rx" : "tx", r->qid, r->chan,
	       r->size, r->desc_dma);
	printf("     \"ntu\": %" PRIu32 ", \"ntc\": %" PRIu32 ", \"in_flight\": %" PRIu32
	       ", \"head\": %" PRIu32 ", \"tail\": %" PRIu32 ", \"pending\": %" PRIu32
	       ",\n", r->ntu, r->ntc, ri->in_flight, r->head, r->tail, ri->pending);
	printf("     \"state\": \"%s\", \"state_code\": %" PRIu32 ", \"error\": \"%s\""
	       ", \"error_code\": %" PRIu32 ",\n", state_name(r->state), r->state,
	       err_name(r->err), r->err);
	printf("     \"desc_flags\": ");
	json_flags(r->flags);
	printf(",\n     \"completion\": ");
	json_compl(&ri->compl);
	printf(",\n     \"descriptors\": ");
	if (!r->ndesc) {
		printf("null}");
		return;
	}
	printf("{\"listed\": %" PRIu32 ", \"done\": %" PRIu32 ", \"refused\": %" PRIu32
	       ", \"residual\": %" PRIu32 ", \"shown\": %" PRIu32 ", \"list\": [",
	       r->ndesc, ri->done, ri->refused, ri->residual, ri->shown);
	for (i = 0; i < r->ndesc; i++) {
		if (!desc_shown(o, r, ri, i))
			continue;
		printf("%s\n", first ? "" : ",");
		json_desc(r, ri, i);
		first = false;
	}
	printf("%s]}}", first ? "" : "\n     ");
}

/* ---- Main ------------------------------------------------------------------------------ */

enum {
	OPT_COMPL = SGNIC_CLI_OPT_FIRST,
	OPT_DESC_DMA,
	OPT_RING_SIZE,
	OPT_ONLY_BUSY,
	OPT_JSON,
};

static const struct option long_opts[] = {
	{ "compl",	required_argument,	NULL, OPT_COMPL },
	{ "desc-dma",	required_argument,	NULL, OPT_DESC_DMA },
	{ "ring-size",	required_argument,	NULL, OPT_RING_SIZE },
	{ "only-busy",	no_argument,		NULL, OPT_ONLY_BUSY },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = sgnic_cli_getopt(argc, argv, long_opts, NULL, usage)) != -1) {
		switch (c) {
		case OPT_COMPL:
			o->compl = sgnic_opt_num("compl", optarg, UINT64_MAX);
			o->has_compl = true;
			break;
		case OPT_DESC_DMA:
			o->desc_dma = sgnic_opt_num("desc-dma", optarg, UINT64_MAX);
			o->has_desc_dma = true;
			break;
		case OPT_RING_SIZE:
			o->ring_size = (uint32_t)sgnic_opt_num("ring-size", optarg,
							       UINT32_MAX);
			if (!o->ring_size)
				die("--ring-size: must be at least 1");
			o->has_ring_size = true;
			break;
		case OPT_ONLY_BUSY:
			o->only_busy = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		}
	}
	o->path = sgnic_cli_input_path(argc, argv);
	if (o->has_compl && o->path)
		die("--compl decodes a value alone: give no input file");
	if (o->has_compl && o->only_busy)
		die("--only-busy applies to a ring dump, not to --compl");
	if (!o->has_compl && (o->has_desc_dma || o->has_ring_size))
		die("--desc-dma and --ring-size go with --compl (a dump has its own)");
	if (!o->path)
		o->path = "-";
}

static int decode_compl_only(const struct options *o)
{
	struct sgnic_warnings w = { 0 };
	struct compl_info c;

	compl_decode(o->compl, o->has_desc_dma, o->desc_dma, o->has_ring_size,
		     o->ring_size, &c);
	if (o->has_ring_size && !sgnic_ring_size_ok(o->ring_size))
		sgnic_warn(&w, "ring size %" PRIu32 " is not a power of two in %u..%u",
			   o->ring_size, SGNIC_RING_MIN, SGNIC_RING_MAX);
	if (o->has_desc_dma && o->desc_dma % SGNIC_DESC_ALIGN)
		sgnic_warn(&w, "desc_dma 0x%" PRIx64 " is not %u-byte aligned", o->desc_dma,
			   SGNIC_DESC_ALIGN);
	compl_warnings(&c, "value", &w);

	if (o->json) {
		printf("{\n  \"completion\": ");
		json_compl(&c);
		printf(",\n");
		sgnic_warnings_print_json(&w);
		printf("}\n");
	} else {
		print_compl_text(&c, o->desc_dma, "");
		sgnic_warnings_print_text(&w);
	}
	sgnic_warnings_free(&w);
	return 0;
}

static int decode_file(const struct options *o)
{
	struct dumpfile f = { 0 };
	struct sgnic_warnings w = { 0 };
	struct ring_info *ri;
	unsigned int i;

	parse_file(o->path, &f);
	if (f.has_hdr && f.up && f.nrings != 2 * f.pairs)
		sgnic_warn(&w, "%u ring lines for %" PRIu32 " pairs", f.nrings, f.pairs);
	ri = calloc(f.nrings ? f.nrings : 1, sizeof(*ri));
	if (!ri)
		die("out of memory");
	for (i = 0; i < f.nrings; i++)
		ring_decode(&f.rings[i], o, &ri[i], &w);

	if (o->json) {
		printf("{\n  \"input\": ");
		sgnic_json_string(f.name);
		printf(",\n  \"down\": %s,\n", f.down ? "true" : "false");
		if (f.has_hdr)
			printf("  \"pairs\": %" PRIu32 ", \"up\": %s, \"pflags\": \"0x%"
			       PRIx64 "\",\n", f.pairs, f.up ? "true" : "false",
			       f.pflags);
		else
			printf("  \"pairs\": null, \"up\": null, \"pflags\": null,\n");
		printf("  \"rings\": [");
		for (i = 0; i < f.nrings; i++) {
			printf("%s\n", i ? "," : "");
			json_ring(&f.rings[i], &ri[i], o);
		}
		printf("%s],\n", f.nrings ? "\n  " : "");
		sgnic_warnings_print_json(&w);
		printf("}\n");
	} else {
		if (f.down)
			printf("interface down: no rings\n");
		if (f.has_hdr)
			printf("pairs %" PRIu32 ", interface %s, pflags 0x%" PRIx64 "\n",
			       f.pairs, f.up ? "up" : "down", f.pflags);
		for (i = 0; i < f.nrings; i++) {
			if (i || f.has_hdr)
				putchar('\n');
			print_ring_text(&f.rings[i], &ri[i], o);
		}
		sgnic_warnings_print_text(&w);
	}

	for (i = 0; i < f.nrings; i++)
		free(f.rings[i].desc);
	free(f.rings);
	free(ri);
	sgnic_warnings_free(&w);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .json = false };
	int rc;

	parse_options(argc, argv, &o);
	rc = o.has_compl ? decode_compl_only(&o) : decode_file(&o);
	sgnic_cli_flush();
	return rc;
}
