/*
 * sgnic: receive segment coalescing (RSC).
 *
 * With SGNIC_REG_RSC_MAX_LEN set, in-order TCP segments of one IPv4 flow
 * that arrive back to back are joined into one frame before they are
 * placed in the RX ring: one set of headers, the payloads end to end, and
 * SGNIC_DESC_S_RSC with the segment count and size so that the driver can
 * hand the stack a GRO packet (NETIF_F_GRO_HW).  A frame held here is
 * placed when a frame that does not join it arrives, when it is full, when
 * a segment carries PSH or is short, and at the latest from a bottom half
 * that runs once the current burst of frames has been delivered.
 *
 * The rules follow what the Linux GRO engine would merge, so that the
 * frame can be split back into the same segments: same Ethernet header,
 * IPv4 without options or fragmentation, IP IDs counting up, same TCP
 * ports, ACK number, window and options, sequence numbers following on,
 * only ACK (and PSH on the last segment) set, every checksum valid.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "hw/net/net_rx_pkt.h"
#include "sgnic_int.h"
#include "trace.h"

#define SGNIC_IP4_HLEN      20
#define SGNIC_TCP_FLAG_PSH  0x08
#define SGNIC_TCP_FLAG_ACK  0x10

/* Offsets inside a frame RSC accepts: Ethernet, IPv4 (no options), TCP. */
#define SGNIC_IP(b)         ((b) + ETH_HLEN)
#define SGNIC_TCP(b)        ((b) + ETH_HLEN + SGNIC_IP4_HLEN)
/* Shortest header a coalesced frame has: no TCP options. */
#define SGNIC_RSC_MIN_HLEN  (ETH_HLEN + SGNIC_IP4_HLEN + 20)

static uint32_t sgnic_rsc_limit(const SgnicState *s)
{
    return MIN(s->rsc_max_len, SGNIC_RSC_MAX_LEN);
}

/*
 * A TCP segment RSC may take: returns its header length (Ethernet to the
 * end of the TCP options), or 0.
 */
static uint32_t sgnic_rsc_parse(const uint8_t *buf, size_t size,
                                const SgnicDescWb *wb)
{
    const uint8_t *ip = SGNIC_IP(buf), *th = SGNIC_TCP(buf);
    uint32_t thl;

    /*
     * A tagged frame is never coalesced: one whose tag was stripped is
     * refused here (its TCI would be lost), one that kept it by the
     * EtherType below.
     */
    if ((wb->status & SGNIC_DESC_S_VLAN) ||
        size < ETH_HLEN + SGNIC_IP4_HLEN + 20 ||
        lduw_be_p(buf + 12) != ETH_P_IP ||
        ip[0] != 0x45 ||                            /* IPv4, no options */
        ETH_HLEN + lduw_be_p(ip + 2) != size ||     /* no padding */
        (lduw_be_p(ip + 6) & 0x3fff) ||             /* not a fragment */
        ip[9] != IP_PROTO_TCP) {
        return 0;
    }
    thl = (th[12] >> 4) * 4;
    if (thl < 20 || ETH_HLEN + SGNIC_IP4_HLEN + thl >= size ||
        (th[12] & 0x0f) ||
        (th[13] & ~SGNIC_TCP_FLAG_PSH) != SGNIC_TCP_FLAG_ACK) {
        return 0;
    }
    if (net_checksum_finish(net_checksum_add(SGNIC_IP4_HLEN, (uint8_t *)ip)) ||
        !(wb->status & SGNIC_DESC_S_L4_CSUM_OK)) {
        return 0;
    }
    return ETH_HLEN + SGNIC_IP4_HLEN + thl;
}

/* Does the segment continue the frame being built? */
static bool sgnic_rsc_joins(const SgnicState *s, const uint8_t *buf,
                            size_t size, uint32_t hlen)
{
    const SgnicRsc *r = &s->rsc;
    const uint8_t *ia = SGNIC_IP(r->buf), *ib = SGNIC_IP(buf);
    const uint8_t *ta = SGNIC_TCP(r->buf), *tb = SGNIC_TCP(buf);
    uint32_t payload = size - hlen;

    return hlen == r->hlen &&
           r->len - r->hlen == r->segs * r->mss &&  /* no short one yet */
           payload <= r->mss &&
           r->len + payload <= sgnic_rsc_limit(s) &&
           !memcmp(r->buf, buf, ETH_HLEN) &&
           /* IPv4: everything but total length, ID and checksum */
           !memcmp(ia, ib, 2) && !memcmp(ia + 6, ib + 6, 4) &&
           !memcmp(ia + 12, ib + 12, 8) &&
           lduw_be_p(ib + 4) == (uint16_t)(r->ip_id + r->segs) &&
           /* TCP: ports, then ACK number, offset, flags, window, urgent, options */
           !memcmp(ta, tb, 4) &&
           ldl_be_p(tb + 4) == r->next_seq &&
           !memcmp(ta + 8, tb + 8, 5) &&
           (tb[13] & ~SGNIC_TCP_FLAG_PSH) == ta[13] &&
           !memcmp(ta + 14, tb + 14, 2) &&
           !memcmp(ta + 18, tb + 18, hlen - ETH_HLEN - SGNIC_IP4_HLEN - 18);
}

/*
 * Start a frame with this segment.  Its RSS result is the flow's: every
 * segment that joins has the same addresses and ports.
 */
static void sgnic_rsc_start(SgnicState *s, uint32_t chan, const uint8_t *buf,
                            size_t size, uint32_t hlen, const SgnicDescWb *wb)
{
    SgnicRsc *r = &s->rsc;

    memcpy(r->buf, buf, size);
    r->len = size;
    r->hlen = hlen;
    r->chan = chan;
    r->segs = 1;
    r->mss = size - hlen;
    r->ip_id = lduw_be_p(SGNIC_IP(buf) + 4);
    r->next_seq = ldl_be_p(SGNIC_TCP(buf) + 4) + r->mss;
    r->hash_status = wb->status & SGNIC_DESC_S_HASH_MASK;
    r->hash = wb->hash;
    qemu_bh_schedule(s->rsc_bh);
}

static void sgnic_rsc_append(SgnicState *s, const uint8_t *buf, size_t size)
{
    SgnicRsc *r = &s->rsc;
    uint32_t payload = size - r->hlen;

    memcpy(r->buf + r->len, buf + r->hlen, payload);
    r->len += payload;
    r->segs++;
    r->next_seq += payload;
    /* The last segment's PSH is the frame's. */
    SGNIC_TCP(r->buf)[13] = SGNIC_TCP(buf)[13];
}

/* Forget the frame being built if it is bound for channel chan. */
void sgnic_rsc_discard(SgnicState *s, uint32_t chan)
{
    if (s->rsc.len && s->rsc.chan == chan) {
        trace_sgnic_rsc_discard(chan, s->rsc.segs);
        s->rsc.len = 0;
    }
}

/*
 * Place the frame being built in its RX ring.  Returns false if it has to
 * wait (no buffers yet, channel suspended or halted, bus mastering off); it
 * stays held and the next doorbell on the RX ring (or turning bus mastering
 * on) retries.
 */
bool sgnic_rsc_flush(SgnicState *s)
{
    SgnicRsc *r = &s->rsc;
    SgnicChannel *ch;
    uint8_t *ip = SGNIC_IP(r->buf);
    SgnicDescWb wb = {
        .status = SGNIC_DESC_S_L4_CSUM_OK | r->hash_status,
        .hash = r->hash,
    };

    if (!r->len) {
        return true;
    }
    ch = &s->chan[r->chan];
    if (ch->state == SGNIC_STATE_STOPPED || !(s->ctrl & SGNIC_CTRL_RX_ENABLE)) {
        sgnic_rsc_discard(s, r->chan);
        return true;
    }
    if (r->segs > 1) {
        stw_be_p(ip + 2, r->len - ETH_HLEN);
        stw_be_p(ip + 10, 0);
        stw_be_p(ip + 10, net_checksum_finish(net_checksum_add(SGNIC_IP4_HLEN, ip)));
        wb.status |= SGNIC_DESC_S_RSC;
        wb.rsc = r->segs | r->mss << 16;
    }
    /* Like any frame, a held one waits while bus mastering is off. */
    if (!sgnic_chan_running(ch) || !sgnic_bus_master(s) ||
        !sgnic_chan_place(ch, r->buf, r->len, &wb)) {
        return false;
    }
    trace_sgnic_rsc_flush(r->chan, r->segs, r->len);
    if (r->segs > 1) {
        SGNIC_STAT(s, SGNIC_REG_STAT_RSC_FRAMES)++;
        SGNIC_STAT(s, SGNIC_REG_STAT_RSC_SEGS) += r->segs;
    }
    r->len = 0;
    return true;
}

/*
 * Does a held frame from a migration stream look like one that
 * sgnic_rsc_start() and sgnic_rsc_append() build?  Its header lengths
 * become memcmp() lengths and offsets in sgnic_rsc_joins(), so they must
 * agree with the headers in the buffer.
 */
bool sgnic_rsc_load_valid(SgnicState *s)
{
    const SgnicRsc *r = &s->rsc;
    const SgnicChannel *ch;
    uint32_t payload;

    if (r->len > SGNIC_RSC_MAX_LEN || r->len < SGNIC_RSC_MIN_HLEN ||
        r->chan >= 2 * s->queues || !SGNIC_CHAN_IS_RX(r->chan)) {
        return false;
    }
    ch = &s->chan[r->chan];
    payload = r->len - r->hlen;
    return ch->state != SGNIC_STATE_STOPPED &&
           r->hlen == ETH_HLEN + SGNIC_IP4_HLEN + (SGNIC_TCP(r->buf)[12] >> 4) * 4 &&
           r->hlen >= SGNIC_RSC_MIN_HLEN && r->hlen < r->len &&
           r->segs && r->segs <= payload && r->mss && r->mss <= payload &&
           r->ip_id <= 0xffff;
}

/*
 * A held frame from a migration stream comes without its RSS result: its
 * headers, the flow's, give it again under the migrated key and types
 * (sgnic_rsc_parse() took only whole TCP headers).
 */
void sgnic_rsc_rehash(SgnicState *s)
{
    SgnicRsc *r = &s->rsc;
    SgnicDescWb wb = { 0 };

    net_rx_pkt_attach_data(s->rx_pkt, r->buf, r->len, false);
    sgnic_rss_classify(s, s->rx_pkt, true, &wb);
    r->hash_status = wb.status;
    r->hash = wb.hash;
}

void sgnic_rsc_bh(void *opaque)
{
    sgnic_rsc_flush(opaque);
}

/*
 * Offer a frame bound for RX channel ch to RSC, with the checksum verdict
 * and RSS result the network side found for it.  Returns the frame's size
 * if RSC took it, 0 if it must wait (QEMU queues it), -1 if the caller
 * places it as usual.
 */
ssize_t sgnic_rsc_receive(SgnicState *s, SgnicChannel *ch, const uint8_t *buf,
                          size_t size, const SgnicDescWb *wb)
{
    SgnicRsc *r = &s->rsc;
    uint32_t hlen = sgnic_rsc_parse(buf, size, wb);

    if (r->len) {
        if (hlen && r->chan == ch->idx && sgnic_rsc_joins(s, buf, size, hlen)) {
            sgnic_rsc_append(s, buf, size);
            if (size - hlen < r->mss || (SGNIC_TCP(buf)[13] & SGNIC_TCP_FLAG_PSH) ||
                r->len + r->mss > sgnic_rsc_limit(s)) {
                sgnic_rsc_flush(s);     /* if it must wait, the BH retries */
            }
            return size;
        }
        /* Whatever this frame is, it goes after the held one. */
        if (!sgnic_rsc_flush(s)) {
            return 0;
        }
    }
    if (!hlen || (SGNIC_TCP(buf)[13] & SGNIC_TCP_FLAG_PSH) ||
        size + (size - hlen) > sgnic_rsc_limit(s)) {
        return -1;
    }
    sgnic_rsc_start(s, ch->idx, buf, size, hlen, wb);
    return size;
}
