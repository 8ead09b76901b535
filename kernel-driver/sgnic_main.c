// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: PCI probe and remove, MSI-X, the misc (link and error) interrupt,
 * halted-channel recovery, the lost-interrupt watchdog, a device that
 * leaves the bus, suspend and resume, shutdown and PCI error recovery.
 */
#include <linux/module.h>
#include <linux/interrupt.h>
#include <linux/etherdevice.h>
#include <linux/dma-mapping.h>
#include <linux/rtnetlink.h>

#include "sgnic.h"

static bool dma32;
module_param(dma32, bool, 0444);
MODULE_PARM_DESC(dma32, "Use a 32-bit DMA mask even if 64 bits work (testing)");

/*
 * A device that has left the bus (surprise removal, a dead link) answers
 * every read with all-ones.  The registers sgnic checks (STATUS, HALTED,
 * MISC_CAUSE, a channel's HEAD) have bits that are never set, so ~0 from
 * one of them means the device is gone: detach the interface once, stop
 * the watchdog and recovery, and let remove or close undo the rest (writes
 * to a missing device are dropped, nothing waits on one).  Any context.
 */
bool sgnic_hw_gone(struct sgnic_priv *priv, u32 val)
{
	if (likely(val != ~0u))
		return READ_ONCE(priv->gone);
	if (!xchg(&priv->gone, true)) {
		netdev_err(priv->netdev, "device reads 0xffffffff: removed or dead, detaching\n");
		netif_device_detach(priv->netdev);
		netif_carrier_off(priv->netdev);
	}
	return true;
}

static irqreturn_t sgnic_misc_irq(int irq, void *data)
{
	struct sgnic_priv *priv = data;
	u32 cause = sgnic_rd(priv, SGNIC_REG_MISC_CAUSE);

	if (sgnic_hw_gone(priv, cause))
		return IRQ_HANDLED;
	if (!cause)
		return IRQ_NONE;
	sgnic_wr(priv, SGNIC_REG_MISC_CAUSE, cause);
	if (cause & SGNIC_MISC_TEST)
		atomic_inc(&priv->test_irqs);
	/* Carrier and queues change under RTNL, never racing a reset or down. */
	if (cause & SGNIC_MISC_LINK)
		schedule_work(&priv->link_work);
	if (cause & SGNIC_MISC_CHAN_HALT)
		schedule_work(&priv->reset_work);
	return IRQ_HANDLED;
}

/* Reset one queue pair's channels and refill them; the link stays up. */
static void sgnic_reset_pair(struct sgnic_priv *priv, u32 q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(priv->netdev, q);
	struct sgnic_qvec *qv = &priv->qv[q];

	napi_disable(&qv->napi);
	__netif_tx_lock_bh(txq);
	netif_tx_stop_queue(txq);
	qv->tx->xdp_off = true;		/* and ndo_xdp_xmit too */
	__netif_tx_unlock_bh(txq);

	sgnic_stop_ring(qv->tx);
	sgnic_stop_ring(qv->rx);
	sgnic_start_ring(qv->tx);
	sgnic_start_ring(qv->rx);
	sgnic_ring_set_moderation(qv->tx, priv->tx_usecs, priv->tx_frames);
	sgnic_ring_set_moderation(qv->rx, priv->rx_usecs, priv->rx_frames);

	napi_enable(&qv->napi);
	sgnic_unmask_pair(priv, q);
	__netif_tx_lock_bh(txq);
	qv->tx->xdp_off = false;
	__netif_tx_unlock_bh(txq);
	if (netif_carrier_ok(priv->netdev))
		netif_tx_wake_queue(txq);
	atomic64_inc(&priv->dstats.chan_resets);
}

static void sgnic_link_task(struct work_struct *work)
{
	struct sgnic_priv *priv = container_of(work, struct sgnic_priv, link_work);

	rtnl_lock();
	if (priv->up && !READ_ONCE(priv->gone))
		sgnic_update_link(priv);
	rtnl_unlock();
}

static void sgnic_reset_task(struct work_struct *work)
{
	struct sgnic_priv *priv = container_of(work, struct sgnic_priv, reset_work);
	u32 halted, q, chans;
	bool timed_out;

	rtnl_lock();
	if (!priv->up)
		goto out;
	halted = sgnic_rd(priv, SGNIC_REG_HALTED);
	if (sgnic_hw_gone(priv, halted))
		goto out;
	/*
	 * Reset exactly the pairs that need it: a halted channel, or the
	 * queue the stack reported timed out.  A reset queued twice finds
	 * nothing the second time and leaves busy pairs alone.
	 */
	for (q = 0; q < priv->num_pairs; q++) {
		chans = BIT(SGNIC_CHAN_TX(q)) | BIT(SGNIC_CHAN_RX(q));
		timed_out = test_and_clear_bit(q, &priv->tx_timeout_pairs);
		if (halted & chans)
			netdev_warn(priv->netdev, "queue %u halted (tx status 0x%x, rx status 0x%x), resetting\n",
				    q, readl(priv->tx[q]->regs + SGNIC_CH_STATUS),
				    readl(priv->rx[q]->regs + SGNIC_CH_STATUS));
		else if (!timed_out)
			continue;
		sgnic_reset_pair(priv, q);
	}
out:
	rtnl_unlock();
}

/*
 * A lost interrupt leaves a pair masked with work pending.  Every
 * SGNIC_WATCHDOG_MS, poll any pair that has completions waiting, and
 * hand a halted channel whose misc interrupt was lost to the reset work
 * (polling a halted ring would find nothing, for ever).
 */
static void sgnic_watchdog(struct timer_list *t)
{
	struct sgnic_priv *priv = from_timer(priv, t, watchdog);
	u32 q, halted;

	if (!priv->up)
		return;
	halted = sgnic_rd(priv, SGNIC_REG_HALTED);
	/* Not re-armed: a device that is gone has nothing left to poll. */
	if (sgnic_hw_gone(priv, halted))
		return;
	if (halted) {
		atomic64_inc(&priv->dstats.watchdog_halts);
		schedule_work(&priv->reset_work);
	}
	for (q = 0; q < priv->num_pairs; q++) {
		struct sgnic_qvec *qv = &priv->qv[q];

		/*
		 * Completions waiting, or an RX ring that ran out of pages with
		 * every buffer up the stack: nothing would ever interrupt.
		 */
		if (!sgnic_ring_pending(qv->tx) && !sgnic_ring_pending(qv->rx) &&
		    !READ_ONCE(qv->rx->rx_starved))
			continue;
		if (napi_schedule_prep(&qv->napi)) {
			atomic64_inc(&priv->dstats.watchdog_kicks);
			__napi_schedule(&qv->napi);
		}
	}
	mod_timer(&priv->watchdog, jiffies + msecs_to_jiffies(SGNIC_WATCHDOG_MS));
}

static int sgnic_read_caps(struct sgnic_priv *priv)
{
	struct sgnic_caps *c = &priv->caps;
	u32 id = sgnic_rd(priv, SGNIC_REG_ID);

	if (id != SGNIC_ID_MAGIC) {
		dev_err(&priv->pdev->dev, "bad ID register 0x%08x\n", id);
		return -ENODEV;
	}
	c->version = sgnic_rd(priv, SGNIC_REG_VERSION);
	if (c->version >> 16 != SGNIC_VERSION_MAJOR) {
		dev_err(&priv->pdev->dev, "unsupported device version %u.%u\n",
			c->version >> 16, c->version & 0xffff);
		return -ENODEV;
	}
	c->features = sgnic_rd(priv, SGNIC_REG_FEATURES);
	c->max_pairs = sgnic_rd(priv, SGNIC_REG_QUEUES) & SGNIC_QUEUES_PAIRS_MASK;
	c->max_xfer = sgnic_rd(priv, SGNIC_REG_MAX_XFER);
	c->max_sg = sgnic_rd(priv, SGNIC_REG_MAX_SG);
	c->max_seg = sgnic_rd(priv, SGNIC_REG_MAX_SEG);
	c->seg_boundary_shift = sgnic_rd(priv, SGNIC_REG_SEG_BOUNDARY);
	c->max_frame = sgnic_rd(priv, SGNIC_REG_MAX_FRAME);
	if (!c->max_pairs || c->max_pairs > SGNIC_MAX_QUEUE_PAIRS || !c->max_xfer ||
	    !c->max_sg || !c->max_seg || c->seg_boundary_shift < 12 ||
	    min(c->max_frame, c->max_xfer) < SGNIC_MIN_MTU + SGNIC_ETH_OVERHEAD) {
		dev_err(&priv->pdev->dev, "device reports impossible limits\n");
		return -ENODEV;
	}
	c->max_sg = min_t(u32, c->max_sg, SGNIC_HW_MAX_CHAIN);
	return 0;
}

/* Tell the DMA layer the device's element limits, so merges respect them. */
static int sgnic_set_dma_limits(struct sgnic_priv *priv)
{
	struct device *dev = &priv->pdev->dev;
	size_t max_map;
	int err;

	err = dma32 ? -EIO : dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	priv->dma64 = !err;
	if (err) {
		err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
		if (err) {
			dev_err(dev, "no usable DMA mask\n");
			return err;
		}
		dev_info(dev, "using a 32-bit DMA mask\n");
	}
	dma_set_max_seg_size(dev, priv->caps.max_seg);
	if (priv->caps.seg_boundary_shift < 64)
		dma_set_seg_boundary(dev, (1UL << priv->caps.seg_boundary_shift) - 1);
	/*
	 * "Map registers reserved" in Linux terms: the largest mapping the DMA
	 * layer can make (swiotlb caps it), in pages.
	 */
	max_map = dma_max_mapping_size(dev);
	priv->max_map_units = max_map >= SZ_1G ? 0 : max_map >> PAGE_SHIFT;
	return 0;
}

static void sgnic_init_netdev(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	u32 lo = sgnic_rd(priv, SGNIC_REG_MAC_LO), hi = sgnic_rd(priv, SGNIC_REG_MAC_HI);
	u8 mac[ETH_ALEN] = { lo, lo >> 8, lo >> 16, lo >> 24, hi, hi >> 8 };

	netdev->netdev_ops = &sgnic_netdev_ops;
#if SGNIC_HAVE_QSTATS
	netdev->stat_ops = &sgnic_stat_ops;
#endif
	sgnic_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;
	netdev->min_mtu = SGNIC_MIN_MTU;
	/*
	 * A frame is one packet of at most MAX_XFER bytes as well as at most
	 * MAX_FRAME: never let the stack build one the device must refuse.
	 */
	netdev->max_mtu = min(priv->caps.max_frame, priv->caps.max_xfer) - SGNIC_ETH_OVERHEAD;
	netdev->mtu = min_t(unsigned int, netdev->mtu, netdev->max_mtu);
	if (is_valid_ether_addr(mac)) {
		eth_hw_addr_set(netdev, mac);
	} else {
		/* The device filters on its own register: tell it. */
		eth_hw_addr_random(netdev);
		sgnic_write_mac(priv, netdev->dev_addr);
	}

	netdev->hw_features = 0;
	if (priv->caps.features & SGNIC_FEAT_RX_CSUM)
		netdev->hw_features |= NETIF_F_RXCSUM;
	if (priv->caps.features & SGNIC_FEAT_SG)
		netdev->hw_features |= NETIF_F_SG;
	/* The device fills TCP and UDP checksums only, over IPv4 and IPv6. */
	if (priv->caps.features & SGNIC_FEAT_TX_CSUM)
		netdev->hw_features |= NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM;
	if (priv->caps.features & SGNIC_FEAT_TSO)
		netdev->hw_features |= NETIF_F_TSO | NETIF_F_TSO6;
	if (priv->caps.features & SGNIC_FEAT_RSC)
		netdev->hw_features |= NETIF_F_GRO_HW;
	if (sgnic_has_rss(priv))
		netdev->hw_features |= NETIF_F_RXHASH;
	if (sgnic_has_vlan(priv))
		netdev->hw_features |= NETIF_F_HW_VLAN_CTAG_RX | NETIF_F_HW_VLAN_CTAG_TX |
				       NETIF_F_HW_VLAN_CTAG_FILTER;
	netdev->features = netdev->hw_features;
	if (priv->dma64)
		netdev->features |= NETIF_F_HIGHDMA;
	/* Internal loopback (CTRL.LOOPBACK), off until asked for. */
	netdev->hw_features |= NETIF_F_LOOPBACK;
	/* what a VLAN device on top may offload: all but the tagging itself */
	netdev->vlan_features = netdev->features & ~(NETIF_F_HW_VLAN_CTAG_RX |
						     NETIF_F_HW_VLAN_CTAG_TX |
						     NETIF_F_HW_VLAN_CTAG_FILTER);
	/* secondary unicast addresses go to the table, not to promiscuous mode */
	if (sgnic_has_rx_filter(priv))
		netdev->priv_flags |= IFF_UNICAST_FLT;
	sgnic_xdp_set_features(priv);
	netif_set_tso_max_size(netdev, priv->caps.max_xfer);
	netif_set_tso_max_segs(netdev, U16_MAX);
}

static int sgnic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *netdev;
	struct sgnic_priv *priv;
	int err, nvec;
	u32 q;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(SGNIC_BAR_REGS), SGNIC_DRV_NAME);
	if (err)
		return err;
	pci_set_master(pdev);

	netdev = alloc_etherdev_mq(sizeof(*priv), SGNIC_MAX_QUEUE_PAIRS);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &pdev->dev);
	priv = netdev_priv(netdev);
	priv->pdev = pdev;
	priv->netdev = netdev;
	priv->hw = pcim_iomap_table(pdev)[SGNIC_BAR_REGS];
	pci_set_drvdata(pdev, priv);

	err = sgnic_read_caps(priv);
	if (err)
		goto err_free_netdev;
	err = sgnic_set_dma_limits(priv);
	if (err)
		goto err_free_netdev;

	sgnic_wr(priv, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
	nvec = pci_alloc_irq_vectors(pdev, 2, 1 + priv->caps.max_pairs, PCI_IRQ_MSIX);
	if (nvec < 0) {
		err = nvec;
		dev_err(&pdev->dev, "cannot get MSI-X vectors: %d\n", err);
		goto err_free_netdev;
	}
	priv->num_vectors = nvec;
	priv->caps.max_pairs = min_t(u32, priv->caps.max_pairs, nvec - 1);
	for (q = 0; q < priv->caps.max_pairs; q++) {
		priv->qv[q].priv = priv;
		priv->qv[q].idx = q;
		priv->qv[q].irq = pci_irq_vector(pdev, SGNIC_VEC_QUEUE(q));
	}

	priv->num_pairs = min_t(u32, priv->caps.max_pairs, netif_get_num_default_rss_queues());
	sgnic_rss_init(priv);
	priv->tx_ring_size = SGNIC_DEF_RING_SIZE;
	priv->rx_ring_size = SGNIC_DEF_RING_SIZE;
	priv->tx_copybreak = SGNIC_DEF_TX_COPYBREAK;
	priv->rx_copybreak = SGNIC_DEF_RX_COPYBREAK;
	priv->rx_usecs = SGNIC_DEF_IRQ_USECS;
	priv->rx_frames = SGNIC_DEF_IRQ_FRAMES;
	priv->tx_usecs = SGNIC_DEF_IRQ_USECS;
	priv->tx_frames = SGNIC_DEF_IRQ_FRAMES;
	if (priv->caps.features & SGNIC_FEAT_WRITEBACK)
		set_bit(SGNIC_PFLAG_WRITEBACK, &priv->pflags);
	seqlock_init(&priv->stats_lock);
	spin_lock_init(&priv->ctrl_lock);
	INIT_WORK(&priv->reset_work, sgnic_reset_task);
	INIT_WORK(&priv->link_work, sgnic_link_task);
	timer_setup(&priv->watchdog, sgnic_watchdog, 0);
	sgnic_init_netdev(priv);

	err = request_irq(pci_irq_vector(pdev, SGNIC_VEC_MISC), sgnic_misc_irq, 0,
			  SGNIC_DRV_NAME "-misc", priv);
	if (err)
		goto err_free_vectors;
	sgnic_wr(priv, SGNIC_REG_MISC_MASK,
		 SGNIC_MISC_LINK | SGNIC_MISC_CHAN_HALT | SGNIC_MISC_TEST);

	/*
	 * Completions are visible in memory (writeback mode: without a
	 * register read), so while traffic flows NAPI polls on a timer rather
	 * than re-arming interrupts after every poll: the kernel's deferred
	 * hard IRQs, with sgnic's own defaults.  sysfs napi_defer_hard_irqs
	 * and gro_flush_timeout change them; 0 restores one interrupt per poll.
	 */
	sgnic_set_napi_defer(netdev, SGNIC_DEF_DEFER_POLLS, SGNIC_DEF_DEFER_NS);

	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_free_misc_irq;
	sgnic_debugfs_add(priv);
	/* What error recovery restores after a slot reset. */
	pci_save_state(pdev);
	netdev_info(netdev, "sgnic %u.%u, %u queue pairs, max_sg %u, max_xfer %u, max_seg %u, MAC %pM\n",
		    priv->caps.version >> 16, priv->caps.version & 0xffff,
		    priv->caps.max_pairs, priv->caps.max_sg, priv->caps.max_xfer,
		    priv->caps.max_seg, netdev->dev_addr);
	return 0;

err_free_misc_irq:
	sgnic_wr(priv, SGNIC_REG_MISC_MASK, 0);
	free_irq(pci_irq_vector(pdev, SGNIC_VEC_MISC), priv);
	/* The interrupt may have queued work before it was freed. */
	cancel_work_sync(&priv->reset_work);
	cancel_work_sync(&priv->link_work);
err_free_vectors:
	pci_free_irq_vectors(pdev);
err_free_netdev:
	free_netdev(netdev);
	return err;
}

static void sgnic_remove(struct pci_dev *pdev)
{
	struct sgnic_priv *priv = pci_get_drvdata(pdev);

	sgnic_debugfs_remove(priv);
	unregister_netdev(priv->netdev);
	/* No interrupt can queue work once it is freed: cancel after that. */
	sgnic_wr(priv, SGNIC_REG_MISC_MASK, 0);
	free_irq(pci_irq_vector(pdev, SGNIC_VEC_MISC), priv);
	cancel_work_sync(&priv->reset_work);
	cancel_work_sync(&priv->link_work);
	sgnic_wr(priv, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
	pci_free_irq_vectors(pdev);
	free_netdev(priv->netdev);
}

/*
 * Stop everything and leave the device reset with bus mastering off,
 * the interface detached (suspend, shutdown, a PCI error).  The misc
 * interrupt stays requested but masked; work it queued is flushed.
 */
static void sgnic_quiesce(struct sgnic_priv *priv)
{
	rtnl_lock();
	netif_device_detach(priv->netdev);
	if (priv->up)
		sgnic_down(priv);
	rtnl_unlock();
	sgnic_wr(priv, SGNIC_REG_MISC_MASK, 0);
	cancel_work_sync(&priv->reset_work);
	cancel_work_sync(&priv->link_work);
	/* Under RTNL, so that no reader counts a value twice or loses it. */
	rtnl_lock();
	sgnic_mac_stats_fold(priv);
	sgnic_wr(priv, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
	rtnl_unlock();
}

/*
 * Undo sgnic_quiesce() on a device that was reset meanwhile (resume, PCI
 * error recovery): the MAC the interface uses, the misc mask, the rings
 * if the interface is up.  The interface comes back attached whatever
 * happens; a failed start leaves it up with nothing running, as a failed
 * reconfiguration does, and the next ethtool change or down/up retries.
 */
static int sgnic_restore(struct sgnic_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	int err = 0;

	pci_set_master(priv->pdev);
	WRITE_ONCE(priv->gone, false);
	sgnic_wr(priv, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
	if (sgnic_rd(priv, SGNIC_REG_ID) != SGNIC_ID_MAGIC) {
		netdev_err(netdev, "device does not answer after reset\n");
		return -EIO;
	}
	sgnic_write_mac(priv, netdev->dev_addr);
	sgnic_wr(priv, SGNIC_REG_MISC_MASK,
		 SGNIC_MISC_LINK | SGNIC_MISC_CHAN_HALT | SGNIC_MISC_TEST);
	rtnl_lock();
	if (netif_running(netdev)) {
		err = sgnic_up(priv);
		if (err)
			netdev_err(netdev, "could not restart after reset: %d\n", err);
	}
	netif_device_attach(netdev);
	rtnl_unlock();
	return err;
}

static int sgnic_suspend(struct device *dev)
{
	sgnic_quiesce(dev_get_drvdata(dev));
	return 0;
}

static int sgnic_resume(struct device *dev)
{
	return sgnic_restore(dev_get_drvdata(dev));
}

static DEFINE_SIMPLE_DEV_PM_OPS(sgnic_pm_ops, sgnic_suspend, sgnic_resume);

/* Reboot, power-off and kexec: no DMA may follow. */
static void sgnic_shutdown(struct pci_dev *pdev)
{
	sgnic_quiesce(pci_get_drvdata(pdev));
	pci_clear_master(pdev);
}

/*
 * PCI error recovery (AER, DPC): stop and wait for the slot reset; a
 * permanent failure is a removal.
 */
static pci_ers_result_t sgnic_io_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct sgnic_priv *priv = pci_get_drvdata(pdev);

	dev_warn(&pdev->dev, "PCI error detected (channel state %d)\n", state);
	sgnic_quiesce(priv);
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t sgnic_io_slot_reset(struct pci_dev *pdev)
{
	struct sgnic_priv *priv = pci_get_drvdata(pdev);

	pci_restore_state(pdev);
	pci_save_state(pdev);
	pci_set_master(pdev);
	if (sgnic_rd(priv, SGNIC_REG_ID) != SGNIC_ID_MAGIC) {
		dev_err(&pdev->dev, "device lost after the slot reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	return PCI_ERS_RESULT_RECOVERED;
}

static void sgnic_io_resume(struct pci_dev *pdev)
{
	if (!sgnic_restore(pci_get_drvdata(pdev)))
		dev_info(&pdev->dev, "recovered from the PCI error\n");
}

static const struct pci_error_handlers sgnic_err_handlers = {
	.error_detected = sgnic_io_error_detected,
	.slot_reset = sgnic_io_slot_reset,
	.resume = sgnic_io_resume,
};

static const struct pci_device_id sgnic_pci_ids[] = {
	{ PCI_DEVICE(SGNIC_PCI_VENDOR_ID, SGNIC_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sgnic_pci_ids);

static struct pci_driver sgnic_pci_driver = {
	.name = SGNIC_DRV_NAME,
	.id_table = sgnic_pci_ids,
	.probe = sgnic_probe,
	.remove = sgnic_remove,
	.shutdown = sgnic_shutdown,
	.err_handler = &sgnic_err_handlers,
	.driver.pm = pm_sleep_ptr(&sgnic_pm_ops),
};

static int __init sgnic_init(void)
{
	int err;

	sgnic_debugfs_init();
	err = pci_register_driver(&sgnic_pci_driver);
	if (err)
		sgnic_debugfs_exit();
	return err;
}

static void __exit sgnic_exit(void)
{
	pci_unregister_driver(&sgnic_pci_driver);
	sgnic_debugfs_exit();
}

module_init(sgnic_init);
module_exit(sgnic_exit);

MODULE_DESCRIPTION("sgnic scatter/gather DMA NIC driver");
MODULE_LICENSE("GPL");
