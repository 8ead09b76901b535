// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: receive filters and VLAN offload (spec, "Receive filters").
 *
 * The device takes broadcast, its own MAC, the addresses of a 16-entry
 * exact-match table and multicast whose bit is set in a 4096-bit CRC hash
 * table; CTRL.ALLMULTI and CTRL.PROMISC widen that.  ndo_set_rx_mode puts
 * the secondary unicast addresses (macvlan, a second MAC) and then the
 * multicast groups into the table; multicast that does not fit goes to the
 * hash, unicast that does not fit turns promiscuous mode on: the only case
 * the device needs it for.  VLAN: tags are stripped to the descriptor and
 * inserted from it, and with rx-vlan-filter the device drops VIDs no VLAN
 * device asked for.
 *
 * The address tables are programmed under the netdev address lock (held
 * by the core around ndo_set_rx_mode, taken here on up), the VLAN table
 * under RTNL, CTRL under ctrl_lock (sgnic_write_ctrl), since ethtool
 * feature changes write it too.
 */
#include <linux/crc32.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>

#include "sgnic.h"

bool sgnic_has_rx_filter(const struct sgnic_priv *priv)
{
	return priv->caps.features & SGNIC_FEAT_RX_FILTER;
}

bool sgnic_has_vlan(const struct sgnic_priv *priv)
{
	return priv->caps.features & SGNIC_FEAT_VLAN;
}

static void sgnic_write_addr(struct sgnic_priv *priv, unsigned int i, const u8 *a)
{
	if (!a) {
		sgnic_wr(priv, SGNIC_REG_ADDR_HI(i), 0);
		return;
	}
	/* invalid while the low half changes, so no mixed address matches */
	sgnic_wr(priv, SGNIC_REG_ADDR_HI(i), 0);
	sgnic_wr(priv, SGNIC_REG_ADDR_LO(i), a[0] | a[1] << 8 | a[2] << 16 | (u32)a[3] << 24);
	sgnic_wr(priv, SGNIC_REG_ADDR_HI(i), a[4] | a[5] << 8 | SGNIC_ADDR_VALID);
}

/*
 * Fill the address table and the multicast hash from the netdev's lists.
 * Called with the address lock held.  force writes every register (after
 * a device reset); otherwise only what changed.
 */
static void sgnic_sync_filters(struct sgnic_priv *priv, bool force)
{
	struct net_device *netdev = priv->netdev;
	u32 *hash = priv->mc_hash_next;
	struct netdev_hw_addr *ha;
	unsigned int n = 0, i, bit;
	u32 ctrl = 0;

	if (netdev->flags & IFF_PROMISC)
		ctrl |= SGNIC_CTRL_PROMISC;
	if (netdev->flags & IFF_ALLMULTI)
		ctrl |= SGNIC_CTRL_ALLMULTI;
	if (!sgnic_has_rx_filter(priv)) {
		/* such a device takes every multicast frame anyway */
		priv->rx_filter_ctrl = ctrl | SGNIC_CTRL_ALLMULTI;
		return;
	}

	if (netdev_uc_count(netdev) > SGNIC_ADDR_ENTRIES) {
		ctrl |= SGNIC_CTRL_PROMISC;
	} else {
		netdev_for_each_uc_addr(ha, netdev)
			sgnic_write_addr(priv, n++, ha->addr);
	}
	memset(hash, 0, sizeof(priv->mc_hash_next));
	netdev_for_each_mc_addr(ha, netdev) {
		if (n < SGNIC_ADDR_ENTRIES) {
			sgnic_write_addr(priv, n++, ha->addr);
			continue;
		}
		bit = ether_crc(ETH_ALEN, ha->addr) >> SGNIC_MC_HASH_SHIFT;
		hash[bit / 32] |= BIT(bit % 32);
	}
	for (i = n; i < SGNIC_ADDR_ENTRIES; i++)
		if (force || i < priv->addr_entries)
			sgnic_write_addr(priv, i, NULL);
	priv->addr_entries = n;

	for (i = 0; i < SGNIC_MC_HASH_REGS; i++) {
		if (force || hash[i] != priv->mc_hash[i])
			sgnic_wr(priv, SGNIC_REG_MC_HASH(i), hash[i]);
		priv->mc_hash[i] = hash[i];
	}
	priv->rx_filter_ctrl = ctrl;
}

void sgnic_set_rx_mode(struct net_device *netdev)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (!priv->up)
		return;
	sgnic_sync_filters(priv, false);
	sgnic_write_ctrl(priv, netdev->features);
}

static void sgnic_write_vlan_word(struct sgnic_priv *priv, unsigned int i)
{
	sgnic_wr(priv, SGNIC_REG_VLAN_TABLE(i), priv->active_vlans[i]);
}

/* The device was reset: every table from the driver's copies, then CTRL. */
void sgnic_program_filters(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	unsigned int i;

	netif_addr_lock_bh(netdev);
	sgnic_sync_filters(priv, true);
	netif_addr_unlock_bh(netdev);
	if (sgnic_has_vlan(priv))
		for (i = 0; i < SGNIC_VLAN_TABLE_REGS; i++)
			sgnic_write_vlan_word(priv, i);
	sgnic_write_ctrl(priv, netdev->features);
}

/* Called under RTNL, like the up path that writes the whole table. */
static int sgnic_vlan_update(struct net_device *netdev, __be16 proto, u16 vid,
			     bool add)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (proto != htons(ETH_P_8021Q) || vid >= VLAN_N_VID)
		return -EINVAL;
	if (add)
		priv->active_vlans[vid / 32] |= BIT(vid % 32);
	else
		priv->active_vlans[vid / 32] &= ~BIT(vid % 32);
	if (priv->up)
		sgnic_write_vlan_word(priv, vid / 32);
	return 0;
}

int sgnic_vlan_rx_add_vid(struct net_device *netdev, __be16 proto, u16 vid)
{
	return sgnic_vlan_update(netdev, proto, vid, true);
}

int sgnic_vlan_rx_kill_vid(struct net_device *netdev, __be16 proto, u16 vid)
{
	return sgnic_vlan_update(netdev, proto, vid, false);
}

/* TX: the tag the stack left to the device, on the SOP descriptor. */
u32 sgnic_tx_vlan_flags(struct sk_buff *skb, struct sgnic_desc *d)
{
	if (!skb_vlan_tag_present(skb))
		return 0;
	d->vlan_tci = cpu_to_le16(skb_vlan_tag_get(skb));
	return SGNIC_DESC_F_VLAN;
}
