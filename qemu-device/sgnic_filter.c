/*
 * sgnic: receive address filters and VLAN.
 *
 * Which frames the device takes by destination address (the station
 * address, a 16-entry exact-match table, a 4096-bit multicast hash,
 * CTRL.ALLMULTI and CTRL.PROMISC), then which 802.1Q VIDs (a 4096-bit
 * table under CTRL.VLAN_FILTER), and taking the tag off a frame under
 * CTRL.VLAN_STRIP.  Tag insertion on transmit is net_tx_pkt's, in
 * sgnic_net.c.  docs/spec.md, "Receive filters and VLAN", gives the rules.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "net/eth.h"
#include "net/net.h"
#include "sgnic_int.h"
#include "trace.h"

/* Address table HI: bytes 4 and 5 of the address, and the valid bit. */
#define SGNIC_ADDR_HI_BITS  (SGNIC_ADDR_VALID | 0xffffu)
/* The tag sits after the destination and source addresses. */
#define SGNIC_VLAN_TAG_OFF  (2 * ETH_ALEN)

void sgnic_filter_reset(SgnicState *s)
{
    memset(s->vlan_table, 0, sizeof(s->vlan_table));
    memset(s->mc_hash, 0, sizeof(s->mc_hash));
    memset(s->addr_lo, 0, sizeof(s->addr_lo));
    memset(s->addr_hi, 0, sizeof(s->addr_hi));
}

bool sgnic_filter_is_reg(hwaddr addr)
{
    return addr >= SGNIC_FILTER_BASE && addr < SGNIC_FILTER_END;
}

/* The state behind a register of the block; *wmask gets its writable bits. */
static uint32_t *sgnic_filter_reg(SgnicState *s, hwaddr addr, uint32_t *wmask)
{
    unsigned int i;

    *wmask = UINT32_MAX;
    if (addr < SGNIC_REG_MC_HASH(0)) {
        return &s->vlan_table[(addr - SGNIC_REG_VLAN_TABLE(0)) / 4];
    }
    if (addr < SGNIC_REG_ADDR_LO(0)) {
        return &s->mc_hash[(addr - SGNIC_REG_MC_HASH(0)) / 4];
    }
    i = (addr - SGNIC_REG_ADDR_LO(0)) / 8;
    if (addr == SGNIC_REG_ADDR_LO(i)) {
        return &s->addr_lo[i];
    }
    *wmask = SGNIC_ADDR_HI_BITS;
    return &s->addr_hi[i];
}

uint32_t sgnic_filter_read(SgnicState *s, hwaddr addr)
{
    uint32_t wmask;

    return *sgnic_filter_reg(s, addr, &wmask);
}

void sgnic_filter_write(SgnicState *s, hwaddr addr, uint32_t val)
{
    uint32_t wmask;
    uint32_t *reg = sgnic_filter_reg(s, addr, &wmask);

    *reg = val & wmask;
}

static bool sgnic_filter_bit(const uint32_t *table, unsigned int bit)
{
    return extract32(table[bit / 32], bit % 32, 1);
}

/* Is dst a valid entry of the exact-match table? */
static bool sgnic_filter_in_table(const SgnicState *s, const uint8_t *dst)
{
    uint8_t addr[ETH_ALEN];
    unsigned int i;

    for (i = 0; i < SGNIC_ADDR_ENTRIES; i++) {
        if (!(s->addr_hi[i] & SGNIC_ADDR_VALID)) {
            continue;
        }
        stl_le_p(addr, s->addr_lo[i]);
        stw_le_p(addr + 4, s->addr_hi[i]);
        if (!memcmp(addr, dst, ETH_ALEN)) {
            return true;
        }
    }
    return false;
}

/*
 * The address filter, in the spec's order: broadcast, PROMISC, then the
 * station address (unicast) or ALLMULTI (multicast), the table, and the
 * multicast hash (net_crc32() is Linux's ether_crc(), so the bit a driver
 * computes is the bit the device tests).
 */
bool sgnic_filter_accept_addr(SgnicState *s, const uint8_t *dst)
{
    bool mcast = is_multicast_ether_addr(dst);
    uint8_t mac[ETH_ALEN];

    if (is_broadcast_ether_addr(dst) || (s->ctrl & SGNIC_CTRL_PROMISC)) {
        return true;
    }
    if (mcast && (s->ctrl & SGNIC_CTRL_ALLMULTI)) {
        return true;
    }
    if (!mcast) {
        stl_le_p(mac, s->mac_lo);
        stw_le_p(mac + 4, s->mac_hi);
        if (!memcmp(mac, dst, ETH_ALEN)) {
            return true;
        }
    }
    if (sgnic_filter_in_table(s, dst)) {
        return true;
    }
    if (mcast && sgnic_filter_bit(s->mc_hash, net_crc32(dst, ETH_ALEN) >>
                                              SGNIC_MC_HASH_SHIFT)) {
        return true;
    }
    trace_sgnic_rx_filtered(mcast ? "multicast: not ALLMULTI, table or hash" :
                            "unicast: not the station address or table",
                            ldq_be_p(dst) >> 16);
    return false;
}

/*
 * The VLAN side of a frame that passed the address filter: false if
 * CTRL.VLAN_FILTER drops it; otherwise, under CTRL.VLAN_STRIP, *buf and
 * *size become the frame without its tag, and wb the tag's status and
 * TCI.  Only an outer 0x8100 with a whole tag counts as tagged.
 */
bool sgnic_vlan_rx(SgnicState *s, const uint8_t **buf, size_t *size,
                   SgnicDescWb *wb)
{
    const uint8_t *f = *buf;
    size_t tagged_min = ETH_HLEN + sizeof(struct vlan_header);
    uint16_t tci, vid;

    if (*size < tagged_min || lduw_be_p(f + SGNIC_VLAN_TAG_OFF) != ETH_P_VLAN) {
        return true;
    }
    tci = lduw_be_p(f + ETH_HLEN);
    vid = tci & VLAN_VID_MASK;
    if ((s->ctrl & SGNIC_CTRL_VLAN_FILTER) && vid &&
        !sgnic_filter_bit(s->vlan_table, vid)) {
        trace_sgnic_vlan("drop: VID not in the table", tci);
        return false;
    }
    if (s->ctrl & SGNIC_CTRL_VLAN_STRIP) {
        memcpy(s->rx_untagged, f, SGNIC_VLAN_TAG_OFF);
        memcpy(s->rx_untagged + SGNIC_VLAN_TAG_OFF,
               f + SGNIC_VLAN_TAG_OFF + sizeof(struct vlan_header),
               *size - SGNIC_VLAN_TAG_OFF - sizeof(struct vlan_header));
        *buf = s->rx_untagged;
        *size -= sizeof(struct vlan_header);
        wb->status |= SGNIC_DESC_S_VLAN;
        wb->vlan_tci = tci;
        trace_sgnic_vlan("strip", tci);
    }
    return true;
}

/* A migrated filter state the guest could not have written. */
const char *sgnic_filter_load_error(const SgnicState *s)
{
    unsigned int i;

    for (i = 0; i < SGNIC_ADDR_ENTRIES; i++) {
        if (s->addr_hi[i] & ~SGNIC_ADDR_HI_BITS) {
            return "address table HI with reserved bits";
        }
    }
    return NULL;
}
