/*
 * sgnic: a PCI NIC with a descriptor-ring DMA engine (PCI glue).
 *
 * BARs, MSI-X, registers, properties, reset and migration.  The channel
 * engine lives in sgnic_dma.c, transmit and receive in sgnic_net.c, and the
 * register map in include/sgnic_hw.h (docs/spec.md explains it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/net/net_tx_pkt.h"
#include "hw/net/net_rx_pkt.h"
#include "sgnic_int.h"
#include "trace.h"

#define SGNIC_PCIE_CAP_OFFSET 0xa0
#define SGNIC_MSIX_CAP_OFFSET 0x70
#define SGNIC_PM_CAP_OFFSET 0x60
/* Extended configuration space: Advanced Error Reporting first. */
#define SGNIC_AER_CAP_OFFSET 0x100
/* Counters a version 2, and a version 3 or 4, migration stream carries. */
#define SGNIC_V2_STATS 12
#define SGNIC_V3_STATS 14
/* CTRL bits version 5 (receive filters and VLAN) added. */
#define SGNIC_CTRL_V5_BITS (SGNIC_CTRL_ALLMULTI | SGNIC_CTRL_VLAN_STRIP | \
                            SGNIC_CTRL_VLAN_FILTER)

static void sgnic_raise_vector(SgnicState *s, unsigned int vec)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->gone) {
        return;
    }
    if (s->inject_lost_irq && ++s->irqs_seen % s->inject_lost_irq == 0) {
        SGNIC_STAT(s, SGNIC_REG_STAT_IRQS_LOST)++;
        trace_sgnic_irq_lost(vec);
        return;
    }
    if (vec > s->queues) {
        /* Only a bug (or a crafted migration stream) gets here. */
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: no MSI-X vector %u\n", vec);
        return;
    }
    if (msix_enabled(pdev)) {
        SGNIC_STAT(s, SGNIC_REG_STAT_IRQS)++;
        trace_sgnic_irq(vec);
        msix_notify(pdev, vec);
    }
}

/* Auto-mask: the pair stays quiet until the driver unmasks it. */
static void sgnic_raise_queue_vector(SgnicState *s, unsigned int pair)
{
    s->chan[SGNIC_CHAN_TX(pair)].irq_en = 0;
    s->chan[SGNIC_CHAN_RX(pair)].irq_en = 0;
    s->irq_last_ns[pair] = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    sgnic_raise_vector(s, SGNIC_VEC_QUEUE(pair));
}

static void sgnic_raise_misc(SgnicState *s, uint32_t cause)
{
    s->misc_cause |= cause;
    if (cause & s->misc_mask) {
        sgnic_raise_vector(s, SGNIC_VEC_MISC);
    }
}

/* ---- What the channel engine reports (SgnicChannelOps) ---------------- */

static void sgnic_chan_kick(SgnicChannel *ch)
{
    if (SGNIC_CHAN_IS_RX(ch->idx)) {
        sgnic_rx_flush(ch->s);          /* QEMU redelivers what waited */
    } else {
        sgnic_tx_process(ch);
    }
}

static void sgnic_chan_stopped(SgnicChannel *ch)
{
    if (SGNIC_CHAN_IS_RX(ch->idx)) {
        sgnic_rsc_discard(ch->s, ch->idx);
    }
}

static void sgnic_chan_halted(SgnicChannel *ch)
{
    sgnic_raise_misc(ch->s, SGNIC_MISC_CHAN_HALT);
}

static void sgnic_chan_notify(SgnicChannel *ch)
{
    sgnic_raise_queue_vector(ch->s, SGNIC_CHAN_PAIR(ch->idx));
}

static const SgnicChannelOps sgnic_chan_ops = {
    .kick = sgnic_chan_kick,
    .stopped = sgnic_chan_stopped,
    .halted = sgnic_chan_halted,
    .notify = sgnic_chan_notify,
};

/* ---- Registers ------------------------------------------------------------ */

static uint32_t sgnic_halted_mask(SgnicState *s)
{
    uint32_t mask = 0;
    unsigned int c;

    for (c = 0; c < SGNIC_NUM_CHANS; c++) {
        if (s->chan[c].state == SGNIC_STATE_HALTED) {
            mask |= 1u << c;
        }
    }
    return mask;
}

static uint64_t sgnic_chan_read(SgnicChannel *ch, hwaddr reg)
{
    switch (reg) {
    case SGNIC_CH_RING_LO:
        return (uint32_t)ch->ring_base;
    case SGNIC_CH_RING_HI:
        return ch->ring_base >> 32;
    case SGNIC_CH_RING_SIZE:
        return ch->ring_size;
    case SGNIC_CH_TAIL:
        return ch->tail;
    case SGNIC_CH_HEAD:
        return ch->head;
    case SGNIC_CH_STATUS:
        return sgnic_chan_status(ch);
    case SGNIC_CH_COMPL_LO:
        return (uint32_t)ch->compl_addr;
    case SGNIC_CH_COMPL_HI:
        return ch->compl_addr >> 32;
    case SGNIC_CH_IRQ_MOD:
        return ch->irq_mod;
    case SGNIC_CH_IRQ_GAP:
        return ch->irq_gap;
    case SGNIC_CH_IRQ_EN:
        return ch->irq_en;
    case SGNIC_CH_ERR_DESC:
        return ch->err_desc;
    case SGNIC_CH_COMPLETED:
        return ch->completed;
    case SGNIC_CH_PKT_ERRS:
        return ch->pkt_errs;
    default:
        return 0;
    }
}

static void sgnic_chan_write(SgnicChannel *ch, hwaddr reg, uint32_t val)
{
    bool stopped = ch->state == SGNIC_STATE_STOPPED;

    switch (reg) {
    case SGNIC_CH_RING_LO:
    case SGNIC_CH_RING_HI:
    case SGNIC_CH_RING_SIZE:
        if (!stopped) {
            qemu_log_mask(LOG_GUEST_ERROR, "sgnic: chan %u ring register "
                          "written while not stopped\n", ch->idx);
            return;
        }
        if (reg == SGNIC_CH_RING_LO) {
            ch->ring_base = deposit64(ch->ring_base, 0, 32, val);
        } else if (reg == SGNIC_CH_RING_HI) {
            ch->ring_base = deposit64(ch->ring_base, 32, 32, val);
        } else {
            ch->ring_size = val;
        }
        break;
    case SGNIC_CH_TAIL:
        sgnic_chan_write_tail(ch, val);
        break;
    case SGNIC_CH_CMD:
        sgnic_chan_command(ch, val);
        break;
    case SGNIC_CH_COMPL_LO:
        ch->compl_addr = deposit64(ch->compl_addr, 0, 32,
                                   val & ~(SGNIC_COMPL_ALIGN - 1));
        break;
    case SGNIC_CH_COMPL_HI:
        ch->compl_addr = deposit64(ch->compl_addr, 32, 32, val);
        break;
    case SGNIC_CH_IRQ_MOD:
        ch->irq_mod = val;
        break;
    case SGNIC_CH_IRQ_GAP:
        ch->irq_gap = val & SGNIC_IRQ_GAP_MAX_USECS;
        break;
    case SGNIC_CH_IRQ_EN:
        sgnic_chan_set_irq_en(ch, val);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: write to read-only channel "
                      "register 0x%" HWADDR_PRIx "\n", reg);
        break;
    }
}

static void sgnic_update_mac(SgnicState *s)
{
    uint8_t mac[ETH_ALEN];

    stl_le_p(mac, s->mac_lo);
    stw_le_p(mac + 4, s->mac_hi);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), mac);
}

static void sgnic_soft_reset(SgnicState *s);

static uint64_t sgnic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SgnicState *s = opaque;
    uint64_t val = 0;

    if (s->gone) {
        return MAKE_64BIT_MASK(0, size * 8);
    }
    SGNIC_STAT(s, SGNIC_REG_STAT_MMIO)++;
    if (addr >= SGNIC_CHAN_BASE && addr < SGNIC_REGS_END) {
        unsigned int c = (addr - SGNIC_CHAN_BASE) / SGNIC_CHAN_STRIDE;

        val = c < 2 * s->queues ?
              sgnic_chan_read(&s->chan[c], (addr - SGNIC_CHAN_BASE) % SGNIC_CHAN_STRIDE) : 0;
        trace_sgnic_mmio_read(addr, val);
        return val;
    }
    if (sgnic_rss_is_reg(addr)) {
        val = sgnic_rss_read(s, addr);
        trace_sgnic_mmio_read(addr, val);
        return val;
    }
    if (sgnic_filter_is_reg(addr)) {
        val = sgnic_filter_read(s, addr);
        trace_sgnic_mmio_read(addr, val);
        return val;
    }
    if (sgnic_mac_stats_is_reg(addr)) {
        val = sgnic_mac_stats_read(s, addr);
        trace_sgnic_mmio_read(addr, val);
        return val;
    }
    switch (addr) {
    case SGNIC_REG_ID:
        val = SGNIC_ID_MAGIC;
        break;
    case SGNIC_REG_VERSION:
        val = SGNIC_VERSION_MAJOR << 16 | SGNIC_VERSION_MINOR;
        break;
    case SGNIC_REG_FEATURES:
        val = SGNIC_FEAT_TX_CSUM | SGNIC_FEAT_RX_CSUM | SGNIC_FEAT_TSO |
              SGNIC_FEAT_SG | SGNIC_FEAT_WRITEBACK | SGNIC_FEAT_MSIX |
              SGNIC_FEAT_RX_MULTIBUF | SGNIC_FEAT_RSC | SGNIC_FEAT_RSS |
              SGNIC_FEAT_RX_FILTER | SGNIC_FEAT_VLAN | SGNIC_FEAT_MAC_STATS;
        break;
    case SGNIC_REG_QUEUES:
        val = s->queues | (1 + s->queues) << SGNIC_QUEUES_VECTORS_SHIFT;
        break;
    case SGNIC_REG_MAX_XFER:
        val = s->max_xfer;
        break;
    case SGNIC_REG_MAX_SG:
        val = s->max_sg;
        break;
    case SGNIC_REG_MAX_SEG:
        val = s->max_seg;
        break;
    case SGNIC_REG_SEG_BOUNDARY:
        val = s->seg_boundary_shift;
        break;
    case SGNIC_REG_MAX_FRAME:
        val = SGNIC_MAX_FRAME;
        break;
    case SGNIC_REG_CTRL:
        val = s->ctrl;
        break;
    case SGNIC_REG_STATUS:
        val = qemu_get_queue(s->nic)->link_down ? 0 : SGNIC_STATUS_LINK_UP;
        break;
    case SGNIC_REG_MAC_LO:
        val = s->mac_lo;
        break;
    case SGNIC_REG_MAC_HI:
        val = s->mac_hi;
        break;
    case SGNIC_REG_MISC_CAUSE:
        val = s->misc_cause;
        break;
    case SGNIC_REG_MISC_MASK:
        val = s->misc_mask;
        break;
    case SGNIC_REG_RX_QUEUES:
        val = s->rx_queues;
        break;
    case SGNIC_REG_RSC_MAX_LEN:
        val = s->rsc_max_len;
        break;
    case SGNIC_REG_HALTED:
        val = sgnic_halted_mask(s);
        break;
    default:
        if (addr >= SGNIC_REG_STAT_RX_NOBUF &&
            addr < SGNIC_REG_STAT_RX_NOBUF + 4 * SGNIC_NUM_STATS) {
            val = s->stats[(addr - SGNIC_REG_STAT_RX_NOBUF) / 4];
        }
        break;
    }
    trace_sgnic_mmio_read(addr, val);
    return val;
}

static void sgnic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    SgnicState *s = opaque;

    if (s->gone) {
        return;
    }
    SGNIC_STAT(s, SGNIC_REG_STAT_MMIO)++;
    trace_sgnic_mmio_write(addr, val);
    if (addr >= SGNIC_CHAN_BASE && addr < SGNIC_REGS_END) {
        unsigned int c = (addr - SGNIC_CHAN_BASE) / SGNIC_CHAN_STRIDE;

        if (c < 2 * s->queues) {
            sgnic_chan_write(&s->chan[c], (addr - SGNIC_CHAN_BASE) % SGNIC_CHAN_STRIDE, val);
        } else {
            qemu_log_mask(LOG_GUEST_ERROR, "sgnic: write to channel %u of "
                          "%u\n", c, 2 * s->queues);
        }
        return;
    }
    if (sgnic_rss_is_reg(addr)) {
        sgnic_rss_write(s, addr, val);
        return;
    }
    if (sgnic_filter_is_reg(addr)) {
        sgnic_filter_write(s, addr, val);
        return;
    }
    switch (addr) {
    case SGNIC_REG_CTRL:
        if (val & SGNIC_CTRL_RESET) {
            sgnic_soft_reset(s);
            return;
        }
        s->ctrl = val & SGNIC_CTRL_RW_BITS;
        /*
         * Receive on: deliver what waited.  Off: drop a held RSC frame and
         * whatever QEMU queued (sgnic_receive drops and counts them).
         */
        sgnic_rx_flush(s);
        break;
    case SGNIC_REG_MAC_LO:
        s->mac_lo = val;
        sgnic_update_mac(s);
        break;
    case SGNIC_REG_MAC_HI:
        s->mac_hi = val & 0xffff;
        sgnic_update_mac(s);
        break;
    case SGNIC_REG_MISC_CAUSE:
        s->misc_cause &= ~val;
        break;
    case SGNIC_REG_MISC_MASK:
        s->misc_mask = val;
        break;
    case SGNIC_REG_MISC_SET:
        sgnic_raise_misc(s, val & SGNIC_MISC_TEST);
        break;
    case SGNIC_REG_RX_QUEUES:
        s->rx_queues = MIN(MAX(val, 1), s->queues);
        /* A driver without RSS spreads over n pairs with this alone. */
        sgnic_rss_fill_reta(s, s->rx_queues);
        break;
    case SGNIC_REG_RSC_MAX_LEN:
        s->rsc_max_len = MIN(val, SGNIC_RSC_MAX_LEN);
        if (!s->rsc_max_len) {
            sgnic_rsc_flush(s);
        }
        break;
    case SGNIC_REG_IRQ_UNMASK: {
        unsigned int c;

        if (val >> (2 * s->queues)) {
            qemu_log_mask(LOG_GUEST_ERROR, "sgnic: IRQ_UNMASK 0x%" PRIx64
                          " names channels beyond %u\n", val, 2 * s->queues);
        }
        for (c = 0; c < 2 * s->queues; c++) {
            if (val & (1u << c)) {
                sgnic_chan_set_irq_en(&s->chan[c], 1);
            }
        }
        break;
    }
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: write 0x%" PRIx64 " to "
                      "read-only or unknown register 0x%" HWADDR_PRIx "\n",
                      val, addr);
        break;
    }
}

static const MemoryRegionOps sgnic_mmio_ops = {
    .read = sgnic_mmio_read,
    .write = sgnic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* An 8-byte access becomes two 4-byte ones, low address first (spec 1). */
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static void sgnic_set_link_status(NetClientState *nc)
{
    SgnicState *s = qemu_get_nic_opaque(nc);

    trace_sgnic_link(!nc->link_down);
    sgnic_raise_misc(s, SGNIC_MISC_LINK);
}

static NetClientInfo sgnic_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = sgnic_can_receive,
    .receive = sgnic_receive,
    .link_status_changed = sgnic_set_link_status,
};

/* Return every register and channel to its power-on value. */
static void sgnic_soft_reset(SgnicState *s)
{
    unsigned int c;

    trace_sgnic_reset();
    qemu_bh_cancel(s->tx_bh);
    qemu_bh_cancel(s->rsc_bh);
    for (c = 0; c < SGNIC_NUM_CHANS; c++) {
        SgnicChannel *ch = &s->chan[c];

        sgnic_chan_reset(ch);
        ch->ring_base = 0;
        ch->ring_size = 0;
        ch->compl_addr = 0;
        ch->irq_mod = 0;
        ch->irq_gap = 0;
        ch->irq_en = 0;
        ch->completed = 0;
        ch->pkt_errs = 0;
    }
    s->ctrl = 0;
    s->misc_cause = 0;
    s->misc_mask = 0;
    s->rx_queues = 1;
    sgnic_rss_reset(s);
    sgnic_filter_reset(s);
    memset(s->irq_last_ns, 0, sizeof(s->irq_last_ns));
    s->rsc_max_len = 0;
    s->rsc.len = 0;
    s->mac_lo = ldl_le_p(s->conf.macaddr.a);
    s->mac_hi = lduw_le_p(s->conf.macaddr.a + 4);
    memset(s->stats, 0, sizeof(s->stats));
    memset(s->mac_stats, 0, sizeof(s->mac_stats));
    s->dma_ops = s->tx_pkts_seen = s->irqs_seen = 0;
    /* Frames QEMU holds for us predate the reset: receive is off, drop them. */
    sgnic_flush_held(s);
}

static void sgnic_reset_hold(Object *obj, ResetType type)
{
    /* Error reporting is off again until the driver enables it. */
    pcie_cap_deverr_reset(PCI_DEVICE(obj));
    sgnic_soft_reset(SGNIC(obj));
}

/* Work that waited for bus mastering (or for the device to return). */
static void sgnic_resume_dma(SgnicState *s)
{
    /*
     * From the guarded bottom halves and QEMU's delivery (which engages
     * the guard too): a config write or a property set is not an access
     * to our BARs, so DMA from here would not be stopped from reaching
     * them.
     */
    qemu_bh_schedule(s->tx_bh);
    qemu_bh_schedule(s->rsc_bh);
    sgnic_flush_held(s);
}

static bool sgnic_gone_get(Object *obj, Error **errp)
{
    return SGNIC(obj)->gone;
}

static void sgnic_gone_set(Object *obj, bool gone, Error **errp)
{
    SgnicState *s = SGNIC(obj);
    bool was = s->gone;

    s->gone = gone;
    trace_sgnic_gone(gone);
    /*
     * Back on the bus as a card plugged in again would be: reset, with no
     * bus mastering until a driver enables it, never resuming DMA into
     * memory its old driver has long since unmapped.
     */
    if (was && !gone) {
        pci_device_reset(PCI_DEVICE(s));
    }
}

/* The power state in the PM capability's PMCSR: 0 (D0) to 3 (D3hot). */
static unsigned int sgnic_pm_state(PCIDevice *pdev)
{
    return pci_get_word(pdev->config + pdev->pm_cap + PCI_PM_CTRL) &
           PCI_PM_CTRL_STATE_MASK;
}

static void sgnic_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val,
                               int len)
{
    SgnicState *s = SGNIC(pdev);
    bool was_master = sgnic_bus_master(s);
    unsigned int old_pm = sgnic_pm_state(pdev);

    pci_default_write_config(pdev, addr, val, len);
    /*
     * No_Soft_Reset is clear: going from D3hot to D0 resets the function
     * as an FLR does, registers, rings and configuration alike (spec 9);
     * the driver restores what it needs on resume.
     */
    if (old_pm == 3 && sgnic_pm_state(pdev) == 0) {
        trace_sgnic_pm_reset();
        pci_device_reset(pdev);
        return;
    }
    /* The FLR capability is advertised: act on Initiate FLR (spec 9). */
    pcie_cap_flr_write_config(pdev, addr, val, len);
    /* Clearing the first error's status bit releases its header log. */
    pcie_aer_write_config(pdev, addr, val, len);
    if (was_master != sgnic_bus_master(s)) {
        trace_sgnic_bus_master(!was_master);
    }
    if (!was_master && sgnic_bus_master(s)) {
        sgnic_resume_dma(s);
    }
}

static void sgnic_realize(PCIDevice *pdev, Error **errp)
{
    SgnicState *s = SGNIC(pdev);
    unsigned int c;
    int ret;

    if (s->queues < 1 || s->queues > SGNIC_MAX_QUEUE_PAIRS) {
        error_setg(errp, "sgnic: queues must be 1..%d", SGNIC_MAX_QUEUE_PAIRS);
        return;
    }
    /* MSI-X only: no INTx pin is advertised because none is ever raised. */
    pci_config_set_class(pdev->config, SGNIC_PCI_CLASS);

    memory_region_init_io(&s->mmio, OBJECT(s), &sgnic_mmio_ops, s,
                          "sgnic-mmio", SGNIC_BAR_REGS_SIZE);
    pci_register_bar(pdev, SGNIC_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);
    memory_region_init(&s->msix, OBJECT(s), "sgnic-msix", SGNIC_BAR_MSIX_SIZE);
    pci_register_bar(pdev, SGNIC_BAR_MSIX, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->msix);

    ret = msix_init(pdev, 1 + s->queues, &s->msix, SGNIC_BAR_MSIX,
                    SGNIC_MSIX_TABLE_OFFSET, &s->msix, SGNIC_BAR_MSIX,
                    SGNIC_MSIX_PBA_OFFSET, SGNIC_MSIX_CAP_OFFSET, errp);
    if (ret) {
        return;
    }
    for (c = 0; c < 1 + s->queues; c++) {
        msix_vector_use(pdev, c);
    }
    if (pcie_endpoint_cap_init(pdev, SGNIC_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "sgnic: cannot add the PCIe capability");
        msix_uninit(pdev, &s->msix, &s->msix);
        return;
    }
    pcie_cap_flr_init(pdev);
    /*
     * The Device Control error reporting enables: without them no error
     * message leaves the function, AER capability or not.
     */
    pcie_cap_deverr_init(pdev);
    /* D0 and D3hot; PMCSR's state field is the only writable part. */
    if (pci_pm_init(pdev, SGNIC_PM_CAP_OFFSET, errp) < 0) {
        pcie_cap_exit(pdev);
        msix_uninit(pdev, &s->msix, &s->msix);
        return;
    }
    pci_set_word(pdev->config + SGNIC_PM_CAP_OFFSET + PCI_PM_PMC, 0x3);
    pci_set_word(pdev->wmask + SGNIC_PM_CAP_OFFSET + PCI_PM_CTRL,
                 PCI_PM_CTRL_STATE_MASK);
    /*
     * AER, so that errors injected below a root port (HMP
     * pcie_aer_inject_error) reach the guest's recovery (spec 9).  The
     * device never raises an error of its own.
     */
    if (pcie_aer_init(pdev, PCI_ERR_VER, SGNIC_AER_CAP_OFFSET,
                      PCI_ERR_SIZEOF, errp) < 0) {
        pcie_cap_exit(pdev);
        msix_uninit(pdev, &s->msix, &s->msix);
        return;
    }

    s->chan_ops = &sgnic_chan_ops;
    for (c = 0; c < SGNIC_NUM_CHANS; c++) {
        s->chan[c].s = s;
        s->chan[c].idx = c;
        s->chan[c].mod_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                            sgnic_mod_timer_cb, &s->chan[c]);
    }
    /*
     * The memory core checks DeviceState's guard when our BARs are
     * accessed; engaging that one in the bottom halves and in delivery from
     * the network makes DMA aimed at our own BARs fail like any fault.
     */
    s->tx_bh = qemu_bh_new_guarded(sgnic_tx_bh, s,
                                   &DEVICE(s)->mem_reentrancy_guard);
    s->rsc_bh = qemu_bh_new_guarded(sgnic_rsc_bh, s,
                                    &DEVICE(s)->mem_reentrancy_guard);
    s->rsc.buf = g_malloc(SGNIC_RSC_MAX_LEN);
    s->tx_buf = g_malloc(SGNIC_HW_MAX_PKT_LEN);
    /* One fragment: the packet is read into tx_buf before it is parsed. */
    net_tx_pkt_init(&s->tx_pkt, 1);
    net_rx_pkt_init(&s->rx_pkt);

    qemu_macaddr_default_if_unset(&s->conf.macaddr);
    s->nic = qemu_new_nic(&sgnic_net_info, &s->conf,
                          object_get_typename(OBJECT(s)),
                          DEVICE(s)->id, &DEVICE(s)->mem_reentrancy_guard,
                          s);
    sgnic_soft_reset(s);
    sgnic_update_mac(s);
}

static void sgnic_exit(PCIDevice *pdev)
{
    SgnicState *s = SGNIC(pdev);
    unsigned int c;

    qemu_del_nic(s->nic);
    for (c = 0; c < SGNIC_NUM_CHANS; c++) {
        timer_free(s->chan[c].mod_timer);
    }
    qemu_bh_delete(s->tx_bh);
    qemu_bh_delete(s->rsc_bh);
    g_free(s->rsc.buf);
    g_free(s->tx_buf);
    net_tx_pkt_uninit(s->tx_pkt);
    net_rx_pkt_uninit(s->rx_pkt);
    pcie_aer_exit(pdev);
    pcie_cap_exit(pdev);
    msix_unuse_all_vectors(pdev);
    msix_uninit(pdev, &s->msix, &s->msix);
}

/*
 * The DMA limits and fault injections are QOM properties with range
 * checks, settable on the command line and with qom-set at run time.
 */
typedef struct SgnicTunable {
    const char *name;
    size_t offset;
    uint32_t def;
    uint32_t min;
    uint32_t max;
    const char *desc;
} SgnicTunable;

static const SgnicTunable sgnic_tunables[] = {
    { "max-xfer", offsetof(SgnicState, max_xfer), SGNIC_DEF_MAX_XFER,
      1, SGNIC_HW_MAX_PKT_LEN, "largest TX packet in bytes (MAX_XFER)" },
    { "max-sg", offsetof(SgnicState, max_sg), SGNIC_DEF_MAX_SG,
      1, SGNIC_HW_MAX_CHAIN, "elements per TX packet, 1 = single transfer" },
    { "max-seg", offsetof(SgnicState, max_seg), SGNIC_DEF_MAX_SEG,
      1, SGNIC_HW_MAX_BUF_LEN, "largest element in bytes (MAX_SEG)" },
    { "seg-boundary-shift", offsetof(SgnicState, seg_boundary_shift),
      SGNIC_DEF_SEG_BOUNDARY_SHIFT, 12, 63,
      "log2 of the boundary no element may cross" },
    { "inject-dma-error", offsetof(SgnicState, inject_dma_error), 0,
      0, UINT32_MAX, "fail every Nth buffer DMA (0 = off)" },
    { "inject-short", offsetof(SgnicState, inject_short), 0,
      0, UINT32_MAX, "report every Nth TX packet one byte short (0 = off)" },
    { "inject-lost-irq", offsetof(SgnicState, inject_lost_irq), 0,
      0, UINT32_MAX, "drop every Nth interrupt (0 = off)" },
};

static void sgnic_tunable_get(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    const SgnicTunable *t = opaque;
    uint32_t *field = (uint32_t *)((uint8_t *)obj + t->offset);

    visit_type_uint32(v, name, field, errp);
}

static void sgnic_tunable_set(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    const SgnicTunable *t = opaque;
    uint32_t *field = (uint32_t *)((uint8_t *)obj + t->offset);
    uint32_t val;

    if (!visit_type_uint32(v, name, &val, errp)) {
        return;
    }
    if (val < t->min || val > t->max) {
        error_setg(errp, "sgnic: %s must be in %u..%u", name, t->min, t->max);
        return;
    }
    trace_sgnic_tunable(name, val);
    *field = val;
}

static void sgnic_instance_init(Object *obj)
{
    SgnicState *s = SGNIC(obj);
    size_t i;

    for (i = 0; i < ARRAY_SIZE(sgnic_tunables); i++) {
        const SgnicTunable *t = &sgnic_tunables[i];

        *(uint32_t *)((uint8_t *)s + t->offset) = t->def;
    }
}

static const VMStateDescription vmstate_sgnic_chan = {
    .name = "sgnic-chan",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(ring_base, SgnicChannel),
        VMSTATE_UINT32(ring_size, SgnicChannel),
        VMSTATE_UINT32(tail, SgnicChannel),
        VMSTATE_UINT32(head, SgnicChannel),
        VMSTATE_UINT32(state, SgnicChannel),
        VMSTATE_UINT32(err, SgnicChannel),
        VMSTATE_UINT32(err_desc, SgnicChannel),
        VMSTATE_UINT64(compl_addr, SgnicChannel),
        VMSTATE_UINT32(irq_mod, SgnicChannel),
        VMSTATE_UINT32(irq_gap, SgnicChannel),
        VMSTATE_UINT32(irq_en, SgnicChannel),
        VMSTATE_UINT32(completed, SgnicChannel),
        VMSTATE_UINT32(pkt_errs, SgnicChannel),
        VMSTATE_UINT32(irq_count, SgnicChannel),
        VMSTATE_BOOL(irq_deferred, SgnicChannel),
        VMSTATE_BOOL(wb_pending, SgnicChannel),
        VMSTATE_UINT64(wb_desc_addr, SgnicChannel),
        VMSTATE_TIMER_PTR(mod_timer, SgnicChannel),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * Is the channel in a state the device itself can reach?  A migration
 * stream is as untrusted as the guest: every index, length, state and
 * timer in it is checked against what the running device allows, and
 * anything else fails the load with a message rather than reaching the
 * ring arithmetic, the scratch arrays or msix_notify().
 */
static const char *sgnic_chan_load_error(SgnicState *s, const SgnicChannel *ch)
{
    bool ring_ok = ch->ring_base && !(ch->ring_base % SGNIC_DESC_ALIGN) &&
                   is_power_of_2(ch->ring_size) &&
                   ch->ring_size >= SGNIC_RING_MIN &&
                   ch->ring_size <= SGNIC_RING_MAX;

    if (ch->idx >= 2 * s->queues) {
        /* The guest cannot reach a channel beyond its queues. */
        if (ch->ring_base || ch->ring_size || ch->tail || ch->head ||
            ch->state || ch->err || ch->err_desc || ch->compl_addr ||
            ch->irq_mod || ch->irq_gap || ch->irq_en || ch->completed ||
            ch->pkt_errs || ch->irq_count || ch->irq_deferred ||
            ch->wb_pending || timer_pending(ch->mod_timer)) {
            return "channel beyond the device's queues is not in reset state";
        }
        return NULL;
    }
    if (ch->compl_addr % SGNIC_COMPL_ALIGN || ch->irq_en > SGNIC_IRQ_EN_BIT ||
        ch->irq_gap > SGNIC_IRQ_GAP_MAX_USECS) {
        return "register value the device never holds";
    }
    switch (ch->state) {
    case SGNIC_STATE_STOPPED:
        /* Only RESET stops a channel, and it clears all of this. */
        if (ch->head || ch->err || ch->err_desc || ch->irq_count ||
            ch->irq_deferred || ch->wb_pending) {
            return "stopped channel with work or an error";
        }
        return NULL;
    case SGNIC_STATE_ACTIVE:
    case SGNIC_STATE_IDLE:
    case SGNIC_STATE_SUSPENDED:
        if (!ring_ok || ch->head >= ch->ring_size ||
            ch->tail >= ch->ring_size || ch->err) {
            return "running channel with a bad ring, index or error";
        }
        break;
    case SGNIC_STATE_HALTED:
        /* START on a bad ring halts with head 0 and any ring registers. */
        if (ch->err == SGNIC_ERR_NONE || ch->err > SGNIC_ERR_INJECTED ||
            (ch->head && (!ring_ok || ch->head >= ch->ring_size))) {
            return "halted channel with a bad error code or index";
        }
        if (ch->wb_pending) {
            return "halted channel with a completion value pending";
        }
        return NULL;
    default:
        return "unknown channel state";
    }
    if (ch->wb_pending &&
        (ch->wb_desc_addr < ch->ring_base ||
         ch->wb_desc_addr >= sgnic_desc_addr(ch, ch->ring_size) ||
         (ch->wb_desc_addr - ch->ring_base) % SGNIC_DESC_SIZE)) {
        return "pending completion value outside the ring";
    }
    return NULL;
}

static int sgnic_post_load(void *opaque, int version_id)
{
    SgnicState *s = opaque;
    const char *why = NULL;
    unsigned int c;
    size_t i;

    /*
     * First, so that whatever else is refused, no table entry beyond the
     * queues is left behind to index the channels with.
     */
    why = sgnic_rss_load_error(s);
    if (why) {
        error_report("sgnic: migrated %s", why);
        sgnic_rss_fill_reta(s, 1);
        return -EINVAL;
    }
    why = sgnic_filter_load_error(s);
    if (why) {
        error_report("sgnic: migrated %s", why);
        return -EINVAL;
    }
    /*
     * No INTx pin, so no INTx level can have been asserted.  The bus never
     * counted a level a stream sets, and the next reset would take it off
     * the bus's count all the same (QEMU asserts on the negative count):
     * clear it as well as refusing the stream.
     */
    if (PCI_DEVICE(s)->irq_state) {
        PCI_DEVICE(s)->irq_state = 0;
        error_report("sgnic: migrated INTx state for a device without INTx");
        return -EINVAL;
    }
    for (c = 0; c < SGNIC_NUM_CHANS && !why; c++) {
        why = sgnic_chan_load_error(s, &s->chan[c]);
    }
    if (why) {
        error_report("sgnic: migrated channel %u: %s", c - 1, why);
        return -EINVAL;
    }
    for (c = 0; c < SGNIC_MAX_QUEUE_PAIRS; c++) {
        /* IRQ_GAP adds up to 65535 us to it: no overflow, no time travel. */
        if (s->irq_last_ns[c] < 0 ||
            s->irq_last_ns[c] > INT64_MAX / 2 ||
            (c >= s->queues && s->irq_last_ns[c])) {
            error_report("sgnic: migrated interrupt time of pair %u", c);
            return -EINVAL;
        }
    }
    if (s->rx_queues < 1 || s->rx_queues > s->queues ||
        s->rsc_max_len > SGNIC_RSC_MAX_LEN ||
        (s->ctrl & ~SGNIC_CTRL_RW_BITS) || (s->misc_cause & ~SGNIC_MISC_ALL) ||
        s->mac_hi > 0xffff) {
        error_report("sgnic: migrated global register out of range");
        return -EINVAL;
    }
    if (version_id < 4) {
        /* Before RSS: the defaults, spread over the RX_QUEUES it chose. */
        sgnic_rss_reset(s);
    }
    if (version_id < 5 && (s->ctrl & SGNIC_CTRL_V5_BITS)) {
        error_report("sgnic: migrated CTRL with bits a version %d device "
                     "did not have", version_id);
        return -EINVAL;
    }
    if (version_id < 5) {
        /* Before the filters every multicast frame was taken: keep that. */
        sgnic_filter_reset(s);
        s->ctrl |= SGNIC_CTRL_ALLMULTI;
        SGNIC_STAT(s, SGNIC_REG_STAT_RX_VLAN_DROPS) = 0;
    }
    if (version_id < 6) {
        /* The source counted nothing of this kind: start from zero. */
        memset(s->mac_stats, 0, sizeof(s->mac_stats));
    }
    for (i = 0; i < ARRAY_SIZE(sgnic_tunables); i++) {
        const SgnicTunable *t = &sgnic_tunables[i];
        uint32_t v = *(uint32_t *)((uint8_t *)s + t->offset);

        if (v < t->min || v > t->max) {
            error_report("sgnic: migrated %s %u is outside %u..%u",
                         t->name, v, t->min, t->max);
            return -EINVAL;
        }
    }
    sgnic_update_mac(s);
    qemu_bh_schedule(s->tx_bh);
    return 0;
}

static bool sgnic_rsc_needed(void *opaque)
{
    SgnicState *s = opaque;

    return s->rsc.len != 0;
}

static int sgnic_rsc_post_load(void *opaque, int version_id)
{
    SgnicState *s = opaque;

    if (!sgnic_rsc_load_valid(s)) {
        error_report("sgnic: migrated RSC frame is not one the device builds");
        /* Nothing of it may be used, whatever happens to this QEMU next. */
        s->rsc.len = 0;
        s->rsc.chan = 0;
        return -EINVAL;
    }
    sgnic_rsc_rehash(s);
    qemu_bh_schedule(s->rsc_bh);
    return 0;
}

/* A coalesced frame held when the VM stopped travels with it. */
static const VMStateDescription vmstate_sgnic_rsc = {
    .name = "sgnic/rsc",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = sgnic_rsc_needed,
    .post_load = sgnic_rsc_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(rsc.len, SgnicState),
        VMSTATE_UINT32(rsc.hlen, SgnicState),
        VMSTATE_UINT32(rsc.chan, SgnicState),
        VMSTATE_UINT32(rsc.segs, SgnicState),
        VMSTATE_UINT32(rsc.mss, SgnicState),
        VMSTATE_UINT32(rsc.ip_id, SgnicState),
        VMSTATE_UINT32(rsc.next_seq, SgnicState),
        VMSTATE_BUFFER_POINTER_UNSAFE(rsc.buf, SgnicState, 0, SGNIC_RSC_MAX_LEN),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * Version 3 adds the DMA limits (qom-set can change them under a running
 * guest, and the capability registers show them, so they travel with it)
 * and two counters, version 4 the RSS types, key and table, version 5 the
 * VLAN, multicast hash and address tables and STAT_RX_VLAN_DROPS, version
 * 6 the MAC counters; version 2 to 5 streams still load.
 */
static const VMStateDescription vmstate_sgnic = {
    .name = "sgnic",
    .version_id = 6,
    .minimum_version_id = 2,
    .post_load = sgnic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, SgnicState),
        VMSTATE_MSIX(parent_obj, SgnicState),
        VMSTATE_UINT32(ctrl, SgnicState),
        VMSTATE_UINT32(mac_lo, SgnicState),
        VMSTATE_UINT32(mac_hi, SgnicState),
        VMSTATE_UINT32(misc_cause, SgnicState),
        VMSTATE_UINT32(misc_mask, SgnicState),
        VMSTATE_UINT32(rx_queues, SgnicState),
        VMSTATE_UINT32(rsc_max_len, SgnicState),
        VMSTATE_INT64_ARRAY(irq_last_ns, SgnicState, SGNIC_MAX_QUEUE_PAIRS),
        VMSTATE_UINT32_SUB_ARRAY(stats, SgnicState, 0, SGNIC_V2_STATS),
        VMSTATE_UINT32(dma_ops, SgnicState),
        VMSTATE_UINT32(tx_pkts_seen, SgnicState),
        VMSTATE_UINT32(irqs_seen, SgnicState),
        VMSTATE_STRUCT_ARRAY(chan, SgnicState, SGNIC_NUM_CHANS, 1,
                             vmstate_sgnic_chan, SgnicChannel),
        VMSTATE_SUB_ARRAY(stats, SgnicState, SGNIC_V2_STATS,
                          SGNIC_V3_STATS - SGNIC_V2_STATS, 3,
                          vmstate_info_uint32, uint32_t),
        VMSTATE_UINT32_V(max_xfer, SgnicState, 3),
        VMSTATE_UINT32_V(max_sg, SgnicState, 3),
        VMSTATE_UINT32_V(max_seg, SgnicState, 3),
        VMSTATE_UINT32_V(seg_boundary_shift, SgnicState, 3),
        VMSTATE_UINT32_V(rss_types, SgnicState, 4),
        VMSTATE_UINT8_ARRAY_V(rss_key, SgnicState, SGNIC_RSS_KEY_LEN, 4),
        VMSTATE_UINT8_ARRAY_V(rss_reta, SgnicState, SGNIC_RSS_RETA_SIZE, 4),
        VMSTATE_SUB_ARRAY(stats, SgnicState, SGNIC_V3_STATS,
                          SGNIC_NUM_STATS - SGNIC_V3_STATS, 5,
                          vmstate_info_uint32, uint32_t),
        VMSTATE_UINT32_ARRAY_V(vlan_table, SgnicState, SGNIC_VLAN_TABLE_REGS,
                               5),
        VMSTATE_UINT32_ARRAY_V(mc_hash, SgnicState, SGNIC_MC_HASH_REGS, 5),
        VMSTATE_UINT32_ARRAY_V(addr_lo, SgnicState, SGNIC_ADDR_ENTRIES, 5),
        VMSTATE_UINT32_ARRAY_V(addr_hi, SgnicState, SGNIC_ADDR_ENTRIES, 5),
        VMSTATE_UINT64_ARRAY_V(mac_stats, SgnicState, SGNIC_MAC_NUM_STATS, 6),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_sgnic_rsc,
        NULL
    },
};

static const Property sgnic_properties[] = {
    DEFINE_NIC_PROPERTIES(SgnicState, conf),
    DEFINE_PROP_UINT32("queues", SgnicState, queues, 2),
};

static void sgnic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);
    size_t i;

    k->realize = sgnic_realize;
    k->exit = sgnic_exit;
    k->config_write = sgnic_write_config;
    k->vendor_id = SGNIC_PCI_VENDOR_ID;
    k->device_id = SGNIC_PCI_DEVICE_ID;
    k->revision = SGNIC_PCI_REVISION;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    rc->phases.hold = sgnic_reset_hold;
    dc->desc = "sgnic scatter/gather DMA NIC";
    dc->vmsd = &vmstate_sgnic;
    device_class_set_props(dc, sgnic_properties);
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);

    for (i = 0; i < ARRAY_SIZE(sgnic_tunables); i++) {
        const SgnicTunable *t = &sgnic_tunables[i];

        object_class_property_add(klass, t->name, "uint32", sgnic_tunable_get,
                                  sgnic_tunable_set, NULL, (void *)t);
        object_class_property_set_description(klass, t->name, t->desc);
    }
    object_class_property_add_bool(klass, "x-gone", sgnic_gone_get, sgnic_gone_set);
    object_class_property_set_description(klass, "x-gone",
        "test hook: the device has left the bus (reads all-ones, no DMA, no interrupts)");
}

static const TypeInfo sgnic_info = {
    .name = TYPE_SGNIC,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(SgnicState),
    .instance_init = sgnic_instance_init,
    .class_init = sgnic_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { },
    },
};

static void sgnic_register_types(void)
{
    type_register_static(&sgnic_info);
}

type_init(sgnic_register_types)
