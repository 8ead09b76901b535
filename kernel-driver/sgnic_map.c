// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: TX mapping over the DMA API, as one transfer or as a
 * scatter/gather list.
 *
 * Every packet is planned before anything is mapped (sgnic_plan.c, seed
 * 002): the plan says how many descriptors it needs, so ring space is known
 * up front, and it runs the single-transfer checks in seed 000's order.  A
 * packet the plan refuses for fragmentation is rearranged (linearized) and
 * planned again; one it refuses for size is dropped and counted.  Small
 * packets are copied into pre-mapped staging slots (seed 003).
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/tcp.h>

#include "sgnic.h"

static void sgnic_tx_inc(struct sgnic_ring *ring, u64 *counter)
{
	u64_stats_update_begin(&ring->syncp);
	(*counter)++;
	u64_stats_update_end(&ring->syncp);
}

void sgnic_plan_limits(struct sgnic_priv *priv, bool single,
		       struct sgnic_plan_limits *lim)
{
	*lim = (struct sgnic_plan_limits) {
		.max_xfer = priv->caps.max_xfer,
		.max_sg = min_t(u32, priv->caps.max_sg, SGNIC_HW_MAX_CHAIN),
		.max_seg = priv->caps.max_seg,
		.boundary_shift = priv->caps.seg_boundary_shift,
		.unit_shift = PAGE_SHIFT,
		.max_units = priv->max_map_units,
		.sgl_capacity = SGNIC_HW_MAX_CHAIN,
		.single_xfer = single,
	};
}

void sgnic_tx_unmap_slot(struct sgnic_ring *ring, struct sgnic_tx_buf *buf)
{
	switch (buf->map) {
	case SGNIC_TX_MAP_SINGLE:
		dma_unmap_single(ring->dev, buf->dma, buf->map_len, DMA_TO_DEVICE);
		break;
	case SGNIC_TX_MAP_PAGE:
		dma_unmap_page(ring->dev, buf->dma, buf->map_len, DMA_TO_DEVICE);
		break;
	case SGNIC_TX_MAP_COPY:
		dma_unmap_single(ring->dev, buf->dma, buf->map_len, DMA_TO_DEVICE);
		kfree(buf->copy);
		buf->copy = NULL;
		break;
	default:
		break;
	}
	buf->map = SGNIC_TX_MAP_NONE;
}

/* Describe the skb's head and fragments as a layout for the planner. */
static unsigned int sgnic_skb_layout(struct sk_buff *skb,
				     struct sgnic_plan_seg *segs)
{
	unsigned int n = 0, f;

	if (skb_headlen(skb)) {
		segs[n].addr = virt_to_phys(skb->data);
		segs[n++].len = skb_headlen(skb);
	}
	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		segs[n].addr = page_to_phys(skb_frag_page(frag)) + skb_frag_off(frag);
		segs[n++].len = skb_frag_size(frag);
	}
	return n;
}

static u32 sgnic_offload_flags(struct sk_buff *skb, struct sgnic_desc *d)
{
	if (skb_is_gso(skb)) {
		d->mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
		return SGNIC_DESC_F_TSO | SGNIC_DESC_F_CSUM;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		d->csum_start = cpu_to_le16(skb_checksum_start_offset(skb));
		d->csum_offset = cpu_to_le16(skb->csum_offset);
		return SGNIC_DESC_F_CSUM;
	}
	return 0;
}

/*
 * Write the descriptors for elems[0..n) starting at next_to_use.  The
 * packet's completion flags go on its last descriptor only.  skb is NULL
 * for XDP frames, which ask for no offload.
 */
static void sgnic_tx_write_descs(struct sgnic_ring *ring, struct sk_buff *skb,
				 const struct sgnic_plan_elem *elems,
				 unsigned int n, bool single)
{
	u32 i = ring->next_to_use, k, first_flags;
	struct sgnic_desc *first = &ring->desc[i];

	memset(first, 0, offsetof(struct sgnic_desc, reserved1));
	first_flags = SGNIC_DESC_F_SOP;
	if (skb)
		first_flags |= sgnic_offload_flags(skb, first) | sgnic_tx_vlan_flags(skb, first);
	if (single)
		first_flags |= SGNIC_DESC_F_SINGLE_XFER;

	for (k = 0; k < n; k++) {
		struct sgnic_desc *d = &ring->desc[i];
		u32 flags = k ? 0 : first_flags;

		if (k == n - 1)
			flags |= SGNIC_DESC_F_EOP | ring->desc_flags;
		if (k)
			memset(d, 0, offsetof(struct sgnic_desc, reserved1));
		d->addr = cpu_to_le64(elems[k].addr);
		d->len = cpu_to_le32(elems[k].len);
		d->status = 0;
		d->xfer_len = 0;
		ring->tx_buf[i].desc_len = elems[k].len;
		/* flags last: together with dma_wmb it publishes the slot */
		d->flags = cpu_to_le32(flags);
		i = (i + 1) & (ring->size - 1);
	}
}

/* Copy a small packet into its slot's staging buffer: one descriptor. */
static unsigned int sgnic_tx_copybreak(struct sgnic_ring *ring,
				       struct sk_buff *skb)
{
	u32 i = ring->next_to_use;
	struct sgnic_plan_elem *e = &ring->elems[0];
	u8 *dst = ring->staging + (size_t)i * SGNIC_TX_STAGING_SIZE;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return 0;
	skb_copy_bits(skb, 0, dst, skb->len);
	e->addr = ring->staging_dma + (u64)i * SGNIC_TX_STAGING_SIZE;
	e->len = skb->len;
	ring->tx_buf[i].map = SGNIC_TX_MAP_STAGING;
	return 1;
}

/* head_single: mapped[0] came from dma_map_single, the rest are pages. */
static void sgnic_tx_unmap_list(struct sgnic_ring *ring, bool head_single,
				const struct sgnic_plan_seg *mapped, unsigned int n)
{
	while (n--) {
		if (n == 0 && head_single)
			dma_unmap_single(ring->dev, mapped[n].addr, mapped[n].len,
					 DMA_TO_DEVICE);
		else
			dma_unmap_page(ring->dev, mapped[n].addr, mapped[n].len,
				       DMA_TO_DEVICE);
	}
}

/*
 * Map the head and every fragment; on failure unwind what was mapped.
 * Each mapping is recorded on the slot of its first descriptor; the planner
 * then splits the mapped ranges into device elements.
 */
static int sgnic_tx_map_skb(struct sgnic_ring *ring, struct sk_buff *skb,
			    struct sgnic_plan_seg *mapped, unsigned int *nmapped)
{
	unsigned int n = 0, f;
	dma_addr_t dma;

	if (skb_headlen(skb)) {
		dma = dma_map_single(ring->dev, skb->data, skb_headlen(skb),
				     DMA_TO_DEVICE);
		if (dma_mapping_error(ring->dev, dma))
			return -ENOMEM;
		mapped[n].addr = dma;
		mapped[n++].len = skb_headlen(skb);
	}
	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		/* An empty fragment has no element to carry its mapping. */
		if (!skb_frag_size(frag))
			continue;
		dma = skb_frag_dma_map(ring->dev, frag, 0, skb_frag_size(frag),
				       DMA_TO_DEVICE);
		if (dma_mapping_error(ring->dev, dma))
			goto err_unmap;
		mapped[n].addr = dma;
		mapped[n++].len = skb_frag_size(frag);
	}
	*nmapped = n;
	return 0;

err_unmap:
	sgnic_tx_unmap_list(ring, skb_headlen(skb), mapped, n);
	return -ENOMEM;
}

/*
 * Record each mapping on the slot of the element that starts it.  The
 * planner cuts every mapped range into elements in order and never joins
 * two, so a mapping starts where an element does: match them by their byte
 * offset in the packet, not by address (two mappings can share one, an
 * IOMMU or swiotlb may hand the same address out twice).
 */
static void sgnic_tx_record_maps(struct sgnic_ring *ring, bool head_single,
				 const struct sgnic_plan_seg *mapped,
				 unsigned int nmapped,
				 const struct sgnic_plan_elem *elems,
				 unsigned int nelems)
{
	u32 i = ring->next_to_use;
	unsigned int m = 0, k;
	u64 moff = 0, eoff = 0;

	for (k = 0; k < nelems; k++) {
		struct sgnic_tx_buf *buf = &ring->tx_buf[i];

		buf->map = SGNIC_TX_MAP_NONE;
		if (m < nmapped && eoff == moff) {
			buf->map = (m == 0 && head_single) ?
				   SGNIC_TX_MAP_SINGLE : SGNIC_TX_MAP_PAGE;
			buf->dma = mapped[m].addr;
			buf->map_len = mapped[m].len;
			moff += mapped[m].len;
			m++;
		}
		eoff += elems[k].len;
		i = (i + 1) & (ring->size - 1);
	}
	WARN_ON_ONCE(m != nmapped);
}

static void sgnic_tx_count_refusal(struct sgnic_ring *ring,
				   enum sgnic_plan_err err)
{
	net_dbg_ratelimited("%s: packet refused by the planner: %s (%d)\n",
			    netdev_name(ring->priv->netdev),
			    sgnic_plan_err_name(err), sgnic_plan_errno(err));
	if (err == SGNIC_PLAN_E_FRAGMENTED)
		sgnic_tx_inc(ring, &ring->tx_stats.drop_too_fragmented);
	else if (err == SGNIC_PLAN_E_XFER_LEN || err == SGNIC_PLAN_E_MAP_UNITS)
		sgnic_tx_inc(ring, &ring->tx_stats.drop_too_many_transfers);
	else
		sgnic_tx_inc(ring, &ring->tx_stats.drop_no_resources);
}

static bool sgnic_tx_maybe_stop(struct sgnic_ring *ring, struct netdev_queue *txq,
				u32 needed)
{
	if (likely(sgnic_ring_free(ring) >= needed))
		return false;
	netif_tx_stop_queue(txq);
	sgnic_tx_inc(ring, &ring->tx_stats.stop);
	/* Completion may have freed space meanwhile: look again. */
	smp_mb();
	if (sgnic_ring_free(ring) < needed)
		return true;
	netif_tx_start_queue(txq);
	return false;
}

/* Not enough slots for this packet: stop the queue, the stack retries. */
static bool sgnic_tx_busy(struct sgnic_ring *ring, struct netdev_queue *txq,
			  u32 slots)
{
	if (!sgnic_tx_maybe_stop(ring, txq, slots))
		return false;
	sgnic_tx_inc(ring, &ring->tx_stats.busy);
	return true;
}

/* Tell the device about every descriptor written; the queue lock is held. */
void sgnic_tx_doorbell(struct sgnic_ring *ring)
{
	/* Descriptors must be visible before the doorbell. */
	dma_wmb();
	writel(ring->next_to_use, ring->regs + SGNIC_CH_TAIL);
	sgnic_tx_inc(ring, &ring->tx_stats.doorbells);
}

netdev_tx_t sgnic_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct sgnic_priv *priv = netdev_priv(netdev);
	struct sgnic_ring *ring = priv->tx[skb_get_queue_mapping(skb)];
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, ring->qid);
	struct sgnic_plan_seg segs[MAX_SKB_FRAGS + 1];
	struct sgnic_plan_seg mapped[MAX_SKB_FRAGS + 1];
	bool single = ring->single_xfer || priv->caps.max_sg == 1;
	struct sgnic_plan_limits lim;
	struct sgnic_plan plan;
	enum sgnic_plan_err err;
	unsigned int nsegs, nmapped = 0, nelems;
	u32 last, bytes;
	u16 segs_out;

	bytes = skb->len;
	segs_out = 1;
	if (skb_is_gso(skb)) {
		u32 hdr = skb_tcp_all_headers(skb);

		segs_out = skb_shinfo(skb)->gso_segs;
		bytes += (segs_out - 1) * hdr;
	}

	if (!skb_is_gso(skb) && skb->len <= READ_ONCE(priv->tx_copybreak) &&
	    skb->len <= SGNIC_TX_STAGING_SIZE) {
		if (sgnic_tx_busy(ring, txq, 1))
			return NETDEV_TX_BUSY;
		nelems = sgnic_tx_copybreak(ring, skb);
		if (!nelems)
			goto drop_no_resources;
		sgnic_tx_inc(ring, &ring->tx_stats.copybreak);
		sgnic_tx_write_descs(ring, skb, ring->elems, 1, single);
		last = ring->next_to_use;
		ring->tx_buf[last].skb = NULL;
		dev_consume_skb_any(skb);
		skb = NULL;
		goto post;
	}

	sgnic_plan_limits(priv, single, &lim);
	nsegs = sgnic_skb_layout(skb, segs);
	err = sgnic_plan_transfer(segs, nsegs, 0, skb->len, &lim, &plan, NULL);
	if (err == SGNIC_PLAN_E_FRAGMENTED || err == SGNIC_PLAN_E_SGL_SPACE) {
		/* Rearrange and retry, as seed 000 allows. */
		if (skb_linearize(skb))
			goto drop_no_resources;
		sgnic_tx_inc(ring, &ring->tx_stats.linearized);
		nsegs = sgnic_skb_layout(skb, segs);
		err = sgnic_plan_transfer(segs, nsegs, 0, skb->len, &lim, &plan, NULL);
	}
	if (err != SGNIC_PLAN_OK) {
		sgnic_tx_count_refusal(ring, err);
		goto drop;
	}
	/* The plan says how many slots the packet takes: check before mapping. */
	if (sgnic_tx_busy(ring, txq, plan.elems))
		return NETDEV_TX_BUSY;

	if (sgnic_tx_map_skb(ring, skb, mapped, &nmapped)) {
		sgnic_tx_inc(ring, &ring->tx_stats.map_err);
		goto drop;
	}
	/* Split the mapped ranges at the device's segment limits. */
	err = sgnic_plan_transfer(mapped, nmapped, 0, skb->len, &lim, &plan,
				  ring->elems);
	if (err != SGNIC_PLAN_OK) {
		sgnic_tx_count_refusal(ring, err);
		goto unmap;
	}
	nelems = plan.elems;
	sgnic_tx_record_maps(ring, skb_headlen(skb), mapped, nmapped, ring->elems,
			     nelems);
	sgnic_tx_write_descs(ring, skb, ring->elems, nelems, single);
	last = (ring->next_to_use + nelems - 1) & (ring->size - 1);
	ring->tx_buf[last].skb = skb;

post:
	ring->tx_buf[last].kind = SGNIC_TX_SKB;
	ring->tx_buf[last].bytecount = bytes;
	ring->tx_buf[last].gso_segs = segs_out;
	ring->next_to_use = (last + 1) & (ring->size - 1);
	if (skb && skb_is_gso(skb))
		sgnic_tx_inc(ring, &ring->tx_stats.tso);
	else if (skb && skb->ip_summed == CHECKSUM_PARTIAL)
		sgnic_tx_inc(ring, &ring->tx_stats.csum);

	sgnic_tx_maybe_stop(ring, txq, SGNIC_HW_MAX_CHAIN + 1);
	if (__netdev_tx_sent_queue(txq, bytes, netdev_xmit_more()))
		sgnic_tx_doorbell(ring);
	return NETDEV_TX_OK;

unmap:
	sgnic_tx_unmap_list(ring, skb_headlen(skb), mapped, nmapped);
	goto drop;
drop_no_resources:
	sgnic_tx_inc(ring, &ring->tx_stats.drop_no_resources);
drop:
	dev_kfree_skb_any(skb);
	/* A dropped packet still ends the batch: ring what is queued. */
	if (!netdev_xmit_more()) {
		dma_wmb();
		writel(ring->next_to_use, ring->regs + SGNIC_CH_TAIL);
	}
	return NETDEV_TX_OK;
}

/* ---- XDP frames ---------------------------------------------------------- */

/* The frame's pieces as the planner sees them (physical layout). */
static unsigned int sgnic_xdpf_layout(struct xdp_frame *xdpf,
				      struct skb_shared_info *sinfo,
				      struct sgnic_plan_seg *segs)
{
	unsigned int n = 0, f;

	segs[n].addr = virt_to_phys(xdpf->data);
	segs[n++].len = xdpf->len;
	for (f = 0; sinfo && f < sinfo->nr_frags; f++) {
		const skb_frag_t *frag = &sinfo->frags[f];

		segs[n].addr = page_to_phys(skb_frag_page(frag)) + skb_frag_off(frag);
		segs[n++].len = skb_frag_size(frag);
	}
	return n;
}

/* One buffer holding the whole frame, for a transfer that must be one. */
static void *sgnic_xdpf_linearize(struct xdp_frame *xdpf,
				  struct skb_shared_info *sinfo, u32 len)
{
	u8 *copy = kmalloc(len, GFP_ATOMIC | __GFP_NOWARN), *p;
	u32 f;

	if (!copy)
		return NULL;
	memcpy(copy, xdpf->data, xdpf->len);
	p = copy + xdpf->len;
	for (f = 0; f < sinfo->nr_frags; f++) {
		const skb_frag_t *frag = &sinfo->frags[f];

		memcpy(p, skb_frag_address(frag), skb_frag_size(frag));
		p += skb_frag_size(frag);
	}
	return copy;
}

/*
 * Device addresses of the frame's pieces.  XDP_TX pages belong to the
 * paired RX ring's pool, mapped once for both directions: sync them for
 * the device.  Anything else is mapped here and unwound on failure.
 */
static int sgnic_xdpf_map(struct sgnic_ring *ring, struct xdp_frame *xdpf,
			  struct skb_shared_info *sinfo, enum sgnic_tx_kind kind,
			  struct sgnic_plan_seg *mapped, unsigned int *nmapped)
{
	unsigned int n = 0, f, nfrags = sinfo ? sinfo->nr_frags : 0;
	dma_addr_t dma;

	if (kind == SGNIC_TX_XDP_TX) {
		struct sgnic_ring *rx = ring->qv->rx;
		struct page *page = virt_to_page(xdpf->data);

		dma = page_pool_get_dma_addr(page) + offset_in_page(xdpf->data);
		dma_sync_single_for_device(ring->dev, dma, xdpf->len, rx->dma_dir);
		mapped[n].addr = dma;
		mapped[n++].len = xdpf->len;
		for (f = 0; f < nfrags; f++) {
			const skb_frag_t *frag = &sinfo->frags[f];

			dma = page_pool_get_dma_addr(skb_frag_page(frag)) +
			      skb_frag_off(frag);
			dma_sync_single_for_device(ring->dev, dma,
						   skb_frag_size(frag), rx->dma_dir);
			mapped[n].addr = dma;
			mapped[n++].len = skb_frag_size(frag);
		}
		*nmapped = n;
		return 0;
	}

	dma = dma_map_single(ring->dev, xdpf->data, xdpf->len, DMA_TO_DEVICE);
	if (dma_mapping_error(ring->dev, dma))
		return -ENOMEM;
	mapped[n].addr = dma;
	mapped[n++].len = xdpf->len;
	for (f = 0; f < nfrags; f++) {
		const skb_frag_t *frag = &sinfo->frags[f];

		dma = skb_frag_dma_map(ring->dev, frag, 0, skb_frag_size(frag),
				       DMA_TO_DEVICE);
		if (dma_mapping_error(ring->dev, dma)) {
			sgnic_tx_unmap_list(ring, true, mapped, n);
			return -ENOMEM;
		}
		mapped[n].addr = dma;
		mapped[n++].len = skb_frag_size(frag);
	}
	*nmapped = n;
	return 0;
}

/*
 * Queue one XDP frame on ring, without ringing the doorbell; the caller
 * holds the queue's xmit lock.  0 when queued (the ring then owns the
 * frame until its completion), an error when it was not (the caller still
 * owns it): no room, a refusal by the planner, a mapping failure.
 */
int sgnic_xdp_queue_frame(struct sgnic_ring *ring, struct xdp_frame *xdpf,
			  enum sgnic_tx_kind kind)
{
	struct sgnic_priv *priv = ring->priv;
	struct skb_shared_info *sinfo = NULL;
	struct sgnic_plan_seg segs[MAX_SKB_FRAGS + 1];
	struct sgnic_plan_seg mapped[MAX_SKB_FRAGS + 1];
	bool single = ring->single_xfer || priv->caps.max_sg == 1;
	struct sgnic_plan_limits lim;
	struct sgnic_plan plan;
	enum sgnic_plan_err err;
	unsigned int nsegs, nmapped = 0;
	void *copy = NULL;
	u32 len, last;
	dma_addr_t dma;

	if (unlikely(!xdpf->len))
		return -EINVAL;
	if (xdp_frame_has_frags(xdpf))
		sinfo = xdp_get_shared_info_from_frame(xdpf);
	len = xdpf->len + (sinfo ? sinfo->xdp_frags_size : 0);

	sgnic_plan_limits(priv, single, &lim);
	nsegs = sgnic_xdpf_layout(xdpf, sinfo, segs);
	err = sgnic_plan_transfer(segs, nsegs, 0, len, &lim, &plan, NULL);
	if (sinfo && (err == SGNIC_PLAN_E_FRAGMENTED || err == SGNIC_PLAN_E_SGL_SPACE)) {
		/* What skb_linearize does for the stack: one buffer, then retry. */
		copy = sgnic_xdpf_linearize(xdpf, sinfo, len);
		if (!copy) {
			sgnic_tx_inc(ring, &ring->tx_stats.drop_no_resources);
			return -ENOMEM;
		}
		sgnic_tx_inc(ring, &ring->tx_stats.linearized);
		segs[0].addr = virt_to_phys(copy);
		segs[0].len = len;
		nsegs = 1;
		err = sgnic_plan_transfer(segs, nsegs, 0, len, &lim, &plan, NULL);
	}
	if (err != SGNIC_PLAN_OK) {
		sgnic_tx_count_refusal(ring, err);
		goto err_free;
	}
	if (sgnic_ring_free(ring) < plan.elems) {
		kfree(copy);
		return -ENOSPC;
	}

	if (copy) {
		dma = dma_map_single(ring->dev, copy, len, DMA_TO_DEVICE);
		if (dma_mapping_error(ring->dev, dma))
			goto err_map;
		mapped[0].addr = dma;
		mapped[0].len = len;
		nmapped = 1;
	} else if (sgnic_xdpf_map(ring, xdpf, sinfo, kind, mapped, &nmapped)) {
		goto err_map;
	}
	err = sgnic_plan_transfer(mapped, nmapped, 0, len, &lim, &plan, ring->elems);
	if (err != SGNIC_PLAN_OK) {
		sgnic_tx_count_refusal(ring, err);
		if (copy)
			dma_unmap_single(ring->dev, mapped[0].addr, len, DMA_TO_DEVICE);
		else if (kind != SGNIC_TX_XDP_TX)
			sgnic_tx_unmap_list(ring, true, mapped, nmapped);
		goto err_free;
	}

	if (copy) {
		struct sgnic_tx_buf *first = &ring->tx_buf[ring->next_to_use];

		sgnic_tx_record_maps(ring, true, mapped, 1, ring->elems, plan.elems);
		first->map = SGNIC_TX_MAP_COPY;
		first->copy = copy;
	} else if (kind == SGNIC_TX_XDP_TX) {
		/* page_pool's mapping: nothing to undo at completion */
		sgnic_tx_record_maps(ring, true, mapped, 0, ring->elems, plan.elems);
	} else {
		sgnic_tx_record_maps(ring, true, mapped, nmapped, ring->elems,
				     plan.elems);
	}
	sgnic_tx_write_descs(ring, NULL, ring->elems, plan.elems, single);
	last = (ring->next_to_use + plan.elems - 1) & (ring->size - 1);
	ring->tx_buf[last].xdpf = xdpf;
	ring->tx_buf[last].kind = kind;
	ring->tx_buf[last].bytecount = len;
	ring->tx_buf[last].gso_segs = 1;
	ring->next_to_use = (last + 1) & (ring->size - 1);
	return 0;

err_map:
	sgnic_tx_inc(ring, &ring->tx_stats.map_err);
err_free:
	kfree(copy);
	return -ENOMEM;
}

/*
 * A socket packet the device cannot take (a zero-length descriptor, one
 * above its segment or transfer limit or across its segment boundary, more
 * descriptors than a chain, several in single-transfer mode) is not sent;
 * its ndesc completions must still come in order: at once if no earlier
 * packet is in flight, else together with the last one queued.
 */
static void sgnic_xsk_refuse(struct sgnic_ring *ring, u32 ndesc)
{
	u64_stats_update_begin(&ring->syncp);
	ring->tx_stats.xsk_refused += ndesc;
	u64_stats_update_end(&ring->syncp);
	if (ring->xsk_inflight)
		ring->tx_buf[ring->xsk_last].gso_segs += ndesc;
	else
		xsk_tx_completed(ring->xsk_pool, ndesc);
}

/*
 * Queue one socket packet, descs[0..n) (n > 1 for a multi-buffer packet,
 * XDP_PKT_CONTD on all but the last): one device element per descriptor, at
 * the umem frame's address in the pool's mapping (synced for the device,
 * never mapped here).  A packet of more descriptors than the device takes
 * in one transfer (single-transfer mode, MAX_SG) is copied to one buffer
 * and mapped, as the stack path linearizes.  False if it cannot be sent.
 */
static bool sgnic_xsk_queue(struct sgnic_ring *ring, const struct xdp_desc *descs,
			    u32 n, const struct sgnic_plan_limits *lim)
{
	struct xsk_buff_pool *pool = ring->xsk_pool;
	bool single = ring->single_xfer || ring->priv->caps.max_sg == 1;
	/* xdp_zc_max_segs: the core never hands over a longer packet */
	struct sgnic_plan_seg seg[MAX_SKB_FRAGS + 1];
	enum sgnic_plan_err err;
	struct sgnic_plan plan;
	u32 i, len = 0, last;
	void *copy = NULL;
	dma_addr_t dma;

	if (n > ARRAY_SIZE(seg))
		return false;
	for (i = 0; i < n; i++) {
		seg[i].addr = xsk_buff_raw_get_dma(pool, descs[i].addr);
		seg[i].len = descs[i].len;
		len += descs[i].len;
	}
	err = sgnic_plan_transfer(seg, n, 0, len, lim, &plan, ring->elems);
	if (n > 1 && (err == SGNIC_PLAN_E_FRAGMENTED || err == SGNIC_PLAN_E_SGL_SPACE)) {
		copy = kmalloc(len, GFP_ATOMIC);
		if (!copy) {
			sgnic_tx_inc(ring, &ring->tx_stats.drop_no_resources);
			return false;
		}
		for (i = 0, len = 0; i < n; len += descs[i].len, i++)
			memcpy(copy + len, xsk_buff_raw_get_data(pool, descs[i].addr),
			       descs[i].len);
		dma = dma_map_single(ring->dev, copy, len, DMA_TO_DEVICE);
		if (dma_mapping_error(ring->dev, dma)) {
			sgnic_tx_inc(ring, &ring->tx_stats.map_err);
			kfree(copy);
			return false;
		}
		sgnic_tx_inc(ring, &ring->tx_stats.linearized);
		seg[0].addr = dma;
		seg[0].len = len;
		err = sgnic_plan_transfer(seg, 1, 0, len, lim, &plan, ring->elems);
	}
	/*
	 * A umem frame is one element: the planner skips empty ones and
	 * splits one above MAX_SEG or across the boundary; those go back.
	 */
	if (err || (!copy && plan.elems != n) || sgnic_ring_free(ring) <= plan.elems) {
		if (copy) {
			dma_unmap_single(ring->dev, dma, len, DMA_TO_DEVICE);
			kfree(copy);
		}
		return false;
	}
	if (copy) {
		sgnic_tx_record_maps(ring, true, seg, 1, ring->elems, plan.elems);
		ring->tx_buf[ring->next_to_use].map = SGNIC_TX_MAP_COPY;
		ring->tx_buf[ring->next_to_use].copy = copy;
	} else {
		for (i = 0; i < n; i++)
			xsk_buff_raw_dma_sync_for_device(pool, seg[i].addr, seg[i].len);
		sgnic_tx_record_maps(ring, true, seg, 0, ring->elems, plan.elems);
	}
	sgnic_tx_write_descs(ring, NULL, ring->elems, plan.elems, single);
	last = (ring->next_to_use + plan.elems - 1) & (ring->size - 1);
	ring->tx_buf[last].xdpf = NULL;
	ring->tx_buf[last].kind = SGNIC_TX_XSK;
	ring->tx_buf[last].bytecount = len;
	/* socket completions this slot stands for */
	ring->tx_buf[last].gso_segs = n;
	ring->next_to_use = (last + 1) & (ring->size - 1);
	ring->xsk_last = last;
	ring->xsk_inflight++;
	return true;
}

/*
 * AF_XDP zero-copy TX, from NAPI: whole packets from the socket's TX ring,
 * as many descriptors as there are free slots beyond the room kept for a
 * stack packet of the largest chain.  Returns how many descriptors were
 * taken.  Completion (sgnic_tx_clean) runs in the same NAPI.
 */
u32 sgnic_xsk_xmit(struct sgnic_ring *ring, u32 budget)
{
	struct sgnic_priv *priv = ring->priv;
	struct xsk_buff_pool *pool = ring->xsk_pool;
	struct netdev_queue *txq = netdev_get_tx_queue(priv->netdev, ring->qid);
	bool single = ring->single_xfer || priv->caps.max_sg == 1;
	struct xdp_desc *descs = pool->tx_descs;
	struct sgnic_plan_limits lim;
	u32 n, i, end, room, sent = 0;

	sgnic_plan_limits(priv, single, &lim);
	__netif_tx_lock(txq, smp_processor_id());
	room = sgnic_ring_free(ring);
	room = room > SGNIC_HW_MAX_CHAIN + 1 ? room - (SGNIC_HW_MAX_CHAIN + 1) : 0;
	/* the batch ends on a packet's last descriptor */
	n = room ? xsk_tx_peek_release_desc_batch(pool, min(budget, room)) : 0;
	for (i = 0; i < n; i = end) {
		end = i + 1;
		while (end < n && !xsk_is_eop_desc(&descs[end - 1]))
			end++;
		if (sgnic_xsk_queue(ring, &descs[i], end - i, &lim))
			sent++;
		else
			sgnic_xsk_refuse(ring, end - i);
	}
	if (sent) {
		sgnic_tx_doorbell(ring);
		u64_stats_update_begin(&ring->syncp);
		ring->tx_stats.xsk_xmit += sent;
		u64_stats_update_end(&ring->syncp);
	}
	__netif_tx_unlock(txq);
	if (xsk_uses_need_wakeup(pool))
		xsk_set_tx_need_wakeup(pool);
	return n;
}
