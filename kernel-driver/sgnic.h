/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgnic: driver-wide structures.  The hardware contract is in sgnic_hw.h;
 * this file holds what the driver builds around it.
 */
#ifndef SGNIC_H
#define SGNIC_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/u64_stats_sync.h>
#include <linux/dim.h>
#include <linux/version.h>
#include <linux/bpf.h>
#include <net/xdp.h>
#include <net/xdp_sock_drv.h>

#include "sgnic_compat.h"
#include "sgnic_hw.h"
#include "sgnic_plan.h"

#define SGNIC_DRV_NAME		"sgnic"

#define SGNIC_DEF_RING_SIZE	512
#define SGNIC_TX_STAGING_SIZE	512	/* bytes per pre-mapped copy slot */
#define SGNIC_DEF_TX_COPYBREAK	256
#define SGNIC_DEF_RX_COPYBREAK	256
#define SGNIC_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define SGNIC_RX_BUF_LEN	(PAGE_SIZE - SGNIC_RX_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
/* RX rings built for an XDP program: the headroom XDP asks for (sgnic_xdp.c) */
#define SGNIC_XDP_HEADROOM	XDP_PACKET_HEADROOM
#define SGNIC_XDP_BUF_LEN	(PAGE_SIZE - SGNIC_XDP_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define SGNIC_DEF_IRQ_USECS	20
#define SGNIC_DEF_IRQ_FRAMES	16
#define SGNIC_WATCHDOG_MS	100
/* NAPI keeps polling while busy: empty polls before interrupts come back, and their spacing */
#define SGNIC_DEF_DEFER_POLLS	10
#define SGNIC_DEF_DEFER_NS	(200 * NSEC_PER_USEC)

/* Private flags (ethtool --set-priv-flags). */
enum {
	SGNIC_PFLAG_SINGLE_XFER,	/* every packet as one transfer */
	SGNIC_PFLAG_WRITEBACK,		/* completion by status writeback */
	SGNIC_PFLAG_NR,
};

/* How a TX slot's buffer was mapped, so completion undoes it right. */
enum sgnic_tx_map {
	SGNIC_TX_MAP_NONE,	/* continuation of an earlier slot's mapping */
	SGNIC_TX_MAP_SINGLE,	/* dma_map_single of the skb head */
	SGNIC_TX_MAP_PAGE,	/* skb_frag_dma_map of a fragment */
	SGNIC_TX_MAP_STAGING,	/* copied into the ring's pre-mapped staging */
	SGNIC_TX_MAP_COPY,	/* XDP frame copied to one buffer (tx_buf.copy) */
};

/* What a TX slot's packet is, on its last slot. */
enum sgnic_tx_kind {
	SGNIC_TX_SKB,		/* from the stack: BQL counts it */
	SGNIC_TX_XDP_TX,	/* XDP_TX: a page of the paired RX ring's pool */
	SGNIC_TX_XDP_XMIT,	/* ndo_xdp_xmit: a frame of any device */
	SGNIC_TX_XSK,		/* AF_XDP zero-copy: a frame of the socket's umem */
};

struct sgnic_tx_buf {
	union {			/* on the packet's last slot, by kind */
		struct sk_buff *skb;
		struct xdp_frame *xdpf;
	};
	void *copy;		/* SGNIC_TX_MAP_COPY: the buffer to free */
	dma_addr_t dma;
	u32 map_len;
	u32 desc_len;		/* bytes this descriptor asked for */
	u32 bytecount;		/* on the last slot: bytes on the wire (BQL) */
	u16 gso_segs;		/* on the last slot */
	u8 map;			/* enum sgnic_tx_map */
	u8 kind;		/* enum sgnic_tx_kind, on the last slot */
};

struct sgnic_rx_buf {
	struct page *page;
	struct xdp_buff *xsk;	/* AF_XDP zero-copy: the umem frame instead */
	dma_addr_t dma;		/* the buffer's device address (past headroom) */
};

/*
 * Per-queue counters.  Every error and fallback path has its own counter,
 * named after what happened, shown by ethtool -S.
 */
struct sgnic_tx_stats {
	u64 packets;
	u64 bytes;
	u64 stop;		/* queue stopped: ring full */
	u64 wake;
	u64 busy;		/* returned NETDEV_TX_BUSY */
	u64 copybreak;		/* sent from a staging slot */
	u64 linearized;		/* rearranged by skb_linearize, then retried */
	u64 drop_too_fragmented;
	u64 drop_too_many_transfers;
	u64 drop_no_resources;
	u64 map_err;		/* dma_mapping_error, mappings unwound */
	u64 csum;		/* checksum offload requests */
	u64 tso;		/* TSO requests */
	u64 residual;		/* device moved fewer bytes than asked */
	u64 dev_refused;	/* device returned a per-packet result */
	u64 doorbells;
	u64 xdp_xmit;		/* frames queued by ndo_xdp_xmit */
	u64 xdp_xmit_err;	/* ndo_xdp_xmit frames refused (no room, mapping) */
	u64 xsk_xmit;		/* AF_XDP zero-copy frames queued */
	u64 xsk_refused;	/* AF_XDP descriptors the device cannot take */
};

struct sgnic_rx_stats {
	u64 packets;
	u64 bytes;
	u64 copybreak;
	u64 multi_buf;		/* frames spread over several buffers */
	u64 csum_ok;
	u64 csum_bad;
	u64 alloc_fail;
	u64 frame_err;		/* malformed SOP/EOP sequence */
	u64 doorbells;
	u64 rsc_packets;	/* frames the device coalesced (hw-gro-packets) */
	u64 rsc_segs;		/* wire segments inside them (hw-gro-wire-packets) */
	u64 xdp_packets;	/* frames the XDP program ran on */
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;		/* XDP_TX frames queued on the paired TX ring */
	u64 xdp_redirect;
	u64 xdp_aborted;	/* XDP_ABORTED or an unknown action */
	u64 xdp_tx_err;		/* XDP_TX frames that found no room */
	u64 xdp_redirect_err;	/* xdp_do_redirect() refused */
	u64 xdp_frags_drop;	/* multi-buffer frame, program without frags */
};

struct sgnic_qvec;

struct sgnic_ring {
	struct sgnic_priv *priv;
	struct sgnic_qvec *qv;
	struct device *dev;
	void __iomem *regs;		/* this channel's register block */
	struct sgnic_desc *desc;
	dma_addr_t desc_dma;
	__le64 *compl;			/* completion writeback value */
	dma_addr_t compl_dma;
	u32 size;
	u32 next_to_use;
	u32 next_to_clean;
	u16 qid;
	u16 chan;
	u32 desc_flags;			/* completion flags for each packet */
	bool single_xfer;
	bool rx_starved;		/* RX: a refill ran out of pages */
	bool xdp_off;			/* TX: ndo_xdp_xmit keeps off (pair reset) */
	bool xdp;			/* RX: built for XDP (headroom, direction) */
	u16 rx_headroom;		/* RX: buffer offset in its page */
	u32 rx_buf_len;			/* RX: bytes per buffer */
	struct xsk_buff_pool *xsk_pool;	/* AF_XDP zero-copy on this queue */
	u32 xsk_inflight;		/* TX: zero-copy slots not completed (NAPI) */
	u32 xsk_last;			/* TX: the last of them */

	union {
		struct {
			struct sgnic_tx_buf *tx_buf;
			u8 *staging;	/* size * SGNIC_TX_STAGING_SIZE */
			dma_addr_t staging_dma;
			struct sgnic_plan_elem *elems;
			struct sgnic_tx_stats tx_stats;
		};
		struct {
			struct sgnic_rx_buf *rx_buf;
			struct page_pool *pp;
			struct sk_buff *skb;	/* frame being assembled */
			struct xdp_buff xdp_buff; /* the same, for the XDP program */
			bool xdp_started;	/* xdp_buff holds a frame's first buffers */
			/* zero-copy: the first umem frame of the frame being assembled */
			struct xdp_buff *xsk_head;
			/* the frame the program runs on, for its metadata kfuncs */
			u32 xdp_hash;
			u32 xdp_status;
			enum dma_data_direction dma_dir;
			struct xdp_rxq_info xdp_rxq;
			struct sgnic_rx_stats rx_stats;
		};
	};
	/*
	 * One writer each: syncp for what the ring's owner writes (xmit on
	 * TX, NAPI on RX), clean_syncp for TX completions counted by NAPI.
	 */
	struct u64_stats_sync syncp;
	struct u64_stats_sync clean_syncp;
};

struct sgnic_qvec {
	struct sgnic_priv *priv;
	struct napi_struct napi;
	struct sgnic_ring *tx;
	struct sgnic_ring *rx;
	struct dim dim;
	u16 dim_events;
	u16 idx;
	u32 irq;
	char name[IFNAMSIZ + 16];
};

struct sgnic_caps {
	u32 version;
	u32 features;
	u32 max_pairs;
	u32 max_xfer;
	u32 max_sg;
	u32 max_seg;
	u32 seg_boundary_shift;
	u32 max_frame;
};

/* Written from works, the watchdog timer and the stack's TX timeout. */
struct sgnic_dev_stats {
	atomic64_t chan_resets;		/* halted channels reset and refilled */
	atomic64_t watchdog_kicks;	/* NAPI run by the watchdog: lost interrupt */
	atomic64_t watchdog_halts;	/* halted channels seen by the watchdog */
	atomic64_t tx_timeouts;
	atomic64_t link_changes;
};

struct sgnic_dbg_file {
	struct sgnic_priv *priv;
	u16 q;
	bool rx;
};

struct sgnic_priv {
	struct pci_dev *pdev;
	struct net_device *netdev;
	void __iomem *hw;
	struct sgnic_caps caps;
	u32 max_map_units;		/* mapping units one packet may use */

	u32 num_pairs;
	/* RSS state the device is given on every up (sgnic_rss.c) */
	u32 rss_types;			/* SGNIC_RSS_* */
	u8 rss_key[SGNIC_RSS_KEY_LEN];
	u8 rss_indir[SGNIC_RSS_RETA_SIZE];
	/* receive filters and VLAN (sgnic_filter.c) */
	spinlock_t ctrl_lock;		/* one CTRL value at a time */
	u32 rx_filter_ctrl;		/* PROMISC/ALLMULTI the lists need */
	unsigned int addr_entries;	/* address table entries in use */
	u32 mc_hash[SGNIC_MC_HASH_REGS];	/* as the device holds it */
	u32 mc_hash_next[SGNIC_MC_HASH_REGS];	/* scratch, under the addr lock */
	u32 active_vlans[SGNIC_VLAN_TABLE_REGS];
	u32 tx_ring_size;
	u32 rx_ring_size;
	unsigned long pflags;
	u32 tx_copybreak;
	u32 rx_copybreak;
	u32 rx_usecs;
	u32 rx_frames;
	u32 tx_usecs;
	u32 tx_frames;
	bool rx_dim;
	struct bpf_prog *xdp_prog;	/* RCU for NAPI, written under RTNL */
	unsigned long xsk_zc;		/* bit q: queue q runs AF_XDP zero-copy */

	u32 num_vectors;
	struct sgnic_qvec qv[SGNIC_MAX_QUEUE_PAIRS];
	struct sgnic_ring *tx[SGNIC_MAX_QUEUE_PAIRS];
	struct sgnic_ring *rx[SGNIC_MAX_QUEUE_PAIRS];
	bool up;
	bool keep_carrier;		/* a reconfiguration keeps the link (XDP) */
	bool dma64;			/* 64-bit DMA mask in use */
	bool gone;			/* reads all-ones: off the bus (sgnic_hw_gone) */

	atomic_t test_irqs;		/* MISC_TEST interrupts seen (self-test) */
	struct work_struct reset_work;
	struct work_struct link_work;	/* link changes, under RTNL */
	unsigned long tx_timeout_pairs;	/* bit q: queue q timed out */
	struct timer_list watchdog;
	struct sgnic_dev_stats dstats;
	/*
	 * Counters of rings freed by reconfiguration, so totals never go back;
	 * stats_lock makes "base plus the published rings" one snapshot.
	 */
	seqlock_t stats_lock;
	struct sgnic_tx_stats tx_base;
	struct sgnic_rx_stats rx_base;
	/* MAC counters device resets cleared, under RTNL (sgnic_mac_stats_fold) */
	u64 mac_base[SGNIC_MAC_NUM_STATS];

	struct dentry *dbg;
	struct sgnic_dbg_file dbg_files[SGNIC_NUM_CHANS];
};

static inline u32 sgnic_rd(struct sgnic_priv *priv, u32 reg)
{
	return readl(priv->hw + reg);
}

/* One access: the device returns a 64-bit counter whole (spec 6.4). */
static inline u64 sgnic_rd64(struct sgnic_priv *priv, u32 reg)
{
	return readq(priv->hw + reg);
}

static inline void sgnic_wr(struct sgnic_priv *priv, u32 reg, u32 val)
{
	writel(val, priv->hw + reg);
}

static inline u32 sgnic_ring_free(const struct sgnic_ring *ring)
{
	return (ring->next_to_clean - ring->next_to_use - 1) & (ring->size - 1);
}

/* sgnic_netdev.c */
extern const struct net_device_ops sgnic_netdev_ops;
#if SGNIC_HAVE_QSTATS
extern const struct netdev_stat_ops sgnic_stat_ops;
#endif
int sgnic_up(struct sgnic_priv *priv);
int sgnic_start(struct sgnic_priv *priv);
void sgnic_down(struct sgnic_priv *priv);
int sgnic_reconfigure(struct sgnic_priv *priv, u32 pairs, u32 tx_size,
		      u32 rx_size, unsigned long pflags,
		      struct netlink_ext_ack *extack);
void sgnic_update_link(struct sgnic_priv *priv);
bool sgnic_hw_gone(struct sgnic_priv *priv, u32 val);
void sgnic_unmask_pair(struct sgnic_priv *priv, u32 q);
void sgnic_write_mac(struct sgnic_priv *priv, const u8 *mac);
void sgnic_write_ctrl(struct sgnic_priv *priv, netdev_features_t features);

/* Rings of one configuration, built before they replace the running ones. */
struct sgnic_ring_set {
	u32 pairs;
	struct sgnic_ring *tx[SGNIC_MAX_QUEUE_PAIRS];
	struct sgnic_ring *rx[SGNIC_MAX_QUEUE_PAIRS];
};

/* sgnic_txrx.c */
int sgnic_alloc_rings(struct sgnic_priv *priv);
int sgnic_rx_xdp_reg(struct sgnic_ring *ring);
int sgnic_alloc_ring_set(struct sgnic_priv *priv, struct sgnic_ring_set *set,
			 u32 pairs, u32 tx_size, u32 rx_size, unsigned long pflags);
void sgnic_free_ring_set(struct sgnic_ring_set *set);
void sgnic_install_ring_set(struct sgnic_priv *priv, struct sgnic_ring_set *set);
void sgnic_free_rings(struct sgnic_priv *priv);
void sgnic_start_ring(struct sgnic_ring *ring);
void sgnic_stop_ring(struct sgnic_ring *ring);
void sgnic_rx_refill(struct sgnic_ring *ring);
void sgnic_tx_clean_all(struct sgnic_ring *ring);
void sgnic_rx_clean_all(struct sgnic_ring *ring);
int sgnic_poll(struct napi_struct *napi, int budget);
bool sgnic_ring_pending(struct sgnic_ring *ring);
u32 sgnic_ring_done_index(struct sgnic_ring *ring);
void sgnic_ring_set_moderation(struct sgnic_ring *ring, u32 usecs, u32 frames);
void sgnic_rx_dim_work(struct work_struct *work);
void sgnic_fold_ring_stats(struct sgnic_priv *priv);
void sgnic_get_tx_stats(struct sgnic_ring *ring, struct sgnic_tx_stats *out);
void sgnic_get_rx_stats(struct sgnic_ring *ring, struct sgnic_rx_stats *out);

/* sgnic_map.c: TX mapping, single transfer vs scatter/gather */
netdev_tx_t sgnic_xmit(struct sk_buff *skb, struct net_device *netdev);
void sgnic_tx_unmap_slot(struct sgnic_ring *ring, struct sgnic_tx_buf *buf);
void sgnic_plan_limits(struct sgnic_priv *priv, bool single,
		       struct sgnic_plan_limits *lim);

/* XDP frames on a TX ring (sgnic_map.c); the caller holds the queue's lock */
int sgnic_xdp_queue_frame(struct sgnic_ring *ring, struct xdp_frame *xdpf,
			  enum sgnic_tx_kind kind);
void sgnic_tx_doorbell(struct sgnic_ring *ring);
u32 sgnic_xsk_xmit(struct sgnic_ring *ring, u32 budget);

/* sgnic_xdp.c */
int sgnic_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
int sgnic_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		   u32 flags);
bool sgnic_xdp_mtu_ok(struct bpf_prog *prog, u32 mtu);
/* XDP_TX frames of one poll queued on the TX ring per lock taken */
#define SGNIC_XDP_TX_BULK	16

/* Verdicts of one NAPI poll, added to the ring's counters at its end. */
struct sgnic_xdp_tally {
	u32 packets, pass, drop, tx, redirect, aborted;
	u32 tx_err, redirect_err, frags_drop;
	bool flush;		/* xdp_do_flush() before the poll ends */
	bool tx_pending;	/* XDP_TX frames queued: ring the TX doorbell */
	u32 tx_bulk_n;		/* XDP_TX frames waiting in tx_bulk[] */
	struct xdp_frame *tx_bulk[SGNIC_XDP_TX_BULK];
};

bool sgnic_xdp_run(struct sgnic_ring *ring, struct bpf_prog *prog,
		   struct xdp_buff *xdp, struct sgnic_xdp_tally *t);
void sgnic_xdp_finish(struct sgnic_ring *ring, struct bpf_prog *prog,
		      struct sgnic_xdp_tally *t);
struct sk_buff *sgnic_xdp_build_skb(struct sgnic_ring *ring, struct xdp_buff *xdp);
void sgnic_xdp_buff_free(struct sgnic_ring *ring, struct xdp_buff *xdp,
			 bool direct);
void sgnic_xdp_set_features(struct sgnic_priv *priv);
int sgnic_xsk_wakeup(struct net_device *netdev, u32 qid, u32 flags);
struct sk_buff *sgnic_xsk_build_skb(struct sgnic_ring *ring, struct xdp_buff *xdp);
u32 sgnic_xsk_rx_buf_len(struct sgnic_priv *priv, struct xsk_buff_pool *pool);
bool sgnic_xsk_add_frag(struct xdp_buff *head, struct xdp_buff *frag, u32 len);

/* sgnic_ethtool.c */
void sgnic_set_ethtool_ops(struct net_device *netdev);
void sgnic_mac_stats_fold(struct sgnic_priv *priv);

/* sgnic_filter.c */
bool sgnic_has_rx_filter(const struct sgnic_priv *priv);
bool sgnic_has_vlan(const struct sgnic_priv *priv);
void sgnic_set_rx_mode(struct net_device *netdev);
void sgnic_program_filters(struct sgnic_priv *priv);
int sgnic_vlan_rx_add_vid(struct net_device *netdev, __be16 proto, u16 vid);
int sgnic_vlan_rx_kill_vid(struct net_device *netdev, __be16 proto, u16 vid);
u32 sgnic_tx_vlan_flags(struct sk_buff *skb, struct sgnic_desc *d);

/* sgnic_rss.c */
bool sgnic_has_rss(const struct sgnic_priv *priv);
void sgnic_rss_init(struct sgnic_priv *priv);
void sgnic_rss_program(struct sgnic_priv *priv);
u32 sgnic_get_rxfh_key_size(struct net_device *netdev);
u32 sgnic_get_rxfh_indir_size(struct net_device *netdev);
int sgnic_rss_get(struct net_device *netdev, u32 *indir, u8 *key, u8 *hfunc);
int sgnic_rss_set(struct net_device *netdev, const u32 *indir, const u8 *key,
		  u8 hfunc, struct netlink_ext_ack *extack);
int sgnic_get_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd,
		    u32 *rule_locs);
int sgnic_set_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd);
enum pkt_hash_types sgnic_rss_hash_type(u32 status);

/* sgnic_debugfs.c */
void sgnic_debugfs_init(void);
void sgnic_debugfs_exit(void);
void sgnic_debugfs_add(struct sgnic_priv *priv);
void sgnic_debugfs_remove(struct sgnic_priv *priv);

/* sgnic_main.c */
int sgnic_hw_selftest_loopback(struct sgnic_priv *priv, bool single,
			       bool writeback);

#endif /* SGNIC_H */
