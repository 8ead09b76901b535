/*
 * sgnic: receive-side scaling (RSS).
 *
 * A frame whose type is enabled in RSS_TYPES is hashed with Toeplitz over
 * its IP addresses (and TCP or UDP ports) under the 40-byte key, and goes
 * to the RX pair that entry hash & 127 of the indirection table names.
 * The hash itself is QEMU's (net_rx_pkt_calc_rss_hash), over the headers
 * net_rx_pkt has already parsed for the checksum verdict, so the device
 * parses each frame once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/net/net_rx_pkt.h"
#include "sgnic_int.h"
#include "trace.h"

/*
 * The key of Microsoft's RSS verification suite: from reset, the
 * published hashes of that suite are what the device reports.
 */
static const uint8_t sgnic_rss_default_key[SGNIC_RSS_KEY_LEN] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
    0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
    0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/*
 * Per SGNIC_HASH_* type: the RSS_TYPES bit that enables it, QEMU's input
 * set for it, and the type to fall back to when it is not enabled (a TCP
 * frame with only SGNIC_RSS_IPV4 hashes over its addresses).
 */
static const struct {
    uint32_t enable;
    NetRxPktRssType input;
    uint32_t fallback;
} sgnic_rss_hash_types[] = {
    [SGNIC_HASH_IPV4] = { SGNIC_RSS_IPV4, NetPktRssIpV4, SGNIC_HASH_NONE },
    [SGNIC_HASH_IPV4_TCP] = { SGNIC_RSS_IPV4_TCP, NetPktRssIpV4Tcp,
                              SGNIC_HASH_IPV4 },
    [SGNIC_HASH_IPV4_UDP] = { SGNIC_RSS_IPV4_UDP, NetPktRssIpV4Udp,
                              SGNIC_HASH_IPV4 },
    [SGNIC_HASH_IPV6] = { SGNIC_RSS_IPV6, NetPktRssIpV6, SGNIC_HASH_NONE },
    [SGNIC_HASH_IPV6_TCP] = { SGNIC_RSS_IPV6_TCP, NetPktRssIpV6Tcp,
                              SGNIC_HASH_IPV6 },
    [SGNIC_HASH_IPV6_UDP] = { SGNIC_RSS_IPV6_UDP, NetPktRssIpV6Udp,
                              SGNIC_HASH_IPV6 },
};

/* Entry i sends to pair i % pairs: what a write of RX_QUEUES does. */
void sgnic_rss_fill_reta(SgnicState *s, uint32_t pairs)
{
    unsigned int i;

    for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++) {
        s->rss_reta[i] = i % pairs;
    }
}

/* The power-on state; RX_QUEUES must already hold its reset value. */
void sgnic_rss_reset(SgnicState *s)
{
    s->rss_types = SGNIC_RSS_ALL;
    memcpy(s->rss_key, sgnic_rss_default_key, sizeof(s->rss_key));
    sgnic_rss_fill_reta(s, s->rx_queues);
}

bool sgnic_rss_is_reg(hwaddr addr)
{
    return addr == SGNIC_REG_RSS_TYPES ||
           (addr >= SGNIC_REG_RSS_KEY(0) &&
            addr < SGNIC_REG_RSS_KEY(SGNIC_RSS_KEY_REGS)) ||
           (addr >= SGNIC_REG_RSS_RETA(0) && addr < SGNIC_RSS_END);
}

/*
 * The key and the table are byte arrays that registers show four bytes
 * at a time, the lowest-numbered byte in bits 7:0.
 */
uint32_t sgnic_rss_read(SgnicState *s, hwaddr addr)
{
    if (addr == SGNIC_REG_RSS_TYPES) {
        return s->rss_types;
    }
    if (addr < SGNIC_REG_RSS_RETA(0)) {
        return ldl_le_p(s->rss_key + (addr - SGNIC_REG_RSS_KEY(0)));
    }
    return ldl_le_p(s->rss_reta + (addr - SGNIC_REG_RSS_RETA(0)));
}

void sgnic_rss_write(SgnicState *s, hwaddr addr, uint32_t val)
{
    unsigned int i;

    if (addr == SGNIC_REG_RSS_TYPES) {
        s->rss_types = val & SGNIC_RSS_ALL;
        return;
    }
    if (addr < SGNIC_REG_RSS_RETA(0)) {
        stl_le_p(s->rss_key + (addr - SGNIC_REG_RSS_KEY(0)), val);
        return;
    }
    /* A pair that does not exist would strand frames: refuse the word. */
    for (i = 0; i < 4; i++) {
        if (extract32(val, 8 * i, 8) >= s->queues) {
            trace_sgnic_rss_reta_refused(addr, val, s->queues);
            qemu_log_mask(LOG_GUEST_ERROR, "sgnic: RSS_RETA 0x%" HWADDR_PRIx
                          " = 0x%08x names a pair beyond %u: ignored\n",
                          addr, val, s->queues);
            return;
        }
    }
    stl_le_p(s->rss_reta + (addr - SGNIC_REG_RSS_RETA(0)), val);
}

/*
 * Classify the frame net_rx_pkt holds: fill wb's hash-type status bits
 * and hash, and return the RX pair it goes to.  whole_l4 says whether the
 * frame has a TCP or UDP header the checksum verdict covers (spec 6);
 * only then are its ports hashed, so a fragment, a truncated segment or
 * one behind IPv6 extension headers hashes over its addresses.
 */
unsigned int sgnic_rss_classify(SgnicState *s, struct NetRxPkt *pkt,
                                bool whole_l4, SgnicDescWb *wb)
{
    uint32_t type = SGNIC_HASH_NONE, hash = 0;
    unsigned int pair = 0;
    bool ip4, ip6;
    EthL4HdrProto l4;

    net_rx_pkt_get_protocols(pkt, &ip4, &ip6, &l4);
    if (!whole_l4) {
        l4 = ETH_L4_HDR_PROTO_INVALID;
    }
    if (ip4) {
        type = l4 == ETH_L4_HDR_PROTO_TCP ? SGNIC_HASH_IPV4_TCP :
               l4 == ETH_L4_HDR_PROTO_UDP ? SGNIC_HASH_IPV4_UDP :
               SGNIC_HASH_IPV4;
    } else if (ip6) {
        type = l4 == ETH_L4_HDR_PROTO_TCP ? SGNIC_HASH_IPV6_TCP :
               l4 == ETH_L4_HDR_PROTO_UDP ? SGNIC_HASH_IPV6_UDP :
               SGNIC_HASH_IPV6;
    }
    while (type != SGNIC_HASH_NONE &&
           !(s->rss_types & sgnic_rss_hash_types[type].enable)) {
        type = sgnic_rss_hash_types[type].fallback;
    }
    if (type != SGNIC_HASH_NONE) {
        hash = net_rx_pkt_calc_rss_hash(pkt, sgnic_rss_hash_types[type].input,
                                        s->rss_key);
        pair = s->rss_reta[hash % SGNIC_RSS_RETA_SIZE];
    }
    trace_sgnic_rx_rss(type, hash, pair);
    wb->status |= type << SGNIC_DESC_S_HASH_SHIFT;
    wb->hash = hash;
    return pair;
}

/* A migrated RSS state the guest could not have written. */
const char *sgnic_rss_load_error(const SgnicState *s)
{
    unsigned int i;

    if (s->rss_types & ~SGNIC_RSS_ALL) {
        return "RSS_TYPES with reserved bits";
    }
    for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++) {
        if (s->rss_reta[i] >= s->queues) {
            return "RSS table entry beyond the queues";
        }
    }
    return NULL;
}
