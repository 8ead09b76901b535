/*
 * sgnic: internal interfaces between the PCI glue (sgnic.c), the network
 * side (sgnic_net.c, sgnic_rsc.c, sgnic_rss.c, sgnic_filter.c, sgnic_mac.c)
 * and the DMA channel engine (sgnic_dma.c).
 *
 * Calls go one way: glue -> network side -> engine.  The engine reports
 * back only through the SgnicChannelOps the glue installs, so each check
 * has one home: PCI, vectors and migration in the glue; frames, offloads
 * and what the network may send in the network side; rings, descriptors,
 * completion and guest memory access in the engine.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_NET_SGNIC_INT_H
#define HW_NET_SGNIC_INT_H

#include "hw/pci/pci_device.h"
#include "net/net.h"
#include "qemu/timer.h"
#include "hw/net/sgnic_hw.h"

#define TYPE_SGNIC "sgnic"
OBJECT_DECLARE_SIMPLE_TYPE(SgnicState, SGNIC)

/* Descriptors one doorbell processes before the rest move to a bottom half. */
#define SGNIC_TX_BUDGET 256

/*
 * What the device writes back into a descriptor besides its length: the
 * status (TX: the per-packet result; RX, last buffer: checksum verdict,
 * RSC, hash type and VLAN), the RSC word (rsc_segs | rsc_mss << 16), the
 * RSS hash and the stripped VLAN tag (rx_vlan_tci).
 */
typedef struct SgnicDescWb {
    uint32_t status;
    uint32_t rsc;
    uint32_t hash;
    uint16_t vlan_tci;
} SgnicDescWb;

/* A frame receive segment coalescing is building (sgnic_rsc.c). */
typedef struct SgnicRsc {
    uint8_t *buf;               /* SGNIC_RSC_MAX_LEN bytes */
    uint32_t len;               /* bytes held; 0: none */
    uint32_t hlen;              /* Ethernet, IPv4 and TCP headers */
    uint32_t chan;              /* RX channel it goes to */
    uint32_t segs;
    uint32_t mss;               /* the first segment's payload */
    uint32_t ip_id;             /* the first segment's IP ID */
    uint32_t next_seq;          /* TCP sequence number that joins next */
    /* The flow's RSS result: SGNIC_DESC_S_HASH_* bits, hash (not migrated) */
    uint32_t hash_status;
    uint32_t hash;
} SgnicRsc;

typedef struct SgnicChannel SgnicChannel;

/* How the engine reports back; the glue fills these in at realize. */
typedef struct SgnicChannelOps {
    /* Work may be waiting on the channel: a doorbell, START or RESUME. */
    void (*kick)(SgnicChannel *ch);
    /* The channel was reset to STOPPED: forget what is held for it. */
    void (*stopped)(SgnicChannel *ch);
    /* The channel halted (MISC_CAUSE.CHAN_HALT). */
    void (*halted)(SgnicChannel *ch);
    /* The channel's pair vector is due now (moderation and gap are done). */
    void (*notify)(SgnicChannel *ch);
} SgnicChannelOps;

struct SgnicChannel {
    SgnicState *s;              /* not migrated: set at realize */
    QEMUTimer *mod_timer;       /* interrupt moderation hold-off */
    uint32_t idx;

    uint64_t ring_base;
    uint32_t ring_size;
    uint32_t tail;
    uint32_t head;
    uint32_t state;             /* SGNIC_STATE_* */
    uint32_t err;               /* SGNIC_ERR_* while halted */
    uint32_t err_desc;
    uint64_t compl_addr;
    uint32_t irq_mod;
    uint32_t irq_gap;           /* SGNIC_CH_IRQ_GAP */
    uint32_t irq_en;
    uint32_t completed;
    uint32_t pkt_errs;

    /* Interrupt requests seen since the last interrupt was sent. */
    uint32_t irq_count;
    /* An interrupt is due but IRQ_EN is clear: send it on unmask. */
    bool irq_deferred;
    /* A completion value waits to be written (at most one per pass). */
    bool wb_pending;
    uint64_t wb_desc_addr;
};

struct SgnicState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion msix;
    NICState *nic;
    NICConf conf;
    const SgnicChannelOps *chan_ops;
    /* Both guarded by DeviceState's own mem_reentrancy_guard. */
    QEMUBH *tx_bh;
    QEMUBH *rsc_bh;
    struct NetTxPkt *tx_pkt;
    struct NetRxPkt *rx_pkt;

    /* Properties. */
    uint32_t queues;
    uint32_t max_xfer;
    uint32_t max_sg;
    uint32_t max_seg;
    uint32_t seg_boundary_shift;
    uint32_t inject_dma_error;
    uint32_t inject_short;
    uint32_t inject_lost_irq;
    /*
     * x-gone (test hook, not migrated): the device has left the bus, as
     * after a surprise removal: reads return all-ones, writes, DMA and
     * interrupts stop, frames from the network are dropped.  Cleared,
     * it is back as a re-inserted card: reset.
     */
    bool gone;

    /* Global registers. */
    uint32_t ctrl;
    uint32_t mac_lo;
    uint32_t mac_hi;
    uint32_t misc_cause;
    uint32_t misc_mask;
    uint32_t rx_queues;
    uint32_t rsc_max_len;
    uint32_t stats[SGNIC_NUM_STATS];
    uint64_t mac_stats[SGNIC_MAC_NUM_STATS];    /* sgnic_mac.c */

    /* Receive-side scaling (sgnic_rss.c). */
    uint32_t rss_types;                         /* SGNIC_RSS_* */
    uint8_t rss_key[SGNIC_RSS_KEY_LEN];
    uint8_t rss_reta[SGNIC_RSS_RETA_SIZE];      /* RX pair of each entry */

    /* Receive filters and VLAN (sgnic_filter.c), as the registers hold them. */
    uint32_t vlan_table[SGNIC_VLAN_TABLE_REGS];
    uint32_t mc_hash[SGNIC_MC_HASH_REGS];
    uint32_t addr_lo[SGNIC_ADDR_ENTRIES];
    uint32_t addr_hi[SGNIC_ADDR_ENTRIES];

    /* Counters behind the fault injections. */
    uint32_t dma_ops;
    uint32_t tx_pkts_seen;
    uint32_t irqs_seen;

    SgnicChannel chan[SGNIC_NUM_CHANS];
    /* When each pair's vector last fired (QEMU_CLOCK_VIRTUAL), for IRQ_GAP. */
    int64_t irq_last_ns[SGNIC_MAX_QUEUE_PAIRS];
    SgnicRsc rsc;

    /* Scratch for the packet being gathered or placed (not migrated). */
    struct sgnic_desc scratch[SGNIC_HW_MAX_CHAIN];
    /*
     * RX has its own: in loopback a TX packet is received while its own
     * descriptors still wait in scratch to be completed.
     */
    struct sgnic_desc rx_scratch[SGNIC_HW_MAX_CHAIN];
    uint8_t lb_frame[SGNIC_MAX_FRAME];
    /* A received frame with its VLAN tag stripped. */
    uint8_t rx_untagged[SGNIC_MAX_FRAME];
    /* A TX packet's bytes, read from its buffers (SGNIC_HW_MAX_PKT_LEN). */
    uint8_t *tx_buf;
};

#define SGNIC_STAT(s, reg) ((s)->stats[((reg) - SGNIC_REG_STAT_RX_NOBUF) / 4])

static inline bool sgnic_chan_running(const SgnicChannel *ch)
{
    return ch->state == SGNIC_STATE_ACTIVE || ch->state == SGNIC_STATE_IDLE;
}

static inline uint32_t sgnic_ring_used(const SgnicChannel *ch)
{
    return (ch->tail - ch->head) & (ch->ring_size - 1);
}

static inline uint64_t sgnic_desc_addr(const SgnicChannel *ch, uint32_t i)
{
    return ch->ring_base + (uint64_t)i * SGNIC_DESC_SIZE;
}

static inline bool sgnic_bus_master(SgnicState *s)
{
    return !s->gone && (PCI_DEVICE(s)->config[PCI_COMMAND] & PCI_COMMAND_MASTER);
}

/* sgnic_dma.c: channel engine */
void sgnic_chan_reset(SgnicChannel *ch);
void sgnic_chan_command(SgnicChannel *ch, uint32_t cmd);
void sgnic_chan_write_tail(SgnicChannel *ch, uint32_t tail);
void sgnic_chan_set_irq_en(SgnicChannel *ch, uint32_t val);
void sgnic_chan_halt(SgnicChannel *ch, uint32_t err, uint32_t desc);
bool sgnic_chan_read_desc(SgnicChannel *ch, uint32_t i, struct sgnic_desc *d);
bool sgnic_chan_complete(SgnicChannel *ch, uint32_t i, uint32_t flags,
                         uint32_t xfer_len, const SgnicDescWb *wb);
void sgnic_chan_end_pass(SgnicChannel *ch);
void sgnic_mod_timer_cb(void *opaque);
bool sgnic_inject_dma_fault(SgnicState *s);
uint32_t sgnic_chan_status(const SgnicChannel *ch);
bool sgnic_chan_place(SgnicChannel *ch, const uint8_t *buf, size_t size,
                      const SgnicDescWb *wb);

/* sgnic_net.c: transmit and receive */
void sgnic_tx_process(SgnicChannel *ch);
void sgnic_tx_bh(void *opaque);
bool sgnic_can_receive(NetClientState *nc);
ssize_t sgnic_receive(NetClientState *nc, const uint8_t *buf, size_t size);
void sgnic_rx_flush(SgnicState *s);
void sgnic_flush_held(SgnicState *s);

/* sgnic_rsc.c: receive segment coalescing */
ssize_t sgnic_rsc_receive(SgnicState *s, SgnicChannel *ch, const uint8_t *buf,
                          size_t size, const SgnicDescWb *wb);
bool sgnic_rsc_flush(SgnicState *s);
bool sgnic_rsc_load_valid(SgnicState *s);
void sgnic_rsc_discard(SgnicState *s, uint32_t chan);
void sgnic_rsc_rehash(SgnicState *s);
void sgnic_rsc_bh(void *opaque);

/* sgnic_rss.c: receive-side scaling */
void sgnic_rss_reset(SgnicState *s);
void sgnic_rss_fill_reta(SgnicState *s, uint32_t pairs);
bool sgnic_rss_is_reg(hwaddr addr);
uint32_t sgnic_rss_read(SgnicState *s, hwaddr addr);
void sgnic_rss_write(SgnicState *s, hwaddr addr, uint32_t val);
unsigned int sgnic_rss_classify(SgnicState *s, struct NetRxPkt *pkt,
                                bool whole_l4, SgnicDescWb *wb);
const char *sgnic_rss_load_error(const SgnicState *s);

/* sgnic_filter.c: receive address filters and VLAN */
void sgnic_filter_reset(SgnicState *s);
bool sgnic_filter_is_reg(hwaddr addr);
uint32_t sgnic_filter_read(SgnicState *s, hwaddr addr);
void sgnic_filter_write(SgnicState *s, hwaddr addr, uint32_t val);
bool sgnic_filter_accept_addr(SgnicState *s, const uint8_t *dst);
bool sgnic_vlan_rx(SgnicState *s, const uint8_t **buf, size_t *size,
                   SgnicDescWb *wb);
const char *sgnic_filter_load_error(const SgnicState *s);

/* sgnic_mac.c: MAC frame counters */
bool sgnic_mac_stats_is_reg(hwaddr addr);
uint32_t sgnic_mac_stats_read(SgnicState *s, hwaddr addr);
void sgnic_mac_count_rx(SgnicState *s, const uint8_t *frame, size_t len);
void sgnic_mac_count_tx(SgnicState *s, const struct iovec *iov, int iovcnt);

#endif
