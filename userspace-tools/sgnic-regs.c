// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic-regs: decode an sgnic register dump into named registers and fields.
 *
 * The dump is what the driver's ethtool get_regs hands out: the global
 * registers (SGNIC_REG_GLOBAL_END bytes, 32-bit little-endian words from
 * offset 0), then SGNIC_NUM_CHANS channel blocks of SGNIC_CHAN_STRIDE bytes.
 * It is read either raw (`ethtool -d DEV raw on`) or as the hex text of
 * `ethtool -d DEV` (lines "0xOFFS:\t\tBB BB ..."); the format is detected.
 *
 * Exit status: 0 decoded, 1 decoded with --force although a check failed,
 * 2 bad usage or malformed input.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>

#include "sgnic_hw.h"
#include "sgnic_cli.h"

#define EXIT_FORCED		1

/* What sgnic_get_regs() fills (kernel-driver/sgnic_ethtool.c). */
#define DUMP_LEN		(SGNIC_REG_GLOBAL_END + SGNIC_NUM_CHANS * SGNIC_CHAN_STRIDE)
/* A dump saved with the ioctl's struct ethtool_regs in front of it. */
#define ETHTOOL_HDR_LEN		offsetof(struct ethtool_regs, data)
/* Anything larger is not a register dump; stop reading there. */
#define INPUT_MAX		(1u << 20)
#define REG_BYTES		((uint32_t)sizeof(uint32_t))

#define BITS_PER_BYTE		8
#define REG_BITS		(BITS_PER_BYTE * REG_BYTES)

const char *const sgnic_cli_prog = "sgnic-regs";

enum fmt { FMT_AUTO, FMT_RAW, FMT_HEX };

struct options {
	bool json;
	bool all;
	bool force;
	enum fmt fmt;
	const char *path;
};

struct dump {
	uint8_t *buf;		/* whole input, header included */
	size_t len;		/* bytes in buf */
	const uint8_t *regs;	/* first register byte */
	size_t regs_len;	/* register bytes */
	unsigned int nchans;	/* complete channel blocks present */
	enum fmt fmt;		/* detected or forced */
	bool has_hdr;		/* struct ethtool_regs in front */
	uint32_t hdr_version;	/* its version field */
	const char *name;	/* for messages */
};

struct regname {
	uint32_t off;
	const char *name;
};

#define FEAT(x)		{ SGNIC_FEAT_##x, #x }
static const struct sgnic_bitname feat_names[] = {
	FEAT(TX_CSUM), FEAT(RX_CSUM), FEAT(TSO), FEAT(SG), FEAT(WRITEBACK),
	FEAT(MSIX), FEAT(RX_MULTIBUF), FEAT(RSC), FEAT(RSS), FEAT(RX_FILTER),
	FEAT(VLAN), FEAT(MAC_STATS),
};

#define CTRL(x)		{ SGNIC_CTRL_##x, #x }
static const struct sgnic_bitname ctrl_names[] = {
	CTRL(RESET), CTRL(RX_ENABLE), CTRL(PROMISC), CTRL(LOOPBACK),
	CTRL(ALLMULTI), CTRL(VLAN_STRIP), CTRL(VLAN_FILTER),
};

static const struct sgnic_bitname status_names[] = {
	{ SGNIC_STATUS_LINK_UP, "LINK_UP" },
};

#define MISC(x)		{ SGNIC_MISC_##x, #x }
static const struct sgnic_bitname misc_names[] = {
	MISC(LINK), MISC(CHAN_HALT), MISC(TEST),
};

/* Every defined global register, for the check of undefined offsets. */
#define GREG(x)		{ SGNIC_REG_##x, #x }
static const struct regname global_regs[] = {
	GREG(ID), GREG(VERSION), GREG(FEATURES), GREG(QUEUES), GREG(MAX_XFER),
	GREG(MAX_SG), GREG(MAX_SEG), GREG(SEG_BOUNDARY), GREG(MAX_FRAME),
	GREG(CTRL), GREG(STATUS), GREG(MAC_LO), GREG(MAC_HI), GREG(MISC_CAUSE),
	GREG(MISC_MASK), GREG(MISC_SET), GREG(RX_QUEUES), GREG(HALTED),
	GREG(IRQ_UNMASK), GREG(RSC_MAX_LEN),
};

/* The device counters, in register order. */
#define STAT(x)		{ SGNIC_REG_STAT_##x, #x }
static const struct regname stat_regs[] = {
	STAT(RX_NOBUF), STAT(RX_OVERSIZE), STAT(RX_FILTERED), STAT(DOORBELLS),
	STAT(IRQS), STAT(IRQS_LOST), STAT(WRITEBACKS), STAT(TX_PKTS),
	STAT(RX_PKTS), STAT(MMIO), STAT(RSC_FRAMES), STAT(RSC_SEGS),
	STAT(RX_RUNT), STAT(RX_DISABLED), STAT(RX_VLAN_DROPS),
};
static_assert(sizeof(stat_regs) / sizeof(stat_regs[0]) == SGNIC_NUM_STATS,
	      "every device counter is decoded");

#define CREG(x)		{ SGNIC_CH_##x, #x }
static const struct regname chan_regs[] = {
	CREG(RING_LO), CREG(RING_HI), CREG(RING_SIZE), CREG(TAIL), CREG(HEAD),
	CREG(CMD), CREG(STATUS), CREG(COMPL_LO), CREG(COMPL_HI), CREG(IRQ_MOD),
	CREG(IRQ_EN), CREG(ERR_DESC), CREG(COMPLETED), CREG(PKT_ERRS),
	CREG(IRQ_GAP),
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [FILE]\n"
		"\n"
		"Decode an sgnic register dump into named registers and fields.\n"
		"FILE (default: standard input, also '-') holds the output of\n"
		"'ethtool -d DEV raw on' or of 'ethtool -d DEV' (hex text); the\n"
		"format is detected.\n"
		"\n"
		"  --all                  decode all %u channel blocks, not only\n"
		"                         those of the queue pairs in QUEUES\n"
		"  --json                 machine-readable output\n"
		"  --force                decode even when the size or the ID magic\n"
		"                         is wrong (exit status 1)\n"
		"  --format auto|raw|hex  input format (default auto)\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 decoded, 1 decoded with --force despite a failed\n"
		"check, 2 bad usage or malformed input.\n",
		sgnic_cli_prog, SGNIC_NUM_CHANS);
}

/* ---- Input ------------------------------------------------------------- */

/* Read the whole input; d->buf keeps one spare byte past d->len. */
static void read_input(struct dump *d, const char *path)
{
	FILE *f = sgnic_cli_open(path, "rb", NULL, &d->name);
	size_t cap = 4096;

	d->buf = malloc(cap);
	if (!d->buf)
		die("out of memory");
	d->len = 0;
	for (;;) {
		size_t got;

		if (d->len + 1 >= cap) {
			uint8_t *b;

			cap *= 2;
			b = realloc(d->buf, cap);
			if (!b)
				die("out of memory");
			d->buf = b;
		}
		got = fread(d->buf + d->len, 1, cap - 1 - d->len, f);
		d->len += got;
		if (d->len > INPUT_MAX)
			die("%s: more than %u bytes: not a register dump",
			    d->name, INPUT_MAX);
		if (got == 0)
			break;
	}
	sgnic_cli_close(f, d->name, NULL);
	if (!d->len)
		die("%s: empty input", d->name);
	d->buf[d->len] = 0;
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static unsigned int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned int)(c - 'a' + 10);
	return (unsigned int)(c - 'A' + 10);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The text starts, after blanks, like the hex output of ethtool -d. */
static bool looks_like_hex(const struct dump *d)
{
	size_t i = 0;

	while (i < d->len && (is_blank((char)d->buf[i]) || d->buf[i] == '\n'))
		i++;
	if (d->len - i >= 6 && !memcmp(d->buf + i, "Offset", 6))
		return true;
	return d->len - i >= 2 && d->buf[i] == '0' &&
	       (d->buf[i + 1] == 'x' || d->buf[i + 1] == 'X');
}

/*
 * Parse ethtool's hex dump in place: an optional "Offset / ------" header,
 * then lines "0xOFFS:" and two-digit hex bytes, offsets contiguous from 0.
 * The bytes replace the text in d->buf.
 */
static void parse_hex(struct dump *d)
{
	size_t pos = 0, out = 0;
	unsigned long lineno = 0;
	bool seen_data = false, seen_offset_hdr = false, seen_dash_hdr = false;

	if (memchr(d->buf, '\0', d->len))
		die("%s: NUL byte in hex text (binary input? try --format raw)",
		    d->name);

	while (pos < d->len) {
		char *line = (char *)d->buf + pos;
		char *nl = memchr(line, '\n', d->len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : d->len - pos;
		char *s, *end = line + line_len;
		uint64_t off = 0;
		unsigned int digits = 0, nbytes = 0;

		pos += line_len + (nl ? 1 : 0);
		lineno++;
		while (end > line && is_blank(end[-1]))
			end--;
		*end = '\0';	/* over '\n', a blank, or the spare byte */
		s = line;
		while (is_blank(*s))
			s++;
		if (!*s)
			continue;

		if (!seen_data && !seen_offset_hdr && !strncmp(s, "Offset", 6)) {
			seen_offset_hdr = true;
			continue;
		}
		if (!seen_data && seen_offset_hdr && !seen_dash_hdr &&
		    !strncmp(s, "------", 6)) {
			seen_dash_hdr = true;
			continue;
		}

		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			die("%s:%lu: expected '0xOFFSET:' and hex bytes, got '%.40s'",
			    d->name, lineno, s);
		for (s += 2; is_hex_digit(*s); s++, digits++) {
			if (off > (UINT64_MAX >> 4))
				die("%s:%lu: offset too large", d->name, lineno);
			off = off << 4 | hex_val(*s);
		}
		if (!digits || *s != ':')
			die("%s:%lu: expected '0xOFFSET:' at the start of the line",
			    d->name, lineno);
		s++;
		if (off != out)
			die("%s:%lu: offset 0x%04" PRIx64 " where 0x%04zx was expected (lines missing or out of order)",
			    d->name, lineno, off, out);

		for (;;) {
			char *tok;

			while (is_blank(*s))
				s++;
			if (!*s)
				break;
			tok = s;
			while (*s && !is_blank(*s))
				s++;
			if (s - tok != 2 || !is_hex_digit(tok[0]) ||
			    !is_hex_digit(tok[1]))
				die("%s:%lu: '%.*s' is not a two-digit hex byte",
				    d->name, lineno, (int)(s - tok > 20 ? 20 : s - tok),
				    tok);
			/* out < pos: each byte took at least 3 characters */
			d->buf[out++] = (uint8_t)(hex_val(tok[0]) << 4 | hex_val(tok[1]));
			nbytes++;
		}
		if (!nbytes)
			die("%s:%lu: offset without bytes", d->name, lineno);
		seen_data = true;
	}
	if (!seen_data)
		die("%s: no '0xOFFSET:' lines in the hex text", d->name);
	d->len = out;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A global register by its BAR offset. */
static uint32_t greg(const struct dump *d, uint32_t off)
{
	return le32(d->regs + off);
}

/* Channel c's register r, from the c-th block after the globals. */
static uint32_t creg(const struct dump *d, unsigned int c, uint32_t r)
{
	return le32(d->regs + SGNIC_REG_GLOBAL_END + c * SGNIC_CHAN_STRIDE + r);
}

/*
 * Find the registers in the input and check the size.  Returns false when a
 * check failed that --force overrode.
 */
static bool locate_regs(struct dump *d, const struct options *o)
{
	const struct ethtool_regs *hdr = (const struct ethtool_regs *)d->buf;
	bool ok = true;

	d->regs = d->buf;
	d->regs_len = d->len;
	if (d->len == DUMP_LEN + ETHTOOL_HDR_LEN && hdr->cmd == ETHTOOL_GREGS &&
	    hdr->len == DUMP_LEN) {
		d->has_hdr = true;
		d->hdr_version = hdr->version;
		d->regs += ETHTOOL_HDR_LEN;
		d->regs_len -= ETHTOOL_HDR_LEN;
	}

	if (d->regs_len != DUMP_LEN) {
		if (!o->force || d->regs_len < SGNIC_REG_GLOBAL_END ||
		    d->regs_len % REG_BYTES)
			die("%s: %zu bytes, expected %u (%u of global registers + %u channels x %u)%s",
			    d->name, d->regs_len, DUMP_LEN, SGNIC_REG_GLOBAL_END,
			    SGNIC_NUM_CHANS, SGNIC_CHAN_STRIDE,
			    o->force ? "; too short or not whole words even for --force" :
				       "; --force decodes what is there");
		fprintf(stderr, "%s: warning: %s: %zu bytes, expected %u; decoding what is there\n",
			sgnic_cli_prog, d->name, d->regs_len, DUMP_LEN);
		ok = false;
	}
	d->nchans = (unsigned int)((d->regs_len - SGNIC_REG_GLOBAL_END) / SGNIC_CHAN_STRIDE);
	if (d->nchans > SGNIC_NUM_CHANS)
		d->nchans = SGNIC_NUM_CHANS;

	if (greg(d, SGNIC_REG_ID) != SGNIC_ID_MAGIC) {
		if (!o->force)
			die("%s: ID register is 0x%08" PRIx32 ", not the sgnic magic 0x%08x: not an sgnic dump (--force decodes it anyway)",
			    d->name, greg(d, SGNIC_REG_ID), SGNIC_ID_MAGIC);
		fprintf(stderr, "%s: warning: %s: ID register is 0x%08" PRIx32 ", not the sgnic magic 0x%08x\n",
			sgnic_cli_prog, d->name, greg(d, SGNIC_REG_ID), SGNIC_ID_MAGIC);
		ok = false;
	}
	return ok;
}

/* ---- Decoding helpers ---------------------------------------------------- */

/* "A B C", "none", unknown bits as "+0xNN". */
static void print_bits(const struct sgnic_bitname *t, size_t n, uint32_t v)
{
	uint32_t unknown = v & ~sgnic_bitnames_mask(t, n);
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v & t[i].bit) {
			printf("%s%s", first ? "" : " ", t[i].name);
			first = false;
		}
	}
	if (unknown) {
		printf("%s+0x%" PRIx32, first ? "" : " ", unknown);
		first = false;
	}
	if (first)
		printf("none");
}

static void json_bits(const struct sgnic_bitname *t, size_t n, uint32_t v)
{
	printf("{\"raw\": %" PRIu32 ", \"names\": ", v);
	sgnic_json_bitnames(t, n, v);
	printf(", \"unknown\": %" PRIu32 "}", v & ~sgnic_bitnames_mask(t, n));
}

/* "64 KiB" and the like when exact, else nothing. */
static void print_size_unit(uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	const unsigned int step = 10;
	unsigned int u = 0;

	if (!bytes || bytes % (1u << step))
		return;
	bytes >>= step;
	while (u + 1 < ARRAY_LEN(units) && !(bytes % (1u << step))) {
		bytes >>= step;
		u++;
	}
	printf(" (%" PRIu64 " %s)", bytes, units[u]);
}

static void mac_string(const struct dump *d, char *buf, size_t size)
{
	uint32_t lo = greg(d, SGNIC_REG_MAC_LO), hi = greg(d, SGNIC_REG_MAC_HI);
	uint8_t mac[SGNIC_MAC_LEN];
	unsigned int i;

	/* bytes 0..3 in MAC_LO, 4..5 in MAC_HI bits 15:0, first byte lowest */
	for (i = 0; i < REG_BYTES; i++)
		mac[i] = (uint8_t)(lo >> (BITS_PER_BYTE * i));
	for (; i < SGNIC_MAC_LEN; i++)
		mac[i] = (uint8_t)(hi >> (BITS_PER_BYTE * (i - REG_BYTES)));
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static uint32_t queue_pairs(const struct dump *d)
{
	return greg(d, SGNIC_REG_QUEUES) & SGNIC_QUEUES_PAIRS_MASK;
}

static uint32_t queue_vectors(const struct dump *d)
{
	return (greg(d, SGNIC_REG_QUEUES) & SGNIC_QUEUES_VECTORS_MASK) >>
	       SGNIC_QUEUES_VECTORS_SHIFT;
}

/* Channels to decode: those of the advertised pairs, or all with --all. */
static unsigned int channels_shown(const struct dump *d, const struct options *o)
{
	uint32_t pairs = queue_pairs(d);
	unsigned int n;

	if (o->all)
		return d->nchans;
	n = pairs > SGNIC_MAX_QUEUE_PAIRS ? SGNIC_NUM_CHANS : 2 * pairs;
	return n < d->nchans ? n : d->nchans;
}

struct chan {
	uint64_t ring;
	uint32_t size, head, tail, status, state, err;
	uint64_t compl;
	uint32_t irq_mod, usecs, count, irq_gap, irq_en, err_desc, completed, pkt_errs;
	bool ring_ok;		/* size valid and head, tail inside it */
	uint32_t pending;	/* (tail - head) mod size, if ring_ok */
};

static void chan_decode(const struct dump *d, unsigned int c, struct chan *ch)
{
	ch->ring = (uint64_t)creg(d, c, SGNIC_CH_RING_HI) << REG_BITS |
		   creg(d, c, SGNIC_CH_RING_LO);
	ch->size = creg(d, c, SGNIC_CH_RING_SIZE);
	ch->head = creg(d, c, SGNIC_CH_HEAD);
	ch->tail = creg(d, c, SGNIC_CH_TAIL);
	ch->status = creg(d, c, SGNIC_CH_STATUS);
	ch->state = SGNIC_CH_STATE(ch->status);
	ch->err = SGNIC_CH_ERR(ch->status);
	ch->compl = (uint64_t)creg(d, c, SGNIC_CH_COMPL_HI) << REG_BITS |
		    creg(d, c, SGNIC_CH_COMPL_LO);
	ch->irq_mod = creg(d, c, SGNIC_CH_IRQ_MOD);
	ch->usecs = ch->irq_mod & SGNIC_IRQ_MOD_USECS_MASK;
	ch->count = (ch->irq_mod & SGNIC_IRQ_MOD_COUNT_MASK) >> SGNIC_IRQ_MOD_COUNT_SHIFT;
	ch->irq_gap = creg(d, c, SGNIC_CH_IRQ_GAP) & SGNIC_IRQ_GAP_MAX_USECS;
	ch->irq_en = creg(d, c, SGNIC_CH_IRQ_EN);
	ch->err_desc = creg(d, c, SGNIC_CH_ERR_DESC);
	ch->completed = creg(d, c, SGNIC_CH_COMPLETED);
	ch->pkt_errs = creg(d, c, SGNIC_CH_PKT_ERRS);
	ch->ring_ok = sgnic_ring_size_ok(ch->size) && ch->head < ch->size &&
		      ch->tail < ch->size;
	ch->pending = ch->ring_ok ? (ch->tail - ch->head) & (ch->size - 1) : 0;
}

static bool reg_defined(const struct regname *t, size_t n, uint32_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].off == off)
			return true;
	return false;
}

static bool in_stats(uint32_t off)
{
	return reg_defined(stat_regs, ARRAY_LEN(stat_regs), off);
}

/* Everything odd in the dump, for the warnings list. */
static void check_dump(const struct dump *d, const struct options *o,
		       struct sgnic_warnings *w)
{
	uint32_t v = greg(d, SGNIC_REG_VERSION);
	uint32_t pairs = queue_pairs(d), rxq = greg(d, SGNIC_REG_RX_QUEUES);
	uint32_t halted = greg(d, SGNIC_REG_HALTED);
	unsigned int c, nshow = channels_shown(d, o);
	uint32_t off;

	if (v >> SGNIC_VERSION_MAJOR_SHIFT != SGNIC_VERSION_MAJOR)
		sgnic_warn(w, "VERSION %" PRIu32 ".%" PRIu32 ": this tool decodes version %u.x",
			   v >> SGNIC_VERSION_MAJOR_SHIFT, v & SGNIC_VERSION_MINOR_MASK,
			   SGNIC_VERSION_MAJOR);
	if (pairs < 1 || pairs > SGNIC_MAX_QUEUE_PAIRS)
		sgnic_warn(w, "QUEUES: %" PRIu32 " queue pairs, outside 1..%u", pairs,
			   SGNIC_MAX_QUEUE_PAIRS);
	else if (queue_vectors(d) != (uint32_t)SGNIC_VEC_QUEUE(pairs))
		sgnic_warn(w, "QUEUES: %" PRIu32 " vectors for %" PRIu32 " pairs, expected %u",
			   queue_vectors(d), pairs, SGNIC_VEC_QUEUE(pairs));
	if (pairs >= 1 && pairs <= SGNIC_MAX_QUEUE_PAIRS &&
	    (rxq < 1 || rxq > pairs))
		sgnic_warn(w, "RX_QUEUES: %" PRIu32 ", outside 1..%" PRIu32, rxq, pairs);
	if (d->nchans < SGNIC_NUM_CHANS)
		sgnic_warn(w, "dump holds %u of %u channel blocks", d->nchans,
			   SGNIC_NUM_CHANS);
	if (!o->all && nshow < 2 * pairs && pairs <= SGNIC_MAX_QUEUE_PAIRS)
		sgnic_warn(w, "channels %u..%" PRIu32 " of the queue pairs are not in the dump",
			   nshow, 2 * pairs - 1);
	if (SGNIC_NUM_CHANS < REG_BITS && halted >> SGNIC_NUM_CHANS)
		sgnic_warn(w, "HALTED: bits above channel %u set (0x%08" PRIx32 ")",
			   SGNIC_NUM_CHANS - 1, halted);

	for (off = 0; off < SGNIC_REG_GLOBAL_END; off += REG_BYTES) {
		if (reg_defined(global_regs, ARRAY_LEN(global_regs), off) ||
		    in_stats(off) || !greg(d, off))
			continue;
		sgnic_warn(w, "undefined global offset 0x%04" PRIx32 " reads 0x%08" PRIx32,
			   off, greg(d, off));
	}

	for (c = 0; c < nshow; c++) {
		struct chan ch;
		bool halted_bit = halted >> c & 1u;

		chan_decode(d, c, &ch);
		if (ch.size || ch.ring || ch.state != SGNIC_STATE_STOPPED) {
			if (!sgnic_ring_size_ok(ch.size))
				sgnic_warn(w, "channel %u: RING_SIZE %" PRIu32 " is not a power of two in %u..%u",
					   c, ch.size, SGNIC_RING_MIN, SGNIC_RING_MAX);
			if (ch.ring % SGNIC_DESC_ALIGN)
				sgnic_warn(w, "channel %u: ring base 0x%" PRIx64 " is not %u-byte aligned",
					   c, ch.ring, SGNIC_DESC_ALIGN);
		}
		if (ch.size && ch.head >= ch.size)
			sgnic_warn(w, "channel %u: HEAD %" PRIu32 " outside the ring of %" PRIu32,
				   c, ch.head, ch.size);
		if (ch.size && ch.tail >= ch.size)
			sgnic_warn(w, "channel %u: TAIL %" PRIu32 " outside the ring of %" PRIu32,
				   c, ch.tail, ch.size);
		if (!sgnic_state_name(ch.state))
			sgnic_warn(w, "channel %u: unknown state %" PRIu32, c, ch.state);
		if (!sgnic_err_name(ch.err))
			sgnic_warn(w, "channel %u: unknown error code 0x%02" PRIx32, c, ch.err);
		if (ch.status & ~(SGNIC_STATE_MASK | SGNIC_STATUS_ERR_MASK))
			sgnic_warn(w, "channel %u: STATUS 0x%08" PRIx32 " has undefined bits set",
				   c, ch.status);
		if (ch.err != SGNIC_ERR_NONE && ch.state != SGNIC_STATE_HALTED)
			sgnic_warn(w, "channel %u: error code set but the channel is not halted",
				   c);
		if (halted_bit != (ch.state == SGNIC_STATE_HALTED))
			sgnic_warn(w, "channel %u: HALTED bit %s but state %s", c,
				   halted_bit ? "set" : "clear",
				   sgnic_state_name(ch.state) ?
				   sgnic_state_name(ch.state) : "unknown");
		if (ch.compl % SGNIC_COMPL_ALIGN)
			sgnic_warn(w, "channel %u: completion address 0x%" PRIx64 " is not %u-byte aligned",
				   c, ch.compl, SGNIC_COMPL_ALIGN);
		if (ch.irq_en & ~SGNIC_IRQ_EN_BIT)
			sgnic_warn(w, "channel %u: IRQ_EN 0x%08" PRIx32 " has undefined bits set",
				   c, ch.irq_en);
		for (off = 0; off < SGNIC_CHAN_STRIDE; off += REG_BYTES) {
			if (reg_defined(chan_regs, ARRAY_LEN(chan_regs), off) ||
			    !creg(d, c, off))
				continue;
			sgnic_warn(w, "channel %u: undefined offset 0x%02" PRIx32 " reads 0x%08" PRIx32,
				   c, off, creg(d, c, off));
		}
	}
}

static const char *fmt_name(enum fmt f)
{
	return f == FMT_HEX ? "hex" : "raw";
}

/* ---- Text output ---------------------------------------------------------- */

static void text_reg(uint32_t off, const char *name, uint32_t v)
{
	printf("  0x%04" PRIx32 "  %-16s 0x%08" PRIx32 "  ", off, name, v);
}

static void print_text(const struct dump *d, const struct options *o,
		       const struct sgnic_warnings *w)
{
	uint32_t id = greg(d, SGNIC_REG_ID), ver = greg(d, SGNIC_REG_VERSION);
	uint32_t status = greg(d, SGNIC_REG_STATUS), halted = greg(d, SGNIC_REG_HALTED);
	uint32_t shift = greg(d, SGNIC_REG_SEG_BOUNDARY);
	unsigned int c, nshow = channels_shown(d, o);
	char mac[3 * SGNIC_MAC_LEN];
	size_t i;

	printf("input: %s, %s, %zu register bytes", d->name, fmt_name(d->fmt),
	       d->regs_len);
	if (d->has_hdr)
		printf(", ethtool header (version 0x%08" PRIx32 ")", d->hdr_version);
	printf("\n\nglobal registers:\n");

	text_reg(SGNIC_REG_ID, "ID", id);
	printf("%s\n", id == SGNIC_ID_MAGIC ? "magic ok" : "MAGIC MISMATCH");
	text_reg(SGNIC_REG_VERSION, "VERSION", ver);
	printf("%" PRIu32 ".%" PRIu32 "\n", ver >> SGNIC_VERSION_MAJOR_SHIFT, ver & SGNIC_VERSION_MINOR_MASK);
	text_reg(SGNIC_REG_FEATURES, "FEATURES", greg(d, SGNIC_REG_FEATURES));
	print_bits(feat_names, ARRAY_LEN(feat_names), greg(d, SGNIC_REG_FEATURES));
	putchar('\n');
	text_reg(SGNIC_REG_QUEUES, "QUEUES", greg(d, SGNIC_REG_QUEUES));
	printf("pairs %" PRIu32 ", vectors %" PRIu32 "\n", queue_pairs(d),
	       queue_vectors(d));
	text_reg(SGNIC_REG_MAX_XFER, "MAX_XFER", greg(d, SGNIC_REG_MAX_XFER));
	printf("%" PRIu32 " bytes", greg(d, SGNIC_REG_MAX_XFER));
	print_size_unit(greg(d, SGNIC_REG_MAX_XFER));
	putchar('\n');
	text_reg(SGNIC_REG_MAX_SG, "MAX_SG", greg(d, SGNIC_REG_MAX_SG));
	printf("%" PRIu32 " elements%s\n", greg(d, SGNIC_REG_MAX_SG),
	       greg(d, SGNIC_REG_MAX_SG) == 1 ? " (single transfer)" : "");
	text_reg(SGNIC_REG_MAX_SEG, "MAX_SEG", greg(d, SGNIC_REG_MAX_SEG));
	printf("%" PRIu32 " bytes", greg(d, SGNIC_REG_MAX_SEG));
	print_size_unit(greg(d, SGNIC_REG_MAX_SEG));
	putchar('\n');
	text_reg(SGNIC_REG_SEG_BOUNDARY, "SEG_BOUNDARY", shift);
	if (shift < 64) {
		printf("shift %" PRIu32 ", %" PRIu64 " bytes", shift,
		       (uint64_t)1 << shift);
		print_size_unit((uint64_t)1 << shift);
		putchar('\n');
	} else {
		printf("shift %" PRIu32 ", no boundary\n", shift);
	}
	text_reg(SGNIC_REG_MAX_FRAME, "MAX_FRAME", greg(d, SGNIC_REG_MAX_FRAME));
	printf("%" PRIu32 " bytes\n", greg(d, SGNIC_REG_MAX_FRAME));
	text_reg(SGNIC_REG_CTRL, "CTRL", greg(d, SGNIC_REG_CTRL));
	print_bits(ctrl_names, ARRAY_LEN(ctrl_names), greg(d, SGNIC_REG_CTRL));
	putchar('\n');
	text_reg(SGNIC_REG_STATUS, "STATUS", status);
	print_bits(status_names, ARRAY_LEN(status_names), status);
	printf(", link %s\n", status & SGNIC_STATUS_LINK_UP ? "up" : "down");
	mac_string(d, mac, sizeof(mac));
	text_reg(SGNIC_REG_MAC_LO, "MAC_LO", greg(d, SGNIC_REG_MAC_LO));
	printf("mac bytes 0..3\n");
	text_reg(SGNIC_REG_MAC_HI, "MAC_HI", greg(d, SGNIC_REG_MAC_HI));
	printf("mac bytes 4..5, mac %s\n", mac);
	text_reg(SGNIC_REG_MISC_CAUSE, "MISC_CAUSE", greg(d, SGNIC_REG_MISC_CAUSE));
	print_bits(misc_names, ARRAY_LEN(misc_names), greg(d, SGNIC_REG_MISC_CAUSE));
	putchar('\n');
	text_reg(SGNIC_REG_MISC_MASK, "MISC_MASK", greg(d, SGNIC_REG_MISC_MASK));
	print_bits(misc_names, ARRAY_LEN(misc_names), greg(d, SGNIC_REG_MISC_MASK));
	putchar('\n');
	text_reg(SGNIC_REG_RX_QUEUES, "RX_QUEUES", greg(d, SGNIC_REG_RX_QUEUES));
	printf("%" PRIu32 "\n", greg(d, SGNIC_REG_RX_QUEUES));
	text_reg(SGNIC_REG_HALTED, "HALTED", halted);
	if (!halted) {
		printf("none\n");
	} else {
		printf("channels");
		for (c = 0; c < REG_BITS; c++)
			if (halted >> c & 1u)
				printf(" %u", c);
		putchar('\n');
	}

	text_reg(SGNIC_REG_RSC_MAX_LEN, "RSC_MAX_LEN", greg(d, SGNIC_REG_RSC_MAX_LEN));
	if (greg(d, SGNIC_REG_RSC_MAX_LEN))
		printf("coalesce TCP segments into frames up to %" PRIu32 " bytes\n",
		       greg(d, SGNIC_REG_RSC_MAX_LEN));
	else
		printf("off\n");
	printf("\ncounters:\n");
	for (i = 0; i < ARRAY_LEN(stat_regs); i++) {
		char name[32];

		snprintf(name, sizeof(name), "STAT_%s", stat_regs[i].name);
		text_reg(stat_regs[i].off, name, greg(d, stat_regs[i].off));
		printf("%" PRIu32 "\n", greg(d, stat_regs[i].off));
	}

	for (c = 0; c < nshow; c++) {
		const char *sn, *en;
		struct chan ch;

		chan_decode(d, c, &ch);
		sn = sgnic_state_name(ch.state);
		en = sgnic_err_name(ch.err);
		printf("\nchannel %u: %s, pair %u, registers 0x%04x\n", c,
		       SGNIC_CHAN_IS_RX(c) ? "RX" : "TX", SGNIC_CHAN_PAIR(c),
		       SGNIC_CHAN_REG(c, 0));
		printf("  %-12s 0x%016" PRIx64 "\n", "ring", ch.ring);
		printf("  %-12s %" PRIu32 "\n", "size", ch.size);
		printf("  %-12s %" PRIu32 "\n", "head", ch.head);
		printf("  %-12s %" PRIu32 "\n", "tail", ch.tail);
		if (ch.ring_ok)
			printf("  %-12s %" PRIu32 "\n", "pending", ch.pending);
		else
			printf("  %-12s n/a\n", "pending");
		printf("  %-12s %s (%" PRIu32 ")\n", "state", sn ? sn : "UNKNOWN",
		       ch.state);
		printf("  %-12s %s (0x%02" PRIx32 ")\n", "error", en ? en : "UNKNOWN",
		       ch.err);
		if (ch.compl)
			printf("  %-12s 0x%016" PRIx64 "\n", "compl_addr", ch.compl);
		else
			printf("  %-12s none\n", "compl_addr");
		if (ch.irq_mod)
			printf("  %-12s %" PRIu32 " usecs, count %" PRIu32 "\n",
			       "irq_mod", ch.usecs, ch.count);
		else
			printf("  %-12s off\n", "irq_mod");
		if (ch.irq_gap)
			printf("  %-12s %" PRIu32 " usecs between interrupts\n", "irq_gap", ch.irq_gap);
		else
			printf("  %-12s off\n", "irq_gap");
		printf("  %-12s %s\n", "irq_en",
		       ch.irq_en & SGNIC_IRQ_EN_BIT ? "enabled" : "disabled");
		printf("  %-12s %" PRIu32 "\n", "err_desc", ch.err_desc);
		printf("  %-12s %" PRIu32 "\n", "completed", ch.completed);
		printf("  %-12s %" PRIu32 "\n", "pkt_errs", ch.pkt_errs);
	}
	if (!nshow)
		printf("\nno channels (QUEUES reports no queue pairs; --all shows every block)\n");

	sgnic_warnings_print_text(w);
}

/* ---- JSON output ----------------------------------------------------------- */

static void print_json(const struct dump *d, const struct options *o,
		       const struct sgnic_warnings *w)
{
	uint32_t id = greg(d, SGNIC_REG_ID), ver = greg(d, SGNIC_REG_VERSION);
	uint32_t status = greg(d, SGNIC_REG_STATUS), halted = greg(d, SGNIC_REG_HALTED);
	uint32_t shift = greg(d, SGNIC_REG_SEG_BOUNDARY);
	unsigned int c, nshow = channels_shown(d, o);
	char mac[3 * SGNIC_MAC_LEN];
	bool first;
	size_t i;

	printf("{\n  \"input\": {\"name\": ");
	sgnic_json_string(d->name);
	printf(", \"format\": \"%s\", \"bytes\": %zu, \"ethtool_header\": ",
	       fmt_name(d->fmt), d->regs_len);
	if (d->has_hdr)
		printf("{\"version\": %" PRIu32 "}", d->hdr_version);
	else
		printf("null");
	printf("},\n");
	printf("  \"id\": {\"raw\": \"0x%08" PRIx32 "\", \"magic_ok\": %s},\n", id,
	       id == SGNIC_ID_MAGIC ? "true" : "false");
	printf("  \"version\": {\"raw\": \"0x%08" PRIx32 "\", \"major\": %" PRIu32
	       ", \"minor\": %" PRIu32 "},\n", ver, ver >> SGNIC_VERSION_MAJOR_SHIFT, ver & SGNIC_VERSION_MINOR_MASK);
	printf("  \"features\": ");
	json_bits(feat_names, ARRAY_LEN(feat_names), greg(d, SGNIC_REG_FEATURES));
	printf(",\n  \"queues\": {\"pairs\": %" PRIu32 ", \"vectors\": %" PRIu32 "},\n",
	       queue_pairs(d), queue_vectors(d));
	printf("  \"max_xfer\": %" PRIu32 ",\n", greg(d, SGNIC_REG_MAX_XFER));
	printf("  \"max_sg\": %" PRIu32 ",\n", greg(d, SGNIC_REG_MAX_SG));
	printf("  \"max_seg\": %" PRIu32 ",\n", greg(d, SGNIC_REG_MAX_SEG));
	printf("  \"seg_boundary\": {\"shift\": %" PRIu32 ", \"bytes\": ", shift);
	if (shift < 64)
		printf("%" PRIu64 "},\n", (uint64_t)1 << shift);
	else
		printf("null},\n");
	printf("  \"max_frame\": %" PRIu32 ",\n", greg(d, SGNIC_REG_MAX_FRAME));
	printf("  \"ctrl\": ");
	json_bits(ctrl_names, ARRAY_LEN(ctrl_names), greg(d, SGNIC_REG_CTRL));
	printf(",\n  \"status\": ");
	json_bits(status_names, ARRAY_LEN(status_names), status);
	printf(",\n  \"link_up\": %s,\n",
	       status & SGNIC_STATUS_LINK_UP ? "true" : "false");
	mac_string(d, mac, sizeof(mac));
	printf("  \"mac\": \"%s\",\n", mac);
	printf("  \"misc_cause\": ");
	json_bits(misc_names, ARRAY_LEN(misc_names), greg(d, SGNIC_REG_MISC_CAUSE));
	printf(",\n  \"misc_mask\": ");
	json_bits(misc_names, ARRAY_LEN(misc_names), greg(d, SGNIC_REG_MISC_MASK));
	printf(",\n  \"rx_queues\": %" PRIu32 ",\n", greg(d, SGNIC_REG_RX_QUEUES));
	printf("  \"rsc_max_len\": %" PRIu32 ",\n", greg(d, SGNIC_REG_RSC_MAX_LEN));
	printf("  \"halted\": {\"raw\": %" PRIu32 ", \"channels\": [", halted);
	for (first = true, c = 0; c < REG_BITS; c++) {
		if (halted >> c & 1u) {
			printf("%s%u", first ? "" : ", ", c);
			first = false;
		}
	}
	printf("]},\n  \"counters\": {");
	for (i = 0; i < ARRAY_LEN(stat_regs); i++) {
		const char *s;

		printf("%s\n    \"", i ? "," : "");
		for (s = stat_regs[i].name; *s; s++)
			putchar(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		printf("\": %" PRIu32, greg(d, stat_regs[i].off));
	}
	printf("\n  },\n  \"channels\": [");

	for (c = 0; c < nshow; c++) {
		const char *sn, *en;
		struct chan ch;

		chan_decode(d, c, &ch);
		sn = sgnic_state_name(ch.state);
		en = sgnic_err_name(ch.err);
		printf("%s\n    {\"channel\": %u, \"dir\": \"%s\", \"pair\": %u, "
		       "\"offset\": \"0x%04x\",\n", c ? "," : "", c,
		       SGNIC_CHAN_IS_RX(c) ? "rx" : "tx", SGNIC_CHAN_PAIR(c),
		       SGNIC_CHAN_REG(c, 0));
		printf("     \"ring\": \"0x%016" PRIx64 "\", \"size\": %" PRIu32
		       ", \"head\": %" PRIu32 ", \"tail\": %" PRIu32 ", \"pending\": ",
		       ch.ring, ch.size, ch.head, ch.tail);
		if (ch.ring_ok)
			printf("%" PRIu32 ",\n", ch.pending);
		else
			printf("null,\n");
		printf("     \"state\": %s%s%s, \"state_code\": %" PRIu32
		       ", \"error\": %s%s%s, \"error_code\": %" PRIu32 ",\n",
		       sn ? "\"" : "", sn ? sn : "null", sn ? "\"" : "", ch.state,
		       en ? "\"" : "", en ? en : "null", en ? "\"" : "", ch.err);
		if (ch.compl)
			printf("     \"compl_addr\": \"0x%016" PRIx64 "\",", ch.compl);
		else
			printf("     \"compl_addr\": null,");
		printf(" \"irq_mod\": {\"usecs\": %" PRIu32 ", \"count\": %" PRIu32
		       "}, \"irq_gap\": %" PRIu32 ", \"irq_en\": %s,\n", ch.usecs, ch.count, ch.irq_gap,
		       ch.irq_en & SGNIC_IRQ_EN_BIT ? "true" : "false");
		printf("     \"err_desc\": %" PRIu32 ", \"completed\": %" PRIu32
		       ", \"pkt_errs\": %" PRIu32 "}", ch.err_desc, ch.completed,
		       ch.pkt_errs);
	}
	printf("%s],\n", nshow ? "\n  " : "");
	sgnic_warnings_print_json(w);
	printf("}\n");
}

/* ---- Main -------------------------------------------------------------------- */

enum {
	OPT_JSON = SGNIC_CLI_OPT_FIRST,
	OPT_ALL,
	OPT_FORCE,
	OPT_FORMAT,
};

static const struct option long_opts[] = {
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = sgnic_cli_getopt(argc, argv, long_opts, NULL, usage)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "auto"))
				o->fmt = FMT_AUTO;
			else if (!strcmp(optarg, "raw"))
				o->fmt = FMT_RAW;
			else if (!strcmp(optarg, "hex"))
				o->fmt = FMT_HEX;
			else
				die("--format: '%s' is not auto, raw or hex", optarg);
			break;
		}
	}
	o->path = sgnic_cli_input_path(argc, argv);
	if (!o->path)
		o->path = "-";
}

int main(int argc, char **argv)
{
	struct options o = { .fmt = FMT_AUTO };
	struct sgnic_warnings w = { 0 };
	struct dump d = { 0 };
	bool ok;

	parse_options(argc, argv, &o);
	read_input(&d, o.path);
	d.fmt = o.fmt == FMT_AUTO ? (looks_like_hex(&d) ? FMT_HEX : FMT_RAW) : o.fmt;
	if (d.fmt == FMT_HEX)
		parse_hex(&d);
	ok = locate_regs(&d, &o);
	check_dump(&d, &o, &w);

	if (o.json)
		print_json(&d, &o, &w);
	else
		print_text(&d, &o, &w);

	sgnic_warnings_free(&w);
	free(d.buf);
	sgnic_cli_flush();
	return ok ? 0 : EXIT_FORCED;
}
