// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: receive-side scaling.  The device hashes IP frames with Toeplitz
 * over a 40-byte key and picks the RX pair from a 128-entry table (spec,
 * section "Receive-side scaling").  The driver keeps the key, the table and
 * the hashed types in sgnic_priv and writes all three whenever the device
 * comes up, since a device reset puts them back to their defaults; ethtool
 * changes take effect at once on a running port, with no ring rebuild.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "sgnic.h"

/*
 * Address-only hashing for IPv4 and IPv6 is always on: the driver offers
 * the TCP and UDP port inputs as the choice, as igb does, so a flow type
 * can hash "sd" or "sdfn" but never nothing.
 */
#define SGNIC_RSS_L3		(SGNIC_RSS_IPV4 | SGNIC_RSS_IPV6)

bool sgnic_has_rss(const struct sgnic_priv *priv)
{
	return priv->caps.features & SGNIC_FEAT_RSS;
}

void sgnic_rss_init(struct sgnic_priv *priv)
{
	netdev_rss_key_fill(priv->rss_key, sizeof(priv->rss_key));
	/*
	 * Ports hash for UDP as well as TCP: the device model never sees
	 * fragmented UDP from its peers in practice, and flows spread the way
	 * they did before RSS was configurable.  "ethtool -N ... sd" undoes it.
	 */
	priv->rss_types = SGNIC_RSS_ALL;
}

/* The table entry i points at when nobody set one: pairs round robin. */
static void sgnic_rss_default_indir(struct sgnic_priv *priv)
{
	unsigned int i;

	for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++)
		priv->rss_indir[i] = ethtool_rxfh_indir_default(i, priv->num_pairs);
}

/*
 * The key and the table are both byte arrays the device packs four to a
 * register, the lowest-numbered byte in bits 7:0.
 */
static void sgnic_rss_write_bytes(struct sgnic_priv *priv, u32 reg,
				  const u8 *bytes, unsigned int nregs)
{
	unsigned int i, j;
	u32 val;

	for (i = 0; i < nregs; i++) {
		val = 0;
		for (j = 0; j < 4; j++)
			val |= (u32)bytes[4 * i + j] << (8 * j);
		sgnic_wr(priv, reg + 4 * i, val);
	}
}

static void sgnic_rss_write_key(struct sgnic_priv *priv)
{
	sgnic_rss_write_bytes(priv, SGNIC_REG_RSS_KEY(0), priv->rss_key,
			      SGNIC_RSS_KEY_REGS);
}

static void sgnic_rss_write_indir(struct sgnic_priv *priv)
{
	sgnic_rss_write_bytes(priv, SGNIC_REG_RSS_RETA(0), priv->rss_indir,
			      SGNIC_RSS_RETA_REGS);
}

/*
 * Called with the queues counted in priv->num_pairs, after the RX pairs
 * started.  A table the user set survives channel changes (the ethtool
 * core refuses a channel count below its largest entry); the default one
 * follows the pair count.
 */
void sgnic_rss_program(struct sgnic_priv *priv)
{
	if (!sgnic_has_rss(priv))
		return;
	if (!netif_is_rxfh_configured(priv->netdev))
		sgnic_rss_default_indir(priv);
	sgnic_wr(priv, SGNIC_REG_RSS_TYPES, priv->rss_types);
	sgnic_rss_write_key(priv);
	sgnic_rss_write_indir(priv);
}

u32 sgnic_get_rxfh_key_size(struct net_device *netdev)
{
	return sgnic_has_rss(netdev_priv(netdev)) ? SGNIC_RSS_KEY_LEN : 0;
}

u32 sgnic_get_rxfh_indir_size(struct net_device *netdev)
{
	return sgnic_has_rss(netdev_priv(netdev)) ? SGNIC_RSS_RETA_SIZE : 0;
}

int sgnic_rss_get(struct net_device *netdev, u32 *indir, u8 *key, u8 *hfunc)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	unsigned int i;

	if (!sgnic_has_rss(priv))
		return -EOPNOTSUPP;
	/* the default follows a channel change made while the port was down */
	if (!netif_is_rxfh_configured(netdev))
		sgnic_rss_default_indir(priv);
	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++)
			indir[i] = priv->rss_indir[i];
	if (key)
		memcpy(key, priv->rss_key, SGNIC_RSS_KEY_LEN);
	return 0;
}

/*
 * The ethtool core has checked every entry against the RX ring count
 * (ETHTOOL_GRXRINGS) and the sizes against the two getters above; NULL
 * leaves the table or the key as it is.
 */
int sgnic_rss_set(struct net_device *netdev, const u32 *indir, const u8 *key,
		  u8 hfunc, struct netlink_ext_ack *extack)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	unsigned int i;

	if (!sgnic_has_rss(priv))
		return -EOPNOTSUPP;
	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "the only hash function is toeplitz");
		return -EOPNOTSUPP;
	}
	if (indir)
		for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++)
			priv->rss_indir[i] = indir[i];
	if (key)
		memcpy(priv->rss_key, key, SGNIC_RSS_KEY_LEN);
	if (!priv->up)
		return 0;
	if (key)
		sgnic_rss_write_key(priv);
	if (indir)
		sgnic_rss_write_indir(priv);
	return 0;
}

/* The device types whose port inputs a flow type's "fn" bits choose. */
static u32 sgnic_rss_l4_type(u32 flow_type)
{
	switch (flow_type) {
	case TCP_V4_FLOW:
		return SGNIC_RSS_IPV4_TCP;
	case UDP_V4_FLOW:
		return SGNIC_RSS_IPV4_UDP;
	case TCP_V6_FLOW:
		return SGNIC_RSS_IPV6_TCP;
	case UDP_V6_FLOW:
		return SGNIC_RSS_IPV6_UDP;
	}
	return 0;
}

#define SGNIC_RXH_L3	(RXH_IP_SRC | RXH_IP_DST)
#define SGNIC_RXH_L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)

static int sgnic_get_rss_hash_opts(struct sgnic_priv *priv,
				   struct ethtool_rxnfc *cmd)
{
	u32 l4 = sgnic_rss_l4_type(cmd->flow_type);

	cmd->data = 0;
	switch (cmd->flow_type) {
	case IPV4_FLOW:
	case IPV6_FLOW:
		cmd->data = SGNIC_RXH_L3;
		return 0;
	}
	if (!l4)
		return -EINVAL;
	cmd->data = SGNIC_RXH_L3;
	if (priv->rss_types & l4)
		cmd->data |= SGNIC_RXH_L4;
	return 0;
}

static int sgnic_set_rss_hash_opts(struct sgnic_priv *priv,
				   struct ethtool_rxnfc *cmd)
{
	u32 l4 = sgnic_rss_l4_type(cmd->flow_type);
	u32 types = priv->rss_types;

	switch (cmd->flow_type) {
	case IPV4_FLOW:
	case IPV6_FLOW:
		/* addresses only, always: the one setting there is */
		return cmd->data == SGNIC_RXH_L3 ? 0 : -EINVAL;
	}
	if (!l4)
		return -EINVAL;
	if (cmd->data == SGNIC_RXH_L3)
		types &= ~l4;
	else if (cmd->data == (SGNIC_RXH_L3 | SGNIC_RXH_L4))
		types |= l4;
	else
		return -EINVAL;
	types |= SGNIC_RSS_L3;
	if (types == priv->rss_types)
		return 0;
	priv->rss_types = types;
	if (priv->up)
		sgnic_wr(priv, SGNIC_REG_RSS_TYPES, types);
	return 0;
}

int sgnic_get_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd,
		    u32 *rule_locs)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	switch (cmd->cmd) {
	case ETHTOOL_GRXRINGS:
		cmd->data = priv->num_pairs;
		return 0;
	case ETHTOOL_GRXFH:
		if (!sgnic_has_rss(priv))
			return -EOPNOTSUPP;
		return sgnic_get_rss_hash_opts(priv, cmd);
	}
	return -EOPNOTSUPP;
}

int sgnic_set_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (cmd->cmd != ETHTOOL_SRXFH || !sgnic_has_rss(priv))
		return -EOPNOTSUPP;
	return sgnic_set_rss_hash_opts(priv, cmd);
}

/* The skb hash type for the device's SGNIC_HASH_* value. */
enum pkt_hash_types sgnic_rss_hash_type(u32 status)
{
	switch ((status & SGNIC_DESC_S_HASH_MASK) >> SGNIC_DESC_S_HASH_SHIFT) {
	case SGNIC_HASH_IPV4:
	case SGNIC_HASH_IPV6:
		return PKT_HASH_TYPE_L3;
	case SGNIC_HASH_IPV4_TCP:
	case SGNIC_HASH_IPV4_UDP:
	case SGNIC_HASH_IPV6_TCP:
	case SGNIC_HASH_IPV6_UDP:
		return PKT_HASH_TYPE_L4;
	}
	return PKT_HASH_TYPE_NONE;
}
