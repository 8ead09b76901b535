/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgnic: the few kernel API differences between the 6.1 and 6.12 kernels
 * the driver builds against.  Each entry names the release that added the
 * interface; older kernels get a no-op or the older spelling.
 */
#ifndef SGNIC_COMPAT_H
#define SGNIC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/string_helpers.h>

/* str_up_down(): string_choices.h, after 6.1 (str_down_up comes with it) */
#ifndef str_down_up
static inline const char *str_up_down(bool v)
{
	if (v)
		return "up";
	return "down";
}
#endif

/* netdev_stat_ops (qstats over netlink): 6.10 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SGNIC_HAVE_QSTATS	1
#include <net/netdev_queues.h>
#else
#define SGNIC_HAVE_QSTATS	0
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/* page_pool_params.netdev, for netlink page-pool-get: 6.8 */
#define SGNIC_HAVE_PP_NETDEV	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0))

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
/* NAPI-to-queue and NAPI-to-IRQ links for netlink: 6.8 */
enum netdev_queue_type { NETDEV_QUEUE_TYPE_RX, NETDEV_QUEUE_TYPE_TX };
static inline void netif_queue_set_napi(struct net_device *dev, unsigned int q,
					enum netdev_queue_type type,
					struct napi_struct *napi)
{
}

static inline void netif_napi_set_irq(struct napi_struct *napi, int irq)
{
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
/* ethtool_puts: 6.8 */
#include <linux/ethtool.h>
static inline void ethtool_puts(u8 **data, const char *str)
{
	ethtool_sprintf(data, "%s", str);
}
#endif

/*
 * Defaults of the sysfs knobs napi_defer_hard_irqs and gro_flush_timeout:
 * per-NAPI settings with setters from 6.13, plain net_device fields before.
 */
static inline void sgnic_set_napi_defer(struct net_device *dev, u32 polls,
					unsigned long timeout_ns)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	netdev_set_defer_hard_irqs(dev, polls);
	netdev_set_gro_flush_timeout(dev, timeout_ns);
#else
	WRITE_ONCE(dev->napi_defer_hard_irqs, polls);
	WRITE_ONCE(dev->gro_flush_timeout, timeout_ns);
#endif
}

/* struct ethtool_rxfh_param replaced get/set_rxfh's separate arguments: 6.8 */
#define SGNIC_HAVE_RXFH_PARAM	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0))

/* xdp_metadata_ops with the RSS hash type (bpf_xdp_metadata_rx_hash): 6.5 */
#define SGNIC_HAVE_XDP_RX_HASH	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0))

/* netdev xdp_features (xdp_set_features_flag): 6.3 */
#define SGNIC_HAVE_XDP_FEATURES	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0))

/*
 * AF_XDP zero-copy multi-buffer: the device's segment limit
 * (xdp_zc_max_segs) and the pool's list of a frame's umem frames come with
 * 6.6, the redirect target's map type in bpf_net_ctx with 6.11.
 */
#define SGNIC_HAVE_XSK_SG	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0))

/* skb_frag_fill_page_desc: 6.5 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#include <linux/skbuff.h>
static inline void skb_frag_fill_page_desc(skb_frag_t *frag, struct page *page,
					   int off, int size)
{
	__skb_frag_set_page(frag, page);
	skb_frag_off_set(frag, off);
	skb_frag_size_set(frag, size);
}
#endif

/* xsk_buff_dma_sync_for_cpu lost its pool argument in 6.10 */
#include <net/xdp_sock_drv.h>
static inline void sgnic_xsk_sync_for_cpu(struct xdp_buff *xdp,
					  struct xsk_buff_pool *pool)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	xsk_buff_dma_sync_for_cpu(xdp);
#else
	xsk_buff_dma_sync_for_cpu(xdp, pool);
#endif
}

/* multi-buffer AF_XDP descriptors (XDP_PKT_CONTD): 6.6; before, one each */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
static inline bool xsk_is_eop_desc(struct xdp_desc *desc)
{
	return true;
}
#endif

#endif /* SGNIC_COMPAT_H */
