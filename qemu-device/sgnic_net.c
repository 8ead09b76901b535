/*
 * sgnic: the network side of the DMA engine.
 *
 * TX gathers a SOP..EOP descriptor chain, checks it against the advertised
 * limits in the order of seed 000, and hands it to QEMU's net_tx_pkt
 * helpers for checksum and TSO.  RX places a frame across as many posted
 * buffers as it needs and lets QEMU queue frames while buffers are short.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "net/queue.h"
#include "system/dma.h"
#include "hw/net/net_tx_pkt.h"
#include "hw/net/net_rx_pkt.h"
#include "sgnic_int.h"
#include "trace.h"

/* A frame the device will not place: count it and say why. */
static ssize_t sgnic_rx_drop(SgnicState *s, uint32_t stat, const char *why,
                             size_t size)
{
    SGNIC_STAT(s, stat)++;
    trace_sgnic_rx_drop(why, size);
    return size;
}

/* ---- Transmit ------------------------------------------------------------ */

/* Per-packet policy checks, seed 000's order: length, elements' size, count. */
static uint32_t sgnic_tx_check(SgnicState *s, const struct sgnic_desc *d,
                               unsigned int n, uint64_t total)
{
    uint64_t boundary = s->seg_boundary_shift < 64 ?
                        1ULL << s->seg_boundary_shift : 0;
    unsigned int i;

    if (total > s->max_xfer) {
        return SGNIC_RES_TOO_MANY_TRANSFERS;
    }
    for (i = 0; i < n; i++) {
        if (d[i].len > s->max_seg) {
            return SGNIC_RES_TOO_MANY_TRANSFERS;
        }
    }
    for (i = 0; i < n && boundary; i++) {
        if ((d[i].addr ^ (d[i].addr + d[i].len - 1)) & ~(boundary - 1)) {
            return SGNIC_RES_BOUNDARY;
        }
    }
    if (n > s->max_sg || (n > 1 && (d[0].flags & SGNIC_DESC_F_SINGLE_XFER))) {
        return SGNIC_RES_TOO_FRAGMENTED;
    }
    return SGNIC_RES_OK;
}

static ssize_t sgnic_rx_take(SgnicState *s, const uint8_t *wire,
                             size_t wire_size, bool last_offer);

/* Each frame that leaves for the wire, every TSO segment on its own. */
static void sgnic_tx_wire(void *opaque, const struct iovec *iov, int iovcnt,
                          const struct iovec *virt_iov, int virt_iovcnt)
{
    SgnicState *s = opaque;

    sgnic_mac_count_tx(s, iov, iovcnt);
    qemu_sendv_packet(qemu_get_queue(s->nic), iov, iovcnt);
}

/*
 * Internal loopback: each (segmented) frame leaves the transmit side, as
 * far as the MAC counters go, and enters our own receive path.
 */
static void sgnic_tx_loopback(void *opaque, const struct iovec *iov, int iovcnt,
                              const struct iovec *virt_iov, int virt_iovcnt)
{
    SgnicState *s = opaque;
    size_t len = iov_size(iov, iovcnt);

    sgnic_mac_count_tx(s, iov, iovcnt);
    if (len > sizeof(s->lb_frame)) {
        sgnic_rx_drop(s, SGNIC_REG_STAT_RX_OVERSIZE, "loopback oversize", len);
        return;
    }
    iov_to_buf(iov, iovcnt, 0, s->lb_frame, len);
    if (!sgnic_rx_take(s, s->lb_frame, len, true)) {
        sgnic_rx_drop(s, SGNIC_REG_STAT_RX_NOBUF, "loopback, no buffers", len);
    }
}

/* The staging buffer is the device's own memory: nothing to unmap. */
static void sgnic_tx_frag_done(void *opaque, void *base, size_t len)
{
}

/*
 * Fill the TCP/UDP checksum the way Linux's CHECKSUM_PARTIAL asks: the
 * driver has put the pseudo-header sum at csum_start + csum_offset; fold
 * the sum from csum_start to the end of the packet into it (spec 5).
 */
static bool sgnic_tx_csum_partial(uint8_t *pkt, uint32_t len,
                                  const struct sgnic_desc *sop)
{
    uint32_t start = sop->csum_start, field = start + sop->csum_offset;
    uint16_t sum;

    if (start < ETH_HLEN || field + 2 > len) {
        return false;
    }
    sum = net_checksum_finish_nozero(net_checksum_add(len - start, pkt + start));
    stw_be_p(pkt + field, sum);
    return true;
}

/*
 * Read the chain's buffers into the staging buffer and send the packet.
 * Every buffer is read with pci_dma_read(), never mapped: a mapping of
 * anything but RAM is a bounce buffer whose read result nobody sees, and a
 * copy cannot change under the checks below.  Returns a per-packet result,
 * or a halting error as the negated SGNIC_ERR_* code.
 */
static int sgnic_tx_send(SgnicState *s, const struct sgnic_desc *d,
                         unsigned int n, uint32_t total)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    NetClientState *nc = qemu_get_queue(s->nic);
    bool tso = d[0].flags & SGNIC_DESC_F_TSO;
    bool csum = d[0].flags & SGNIC_DESC_F_CSUM;
    bool partial = csum && !tso && (d[0].csum_start || d[0].csum_offset);
    uint32_t off = 0;
    int ret = SGNIC_RES_OK;
    unsigned int i;
    bool sent;

    for (i = 0; i < n; i++) {
        if (sgnic_inject_dma_fault(s)) {
            return -SGNIC_ERR_INJECTED;
        }
        if (pci_dma_read(pdev, d[i].addr, s->tx_buf + off, d[i].len) != MEMTX_OK) {
            trace_sgnic_tx_buf_fault(d[i].addr, d[i].len);
            return -SGNIC_ERR_BUF_READ;
        }
        off += d[i].len;
    }
    if (partial && !sgnic_tx_csum_partial(s->tx_buf, total, &d[0])) {
        return SGNIC_RES_BAD_OFFLOAD;
    }
    net_tx_pkt_add_raw_fragment(s->tx_pkt, s->tx_buf, total);
    if (!net_tx_pkt_parse(s->tx_pkt)) {
        ret = SGNIC_RES_BAD_OFFLOAD;
        goto out;
    }
    /* Before the offloads, so that every TSO segment carries the tag. */
    if (d[0].flags & SGNIC_DESC_F_VLAN) {
        net_tx_pkt_setup_vlan_header_ex(s->tx_pkt, d[0].vlan_tci, ETH_P_VLAN);
        trace_sgnic_vlan("insert", d[0].vlan_tci);
    }
    if (!net_tx_pkt_build_vheader(s->tx_pkt, tso, tso || (csum && !partial),
                                  d[0].mss) ||
        (tso && !d[0].mss)) {
        ret = SGNIC_RES_BAD_OFFLOAD;
        goto out;
    }
    if (s->ctrl & SGNIC_CTRL_LOOPBACK) {
        sent = net_tx_pkt_send_custom(s->tx_pkt, false, sgnic_tx_loopback, s);
    } else if (!nc->link_down) {
        /*
         * No virtio-net header ever goes to the peer: QEMU segments and
         * checksums, and the MAC counts the frames that result.
         */
        sent = net_tx_pkt_send_custom(s->tx_pkt, false, sgnic_tx_wire, s);
    } else {
        goto out;               /* link down: completes, not sent (spec 8) */
    }
    if (!sent) {
        /* QEMU could not build the frames (a TSO payload above 64 KiB). */
        ret = SGNIC_RES_BAD_OFFLOAD;
        goto out;
    }
    SGNIC_STAT(s, SGNIC_REG_STAT_TX_PKTS)++;
out:
    net_tx_pkt_reset(s->tx_pkt, sgnic_tx_frag_done, NULL);
    return ret;
}

/*
 * Read the chain starting at the channel's head into s->scratch.  Returns
 * its length, 0 if it is not complete yet (no EOP before TAIL), or -1 if
 * the channel halted on a malformed descriptor.
 */
static int sgnic_tx_gather(SgnicChannel *ch, uint64_t *total)
{
    SgnicState *s = ch->s;
    uint32_t avail = sgnic_ring_used(ch);
    uint32_t i = ch->head;
    unsigned int n;

    *total = 0;
    for (n = 0; n < avail; n++) {
        struct sgnic_desc *d = &s->scratch[n];

        if (n == SGNIC_HW_MAX_CHAIN) {
            sgnic_chan_halt(ch, SGNIC_ERR_CHAIN, ch->head);
            return -1;
        }
        if (!sgnic_chan_read_desc(ch, i, d)) {
            return -1;
        }
        if ((d->flags & SGNIC_DESC_F_RESERVED) ||
            (n == 0) != !!(d->flags & SGNIC_DESC_F_SOP)) {
            sgnic_chan_halt(ch, SGNIC_ERR_DESC_FLAGS, i);
            return -1;
        }
        if (!d->len || d->len > SGNIC_HW_MAX_BUF_LEN) {
            sgnic_chan_halt(ch, SGNIC_ERR_DESC_LEN, i);
            return -1;
        }
        *total += d->len;
        if (*total > SGNIC_HW_MAX_PKT_LEN) {
            sgnic_chan_halt(ch, SGNIC_ERR_CHAIN, i);
            return -1;
        }
        if (d->flags & SGNIC_DESC_F_EOP) {
            return n + 1;
        }
        i = (i + 1) & (ch->ring_size - 1);
    }
    /* A chain filling the whole ring without EOP can never complete. */
    if (avail == ch->ring_size - 1) {
        sgnic_chan_halt(ch, SGNIC_ERR_CHAIN, ch->head);
        return -1;
    }
    return 0;
}

static bool sgnic_tx_one(SgnicChannel *ch)
{
    SgnicState *s = ch->s;
    uint32_t first = ch->head;
    uint64_t total;
    int n, res;
    unsigned int k;
    bool inject_short;

    n = sgnic_tx_gather(ch, &total);
    if (n <= 0) {
        return false;
    }
    res = sgnic_tx_check(s, s->scratch, n, total);
    if (res == SGNIC_RES_OK) {
        res = sgnic_tx_send(s, s->scratch, n, total);
        if (res < 0) {
            sgnic_chan_halt(ch, -res, first);
            return false;
        }
    }
    trace_sgnic_tx_packet(ch->idx, first, n, total, res);
    if (res != SGNIC_RES_OK) {
        ch->pkt_errs++;         /* a per-packet result, not a guest error */
    }
    inject_short = res == SGNIC_RES_OK && s->inject_short &&
                   ++s->tx_pkts_seen % s->inject_short == 0;
    for (k = 0; k < n; k++) {
        const struct sgnic_desc *d = &s->scratch[k];
        const SgnicDescWb wb = { .status = res };
        uint32_t len = res == SGNIC_RES_OK ? d->len : 0;

        if (inject_short && k == n - 1) {
            len--;
        }
        if (!sgnic_chan_complete(ch, (first + k) & (ch->ring_size - 1),
                                 d->flags, len, &wb)) {
            return false;
        }
    }
    return true;
}

void sgnic_tx_process(SgnicChannel *ch)
{
    SgnicState *s = ch->s;
    unsigned int done = 0;

    if (!sgnic_bus_master(s)) {
        return;
    }
    while (ch->state == SGNIC_STATE_ACTIVE && ch->head != ch->tail) {
        uint32_t before = ch->head;

        if (done >= SGNIC_TX_BUDGET) {
            qemu_bh_schedule(s->tx_bh);
            break;
        }
        if (!sgnic_tx_one(ch)) {
            break;
        }
        done += (ch->head - before) & (ch->ring_size - 1);
    }
    trace_sgnic_tx_pass(ch->idx, done, ch->head, ch->tail);
    sgnic_chan_end_pass(ch);
}

void sgnic_tx_bh(void *opaque)
{
    SgnicState *s = opaque;
    unsigned int q;

    for (q = 0; q < s->queues; q++) {
        sgnic_tx_process(&s->chan[SGNIC_CHAN_TX(q)]);
    }
}

/* ---- Receive ------------------------------------------------------------- */

/*
 * Where the frame's TCP or UDP header is, if it has a whole one the
 * checksum can be verified for (spec 6): Ethernet with at most one 802.1Q
 * tag, IPv4 (not a fragment) or IPv6 without extension headers, and lengths
 * that fit in the frame.  QEMU's net_rx_pkt helpers trust the lengths they
 * parse (a runt SCTP frame reads past their iovec), so they see only frames
 * that passed this.
 */
static bool sgnic_rx_l4_present(const uint8_t *buf, size_t size)
{
    size_t l3 = ETH_HLEN, hlen, plen;
    uint16_t type;
    uint8_t proto;

    if (size < ETH_HLEN) {
        return false;
    }
    type = lduw_be_p(buf + 12);
    if (type == ETH_P_VLAN) {
        l3 += 4;
        if (size < l3) {
            return false;
        }
        type = lduw_be_p(buf + l3 - 2);
    }
    if (type == ETH_P_IP) {
        if (size < l3 + 20 || buf[l3] >> 4 != 4) {
            return false;
        }
        hlen = (buf[l3] & 0xf) * 4;
        plen = lduw_be_p(buf + l3 + 2);
        if (hlen < 20 || plen < hlen || l3 + plen > size ||
            (lduw_be_p(buf + l3 + 6) & 0x3fff)) {
            return false;
        }
        proto = buf[l3 + 9];
        plen -= hlen;
    } else if (type == ETH_P_IPV6) {
        if (size < l3 + 40 || buf[l3] >> 4 != 6) {
            return false;
        }
        plen = lduw_be_p(buf + l3 + 4);
        if (l3 + 40 + plen > size) {
            return false;
        }
        proto = buf[l3 + 6];
    } else {
        return false;
    }
    return (proto == IP_PROTO_TCP && plen >= 20) ||
           (proto == IP_PROTO_UDP && plen >= 8);
}

/* The checksum verdict of the frame s->rx_pkt holds. */
static uint32_t sgnic_rx_csum_status(SgnicState *s, bool whole_l4)
{
    EthL4HdrProto l4;
    bool ip4, ip6, valid;

    if (!whole_l4) {
        return 0;
    }
    net_rx_pkt_get_protocols(s->rx_pkt, &ip4, &ip6, &l4);
    if ((l4 != ETH_L4_HDR_PROTO_TCP && l4 != ETH_L4_HDR_PROTO_UDP) ||
        !net_rx_pkt_validate_l4_csum(s->rx_pkt, &valid)) {
        return 0;
    }
    return valid ? SGNIC_DESC_S_L4_CSUM_OK : SGNIC_DESC_S_L4_CSUM_BAD;
}

bool sgnic_can_receive(NetClientState *nc)
{
    SgnicState *s = qemu_get_nic_opaque(nc);

    /*
     * Only missing bus mastering makes frames wait; with RX_ENABLE clear
     * sgnic_receive() drops them (spec 6), so QEMU must hand them over.
     */
    return sgnic_bus_master(s) || s->gone || !(s->ctrl & SGNIC_CTRL_RX_ENABLE);
}

/*
 * Take one frame from the wire or from loopback.  Returns what
 * NetReceive returns; *mac_ok says whether the MAC let it in (the address
 * filter and MAX_FRAME), for its counters.
 */
static ssize_t sgnic_rx_frame(SgnicState *s, const uint8_t *wire,
                              size_t wire_size, bool *mac_ok)
{
    SgnicDescWb wb = { 0 };
    /* What is placed: the frame, or the frame without its VLAN tag. */
    const uint8_t *buf = wire;
    size_t size = wire_size;
    SgnicChannel *ch;
    ssize_t taken;
    bool whole_l4;

    /*
     * Never return 0 for a frame that can never be placed: QEMU would
     * queue it and hold back every frame behind it for good.
     */
    if (s->gone) {
        trace_sgnic_rx_drop("device gone", size);
        return size;
    }
    if (!(s->ctrl & SGNIC_CTRL_RX_ENABLE)) {
        return sgnic_rx_drop(s, SGNIC_REG_STAT_RX_DISABLED, "receive off", size);
    }
    if (!sgnic_bus_master(s)) {
        return 0;       /* wait until the driver enables bus mastering */
    }
    if (size < SGNIC_MIN_FRAME) {
        sgnic_rx_drop(s, SGNIC_REG_STAT_RX_RUNT, "runt", size);
        /*
         * QEMU's net layer reads a 0 return as "queue it and stop", so an
         * empty frame would wait at the head of the queue for ever and the
         * stream and socket backends stop reading: report it consumed.
         */
        return MAX(size, 1);
    }
    if (!sgnic_filter_accept_addr(s, buf)) {
        return sgnic_rx_drop(s, SGNIC_REG_STAT_RX_FILTERED, "address", size);
    }
    if (size > SGNIC_MAX_FRAME) {
        return sgnic_rx_drop(s, SGNIC_REG_STAT_RX_OVERSIZE, "oversize", size);
    }
    *mac_ok = true;
    if (!sgnic_vlan_rx(s, &buf, &size, &wb)) {
        return sgnic_rx_drop(s, SGNIC_REG_STAT_RX_VLAN_DROPS, "VLAN", size);
    }
    /*
     * One parse serves the RSS decision and the checksum verdict.  It
     * reads only what lies inside the frame; checksum validation, which
     * trusts its lengths, and hashing the ports wait for whole_l4 too.
     */
    net_rx_pkt_attach_data(s->rx_pkt, buf, size, false);
    whole_l4 = sgnic_rx_l4_present(buf, size);
    ch = &s->chan[SGNIC_CHAN_RX(sgnic_rss_classify(s, s->rx_pkt, whole_l4,
                                                   &wb))];
    if (ch->state == SGNIC_STATE_STOPPED) {
        /* The driver has not started this queue: nobody to deliver to. */
        return sgnic_rx_drop(s, SGNIC_REG_STAT_RX_NOBUF, "channel stopped",
                             wire_size);
    }
    if (!sgnic_chan_running(ch)) {
        return 0;       /* suspended or halted: wait for resume or reset */
    }
    wb.status |= sgnic_rx_csum_status(s, whole_l4);
    if (s->rsc_max_len || s->rsc.len) {
        taken = sgnic_rsc_receive(s, ch, buf, size, &wb);
        if (taken >= 0) {
            return taken ? wire_size : 0;
        }
    }
    return sgnic_chan_place(ch, buf, size, &wb) ? wire_size : 0;
}

/*
 * A frame the MAC let in is counted once, when the device takes it: not
 * while QEMU holds it for later (a 0 return), unless this is the only offer
 * (loopback, where the caller drops what is not taken).
 */
static ssize_t sgnic_rx_take(SgnicState *s, const uint8_t *wire,
                             size_t wire_size, bool last_offer)
{
    bool mac_ok = false;
    ssize_t taken = sgnic_rx_frame(s, wire, wire_size, &mac_ok);

    if (mac_ok && (taken || last_offer)) {
        sgnic_mac_count_rx(s, wire, wire_size);
    }
    return taken;
}

ssize_t sgnic_receive(NetClientState *nc, const uint8_t *wire, size_t wire_size)
{
    return sgnic_rx_take(qemu_get_nic_opaque(nc), wire, wire_size, false);
}

/*
 * Offer again the frames QEMU holds for the device, in their order.  The
 * first frame refused (a 0 return) waits in the NIC's own queue; behind a
 * hub, the ones after it wait in the sending port's queue, and
 * qemu_flush_queued_packets() empties the hub's before the NIC's: frames
 * would overtake the held one.  So the own queue goes first, and the
 * hub's only once it is empty.
 */
void sgnic_flush_held(SgnicState *s)
{
    NetClientState *nc;

    if (!s->nic) {
        return;
    }
    nc = qemu_get_queue(s->nic);
    /* what qemu_flush_queued_packets() does first; a refusal sets it again */
    nc->receive_disabled = 0;
    if (qemu_net_queue_flush(nc->incoming_queue)) {
        qemu_flush_queued_packets(nc);
    }
}

void sgnic_rx_flush(SgnicState *s)
{
    /* A coalesced frame held back goes before anything QEMU queued. */
    if (sgnic_rsc_flush(s)) {
        sgnic_flush_held(s);
    }
}
