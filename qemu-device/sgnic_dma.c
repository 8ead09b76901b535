/*
 * sgnic: the descriptor-ring DMA engine.
 *
 * Channel state machine, descriptor reads and status writeback, the
 * completion value of seed 004 (last descriptor address | channel state),
 * interrupt moderation and placing a received frame in posted buffers.
 * Every guest memory access checks its MemTxResult: a failed one halts the
 * channel with an error code.
 *
 * The engine knows rings, not packets or PCI: the network side
 * (sgnic_net.c, sgnic_rsc.c) drives it, and it reports back only through
 * the SgnicChannelOps the glue (sgnic.c) installs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/pci/msix.h"
#include "system/dma.h"
#include "sgnic_int.h"
#include "trace.h"

uint32_t sgnic_chan_status(const SgnicChannel *ch)
{
    return ch->state | (ch->err << SGNIC_STATUS_ERR_SHIFT);
}

bool sgnic_inject_dma_fault(SgnicState *s)
{
    if (!s->inject_dma_error) {
        return false;
    }
    return ++s->dma_ops % s->inject_dma_error == 0;
}

static uint64_t sgnic_compl_value(const SgnicChannel *ch, uint64_t desc_addr)
{
    uint64_t v = (desc_addr & SGNIC_COMPL_ADDR_MASK) | ch->state;

    if (ch->err) {
        v |= SGNIC_COMPL_ERR;
    }
    return v;
}

/* Store the completion value; false (and halted) if the write failed. */
static bool sgnic_chan_write_compl(SgnicChannel *ch, uint64_t desc_addr)
{
    SgnicState *s = ch->s;
    uint64_t v = sgnic_compl_value(ch, desc_addr);
    MemTxResult r;

    ch->wb_pending = false;
    if (!ch->compl_addr) {
        return true;
    }
    r = stq_le_pci_dma(PCI_DEVICE(s), ch->compl_addr, v, MEMTXATTRS_UNSPECIFIED);
    trace_sgnic_compl_write(ch->idx, ch->compl_addr, v, r);
    if (r != MEMTX_OK) {
        if (ch->state != SGNIC_STATE_HALTED) {
            /* Blame the descriptor whose completion value failed. */
            sgnic_chan_halt(ch, SGNIC_ERR_COMPL_WRITE,
                            (desc_addr - ch->ring_base) / SGNIC_DESC_SIZE);
        }
        return false;
    }
    SGNIC_STAT(s, SGNIC_REG_STAT_WRITEBACKS)++;
    return true;
}

static void sgnic_chan_send_irq(SgnicChannel *ch)
{
    SgnicState *s = ch->s;
    unsigned int pair = SGNIC_CHAN_PAIR(ch->idx);
    int64_t due;

    if (!ch->irq_en) {
        ch->irq_count = 0;
        timer_del(ch->mod_timer);
        ch->irq_deferred = true;
        trace_sgnic_irq_deferred(ch->idx);
        return;
    }
    ch->irq_deferred = false;
    if (ch->irq_gap) {
        due = s->irq_last_ns[pair] + (int64_t)ch->irq_gap * SCALE_US;
        if (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) < due) {
            /* Throttled: the moderation timer sends it when the gap ends. */
            ch->irq_count = MAX(ch->irq_count, 1);
            if (!timer_pending(ch->mod_timer) ||
                timer_expire_time_ns(ch->mod_timer) != due) {
                timer_mod(ch->mod_timer, due);
                trace_sgnic_irq_throttled(ch->idx, ch->irq_gap);
            }
            return;
        }
    }
    ch->irq_count = 0;
    timer_del(ch->mod_timer);
    s->chan_ops->notify(ch);
}

/* A completion asked for an interrupt: send it now or per IRQ_MOD. */
static void sgnic_chan_request_irq(SgnicChannel *ch)
{
    uint32_t usecs = ch->irq_mod & SGNIC_IRQ_MOD_USECS_MASK;
    uint32_t count = ch->irq_mod >> SGNIC_IRQ_MOD_COUNT_SHIFT;

    ch->irq_count++;
    if ((!usecs && count <= 1) || (count && ch->irq_count >= count)) {
        sgnic_chan_send_irq(ch);
    } else if (usecs && !timer_pending(ch->mod_timer)) {
        timer_mod(ch->mod_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  (int64_t)usecs * SCALE_US);
    } else if (!usecs && !timer_pending(ch->mod_timer)) {
        /* Count-only moderation still flushes at the end of the pass. */
        timer_mod(ch->mod_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    }
}

void sgnic_mod_timer_cb(void *opaque)
{
    SgnicChannel *ch = opaque;

    if (ch->irq_count) {
        sgnic_chan_send_irq(ch);
    }
}

void sgnic_chan_set_irq_en(SgnicChannel *ch, uint32_t val)
{
    ch->irq_en = val & 1;
    if (ch->irq_en && ch->irq_deferred) {
        sgnic_chan_send_irq(ch);
    }
}

/*
 * The descriptor before HEAD: the last one completed, so that a driver
 * taking the completion value for "everything up to here is done" is
 * right after a halt too (a ring that never completed one points at its
 * last slot, which also means "done up to HEAD").
 */
static uint64_t sgnic_chan_last_done(const SgnicChannel *ch)
{
    uint32_t last = is_power_of_2(ch->ring_size) ?
                    (ch->head - 1) & (ch->ring_size - 1) : 0;

    return sgnic_desc_addr(ch, last);
}

void sgnic_chan_halt(SgnicChannel *ch, uint32_t err, uint32_t desc)
{
    SgnicState *s = ch->s;

    trace_sgnic_chan_halt(ch->idx, err, desc);
    if (err != SGNIC_ERR_INJECTED) {
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: chan %u halted: error 0x%x at "
                      "descriptor %u\n", ch->idx, err, desc);
    }
    ch->state = SGNIC_STATE_HALTED;
    ch->err = err;
    ch->err_desc = desc;
    /*
     * The halt's own value supersedes one still pending: it covers the same
     * descriptors and more.  A completion write that just failed is not
     * tried again.
     */
    ch->wb_pending = false;
    if (err != SGNIC_ERR_COMPL_WRITE) {
        sgnic_chan_write_compl(ch, sgnic_chan_last_done(ch));
    }
    s->chan_ops->halted(ch);
}

void sgnic_chan_reset(SgnicChannel *ch)
{
    ch->head = 0;
    ch->tail = 0;
    ch->state = SGNIC_STATE_STOPPED;
    ch->err = SGNIC_ERR_NONE;
    ch->err_desc = 0;
    ch->irq_count = 0;
    ch->irq_deferred = false;
    ch->wb_pending = false;
    timer_del(ch->mod_timer);
    ch->s->chan_ops->stopped(ch);
}

static bool sgnic_ring_valid(const SgnicChannel *ch)
{
    return ch->ring_base && !(ch->ring_base % SGNIC_DESC_ALIGN) &&
           is_power_of_2(ch->ring_size) &&
           ch->ring_size >= SGNIC_RING_MIN && ch->ring_size <= SGNIC_RING_MAX;
}

void sgnic_chan_command(SgnicChannel *ch, uint32_t cmd)
{
    trace_sgnic_chan_cmd(ch->idx, cmd, ch->state);
    switch (cmd) {
    case SGNIC_CMD_START:
        if (ch->state != SGNIC_STATE_STOPPED) {
            break;
        }
        if (!sgnic_ring_valid(ch)) {
            qemu_log_mask(LOG_GUEST_ERROR, "sgnic: chan %u start with ring "
                          "0x%" PRIx64 " size %u\n", ch->idx, ch->ring_base,
                          ch->ring_size);
            sgnic_chan_halt(ch, SGNIC_ERR_RING_CONFIG, 0);
            break;
        }
        if (ch->tail >= ch->ring_size) {
            sgnic_chan_halt(ch, SGNIC_ERR_TAIL_RANGE, ch->tail);
            break;
        }
        ch->state = ch->head == ch->tail ? SGNIC_STATE_IDLE : SGNIC_STATE_ACTIVE;
        ch->s->chan_ops->kick(ch);
        break;
    case SGNIC_CMD_SUSPEND:
        if (sgnic_chan_running(ch)) {
            ch->state = SGNIC_STATE_SUSPENDED;
        }
        break;
    case SGNIC_CMD_RESUME:
        if (ch->state == SGNIC_STATE_SUSPENDED) {
            ch->state = ch->head == ch->tail ? SGNIC_STATE_IDLE : SGNIC_STATE_ACTIVE;
            ch->s->chan_ops->kick(ch);
        }
        break;
    case SGNIC_CMD_RESET:
        sgnic_chan_reset(ch);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: chan %u unknown command %u\n",
                      ch->idx, cmd);
        break;
    }
}

void sgnic_chan_write_tail(SgnicChannel *ch, uint32_t tail)
{
    SgnicState *s = ch->s;

    SGNIC_STAT(s, SGNIC_REG_STAT_DOORBELLS)++;
    trace_sgnic_doorbell(ch->idx, tail, ch->head);
    if (!sgnic_chan_running(ch) && ch->state != SGNIC_STATE_SUSPENDED) {
        /* Stopped or halted: remember it, START checks it. */
        ch->tail = tail;
        return;
    }
    if (tail >= ch->ring_size) {
        qemu_log_mask(LOG_GUEST_ERROR, "sgnic: chan %u tail %u past ring of %u\n",
                      ch->idx, tail, ch->ring_size);
        sgnic_chan_halt(ch, SGNIC_ERR_TAIL_RANGE, tail);
        return;
    }
    ch->tail = tail;
    if (ch->state == SGNIC_STATE_SUSPENDED) {
        return;
    }
    ch->state = ch->head == ch->tail ? SGNIC_STATE_IDLE : SGNIC_STATE_ACTIVE;
    ch->s->chan_ops->kick(ch);
}

bool sgnic_chan_read_desc(SgnicChannel *ch, uint32_t i, struct sgnic_desc *d)
{
    MemTxResult r;

    r = pci_dma_read(PCI_DEVICE(ch->s), sgnic_desc_addr(ch, i), d, sizeof(*d));
    if (r != MEMTX_OK) {
        sgnic_chan_halt(ch, SGNIC_ERR_DESC_READ, i);
        return false;
    }
    d->addr = le64_to_cpu(d->addr);
    d->len = le32_to_cpu(d->len);
    d->flags = le32_to_cpu(d->flags);
    d->mss = le16_to_cpu(d->mss);
    d->csum_start = le16_to_cpu(d->csum_start);
    d->csum_offset = le16_to_cpu(d->csum_offset);
    d->vlan_tci = le16_to_cpu(d->vlan_tci);
    return true;
}

/*
 * Write back descriptor i's VLAN word, status, length, RSC word and RSS
 * hash, then note the completion value and interrupt it asks for.  The
 * value is written once per pass (sgnic_chan_end_pass) or before an
 * interrupt, whichever comes first, which is all a driver can observe.
 */
bool sgnic_chan_complete(SgnicChannel *ch, uint32_t i, uint32_t flags,
                         uint32_t xfer_len, const SgnicDescWb *wb)
{
    /*
     * The last 24 bytes of the descriptor (rx_vlan_tci and its reserved
     * neighbours, zero on TX, then status onwards) in one little-endian
     * write, so the tag is never behind the DONE bit.
     */
    uint32_t words[6] = { cpu_to_le32(wb->vlan_tci), 0,
                          cpu_to_le32(wb->status | SGNIC_DESC_S_DONE),
                          cpu_to_le32(xfer_len), cpu_to_le32(wb->rsc),
                          cpu_to_le32(wb->hash) };
    uint64_t addr = sgnic_desc_addr(ch, i);
    MemTxResult r;

    QEMU_BUILD_BUG_ON(SGNIC_DESC_RX_VLAN_OFFSET + sizeof(words) !=
                      SGNIC_DESC_SIZE);
    r = pci_dma_write(PCI_DEVICE(ch->s), addr + SGNIC_DESC_RX_VLAN_OFFSET,
                      words, sizeof(words));
    trace_sgnic_desc_complete(ch->idx, i, flags, wb->status, xfer_len);
    if (r != MEMTX_OK) {
        sgnic_chan_halt(ch, SGNIC_ERR_DESC_WRITE, i);
        return false;
    }
    ch->completed++;
    ch->head = (i + 1) & (ch->ring_size - 1);
    if (flags & SGNIC_DESC_F_STATUS_UPDATE) {
        ch->wb_pending = true;
        ch->wb_desc_addr = addr;
    }
    if (flags & SGNIC_DESC_F_INTERRUPT) {
        if (ch->wb_pending && !sgnic_chan_write_compl(ch, ch->wb_desc_addr)) {
            return false;
        }
        sgnic_chan_request_irq(ch);
    }
    return true;
}

void sgnic_chan_end_pass(SgnicChannel *ch)
{
    if (sgnic_chan_running(ch)) {
        ch->state = ch->head == ch->tail ? SGNIC_STATE_IDLE : SGNIC_STATE_ACTIVE;
    }
    if (ch->wb_pending) {
        sgnic_chan_write_compl(ch, ch->wb_desc_addr);
    }
}

/* ---- Receive placement ---------------------------------------------------- */

/*
 * Find posted buffers for size bytes from the channel's head.  Returns the
 * number of descriptors in s->rx_scratch, 0 if the ring lacks buffers for now,
 * -1 if the channel halted, -2 if the frame can never fit.
 */
static int sgnic_chan_reserve(SgnicChannel *ch, size_t size)
{
    SgnicState *s = ch->s;
    uint32_t avail = sgnic_ring_used(ch);
    uint32_t i = ch->head;
    size_t room = 0;
    unsigned int n;

    for (n = 0; n < avail && room < size; n++) {
        struct sgnic_desc *d = &s->rx_scratch[n];

        if (n == SGNIC_HW_MAX_CHAIN) {
            return -2;
        }
        if (!sgnic_chan_read_desc(ch, i, d)) {
            return -1;
        }
        if (d->flags & SGNIC_DESC_F_RESERVED) {
            sgnic_chan_halt(ch, SGNIC_ERR_DESC_FLAGS, i);
            return -1;
        }
        if (!d->len || d->len > SGNIC_HW_MAX_BUF_LEN) {
            sgnic_chan_halt(ch, SGNIC_ERR_DESC_LEN, i);
            return -1;
        }
        room += d->len;
        i = (i + 1) & (ch->ring_size - 1);
    }
    if (room >= size) {
        return n;
    }
    return avail == ch->ring_size - 1 ? -2 : 0;
}

/*
 * Place a frame in RX channel ch from its head (the network side has
 * decided it is one to deliver): false if the posted buffers do not hold
 * it yet.  A frame that can never fit is dropped and
 * counted; a DMA fault halts the channel.  wb is the last buffer's
 * writeback (checksum result, RSC, RSS, VLAN); the others get SOP or
 * nothing.
 */
bool sgnic_chan_place(SgnicChannel *ch, const uint8_t *buf, size_t size,
                      const SgnicDescWb *wb)
{
    SgnicState *s = ch->s;
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t first = ch->head;
    size_t off = 0;
    int n, k;

    n = sgnic_chan_reserve(ch, size);
    if (n == 0) {
        trace_sgnic_rx_no_buffers(ch->idx, size);
        return false;
    }
    if (n < 0) {
        if (n == -2) {
            SGNIC_STAT(s, SGNIC_REG_STAT_RX_OVERSIZE)++;
            trace_sgnic_rx_drop("larger than the ring", size);
        }
        return true;
    }
    for (k = 0; k < n; k++) {
        const struct sgnic_desc *d = &s->rx_scratch[k];
        uint32_t idx = (first + k) & (ch->ring_size - 1);
        uint32_t len = MIN(d->len, size - off);
        bool last = k == n - 1;
        SgnicDescWb dwb = last ? *wb : (SgnicDescWb) { 0 };

        if (sgnic_inject_dma_fault(s)) {
            sgnic_chan_halt(ch, SGNIC_ERR_INJECTED, idx);
            return true;
        }
        if (pci_dma_write(pdev, d->addr, buf + off, len) != MEMTX_OK) {
            sgnic_chan_halt(ch, SGNIC_ERR_BUF_WRITE, idx);
            return true;
        }
        off += len;
        dwb.status |= (k == 0 ? SGNIC_DESC_S_SOP : 0) |
                      (last ? SGNIC_DESC_S_EOP : 0);
        if (!sgnic_chan_complete(ch, idx, d->flags, len, &dwb)) {
            return true;
        }
    }
    trace_sgnic_rx_frame(ch->idx, first, n, size, wb->status);
    SGNIC_STAT(s, SGNIC_REG_STAT_RX_PKTS)++;
    sgnic_chan_end_pass(ch);
    return true;
}
