// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: net_device operations, interrupts, link and recovery.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>

#include "sgnic.h"

static irqreturn_t sgnic_queue_irq(int irq, void *data)
{
	struct sgnic_qvec *qv = data;

	/* The device masked the pair when it sent this: just poll. */
	napi_schedule_irqoff(&qv->napi);
	return IRQ_HANDLED;
}

static int sgnic_request_queue_irqs(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	int err;
	u32 q;

	for (q = 0; q < priv->num_pairs; q++) {
		struct sgnic_qvec *qv = &priv->qv[q];

		snprintf(qv->name, sizeof(qv->name), "%s-txrx-%u", netdev->name, q);
		err = request_irq(qv->irq, sgnic_queue_irq, 0, qv->name, qv);
		if (err)
			goto err_free_irqs;
	}
	return 0;

err_free_irqs:
	while (q--)
		free_irq(priv->qv[q].irq, &priv->qv[q]);
	return err;
}

static void sgnic_free_queue_irqs(struct sgnic_priv *priv)
{
	u32 q;

	for (q = 0; q < priv->num_pairs; q++)
		free_irq(priv->qv[q].irq, &priv->qv[q]);
}

void sgnic_update_link(struct sgnic_priv *priv)
{
	u32 status = sgnic_rd(priv, SGNIC_REG_STATUS);
	bool up = status & SGNIC_STATUS_LINK_UP;

	if (sgnic_hw_gone(priv, status))
		return;
	if (up == netif_carrier_ok(priv->netdev))
		return;
	atomic64_inc(&priv->dstats.link_changes);
	/*
	 * Carrier only: the queues keep the state the rings give them (a
	 * full ring stays stopped until its completions wake it).
	 */
	if (up)
		netif_carrier_on(priv->netdev);
	else
		netif_carrier_off(priv->netdev);
	netdev_info(priv->netdev, "link %s\n", str_up_down(up));
}

/*
 * Largest frame the device may coalesce (NETIF_F_GRO_HW): what one skb's
 * frags take, and never more than half the RX ring, so that a coalesced
 * frame always finds buffers.  An XDP program without xdp.frags support
 * gets frames of one buffer only.
 */
static u32 sgnic_rsc_max_len(struct sgnic_priv *priv, netdev_features_t features)
{
	u32 bufs = min_t(u32, MAX_SKB_FRAGS + 1, priv->rx_ring_size / 2);
	struct bpf_prog *prog = priv->xdp_prog;
	u32 buf_len = SGNIC_RX_BUF_LEN;

	/* AF_XDP zero-copy frames are one umem frame each: no coalescing */
	if (!(features & NETIF_F_GRO_HW) || priv->xsk_zc)
		return 0;
	if (prog) {
		buf_len = SGNIC_XDP_BUF_LEN;
		if (!prog->aux->xdp_has_frags)
			bufs = 1;
	}
	return min_t(u32, SGNIC_RSC_MAX_LEN, bufs * buf_len);
}

/* CTRL while up: receive on, plus promiscuous and loopback as asked. */
/* CTRL from the features and the last filter programming (sgnic_filter.c). */
void sgnic_write_ctrl(struct sgnic_priv *priv, netdev_features_t features)
{
	u32 ctrl = SGNIC_CTRL_RX_ENABLE;

	spin_lock_bh(&priv->ctrl_lock);
	ctrl |= priv->rx_filter_ctrl;
	if (features & NETIF_F_LOOPBACK)
		ctrl |= SGNIC_CTRL_LOOPBACK;
	if (sgnic_has_vlan(priv)) {
		/*
		 * An XDP program sees frames as they came off the wire, tag
		 * included: XDP_TX and redirects send them on unchanged.
		 */
		if ((features & NETIF_F_HW_VLAN_CTAG_RX) && !priv->xdp_prog)
			ctrl |= SGNIC_CTRL_VLAN_STRIP;
		/* promiscuous mode shows every VLAN, as tcpdump expects */
		if ((features & NETIF_F_HW_VLAN_CTAG_FILTER) && !(ctrl & SGNIC_CTRL_PROMISC))
			ctrl |= SGNIC_CTRL_VLAN_FILTER;
	}
	sgnic_wr(priv, SGNIC_REG_CTRL, ctrl);
	sgnic_wr(priv, SGNIC_REG_RSC_MAX_LEN, sgnic_rsc_max_len(priv, features));
	spin_unlock_bh(&priv->ctrl_lock);
}

/* Set IRQ_EN of both channels of pair q (after napi_enable). */
void sgnic_unmask_pair(struct sgnic_priv *priv, u32 q)
{
	sgnic_wr(priv, SGNIC_REG_IRQ_UNMASK,
		 BIT(SGNIC_CHAN_TX(q)) | BIT(SGNIC_CHAN_RX(q)));
}

static void sgnic_set_moderation_all(struct sgnic_priv *priv)
{
	u32 q;

	for (q = 0; q < priv->num_pairs; q++) {
		sgnic_ring_set_moderation(priv->tx[q], priv->tx_usecs, priv->tx_frames);
		sgnic_ring_set_moderation(priv->rx[q], priv->rx_usecs, priv->rx_frames);
	}
}

/* Bring up the rings already installed; on failure they are freed. */
int sgnic_start(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	int err;
	u32 q;

	err = netif_set_real_num_tx_queues(netdev, priv->num_pairs);
	if (err)
		goto err_free_rings;
	err = netif_set_real_num_rx_queues(netdev, priv->num_pairs);
	if (err)
		goto err_free_rings;
	for (q = 0; q < priv->num_pairs; q++) {
		err = sgnic_rx_xdp_reg(priv->rx[q]);
		if (err)
			goto err_free_rings;
	}
	err = sgnic_request_queue_irqs(priv);
	if (err)
		goto err_free_rings;

	for (q = 0; q < priv->num_pairs; q++) {
		struct sgnic_qvec *qv = &priv->qv[q];

		netif_napi_add(netdev, &qv->napi, sgnic_poll);
		netif_napi_set_irq(&qv->napi, qv->irq);
		INIT_WORK(&qv->dim.work, sgnic_rx_dim_work);
		qv->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
		sgnic_start_ring(priv->tx[q]);
		sgnic_start_ring(priv->rx[q]);
		napi_enable(&qv->napi);
		sgnic_unmask_pair(priv, q);
		netif_queue_set_napi(netdev, q, NETDEV_QUEUE_TYPE_TX, &qv->napi);
		netif_queue_set_napi(netdev, q, NETDEV_QUEUE_TYPE_RX, &qv->napi);
	}
	sgnic_set_moderation_all(priv);
	sgnic_wr(priv, SGNIC_REG_RX_QUEUES, priv->num_pairs);
	sgnic_rss_program(priv);
	priv->up = true;	/* from here ndo_set_rx_mode writes the device too */
	sgnic_program_filters(priv);
	if (!priv->keep_carrier)
		netif_carrier_off(netdev);
	sgnic_update_link(priv);
	netif_tx_start_all_queues(netdev);
	mod_timer(&priv->watchdog, jiffies + msecs_to_jiffies(SGNIC_WATCHDOG_MS));
	return 0;

err_free_rings:
	sgnic_free_rings(priv);
	return err;
}

int sgnic_up(struct sgnic_priv *priv)
{
	int err;

	err = sgnic_alloc_rings(priv);
	if (err)
		return err;
	return sgnic_start(priv);
}

void sgnic_down(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	u32 q;

	priv->up = false;
	del_timer_sync(&priv->watchdog);
	/*
	 * NAPI first: a poll still running would see a stopped queue with
	 * room and wake it (sgnic_tx_clean), and the stack would then hand
	 * sgnic_xmit packets for a ring that is about to be freed.  Rings
	 * swapped for XDP keep the link: the carrier stays as it is.
	 */
	if (!priv->keep_carrier)
		netif_carrier_off(netdev);
	for (q = 0; q < priv->num_pairs; q++)
		napi_disable(&priv->qv[q].napi);
	netif_tx_disable(netdev);
	sgnic_wr(priv, SGNIC_REG_CTRL, 0);
	for (q = 0; q < priv->num_pairs; q++) {
		struct sgnic_qvec *qv = &priv->qv[q];

		netif_queue_set_napi(netdev, q, NETDEV_QUEUE_TYPE_TX, NULL);
		netif_queue_set_napi(netdev, q, NETDEV_QUEUE_TYPE_RX, NULL);
		cancel_work_sync(&qv->dim.work);
		sgnic_stop_ring(priv->tx[q]);
		sgnic_stop_ring(priv->rx[q]);
		netif_napi_del(&qv->napi);
	}
	sgnic_free_queue_irqs(priv);
	sgnic_free_rings(priv);
}

/*
 * Change queue count, ring sizes or mode, the way netdev asks for it:
 * build the new rings first, then stop the old ones, swap and start.  The
 * new settings apply to rings built from now on, so a mode set once is
 * inherited by every ring and survives resizes.  Running out of memory
 * changes nothing; a failure after the swap (vectors, queue objects)
 * restores the old settings.
 */
int sgnic_reconfigure(struct sgnic_priv *priv, u32 pairs, u32 tx_size,
		      u32 rx_size, unsigned long pflags,
		      struct netlink_ext_ack *extack)
{
	u32 old_pairs = priv->num_pairs, old_tx = priv->tx_ring_size;
	u32 old_rx = priv->rx_ring_size;
	unsigned long old_flags = priv->pflags;
	struct sgnic_ring_set set;
	int err;

	if (!netif_running(priv->netdev) || !priv->up) {
		priv->num_pairs = pairs;
		priv->tx_ring_size = tx_size;
		priv->rx_ring_size = rx_size;
		priv->pflags = pflags;
		/* Up, but an earlier restart failed: try again with these. */
		if (!netif_running(priv->netdev))
			return 0;
		err = sgnic_up(priv);
		if (err)
			NL_SET_ERR_MSG_MOD(extack, "the interface could not be started");
		return err;
	}
	err = sgnic_alloc_ring_set(priv, &set, pairs, tx_size, rx_size, pflags);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the new rings, nothing changed");
		return err;
	}
	sgnic_down(priv);
	priv->num_pairs = pairs;
	priv->tx_ring_size = tx_size;
	priv->rx_ring_size = rx_size;
	priv->pflags = pflags;
	sgnic_install_ring_set(priv, &set);
	err = sgnic_start(priv);
	if (!err)
		return 0;

	netdev_err(priv->netdev, "reconfiguration failed (%d), restoring\n", err);
	NL_SET_ERR_MSG_MOD(extack, "could not start the new rings, old settings restored");
	priv->num_pairs = old_pairs;
	priv->tx_ring_size = old_tx;
	priv->rx_ring_size = old_rx;
	priv->pflags = old_flags;
	/* dev_close() calls sgnic_stop(), which knows nothing is up now. */
	if (sgnic_up(priv))
		dev_close(priv->netdev);
	return err;
}

static int sgnic_open(struct net_device *netdev)
{
	return sgnic_up(netdev_priv(netdev));
}

/*
 * A failed restart (reconfiguration, self-test) can leave the interface
 * IFF_UP with nothing running: stopping it then has nothing to undo, and
 * a second napi_disable() would never return.
 */
static int sgnic_stop(struct net_device *netdev)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (priv->up)
		sgnic_down(priv);
	return 0;
}

static u64 sgnic_tx_dropped(const struct sgnic_tx_stats *ts)
{
	return ts->drop_too_fragmented + ts->drop_too_many_transfers +
	       ts->drop_no_resources + ts->map_err;
}

static u64 sgnic_rx_dropped(const struct sgnic_rx_stats *rs)
{
	return rs->alloc_fail + rs->frame_err;
}

static void sgnic_get_stats64(struct net_device *netdev,
			      struct rtnl_link_stats64 *stats)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_tx_stats ts;
	struct sgnic_rx_stats rs;
	unsigned int seq;
	u32 q;

	do {
		seq = read_seqbegin(&priv->stats_lock);
		stats->tx_packets = priv->tx_base.packets;
		stats->tx_bytes = priv->tx_base.bytes;
		stats->rx_packets = priv->rx_base.packets;
		stats->rx_bytes = priv->rx_base.bytes;
		stats->tx_dropped = sgnic_tx_dropped(&priv->tx_base);
		stats->rx_dropped = sgnic_rx_dropped(&priv->rx_base);

		rcu_read_lock();
		for (q = 0; q < SGNIC_MAX_QUEUE_PAIRS; q++) {
			struct sgnic_ring *tx = READ_ONCE(priv->tx[q]);
			struct sgnic_ring *rx = READ_ONCE(priv->rx[q]);

			if (tx) {
				sgnic_get_tx_stats(tx, &ts);
				stats->tx_packets += ts.packets;
				stats->tx_bytes += ts.bytes;
				stats->tx_dropped += sgnic_tx_dropped(&ts);
			}
			if (rx) {
				sgnic_get_rx_stats(rx, &rs);
				stats->rx_packets += rs.packets;
				stats->rx_bytes += rs.bytes;
				stats->rx_dropped += sgnic_rx_dropped(&rs);
			}
		}
		rcu_read_unlock();
	} while (read_seqretry(&priv->stats_lock, seq));
	stats->rx_missed_errors = sgnic_rd(priv, SGNIC_REG_STAT_RX_NOBUF);
	stats->rx_length_errors = sgnic_rd(priv, SGNIC_REG_STAT_RX_OVERSIZE);
}

static int sgnic_set_mac(struct net_device *netdev, void *p)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(netdev, addr->sa_data);
	sgnic_write_mac(priv, netdev->dev_addr);
	return 0;
}

void sgnic_write_mac(struct sgnic_priv *priv, const u8 *a)
{
	sgnic_wr(priv, SGNIC_REG_MAC_LO, a[0] | a[1] << 8 | a[2] << 16 | a[3] << 24);
	sgnic_wr(priv, SGNIC_REG_MAC_HI, a[4] | a[5] << 8);
}

static int sgnic_set_features(struct net_device *netdev,
			      netdev_features_t features)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (priv->up &&
	    ((netdev->features ^ features) & (NETIF_F_LOOPBACK | NETIF_F_GRO_HW |
					      NETIF_F_HW_VLAN_CTAG_RX |
					      NETIF_F_HW_VLAN_CTAG_FILTER)))
		sgnic_write_ctrl(priv, features);
	return 0;
}

static int sgnic_change_mtu(struct net_device *netdev, int mtu)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	if (!sgnic_xdp_mtu_ok(priv->xdp_prog, mtu)) {
		netdev_warn(netdev, "MTU %d needs multi-buffer frames, which the XDP program does not support\n",
			    mtu);
		return -EINVAL;
	}
	/* RX buffers are page sized and frames span several: nothing to redo. */
	WRITE_ONCE(netdev->mtu, mtu);
	return 0;
}

static void sgnic_tx_timeout(struct net_device *netdev, unsigned int txq)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	atomic64_inc(&priv->dstats.tx_timeouts);
	netdev_warn(netdev, "TX queue %u timed out, resetting its channels\n", txq);
	set_bit(txq, &priv->tx_timeout_pairs);
	schedule_work(&priv->reset_work);
}

#if SGNIC_HAVE_QSTATS
/* Per-queue counters through the netdev netlink family (qstats). */
static void sgnic_get_queue_stats_rx(struct net_device *netdev, int idx,
				     struct netdev_queue_stats_rx *qs)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_ring *rx;
	struct sgnic_rx_stats rs;

	rcu_read_lock();
	rx = READ_ONCE(priv->rx[idx]);
	if (rx) {
		sgnic_get_rx_stats(rx, &rs);
		qs->packets = rs.packets;
		qs->bytes = rs.bytes;
		qs->alloc_fail = rs.alloc_fail;
		qs->csum_unnecessary = rs.csum_ok;
		qs->csum_bad = rs.csum_bad;
		qs->hw_gro_packets = rs.rsc_packets;
		qs->hw_gro_wire_packets = rs.rsc_segs;
	}
	rcu_read_unlock();
}

static void sgnic_get_queue_stats_tx(struct net_device *netdev, int idx,
				     struct netdev_queue_stats_tx *qs)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_ring *tx;
	struct sgnic_tx_stats ts;

	rcu_read_lock();
	tx = READ_ONCE(priv->tx[idx]);
	if (tx) {
		sgnic_get_tx_stats(tx, &ts);
		qs->packets = ts.packets;
		qs->bytes = ts.bytes;
		qs->stop = ts.stop;
		qs->wake = ts.wake;
		qs->needs_csum = ts.csum;
		qs->hw_gso_packets = ts.tso;
		qs->hw_drops = ts.dev_refused;
		qs->hw_drop_errors = ts.dev_refused;
	}
	rcu_read_unlock();
}

/* Everything the freed rings counted, so per-queue plus base is the total. */
static void sgnic_get_base_stats(struct net_device *netdev,
				 struct netdev_queue_stats_rx *rx,
				 struct netdev_queue_stats_tx *tx)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	rx->packets = priv->rx_base.packets;
	rx->bytes = priv->rx_base.bytes;
	rx->alloc_fail = priv->rx_base.alloc_fail;
	rx->csum_unnecessary = priv->rx_base.csum_ok;
	rx->csum_bad = priv->rx_base.csum_bad;
	tx->packets = priv->tx_base.packets;
	tx->bytes = priv->tx_base.bytes;
	tx->stop = priv->tx_base.stop;
	tx->wake = priv->tx_base.wake;
	tx->needs_csum = priv->tx_base.csum;
	tx->hw_gso_packets = priv->tx_base.tso;
	tx->hw_drops = priv->tx_base.dev_refused;
	tx->hw_drop_errors = priv->tx_base.dev_refused;
}

const struct netdev_stat_ops sgnic_stat_ops = {
	.get_queue_stats_rx	= sgnic_get_queue_stats_rx,
	.get_queue_stats_tx	= sgnic_get_queue_stats_tx,
	.get_base_stats		= sgnic_get_base_stats,
};
#endif

const struct net_device_ops sgnic_netdev_ops = {
	.ndo_open		= sgnic_open,
	.ndo_stop		= sgnic_stop,
	.ndo_start_xmit		= sgnic_xmit,
	.ndo_get_stats64	= sgnic_get_stats64,
	.ndo_set_mac_address	= sgnic_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_set_rx_mode	= sgnic_set_rx_mode,
	.ndo_vlan_rx_add_vid	= sgnic_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= sgnic_vlan_rx_kill_vid,
	.ndo_set_features	= sgnic_set_features,
	.ndo_change_mtu		= sgnic_change_mtu,
	.ndo_tx_timeout		= sgnic_tx_timeout,
	.ndo_bpf		= sgnic_bpf,
	.ndo_xdp_xmit		= sgnic_xdp_xmit,
	.ndo_xsk_wakeup		= sgnic_xsk_wakeup,
};
