/*
 * sgnic: the MAC's frame counters.
 *
 * Frames received and sent, their octets, how many went to a multicast or
 * the broadcast address, and a length histogram each way: what IEEE 802.3
 * and RMON ask a MAC to count, and what ethtool's eth-mac and rmon groups
 * show.  sgnic_net.c calls in once per frame, at the point the MAC has
 * decided about it; docs/spec.md, "MAC statistics", says where that is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"
#include "net/eth.h"
#include "sgnic_int.h"

static const uint32_t sgnic_mac_hist_max[SGNIC_MAC_HIST_BUCKETS] =
    SGNIC_MAC_HIST_MAX;

bool sgnic_mac_stats_is_reg(hwaddr addr)
{
    return addr >= SGNIC_MAC_STATS_BASE && addr < SGNIC_MAC_STATS_END;
}

/* A counter's low or high half: the device is accessed 4 bytes at a time. */
uint32_t sgnic_mac_stats_read(SgnicState *s, hwaddr addr)
{
    uint64_t v = s->mac_stats[(addr - SGNIC_MAC_STATS_BASE) / 8];

    return addr & 4 ? v >> 32 : (uint32_t)v;
}

/*
 * Count one frame of len bytes (no FCS) whose destination address is dst.
 * Every caller has checked that the frame holds an Ethernet header.
 */
static void sgnic_mac_count(SgnicState *s, bool tx, const uint8_t *dst,
                            size_t len)
{
    /* The TX block repeats the RX block's layout, SGNIC_MAC_TX_FRAMES on. */
    uint64_t *c = s->mac_stats + (tx ? SGNIC_MAC_TX_FRAMES : 0);
    size_t wire = len + SGNIC_MAC_FCS_LEN;
    unsigned int b = 0;

    QEMU_BUILD_BUG_ON(SGNIC_MAC_RX_FRAMES != 0 ||
                      SGNIC_MAC_TX_HIST(0) - SGNIC_MAC_RX_HIST(0) !=
                      SGNIC_MAC_TX_FRAMES);
    c[SGNIC_MAC_RX_FRAMES]++;
    c[SGNIC_MAC_RX_OCTETS] += len;
    if (is_broadcast_ether_addr(dst)) {
        c[SGNIC_MAC_RX_BCAST]++;
    } else if (is_multicast_ether_addr(dst)) {
        c[SGNIC_MAC_RX_MCAST]++;
    }
    while (b < SGNIC_MAC_HIST_BUCKETS - 1 && wire > sgnic_mac_hist_max[b]) {
        b++;
    }
    c[SGNIC_MAC_RX_HIST(b)]++;
}

void sgnic_mac_count_rx(SgnicState *s, const uint8_t *frame, size_t len)
{
    sgnic_mac_count(s, false, frame, len);
}

void sgnic_mac_count_tx(SgnicState *s, const struct iovec *iov, int iovcnt)
{
    uint8_t dst[ETH_ALEN];
    size_t len = iov_size(iov, iovcnt);

    /* net_tx_pkt built it from a parsed Ethernet header: never shorter. */
    if (iov_to_buf(iov, iovcnt, 0, dst, sizeof(dst)) == sizeof(dst)) {
        sgnic_mac_count(s, true, dst, len);
    }
}
