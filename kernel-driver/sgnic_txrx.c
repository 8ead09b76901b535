// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: rings, completion and NAPI.
 *
 * A ring learns how far the device got in one of two ways (seed 004): by
 * the 64-bit completion value the device writes to memory (writeback mode,
 * no register read in the hot path) or by reading the channel's HEAD
 * register after an interrupt (interrupt mode).
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "sgnic.h"

static void __iomem *sgnic_chan_regs(struct sgnic_priv *priv, u32 chan)
{
	return priv->hw + SGNIC_CHAN_REG(chan, 0);
}

static struct sgnic_ring *sgnic_ring_alloc(struct sgnic_priv *priv, u16 qid,
					   bool rx, u32 size, unsigned long pflags)
{
	struct device *dev = &priv->pdev->dev;
	struct sgnic_ring *ring;

	ring = kzalloc_node(sizeof(*ring), GFP_KERNEL, dev_to_node(dev));
	if (!ring)
		return NULL;
	ring->priv = priv;
	ring->dev = dev;
	ring->qid = qid;
	ring->chan = rx ? SGNIC_CHAN_RX(qid) : SGNIC_CHAN_TX(qid);
	ring->regs = sgnic_chan_regs(priv, ring->chan);
	ring->size = size;
	ring->single_xfer = test_bit(SGNIC_PFLAG_SINGLE_XFER, &pflags);
	ring->desc_flags = SGNIC_DESC_F_INTERRUPT;
	/* AF_XDP zero-copy: both rings of the pair use the socket's pool */
	if (test_bit(qid, &priv->xsk_zc))
		ring->xsk_pool = xsk_get_pool_from_qid(priv->netdev, qid);
	if (test_bit(SGNIC_PFLAG_WRITEBACK, &pflags))
		ring->desc_flags |= SGNIC_DESC_F_STATUS_UPDATE;
	u64_stats_init(&ring->syncp);
	u64_stats_init(&ring->clean_syncp);

	ring->desc = dma_alloc_coherent(dev, size * SGNIC_DESC_SIZE,
					&ring->desc_dma, GFP_KERNEL);
	if (!ring->desc)
		goto err_free_ring;
	ring->compl = dma_alloc_coherent(dev, sizeof(*ring->compl),
					 &ring->compl_dma, GFP_KERNEL);
	if (!ring->compl)
		goto err_free_desc;

	if (rx) {
		/* Built for XDP if a program is attached (sgnic_xdp.c) */
		bool xdp = READ_ONCE(priv->xdp_prog);
		struct page_pool_params pp = {
			.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
			.order = 0,
			.pool_size = size,
			.nid = dev_to_node(dev),
			.dev = dev,
			.dma_dir = xdp ? DMA_BIDIRECTIONAL : DMA_FROM_DEVICE,
			.offset = xdp ? SGNIC_XDP_HEADROOM : SGNIC_RX_HEADROOM,
			.max_len = xdp ? SGNIC_XDP_BUF_LEN : SGNIC_RX_BUF_LEN,
		};

		ring->xdp = xdp;
		ring->dma_dir = pp.dma_dir;
		ring->rx_headroom = pp.offset;
		ring->rx_buf_len = pp.max_len;
		if (ring->xsk_pool)
			ring->rx_buf_len = sgnic_xsk_rx_buf_len(priv, ring->xsk_pool);

#if SGNIC_HAVE_PP_NETDEV
		/* lists the pool in netdev netlink page-pool-get */
		pp.netdev = priv->netdev;
#endif
		ring->rx_buf = kcalloc(size, sizeof(*ring->rx_buf), GFP_KERNEL);
		if (!ring->rx_buf)
			goto err_free_compl;
		ring->pp = page_pool_create(&pp);
		if (IS_ERR(ring->pp)) {
			ring->pp = NULL;
			goto err_free_bufs;
		}
	} else {
		ring->tx_buf = kcalloc(size, sizeof(*ring->tx_buf), GFP_KERNEL);
		if (!ring->tx_buf)
			goto err_free_compl;
		ring->elems = kcalloc(SGNIC_HW_MAX_CHAIN, sizeof(*ring->elems),
				      GFP_KERNEL);
		if (!ring->elems)
			goto err_free_bufs;
		ring->staging = dma_alloc_coherent(dev, size * SGNIC_TX_STAGING_SIZE,
						   &ring->staging_dma, GFP_KERNEL);
		if (!ring->staging)
			goto err_free_elems;
	}
	return ring;

err_free_elems:
	kfree(ring->elems);
err_free_bufs:
	kfree(rx ? (void *)ring->rx_buf : (void *)ring->tx_buf);
err_free_compl:
	dma_free_coherent(dev, sizeof(*ring->compl), ring->compl, ring->compl_dma);
err_free_desc:
	dma_free_coherent(dev, size * SGNIC_DESC_SIZE, ring->desc, ring->desc_dma);
err_free_ring:
	kfree(ring);
	return NULL;
}

static void sgnic_ring_free_mem(struct sgnic_ring *ring, bool rx)
{
	struct device *dev = ring->dev;

	if (rx) {
		/* The memory model holds the pool: let go of it first. */
		if (xdp_rxq_info_is_reg(&ring->xdp_rxq))
			xdp_rxq_info_unreg(&ring->xdp_rxq);
		page_pool_destroy(ring->pp);
		kfree(ring->rx_buf);
	} else {
		dma_free_coherent(dev, ring->size * SGNIC_TX_STAGING_SIZE,
				  ring->staging, ring->staging_dma);
		kfree(ring->elems);
		kfree(ring->tx_buf);
	}
	dma_free_coherent(dev, sizeof(*ring->compl), ring->compl, ring->compl_dma);
	dma_free_coherent(dev, ring->size * SGNIC_DESC_SIZE, ring->desc,
			  ring->desc_dma);
	kfree(ring);
}

/*
 * Allocate the rings of a configuration without touching the running one:
 * reconfiguration builds the new set first, so that running out of memory
 * leaves the interface as it was.
 */
int sgnic_alloc_ring_set(struct sgnic_priv *priv, struct sgnic_ring_set *set,
			 u32 pairs, u32 tx_size, u32 rx_size, unsigned long pflags)
{
	u32 q;

	memset(set, 0, sizeof(*set));
	set->pairs = pairs;
	for (q = 0; q < pairs; q++) {
		set->tx[q] = sgnic_ring_alloc(priv, q, false, tx_size, pflags);
		set->rx[q] = sgnic_ring_alloc(priv, q, true, rx_size, pflags);
		if (!set->tx[q] || !set->rx[q]) {
			sgnic_free_ring_set(set);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Free rings never published (nothing counted, nobody can see them). */
void sgnic_free_ring_set(struct sgnic_ring_set *set)
{
	u32 q;

	for (q = 0; q < set->pairs; q++) {
		if (set->tx[q])
			sgnic_ring_free_mem(set->tx[q], false);
		if (set->rx[q])
			sgnic_ring_free_mem(set->rx[q], true);
	}
	memset(set, 0, sizeof(*set));
}

/* Publish a set's rings; the previous ones are gone (sgnic_free_rings). */
void sgnic_install_ring_set(struct sgnic_priv *priv, struct sgnic_ring_set *set)
{
	u32 q;

	for (q = 0; q < set->pairs; q++) {
		struct sgnic_qvec *qv = &priv->qv[q];

		qv->tx = set->tx[q];
		qv->rx = set->rx[q];
		set->tx[q]->qv = qv;
		set->rx[q]->qv = qv;
		WRITE_ONCE(priv->tx[q], set->tx[q]);
		WRITE_ONCE(priv->rx[q], set->rx[q]);
	}
	memset(set, 0, sizeof(*set));
}

/* XDP's view of an RX ring: queue index and page_pool memory model. */
int sgnic_rx_xdp_reg(struct sgnic_ring *ring)
{
	int err;

	err = xdp_rxq_info_reg(&ring->xdp_rxq, ring->priv->netdev, ring->qid, 0);
	if (err)
		return err;
	if (ring->xsk_pool) {
		err = xdp_rxq_info_reg_mem_model(&ring->xdp_rxq, MEM_TYPE_XSK_BUFF_POOL,
						 NULL);
		if (!err)
			xsk_pool_set_rxq_info(ring->xsk_pool, &ring->xdp_rxq);
	} else {
		err = xdp_rxq_info_reg_mem_model(&ring->xdp_rxq, MEM_TYPE_PAGE_POOL,
						 ring->pp);
	}
	if (err)
		xdp_rxq_info_unreg(&ring->xdp_rxq);
	return err;
}

int sgnic_alloc_rings(struct sgnic_priv *priv)
{
	struct sgnic_ring_set set;
	int err;

	err = sgnic_alloc_ring_set(priv, &set, priv->num_pairs, priv->tx_ring_size,
				   priv->rx_ring_size, priv->pflags);
	if (err)
		return err;
	sgnic_install_ring_set(priv, &set);
	return 0;
}

void sgnic_free_rings(struct sgnic_priv *priv)
{
	u32 q;

	struct sgnic_ring *tx[SGNIC_MAX_QUEUE_PAIRS], *rx[SGNIC_MAX_QUEUE_PAIRS];

	/*
	 * Fold and unpublish in one step for the stats readers (stats_lock),
	 * then wait out readers still holding RCU, then free.
	 */
	write_seqlock(&priv->stats_lock);
	sgnic_fold_ring_stats(priv);
	for (q = 0; q < SGNIC_MAX_QUEUE_PAIRS; q++) {
		tx[q] = priv->tx[q];
		rx[q] = priv->rx[q];
		WRITE_ONCE(priv->tx[q], NULL);
		WRITE_ONCE(priv->rx[q], NULL);
		priv->qv[q].tx = NULL;
		priv->qv[q].rx = NULL;
	}
	write_sequnlock(&priv->stats_lock);
	synchronize_net();
	for (q = 0; q < SGNIC_MAX_QUEUE_PAIRS; q++) {
		if (tx[q])
			sgnic_ring_free_mem(tx[q], false);
		if (rx[q])
			sgnic_ring_free_mem(rx[q], true);
	}
}

static bool sgnic_ring_is_rx(const struct sgnic_ring *ring)
{
	return SGNIC_CHAN_IS_RX(ring->chan);
}

/* Program the channel and start it; RX rings are filled first. */
void sgnic_start_ring(struct sgnic_ring *ring)
{
	writel(SGNIC_CMD_RESET, ring->regs + SGNIC_CH_CMD);
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	memset(ring->desc, 0, ring->size * SGNIC_DESC_SIZE);
	/* Until the device writes one, the value points at no descriptor. */
	*ring->compl = cpu_to_le64(ring->desc_dma + (u64)(ring->size - 1) *
				   SGNIC_DESC_SIZE);
	writel(lower_32_bits(ring->desc_dma), ring->regs + SGNIC_CH_RING_LO);
	writel(upper_32_bits(ring->desc_dma), ring->regs + SGNIC_CH_RING_HI);
	writel(ring->size, ring->regs + SGNIC_CH_RING_SIZE);
	writel(lower_32_bits(ring->compl_dma), ring->regs + SGNIC_CH_COMPL_LO);
	writel(upper_32_bits(ring->compl_dma), ring->regs + SGNIC_CH_COMPL_HI);
	writel(SGNIC_CMD_START, ring->regs + SGNIC_CH_CMD);
	if (sgnic_ring_is_rx(ring))
		sgnic_rx_refill(ring);
	/*
	 * IRQ_EN stays clear: the caller unmasks the pair once NAPI is
	 * enabled, or an interrupt in between would be lost on a disabled
	 * NAPI with the pair auto-masked.
	 */
}

void sgnic_stop_ring(struct sgnic_ring *ring)
{
	writel(0, ring->regs + SGNIC_CH_IRQ_EN);
	writel(SGNIC_CMD_RESET, ring->regs + SGNIC_CH_CMD);
	if (sgnic_ring_is_rx(ring))
		sgnic_rx_clean_all(ring);
	else
		sgnic_tx_clean_all(ring);
}

/*
 * ethtool's usecs is the device's interrupt throttle (IRQ_GAP), as e1000e
 * treats it: an interrupt after a quiet spell goes at once, under load the
 * pair's vector fires at most once per usecs.  frames is IRQ_MOD's count:
 * within one device pass, completions are gathered into one interrupt.
 */
void sgnic_ring_set_moderation(struct sgnic_ring *ring, u32 usecs, u32 frames)
{
	writel(min_t(u32, frames, SGNIC_IRQ_MOD_MAX_COUNT) << SGNIC_IRQ_MOD_COUNT_SHIFT,
	       ring->regs + SGNIC_CH_IRQ_MOD);
	writel(min_t(u32, usecs, SGNIC_IRQ_GAP_MAX_USECS), ring->regs + SGNIC_CH_IRQ_GAP);
}

/*
 * Index one past the last descriptor the device completed.  Writeback mode
 * reads the completion value from memory; interrupt mode reads HEAD.
 */
u32 sgnic_ring_done_index(struct sgnic_ring *ring)
{
	u64 v, off;

	if (!(ring->desc_flags & SGNIC_DESC_F_STATUS_UPDATE)) {
		u32 head = readl(ring->regs + SGNIC_CH_HEAD);

		/* All-ones is no index: the device is gone, nothing completed. */
		if (unlikely(head == ~0u)) {
			sgnic_hw_gone(ring->priv, head);
			return ring->next_to_clean;
		}
		return head & (ring->size - 1);
	}

	v = le64_to_cpu(READ_ONCE(*ring->compl));
	off = (v & SGNIC_COMPL_ADDR_MASK) - ring->desc_dma;
	if (off >= (u64)ring->size * SGNIC_DESC_SIZE)
		return ring->next_to_clean;
	/* Order the descriptor reads after the value that covers them. */
	dma_rmb();
	return ((u32)(off / SGNIC_DESC_SIZE) + 1) & (ring->size - 1);
}

bool sgnic_ring_pending(struct sgnic_ring *ring)
{
	return ring->next_to_clean != sgnic_ring_done_index(ring);
}

/* ---- RX ----------------------------------------------------------------- */

/* A buffer for an empty slot: a page_pool page, or an AF_XDP umem frame. */
static bool sgnic_rx_alloc_buf(struct sgnic_ring *ring, struct sgnic_rx_buf *buf)
{
	if (ring->xsk_pool) {
		buf->xsk = xsk_buff_alloc(ring->xsk_pool);
		if (!buf->xsk)
			return false;
		/* the umem frame's data, past the pool's headroom */
		buf->dma = xsk_buff_xdp_get_dma(buf->xsk);
		return true;
	}
	buf->page = page_pool_dev_alloc_pages(ring->pp);
	if (!buf->page)
		return false;
	buf->dma = page_pool_get_dma_addr(buf->page) + ring->rx_headroom;
	return true;
}

void sgnic_rx_refill(struct sgnic_ring *ring)
{
	u32 i = ring->next_to_use, n = 0;
	bool short_of_bufs = false;

	while (sgnic_ring_free(ring) > 0) {
		struct sgnic_rx_buf *buf = &ring->rx_buf[i];
		struct sgnic_desc *d = &ring->desc[i];

		if (!buf->page && !buf->xsk && !sgnic_rx_alloc_buf(ring, buf)) {
			u64_stats_update_begin(&ring->syncp);
			ring->rx_stats.alloc_fail++;
			u64_stats_update_end(&ring->syncp);
			/* The watchdog polls a ring left short of pages. */
			WRITE_ONCE(ring->rx_starved, true);
			short_of_bufs = true;
			break;
		}
		d->addr = cpu_to_le64(buf->dma);
		d->len = cpu_to_le32(ring->rx_buf_len);
		d->flags = cpu_to_le32(ring->desc_flags);
		d->status = 0;
		d->xfer_len = 0;
		i = (i + 1) & (ring->size - 1);
		ring->next_to_use = i;
		n++;
	}
	if (!sgnic_ring_free(ring))
		WRITE_ONCE(ring->rx_starved, false);
	/* An empty fill ring: the socket must wake us when it has refilled. */
	if (ring->xsk_pool && xsk_uses_need_wakeup(ring->xsk_pool)) {
		if (short_of_bufs)
			xsk_set_rx_need_wakeup(ring->xsk_pool);
		else
			xsk_clear_rx_need_wakeup(ring->xsk_pool);
	}
	if (n) {
		/* Descriptors must be visible before the doorbell. */
		dma_wmb();
		writel(i, ring->regs + SGNIC_CH_TAIL);
		u64_stats_update_begin(&ring->syncp);
		ring->rx_stats.doorbells++;
		u64_stats_update_end(&ring->syncp);
	}
}

/* Drop the frame being assembled, for the stack or for XDP. */
static void sgnic_rx_drop_partial(struct sgnic_ring *ring, bool napi)
{
	if (ring->skb) {
		dev_kfree_skb_any(ring->skb);
		ring->skb = NULL;
	}
	if (ring->xdp_started) {
		sgnic_xdp_buff_free(ring, &ring->xdp_buff, napi);
		ring->xdp_started = false;
	}
	if (ring->xsk_head) {
		xsk_buff_free(ring->xsk_head);	/* and the umem frames after it */
		ring->xsk_head = NULL;
	}
}

void sgnic_rx_clean_all(struct sgnic_ring *ring)
{
	u32 i;

	sgnic_rx_drop_partial(ring, false);
	for (i = 0; i < ring->size; i++) {
		struct sgnic_rx_buf *buf = &ring->rx_buf[i];

		if (buf->page)
			page_pool_put_full_page(ring->pp, buf->page, false);
		if (buf->xsk)
			xsk_buff_free(buf->xsk);
		buf->page = NULL;
		buf->xsk = NULL;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
}

static struct sk_buff *sgnic_rx_copybreak(struct sgnic_ring *ring,
					  struct sgnic_rx_buf *buf, u32 len)
{
	struct sk_buff *skb;

	skb = napi_alloc_skb(&ring->qv->napi, len);
	if (!skb)
		return NULL;
	dma_sync_single_for_cpu(ring->dev, buf->dma, len, ring->dma_dir);
	skb_put_data(skb, page_address(buf->page) + ring->rx_headroom, len);
	/* The page stays in its slot; hand it back to the device. */
	dma_sync_single_for_device(ring->dev, buf->dma, len, ring->dma_dir);
	return skb;
}

/* Take one buffer into the frame being assembled; false on failure. */
static bool sgnic_rx_add_buf(struct sgnic_ring *ring, struct sgnic_rx_buf *buf,
			     u32 len, bool sop, bool eop)
{
	struct sk_buff *skb;

	if (sop && eop && len <= READ_ONCE(ring->priv->rx_copybreak)) {
		skb = sgnic_rx_copybreak(ring, buf, len);
		if (!skb)
			return false;
		ring->skb = skb;
		u64_stats_update_begin(&ring->syncp);
		ring->rx_stats.copybreak++;
		u64_stats_update_end(&ring->syncp);
		return true;
	}

	dma_sync_single_for_cpu(ring->dev, buf->dma, len, ring->dma_dir);
	if (sop) {
		skb = napi_build_skb(page_address(buf->page), PAGE_SIZE);
		if (!skb)
			return false;
		skb_mark_for_recycle(skb);
		skb_reserve(skb, ring->rx_headroom);
		__skb_put(skb, len);
		ring->skb = skb;
	} else {
		skb = ring->skb;
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, buf->page,
				ring->rx_headroom, len, PAGE_SIZE);
	}
	buf->page = NULL;	/* now owned by the skb */
	return true;
}

/* Take one buffer into the xdp_buff being assembled: the head, or a frag. */
static void sgnic_rx_xdp_add_buf(struct sgnic_ring *ring, struct sgnic_rx_buf *buf,
				 u32 len, bool sop)
{
	struct xdp_buff *xdp = &ring->xdp_buff;
	struct skb_shared_info *sinfo;

	dma_sync_single_for_cpu(ring->dev, buf->dma, len, ring->dma_dir);
	if (sop) {
		xdp_init_buff(xdp, PAGE_SIZE, &ring->xdp_rxq);
		xdp_prepare_buff(xdp, page_address(buf->page), ring->rx_headroom,
				 len, true);
		ring->xdp_started = true;
	} else {
		sinfo = xdp_get_shared_info_from_buff(xdp);
		if (!xdp_buff_has_frags(xdp)) {
			sinfo->nr_frags = 0;
			sinfo->xdp_frags_size = 0;
			xdp_buff_set_frags_flag(xdp);
		}
		skb_frag_fill_page_desc(&sinfo->frags[sinfo->nr_frags++], buf->page,
					ring->rx_headroom, len);
		sinfo->xdp_frags_size += len;
		if (page_is_pfmemalloc(buf->page))
			xdp_buff_set_frag_pfmemalloc(xdp);
	}
	buf->page = NULL;	/* now owned by the xdp_buff */
}

/* Buffers in the frame being assembled beyond the first. */
static u32 sgnic_rx_partial_frags(struct sgnic_ring *ring)
{
	if (ring->skb)
		return skb_shinfo(ring->skb)->nr_frags;
	if (ring->xdp_started && xdp_buff_has_frags(&ring->xdp_buff))
		return xdp_get_shared_info_from_buff(&ring->xdp_buff)->nr_frags;
	if (ring->xsk_head && xdp_buff_has_frags(ring->xsk_head))
		return xdp_get_shared_info_from_buff(ring->xsk_head)->nr_frags;
	return 0;
}

/* A frame's first buffers are held, for the stack, XDP or zero-copy. */
static bool sgnic_rx_assembling(const struct sgnic_ring *ring)
{
	return ring->skb || ring->xdp_started || ring->xsk_head;
}

static void sgnic_rx_add_xdp_stats(struct sgnic_rx_stats *rs,
				   const struct sgnic_xdp_tally *t)
{
	rs->xdp_packets += t->packets;
	rs->xdp_pass += t->pass;
	rs->xdp_drop += t->drop;
	rs->xdp_tx += t->tx;
	rs->xdp_redirect += t->redirect;
	rs->xdp_aborted += t->aborted;
	rs->xdp_tx_err += t->tx_err;
	rs->xdp_redirect_err += t->redirect_err;
	rs->xdp_frags_drop += t->frags_drop;
}

/*
 * A frame the device coalesced (SGNIC_DESC_S_RSC): describe it to the stack
 * as the GRO packet it is, so that it may be forwarded and split again.
 * The headers sit in the first buffer, in the linear part.  Returns the
 * segment count, 0 if the frame is not the IPv4 TCP packet promised.
 */
static u32 sgnic_rx_rsc(struct sk_buff *skb, u16 segs, u16 mss)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct tcphdr *th;
	u32 thoff;

	if (segs < 2 || !mss || skb->protocol != htons(ETH_P_IP) ||
	    skb_headlen(skb) < sizeof(*iph) + sizeof(*th) ||
	    iph->ihl != 5 || iph->protocol != IPPROTO_TCP)
		return 0;
	thoff = iph->ihl * 4;
	th = (struct tcphdr *)(skb->data + thoff);
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = segs;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	/* As GRO leaves a packet: checksum partial, seeded with the pseudo header. */
	th->check = ~tcp_v4_check(skb->len - thoff, iph->saddr, iph->daddr, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + thoff;
	skb->csum_offset = offsetof(struct tcphdr, check);
	return segs;
}

static int sgnic_rx_clean(struct sgnic_ring *ring, int budget)
{
	u32 done = sgnic_ring_done_index(ring);
	u64 bytes = 0, csum_ok = 0, csum_bad = 0, multi = 0, frame_err = 0;
	u64 alloc_fail = 0, rsc = 0, rsc_segs = 0, packets = 0;
	struct bpf_prog *prog = NULL;
	struct sgnic_xdp_tally xt = {};
	int frames = 0;

	/* Only rings built for XDP run a program (sgnic_xdp.c). */
	if (ring->xdp)
		prog = READ_ONCE(ring->priv->xdp_prog);
	/* A frame begun in the other mode (program attached or removed) */
	if (unlikely(prog ? !!ring->skb : ring->xdp_started)) {
		sgnic_rx_drop_partial(ring, true);
		frame_err++;
	}

	while (ring->next_to_clean != done && frames < budget) {
		u32 i = ring->next_to_clean;
		struct sgnic_desc *d = &ring->desc[i];
		struct sgnic_rx_buf *buf = &ring->rx_buf[i];
		u32 status = le32_to_cpu(READ_ONCE(d->status));
		u32 len = le32_to_cpu(d->xfer_len);
		u32 segs;
		bool sop = status & SGNIC_DESC_S_SOP;
		bool eop = status & SGNIC_DESC_S_EOP;
		struct sk_buff *skb;

		if (!(status & SGNIC_DESC_S_DONE))
			break;
		dma_rmb();
		ring->next_to_clean = (i + 1) & (ring->size - 1);

		/*
		 * A frame must start with SOP and cannot restart midway, and
		 * only a slot that was given a buffer can complete.
		 */
		if (sop == sgnic_rx_assembling(ring) || !len ||
		    len > ring->rx_buf_len || (!buf->page && !buf->xsk) ||
		    (!sop && sgnic_rx_partial_frags(ring) >= MAX_SKB_FRAGS)) {
			frame_err++;
			sgnic_rx_drop_partial(ring, true);
			continue;	/* the page is reused by the refill */
		}
		if (ring->xsk_pool) {
			struct xdp_buff *xdp = buf->xsk;

			buf->xsk = NULL;	/* now the frame's */
			xsk_buff_set_size(xdp, len);
			sgnic_xsk_sync_for_cpu(xdp, ring->xsk_pool);
			/* A frame longer than a umem frame: the rest are frags. */
			if (sop) {
				ring->xsk_head = xdp;
			} else if (!sgnic_xsk_add_frag(ring->xsk_head, xdp, len)) {
				xt.frags_drop++;
				xsk_buff_free(xdp);
				sgnic_rx_drop_partial(ring, true);
				continue;
			}
			if (!eop)
				continue;
			xdp = ring->xsk_head;
			ring->xsk_head = NULL;
			if (unlikely(xdp_get_buff_len(xdp) < ETH_HLEN)) {
				frame_err++;
				xsk_buff_free(xdp);
				continue;
			}
			bytes += xdp_get_buff_len(xdp);
			ring->xdp_hash = le32_to_cpu(d->rss_hash);
			ring->xdp_status = status;
			if (prog && !sgnic_xdp_run(ring, prog, xdp, &xt)) {
				packets++;
				frames++;
				continue;
			}
			skb = sgnic_xsk_build_skb(ring, xdp);
			if (!skb) {
				alloc_fail++;
				continue;
			}
		} else if (prog) {
			sgnic_rx_xdp_add_buf(ring, buf, len, sop);
			if (!eop)
				continue;
			ring->xdp_started = false;
			if (unlikely(xdp_get_buff_len(&ring->xdp_buff) < ETH_HLEN)) {
				frame_err++;
				sgnic_xdp_buff_free(ring, &ring->xdp_buff, true);
				continue;
			}
			/* packets and bytes count what arrived, whatever the verdict */
			bytes += xdp_get_buff_len(&ring->xdp_buff);
			ring->xdp_hash = le32_to_cpu(d->rss_hash);
			ring->xdp_status = status;
			if (!sgnic_xdp_run(ring, prog, &ring->xdp_buff, &xt)) {
				packets++;
				frames++;
				continue;
			}
			skb = sgnic_xdp_build_skb(ring, &ring->xdp_buff);
			if (!skb) {
				alloc_fail++;
				sgnic_xdp_buff_free(ring, &ring->xdp_buff, true);
				continue;
			}
		} else {
			if (!sgnic_rx_add_buf(ring, buf, len, sop, eop)) {
				alloc_fail++;
				sgnic_rx_drop_partial(ring, true);
				continue;
			}
			if (!eop)
				continue;
			skb = ring->skb;
			ring->skb = NULL;
		}
		/* eth_type_trans() reads a whole Ethernet header. */
		if (unlikely(skb->len < ETH_HLEN)) {
			frame_err++;
			dev_kfree_skb_any(skb);
			continue;
		}
		if (skb_shinfo(skb)->nr_frags)
			multi++;
		if (!prog && !ring->xsk_pool)
			bytes += skb->len;
		if ((status & SGNIC_DESC_S_L4_CSUM_OK) &&
		    (ring->priv->netdev->features & NETIF_F_RXCSUM)) {
			skb->ip_summed = CHECKSUM_UNNECESSARY;
			csum_ok++;
		} else if (status & SGNIC_DESC_S_L4_CSUM_BAD) {
			csum_bad++;
		}
		if (ring->priv->netdev->features & NETIF_F_RXHASH)
			skb_set_hash(skb, le32_to_cpu(d->rss_hash),
				     sgnic_rss_hash_type(status));
		/* stripped only when rx-vlan-offload asked for it (CTRL) */
		if (status & SGNIC_DESC_S_VLAN)
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
					       le16_to_cpu(d->rx_vlan_tci));
		skb->protocol = eth_type_trans(skb, ring->priv->netdev);
		skb_record_rx_queue(skb, ring->qid);
		segs = 1;
		if (status & SGNIC_DESC_S_RSC) {
			segs = sgnic_rx_rsc(skb, le16_to_cpu(d->rsc_segs),
					    le16_to_cpu(d->rsc_mss));
			if (!segs) {
				frame_err++;
				dev_kfree_skb_any(skb);
				continue;
			}
			rsc++;
			rsc_segs += segs;
		}
		napi_gro_receive(&ring->qv->napi, skb);
		/* packets counts wire frames, coalesced or not */
		packets += segs;
		frames++;
	}

	/* before the counters: XDP_TX frames are counted as they are queued */
	if (prog)
		sgnic_xdp_finish(ring, prog, &xt);
	u64_stats_update_begin(&ring->syncp);
	ring->rx_stats.packets += packets;
	ring->rx_stats.bytes += bytes;
	ring->rx_stats.csum_ok += csum_ok;
	ring->rx_stats.csum_bad += csum_bad;
	ring->rx_stats.multi_buf += multi;
	ring->rx_stats.frame_err += frame_err;
	ring->rx_stats.alloc_fail += alloc_fail;
	ring->rx_stats.rsc_packets += rsc;
	ring->rx_stats.rsc_segs += rsc_segs;
	if (prog || ring->xsk_pool)
		sgnic_rx_add_xdp_stats(&ring->rx_stats, &xt);
	u64_stats_update_end(&ring->syncp);
	sgnic_rx_refill(ring);
	return frames;
}

/* ---- TX completion -------------------------------------------------------- */

/*
 * Free what a packet's last slot holds.  napi_budget as NAPI's: 0 outside
 * a NAPI poll with budget (netpoll, ring teardown), where nothing may be
 * recycled straight into a pool's NAPI cache.
 */
static void sgnic_tx_free_buf(struct sgnic_tx_buf *buf, int napi_budget)
{
	switch (buf->kind) {
	case SGNIC_TX_SKB:
		napi_consume_skb(buf->skb, napi_budget);
		break;
	case SGNIC_TX_XDP_TX:
		/* a page of the pool this NAPI owns */
		if (napi_budget)
			xdp_return_frame_rx_napi(buf->xdpf);
		else
			xdp_return_frame(buf->xdpf);
		break;
	default:
		xdp_return_frame(buf->xdpf);
		break;
	}
	buf->skb = NULL;
	buf->kind = SGNIC_TX_SKB;
}

void sgnic_tx_clean_all(struct sgnic_ring *ring)
{
	u32 i, xsk = 0;

	for (i = 0; i < ring->size; i++) {
		struct sgnic_tx_buf *buf = &ring->tx_buf[i];

		/* umem frames in flight go back to the socket as completed */
		if (buf->bytecount && buf->kind == SGNIC_TX_XSK)
			xsk += buf->gso_segs;
		sgnic_tx_unmap_slot(ring, buf);
		if (buf->skb)
			sgnic_tx_free_buf(buf, 0);
		/*
		 * A halted ring is restarted in place (sgnic_reset_pair): a
		 * slot must not keep the byte count of a packet that never
		 * completed, or the next packet through it completes those
		 * bytes again and BQL sees more completed than queued.
		 */
		memset(buf, 0, sizeof(*buf));
	}
	if (xsk)
		xsk_tx_completed(ring->xsk_pool, xsk);
	ring->xsk_inflight = 0;
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	netdev_tx_reset_queue(netdev_get_tx_queue(ring->priv->netdev, ring->qid));
}

static void sgnic_tx_clean(struct sgnic_ring *ring, int napi_budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(ring->priv->netdev, ring->qid);
	u32 done = sgnic_ring_done_index(ring);
	u32 pkts = 0, bytes = 0, bql_pkts = 0, bql_bytes = 0;
	u32 residual = 0, refused = 0, result = 0, ended = 0, xsk = 0;

	while (ring->next_to_clean != done) {
		u32 i = ring->next_to_clean;
		struct sgnic_tx_buf *buf = &ring->tx_buf[i];
		struct sgnic_desc *d = &ring->desc[i];
		u32 status = le32_to_cpu(READ_ONCE(d->status));

		if (!(status & SGNIC_DESC_S_DONE))
			break;
		dma_rmb();
		/* Any descriptor of the chain carries the packet's result. */
		result |= status & SGNIC_DESC_S_RESULT_MASK;
		if (!result && le32_to_cpu(d->xfer_len) < buf->desc_len)
			residual++;
		sgnic_tx_unmap_slot(ring, buf);
		/* bytecount marks a packet's last slot (copybreak or mapped). */
		if (buf->bytecount) {
			/* XDP frames are not the stack's: BQL never saw them */
			if (buf->kind == SGNIC_TX_SKB) {
				bql_pkts += buf->gso_segs;
				bql_bytes += buf->bytecount;
			} else if (buf->kind == SGNIC_TX_XSK) {
				/* gso_segs: this frame and refused ones after it */
				xsk += buf->gso_segs;
				buf->gso_segs = 1;
				ring->xsk_inflight--;
				buf->kind = SGNIC_TX_SKB;
			}
			ended++;
			if (result) {
				refused++;
			} else {
				pkts += buf->gso_segs;
				bytes += buf->bytecount;
			}
			result = 0;
			buf->bytecount = 0;
		}
		if (buf->skb)
			sgnic_tx_free_buf(buf, napi_budget);
		ring->next_to_clean = (i + 1) & (ring->size - 1);
	}
	if (xsk)
		xsk_tx_completed(ring->xsk_pool, xsk);
	if (!ended && !residual)
		return;

	u64_stats_update_begin(&ring->clean_syncp);
	ring->tx_stats.packets += pkts;
	ring->tx_stats.bytes += bytes;
	ring->tx_stats.residual += residual;
	ring->tx_stats.dev_refused += refused;
	u64_stats_update_end(&ring->clean_syncp);

	netdev_tx_completed_queue(txq, bql_pkts, bql_bytes);
	if (unlikely(netif_tx_queue_stopped(txq)) &&
	    sgnic_ring_free(ring) >= SGNIC_HW_MAX_CHAIN + 1 &&
	    netif_carrier_ok(ring->priv->netdev)) {
		netif_tx_wake_queue(txq);
		u64_stats_update_begin(&ring->clean_syncp);
		ring->tx_stats.wake++;
		u64_stats_update_end(&ring->clean_syncp);
	}
}

static void sgnic_rx_dim_update(struct sgnic_qvec *qv)
{
	struct dim_sample sample = {};
	struct sgnic_ring *rx = qv->rx;
	unsigned int start;
	u64 packets, bytes;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		packets = rx->rx_stats.packets;
		bytes = rx->rx_stats.bytes;
	} while (u64_stats_fetch_retry(&rx->syncp, start));
	dim_update_sample(qv->dim_events, packets, bytes, &sample);
	net_dim(&qv->dim, sample);
}

void sgnic_rx_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct sgnic_qvec *qv = container_of(dim, struct sgnic_qvec, dim);
	struct dim_cq_moder m = net_dim_get_rx_moderation(dim->mode,
							  dim->profile_ix);

	if (qv->rx)
		sgnic_ring_set_moderation(qv->rx, m.usec, m.pkts);
	dim->state = DIM_START_MEASURE;
}

int sgnic_poll(struct napi_struct *napi, int budget)
{
	struct sgnic_qvec *qv = container_of(napi, struct sgnic_qvec, napi);
	struct sgnic_priv *priv = qv->priv;
	int work = 0;

	sgnic_tx_clean(qv->tx, budget);
	if (budget)
		work = sgnic_rx_clean(qv->rx, budget);
	/* AF_XDP zero-copy sends from NAPI: more waiting keeps it polling */
	if (qv->tx->xsk_pool && budget &&
	    sgnic_xsk_xmit(qv->tx, budget) >= (u32)budget)
		return budget;
	if (work >= budget)
		return budget;

	if (napi_complete_done(napi, work)) {
		if (priv->rx_dim) {
			qv->dim_events++;
			sgnic_rx_dim_update(qv);
		}
		/* Re-arm both channels of the pair with one write. */
		sgnic_wr(priv, SGNIC_REG_IRQ_UNMASK,
			 BIT(qv->tx->chan) | BIT(qv->rx->chan));
	}
	return work;
}

static void sgnic_add_tx(struct sgnic_tx_stats *sum, const struct sgnic_tx_stats *s)
{
	const u64 *a = (const u64 *)s;
	u64 *b = (u64 *)sum;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
		b[i] += a[i];
}

static void sgnic_add_rx(struct sgnic_rx_stats *sum, const struct sgnic_rx_stats *s)
{
	const u64 *a = (const u64 *)s;
	u64 *b = (u64 *)sum;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
		b[i] += a[i];
}

void sgnic_get_tx_stats(struct sgnic_ring *ring, struct sgnic_tx_stats *out)
{
	unsigned int start, cstart;

	do {
		start = u64_stats_fetch_begin(&ring->syncp);
		cstart = u64_stats_fetch_begin(&ring->clean_syncp);
		*out = ring->tx_stats;
	} while (u64_stats_fetch_retry(&ring->syncp, start) ||
		 u64_stats_fetch_retry(&ring->clean_syncp, cstart));
}

void sgnic_get_rx_stats(struct sgnic_ring *ring, struct sgnic_rx_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&ring->syncp);
		*out = ring->rx_stats;
	} while (u64_stats_fetch_retry(&ring->syncp, start));
}

/* Keep the counters of rings about to be freed in the device totals. */
void sgnic_fold_ring_stats(struct sgnic_priv *priv)
{
	struct sgnic_tx_stats ts;
	struct sgnic_rx_stats rs;
	u32 q;

	for (q = 0; q < SGNIC_MAX_QUEUE_PAIRS; q++) {
		if (priv->tx[q]) {
			sgnic_get_tx_stats(priv->tx[q], &ts);
			sgnic_add_tx(&priv->tx_base, &ts);
		}
		if (priv->rx[q]) {
			sgnic_get_rx_stats(priv->rx[q], &rs);
			sgnic_add_rx(&priv->rx_base, &rs);
		}
	}
}
