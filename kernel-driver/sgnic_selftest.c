// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: DMA loopback self-test (ethtool -t).
 *
 * With the device in internal loopback, one frame goes out as a single
 * transfer or as a three-element scatter/gather list, and must come back
 * byte for byte.  Completion is learnt from the writeback value or from the
 * HEAD register, as the mode under test says.  The interface is down.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>

#include "sgnic.h"

#define SGNIC_LB_LEN		1000
#define SGNIC_LB_ETHERTYPE	0x88b5	/* IEEE local experimental */
#define SGNIC_LB_TIMEOUT_MS	200

static void sgnic_lb_fill(struct sgnic_priv *priv, u8 *frame)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	u32 i;

	ether_addr_copy(eth->h_dest, priv->netdev->dev_addr);
	ether_addr_copy(eth->h_source, priv->netdev->dev_addr);
	eth->h_proto = htons(SGNIC_LB_ETHERTYPE);
	for (i = ETH_HLEN; i < SGNIC_LB_LEN; i++)
		frame[i] = (u8)(i * 7 + 3);
}

static bool sgnic_lb_wait(struct sgnic_ring *ring, u32 want)
{
	int ms;

	for (ms = 0; ms < SGNIC_LB_TIMEOUT_MS; ms++) {
		if (sgnic_ring_done_index(ring) == want)
			return true;
		usleep_range(500, 1000);
	}
	return false;
}

/*
 * Send the frame on TX as one element, or as up to three (as many as the
 * device's max_sg allows); returns 0 if it came back intact.
 */
static int sgnic_lb_run(struct sgnic_priv *priv, struct sgnic_ring *tx,
			struct sgnic_ring *rx, u8 *frame, bool single)
{
	static const u32 split[] = { 60, 400, SGNIC_LB_LEN - 460 };
	u32 n = single ? 1 : min_t(u32, ARRAY_SIZE(split), priv->caps.max_sg);
	dma_addr_t dma[ARRAY_SIZE(split)];
	u32 lens[ARRAY_SIZE(split)];
	u32 k, off = 0;
	struct sgnic_desc *rd = &rx->desc[0];
	int err = 0;

	for (k = 0; k < n; k++) {
		u32 len = k == n - 1 ? SGNIC_LB_LEN - off : split[k];
		struct sgnic_desc *d = &tx->desc[k];
		u32 flags = 0;

		lens[k] = len;
		dma[k] = dma_map_single(tx->dev, frame + off, len, DMA_TO_DEVICE);
		if (dma_mapping_error(tx->dev, dma[k])) {
			n = k;
			err = -ENOMEM;
			goto unmap;
		}
		if (k == 0)
			flags |= SGNIC_DESC_F_SOP | (single ? SGNIC_DESC_F_SINGLE_XFER : 0);
		if (k == n - 1)
			flags |= SGNIC_DESC_F_EOP | tx->desc_flags;
		memset(d, 0, sizeof(*d));
		d->addr = cpu_to_le64(dma[k]);
		d->len = cpu_to_le32(len);
		d->flags = cpu_to_le32(flags);
		off += len;
	}
	dma_wmb();
	writel(n, tx->regs + SGNIC_CH_TAIL);

	if (!sgnic_lb_wait(tx, n) || !sgnic_lb_wait(rx, 1)) {
		/* Stop the channel before its buffers go: it may still read them. */
		writel(SGNIC_CMD_RESET, tx->regs + SGNIC_CH_CMD);
		err = -ETIMEDOUT;
		goto unmap;
	}
	dma_rmb();
	if ((le32_to_cpu(rd->status) & (SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP)) !=
	    (SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP) ||
	    le32_to_cpu(rd->xfer_len) != SGNIC_LB_LEN) {
		err = -EIO;
		goto unmap;
	}
	dma_sync_single_for_cpu(rx->dev, rx->rx_buf[0].dma, SGNIC_LB_LEN, rx->dma_dir);
	if (memcmp(page_address(rx->rx_buf[0].page) + rx->rx_headroom, frame,
		   SGNIC_LB_LEN))
		err = -EILSEQ;
unmap:
	for (k = 0; k < n; k++)
		dma_unmap_single(tx->dev, dma[k], lens[k], DMA_TO_DEVICE);
	return err;
}

int sgnic_hw_selftest_loopback(struct sgnic_priv *priv, bool single,
			       bool writeback)
{
	unsigned long old_flags = priv->pflags, old_zc = priv->xsk_zc;
	u32 old_pairs = priv->num_pairs;
	u8 *frame;
	int err;

	/* A device that cannot carry the test frame in one piece is not broken. */
	if (priv->caps.max_xfer < SGNIC_LB_LEN || priv->caps.max_seg < SGNIC_LB_LEN)
		return -EOPNOTSUPP;
	frame = kmalloc(SGNIC_LB_LEN, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	sgnic_lb_fill(priv, frame);

	priv->num_pairs = 1;
	/* the test's rings are the driver's own, never an AF_XDP socket's */
	priv->xsk_zc = 0;
	assign_bit(SGNIC_PFLAG_WRITEBACK, &priv->pflags, writeback);
	err = sgnic_alloc_rings(priv);
	if (err)
		goto out;
	/* Polled: IRQ_EN stays clear, the queue vector is not requested. */
	sgnic_start_ring(priv->tx[0]);
	sgnic_start_ring(priv->rx[0]);
	sgnic_wr(priv, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK);

	err = sgnic_lb_run(priv, priv->tx[0], priv->rx[0], frame, single);
	if (err)
		netdev_err(priv->netdev, "loopback (%s, %s) failed: %d\n",
			   single ? "single" : "sg", writeback ? "writeback" : "irq",
			   err);

	sgnic_wr(priv, SGNIC_REG_CTRL, 0);
	sgnic_stop_ring(priv->tx[0]);
	sgnic_stop_ring(priv->rx[0]);
	sgnic_free_rings(priv);
out:
	priv->num_pairs = old_pairs;
	priv->pflags = old_flags;
	priv->xsk_zc = old_zc;
	kfree(frame);
	return err;
}
