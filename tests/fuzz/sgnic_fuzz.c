/*
 * sgnic fuzz targets for QEMU's libFuzzer harness (qemu-fuzz-x86_64).
 *
 * generic-fuzz only pokes registers and fills DMA reads with patterns; it
 * cannot send frames from a network peer or feed a migration stream.  The
 * targets here drive the device the way a hostile guest, peer or stream
 * would, through its public interfaces only (BARs, PCI config space, the
 * netdev, VMState):
 *
 *   sgnic-ops      a sequence of 8-byte operations: registers, rings,
 *                  descriptors aimed at RAM, at the device's own BARs and at
 *                  nothing, doorbells, MSI-X entries, frames from the
 *                  backend, clock steps, link, RSC, loopback, resets
 *   sgnic-rx       a device with its rings running; the input is frames
 *   sgnic-migrate  a VMState stream saved in one of a few busy states,
 *                  patched field by field, loaded, then exercised
 *   sgnic-write-seeds  writes the seed corpora and exits (no fuzzing)
 *
 * Every input starts from the same state: the machine is reset, the
 * sockets drained and the guest pages the input touched zeroed afterwards,
 * so a crash file replays alone.  docs/fuzzing.md has the input formats.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "qemu/bitmap.h"
#include "qemu/crc32c.h"
#include "qemu/main-loop.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-net.h"
#include "qobject/json-writer.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "qom/object.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "monitor/qdev.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "net/eth.h"
#include "net/net.h"
#include "io/channel-buffer.h"
#include "migration/vmstate.h"
#include "migration/qemu-file.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "fuzz.h"
#include "sgnic_generic_fuzz.h"
#include "hw/net/sgnic_hw.h"

#define SG_DEVFN        QPCI_DEVFN(4, 0)
#define SG_QUEUES       2
#define SG_NIC_ID       "nic0"
#define SG_NETDEV_ID    "n0"
#define SG_MAC_STR      "52:54:00:12:34:56"
static const uint8_t sg_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t sg_peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

/* ---- Guest memory ------------------------------------------------------- */

/*
 * The machine has 512 MiB of RAM from address 0.  Rings, buffers and
 * completion words live in an arena at 16 MiB; every guest page the fuzzer
 * writes, or lets the device write, is noted and zeroed after the input.
 */
#define SG_RAM_SIZE         (512 * MiB)
#define SG_PAGE             4096
#define SG_ARENA            (16 * MiB)
#define SG_RING_SLOT_SIZE   ((uint64_t)SGNIC_RING_MAX * SGNIC_DESC_SIZE)
#define SG_RING_SLOT(c)     (SG_ARENA + (uint64_t)(c) * SG_RING_SLOT_SIZE)
#define SG_BUF_SIZE         0x10000
#define SG_NUM_BUFS         32
#define SG_BUF_AREA         SG_RING_SLOT(SGNIC_NUM_CHANS)
#define SG_BUF(k) \
    (SG_BUF_AREA + (uint64_t)((k) % SG_NUM_BUFS) * SG_BUF_SIZE)
#define SG_COMPL(c) \
    (SG_BUF_AREA + SG_NUM_BUFS * SG_BUF_SIZE + (uint64_t)(c) * 64)
#define SG_MSI_SINK         (SG_COMPL(0) + SG_PAGE)

/* Addresses that decode to nothing, or to something odd. */
#define SG_HOLE             0x40000000ULL   /* between RAM and PCI hole */
#define SG_WRAP             0xffffffffffffffc0ULL
#define SG_HIGH             (1ULL << 52)
#define SG_APIC             0xfee00000ULL
#define SG_ROM              0xfffc0000ULL

/* A frame as long as the device's largest, plus room to go past it. */
#define SG_FRAME_MAX        9100
/* RX ring size of sgnic-rx and of the liveness probe. */
#define SG_RX_RING          64

typedef struct SgFuzz {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *qdev;
    PCIDevice *pdev;
    DeviceState *dev;
    NetClientState *nic_nc;
    NetClientState *backend_nc;
    int sock;               /* our end of the netdev socketpair */
    int backend_fd;         /* QEMU's end, for FIONREAD */
    uint64_t bar0_default;
    uint64_t bar2_default;
    uint64_t bar0;
    uint64_t bar2;
    uint8_t msix_cap;
    uint8_t exp_cap;
    bool link_down;
    bool tunables_dirty;
    unsigned long dirty[BITS_TO_LONGS(SG_RAM_SIZE / SG_PAGE)];
} SgFuzz;

static SgFuzz sg;

static void sg_dirty(uint64_t addr, uint64_t len)
{
    uint64_t first, last;

    if (!len || addr >= SG_RAM_SIZE) {
        return;
    }
    len = MIN(len, SG_RAM_SIZE - addr);
    first = addr / SG_PAGE;
    last = (addr + len - 1) / SG_PAGE;
    bitmap_set(sg.dirty, first, last - first + 1);
}

static void sg_mem_write(uint64_t addr, const void *buf, size_t len)
{
    sg_dirty(addr, len);
    qtest_memwrite(sg.qts, addr, buf, len);
}

static void sg_mem_clean(void)
{
    static const uint8_t zero[16 * SG_PAGE];
    unsigned long nbits = SG_RAM_SIZE / SG_PAGE;
    unsigned long p = find_first_bit(sg.dirty, nbits);

    while (p < nbits) {
        unsigned long end = find_next_zero_bit(sg.dirty, nbits, p);
        unsigned long n = MIN(end - p, sizeof(zero) / SG_PAGE);

        qtest_memwrite(sg.qts, (uint64_t)p * SG_PAGE, zero, n * SG_PAGE);
        bitmap_clear(sg.dirty, p, n);
        p = find_next_bit(sg.dirty, nbits, p + n);
    }
}

/* ---- Registers ---------------------------------------------------------- */

static uint32_t sg_rd(uint32_t off)
{
    return qtest_readl(sg.qts, sg.bar0 + off);
}

static void sg_wr(uint32_t off, uint32_t val)
{
    qtest_writel(sg.qts, sg.bar0 + off, val);
}

static uint32_t sg_crd(unsigned int c, uint32_t reg)
{
    return sg_rd(SGNIC_CHAN_REG(c, reg));
}

static void sg_cwr(unsigned int c, uint32_t reg, uint32_t val)
{
    sg_wr(SGNIC_CHAN_REG(c, reg), val);
}

static uint64_t sg_ring_base(unsigned int c)
{
    return sg_crd(c, SGNIC_CH_RING_LO) |
           (uint64_t)sg_crd(c, SGNIC_CH_RING_HI) << 32;
}

/*
 * The device may write what a channel points at: its ring (status
 * writeback) and its completion word.  Note them after anything that can
 * have changed them.
 */
static void sg_dirty_chan(unsigned int c)
{
    uint32_t size = MIN(sg_crd(c, SGNIC_CH_RING_SIZE), SGNIC_RING_MAX);

    sg_dirty(sg_ring_base(c), (uint64_t)size * SGNIC_DESC_SIZE);
    sg_dirty(sg_crd(c, SGNIC_CH_COMPL_LO) |
             (uint64_t)sg_crd(c, SGNIC_CH_COMPL_HI) << 32, 8);
}

/* MSI-X messages are DMA writes too. */
static void sg_dirty_msix(void)
{
    unsigned int v;

    for (v = 0; v < sg.pdev->msix_entries_nr; v++) {
        sg_dirty(msix_get_message(sg.pdev, v).address, 4);
    }
}

/* BARs move when the guest (or a migration stream) reprograms them. */
static void sg_refresh_bars(void)
{
    pcibus_t a0 = pci_get_bar_addr(sg.pdev, SGNIC_BAR_REGS);
    pcibus_t a2 = pci_get_bar_addr(sg.pdev, SGNIC_BAR_MSIX);

    sg.bar0 = a0 == PCI_BAR_UNMAPPED ? sg.bar0_default : a0;
    sg.bar2 = a2 == PCI_BAR_UNMAPPED ? sg.bar2_default : a2;
}

/* Map both BARs where libqos put them, enable decoding and bus mastering. */
static void sg_pci_enable(void)
{
    qpci_config_writel(sg.qdev, PCI_BASE_ADDRESS_0, (uint32_t)sg.bar0_default);
    qpci_config_writel(sg.qdev, PCI_BASE_ADDRESS_1, sg.bar0_default >> 32);
    qpci_config_writel(sg.qdev, PCI_BASE_ADDRESS_2, (uint32_t)sg.bar2_default);
    qpci_config_writel(sg.qdev, PCI_BASE_ADDRESS_3, sg.bar2_default >> 32);
    qpci_config_writew(sg.qdev, PCI_COMMAND,
                       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    sg_refresh_bars();
}

static void sg_msix_entry(unsigned int v, uint64_t addr, uint32_t data,
                          bool masked)
{
    uint64_t e = sg.bar2 + SGNIC_MSIX_TABLE_OFFSET + v * PCI_MSIX_ENTRY_SIZE;

    qtest_writel(sg.qts, e + PCI_MSIX_ENTRY_LOWER_ADDR, (uint32_t)addr);
    qtest_writel(sg.qts, e + PCI_MSIX_ENTRY_UPPER_ADDR, addr >> 32);
    qtest_writel(sg.qts, e + PCI_MSIX_ENTRY_DATA, data);
    qtest_writel(sg.qts, e + PCI_MSIX_ENTRY_VECTOR_CTRL,
                 masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
    sg_dirty(addr, 4);
}

/* The state every input starts in: BARs on, MSI-X on, vectors to RAM. */
static void sg_enable(void)
{
    unsigned int v;

    sg_pci_enable();
    qpci_config_writew(sg.qdev, sg.msix_cap + PCI_MSIX_FLAGS,
                       PCI_MSIX_FLAGS_ENABLE);
    for (v = 0; v < sg.pdev->msix_entries_nr; v++) {
        sg_msix_entry(v, SG_MSI_SINK + 4 * v, v, false);
    }
}

/* ---- The network peer --------------------------------------------------- */

/* Read and drop what the device sent; a full socket would stall its TX. */
static bool sg_drain_tx(void)
{
    static uint8_t junk[64 * KiB];
    bool any = false;

    while (recv(sg.sock, junk, sizeof(junk), MSG_DONTWAIT) > 0) {
        any = true;
    }
    return any;
}

static int sg_backend_pending(void)
{
    int n = 0;

    ioctl(sg.backend_fd, FIONREAD, &n);
    return n;
}

/*
 * Run what is pending: bottom halves, timers due, the netdev's socket
 * handler (for frames both ways).
 */
static void sg_pump(void)
{
    sg_drain_tx();
    flush_events(sg.qts);
    /* the netdev may have held frames while its socket was full */
    if (sg_drain_tx()) {
        flush_events(sg.qts);
    }
}

/*
 * Frames from the network peer go out in bursts: QEMU reads a burst in
 * one go and delivers its frames back to back, as it would from a busy
 * peer, so receive segment coalescing sees them together.
 */
#define SG_BURST_MAX    (48 * KiB)

static GByteArray *sg_burst;
/* The peer's last frame was empty: the netdev waits for more bytes. */
static bool sg_empty_last;

/*
 * Write the burst.  A stream peer whose previous burst QEMU has not read
 * yet is back-pressured: the burst is dropped, as a TCP peer would hold it.
 */
static void sg_flush_frames(void)
{
    size_t off = 0;
    ssize_t n;

    if (!sg_burst->len) {
        return;
    }
    sg_pump();
    if (!sg_backend_pending()) {
        while (off < sg_burst->len) {
            n = write(sg.sock, sg_burst->data + off, sg_burst->len - off);
            g_assert(n > 0);
            off += n;
        }
        sg_empty_last = sg_burst->data[sg_burst->len - 1] == 0 &&
                        sg_burst->len >= 4 &&
                        !ldl_be_p(sg_burst->data + sg_burst->len - 4);
    }
    g_byte_array_set_size(sg_burst, 0);
    sg_pump();
}

/* Queue one frame (4-byte big-endian length, then the bytes). */
static void sg_queue_frame(const uint8_t *buf, size_t len)
{
    uint8_t be[4];

    if (sg_burst->len + sizeof(be) + len > SG_BURST_MAX) {
        sg_flush_frames();
    }
    stl_be_p(be, len);
    g_byte_array_append(sg_burst, be, sizeof(be));
    g_byte_array_append(sg_burst, buf, len);
}

static void sg_send_frame(const uint8_t *buf, size_t len)
{
    sg_queue_frame(buf, len);
    sg_flush_frames();
}

/*
 * Leave nothing for the next input: frames still in the socket or in
 * QEMU's queues are dropped, and a receiver QEMU disabled is re-enabled.
 */
static void sg_drain_net(void)
{
    static const uint8_t one;
    int i;

    if (sg_empty_last) {
        /* Let the netdev finish the empty frame; both are purged below. */
        sg_send_frame(&one, 1);
        sg_empty_last = false;
    }
    for (i = 0; i < 64; i++) {
        qemu_purge_queued_packets(sg.backend_nc);
        qemu_purge_queued_packets(sg.nic_nc);
        sg_drain_tx();
        if (!sg_backend_pending()) {
            break;
        }
        main_loop_wait(true);
    }
    qemu_flush_queued_packets(sg.nic_nc);
    qemu_flush_queued_packets(sg.backend_nc);
}

/* ---- Frames ------------------------------------------------------------- */

enum {
    SG_FR_RAW,          /* bytes from the input */
    SG_FR_TCP4,
    SG_FR_UDP4,
    SG_FR_SCTP4,
    SG_FR_TCP6,
    SG_FR_UDP6,
    SG_FR_SCTP6,
    SG_FR_FRAG4,        /* IPv4 fragment of a TCP segment */
    SG_FR_VLAN_TCP4,
    SG_FR_OTHER,        /* ARP, unknown EtherType */
    SG_FR_RSC,          /* segment <var> of one in-order TCP flow */
    SG_FR_IP6_EXT,      /* IPv6 behind hop-by-hop and fragment headers */
    SG_FR_RUNT,         /* 0..13 bytes */
    SG_FR_COUNT
};

/*
 * <var> bits for the IP templates: header variant (bits 0-1), length
 * field variant (2-3), bad L4 checksum (4), bad IPv4 checksum (5), odd L4
 * header (6), odd TCP flags (7).
 */
#define SG_VAR_HDR(v)       ((v) & 3)
#define SG_VAR_LEN(v)       (((v) >> 2) & 3)
#define SG_VAR_BAD_L4       (1u << 4)
#define SG_VAR_BAD_IP       (1u << 5)
#define SG_VAR_ODD_L4       (1u << 6)
#define SG_VAR_ODD_FLAGS    (1u << 7)

#define SG_IP_PROTO_SCTP    132
#define SG_TCP_ACK          0x10
#define SG_TCP_PSH          0x08
#define SG_RSC_MSS          1448

static uint32_t sg_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        sum += lduw_be_p(p + i);
    }
    if (n & 1) {
        sum += p[n - 1] << 8;
    }
    return sum;
}

static uint16_t sg_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* The L4 length a header claims, per the length-field variant. */
static uint32_t sg_len_field(uint32_t real, uint8_t var)
{
    switch (SG_VAR_LEN(var)) {
    case 1:
        return real + 40;
    case 2:
        return real > 8 ? real / 2 : 0;
    case 3:
        return 0;
    default:
        return real;
    }
}

/* Write the L4 header at l4 and its checksum (pseudo: pseudo-header sum). */
static void sg_put_l4(uint8_t *l4, size_t l4len, uint8_t proto, uint8_t var,
                      uint32_t pseudo, uint32_t seq, uint8_t flags)
{
    size_t avail = l4len;
    uint8_t hdr[64] = { 0 };
    size_t hlen;

    switch (proto) {
    case IP_PROTO_TCP:
        hlen = 20;
        stw_be_p(hdr, 40000);
        stw_be_p(hdr + 2, 5001);
        stl_be_p(hdr + 4, seq);
        stl_be_p(hdr + 8, 0x1000);
        hdr[12] = (var & SG_VAR_ODD_L4 ? 15 : 5) << 4;
        hdr[13] = flags;
        stw_be_p(hdr + 14, 0xffff);
        break;
    case IP_PROTO_UDP:
        hlen = 8;
        stw_be_p(hdr, 40000);
        stw_be_p(hdr + 2, 5001);
        stw_be_p(hdr + 4, var & SG_VAR_ODD_L4 ? 7 : sg_len_field(l4len, var));
        break;
    default:        /* SCTP: common header, then a DATA chunk header */
        hlen = 16;
        stw_be_p(hdr, 40000);
        stw_be_p(hdr + 2, 5001);
        stl_be_p(hdr + 4, seq);
        hdr[12] = 0;
        stw_be_p(hdr + 14, var & SG_VAR_ODD_L4 ? 0xffff : l4len - 12);
        break;
    }
    memcpy(l4, hdr, MIN(hlen, avail));
    if (avail < hlen) {
        return;             /* too short to carry a checksum */
    }
    if (proto == SG_IP_PROTO_SCTP) {
        stl_le_p(l4 + 8, crc32c(0xffffffff, l4, l4len));
    } else {
        size_t off = proto == IP_PROTO_TCP ? 16 : 6;
        uint16_t c = sg_fold(sg_sum(l4, l4len, pseudo + proto + l4len));

        stw_be_p(l4 + off, proto == IP_PROTO_UDP && !c ? 0xffff : c);
    }
    if (var & SG_VAR_BAD_L4) {
        l4[proto == IP_PROTO_TCP ? 16 : proto == IP_PROTO_UDP ? 6 : 8] ^= 0x5a;
    }
}

static size_t sg_put_ipv4(uint8_t *ip, size_t avail, uint8_t proto,
                          uint8_t var, uint16_t ip_id, uint16_t frag,
                          uint32_t seq, uint8_t flags)
{
    static const uint8_t ihl_menu[4] = { 5, 6, 15, 4 };
    uint8_t ihl = ihl_menu[SG_VAR_HDR(var)];
    size_t hlen = MAX(ihl, 5) * 4;
    uint32_t pseudo;

    if (avail < 20) {
        memset(ip, 0x45, avail);
        return avail;
    }
    memset(ip, 0, MIN(hlen, avail));
    ip[0] = 0x40 | ihl;
    stw_be_p(ip + 2, sg_len_field(avail, var));
    stw_be_p(ip + 4, ip_id);
    stw_be_p(ip + 6, frag);
    ip[8] = 64;
    ip[9] = proto;
    stl_be_p(ip + 12, 0x0a000001);
    stl_be_p(ip + 16, 0x0a000002 + (var & 1));
    if (hlen > avail) {
        return avail;
    }
    memset(ip + 20, 1, hlen - 20);      /* NOP options */
    if (!frag) {
        pseudo = sg_sum(ip + 12, 8, 0);
        sg_put_l4(ip + hlen, avail - hlen, proto, var, pseudo, seq, flags);
    }
    stw_be_p(ip + 10, sg_fold(sg_sum(ip, hlen, 0)));
    if (var & SG_VAR_BAD_IP) {
        ip[10] ^= 0xa5;
    }
    return avail;
}

static size_t sg_put_ipv6(uint8_t *ip, size_t avail, uint8_t proto,
                          uint8_t var, bool ext, uint32_t seq, uint8_t flags)
{
    size_t hlen = 40, l4;
    uint32_t pseudo;

    if (avail < hlen) {
        memset(ip, 0x60, avail);
        return avail;
    }
    memset(ip, 0, hlen);
    ip[0] = 0x60;
    stw_be_p(ip + 4, sg_len_field(avail - hlen, var));
    ip[6] = ext ? 0 : proto;            /* 0: hop-by-hop options */
    ip[7] = 64;
    stl_be_p(ip + 8, 0xfd000000);
    stl_be_p(ip + 20, 1);
    stl_be_p(ip + 24, 0xfd000000);
    stl_be_p(ip + 36, 2 + (var & 1));
    l4 = hlen;
    if (ext) {
        if (avail < hlen + 16) {
            return avail;
        }
        /* hop-by-hop: 8 bytes of PadN; then a fragment header (offset 0) */
        memset(ip + l4, 0, 16);
        ip[l4] = 44;
        ip[l4 + 2] = 1;
        ip[l4 + 3] = 4;
        ip[l4 + 8] = proto;
        stw_be_p(ip + l4 + 10, SG_VAR_HDR(var) == 2 ? 0x0008 : 0);
        l4 += 16;
    }
    pseudo = sg_sum(ip + 8, 32, 0);
    sg_put_l4(ip + l4, avail - l4, proto, var, pseudo, seq, flags);
    return avail;
}

static void sg_put_eth(uint8_t *buf, uint8_t dst, uint16_t type)
{
    static const uint8_t bcast[ETH_ALEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
    static const uint8_t other[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
    static const uint8_t *const dsts[4] = { sg_mac, bcast, mcast, other };

    memcpy(buf, dsts[dst & 3], ETH_ALEN);
    memcpy(buf + ETH_ALEN, sg_peer_mac, ETH_ALEN);
    stw_be_p(buf + 12, type);
}

/*
 * Build a frame of len bytes (len 0..SG_FRAME_MAX, RUNT: 0..13) from a
 * template; raw bytes, if any, fill the payload.  Returns its length.
 */
static size_t sg_build_frame(uint8_t *buf, size_t len, uint8_t kind,
                             uint8_t var, uint8_t dst,
                             const uint8_t *raw, size_t raw_len)
{
    uint8_t flags = var & SG_VAR_ODD_FLAGS ? 0x07 : SG_TCP_ACK | SG_TCP_PSH;
    size_t i;

    kind %= SG_FR_COUNT;
    if (kind == SG_FR_RUNT) {
        len %= ETH_HLEN;
    } else if (kind == SG_FR_RSC && len <= ETH_HLEN + 40) {
        len = ETH_HLEN + 40 + SG_RSC_MSS;
    }
    len = MIN(len, SG_FRAME_MAX);
    for (i = 0; i < len; i++) {
        buf[i] = raw_len ? raw[i % raw_len] : (uint8_t)(i * 7 + var);
    }
    if (kind == SG_FR_RAW || kind == SG_FR_RUNT || len < ETH_HLEN) {
        return len;
    }
    switch (kind) {
    case SG_FR_TCP4:
    case SG_FR_UDP4:
    case SG_FR_SCTP4:
        sg_put_eth(buf, dst, ETH_P_IP);
        sg_put_ipv4(buf + ETH_HLEN, len - ETH_HLEN,
                    kind == SG_FR_TCP4 ? IP_PROTO_TCP :
                    kind == SG_FR_UDP4 ? IP_PROTO_UDP : SG_IP_PROTO_SCTP,
                    var, 0x100 + var, 0, 1000, flags);
        break;
    case SG_FR_TCP6:
    case SG_FR_UDP6:
    case SG_FR_SCTP6:
    case SG_FR_IP6_EXT:
        sg_put_eth(buf, dst, ETH_P_IPV6);
        sg_put_ipv6(buf + ETH_HLEN, len - ETH_HLEN,
                    kind == SG_FR_TCP6 ? IP_PROTO_TCP :
                    kind == SG_FR_SCTP6 ? SG_IP_PROTO_SCTP :
                    kind == SG_FR_UDP6 ? IP_PROTO_UDP :
                    (var & 1 ? IP_PROTO_UDP : IP_PROTO_TCP),
                    var, kind == SG_FR_IP6_EXT, 1000, flags);
        break;
    case SG_FR_FRAG4:
        sg_put_eth(buf, dst, ETH_P_IP);
        sg_put_ipv4(buf + ETH_HLEN, len - ETH_HLEN, IP_PROTO_TCP, var & ~3,
                    7, var & 1 ? 0x2000 : 0x0010, 0, flags);
        break;
    case SG_FR_VLAN_TCP4:
        sg_put_eth(buf, dst, ETH_P_VLAN);
        if (len >= ETH_HLEN + 4) {
            stw_be_p(buf + 14, 5);
            stw_be_p(buf + 16, ETH_P_IP);
            sg_put_ipv4(buf + ETH_HLEN + 4, len - ETH_HLEN - 4, IP_PROTO_TCP,
                        var, 9, 0, 1000, flags);
        }
        break;
    case SG_FR_OTHER:
        sg_put_eth(buf, dst, var & 1 ? ETH_P_ARP : 0x88b5);
        break;
    case SG_FR_RSC: {
        /*
         * Segment <var & 0x7f> of one flow: full-sized, IP IDs and sequence
         * numbers following on, checksums valid; bit 7 sets PSH.  len sets
         * the payload (up to the headers' length: SG_RSC_MSS).
         */
        uint32_t idx = var & 0x7f;
        size_t pay = len - ETH_HLEN - 40;
        uint8_t *ip = buf + ETH_HLEN;

        memset(buf, 0, len);
        for (i = ETH_HLEN + 40; i < len; i++) {
            buf[i] = i + idx;
        }
        sg_put_eth(buf, dst, ETH_P_IP);
        sg_put_ipv4(ip, len - ETH_HLEN, IP_PROTO_TCP, 0, 0x200 + idx, 0,
                    1000 + idx * pay,
                    SG_TCP_ACK | (var & 0x80 ? SG_TCP_PSH : 0));
        break;
    }
    }
    return len;
}

/* ---- Menus -------------------------------------------------------------- */

static const uint32_t sg_global_regs[] = {
    SGNIC_REG_ID, SGNIC_REG_VERSION, SGNIC_REG_FEATURES, SGNIC_REG_QUEUES,
    SGNIC_REG_MAX_XFER, SGNIC_REG_MAX_SG, SGNIC_REG_MAX_SEG,
    SGNIC_REG_SEG_BOUNDARY, SGNIC_REG_MAX_FRAME, SGNIC_REG_CTRL,
    SGNIC_REG_STATUS, SGNIC_REG_MAC_LO, SGNIC_REG_MAC_HI,
    SGNIC_REG_MISC_CAUSE, SGNIC_REG_MISC_MASK, SGNIC_REG_MISC_SET,
    SGNIC_REG_RX_QUEUES, SGNIC_REG_HALTED, SGNIC_REG_IRQ_UNMASK,
    SGNIC_REG_RSC_MAX_LEN, SGNIC_REG_STAT_RX_NOBUF,
    SGNIC_REG_STAT_RX_OVERSIZE, SGNIC_REG_STAT_RX_FILTERED,
    SGNIC_REG_STAT_DOORBELLS, SGNIC_REG_STAT_IRQS, SGNIC_REG_STAT_IRQS_LOST,
    SGNIC_REG_STAT_WRITEBACKS, SGNIC_REG_STAT_TX_PKTS,
    SGNIC_REG_STAT_RX_PKTS, SGNIC_REG_STAT_MMIO, SGNIC_REG_STAT_RSC_FRAMES,
    SGNIC_REG_STAT_RSC_SEGS, SGNIC_REG_RSC_MAX_LEN + 4,
    SGNIC_REG_GLOBAL_END - 4, SGNIC_REGS_END, SGNIC_BAR_REGS_SIZE - 4,
    SGNIC_REG_STAT_RX_RUNT, SGNIC_REG_STAT_RX_DISABLED,
    SGNIC_REG_STAT_RX_VLAN_DROPS, SGNIC_REG_VLAN_TABLE(0),
    SGNIC_REG_VLAN_TABLE(SGNIC_VLAN_TABLE_REGS - 1), SGNIC_REG_MC_HASH(0),
    SGNIC_REG_MC_HASH(SGNIC_MC_HASH_REGS - 1), SGNIC_REG_ADDR_LO(0),
    SGNIC_REG_ADDR_HI(0), SGNIC_REG_ADDR_HI(SGNIC_ADDR_ENTRIES - 1),
    SGNIC_FILTER_END, SGNIC_REG_MAC_STAT(SGNIC_MAC_RX_FRAMES),
    SGNIC_REG_MAC_STAT(SGNIC_MAC_RX_OCTETS) + 4,
    SGNIC_REG_MAC_STAT(SGNIC_MAC_TX_HIST(SGNIC_MAC_HIST_BUCKETS - 1)),
    SGNIC_MAC_STATS_END,
};

static const uint32_t sg_chan_regs[16] = {
    SGNIC_CH_RING_LO, SGNIC_CH_RING_HI, SGNIC_CH_RING_SIZE, SGNIC_CH_TAIL,
    SGNIC_CH_HEAD, SGNIC_CH_CMD, SGNIC_CH_STATUS, SGNIC_CH_COMPL_LO,
    SGNIC_CH_COMPL_HI, SGNIC_CH_IRQ_MOD, SGNIC_CH_IRQ_EN, SGNIC_CH_ERR_DESC,
    SGNIC_CH_COMPLETED, SGNIC_CH_PKT_ERRS, SGNIC_CH_IRQ_GAP,
    SGNIC_CHAN_STRIDE - 4,
};

/* Registers a DMA or an MSI-X message may be aimed at (re-entrancy). */
static uint32_t sg_target_reg(unsigned int i)
{
    static const uint32_t regs[] = {
        SGNIC_REG_CTRL, SGNIC_REG_MISC_SET, SGNIC_REG_IRQ_UNMASK,
        SGNIC_REG_RSC_MAX_LEN, SGNIC_REG_RX_QUEUES, SGNIC_REG_MISC_CAUSE,
        SGNIC_REG_MAC_LO, SGNIC_REG_STAT_MMIO, SGNIC_REG_ID,
        SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), SGNIC_CHAN_REG(1, SGNIC_CH_TAIL),
        SGNIC_CHAN_REG(0, SGNIC_CH_CMD), SGNIC_CHAN_REG(1, SGNIC_CH_CMD),
        SGNIC_CHAN_REG(2, SGNIC_CH_TAIL), SGNIC_CHAN_REG(3, SGNIC_CH_TAIL),
        SGNIC_CHAN_REG(3, SGNIC_CH_CMD), SGNIC_CHAN_REG(0, SGNIC_CH_RING_LO),
        SGNIC_CHAN_REG(1, SGNIC_CH_IRQ_EN),
        SGNIC_CHAN_REG(1, SGNIC_CH_COMPL_LO),
        SGNIC_CHAN_REG(15, SGNIC_CH_TAIL),
    };

    return regs[i % ARRAY_SIZE(regs)];
}

/*
 * A bus address from an 8-bit selector: kind in bits 7-5, index in 4-0.
 * RAM buffers (aligned, odd, across a page, across the buffer's end), the
 * device's own registers and MSI-X table, and addresses that are not RAM.
 */
static uint64_t sg_addr(uint8_t sel)
{
    unsigned int idx = sel & 31;

    switch (sel >> 5) {
    case 0:
        return SG_BUF(idx);
    case 1:
        return SG_BUF(idx) + 0x3ff;
    case 2:
        return SG_BUF(idx) + SG_PAGE - 8;
    case 3:
        return SG_BUF(idx) + SG_BUF_SIZE - 0x20;
    case 4:
        return sg.bar0 + sg_target_reg(idx);
    case 5:
        return sg.bar2 + (idx < 16 ? SGNIC_MSIX_TABLE_OFFSET + idx * 16 :
                          SGNIC_MSIX_PBA_OFFSET + (idx - 16) * 8);
    case 6: {
        const uint64_t special[] = {
            0, SG_HOLE, SG_RAM_SIZE - 0x800, SG_WRAP, SG_HIGH, SG_COMPL(0),
            SG_RING_SLOT(0), SG_MSI_SINK, SG_APIC, SG_ROM, 0xa0000,
            SG_RAM_SIZE, sg.bar0 + SGNIC_BAR_REGS_SIZE - 0x10,
            sg.bar2 + SGNIC_BAR_MSIX_SIZE - 0x10, 0xffffffffULL,
            sg.bar0 + SGNIC_CHAN_BASE,
        };

        return special[idx % ARRAY_SIZE(special)];
    }
    default:
        return SG_RING_SLOT(idx % SGNIC_NUM_CHANS);
    }
}

static const uint32_t sg_ring_sizes[16] = {
    8, 16, 64, 256, 32, 128, SGNIC_RING_MAX, 0,
    1, 4, 7, 12, SGNIC_RING_MAX * 2, 0x80000000, 2, 1024,
};

static uint64_t sg_ring_base_menu(unsigned int c, uint8_t sel)
{
    const uint64_t menu[16] = {
        SG_RING_SLOT(c), SG_RING_SLOT(c) + 0x20, SG_RING_SLOT(c) + 0x40, 0,
        sg.bar0, sg.bar2, SG_HOLE, SG_RAM_SIZE - 0x100, SG_WRAP, SG_HIGH,
        SG_RING_SLOT(c) + 1, SG_COMPL(0), SG_BUF(c), SG_APIC, SG_ROM,
        SG_RING_SLOT(c) + SG_PAGE,
    };

    return menu[sel & 15];
}

static uint64_t sg_compl_menu(unsigned int c, uint8_t sel)
{
    const uint64_t menu[16] = {
        SG_COMPL(c), 0, SG_COMPL(c) + 4, sg.bar0 + SGNIC_REG_CTRL,
        sg.bar0 + SGNIC_CHAN_REG(c, SGNIC_CH_TAIL),
        sg.bar0 + SGNIC_CHAN_REG(c ^ 1, SGNIC_CH_CMD), sg.bar2, SG_HOLE,
        SG_RAM_SIZE - 4, sg.bar0 + SGNIC_REG_MISC_SET, SG_RING_SLOT(c),
        SG_WRAP, SG_APIC, SG_ROM, sg.bar0 + SGNIC_REG_IRQ_UNMASK,
        SG_COMPL(c ^ 1),
    };

    return menu[sel & 15];
}

static const uint32_t sg_irq_mods[8] = {
    0, 1, 100, 2 << SGNIC_IRQ_MOD_COUNT_SHIFT,
    (4 << SGNIC_IRQ_MOD_COUNT_SHIFT) | 50, 0xffffffff,
    1 << SGNIC_IRQ_MOD_COUNT_SHIFT, SGNIC_IRQ_MOD_MAX_USECS,
};

static const uint32_t sg_irq_gaps[4] = { 0, 10, 1000, SGNIC_IRQ_GAP_MAX_USECS };

static const uint16_t sg_mss_menu[8] = { 0, 1, 8, 64, 536, 1448, 1460, 9000 };

static const uint16_t sg_csum_menu[8][2] = {
    { 0, 0 }, { 34, 16 }, { 34, 6 }, { 54, 16 }, { 0xffff, 0xffff },
    { 14, 0 }, { 9000, 2 }, { 34, 9000 },
};

static uint32_t sg_len_menu(uint16_t raw)
{
    static const uint32_t big[16] = {
        SGNIC_HW_MAX_BUF_LEN, SGNIC_HW_MAX_BUF_LEN + 1, 0xffffffff,
        SGNIC_HW_MAX_PKT_LEN, SGNIC_HW_MAX_PKT_LEN + 1, 0x80000000, 0xffff,
        0x20000, 0, 1, SGNIC_MAX_FRAME, SGNIC_MAX_FRAME + 1,
        SGNIC_RSC_MAX_LEN, 60, 14, 13,
    };

    return raw >= 0xfff0 ? big[raw & 15] : raw;
}

static const uint32_t sg_rx_buf_sizes[16] = {
    2048, 256, 64, 1514, SGNIC_MAX_FRAME, 4096, 60, 1,
    SGNIC_HW_MAX_BUF_LEN, 128, 1024, 0, SGNIC_HW_MAX_BUF_LEN + 1, 14, 9000, 512,
};

static const uint32_t sg_rsc_lens[8] = {
    0, SGNIC_RSC_MAX_LEN, SGNIC_MAX_FRAME, 3000, 1514, 60, 1, 0xffffffff,
};

static const uint32_t sg_rx_queue_menu[8] = { 0, 1, 2, 0, 3, 8, 0xffffffff, 2 };

static const int64_t sg_clock_steps[8] = {
    1, 1000, 10000, 100000, 1000000, 10000000, 1000000000, 0,
};

/* The device's run-time tunables (QOM properties) and values to try. */
static const char *const sg_tunables[] = {
    "max-xfer", "max-sg", "max-seg", "seg-boundary-shift",
    "inject-dma-error", "inject-short", "inject-lost-irq",
};
static uint64_t sg_tunable_defaults[ARRAY_SIZE(sg_tunables)];
static const uint32_t sg_tunable_values[16] = {
    0, 1, 2, 3, 7, 12, 32, 63, 64, 4096, 1514, 0x10000, 0x40000, 0xffffffff,
    5, 13,
};

/* ---- Operations (sgnic-ops, and after a load in sgnic-migrate) ---------- */

/* Operand bytes a..g of each; docs/fuzzing.md has the bit layouts. */
enum {
    SG_OP_WRITE,        /* register write: a sel/size, b index, c-f value */
    SG_OP_READ,         /* register read: as WRITE */
    SG_OP_RING,         /* a chan/flags, b size, c base, d compl, e irq */
    SG_OP_DESC,         /* a chan/bell/count, b index, c addr, d-e len, f-g */
    SG_OP_DOORBELL,     /* a chan, b mode, c-f value */
    SG_OP_CMD,          /* a chan, b command */
    SG_OP_TX,           /* a TX packet: a pair/buffer, b kind, c var, d-e len */
    SG_OP_RX_POST,      /* RX buffers: a pair/buffer, b count, c size/addr */
    SG_OP_FILL,         /* a RAM buffer: a buffer, b kind, c var, d-e len */
    SG_OP_FRAME,        /* from the peer: a kind, b var, c-d len, e, f refill */
    SG_OP_PCI,          /* a: command, config write/read, FLR, MSI-X control */
    SG_OP_MSIX,         /* a vector, b address, c-d data, e mask */
    SG_OP_CLOCK,        /* a step */
    SG_OP_LINK,         /* a up/down */
    SG_OP_RSC,          /* a RSC_MAX_LEN, b RX_QUEUES */
    SG_OP_CTRL,         /* a CTRL bits, b MISC_MASK, c MISC_SET */
    SG_OP_RESET,        /* a kind */
    SG_OP_TUNABLE,      /* a which, b value */
    SG_OP_FLUSH,
    SG_OP_REPLUG,       /* unplug the device and plug a new one in its slot */
    SG_OP_COUNT
};

#define SG_OP_SIZE 8
#define SG_REPLUG_MAGIC_A 'R'
#define SG_REPLUG_MAGIC_B 'P'

typedef struct SgOp {
    uint8_t code, a, b, c, d, e, f, g;
} SgOp;

typedef struct SgInput {
    const uint8_t *p;
    size_t n;
} SgInput;

static uint32_t sg_u32(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    return b0 | b1 << 8 | b2 << 16 | (uint32_t)b3 << 24;
}

/* Bytes that follow an operation (raw frames and buffer fills). */
static const uint8_t *sg_take(SgInput *in, size_t *len)
{
    const uint8_t *p = in->p;

    *len = MIN(*len, in->n);
    in->p += *len;
    in->n -= *len;
    return p;
}

static uint32_t sg_ring_mask(unsigned int c)
{
    uint32_t size = sg_crd(c, SGNIC_CH_RING_SIZE);

    return is_power_of_2(size) && size <= SGNIC_RING_MAX ? size - 1 : 0;
}

static void sg_put_desc(uint64_t at, uint64_t addr, uint32_t len,
                        uint32_t flags, uint16_t mss, uint16_t csum_start,
                        uint16_t csum_offset, uint64_t junk)
{
    struct sgnic_desc d = { 0 };

    d.addr = cpu_to_le64(addr);
    d.len = cpu_to_le32(len);
    d.flags = cpu_to_le32(flags);
    d.mss = cpu_to_le16(mss);
    d.csum_start = cpu_to_le16(csum_start);
    d.csum_offset = cpu_to_le16(csum_offset);
    /* A tag only SGNIC_DESC_F_VLAN (bit 7 of the op's flags) uses. */
    d.vlan_tci = cpu_to_le16(junk);
    d.reserved1[0] = junk;
    sg_mem_write(at, &d, sizeof(d));
    sg_dirty(addr, MIN(len, SGNIC_HW_MAX_PKT_LEN));
}

/* Program channel c's ring registers (the RING op and the macros' setup). */
static void sg_ring_setup(unsigned int c, uint32_t size, uint64_t base,
                          uint64_t compl, uint32_t irq_mod, uint32_t irq_gap,
                          bool reset, bool zero, uint32_t tail, bool irq_en,
                          bool start)
{
    static const uint8_t zeros[SG_RING_SLOT_SIZE];

    if (reset) {
        sg_cwr(c, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    }
    if (zero && base >= SG_ARENA && base < SG_BUF_AREA) {
        sg_mem_write(base, zeros, MIN((uint64_t)MIN(size, SGNIC_RING_MAX) *
                                      SGNIC_DESC_SIZE, SG_BUF_AREA - base));
    }
    sg_cwr(c, SGNIC_CH_RING_LO, (uint32_t)base);
    sg_cwr(c, SGNIC_CH_RING_HI, base >> 32);
    sg_cwr(c, SGNIC_CH_RING_SIZE, size);
    sg_cwr(c, SGNIC_CH_COMPL_LO, (uint32_t)compl);
    sg_cwr(c, SGNIC_CH_COMPL_HI, compl >> 32);
    sg_cwr(c, SGNIC_CH_IRQ_MOD, irq_mod);
    sg_cwr(c, SGNIC_CH_IRQ_GAP, irq_gap);
    if (tail) {
        sg_cwr(c, SGNIC_CH_TAIL, tail);
    }
    sg_cwr(c, SGNIC_CH_IRQ_EN, irq_en);
    sg_dirty_chan(c);
    if (start) {
        sg_cwr(c, SGNIC_CH_CMD, SGNIC_CMD_START);
    }
}

/* A stopped channel gets a plain 64-entry ring: macros reach the datapath. */
static void sg_ring_ensure(unsigned int c)
{
    if (SGNIC_CH_STATE(sg_crd(c, SGNIC_CH_STATUS)) == SGNIC_STATE_STOPPED) {
        sg_ring_setup(c, 64, SG_RING_SLOT(c), SG_COMPL(c), 0, 0, false, true,
                      0, true, true);
    }
}

static void sg_reg_access(const SgOp *op, bool write)
{
    static const unsigned int sizes[4] = { 4, 8, 2, 1 };
    unsigned int size = sizes[(op->a >> 2) & 3];
    uint32_t val = sg_u32(op->c, op->d, op->e, op->f);
    uint32_t raw = ((op->a >> 4) << 8 | op->b) << 2;
    uint64_t addr;
    bool chan_reg = false;

    switch (op->a & 3) {
    case 0:
        addr = sg.bar0 + sg_global_regs[op->b % ARRAY_SIZE(sg_global_regs)];
        break;
    case 1:
        addr = sg.bar0 + SGNIC_CHAN_REG(op->b & 15, sg_chan_regs[op->b >> 4]);
        chan_reg = true;
        break;
    case 2:
        addr = sg.bar0 + raw;
        chan_reg = raw >= SGNIC_CHAN_BASE && raw < SGNIC_REGS_END;
        break;
    default:
        addr = sg.bar2 + (raw & (SGNIC_BAR_MSIX_SIZE - 1));
        break;
    }
    if (write) {
        switch (size) {
        case 1:
            qtest_writeb(sg.qts, addr, val);
            break;
        case 2:
            qtest_writew(sg.qts, addr, val);
            break;
        case 8:
            qtest_writeq(sg.qts, addr, (uint64_t)~val << 32 | val);
            break;
        default:
            qtest_writel(sg.qts, addr, val);
            break;
        }
    } else {
        switch (size) {
        case 1:
            qtest_readb(sg.qts, addr);
            break;
        case 2:
            qtest_readw(sg.qts, addr);
            break;
        case 8:
            qtest_readq(sg.qts, addr);
            break;
        default:
            qtest_readl(sg.qts, addr);
            break;
        }
    }
    if (write && chan_reg) {
        sg_dirty_chan(((addr - sg.bar0 - SGNIC_CHAN_BASE) / SGNIC_CHAN_STRIDE) %
                      SGNIC_NUM_CHANS);
    } else if (write && (op->a & 3) == 3) {
        sg_dirty_msix();
    }
}

static void sg_op_ring(const SgOp *op)
{
    unsigned int c = op->a & 15;

    sg_ring_setup(c, sg_ring_sizes[op->b & 15], sg_ring_base_menu(c, op->c),
                  sg_compl_menu(c, op->d), sg_irq_mods[op->e & 7],
                  sg_irq_gaps[(op->e >> 3) & 3], !(op->a & 0x40),
                  !(op->a & 0x80), op->f, op->a & 0x20, op->a & 0x10);
}

static void sg_op_desc(const SgOp *op)
{
    unsigned int c = op->a & 15, n = ((op->a >> 5) & 7) + 1, k;
    uint32_t mask = sg_ring_mask(c);
    uint32_t tail = sg_crd(c, SGNIC_CH_TAIL);
    uint64_t base = sg_ring_base(c);
    uint32_t len = sg_len_menu(op->d | op->e << 8);
    uint32_t flags = op->f;     /* bit 7 is SGNIC_DESC_F_VLAN */
    const uint16_t *cs = sg_csum_menu[(op->g >> 3) & 7];
    uint64_t junk = op->g >> 6 ? 0x5a5a5a5a5a5a5a5aULL * (op->g >> 6) : 0;

    for (k = 0; k < n; k++) {
        uint32_t idx = (tail + op->b + k) & mask;
        uint32_t f = flags;

        if (n > 1) {
            f &= ~(SGNIC_DESC_F_SOP | SGNIC_DESC_F_EOP);
            f |= (k == 0 ? flags & SGNIC_DESC_F_SOP : 0) |
                 (k == n - 1 ? flags & SGNIC_DESC_F_EOP : 0);
        }
        sg_put_desc(base + (uint64_t)idx * SGNIC_DESC_SIZE,
                    sg_addr(op->c + k), len, f, sg_mss_menu[op->g & 7],
                    cs[0], cs[1], junk);
    }
    if (op->a & 0x10) {
        sg_cwr(c, SGNIC_CH_TAIL, (tail + op->b + n) & mask);
    }
}

static void sg_op_doorbell(const SgOp *op)
{
    unsigned int c = op->a & 15;
    uint32_t mask = sg_ring_mask(c);
    uint32_t tail;

    switch (op->b & 3) {
    case 0:
        tail = (sg_crd(c, SGNIC_CH_TAIL) + MAX(op->c, 1)) & mask;
        break;
    case 1:
        tail = sg_u32(op->c, op->d, op->e, op->f);
        break;
    case 2:
        tail = (sg_crd(c, SGNIC_CH_HEAD) - 1) & mask;
        break;
    default:
        tail = mask + 1 + op->c;
        break;
    }
    sg_cwr(c, SGNIC_CH_TAIL, tail);
}

static void sg_op_cmd(const SgOp *op)
{
    static const uint32_t cmds[8] = {
        SGNIC_CMD_START, SGNIC_CMD_SUSPEND, SGNIC_CMD_RESUME, SGNIC_CMD_RESET,
        0, SGNIC_CMD_RESET + 1, 0xffffffff, SGNIC_CMD_START,
    };

    sg_cwr(op->a & 15, SGNIC_CH_CMD, cmds[op->b & 7]);
}

/* A whole TX packet: frame from a template, split over 1..4 descriptors. */
static void sg_op_tx(const SgOp *op)
{
    static uint8_t frame[SGNIC_HW_MAX_BUF_LEN];
    unsigned int c = SGNIC_CHAN_TX(op->a & 7), k, ndesc = (op->f & 3) + 1;
    unsigned int buf = op->a >> 3, offv = (op->g >> 3) & 3;
    uint16_t rawlen = op->d | op->e << 8;
    size_t len = rawlen ? rawlen : 60, off = 0;
    uint32_t flags = (op->f & 0x04 ? SGNIC_DESC_F_CSUM : 0) |
                     (op->f & 0x08 ? SGNIC_DESC_F_TSO : 0) |
                     (op->f & 0x40 ? SGNIC_DESC_F_SINGLE_XFER : 0);
    uint32_t last = (op->f & 0x10 ? SGNIC_DESC_F_STATUS_UPDATE : 0) |
                    (op->f & 0x20 ? SGNIC_DESC_F_INTERRUPT : 0);
    const uint16_t *cs = sg_csum_menu[op->g >> 5];
    uint32_t mask, tail;
    uint64_t base;

    if (op->b % SG_FR_COUNT == SG_FR_TCP4 && len > SG_FRAME_MAX) {
        /* A TSO-sized segment: the template fills the first 9100 bytes. */
        sg_build_frame(frame, SG_FRAME_MAX, op->b, op->c, 0, NULL, 0);
        memset(frame + SG_FRAME_MAX, 0x33, len - SG_FRAME_MAX);
        stw_be_p(frame + ETH_HLEN + 2, len - ETH_HLEN);
    } else {
        len = sg_build_frame(frame, len, op->b, op->c, 0, NULL, 0);
    }
    sg_ring_ensure(c);
    mask = sg_ring_mask(c);
    tail = sg_crd(c, SGNIC_CH_TAIL);
    base = sg_ring_base(c);
    for (k = 0; k < ndesc; k++) {
        size_t piece = k == ndesc - 1 ? len - off : len / ndesc;
        uint64_t addr = SG_BUF(buf + k);

        if (offv == 1) {
            addr += 1 + k;
        } else if (offv == 2) {
            addr += SG_PAGE - 5;
        } else if (offv == 3 && k == 0) {
            addr = sg_addr(0xc0 | (buf & 31));
        }
        if (addr >= SG_BUF_AREA && addr < SG_COMPL(0)) {
            sg_mem_write(addr, frame + off, MIN(piece, SG_COMPL(0) - addr));
        }
        sg_put_desc(base + (uint64_t)((tail + k) & mask) * SGNIC_DESC_SIZE,
                    addr, piece,
                    flags | (k == 0 ? SGNIC_DESC_F_SOP : 0) |
                    (k == ndesc - 1 ? SGNIC_DESC_F_EOP | last : 0),
                    sg_mss_menu[op->g & 7], cs[0], cs[1], 0);
        off += piece;
    }
    if (!(op->f & 0x80)) {
        sg_cwr(c, SGNIC_CH_TAIL, (tail + ndesc) & mask);
    }
}

/* Post count RX buffers of one size from the channel's tail, ring the bell. */
static void sg_op_rx_post(const SgOp *op)
{
    unsigned int c = SGNIC_CHAN_RX(op->a & 7), k, count = (op->b & 63) + 1;
    uint32_t size = sg_rx_buf_sizes[op->c & 15];
    unsigned int where = op->c >> 4;
    uint32_t flags = op->d & 0x80 ? 0x100 | (op->d & 0x7f) : op->d;
    uint64_t stride = ROUND_UP(MAX(MIN(size, SG_BUF_SIZE), 1), 64);
    uint32_t mask, tail;
    uint64_t base;

    sg_ring_ensure(c);
    mask = sg_ring_mask(c);
    tail = sg_crd(c, SGNIC_CH_TAIL);
    base = sg_ring_base(c);
    count = MIN(count, mask);
    for (k = 0; k < count; k++) {
        uint64_t off = ((op->a >> 3) * SG_BUF_SIZE + k * stride) %
                       (SG_NUM_BUFS * SG_BUF_SIZE - stride);
        uint64_t addr = where < 8 ? SG_BUF_AREA + off :
                        sg_addr((where - 8) << 5 | (((op->a >> 3) + k) & 31));

        sg_put_desc(base + (uint64_t)((tail + k) & mask) * SGNIC_DESC_SIZE,
                    addr, size, flags, 0, 0, 0, 0);
    }
    if (!(op->e & 1)) {
        sg_cwr(c, SGNIC_CH_TAIL, (tail + count) & mask);
    }
}

static void sg_op_fill(const SgOp *op, SgInput *in)
{
    static uint8_t buf[SG_BUF_SIZE];
    size_t len = (op->d | op->e << 8) % (SG_BUF_SIZE + 1);
    const uint8_t *raw = NULL;
    size_t raw_len = 0;

    if (op->b % SG_FR_COUNT == SG_FR_RAW) {
        raw_len = len;
        raw = sg_take(in, &raw_len);
    }
    len = sg_build_frame(buf, MIN(len, SG_FRAME_MAX), op->b, op->c, op->f,
                         raw, raw_len);
    sg_mem_write(SG_BUF(op->a), buf, len);
}

/* Post-frame refill: every running RX ring gets its consumed buffers back. */
static void sg_rx_refill(void)
{
    unsigned int q;

    for (q = 0; q < SG_QUEUES; q++) {
        unsigned int c = SGNIC_CHAN_RX(q);
        uint32_t mask = sg_ring_mask(c);

        if (mask) {
            sg_cwr(c, SGNIC_CH_TAIL, (sg_crd(c, SGNIC_CH_HEAD) - 1) & mask);
        }
    }
}

static void sg_op_frame(const SgOp *op, SgInput *in)
{
    static uint8_t frame[SG_FRAME_MAX];
    size_t len = (op->c | op->d << 8) % (SG_FRAME_MAX + 1);
    unsigned int reps = (op->e >> 3) + 1, i;
    const uint8_t *raw = NULL;
    size_t raw_len = 0, flen;

    if (op->a % SG_FR_COUNT == SG_FR_RAW || op->a % SG_FR_COUNT == SG_FR_RUNT) {
        raw_len = len;
        raw = sg_take(in, &raw_len);
        reps = 1;
    }
    for (i = 0; i < reps; i++) {
        if (op->e & 4) {
            sg_queue_frame(frame, 0);
        }
        flen = sg_build_frame(frame, len, op->a, op->b + i, op->e,
                              raw, raw_len);
        sg_queue_frame(frame, flen);
    }
    sg_flush_frames();
    if (op->f & 1) {
        sg_rx_refill();
    }
}

static void sg_op_pci(const SgOp *op)
{
    uint32_t val = sg_u32(op->c, op->d, op->e, op->f);

    switch (op->a % 5) {
    case 0:
        qpci_config_writew(sg.qdev, PCI_COMMAND,
                           (op->b & 1 ? PCI_COMMAND_MEMORY : 0) |
                           (op->b & 2 ? PCI_COMMAND_MASTER : 0) |
                           (op->b & 4 ? PCI_COMMAND_INTX_DISABLE : 0) |
                           (op->b & 8 ? PCI_COMMAND_IO : 0));
        break;
    case 1:
        if (op->g & 1) {
            qpci_config_writeb(sg.qdev, op->b, val);
        } else if (op->g & 2) {
            qpci_config_writew(sg.qdev, op->b & ~1, val);
        } else {
            qpci_config_writel(sg.qdev, op->b & ~3, val);
        }
        break;
    case 2:
        qpci_config_readl(sg.qdev, op->b & ~3);
        break;
    case 3: {
        uint8_t devctl = sg.exp_cap + PCI_EXP_DEVCTL;

        qpci_config_writew(sg.qdev, devctl, qpci_config_readw(sg.qdev, devctl) |
                           PCI_EXP_DEVCTL_BCR_FLR);
        break;
    }
    default:
        qpci_config_writew(sg.qdev, sg.msix_cap + PCI_MSIX_FLAGS,
                           (op->b & 1 ? PCI_MSIX_FLAGS_ENABLE : 0) |
                           (op->b & 2 ? PCI_MSIX_FLAGS_MASKALL : 0));
        break;
    }
    sg_refresh_bars();
    sg_dirty_msix();
}

static void sg_op_reset(const SgOp *op)
{
    switch (op->a & 3) {
    case 0:
        sg_wr(SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
        break;
    case 1: {
        SgOp flr = { .code = SG_OP_PCI, .a = 3 };

        sg_op_pci(&flr);
        sg_enable();
        break;
    }
    case 2:
        device_cold_reset(sg.dev);
        sg_enable();
        break;
    default:
        fuzz_reset(sg.qts);
        sg_enable();
        break;
    }
}

/* The device, its PCI function and its end of the netdev link. */
static void sg_bind(DeviceState *dev)
{
    sg.dev = dev;
    sg.pdev = PCI_DEVICE(dev);
    sg.nic_nc = sg.backend_nc->peer;
    g_assert(sg.nic_nc);
}

/*
 * Unplug with whatever is in flight (timers, bottom halves, queued frames,
 * a held RSC frame), then plug the same device again, as device_del and
 * device_add would on a hotplug slot.  q35's root bus has none, so the new
 * device is realized directly, as if cold-plugged, instead of through the
 * monitor's checks.
 */
static void sg_replug(void)
{
    BusState *bus = qdev_get_parent_bus(sg.dev);
    DeviceState *dev;

    object_unparent(OBJECT(sg.dev));
    dev = qdev_new("sgnic");
    qdev_prop_set_netdev(dev, "netdev", sg.backend_nc);
    qdev_prop_set_macaddr(dev, "mac", sg_mac);
    qdev_prop_set_int32(dev, "addr", SG_DEVFN);
    qdev_prop_set_uint32(dev, "queues", SG_QUEUES);
    qdev_set_id(dev, g_strdup(SG_NIC_ID), &error_abort);
    dev->hotplugged = false;    /* the root bus takes cold-plugged devices */
    qdev_realize_and_unref(dev, bus, &error_abort);
    sg_bind(dev);
    sg.tunables_dirty = false;
    sg_enable();
}

static void sg_op_tunable(const SgOp *op)
{
    unsigned int t = op->a % ARRAY_SIZE(sg_tunables);

    /* Out-of-range values are refused by the property setter, as by qom-set. */
    object_property_set_uint(OBJECT(sg.dev), sg_tunables[t],
                             sg_tunable_values[op->b & 15], NULL);
    object_property_get_uint(OBJECT(sg.dev), sg_tunables[t], NULL);
    sg.tunables_dirty = true;
}

static void sg_run_op(const SgOp *op, SgInput *in)
{
    switch (op->code % SG_OP_COUNT) {
    case SG_OP_WRITE:
        sg_reg_access(op, true);
        break;
    case SG_OP_READ:
        sg_reg_access(op, false);
        return;     /* reads start nothing the main loop would run */
    case SG_OP_RING:
        sg_op_ring(op);
        break;
    case SG_OP_DESC:
        sg_op_desc(op);
        break;
    case SG_OP_DOORBELL:
        sg_op_doorbell(op);
        break;
    case SG_OP_CMD:
        sg_op_cmd(op);
        break;
    case SG_OP_TX:
        sg_op_tx(op);
        break;
    case SG_OP_RX_POST:
        sg_op_rx_post(op);
        break;
    case SG_OP_FILL:
        sg_op_fill(op, in);
        break;
    case SG_OP_FRAME:
        sg_op_frame(op, in);
        break;
    case SG_OP_PCI:
        sg_op_pci(op);
        break;
    case SG_OP_MSIX:
        sg_msix_entry(op->a & 15, sg_addr(op->b), op->c | op->d << 8,
                      op->e & 1);
        break;
    case SG_OP_CLOCK:
        if (sg_clock_steps[op->a & 7]) {
            qtest_clock_step(sg.qts, sg_clock_steps[op->a & 7]);
        } else {
            qtest_clock_step_next(sg.qts);
        }
        break;
    case SG_OP_LINK:
        sg.link_down = !(op->a & 1);
        qmp_set_link(SG_NIC_ID, !sg.link_down, NULL);
        break;
    case SG_OP_RSC:
        sg_wr(SGNIC_REG_RSC_MAX_LEN, sg_rsc_lens[op->a & 7]);
        if (op->b & 7) {
            sg_wr(SGNIC_REG_RX_QUEUES, sg_rx_queue_menu[op->b & 7]);
        }
        break;
    case SG_OP_CTRL:
        if (op->a & 0x10) {
            sg_wr(SGNIC_REG_MISC_MASK, op->b);
        }
        if (op->a & 0x20) {
            sg_wr(SGNIC_REG_MISC_SET, op->c);
        }
        if (op->a & 0x40) {
            sg_wr(SGNIC_REG_IRQ_UNMASK, sg_u32(op->d, op->e, 0, 0));
        }
        sg_wr(SGNIC_REG_CTRL, op->a & 0xf);
        break;
    case SG_OP_RESET:
        sg_op_reset(op);
        break;
    case SG_OP_TUNABLE:
        sg_op_tunable(op);
        break;
    case SG_OP_REPLUG:
        /* costly (realize, two memory map rebuilds): only on a magic word */
        if (op->a == SG_REPLUG_MAGIC_A && op->b == SG_REPLUG_MAGIC_B) {
            sg_replug();
        }
        break;
    default:
        break;
    }
    sg_pump();
}

static void sg_run_ops(SgInput *in)
{
    while (in->n >= SG_OP_SIZE) {
        SgOp op;

        memcpy(&op, in->p, SG_OP_SIZE);
        in->p += SG_OP_SIZE;
        in->n -= SG_OP_SIZE;
        sg_run_op(&op, in);
    }
}

/* ---- Per-input lifetime ------------------------------------------------- */

/* SGNIC_FUZZ_DEBUG=1: what each input did, for checking seeds and targets. */
static void sg_debug_stats(void)
{
    static int debug = -1;

    if (debug < 0) {
        debug = g_getenv("SGNIC_FUZZ_DEBUG") != NULL;
    }
    if (!debug) {
        return;
    }
    fprintf(stderr, "sgnic-fuzz: tx %u rx %u rsc %u/%u nobuf %u oversize %u "
            "filtered %u irqs %u writebacks %u halted 0x%x ctrl 0x%x\n",
            sg_rd(SGNIC_REG_STAT_TX_PKTS), sg_rd(SGNIC_REG_STAT_RX_PKTS),
            sg_rd(SGNIC_REG_STAT_RSC_FRAMES), sg_rd(SGNIC_REG_STAT_RSC_SEGS),
            sg_rd(SGNIC_REG_STAT_RX_NOBUF), sg_rd(SGNIC_REG_STAT_RX_OVERSIZE),
            sg_rd(SGNIC_REG_STAT_RX_FILTERED), sg_rd(SGNIC_REG_STAT_IRQS),
            sg_rd(SGNIC_REG_STAT_WRITEBACKS), sg_rd(SGNIC_REG_HALTED),
            sg_rd(SGNIC_REG_CTRL));
}

/* Put back what the input changed outside the guest's reach: link, tunables. */
static void sg_restore_host(void)
{
    unsigned int i;

    if (sg.link_down) {
        qmp_set_link(SG_NIC_ID, true, NULL);
        sg.link_down = false;
    }
    if (sg.tunables_dirty) {
        for (i = 0; i < ARRAY_SIZE(sg_tunables); i++) {
            /* a device that refuses run-time changes also refused ours */
            object_property_set_uint(OBJECT(sg.dev), sg_tunables[i],
                                     sg_tunable_defaults[i], NULL);
        }
        sg.tunables_dirty = false;
    }
}

static void sg_finish(void)
{
    sg_debug_stats();
    sg_restore_host();
    sg_pump();
    fuzz_reset(sg.qts);
    sg_drain_net();
    sg_mem_clean();
    sg_refresh_bars();
}

static GString *sg_cmdline(FuzzTarget *t)
{
    g_autofree gchar *fw = sgnic_fuzz_firmware_opt();
    GString *cmd = g_string_new(TARGET_NAME);
    int sv[2];

    g_assert(socketpair(PF_UNIX, SOCK_STREAM, 0, sv) == 0);
    sg.sock = sv[0];
    sg.backend_fd = sv[1];
    g_unix_set_fd_nonblocking(sg.sock, true, NULL);
    g_string_append_printf(cmd, " -display none -machine q35,accel=qtest "
                           "-m %d -nodefaults %s-netdev socket,id="
                           SG_NETDEV_ID ",fd=%d -device sgnic,id=" SG_NIC_ID
                           ",netdev=" SG_NETDEV_ID ",mac=" SG_MAC_STR
                           ",addr=04.0,queues=%d", (int)(SG_RAM_SIZE / MiB),
                           fw, sv[1], SG_QUEUES);
    /* e.g. SGNIC_FUZZ_ARGS="-trace sgnic_*" to watch what an input does */
    if (g_getenv("SGNIC_FUZZ_ARGS")) {
        g_string_append_printf(cmd, " %s", g_getenv("SGNIC_FUZZ_ARGS"));
    }
    return cmd;
}

static void sg_pre_fuzz(QTestState *s)
{
    unsigned int i;

    sg.qts = s;
    sg_burst = g_byte_array_new();
    sg.backend_nc = qemu_find_netdev(SG_NETDEV_ID);
    g_assert(sg.backend_nc);
    sg_bind(DEVICE(object_resolve_path_type("", "sgnic", NULL)));
    sg.bus = qpci_new_pc(s, NULL);
    sg.qdev = qpci_device_find(sg.bus, SG_DEVFN);
    g_assert(sg.qdev);
    sg.bar0_default = qpci_iomap(sg.qdev, SGNIC_BAR_REGS, NULL).addr;
    sg.bar2_default = qpci_iomap(sg.qdev, SGNIC_BAR_MSIX, NULL).addr;
    sg.msix_cap = qpci_find_capability(sg.qdev, PCI_CAP_ID_MSIX, 0);
    sg.exp_cap = qpci_find_capability(sg.qdev, PCI_CAP_ID_EXP, 0);
    g_assert(sg.msix_cap && sg.exp_cap);
    for (i = 0; i < ARRAY_SIZE(sg_tunables); i++) {
        sg_tunable_defaults[i] = object_property_get_uint(OBJECT(sg.dev),
                                                          sg_tunables[i],
                                                          &error_abort);
    }
    /*
     * The virtual clock is never rewound: start well past every interrupt
     * gap so that the first input and the millionth see the same timing.
     */
    qtest_clock_step(s, NANOSECONDS_PER_SECOND);
    sg_finish();
}

/*
 * Liveness oracle, after every input: once the driver has bus mastering
 * and receive on, and a freshly reset RX ring with buffers, a frame from
 * the network must arrive.  A device that stays deaf (issue 12: an empty
 * frame stopped reception for good) aborts here, so a stall is a crash.
 */
static void sg_rx_probe(void)
{
    static struct sgnic_desc ring[SG_RX_RING];
    static uint8_t frame[SG_FRAME_MAX];
    unsigned int c = SGNIC_CHAN_RX(0), i;
    uint32_t before;
    size_t len;

    /* SGNIC_FUZZ_NO_PROBE=1: look past a known stall for other bugs */
    if (g_getenv("SGNIC_FUZZ_NO_PROBE")) {
        return;
    }
    sg_restore_host();
    sg_enable();
    sg_wr(SGNIC_REG_RSC_MAX_LEN, 0);
    sg_wr(SGNIC_REG_RX_QUEUES, 1);
    sg_wr(SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC);
    /* every slot valid, so that refilling (tail = head - 1) stays valid */
    for (i = 0; i < SG_RX_RING; i++) {
        ring[i].addr = cpu_to_le64(SG_BUF(0) + (uint64_t)i * 2048);
        ring[i].len = cpu_to_le32(2048);
        ring[i].flags = 0;
    }
    sg_mem_write(SG_RING_SLOT(c), ring, sizeof(ring));
    sg_dirty(SG_BUF(0), (uint64_t)SG_RX_RING * 2048);
    sg_ring_setup(c, SG_RX_RING, SG_RING_SLOT(c), SG_COMPL(c), 0, 0, true,
                  false, SG_RX_RING - 1, true, true);
    sg_pump();
    before = sg_crd(c, SGNIC_CH_COMPLETED);
    len = sg_build_frame(frame, 100, SG_FR_UDP4, 0, 1, NULL, 0);
    sg_send_frame(frame, len);
    /* frames QEMU queued during the input arrive first and take buffers */
    for (i = 0; i < 8 && sg_crd(c, SGNIC_CH_COMPLETED) == before; i++) {
        sg_rx_refill();
        sg_pump();
    }
    if (sg_crd(c, SGNIC_CH_COMPLETED) == before) {
        fprintf(stderr, "sgnic-fuzz: receive stalled: chan %u status 0x%x "
                "head %u tail %u, rx %u nobuf %u, %d bytes unread by the "
                "netdev\n", c, sg_crd(c, SGNIC_CH_STATUS),
                sg_crd(c, SGNIC_CH_HEAD), sg_crd(c, SGNIC_CH_TAIL),
                sg_rd(SGNIC_REG_STAT_RX_PKTS), sg_rd(SGNIC_REG_STAT_RX_NOBUF),
                sg_backend_pending());
        abort();
    }
}

/* ---- sgnic-ops ---------------------------------------------------------- */

static void sg_ops_fuzz(QTestState *s, const unsigned char *data, size_t size)
{
    SgInput in = { data, size };

    sg_enable();
    sg_run_ops(&in);
    sg_rx_probe();
    sg_finish();
}

/* ---- sgnic-rx ----------------------------------------------------------- */

/* Input byte 0 of sgnic-rx: how the device is set up. */
#define SG_RXCFG_RSC        (1u << 0)
#define SG_RXCFG_MQ         (1u << 1)
#define SG_RXCFG_PROMISC    (1u << 2)
#define SG_RXCFG_SMALL_BUF  (1u << 3)
#define SG_RXCFG_IRQ_MOD    (1u << 4)
#define SG_RXCFG_COMPL      (1u << 5)
#define SG_RXCFG_TINY_RING  (1u << 6)
#define SG_RXCFG_RSC_SHORT  (1u << 7)

static void sg_rx_setup(uint8_t cfg)
{
    static struct sgnic_desc ring[SG_RX_RING];
    uint32_t size = cfg & SG_RXCFG_TINY_RING ? SGNIC_RING_MIN : SG_RX_RING;
    uint32_t blen = cfg & SG_RXCFG_SMALL_BUF ? 256 : 2048;
    unsigned int q, i;

    sg_enable();
    for (q = 0; q < SG_QUEUES; q++) {
        unsigned int c = SGNIC_CHAN_RX(q);

        for (i = 0; i < size; i++) {
            memset(&ring[i], 0, sizeof(ring[i]));
            ring[i].addr = cpu_to_le64(SG_BUF(q * 16) + (uint64_t)i * blen);
            ring[i].len = cpu_to_le32(blen);
            ring[i].flags = cpu_to_le32(SGNIC_DESC_F_INTERRUPT | (i % 4 == 3 ?
                                        SGNIC_DESC_F_STATUS_UPDATE : 0));
        }
        sg_mem_write(SG_RING_SLOT(c), ring, size * sizeof(ring[0]));
        sg_dirty(SG_BUF(q * 16), (uint64_t)size * blen);
        sg_ring_setup(c, size, SG_RING_SLOT(c),
                      cfg & SG_RXCFG_COMPL ? SG_COMPL(c) : 0,
                      cfg & SG_RXCFG_IRQ_MOD ? sg_irq_mods[4] : 0, 0,
                      false, false, size - 1, true, true);
    }
    sg_ring_setup(SGNIC_CHAN_TX(0), 16, SG_RING_SLOT(0), SG_COMPL(0), 0, 0,
                  false, true, 0, true, true);
    if (cfg & SG_RXCFG_MQ) {
        sg_wr(SGNIC_REG_RX_QUEUES, SG_QUEUES);
    }
    if (cfg & (SG_RXCFG_RSC | SG_RXCFG_RSC_SHORT)) {
        sg_wr(SGNIC_REG_RSC_MAX_LEN,
              cfg & SG_RXCFG_RSC_SHORT ? 3000 : SGNIC_RSC_MAX_LEN);
    }
    sg_wr(SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE |
          (cfg & SG_RXCFG_PROMISC ? SGNIC_CTRL_PROMISC : 0));
}

/*
 * Records of [ctl][len lo][len hi][bytes]: ctl bits 0-2 pick what happens
 * after the frame, bit 3 makes the first two bytes a template (kind, var),
 * bit 4 sends a zero-length frame first, bits 5-6 rewrite the destination
 * MAC, bit 7 repeats a template 4 times with var counting up.
 */
static void sg_rx_fuzz(QTestState *s, const unsigned char *data, size_t size)
{
    static uint8_t frame[SG_FRAME_MAX];
    SgInput in = { data, size };
    unsigned int nframes = 0;

    if (!size) {
        sg_finish();
        return;
    }
    sg_rx_setup(data[0]);
    in.p++;
    in.n--;
    while (in.n >= 3) {
        uint8_t ctl = in.p[0];
        size_t len = (in.p[1] | in.p[2] << 8) % (SG_FRAME_MAX + 1), n;
        unsigned int reps = 1, i, dst = (ctl >> 5) & 3;
        const uint8_t *raw;
        uint8_t kind = SG_FR_RAW, var = 0;

        in.p += 3;
        in.n -= 3;
        if (ctl & 0x08) {
            n = 2;
            raw = sg_take(&in, &n);
            kind = n > 0 ? raw[0] : SG_FR_TCP4;
            var = n > 1 ? raw[1] : 0;
            reps = ctl & 0x80 ? 4 : 1;
            n = 0;
            raw = NULL;
        } else {
            n = len;
            raw = sg_take(&in, &n);
        }
        for (i = 0; i < reps; i++) {
            size_t flen;

            if (ctl & 0x10) {
                sg_queue_frame(frame, 0);
            }
            if (kind == SG_FR_RAW) {
                /* The input's bytes, then zeros up to the length asked for. */
                if (n) {
                    memcpy(frame, raw, n);
                }
                memset(frame + n, 0, len - n);
                flen = len;
                if (dst && flen >= ETH_ALEN) {
                    sg_put_eth(frame, dst - 1,
                               flen >= ETH_HLEN ? lduw_be_p(frame + 12) : 0);
                }
            } else {
                flen = sg_build_frame(frame, len, kind, var + i,
                                      dst ? dst - 1 : 0, NULL, 0);
            }
            sg_queue_frame(frame, flen);
        }
        sg_flush_frames();
        switch (ctl & 7) {
        case 1:
            sg_rx_refill();
            break;
        case 2:
            qtest_clock_step(s, 50 * SCALE_US);
            break;
        case 3:
            sg_pump();
            break;
        case 4:
            sg_wr(SGNIC_REG_CTRL, sg_rd(SGNIC_REG_CTRL) ^ SGNIC_CTRL_RX_ENABLE);
            break;
        case 5:
            sg_cwr(SGNIC_CHAN_RX(nframes & 1), SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
            sg_cwr(SGNIC_CHAN_RX(nframes & 1), SGNIC_CH_CMD, SGNIC_CMD_RESUME);
            break;
        case 6:
            qpci_config_writew(sg.qdev, PCI_COMMAND, PCI_COMMAND_MEMORY);
            break;
        case 7:
            qpci_config_writew(sg.qdev, PCI_COMMAND,
                               PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
            break;
        default:
            break;
        }
        if (++nframes % 8 == 0) {
            sg_rx_refill();
        }
        sg_pump();
    }
    sg_rx_probe();
    sg_finish();
}

/* ---- sgnic-migrate ------------------------------------------------------ */

/* One leaf of the saved stream, found through the stream's JSON description. */
typedef struct SgField {
    uint32_t off;
    uint32_t size;
    bool timer;         /* an absolute QEMU_CLOCK_VIRTUAL time */
    char *name;         /* e.g. "chan[8].mod_timer", for the seeds */
} SgField;

typedef struct SgScenario {
    GByteArray *stream;
    GArray *fields;     /* SgField */
    GByteArray *ram;    /* (address, page) pairs the device's rings use */
    int64_t saved_ns;
} SgScenario;

#define SG_SCENARIOS 6
static SgScenario sg_scen[SG_SCENARIOS];
static int32_t sg_pci_version_id;

static void sg_walk_fields(QDict *desc, const char *prefix, uint64_t *off,
                           GArray *out)
{
    QList *fields = qdict_get_qlist(desc, "fields");
    QList *subs = qdict_get_qlist(desc, "subsections");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(fields, e) {
        QDict *f = qobject_to(QDict, qlist_entry_obj(e));
        uint64_t size = qdict_get_int(f, "size");
        uint64_t n = qdict_haskey(f, "array_len") ?
                     qdict_get_int(f, "array_len") : 1, i;
        QDict *st = qdict_get_qdict(f, "struct");
        const char *type = qdict_get_str(f, "type");
        const char *name = qdict_get_str(f, "name");

        for (i = 0; i < n; i++) {
            g_autofree char *path = NULL;

            if (qdict_haskey(f, "index")) {
                path = g_strdup_printf("%s%s[%" PRId64 "]", prefix, name,
                                       qdict_get_int(f, "index"));
            } else if (n > 1) {
                path = g_strdup_printf("%s%s[%" PRIu64 "]", prefix, name, i);
            } else {
                path = g_strdup_printf("%s%s", prefix, name);
            }
            if (st) {
                g_autofree char *sub_prefix = g_strdup_printf("%s.", path);
                uint64_t sub = *off;

                sg_walk_fields(st, sub_prefix, &sub, out);
            } else if (size) {
                SgField leaf = {
                    .off = *off, .size = size,
                    .timer = !strcmp(type, "timer") ||
                             !strcmp(name, "irq_last_ns"),
                    .name = g_steal_pointer(&path),
                };

                g_array_append_val(out, leaf);
            }
            *off += size;
        }
    }
    if (subs) {
        QLIST_FOREACH_ENTRY(subs, e) {
            QDict *s = qobject_to(QDict, qlist_entry_obj(e));

            /* marker, name length, name, version */
            *off += 2 + strlen(qdict_get_str(s, "vmsd_name")) + 4;
            sg_walk_fields(s, prefix, off, out);
        }
    }
}

static int sg_field_find(const SgScenario *sc, const char *name)
{
    unsigned int i;

    for (i = 0; i < sc->fields->len; i++) {
        if (!strcmp(g_array_index(sc->fields, SgField, i).name, name)) {
            return i;
        }
    }
    return -1;
}

static const VMStateDescription *sg_vmsd(void)
{
    return DEVICE_GET_CLASS(sg.dev)->vmsd;
}

/* Save the device's VMState and describe where each field sits. */
static void sg_save(SgScenario *sc)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(128 * KiB);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    JSONWriter *vmdesc = json_writer_new(false);
    g_autoptr(QDict) desc = NULL;
    uint64_t off = 0;

    json_writer_start_object(vmdesc, NULL);
    g_assert(vmstate_save_state(f, sg_vmsd(), sg.dev, vmdesc) == 0);
    json_writer_end_object(vmdesc);
    qemu_fflush(f);
    sc->stream = g_byte_array_new();
    g_byte_array_append(sc->stream, bioc->data, bioc->usage);
    qemu_fclose(f);
    object_unref(OBJECT(bioc));

    desc = qobject_to(QDict, qobject_from_json(json_writer_get(vmdesc),
                                               &error_abort));
    json_writer_free(vmdesc);
    sc->fields = g_array_new(false, false, sizeof(SgField));
    sg_walk_fields(desc, "", &off, sc->fields);
    g_assert(off == sc->stream->len);
    sc->saved_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* The guest pages a scenario wrote travel with its stream, as RAM would. */
static void sg_save_ram(SgScenario *sc)
{
    unsigned long nbits = SG_RAM_SIZE / SG_PAGE, p;
    uint8_t page[SG_PAGE];

    sc->ram = g_byte_array_new();
    for (p = find_first_bit(sg.dirty, nbits); p < nbits;
         p = find_next_bit(sg.dirty, nbits, p + 1)) {
        uint64_t addr = (uint64_t)p * SG_PAGE;

        qtest_memread(sg.qts, addr, page, SG_PAGE);
        g_byte_array_append(sc->ram, (uint8_t *)&addr, sizeof(addr));
        g_byte_array_append(sc->ram, page, SG_PAGE);
    }
}

static void sg_restore_ram(const SgScenario *sc)
{
    size_t i;

    for (i = 0; i + sizeof(uint64_t) + SG_PAGE <= sc->ram->len;
         i += sizeof(uint64_t) + SG_PAGE) {
        uint64_t addr;

        memcpy(&addr, sc->ram->data + i, sizeof(addr));
        sg_mem_write(addr, sc->ram->data + i + sizeof(addr), SG_PAGE);
    }
}

/* Append op to a byte program (scenarios and seeds are programs). */
static void sg_emit(GByteArray *p, uint8_t code, uint8_t a, uint8_t b,
                    uint8_t c, uint8_t d, uint8_t e, uint8_t f, uint8_t g)
{
    const uint8_t op[SG_OP_SIZE] = { code, a, b, c, d, e, f, g };

    g_byte_array_append(p, op, sizeof(op));
}

/* Register write through SG_OP_WRITE: mode 2 addresses BAR 0 by offset. */
static void sg_emit_wr(GByteArray *p, uint32_t off, uint32_t val)
{
    sg_emit(p, SG_OP_WRITE, 2 | ((off >> 10) << 4), (off >> 2) & 0xff,
            val, val >> 8, val >> 16, val >> 24, 0);
}

static void sg_emit_cwr(GByteArray *p, unsigned int c, uint32_t reg,
                        uint32_t val)
{
    sg_emit_wr(p, SGNIC_CHAN_REG(c, reg), val);
}

/* A TX packet op: kind/var template, len bytes, flag bits as SG_OP_TX's f. */
static void sg_emit_tx(GByteArray *p, unsigned int pair, unsigned int buf,
                       uint8_t kind, uint8_t var, uint16_t len, uint8_t f,
                       uint8_t g)
{
    sg_emit(p, SG_OP_TX, pair | buf << 3, kind, var, len, len >> 8, f, g);
}

static void sg_emit_frame(GByteArray *p, uint8_t kind, uint8_t var,
                          uint16_t len, uint8_t e, uint8_t f)
{
    sg_emit(p, SG_OP_FRAME, kind, var, len, len >> 8, e, f, 0);
}

/* Busy states to migrate from; each ends with its state left in place. */
static GByteArray *sg_scenario_program(unsigned int n)
{
    GByteArray *p = g_byte_array_new();

    switch (n) {
    case 0:     /* rings running; TX pending while bus mastering is off */
        sg_emit(p, SG_OP_RX_POST, 0, 31, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
        sg_emit(p, SG_OP_RX_POST, 1, 15, 1, SGNIC_DESC_F_STATUS_UPDATE,
                0, 0, 0);
        sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
        sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 200, 0x30, 0);
        sg_emit_frame(p, SG_FR_UDP4, 0, 300, 0, 0);
        sg_emit(p, SG_OP_PCI, 0, 1, 0, 0, 0, 0, 0);
        sg_emit_tx(p, 1, 4, SG_FR_UDP4, 0, 3000, 0x35, 5);
        break;
    case 1:     /* halted channels: bad ring, tail past the ring, DMA fault */
        sg_emit_cwr(p, 0, SGNIC_CH_CMD, SGNIC_CMD_START);
        sg_emit(p, SG_OP_RING, 0x31, 0, 0, 0, 0, 0, 0);
        sg_emit_cwr(p, 1, SGNIC_CH_TAIL, 100);
        sg_emit(p, SG_OP_RING, 0x32, 0, 6, 0, 0, 0, 0);
        sg_emit_cwr(p, 2, SGNIC_CH_TAIL, 1);
        sg_emit(p, SG_OP_RING, 0x33, 0, 0, 7, 0, 0, 0);
        sg_emit(p, SG_OP_DESC, 0x13, 0, 0, 0, 0, SGNIC_DESC_F_SOP, 0);
        break;
    case 2:     /* an RSC frame held: RX ring running with no buffers */
        sg_emit(p, SG_OP_RING, 0x31, 2, 0, 0, 0, 0, 0);
        sg_emit(p, SG_OP_RSC, 1, 0, 0, 0, 0, 0, 0);
        sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
        sg_emit_frame(p, SG_FR_RSC, 0, 0, 0, 0);
        sg_emit_frame(p, SG_FR_RSC, 1, 0, 0, 0);
        break;
    case 3:     /* timers armed: moderation hold-off, throttle, deferred IRQ */
        sg_emit(p, SG_OP_RING, 0x30, 2, 0, 0, 2, 0, 0);
        sg_emit(p, SG_OP_RING, 0x31, 2, 0, 0, 2 | 2 << 3, 0, 0);
        sg_emit(p, SG_OP_RING, 0x12, 2, 0, 0, 0, 0, 0);
        sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
        sg_emit(p, SG_OP_RX_POST, 0, 7, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
        sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 100, 0x30, 0);
        sg_emit_frame(p, SG_FR_TCP4, 0, 100, 0, 0);
        sg_emit_frame(p, SG_FR_TCP4, 1, 100, 0, 0);
        sg_emit_tx(p, 1, 2, SG_FR_UDP4, 0, 100, 0x30, 0);
        break;
    case 4:     /* loopback with RSC and multi-queue, a suspended channel */
        sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE |
                   SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_PROMISC);
        sg_emit(p, SG_OP_RSC, 1, 2, 0, 0, 0, 0, 0);
        sg_emit(p, SG_OP_RX_POST, 0, 15, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
        sg_emit(p, SG_OP_RX_POST, 1, 15, 1, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
        sg_emit_tx(p, 0, 0, SG_FR_RSC, 0, 0, 0x20, 0);
        sg_emit_tx(p, 0, 2, SG_FR_RSC, 1, 0, 0x20, 0);
        sg_emit_cwr(p, 3, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
        sg_emit_frame(p, SG_FR_UDP6, 3, 500, 0, 0);
        break;
    default:    /* freshly reset */
        break;
    }
    return p;
}

static void sg_migrate_pre_fuzz(QTestState *s)
{
    unsigned int n;

    sg_pre_fuzz(s);
    sg_pci_version_id = sg.pdev->version_id;
    for (n = 0; n < SG_SCENARIOS; n++) {
        g_autoptr(GByteArray) prog = sg_scenario_program(n);
        SgInput in = { prog->data, prog->len };

        sg_enable();
        sg_run_ops(&in);
        sg_save(&sg_scen[n]);
        sg_save_ram(&sg_scen[n]);
        if (g_getenv("SGNIC_FUZZ_DEBUG")) {
            unsigned int i;

            fprintf(stderr, "sgnic-fuzz: scenario %u: %u bytes, %u fields, "
                    "%u RAM pages\n", n, sg_scen[n].stream->len,
                    sg_scen[n].fields->len,
                    sg_scen[n].ram->len / (SG_PAGE + 8));
            for (i = 0; n == 0 && i < sg_scen[n].fields->len; i++) {
                const SgField *fd = &g_array_index(sg_scen[n].fields,
                                                   SgField, i);

                fprintf(stderr, "  field %u: %s at %u, %u bytes\n", i,
                        fd->name, fd->off, fd->size);
            }
        }
        sg_finish();
    }
}

/*
 * Patch records, 12 bytes each: [kind][u16 where][u8 how][8 bytes].
 * kind 0: raw bytes at offset where; 1: field where (of the description)
 * set per how; 2: flip bit where; 3: truncate at where.  A kind byte of 4
 * (one byte, no operands) ends the patches: the rest of the input is SG_OP_*
 * operations, run after a successful load.
 */
#define SG_PATCH_SIZE 12

static void sg_patch_field(GByteArray *st, const SgField *fd, uint8_t how,
                           const uint8_t *v)
{
    static const uint64_t small[16] = {
        1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 4095, SGNIC_RING_MAX,
        SGNIC_RING_MAX + 1, SGNIC_RSC_MAX_LEN + 1,
    };
    uint8_t *at = st->data + fd->off;
    unsigned int size = MIN(fd->size, 8), i;
    uint64_t cur = 0, val;

    if (fd->size > 8) {
        /* a buffer (PCI config, MSI-X table, RSC frame): one byte in it */
        at[ldl_le_p(v) % fd->size] = v[4];
        return;
    }
    for (i = 0; i < size; i++) {
        cur = cur << 8 | at[i];
    }
    switch (how & 7) {
    case 0:
        val = ldq_le_p(v);
        break;
    case 1:
        val = 0;
        break;
    case 2:
        val = UINT64_MAX;
        break;
    case 3:
        val = cur + 1;
        break;
    case 4:
        val = cur - 1;
        break;
    case 5:
        val = 1ULL << (size * 8 - 1);
        break;
    case 6:
        val = small[v[0] & 15];
        break;
    default:
        val = cur ^ (1ULL << (v[0] % (size * 8)));
        break;
    }
    for (i = 0; i < size; i++) {
        at[size - 1 - i] = val >> (8 * i);
    }
}

/* Move the stream's clock values to now, so a replay sees the same deltas. */
static void sg_rebase_timers(const SgScenario *sc, GByteArray *st)
{
    int64_t delta = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - sc->saved_ns;
    unsigned int i;

    for (i = 0; i < sc->fields->len; i++) {
        const SgField *fd = &g_array_index(sc->fields, SgField, i);
        int64_t t;

        if (!fd->timer || fd->size != 8) {
            continue;
        }
        t = ldq_be_p(st->data + fd->off);
        if (t > 0) {
            stq_be_p(st->data + fd->off, t + delta);
        }
    }
}

static bool sg_load(GByteArray *st)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(st->len + 1);
    QEMUFile *f;
    int ret;

    /*
     * A load writes more than reset puts back: PCIDevice's version_id
     * (which the next load is checked against) and the tunables that
     * migrate.  A destination loads once; the harness loads into the same
     * device again and again, so it restores them first.
     */
    sg.pdev->version_id = sg_pci_version_id;
    sg.tunables_dirty = true;

    if (st->len) {
        memcpy(bioc->data, st->data, st->len);
    }
    bioc->data[st->len] = 0;    /* QEMU_VM_EOF: what follows a section */
    bioc->usage = st->len + 1;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    ret = vmstate_load_state(f, sg_vmsd(), sg.dev, sg_vmsd()->version_id);
    if (!ret) {
        ret = qemu_file_get_error(f);
    }
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
    return ret == 0;
}

/* After a load the guest resumes: every channel is kicked, frames arrive. */
static void sg_after_load(void)
{
    static uint8_t frame[SG_FRAME_MAX];
    unsigned int c;
    size_t len;

    sg_refresh_bars();
    sg_dirty_msix();
    for (c = 0; c < SGNIC_NUM_CHANS; c++) {
        uint32_t mask = sg_ring_mask(c);

        sg_dirty_chan(c);
        sg_cwr(c, SGNIC_CH_TAIL, sg_crd(c, SGNIC_CH_TAIL));
        sg_cwr(c, SGNIC_CH_TAIL, (sg_crd(c, SGNIC_CH_TAIL) + 1) & mask);
        sg_cwr(c, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
        sg_cwr(c, SGNIC_CH_IRQ_EN, 1);
    }
    sg_wr(SGNIC_REG_IRQ_UNMASK, 0xffffffff);
    len = sg_build_frame(frame, 0, SG_FR_RSC, 2, 0, NULL, 0);
    sg_send_frame(frame, len);
    len = sg_build_frame(frame, 200, SG_FR_UDP4, 0, 1, NULL, 0);
    sg_send_frame(frame, len);
    qtest_clock_step(sg.qts, NANOSECONDS_PER_SECOND);
    sg_pump();
    qtest_clock_step(sg.qts, 100 * NANOSECONDS_PER_SECOND);
    sg_pump();
}

static void sg_migrate_fuzz(QTestState *s, const unsigned char *data,
                            size_t size)
{
    SgInput in = { data, size };
    const SgScenario *sc;
    g_autoptr(GByteArray) st = g_byte_array_new();
    unsigned int patches = 0;

    if (!size) {
        return;
    }
    sc = &sg_scen[data[0] % SG_SCENARIOS];
    in.p++;
    in.n--;
    g_byte_array_append(st, sc->stream->data, sc->stream->len);
    sg_rebase_timers(sc, st);
    while (in.n >= SG_PATCH_SIZE && in.p[0] % 5 != 4) {
        uint8_t kind = in.p[0] % 5, how = in.p[3];
        uint16_t where = in.p[1] | in.p[2] << 8;
        const uint8_t *v = in.p + 4;

        switch (kind) {
        case 0:
            if (st->len) {
                unsigned int off = where % st->len;

                memcpy(st->data + off, v, MIN((how & 7) + 1, st->len - off));
            }
            break;
        case 1:
            if (sc->fields->len) {
                sg_patch_field(st, &g_array_index(sc->fields, SgField,
                                                  where % sc->fields->len),
                               how, v);
            }
            break;
        case 2:
            if (st->len) {
                st->data[(where / 8) % st->len] ^= 1 << (where & 7);
            }
            break;
        default:
            g_byte_array_set_size(st, MIN(where, st->len));
            break;
        }
        in.p += SG_PATCH_SIZE;
        in.n -= SG_PATCH_SIZE;
        patches++;
    }
    if (in.n) {
        in.p++;         /* the stop record's kind byte */
        in.n--;
    }
    sg_restore_ram(sc);
    if (sg_load(st)) {
        sg_after_load();
        sg_run_ops(&in);
        sg_rx_probe();
    } else if (!patches) {
        /*
         * Oracle: a state the device got into by itself must migrate
         * (issue 12: a channel halted by START on an unconfigured ring
         * made the destination exit).
         */
        fprintf(stderr, "sgnic-fuzz: the device refused its own stream "
                "(scenario %u)\n", data[0] % SG_SCENARIOS);
        abort();
    } else {
        /* A refused stream leaves a half-loaded device: reset it. */
        device_cold_reset(sg.dev);
    }
    sg_finish();
}

/* ---- Seeds -------------------------------------------------------------- */

static void sg_write_seed(const char *dir, const char *target,
                          const char *name, GByteArray *p)
{
    g_autofree gchar *d = g_build_filename(dir, target, NULL);
    g_autofree gchar *path = g_build_filename(d, name, NULL);

    g_mkdir_with_parents(d, 0755);
    g_assert(g_file_set_contents(path, (const char *)p->data, p->len, NULL));
    g_byte_array_set_size(p, 0);
}

static void sg_seeds_ops(const char *dir)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    const char *t = "sgnic-ops";
    unsigned int i;

    /* TX: plain, checksum offload, TSO over 3 buffers, at odd offsets */
    sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 60, 0x30, 0);
    sg_emit_tx(p, 0, 1, SG_FR_UDP4, 0, 1514, 0x35, 1 << 5 | 2 << 3);
    sg_emit_tx(p, 0, 3, SG_FR_TCP4, 0, 9000, 0x3e, 5 | 1 << 5);
    sg_emit_tx(p, 1, 6, SG_FR_TCP6, 0, 4000, 0x3d, 5 | 3 << 5 | 1 << 3);
    sg_emit_tx(p, 0, 8, SG_FR_UDP6, 0, 2000, 0x36, 2 << 5);
    sg_write_seed(dir, t, "tx-offloads", p);

    /* TX policy: too long, too fragmented, crossing the boundary, TSO junk */
    sg_emit(p, SG_OP_TUNABLE, 1, 1, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 3000, 0x31, 0);
    sg_emit(p, SG_OP_TUNABLE, 3, 5, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 2, SG_FR_TCP4, 0, 3000, 0x30, 2 << 3);
    sg_emit_tx(p, 0, 4, SG_FR_TCP4, 0, 3000, 0x78, 0);
    sg_emit_tx(p, 0, 6, SG_FR_OTHER, 0, 100, 0x3c, 1);
    sg_emit(p, SG_OP_TUNABLE, 4, 2, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 8, SG_FR_TCP4, 0, 300, 0x30, 0);
    sg_emit(p, SG_OP_TUNABLE, 5, 1, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 10, SG_FR_TCP4, 0, 300, 0x30, 0);
    sg_write_seed(dir, t, "tx-policy", p);

    /* RX: buffers of 2048 and 256 bytes, frames of every shape */
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit(p, SG_OP_RX_POST, 0, 31, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 8 << 3, 31, 1, SGNIC_DESC_F_STATUS_UPDATE,
            0, 0, 0);
    for (i = 1; i < SG_FR_COUNT; i++) {
        sg_emit_frame(p, i, i * 17, 60 + i * 97, 0, 1);
    }
    sg_emit_frame(p, SG_FR_TCP4, 0, SGNIC_MAX_FRAME, 0, 1);
    sg_emit_frame(p, SG_FR_UDP4, 0, SGNIC_MAX_FRAME + 1, 1, 1);
    sg_emit_frame(p, SG_FR_RUNT, 0, 13, 4, 1);
    sg_emit(p, SG_OP_READ, 0, 20, 0, 0, 0, 0, 0);
    sg_write_seed(dir, t, "rx-frames", p);

    /* RSC: a flow of 6 segments, then one with PSH, then the BH flush */
    sg_emit(p, SG_OP_RSC, 1, 0, 0, 0, 0, 0, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit(p, SG_OP_RX_POST, 0, 31, 4, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit_frame(p, SG_FR_RSC, 0, 0, 5 << 3, 1);
    sg_emit_frame(p, SG_FR_RSC, 0x85, 0, 0, 1);
    sg_emit_frame(p, SG_FR_RSC, 6, 0, 1 << 3, 0);
    sg_emit(p, SG_OP_FLUSH, 0, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RSC, 0, 0, 0, 0, 0, 0, 0);
    sg_write_seed(dir, t, "rsc", p);

    /* Loopback: TX comes back on RX, segmented by TSO, coalesced by RSC */
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK);
    sg_emit(p, SG_OP_RSC, 1, 2, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 0, 63, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 1, 63, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 8000, 0x3e, 5);
    sg_emit_tx(p, 0, 4, SG_FR_RSC, 0, 0, 0x20, 0);
    sg_emit_tx(p, 0, 5, SG_FR_RSC, 1, 0, 0x20, 0);
    sg_emit_tx(p, 1, 6, SG_FR_UDP4, 0, 20000, 0x3a, 1);
    sg_write_seed(dir, t, "loopback", p);

    /* Halts: every ring error, descriptor error and DMA fault */
    for (i = 0; i < 16; i++) {
        sg_emit(p, SG_OP_RING, 0x10 | (i & 3), i, i, i, 0, 0, 0);
    }
    sg_emit(p, SG_OP_RING, 0x30, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_DESC, 0x10, 0, 0, 0, 0, 0x03, 0);
    sg_emit(p, SG_OP_DESC, 0x10, 0, 0, 0xf1, 0xff, 0x03, 0);
    sg_emit(p, SG_OP_DESC, 0x10, 0, 0, 64, 0, 0x83, 0);
    sg_emit(p, SG_OP_DESC, 0x10, 0, 0, 64, 0, 0x02, 0);
    sg_emit(p, SG_OP_DESC, 0xf0, 0, 0xc1, 64, 0, 0x03, 0);
    sg_emit(p, SG_OP_DOORBELL, 0, 3, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RING, 0x31, 0, 0, 7, 0, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 0, 3, 0xa0, SGNIC_DESC_F_STATUS_UPDATE, 0, 0, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit_frame(p, SG_FR_UDP4, 0, 100, 0, 0);
    sg_emit(p, SG_OP_RING, 0x30, 3, 0, 0, 0, 0, 0);
    for (i = 0; i < 72; i += 8) {
        sg_emit(p, SG_OP_DESC, 0xf0, 0, i, 64, 0, i ? 0 : 1, 0);
    }
    sg_emit(p, SG_OP_READ, 0, 17, 0, 0, 0, 0, 0);
    sg_write_seed(dir, t, "halts", p);

    /* Aimed at the device itself: buffers, completions and MSI-X in BAR 0 */
    sg_emit(p, SG_OP_MSIX, 1, 0x80, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_MSIX, 0, 0x81, 0, 0, 0, 0, 0);
    sg_emit_wr(p, SGNIC_REG_MISC_MASK, 0xffffffff);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit(p, SG_OP_RX_POST, 0, 7, 0xc0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit_frame(p, SG_FR_UDP4, 0, 100, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 0, 7, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    sg_emit_frame(p, SG_FR_UDP4, 0, 100, 0, 0);
    /*
     * The first buffer in BAR 0's channels, at BAR 0's end, in the hole,
     * across RAM's end, at the top of the address space.
     */
    sg_emit_tx(p, 0, 15, SG_FR_TCP4, 0, 64, 0x30, 3 << 3);
    sg_emit_tx(p, 0, 12, SG_FR_TCP4, 0, 64, 0x31, 3 << 3);
    sg_emit_tx(p, 0, 1, SG_FR_TCP4, 0, 64, 0x30, 3 << 3);
    sg_emit(p, SG_OP_CMD, 0, 3, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 2, SG_FR_TCP4, 0, 4000, 0x30, 3 << 3);
    sg_emit(p, SG_OP_CMD, 0, 3, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 3, SG_FR_TCP4, 0, 64, 0x30, 3 << 3);
    sg_emit(p, SG_OP_RING, 0x30, 2, 4, 3, 0, 0, 0);
    sg_emit_tx(p, 0, 9, SG_FR_TCP4, 0, 64, 0x30, 3 << 3);
    sg_emit(p, SG_OP_DESC, 0x10, 0, 0x85, 16, 0, 0x3f, 0);
    sg_write_seed(dir, t, "self-dma", p);

    /* Interrupts: moderation by count and time, throttle, masked, deferred */
    sg_emit(p, SG_OP_RING, 0x30, 2, 0, 0, 4, 0, 0);
    sg_emit(p, SG_OP_RING, 0x31, 2, 0, 0, 2 | 2 << 3, 0, 0);
    sg_emit(p, SG_OP_RING, 0x12, 2, 0, 0, 3, 0, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit(p, SG_OP_RX_POST, 0, 15, 0, SGNIC_DESC_F_INTERRUPT, 0, 0, 0);
    for (i = 0; i < 4; i++) {
        sg_emit_tx(p, 0, i, SG_FR_UDP4, 0, 100, 0x20, 0);
        sg_emit_frame(p, SG_FR_UDP4, i, 100, 0, 0);
        sg_emit(p, SG_OP_CLOCK, i + 1, 0, 0, 0, 0, 0, 0);
    }
    sg_emit_tx(p, 1, 8, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_emit_wr(p, SGNIC_REG_IRQ_UNMASK, 0xf);
    sg_emit(p, SG_OP_CLOCK, 7, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_MSIX, 1, 0xc7, 1, 0, 1, 0, 0);
    sg_emit_tx(p, 0, 9, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_emit(p, SG_OP_TUNABLE, 6, 2, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 10, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_emit_tx(p, 0, 11, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_write_seed(dir, t, "interrupts", p);

    /* Multi-queue RX, suspend and resume, channels beyond the queues */
    sg_emit(p, SG_OP_RSC, 0, 2, 0, 0, 0, 0, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC);
    sg_emit(p, SG_OP_RX_POST, 0, 15, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RX_POST, 1, 15, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_CMD, 1, 1, 0, 0, 0, 0, 0);
    for (i = 0; i < 8; i++) {
        sg_emit_frame(p, SG_FR_TCP4 + (i & 1), i, 200, 3, 0);
        sg_emit_frame(p, SG_FR_TCP6, i, 200, 0, 0);
    }
    sg_emit(p, SG_OP_CMD, 1, 2, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RING, 0x3c, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_WRITE, 1, 0x3d, 1, 0, 0, 0, 0);
    sg_emit(p, SG_OP_READ, 1, 0x6e, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 5, 0, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_write_seed(dir, t, "multiqueue", p);

    /* Device-wide: link, MAC, misc causes, resets, bus mastering, FLR */
    sg_emit(p, SG_OP_CTRL, 0x32, 0xff, SGNIC_MISC_TEST, 0, 0, 0, 0);
    sg_emit(p, SG_OP_LINK, 0, 0, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_emit(p, SG_OP_LINK, 1, 0, 0, 0, 0, 0, 0);
    sg_emit_wr(p, SGNIC_REG_MAC_LO, 0x12345678);
    sg_emit_wr(p, SGNIC_REG_MAC_HI, 0xffff9abc);
    sg_emit_wr(p, SGNIC_REG_MISC_CAUSE, 0xffffffff);
    sg_emit(p, SG_OP_PCI, 0, 1, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 1, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit(p, SG_OP_RX_POST, 0, 15, 0, 0, 0, 0, 0);
    sg_emit_frame(p, SG_FR_UDP4, 0, 100, 0, 0);
    sg_emit(p, SG_OP_PCI, 0, 3, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RESET, 0, 0, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 2, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_emit(p, SG_OP_RESET, 1, 0, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 3, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_emit(p, SG_OP_RESET, 2, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_PCI, 4, 3, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RESET, 3, 0, 0, 0, 0, 0, 0);
    for (i = 0; i < ARRAY_SIZE(sg_global_regs); i++) {
        sg_emit(p, SG_OP_READ, 0, i, 0, 0, 0, 0, 0);
    }
    sg_emit(p, SG_OP_READ, 4, 0x10, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_WRITE, 8, 0x0c, 0xff, 0, 0, 0, 0);
    sg_write_seed(dir, t, "device", p);

    /* Unplug with work in flight: a held RSC frame, a timer, TX pending */
    sg_emit(p, SG_OP_RSC, 1, 0, 0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_RING, 0x31, 2, 0, 0, 2, 0, 0);
    sg_emit_wr(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    sg_emit_frame(p, SG_FR_RSC, 0, 0, 1 << 3, 0);
    sg_emit(p, SG_OP_RING, 0x30, 2, 0, 0, 2, 0, 0);
    sg_emit_tx(p, 0, 0, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_emit(p, SG_OP_PCI, 0, 1, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 1, SG_FR_UDP4, 0, 100, 0x20, 0);
    sg_emit(p, SG_OP_REPLUG, SG_REPLUG_MAGIC_A, SG_REPLUG_MAGIC_B,
            0, 0, 0, 0, 0);
    sg_emit(p, SG_OP_CLOCK, 6, 0, 0, 0, 0, 0, 0);
    sg_emit_tx(p, 0, 2, SG_FR_TCP4, 0, 100, 0x30, 0);
    sg_write_seed(dir, t, "replug", p);
}

/* sgnic-rx: [cfg] then [ctl][len lo][len hi][bytes] records. */
static void sg_rx_record(GByteArray *p, uint8_t ctl, uint16_t len,
                         const uint8_t *bytes, size_t n)
{
    const uint8_t hdr[3] = { ctl, len, len >> 8 };

    g_byte_array_append(p, hdr, sizeof(hdr));
    g_byte_array_append(p, bytes, n);
}

static void sg_seeds_rx(const char *dir)
{
    static const uint8_t cfgs[] = {
        0, SG_RXCFG_RSC, SG_RXCFG_MQ | SG_RXCFG_PROMISC,
        SG_RXCFG_SMALL_BUF | SG_RXCFG_COMPL, SG_RXCFG_RSC | SG_RXCFG_IRQ_MOD,
        SG_RXCFG_TINY_RING | SG_RXCFG_RSC_SHORT | SG_RXCFG_SMALL_BUF,
    };
    g_autoptr(GByteArray) p = g_byte_array_new();
    uint8_t frame[SG_FRAME_MAX];
    unsigned int i, k;

    for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
        g_autofree gchar *name = g_strdup_printf("cfg-%02x", cfgs[i]);

        g_byte_array_append(p, &cfgs[i], 1);
        for (k = 1; k < SG_FR_COUNT; k++) {
            const uint8_t tmpl[2] = { k, k * 37 };

            sg_rx_record(p, 0x08 | 0x20 | (k & 1), 64 + k * 300, tmpl, 2);
        }
        for (k = 0; k < 3; k++) {
            const uint8_t tmpl[2] = { SG_FR_RSC, k * 4 };

            sg_rx_record(p, 0x88 | 0x20 | 3, 0, tmpl, 2);
        }
        /* raw frames: a valid TCP segment, runts 0..13, a jumbo */
        k = sg_build_frame(frame, 120, SG_FR_TCP4, 0, 0, NULL, 0);
        sg_rx_record(p, 0, k, frame, k);
        for (k = 0; k < ETH_HLEN; k += 3) {
            sg_rx_record(p, 1, k, frame, k);
        }
        sg_rx_record(p, 0x10 | 0x20 | 2, SGNIC_MAX_FRAME, frame, 60);
        sg_rx_record(p, 0x20, SG_FRAME_MAX, frame, 60);
        sg_write_seed(dir, "sgnic-rx", name, p);
    }
}

static void sg_patch(GByteArray *p, uint8_t kind, uint16_t where, uint8_t how,
                     uint64_t v)
{
    uint8_t rec[SG_PATCH_SIZE] = { kind, where, where >> 8, how };

    stq_le_p(rec + 4, v);
    g_byte_array_append(p, rec, sizeof(rec));
}

/* Field patch by name ("chan[8].irq_en"): how and value as in kind 1. */
static bool sg_patch_named(GByteArray *p, const SgScenario *sc,
                           const char *name, uint8_t how, uint64_t v)
{
    int i = sg_field_find(sc, name);

    if (i < 0) {
        return false;
    }
    sg_patch(p, 1, i, how, v);
    return true;
}

/*
 * Streams a crafted source could send: a moderation timer armed on a
 * channel beyond the queues (issue 12, item 5b), a running ring with a bad
 * size, a held RSC frame longer than the buffer, a bogus state.
 */
static void sg_seeds_migrate_named(const char *dir)
{
    static const struct {
        const char *seed;
        unsigned int scenario;
        const char *field[3];
        uint8_t how[3];
        uint64_t value[3];
    } crafted[] = {
        { "timer-beyond-queues", 3,
          { "chan[8].irq_count", "chan[8].irq_en", "chan[8].mod_timer" },
          { 0, 0, 0 }, { 1, 1, 1 } },
        { "running-bad-ring", 0,
          { "chan[1].state", "chan[1].ring_size", "chan[1].head" },
          { 0, 0, 0 }, { SGNIC_STATE_ACTIVE, 3, 2 } },
        { "rsc-too-long", 2, { "rsc.len", "rsc.hlen" }, { 0, 0 },
          { SGNIC_RSC_MAX_LEN + 1, 54 } },
        { "bad-state", 1, { "chan[0].state", "chan[2].err" }, { 0, 2 },
          { 7, 0 } },
    };
    g_autoptr(GByteArray) p = g_byte_array_new();
    const uint8_t stop = 4;
    unsigned int n, k;

    for (n = 0; n < ARRAY_SIZE(crafted); n++) {
        const SgScenario *sc = &sg_scen[crafted[n].scenario];
        uint8_t b = crafted[n].scenario;
        bool ok = true;

        g_byte_array_append(p, &b, 1);
        for (k = 0; k < 3 && crafted[n].field[k]; k++) {
            ok &= sg_patch_named(p, sc, crafted[n].field[k],
                                 crafted[n].how[k], crafted[n].value[k]);
        }
        g_byte_array_append(p, &stop, 1);
        if (ok) {
            sg_write_seed(dir, "sgnic-migrate", crafted[n].seed, p);
        }
        g_byte_array_set_size(p, 0);
    }
}

static void sg_seeds_migrate(const char *dir)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    const uint8_t stop = 4;
    unsigned int n;

    for (n = 0; n < SG_SCENARIOS; n++) {
        const SgScenario *sc = &sg_scen[n];
        uint8_t b = n;
        g_autofree gchar *plain = g_strdup_printf("scenario-%u", n);
        g_autofree gchar *patched = g_strdup_printf("scenario-%u-fields", n);

        g_byte_array_append(p, &b, 1);
        g_byte_array_append(p, &stop, 1);
        sg_emit_tx(p, 0, 0, SG_FR_TCP4, 0, 100, 0x30, 0);
        sg_emit_frame(p, SG_FR_UDP4, 0, 100, 0, 1);
        sg_write_seed(dir, "sgnic-migrate", plain, p);

        /* a few fields of the last channels, by their place in the stream */
        g_byte_array_append(p, &b, 1);
        sg_patch(p, 1, sc->fields->len - 3, 3, 0);
        sg_patch(p, 1, sc->fields->len - 20, 6, 4);
        sg_patch(p, 1, sc->fields->len / 2, 7, 2);
        g_byte_array_append(p, &stop, 1);
        sg_write_seed(dir, "sgnic-migrate", patched, p);
    }
    sg_seeds_migrate_named(dir);
}

/*
 * generic-fuzz-sgnic speaks generic_fuzz.c's format: an opcode byte and
 * its operands, commands separated by "FUZZ".  Opcodes and operand layouts
 * as in that file (QEMU 10.0).
 */
enum {
    SG_GF_WRITE = 3,
    SG_GF_ADD_DMA_PATTERN = 7,
    SG_GF_CLOCK_STEP = 9,
};
#define SG_GF_SEP "FUZZ"
/* Regions generic-fuzz finds for "sgnic*", in address order. */
#define SG_GF_MMIO 0

static void sg_gf_cmd(GByteArray *p, const void *cmd, size_t len)
{
    if (p->len) {
        g_byte_array_append(p, (const uint8_t *)SG_GF_SEP, strlen(SG_GF_SEP));
    }
    g_byte_array_append(p, cmd, len);
}

static void sg_gf_write(GByteArray *p, uint32_t off, uint32_t val)
{
    /* op, then struct { u8 size; u8 base; u32 offset; u64 value; } */
    uint8_t cmd[1 + 16] = { SG_GF_WRITE, 2, SG_GF_MMIO };

    stl_le_p(cmd + 5, off);
    stq_le_p(cmd + 9, val);
    sg_gf_cmd(p, cmd, sizeof(cmd));
}

static void sg_gf_pattern(GByteArray *p, const void *data, size_t len)
{
    /* op, index, stride, then the pattern */
    const uint8_t op[3] = { SG_GF_ADD_DMA_PATTERN, 0, 0 };
    g_autoptr(GByteArray) cmd = g_byte_array_new();

    g_byte_array_append(cmd, op, sizeof(op));
    g_byte_array_append(cmd, data, len);
    sg_gf_cmd(p, cmd->data, cmd->len);
}

static void sg_gf_ring(GByteArray *p, unsigned int c, uint64_t base)
{
    sg_gf_write(p, SGNIC_CHAN_REG(c, SGNIC_CH_RING_LO), base);
    sg_gf_write(p, SGNIC_CHAN_REG(c, SGNIC_CH_RING_SIZE), SGNIC_RING_MIN);
    sg_gf_write(p, SGNIC_CHAN_REG(c, SGNIC_CH_COMPL_LO), base + 0x1000);
    sg_gf_write(p, SGNIC_CHAN_REG(c, SGNIC_CH_IRQ_EN), 1);
    sg_gf_write(p, SGNIC_CHAN_REG(c, SGNIC_CH_CMD), SGNIC_CMD_START);
}

/*
 * generic-fuzz fills every DMA read from RAM with its patterns in turn, so
 * descriptors and buffers come from two patterns: a descriptor pointing at
 * a buffer, and a frame.
 */
static void sg_seeds_generic(const char *dir)
{
    g_autoptr(GByteArray) p = g_byte_array_new();
    struct sgnic_desc d = { 0 };
    static uint8_t frame[SG_FRAME_MAX];
    size_t flen;
    unsigned int i;

    d.addr = cpu_to_le64(0x300000);
    d.len = cpu_to_le32(128);
    d.flags = cpu_to_le32(SGNIC_DESC_F_SOP | SGNIC_DESC_F_EOP |
                          SGNIC_DESC_F_STATUS_UPDATE | SGNIC_DESC_F_INTERRUPT |
                          SGNIC_DESC_F_CSUM);
    flen = sg_build_frame(frame, 128, SG_FR_TCP4, 0, 0, NULL, 0);

    sg_gf_pattern(p, &d, sizeof(d));
    sg_gf_pattern(p, frame, flen);
    sg_gf_ring(p, SGNIC_CHAN_TX(0), 0x100000);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 1);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 3);
    sg_write_seed(dir, "generic-fuzz-sgnic", "tx", p);

    sg_gf_pattern(p, &d, sizeof(d));
    sg_gf_pattern(p, frame, flen);
    sg_gf_write(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK |
                SGNIC_CTRL_PROMISC);
    sg_gf_ring(p, SGNIC_CHAN_RX(0), 0x200000);
    sg_gf_write(p, SGNIC_CHAN_REG(1, SGNIC_CH_TAIL), 7);
    sg_gf_ring(p, SGNIC_CHAN_TX(0), 0x100000);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 2);
    sg_write_seed(dir, "generic-fuzz-sgnic", "loopback", p);

    /*
     * RSC through loopback: two segments of one flow back to back.  DMA
     * reads take the patterns in turn (descriptor, its buffer, the next
     * descriptor, its buffer), and each buffer needs its own address.
     */
    for (i = 0; i < 2; i++) {
        flen = sg_build_frame(frame, 0, SG_FR_RSC, i, 0, NULL, 0);
        d.addr = cpu_to_le64(0x300000 + i * 0x10000);
        d.len = cpu_to_le32(flen);
        sg_gf_pattern(p, &d, sizeof(d));
        sg_gf_pattern(p, frame, flen);
    }
    sg_gf_write(p, SGNIC_REG_RSC_MAX_LEN, SGNIC_RSC_MAX_LEN);
    sg_gf_write(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK);
    sg_gf_ring(p, SGNIC_CHAN_RX(0), 0x200000);
    sg_gf_write(p, SGNIC_CHAN_REG(1, SGNIC_CH_TAIL), 7);
    sg_gf_ring(p, SGNIC_CHAN_TX(0), 0x100000);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 1);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 2);
    sg_gf_cmd(p, (const uint8_t[]){ SG_GF_CLOCK_STEP }, 1);
    sg_write_seed(dir, "generic-fuzz-sgnic", "rsc-loopback", p);

    /*
     * Aimed at the device: a TX buffer in BAR 0 and an RX buffer on CTRL
     * (through loopback), the completion word and MSI-X table in BAR 0
     * and BAR 2.
     */
    d.addr = cpu_to_le64(sg.bar0_default + SGNIC_REG_CTRL);
    d.len = cpu_to_le32(64);
    sg_gf_pattern(p, &d, sizeof(d));
    sg_gf_write(p, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK |
                SGNIC_CTRL_PROMISC);
    sg_gf_ring(p, SGNIC_CHAN_RX(0), 0x200000);
    sg_gf_write(p, SGNIC_CHAN_REG(1, SGNIC_CH_COMPL_LO),
                sg.bar0_default + SGNIC_REG_MISC_SET);
    sg_gf_write(p, SGNIC_CHAN_REG(1, SGNIC_CH_TAIL), 7);
    sg_gf_ring(p, SGNIC_CHAN_TX(0), 0x100000);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_COMPL_LO), sg.bar2_default);
    sg_gf_write(p, SGNIC_CHAN_REG(0, SGNIC_CH_TAIL), 2);
    sg_write_seed(dir, "generic-fuzz-sgnic", "self-dma", p);

    /* Registers: every global one written, channel commands on all 16 */
    for (i = 0; i < ARRAY_SIZE(sg_global_regs); i++) {
        sg_gf_write(p, sg_global_regs[i], 0xffffffff);
    }
    for (i = 0; i < SGNIC_NUM_CHANS; i++) {
        sg_gf_write(p, SGNIC_CHAN_REG(i, SGNIC_CH_CMD), SGNIC_CMD_START);
    }
    sg_write_seed(dir, "generic-fuzz-sgnic", "registers", p);
}

/*
 * sgnic-write-seeds: write every target's seeds under $SGNIC_FUZZ_SEED_DIR
 * and exit.  The migrate seeds need the scenarios' field tables, so this
 * target boots the same machine.
 */
static void sg_write_seeds_pre_fuzz(QTestState *s)
{
    const char *dir = g_getenv("SGNIC_FUZZ_SEED_DIR");

    if (!dir) {
        fprintf(stderr, "sgnic-write-seeds: set SGNIC_FUZZ_SEED_DIR\n");
        exit(1);
    }
    sg_migrate_pre_fuzz(s);
    sg_seeds_ops(dir);
    sg_seeds_rx(dir);
    sg_seeds_migrate(dir);
    sg_seeds_generic(dir);
    /* exit() from a target is a crash to libFuzzer */
    _exit(0);
}

static void sg_nop_fuzz(QTestState *s, const unsigned char *data, size_t size)
{
}

static void sg_register_targets(void)
{
    fuzz_add_target(&(FuzzTarget){
        .name = "sgnic-ops",
        .description = "sgnic: registers, rings, descriptors aimed anywhere, "
                       "doorbells, MSI-X, frames, clock, link, resets",
        .get_init_cmdline = sg_cmdline,
        .pre_fuzz = sg_pre_fuzz,
        .fuzz = sg_ops_fuzz,
    });
    fuzz_add_target(&(FuzzTarget){
        .name = "sgnic-rx",
        .description = "sgnic: frames from the network into running rings",
        .get_init_cmdline = sg_cmdline,
        .pre_fuzz = sg_pre_fuzz,
        .fuzz = sg_rx_fuzz,
    });
    fuzz_add_target(&(FuzzTarget){
        .name = "sgnic-migrate",
        .description = "sgnic: VMState streams patched field by field, "
                       "loaded and exercised",
        .get_init_cmdline = sg_cmdline,
        .pre_fuzz = sg_migrate_pre_fuzz,
        .fuzz = sg_migrate_fuzz,
    });
    fuzz_add_target(&(FuzzTarget){
        .name = "sgnic-write-seeds",
        .description = "sgnic: write the seed corpora to $SGNIC_FUZZ_SEED_DIR",
        .get_init_cmdline = sg_cmdline,
        .pre_fuzz = sg_write_seeds_pre_fuzz,
        .fuzz = sg_nop_fuzz,
    });
}

fuzz_target_init(sg_register_targets);
