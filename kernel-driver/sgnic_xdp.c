// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: XDP.
 *
 * RX layout.  While a program is attached, RX rings are built for it: each
 * buffer starts SGNIC_XDP_HEADROOM (XDP_PACKET_HEADROOM) into its order-0
 * page_pool page and the pool maps its pages DMA_BIDIRECTIONAL, so that
 * XDP_TX can give the very page it received to the TX channel after a sync
 * for the device, with no new mapping.  Without a program the rings keep
 * the stack's smaller headroom and DMA_FROM_DEVICE.  Attaching the first
 * program or removing the last rebuilds the rings through the usual
 * reconfiguration, with the carrier kept up; replacing one program by
 * another is a pointer swap that NAPI sees on its next frame.
 *
 * A frame that spans several buffers (a jumbo frame, a coalesced RSC
 * frame) reaches a program that declares xdp.frags as one xdp_buff: the
 * first buffer is the head, the others are frags in the head page's
 * shared info, where an skb built for XDP_PASS finds them.
 *
 * TX.  XDP_TX and ndo_xdp_xmit share the stack's TX rings: pair q's NAPI
 * sends XDP_TX on TX ring q, ndo_xdp_xmit picks the ring of the CPU it runs
 * on.  The queue's xmit lock (__netif_tx_lock) serialises them with
 * sgnic_xmit; completion runs lockless in NAPI as it does for the stack.
 * XDP frames take no part in BQL.  Mapping, per action:
 *   XDP_PASS      the page goes up in an skb, recycled by page_pool
 *   XDP_DROP      the page goes back to its pool (direct, in NAPI)
 *   XDP_TX        page_pool's own mapping, dma_sync_single_for_device
 *   XDP_REDIRECT  xdp_do_redirect(); the target maps as it needs
 *   ndo_xdp_xmit  dma_map_single of the head, skb_frag_dma_map of each frag
 * A frame that must be one transfer and is not (single-transfer mode,
 * multi-buffer) is copied to one buffer first, as the stack path
 * linearizes, and counted in tx_linearized.
 */
#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/filter.h>

#include "sgnic.h"

/* Largest MTU whose frames fit one XDP buffer. */
static u32 sgnic_xdp_single_buf_mtu(void)
{
	return SGNIC_XDP_BUF_LEN - SGNIC_ETH_OVERHEAD;
}

/* Can frames of this MTU reach prog?  Multi-buffer ones need xdp.frags. */
bool sgnic_xdp_mtu_ok(struct bpf_prog *prog, u32 mtu)
{
	return !prog || prog->aux->xdp_has_frags || mtu <= sgnic_xdp_single_buf_mtu();
}

#if SGNIC_HAVE_XDP_RX_HASH
static const enum xdp_rss_hash_type sgnic_xdp_hash_types[] = {
	[SGNIC_HASH_NONE]	= XDP_RSS_TYPE_NONE,
	[SGNIC_HASH_IPV4]	= XDP_RSS_TYPE_L3_IPV4,
	[SGNIC_HASH_IPV4_TCP]	= XDP_RSS_TYPE_L4_IPV4_TCP,
	[SGNIC_HASH_IPV4_UDP]	= XDP_RSS_TYPE_L4_IPV4_UDP,
	[SGNIC_HASH_IPV6]	= XDP_RSS_TYPE_L3_IPV6,
	[SGNIC_HASH_IPV6_TCP]	= XDP_RSS_TYPE_L4_IPV6_TCP,
	[SGNIC_HASH_IPV6_UDP]	= XDP_RSS_TYPE_L4_IPV6_UDP,
};

/*
 * bpf_xdp_metadata_rx_hash(): the device's Toeplitz hash of the frame the
 * program runs on, which the RX loop left in its ring (copy and zero-copy
 * buffers alike carry the ring's xdp_rxq).
 */
static int sgnic_xdp_rx_hash(const struct xdp_md *ctx, u32 *hash,
			     enum xdp_rss_hash_type *rss_type)
{
	const struct xdp_buff *xdp = (const struct xdp_buff *)ctx;
	const struct sgnic_ring *ring = container_of(xdp->rxq, struct sgnic_ring, xdp_rxq);
	u32 type = (ring->xdp_status & SGNIC_DESC_S_HASH_MASK) >> SGNIC_DESC_S_HASH_SHIFT;

	if (!(xdp->rxq->dev->features & NETIF_F_RXHASH) || type == SGNIC_HASH_NONE ||
	    type >= ARRAY_SIZE(sgnic_xdp_hash_types))
		return -ENODATA;
	*hash = ring->xdp_hash;
	*rss_type = sgnic_xdp_hash_types[type];
	return 0;
}

static const struct xdp_metadata_ops sgnic_xdp_metadata_ops = {
	.xmo_rx_hash	= sgnic_xdp_rx_hash,
};
#endif

void sgnic_xdp_set_features(struct sgnic_priv *priv)
{
#if SGNIC_HAVE_XDP_RX_HASH
	if (sgnic_has_rss(priv))
		priv->netdev->xdp_metadata_ops = &sgnic_xdp_metadata_ops;
#endif
#if SGNIC_HAVE_XDP_FEATURES
	xdp_features_t f = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			   NETDEV_XDP_ACT_NDO_XMIT | NETDEV_XDP_ACT_RX_SG |
			   NETDEV_XDP_ACT_NDO_XMIT_SG | NETDEV_XDP_ACT_XSK_ZEROCOPY;

	xdp_set_features_flag(priv->netdev, f);
#endif
#if SGNIC_HAVE_XSK_SG
	/*
	 * A zero-copy packet is a chain of umem frames, one device element
	 * each; a received frame spans at most MAX_SKB_FRAGS + 1 of them.
	 */
	priv->netdev->xdp_zc_max_segs = min_t(u32, priv->caps.max_sg, MAX_SKB_FRAGS + 1);
#endif
}

static int sgnic_xdp_setup(struct sgnic_priv *priv, struct netdev_bpf *bpf)
{
	struct net_device *netdev = priv->netdev;
	struct bpf_prog *prog = bpf->prog, *old = priv->xdp_prog;
	int err;

	if (!sgnic_xdp_mtu_ok(prog, netdev->mtu)) {
		NL_SET_ERR_MSG_MOD(bpf->extack,
				   "frames of this MTU span several buffers: the program must support xdp.frags, or lower the MTU");
		netdev_info(netdev, "XDP without xdp.frags needs MTU <= %u\n",
			    sgnic_xdp_single_buf_mtu());
		return -EINVAL;
	}
	/*
	 * Rings built from now on follow the new program's layout; the
	 * running ones only run a program if they were built for one.
	 */
	WRITE_ONCE(priv->xdp_prog, prog);
	if (!old != !prog && priv->up) {
		priv->keep_carrier = true;
		err = sgnic_reconfigure(priv, priv->num_pairs, priv->tx_ring_size,
					priv->rx_ring_size, priv->pflags, bpf->extack);
		priv->keep_carrier = false;
		if (err) {
			WRITE_ONCE(priv->xdp_prog, old);
			return err;
		}
	} else if (priv->up) {
		/* The RSC limit depends on the program's frags support. */
		sgnic_write_ctrl(priv, netdev->features);
	}
	if (old)
		bpf_prog_put(old);
	return 0;
}

/*
 * AF_XDP zero-copy on or off for queue qid.  The pool is mapped for the
 * device once, here; both rings of the pair are rebuilt around it (all
 * pairs, with the carrier kept, as for a program), and unmapped only once
 * the rings that used it are gone.  When a pool goes, the core still
 * lists it at qid: priv->xsk_zc says which queues use theirs.
 */
static int sgnic_xsk_pool_setup(struct sgnic_priv *priv,
				struct xsk_buff_pool *pool, u16 qid,
				struct netlink_ext_ack *extack)
{
	struct net_device *netdev = priv->netdev;
	bool enable = pool;
	int err = 0;

	if (qid >= priv->num_pairs) {
		NL_SET_ERR_MSG_MOD(extack, "no such queue pair");
		return -EINVAL;
	}
	if (enable) {
		err = xsk_pool_dma_map(pool, &priv->pdev->dev, 0);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "cannot map the AF_XDP umem for the device");
			return err;
		}
		set_bit(qid, &priv->xsk_zc);
	} else {
		pool = xsk_get_pool_from_qid(netdev, qid);
		if (!pool || !test_bit(qid, &priv->xsk_zc))
			return -EINVAL;
		clear_bit(qid, &priv->xsk_zc);
	}
	if (priv->up) {
		priv->keep_carrier = true;
		err = sgnic_reconfigure(priv, priv->num_pairs, priv->tx_ring_size,
					priv->rx_ring_size, priv->pflags, extack);
		priv->keep_carrier = false;
	}
	if (err && enable)
		clear_bit(qid, &priv->xsk_zc);
	/* Rings that could still use the mapping are gone or never were. */
	if (!enable || err)
		xsk_pool_dma_unmap(pool, 0);
	return err;
}

/* ndo_xsk_wakeup: the socket has RX buffers or TX frames: poll the pair. */
int sgnic_xsk_wakeup(struct net_device *netdev, u32 qid, u32 flags)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_ring *rx;
	int err = 0;

	if (!READ_ONCE(priv->up) || READ_ONCE(priv->gone))
		return -ENETDOWN;
	if (qid >= READ_ONCE(priv->num_pairs))
		return -EINVAL;
	rcu_read_lock();
	rx = READ_ONCE(priv->rx[qid]);
	if (!rx || !rx->xsk_pool) {
		err = -EINVAL;
	} else if (!napi_if_scheduled_mark_missed(&priv->qv[qid].napi)) {
		local_bh_disable();
		napi_schedule(&priv->qv[qid].napi);
		local_bh_enable();
	}
	rcu_read_unlock();
	return err;
}

/*
 * Bytes the device may write into one umem frame.  A frame that spans
 * several keeps the list of them in its first umem frame's shared info, at
 * that frame's end: keep the device out of it whenever frames can span
 * (the socket bound with XDP_USE_SG, or an MTU that outgrew one umem
 * frame), whether or not this kernel's frame size leaves the room itself.
 */
u32 sgnic_xsk_rx_buf_len(struct sgnic_priv *priv, struct xsk_buff_pool *pool)
{
	u32 len = xsk_pool_get_rx_frame_size(pool);
#if SGNIC_HAVE_XSK_SG
	u32 room = xsk_pool_get_chunk_size(pool) - xsk_pool_get_headroom(pool) -
		   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	if ((pool->umem->flags & XDP_UMEM_SG_FLAG) ||
	    priv->netdev->mtu + SGNIC_ETH_OVERHEAD > len)
		len = min(len, ALIGN_DOWN(room, 128));
#endif
	return len;
}

/*
 * Zero-copy multi-buffer: frag, len bytes of a umem frame, follows head.
 * The pool keeps the umem frames after the first in its list (what AF_XDP
 * delivers); the shared info describes them for the program's helpers and
 * XDP_PASS.  The umem is vmapped: find the page behind the address.
 */
bool sgnic_xsk_add_frag(struct xdp_buff *head, struct xdp_buff *frag, u32 len)
{
#if SGNIC_HAVE_XSK_SG
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(head);
	struct page *page = is_vmalloc_addr(frag->data) ? vmalloc_to_page(frag->data) :
							  virt_to_page(frag->data);

	if (!xdp_buff_has_frags(head)) {
		sinfo->nr_frags = 0;
		sinfo->xdp_frags_size = 0;
		xdp_buff_set_frags_flag(head);
	}
	skb_frag_fill_page_desc(&sinfo->frags[sinfo->nr_frags++], page,
				offset_in_page(frag->data), len);
	sinfo->xdp_frags_size += len;
	xsk_buff_add_frag(frag);
	return true;
#else
	return false;	/* one umem frame per frame before 6.11 */
#endif
}

/*
 * XDP_PASS in zero-copy mode: the umem frames go back, a copy goes up: the
 * first umem frame's bytes in the skb's head, each further one in a page
 * of its own (no high-order allocation for a jumbo frame).
 */
struct sk_buff *sgnic_xsk_build_skb(struct sgnic_ring *ring, struct xdp_buff *xdp)
{
	/* umem frames always carry valid metadata bounds (xsk_buff_set_size) */
	u32 metasize = xdp->data - xdp->data_meta;
	u32 len = xdp->data_end - xdp->data_meta;
	struct skb_shared_info *sinfo = NULL;
	struct sk_buff *skb;
	u32 f, nr_frags = 0;

	if (xdp_buff_has_frags(xdp)) {
		sinfo = xdp_get_shared_info_from_buff(xdp);
		nr_frags = sinfo->nr_frags;
	}
	skb = napi_alloc_skb(&ring->qv->napi, len);
	if (unlikely(!skb))
		goto out;
	skb_put_data(skb, xdp->data - metasize, len);
	if (metasize) {
		__skb_pull(skb, metasize);
		skb_metadata_set(skb, metasize);
	}
	for (f = 0; f < nr_frags; f++) {
		const skb_frag_t *frag = &sinfo->frags[f];
		/* above a page only with the umem's huge-page chunks */
		u32 order = get_order(skb_frag_size(frag));
		struct page *page = dev_alloc_pages(order);

		if (unlikely(!page)) {
			dev_kfree_skb_any(skb);
			skb = NULL;
			goto out;
		}
		memcpy(page_address(page), skb_frag_address(frag), skb_frag_size(frag));
		skb_add_rx_frag(skb, f, page, 0, skb_frag_size(frag), PAGE_SIZE << order);
	}
out:
	xsk_buff_free(xdp);
	return skb;
}

int sgnic_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct sgnic_priv *priv = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return sgnic_xdp_setup(priv, bpf);
	case XDP_SETUP_XSK_POOL:
		return sgnic_xsk_pool_setup(priv, bpf->xsk.pool, bpf->xsk.queue_id,
					    bpf->extack);
	default:
		return -EINVAL;
	}
}

/* Give a frame's pages back to the RX ring's pool. */
void sgnic_xdp_buff_free(struct sgnic_ring *ring, struct xdp_buff *xdp,
			 bool direct)
{
	if (ring->xsk_pool) {
		xsk_buff_free(xdp);
		return;
	}
	if (xdp_buff_has_frags(xdp)) {
		struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
		u32 f;

		for (f = 0; f < sinfo->nr_frags; f++)
			page_pool_put_full_page(ring->pp,
						skb_frag_page(&sinfo->frags[f]), direct);
	}
	page_pool_put_full_page(ring->pp, virt_to_page(xdp->data_hard_start),
				direct);
}

/*
 * Queue the poll's waiting XDP_TX frames on the pair's TX ring under one
 * lock, and ring its doorbell if last (the poll ends) and any were queued
 * since the last ring.  A frame the ring refuses is freed and counted.
 */
static void sgnic_xdp_tx_flush(struct sgnic_ring *rx, struct bpf_prog *prog,
			       struct sgnic_xdp_tally *t, bool last)
{
	struct sgnic_ring *tx = rx->qv->tx;
	struct net_device *netdev = rx->priv->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, tx->qid);
	/* zero-copy: each frame was copied to a page of its own, mapped to send */
	enum sgnic_tx_kind kind = rx->xsk_pool ? SGNIC_TX_XDP_XMIT : SGNIC_TX_XDP_TX;
	u32 i, n = t->tx_bulk_n, refused = 0;

	t->tx_bulk_n = 0;
	__netif_tx_lock(txq, smp_processor_id());
	for (i = 0; i < n; i++) {
		/* the refused move to the front of the array, to be freed */
		if (sgnic_xdp_queue_frame(tx, t->tx_bulk[i], kind))
			t->tx_bulk[refused++] = t->tx_bulk[i];
	}
	if (n > refused)
		t->tx_pending = true;
	if (last && t->tx_pending) {
		sgnic_tx_doorbell(tx);
		t->tx_pending = false;
	}
	__netif_tx_unlock(txq);

	t->tx += n - refused;
	t->tx_err += refused;
	/* Not queued: the pages are still the frames', give them back. */
	for (i = 0; i < refused; i++) {
		trace_xdp_exception(netdev, prog, XDP_TX);
		xdp_return_frame_rx_napi(t->tx_bulk[i]);
	}
}

/*
 * XDP_TX: the frame waits in t for the bulk queueing on the TX ring of the
 * same pair; false if it could not become an xdp_frame (it is freed).
 */
static bool sgnic_xdp_tx(struct sgnic_ring *rx, struct bpf_prog *prog,
			 struct xdp_buff *xdp, struct sgnic_xdp_tally *t)
{
	struct xdp_frame *xdpf;

	/* 6.12 copies only the first umem frame of a frame into an xdp_frame */
	if (unlikely(rx->xsk_pool && xdp_buff_has_frags(xdp))) {
		sgnic_xdp_buff_free(rx, xdp, true);
		return false;
	}
	xdpf = xdp_convert_buff_to_frame(xdp);
	if (unlikely(!xdpf)) {
		sgnic_xdp_buff_free(rx, xdp, true);
		return false;
	}
	t->tx_bulk[t->tx_bulk_n++] = xdpf;
	if (t->tx_bulk_n == SGNIC_XDP_TX_BULK)
		sgnic_xdp_tx_flush(rx, prog, t, false);
	return true;
}

/* End of a poll that ran XDP: flush redirects, queue and ring for XDP_TX. */
void sgnic_xdp_finish(struct sgnic_ring *ring, struct bpf_prog *prog,
		      struct sgnic_xdp_tally *t)
{
	if (t->flush)
		xdp_do_flush();
	if (t->tx_bulk_n || t->tx_pending)
		sgnic_xdp_tx_flush(ring, prog, t, true);
}

/*
 * A zero-copy frame of several umem frames may go to an AF_XDP socket
 * only: anywhere else 6.12 would send its first umem frame alone.
 */
static bool sgnic_xdp_redirect_ok(struct sgnic_ring *ring, struct xdp_buff *xdp)
{
#if SGNIC_HAVE_XSK_SG
	if (unlikely(ring->xsk_pool && xdp_buff_has_frags(xdp)))
		return bpf_net_ctx_get_ri()->map_type == BPF_MAP_TYPE_XSKMAP;
#endif
	return true;
}

/*
 * Run prog on the frame in xdp, which holds every buffer of it.  Returns
 * true if the frame goes on to the stack (XDP_PASS); otherwise the frame
 * was handed on or its pages returned, and the verdict counted in t.
 */
bool sgnic_xdp_run(struct sgnic_ring *ring, struct bpf_prog *prog,
		   struct xdp_buff *xdp, struct sgnic_xdp_tally *t)
{
	struct net_device *netdev = ring->priv->netdev;
	u32 act;

	t->packets++;
	if (unlikely(xdp_buff_has_frags(xdp) && !prog->aux->xdp_has_frags)) {
		t->frags_drop++;
		goto drop;
	}
	act = bpf_prog_run_xdp(prog, xdp);
	switch (act) {
	case XDP_PASS:
		t->pass++;
		return true;
	case XDP_TX:
		/* counted in tx or tx_err when the bulk is queued */
		if (likely(sgnic_xdp_tx(ring, prog, xdp, t)))
			return false;
		t->tx_err++;
		trace_xdp_exception(netdev, prog, act);
		return false;
	case XDP_REDIRECT:
		if (likely(sgnic_xdp_redirect_ok(ring, xdp) &&
			   !xdp_do_redirect(netdev, xdp, prog))) {
			t->redirect++;
			t->flush = true;
			return false;
		}
		t->redirect_err++;
		trace_xdp_exception(netdev, prog, act);
		goto drop;
	default:
		bpf_warn_invalid_xdp_action(netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(netdev, prog, act);
		t->aborted++;
		goto drop;
	case XDP_DROP:
		t->drop++;
		goto drop;
	}
drop:
	sgnic_xdp_buff_free(ring, xdp, true);
	return false;
}

/* An skb around the frame in xdp, for XDP_PASS: no copy. */
struct sk_buff *sgnic_xdp_build_skb(struct sgnic_ring *ring, struct xdp_buff *xdp)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	u32 nr_frags = xdp_buff_has_frags(xdp) ? sinfo->nr_frags : 0;
	u32 frags_size = nr_frags ? sinfo->xdp_frags_size : 0;
	u32 metasize = xdp->data - xdp->data_meta;
	struct sk_buff *skb;

	/* napi_build_skb clears nr_frags: read above, restored below */
	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (unlikely(!skb))
		return NULL;
	skb_mark_for_recycle(skb);
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (metasize)
		skb_metadata_set(skb, metasize);
	if (nr_frags)
		xdp_update_skb_shared_info(skb, nr_frags, frags_size,
					   nr_frags * PAGE_SIZE,
					   xdp_buff_is_frag_pfmemalloc(xdp));
	return skb;
}

/*
 * ndo_xdp_xmit: frames redirected here from any device, on the TX ring of
 * the CPU this runs on.  Returns how many were queued; the caller frees
 * the rest.
 */
int sgnic_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		   u32 flags)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct netdev_queue *txq;
	struct sgnic_ring *ring;
	int i, sent = 0;
	u32 q;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	q = smp_processor_id() % max_t(u32, READ_ONCE(priv->num_pairs), 1);
	/* Rings are freed after synchronize_net(): softirq keeps this one. */
	ring = READ_ONCE(priv->tx[q]);
	if (unlikely(!ring))
		return -ENXIO;
	txq = netdev_get_tx_queue(netdev, ring->qid);
	__netif_tx_lock(txq, smp_processor_id());
	/* Under the lock: sgnic_down and pair resets take it after these. */
	if (unlikely(!READ_ONCE(priv->up) || ring->xdp_off)) {
		__netif_tx_unlock(txq);
		return -ENETDOWN;
	}
	for (i = 0; i < n; i++) {
		if (sgnic_xdp_queue_frame(ring, frames[i], SGNIC_TX_XDP_XMIT))
			break;
		sent++;
	}
	u64_stats_update_begin(&ring->syncp);
	ring->tx_stats.xdp_xmit += sent;
	ring->tx_stats.xdp_xmit_err += n - sent;
	u64_stats_update_end(&ring->syncp);
	if (sent && (flags & XDP_XMIT_FLUSH))
		sgnic_tx_doorbell(ring);
	__netif_tx_unlock(txq);
	return sent;
}
