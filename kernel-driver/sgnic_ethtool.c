// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: ethtool operations.  Every setter validates the whole request
 * before it changes anything: an out-of-range value gets -EINVAL and leaves
 * the device as it was.
 */
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/delay.h>

#include "sgnic.h"

/* The netlink messages below spell these limits out. */
static_assert(SGNIC_RING_MIN == 8 && SGNIC_RING_MAX == 4096 && 2 * SGNIC_HW_MAX_CHAIN == 128);
static_assert(SGNIC_IRQ_MOD_MAX_USECS == 65535 && SGNIC_IRQ_MOD_MAX_COUNT == 65535);

static const char sgnic_pflag_names[SGNIC_PFLAG_NR][ETH_GSTRING_LEN] = {
	[SGNIC_PFLAG_SINGLE_XFER] = "single-transfer",
	[SGNIC_PFLAG_WRITEBACK] = "completion-writeback",
};

enum {
	SGNIC_TEST_REGS,
	SGNIC_TEST_IRQ,
	SGNIC_TEST_LB_SG_WB,
	SGNIC_TEST_LB_SG_IRQ,
	SGNIC_TEST_LB_SINGLE_WB,
	SGNIC_TEST_LB_SINGLE_IRQ,
	SGNIC_TEST_NR,
};

static const char sgnic_test_names[SGNIC_TEST_NR][ETH_GSTRING_LEN] = {
	"registers         (offline)",
	"interrupt         (offline)",
	"loopback sg+wb    (offline)",
	"loopback sg+irq   (offline)",
	"loopback single+wb (offline)",
	"loopback single+irq (offline)",
};

#define SGNIC_STAT_FIELD(type, field) { #field, offsetof(type, field) }

struct sgnic_stat_desc {
	const char *name;
	size_t offset;
};

static const struct sgnic_stat_desc sgnic_tx_stat_descs[] = {
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, packets),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, bytes),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, stop),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, wake),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, busy),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, copybreak),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, linearized),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, drop_too_fragmented),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, drop_too_many_transfers),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, drop_no_resources),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, map_err),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, csum),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, tso),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, residual),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, dev_refused),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, doorbells),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, xdp_xmit),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, xdp_xmit_err),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, xsk_xmit),
	SGNIC_STAT_FIELD(struct sgnic_tx_stats, xsk_refused),
};

static const struct sgnic_stat_desc sgnic_rx_stat_descs[] = {
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, packets),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, bytes),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, copybreak),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, multi_buf),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, csum_ok),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, csum_bad),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, alloc_fail),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, frame_err),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, doorbells),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, rsc_packets),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, rsc_segs),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_packets),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_pass),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_drop),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_tx),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_redirect),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_aborted),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_tx_err),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_redirect_err),
	SGNIC_STAT_FIELD(struct sgnic_rx_stats, xdp_frags_drop),
};

static const struct sgnic_stat_desc sgnic_dev_stat_descs[] = {
	SGNIC_STAT_FIELD(struct sgnic_dev_stats, chan_resets),
	SGNIC_STAT_FIELD(struct sgnic_dev_stats, watchdog_kicks),
	SGNIC_STAT_FIELD(struct sgnic_dev_stats, watchdog_halts),
	SGNIC_STAT_FIELD(struct sgnic_dev_stats, tx_timeouts),
	SGNIC_STAT_FIELD(struct sgnic_dev_stats, link_changes),
};

/* Device counters, read from SGNIC_REG_STAT_*, in register order. */
static const char * const sgnic_hw_stat_names[SGNIC_NUM_STATS] = {
	"hw_rx_nobuf_drops", "hw_rx_oversize_drops", "hw_rx_filtered",
	"hw_doorbells", "hw_irqs", "hw_irqs_lost", "hw_writebacks",
	"hw_tx_packets", "hw_rx_packets", "hw_mmio_accesses",
	"hw_rsc_frames", "hw_rsc_segs", "hw_rx_runt_drops",
	"hw_rx_disabled_drops", "hw_rx_vlan_drops",
};

#define SGNIC_N_TX	ARRAY_SIZE(sgnic_tx_stat_descs)
#define SGNIC_N_RX	ARRAY_SIZE(sgnic_rx_stat_descs)
#define SGNIC_N_DEV	ARRAY_SIZE(sgnic_dev_stat_descs)

static void sgnic_get_drvinfo(struct net_device *netdev,
			      struct ethtool_drvinfo *info)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	strscpy(info->driver, SGNIC_DRV_NAME, sizeof(info->driver));
	snprintf(info->fw_version, sizeof(info->fw_version), "%u.%u",
		 priv->caps.version >> 16, priv->caps.version & 0xffff);
	strscpy(info->bus_info, pci_name(priv->pdev), sizeof(info->bus_info));
	info->n_priv_flags = SGNIC_PFLAG_NR;
}

static int sgnic_get_sset_count(struct net_device *netdev, int sset)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	switch (sset) {
	case ETH_SS_STATS:
		return priv->caps.max_pairs * (SGNIC_N_TX + SGNIC_N_RX) +
		       SGNIC_N_DEV + SGNIC_NUM_STATS + SGNIC_N_TX + SGNIC_N_RX;
	case ETH_SS_PRIV_FLAGS:
		return SGNIC_PFLAG_NR;
	case ETH_SS_TEST:
		return SGNIC_TEST_NR;
	default:
		return -EOPNOTSUPP;
	}
}

static void sgnic_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	u32 q, i;

	switch (sset) {
	case ETH_SS_STATS:
		for (i = 0; i < SGNIC_N_DEV; i++)
			ethtool_puts(&data, sgnic_dev_stat_descs[i].name);
		for (i = 0; i < SGNIC_NUM_STATS; i++)
			ethtool_puts(&data, sgnic_hw_stat_names[i]);
		/* Totals, including rings freed by earlier reconfigurations. */
		for (i = 0; i < SGNIC_N_TX; i++)
			ethtool_sprintf(&data, "tx_%s", sgnic_tx_stat_descs[i].name);
		for (i = 0; i < SGNIC_N_RX; i++)
			ethtool_sprintf(&data, "rx_%s", sgnic_rx_stat_descs[i].name);
		for (q = 0; q < priv->caps.max_pairs; q++) {
			for (i = 0; i < SGNIC_N_TX; i++)
				ethtool_sprintf(&data, "tx%u_%s", q,
						sgnic_tx_stat_descs[i].name);
			for (i = 0; i < SGNIC_N_RX; i++)
				ethtool_sprintf(&data, "rx%u_%s", q,
						sgnic_rx_stat_descs[i].name);
		}
		break;
	case ETH_SS_PRIV_FLAGS:
		memcpy(data, sgnic_pflag_names, sizeof(sgnic_pflag_names));
		break;
	case ETH_SS_TEST:
		memcpy(data, sgnic_test_names, sizeof(sgnic_test_names));
		break;
	}
}

static u64 sgnic_stat_at(const void *base, size_t offset)
{
	return *(const u64 *)((const u8 *)base + offset);
}

static void sgnic_get_ethtool_stats(struct net_device *netdev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_tx_stats ts, tsum = priv->tx_base;
	struct sgnic_rx_stats rs, rsum = priv->rx_base;
	u64 *tx_tot, *rx_tot;
	u32 q, i;

	for (i = 0; i < SGNIC_N_DEV; i++)
		*data++ = atomic64_read((atomic64_t *)((u8 *)&priv->dstats +
						       sgnic_dev_stat_descs[i].offset));
	for (i = 0; i < SGNIC_NUM_STATS; i++)
		*data++ = sgnic_rd(priv, SGNIC_REG_STAT_RX_NOBUF + 4 * i);
	tx_tot = data;
	data += SGNIC_N_TX;
	rx_tot = data;
	data += SGNIC_N_RX;

	for (q = 0; q < priv->caps.max_pairs; q++) {
		memset(&ts, 0, sizeof(ts));
		memset(&rs, 0, sizeof(rs));
		if (q < priv->num_pairs && priv->tx[q]) {
			sgnic_get_tx_stats(priv->tx[q], &ts);
			sgnic_get_rx_stats(priv->rx[q], &rs);
		}
		for (i = 0; i < SGNIC_N_TX; i++) {
			u64 v = sgnic_stat_at(&ts, sgnic_tx_stat_descs[i].offset);

			*data++ = v;
			*(u64 *)((u8 *)&tsum + sgnic_tx_stat_descs[i].offset) += v;
		}
		for (i = 0; i < SGNIC_N_RX; i++) {
			u64 v = sgnic_stat_at(&rs, sgnic_rx_stat_descs[i].offset);

			*data++ = v;
			*(u64 *)((u8 *)&rsum + sgnic_rx_stat_descs[i].offset) += v;
		}
	}
	for (i = 0; i < SGNIC_N_TX; i++)
		tx_tot[i] = sgnic_stat_at(&tsum, sgnic_tx_stat_descs[i].offset);
	for (i = 0; i < SGNIC_N_RX; i++)
		rx_tot[i] = sgnic_stat_at(&rsum, sgnic_rx_stat_descs[i].offset);
}

/*
 * A MAC counter since probe: what the device holds plus what device resets
 * (suspend, error recovery) cleared.  A device off the bus reads all-ones
 * and adds nothing.  Under RTNL, as every caller and the fold are.
 */
static u64 sgnic_mac_stat(struct sgnic_priv *priv, unsigned int i)
{
	u64 v;

	if (READ_ONCE(priv->gone))
		return priv->mac_base[i];
	v = sgnic_rd64(priv, SGNIC_REG_MAC_STAT(i));
	return priv->mac_base[i] + (v == U64_MAX ? 0 : v);
}

/* Keep the MAC counters a device reset is about to clear. */
void sgnic_mac_stats_fold(struct sgnic_priv *priv)
{
	unsigned int i;

	ASSERT_RTNL();
	if (!(priv->caps.features & SGNIC_FEAT_MAC_STATS))
		return;
	for (i = 0; i < SGNIC_MAC_NUM_STATS; i++)
		priv->mac_base[i] = sgnic_mac_stat(priv, i);
}

static void sgnic_get_eth_mac_stats(struct net_device *netdev,
				    struct ethtool_eth_mac_stats *mac)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (!(priv->caps.features & SGNIC_FEAT_MAC_STATS))
		return;
	mac->FramesTransmittedOK = sgnic_mac_stat(priv, SGNIC_MAC_TX_FRAMES);
	mac->OctetsTransmittedOK = sgnic_mac_stat(priv, SGNIC_MAC_TX_OCTETS);
	mac->MulticastFramesXmittedOK = sgnic_mac_stat(priv, SGNIC_MAC_TX_MCAST);
	mac->BroadcastFramesXmittedOK = sgnic_mac_stat(priv, SGNIC_MAC_TX_BCAST);
	mac->FramesReceivedOK = sgnic_mac_stat(priv, SGNIC_MAC_RX_FRAMES);
	mac->OctetsReceivedOK = sgnic_mac_stat(priv, SGNIC_MAC_RX_OCTETS);
	mac->MulticastFramesReceivedOK = sgnic_mac_stat(priv, SGNIC_MAC_RX_MCAST);
	mac->BroadcastFramesReceivedOK = sgnic_mac_stat(priv, SGNIC_MAC_RX_BCAST);
	/* 32-bit device counters, cleared by a device reset. */
	mac->FrameTooLongErrors = sgnic_rd(priv, SGNIC_REG_STAT_RX_OVERSIZE);
}

/*
 * The device's buckets (SGNIC_MAC_HIST_MAX), FCS included.  The first
 * starts at the shortest frame it takes (an Ethernet header and the FCS);
 * frames under 64 bytes are in it because a wire pads them.  sgnic.ko
 * sends nothing longer than MAX_FRAME, and the device takes nothing longer.
 */
static const struct ethtool_rmon_hist_range sgnic_rmon_ranges[] = {
	{ SGNIC_MIN_FRAME + SGNIC_MAC_FCS_LEN, 64 }, { 65, 127 }, { 128, 255 },
	{ 256, 511 }, { 512, 1023 }, { 1024, 1518 },
	{ 1519, SGNIC_MAX_FRAME + SGNIC_MAC_FCS_LEN },
	{}
};

static void sgnic_get_rmon_stats(struct net_device *netdev,
				 struct ethtool_rmon_stats *rmon,
				 const struct ethtool_rmon_hist_range **ranges)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	unsigned int b;

	BUILD_BUG_ON(ARRAY_SIZE(sgnic_rmon_ranges) != SGNIC_MAC_HIST_BUCKETS + 1 ||
		     SGNIC_MAC_HIST_BUCKETS > ETHTOOL_RMON_HIST_MAX);
	if (!(priv->caps.features & SGNIC_FEAT_MAC_STATS))
		return;
	rmon->undersize_pkts = sgnic_rd(priv, SGNIC_REG_STAT_RX_RUNT);
	rmon->oversize_pkts = sgnic_rd(priv, SGNIC_REG_STAT_RX_OVERSIZE);
	for (b = 0; b < SGNIC_MAC_HIST_BUCKETS; b++) {
		rmon->hist[b] = sgnic_mac_stat(priv, SGNIC_MAC_RX_HIST(b));
		rmon->hist_tx[b] = sgnic_mac_stat(priv, SGNIC_MAC_TX_HIST(b));
	}
	*ranges = sgnic_rmon_ranges;
}

static void sgnic_get_ringparam(struct net_device *netdev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	ring->rx_max_pending = SGNIC_RING_MAX;
	ring->tx_max_pending = SGNIC_RING_MAX;
	ring->rx_pending = priv->rx_ring_size;
	ring->tx_pending = priv->tx_ring_size;
}

static int sgnic_set_ringparam(struct net_device *netdev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	u32 tx = ring->tx_pending, rx = ring->rx_pending;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;
	/* A TX ring must hold the longest chain plus the one slot kept free. */
	if (tx < max_t(u32, SGNIC_RING_MIN, 2 * SGNIC_HW_MAX_CHAIN) ||
	    rx < SGNIC_RING_MIN || tx > SGNIC_RING_MAX || rx > SGNIC_RING_MAX ||
	    !is_power_of_2(tx) || !is_power_of_2(rx)) {
		NL_SET_ERR_MSG_MOD(extack, "sizes: powers of two, tx 128..4096, rx 8..4096");
		return -EINVAL;
	}
	if (tx == priv->tx_ring_size && rx == priv->rx_ring_size)
		return 0;
	return sgnic_reconfigure(priv, priv->num_pairs, tx, rx, priv->pflags, extack);
}

static void sgnic_get_channels(struct net_device *netdev,
			       struct ethtool_channels *ch)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	ch->max_combined = priv->caps.max_pairs;
	ch->combined_count = priv->num_pairs;
	ch->max_other = 1;
	ch->other_count = 1;
}

static int sgnic_set_channels(struct net_device *netdev,
			      struct ethtool_channels *ch)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (ch->rx_count || ch->tx_count || ch->other_count != 1 ||
	    !ch->combined_count || ch->combined_count > priv->caps.max_pairs)
		return -EINVAL;
	if (ch->combined_count == priv->num_pairs)
		return 0;
	/* ethtool's set_channels has no extack to explain a failure with. */
	return sgnic_reconfigure(priv, ch->combined_count, priv->tx_ring_size,
				 priv->rx_ring_size, priv->pflags, NULL);
}

static int sgnic_get_coalesce(struct net_device *netdev,
			      struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	ec->rx_coalesce_usecs = priv->rx_usecs;
	ec->rx_max_coalesced_frames = priv->rx_frames;
	ec->tx_coalesce_usecs = priv->tx_usecs;
	ec->tx_max_coalesced_frames = priv->tx_frames;
	ec->use_adaptive_rx_coalesce = priv->rx_dim;
	return 0;
}

static int sgnic_set_coalesce(struct net_device *netdev,
			      struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	u32 q;

	if (ec->rx_coalesce_usecs > SGNIC_IRQ_MOD_MAX_USECS ||
	    ec->tx_coalesce_usecs > SGNIC_IRQ_MOD_MAX_USECS ||
	    ec->rx_max_coalesced_frames > SGNIC_IRQ_MOD_MAX_COUNT ||
	    ec->tx_max_coalesced_frames > SGNIC_IRQ_MOD_MAX_COUNT) {
		NL_SET_ERR_MSG_MOD(extack, "usecs and frames must be at most 65535");
		return -EINVAL;
	}
	priv->rx_usecs = ec->rx_coalesce_usecs;
	priv->rx_frames = ec->rx_max_coalesced_frames;
	priv->tx_usecs = ec->tx_coalesce_usecs;
	priv->tx_frames = ec->tx_max_coalesced_frames;
	priv->rx_dim = ec->use_adaptive_rx_coalesce;
	if (!priv->up)
		return 0;
	for (q = 0; q < priv->num_pairs; q++) {
		sgnic_ring_set_moderation(priv->tx[q], priv->tx_usecs, priv->tx_frames);
		sgnic_ring_set_moderation(priv->rx[q], priv->rx_usecs, priv->rx_frames);
	}
	return 0;
}

static u32 sgnic_get_priv_flags(struct net_device *netdev)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	return priv->pflags;
}

static int sgnic_set_priv_flags(struct net_device *netdev, u32 flags)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (flags & ~GENMASK(SGNIC_PFLAG_NR - 1, 0))
		return -EINVAL;
	if ((flags & BIT(SGNIC_PFLAG_WRITEBACK)) &&
	    !(priv->caps.features & SGNIC_FEAT_WRITEBACK))
		return -EOPNOTSUPP;
	if (flags == priv->pflags)
		return 0;
	return sgnic_reconfigure(priv, priv->num_pairs, priv->tx_ring_size,
				 priv->rx_ring_size, flags, NULL);
}

static int sgnic_get_tunable(struct net_device *netdev,
			     const struct ethtool_tunable *tuna, void *data)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	switch (tuna->id) {
	case ETHTOOL_TX_COPYBREAK:
		*(u32 *)data = priv->tx_copybreak;
		return 0;
	case ETHTOOL_RX_COPYBREAK:
		*(u32 *)data = priv->rx_copybreak;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int sgnic_set_tunable(struct net_device *netdev,
			     const struct ethtool_tunable *tuna,
			     const void *data)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	u32 v = *(const u32 *)data;

	switch (tuna->id) {
	case ETHTOOL_TX_COPYBREAK:
		/* Staging slots are SGNIC_TX_STAGING_SIZE bytes. */
		if (v > SGNIC_TX_STAGING_SIZE)
			return -EINVAL;
		WRITE_ONCE(priv->tx_copybreak, v);
		return 0;
	case ETHTOOL_RX_COPYBREAK:
		if (v > SGNIC_RX_BUF_LEN)
			return -EINVAL;
		WRITE_ONCE(priv->rx_copybreak, v);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* Register dump: the global block, then every channel block. */
static int sgnic_get_regs_len(struct net_device *netdev)
{
	return SGNIC_REG_GLOBAL_END + SGNIC_NUM_CHANS * SGNIC_CHAN_STRIDE;
}

static void sgnic_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			   void *p)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	u32 *buf = p, off, c;

	regs->version = priv->caps.version;
	for (off = 0; off < SGNIC_REG_GLOBAL_END; off += 4)
		*buf++ = off == SGNIC_REG_MISC_CAUSE ? 0 : sgnic_rd(priv, off);
	for (c = 0; c < SGNIC_NUM_CHANS; c++)
		for (off = 0; off < SGNIC_CHAN_STRIDE; off += 4)
			*buf++ = sgnic_rd(priv, SGNIC_CHAN_REG(c, off));
}

static int sgnic_get_link_ksettings(struct net_device *netdev,
				    struct ethtool_link_ksettings *cmd)
{
	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 10000baseT_Full);
	ethtool_link_ksettings_add_link_mode(cmd, advertising, 10000baseT_Full);
	cmd->base.speed = netif_carrier_ok(netdev) ? SPEED_10000 : SPEED_UNKNOWN;
	cmd->base.duplex = netif_carrier_ok(netdev) ? DUPLEX_FULL : DUPLEX_UNKNOWN;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static bool sgnic_test_regs(struct sgnic_priv *priv)
{
	u32 lo = sgnic_rd(priv, SGNIC_REG_MAC_LO), hi = sgnic_rd(priv, SGNIC_REG_MAC_HI);
	bool ok;

	ok = sgnic_rd(priv, SGNIC_REG_ID) == SGNIC_ID_MAGIC;
	sgnic_wr(priv, SGNIC_REG_MAC_LO, 0xa5a55a5a);
	ok &= sgnic_rd(priv, SGNIC_REG_MAC_LO) == 0xa5a55a5a;
	sgnic_wr(priv, SGNIC_REG_MAC_LO, lo);
	sgnic_wr(priv, SGNIC_REG_MAC_HI, hi);
	return ok && sgnic_rd(priv, SGNIC_REG_MAC_LO) == lo;
}

static bool sgnic_test_irq(struct sgnic_priv *priv)
{
	int before = atomic_read(&priv->test_irqs), i;

	sgnic_wr(priv, SGNIC_REG_MISC_SET, SGNIC_MISC_TEST);
	for (i = 0; i < 100; i++) {
		if (atomic_read(&priv->test_irqs) != before)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static void sgnic_self_test(struct net_device *netdev,
			    struct ethtool_test *test, u64 *data)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	bool running = netif_running(netdev) && priv->up;
	struct sgnic_ring_set set;
	int t;

	memset(data, 0, SGNIC_TEST_NR * sizeof(*data));
	if (!(test->flags & ETH_TEST_FL_OFFLINE)) {
		/* Online: only what does not disturb traffic, a read-only check. */
		data[SGNIC_TEST_REGS] = sgnic_rd(priv, SGNIC_REG_ID) != SGNIC_ID_MAGIC;
		goto out;
	}
	/*
	 * The rings to restart with are built before anything stops, as a
	 * reconfiguration does: without memory for them the offline test is
	 * not run (it fails) and the interface keeps running untouched.
	 */
	if (running) {
		if (sgnic_alloc_ring_set(priv, &set, priv->num_pairs,
					 priv->tx_ring_size, priv->rx_ring_size,
					 priv->pflags)) {
			netdev_err(netdev, "no memory to restart after an offline self-test: not run\n");
			data[SGNIC_TEST_REGS] = 1;
			goto out;
		}
		sgnic_down(priv);
	}
	data[SGNIC_TEST_REGS] = !sgnic_test_regs(priv);
	data[SGNIC_TEST_IRQ] = !sgnic_test_irq(priv);
	for (t = SGNIC_TEST_LB_SG_WB; t <= SGNIC_TEST_LB_SINGLE_IRQ; t++) {
		bool single = t >= SGNIC_TEST_LB_SINGLE_WB;
		bool wb = t == SGNIC_TEST_LB_SG_WB || t == SGNIC_TEST_LB_SINGLE_WB;

		/* A device without writeback has no writeback mode to test. */
		if (wb && !(priv->caps.features & SGNIC_FEAT_WRITEBACK))
			continue;
		data[t] = !!sgnic_hw_selftest_loopback(priv, single, wb);
	}
	if (running) {
		sgnic_install_ring_set(priv, &set);
		/* Vectors or queue objects: left up with nothing running. */
		if (sgnic_start(priv))
			netdev_err(netdev, "could not restart after the self-test\n");
	}
out:
	for (t = 0; t < SGNIC_TEST_NR; t++)
		if (data[t])
			test->flags |= ETH_TEST_FL_FAILED;
}

#if SGNIC_HAVE_RXFH_PARAM
static int sgnic_get_rxfh(struct net_device *netdev,
			  struct ethtool_rxfh_param *rxfh)
{
	return sgnic_rss_get(netdev, rxfh->indir, rxfh->key, &rxfh->hfunc);
}

static int sgnic_set_rxfh(struct net_device *netdev,
			  struct ethtool_rxfh_param *rxfh,
			  struct netlink_ext_ack *extack)
{
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE && rxfh->input_xfrm) {
		NL_SET_ERR_MSG_MOD(extack, "no input transformation (symmetric-xor) to offer");
		return -EOPNOTSUPP;
	}
	return sgnic_rss_set(netdev, rxfh->indir, rxfh->key, rxfh->hfunc, extack);
}
#else
static int sgnic_get_rxfh(struct net_device *netdev, u32 *indir, u8 *key,
			  u8 *hfunc)
{
	return sgnic_rss_get(netdev, indir, key, hfunc);
}

static int sgnic_set_rxfh(struct net_device *netdev, const u32 *indir,
			  const u8 *key, const u8 hfunc)
{
	return sgnic_rss_set(netdev, indir, key, hfunc, NULL);
}
#endif

static const struct ethtool_ops sgnic_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_RX,
	.get_drvinfo		= sgnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= sgnic_get_link_ksettings,
	.get_sset_count		= sgnic_get_sset_count,
	.get_strings		= sgnic_get_strings,
	.get_ethtool_stats	= sgnic_get_ethtool_stats,
	.get_eth_mac_stats	= sgnic_get_eth_mac_stats,
	.get_rmon_stats		= sgnic_get_rmon_stats,
	.get_ringparam		= sgnic_get_ringparam,
	.set_ringparam		= sgnic_set_ringparam,
	.get_channels		= sgnic_get_channels,
	.set_channels		= sgnic_set_channels,
	.get_coalesce		= sgnic_get_coalesce,
	.set_coalesce		= sgnic_set_coalesce,
	.get_priv_flags		= sgnic_get_priv_flags,
	.set_priv_flags		= sgnic_set_priv_flags,
	.get_tunable		= sgnic_get_tunable,
	.set_tunable		= sgnic_set_tunable,
	.get_regs_len		= sgnic_get_regs_len,
	.get_regs		= sgnic_get_regs,
	.self_test		= sgnic_self_test,
	.get_rxnfc		= sgnic_get_rxnfc,
	.set_rxnfc		= sgnic_set_rxnfc,
	.get_rxfh_key_size	= sgnic_get_rxfh_key_size,
	.get_rxfh_indir_size	= sgnic_get_rxfh_indir_size,
	.get_rxfh		= sgnic_get_rxfh,
	.set_rxfh		= sgnic_set_rxfh,
};

void sgnic_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &sgnic_ethtool_ops;
}
