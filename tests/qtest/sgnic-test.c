/*
 * qtest for the sgnic PCI NIC (qemu-device/): registers, descriptor rings,
 * transmit and receive through a socketpair netdev, completion and
 * interrupt delivery, halting errors, fault injection and a random stress.
 *
 * Each case boots its own QEMU (q35, qtest accelerator) with
 * "-netdev socket,fd=N": the test holds the other end of the socketpair, so
 * it reads every frame the device transmits and injects frames for the
 * device to receive.  The socket netdev frames each packet as a 4-byte
 * big-endian length followed by the bytes.
 *
 * MSI-X vectors stay masked: a message the device sends shows up as the
 * vector's bit in the PBA, which the test polls and clears.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "libqos/malloc-pc.h"
#include "libqos/libqos-malloc.h"
#include "qobject/qdict.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "hw/pci/pci_regs.h"
#include <arpa/inet.h>
#include <poll.h>
#include <sys/ioctl.h>
#include "hw/net/sgnic_hw.h"

#define SG_DEVFN        QPCI_DEVFN(4, 0)
#define SG_MAC          "52:54:00:12:34:56"
static const uint8_t sg_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* One booted QEMU with one sgnic. */
typedef struct Sg {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;
    int sock;           /* our end of the netdev socketpair */
    unsigned queues;
    uint64_t msix_sink; /* where unmasked MSI-X messages land */
} Sg;

/* A descriptor ring the test drives. */
typedef struct Ring {
    unsigned chan;
    uint64_t base;
    uint32_t size;
    uint32_t tail;
    uint64_t compl;     /* completion address, 0 = none */
} Ring;

/* ---- QEMU lifetime --------------------------------------------------------- */

static const char *firmware_dir(void)
{
    static char *dir;
    const char *cache;

    if (dir) {
        return dir;
    }
    if (g_getenv("SGNIC_FIRMWARE_DIR")) {
        dir = g_strdup(g_getenv("SGNIC_FIRMWARE_DIR"));
    } else {
        cache = g_getenv("SGNIC_CACHE");
        dir = cache ? g_build_filename(cache, "firmware", NULL)
                    : g_build_filename(g_get_home_dir(), ".cache", "sgnic",
                                       "firmware", NULL);
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_free(dir);
        dir = g_strdup("");
    }
    return dir;
}

/*
 * Start QEMU with "-device sgnic,<props>" (props may be NULL) plus extra
 * arguments, and find the device; nothing is configured yet.  With hub,
 * the socket reaches the NIC through a hub (-netdev hubport), as the
 * selftest guests' two ports are joined.
 */
static void sg_launch_net(Sg *t, const char *props, const char *extra, bool hub)
{
    int sv[2];
    const char *fw = firmware_dir();
    g_autofree char *lopt = *fw ? g_strdup_printf("-L %s ", fw) : g_strdup("");
    const char *q;

    memset(t, 0, sizeof(*t));
    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    t->qts = qtest_initf("%s-M q35 -nodefaults "
                         "-netdev socket,id=n0,fd=%d %s"
                         "-device sgnic,id=nic0,netdev=%s,mac=" SG_MAC
                         ",addr=04.0%s%s %s",
                         lopt, sv[1],
                         hub ? "-netdev hubport,id=h0,hubid=0,netdev=n0 "
                               "-netdev hubport,id=h1,hubid=0 " : "",
                         hub ? "h1" : "n0",
                         props ? "," : "", props ? props : "",
                         extra ? extra : "");
    close(sv[1]);
    t->sock = sv[0];
    g_unix_set_fd_nonblocking(t->sock, true, NULL);

    pc_alloc_init(&t->alloc, t->qts, ALLOC_NO_FLAGS);
    t->bus = qpci_new_pc(t->qts, &t->alloc);
    t->dev = qpci_device_find(t->bus, SG_DEVFN);
    g_assert(t->dev);
    q = props ? strstr(props, "queues=") : NULL;
    t->queues = q ? atoi(q + 7) : 2;
}

static void sg_launch(Sg *t, const char *props, const char *extra)
{
    sg_launch_net(t, props, extra, false);
}

/* Boot and enable the device: memory, bus mastering, BAR 0, MSI-X. */
static void sg_boot_net(Sg *t, const char *props, bool hub)
{
    sg_launch_net(t, props, NULL, hub);
    qpci_device_enable(t->dev);
    t->bar = qpci_iomap(t->dev, SGNIC_BAR_REGS, NULL);
    qpci_msix_enable(t->dev);
    t->msix_sink = guest_alloc(&t->alloc, 4096);
}

static void sg_boot(Sg *t, const char *props)
{
    sg_boot_net(t, props, false);
}

static void sg_shutdown(Sg *t)
{
    g_free(t->dev);
    qpci_free_pc(t->bus);
    alloc_destroy(&t->alloc);
    qtest_quit(t->qts);
    close(t->sock);
}

/* ---- registers ------------------------------------------------------------- */

static uint32_t rd(Sg *t, uint32_t off)
{
    return qpci_io_readl(t->dev, t->bar, off);
}

static void wr(Sg *t, uint32_t off, uint32_t val)
{
    qpci_io_writel(t->dev, t->bar, off, val);
}

static uint32_t crd(Sg *t, unsigned c, uint32_t reg)
{
    return rd(t, SGNIC_CHAN_REG(c, reg));
}

static void cwr(Sg *t, unsigned c, uint32_t reg, uint32_t val)
{
    wr(t, SGNIC_CHAN_REG(c, reg), val);
}

static uint32_t cstate(Sg *t, unsigned c)
{
    return SGNIC_CH_STATE(crd(t, c, SGNIC_CH_STATUS));
}

static uint32_t cerr(Sg *t, unsigned c)
{
    return SGNIC_CH_ERR(crd(t, c, SGNIC_CH_STATUS));
}

/* ---- rings and descriptors ------------------------------------------------- */

/* Program a ring (size descriptors, zeroed) and optionally start it. */
static void ring_init(Sg *t, Ring *r, unsigned chan, uint32_t size,
                      bool with_compl, bool start)
{
    memset(r, 0, sizeof(*r));
    r->chan = chan;
    r->size = size;
    r->base = guest_alloc(&t->alloc, size * SGNIC_DESC_SIZE);
    g_assert_cmphex(r->base % SGNIC_DESC_ALIGN, ==, 0);
    qtest_memset(t->qts, r->base, 0, size * SGNIC_DESC_SIZE);
    if (with_compl) {
        r->compl = guest_alloc(&t->alloc, 64);
        qtest_writeq(t->qts, r->compl, 0);
    }
    cwr(t, chan, SGNIC_CH_RING_LO, (uint32_t)r->base);
    cwr(t, chan, SGNIC_CH_RING_HI, r->base >> 32);
    cwr(t, chan, SGNIC_CH_RING_SIZE, size);
    cwr(t, chan, SGNIC_CH_COMPL_LO, (uint32_t)r->compl);
    cwr(t, chan, SGNIC_CH_COMPL_HI, r->compl >> 32);
    if (start) {
        cwr(t, chan, SGNIC_CH_CMD, SGNIC_CMD_START);
        g_assert_cmpuint(cstate(t, chan), ==, SGNIC_STATE_IDLE);
    }
}

static uint64_t desc_addr(Ring *r, uint32_t i)
{
    return r->base + (uint64_t)(i % r->size) * SGNIC_DESC_SIZE;
}

/* Fill descriptor i (status cleared). */
static void desc_put(Sg *t, Ring *r, uint32_t i, uint64_t addr, uint32_t len,
                     uint32_t flags, uint16_t mss)
{
    struct sgnic_desc d;

    memset(&d, 0, sizeof(d));
    d.addr = cpu_to_le64(addr);
    d.len = cpu_to_le32(len);
    d.flags = cpu_to_le32(flags);
    d.mss = cpu_to_le16(mss);
    qtest_memwrite(t->qts, desc_addr(r, i), &d, sizeof(d));
}

static uint32_t desc_status(Sg *t, Ring *r, uint32_t i)
{
    return qtest_readl(t->qts, desc_addr(r, i) + SGNIC_DESC_STATUS_OFFSET);
}

static uint32_t desc_xfer(Sg *t, Ring *r, uint32_t i)
{
    return qtest_readl(t->qts, desc_addr(r, i) + SGNIC_DESC_STATUS_OFFSET + 4);
}

static uint32_t desc_hash(Sg *t, Ring *r, uint32_t i)
{
    return qtest_readl(t->qts, desc_addr(r, i) + SGNIC_DESC_STATUS_OFFSET + 12);
}

/* The status bits of an RX frame's hash type (SGNIC_HASH_*). */
#define HASH_ST(type)   ((uint32_t)(type) << SGNIC_DESC_S_HASH_SHIFT)

/* Queue the next descriptor at the software tail (no doorbell). */
static uint32_t ring_push(Sg *t, Ring *r, uint64_t addr, uint32_t len,
                          uint32_t flags, uint16_t mss)
{
    uint32_t i = r->tail;

    desc_put(t, r, i, addr, len, flags, mss);
    r->tail = (r->tail + 1) % r->size;
    return i;
}

static void ring_doorbell(Sg *t, Ring *r)
{
    cwr(t, r->chan, SGNIC_CH_TAIL, r->tail);
}

/* Copy bytes into freshly allocated guest memory. */
static uint64_t guest_buf(Sg *t, const void *data, size_t len)
{
    uint64_t a = guest_alloc(&t->alloc, len);

    qtest_memwrite(t->qts, a, data, len);
    return a;
}


/* ---- MSI-X --------------------------------------------------------------------- */

/* The vector's PBA bit: a message was sent while the vector is masked. */
static bool irq_pending(Sg *t, unsigned vec)
{
    return qpci_msix_pending(t->dev, vec);
}

/* Point MSI-X vector vec at addr with data, and unmask it. */
static void msix_route(Sg *t, unsigned vec, uint64_t addr, uint32_t data)
{
    uint64_t e = t->dev->msix_table_off + vec * PCI_MSIX_ENTRY_SIZE;

    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_LOWER_ADDR,
                   (uint32_t)addr);
    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_UPPER_ADDR,
                   addr >> 32);
    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_DATA, data);
    qpci_io_writel(t->dev, t->dev->msix_table_bar,
                   e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
}

/*
 * Clear the vector's pending bit: point the entry at a scratch buffer,
 * unmask it (QEMU delivers the pending message there) and mask it again.
 */
static void irq_clear(Sg *t, unsigned vec)
{
    uint64_t e = t->dev->msix_table_off + vec * PCI_MSIX_ENTRY_SIZE;

    msix_route(t, vec, t->msix_sink, vec);
    qpci_io_writel(t->dev, t->dev->msix_table_bar,
                   e + PCI_MSIX_ENTRY_VECTOR_CTRL, PCI_MSIX_ENTRY_CTRL_MASKBIT);
    g_assert(qpci_msix_masked(t->dev, vec));
    g_assert(!irq_pending(t, vec));
}

/* ---- QMP ----------------------------------------------------------------------- */

/* QEMU is alive and its monitor answers. */
static void assert_alive(Sg *t)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'query-status'}");

    g_assert(rsp);
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
}

/* qom-set a uint32 property of nic0; true on success. */
static bool qom_set_u32(Sg *t, const char *prop, uint64_t val)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'qom-set', 'arguments': "
                           "{'path': '/machine/peripheral/nic0', "
                           "'property': %s, 'value': %" PRIu64 "}}", prop, val);
    bool ok;

    g_assert(rsp);
    ok = qdict_haskey(rsp, "return");
    g_assert(ok != qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    return ok;
}

static uint64_t qom_get_u32(Sg *t, const char *prop)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': '/machine/peripheral/nic0', "
                           "'property': %s}}", prop);
    uint64_t v;

    g_assert(rsp && qdict_haskey(rsp, "return"));
    v = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return v;
}

static void set_link(Sg *t, bool up)
{
    qtest_qmp_assert_success(t->qts, "{'execute': 'set_link', 'arguments': "
                             "{'name': 'n0', 'up': %i}}", up);
}

/* ---- the wire ---------------------------------------------------------------- */

static bool sock_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
    uint8_t *p = buf;

    while (len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, timeout_ms) <= 0) {
            return false;
        }
        n = read(fd, p, len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

/* Read the next frame the device transmitted; -1 if none within timeout. */
static int wire_recv(Sg *t, uint8_t *buf, size_t max, int timeout_ms)
{
    uint32_t be_len, len;

    if (!sock_read_full(t->sock, &be_len, 4, timeout_ms)) {
        return -1;
    }
    len = be32_to_cpu(be_len);
    g_assert_cmpuint(len, <=, max);
    g_assert(sock_read_full(t->sock, buf, len, 5000));
    return len;
}

/* Nothing is waiting on the wire (TX is synchronous with the doorbell). */
static void wire_assert_empty(Sg *t)
{
    uint8_t buf[16384];

    g_assert_cmpint(wire_recv(t, buf, sizeof(buf), 100), ==, -1);
}

static void sock_write_full(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
        n = write(fd, p, len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        g_assert_cmpint(n, >, 0);
        p += n;
        len -= n;
    }
}

/*
 * Send n frames in one write, so that QEMU reads them as one burst: the
 * device sees them back to back, with no bottom half run in between.
 */
static void wire_send_many(Sg *t, const uint8_t *const *frames,
                           const size_t *lens, unsigned n)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    unsigned k;

    for (k = 0; k < n; k++) {
        uint32_t be_len = cpu_to_be32(lens[k]);

        g_byte_array_append(b, (const uint8_t *)&be_len, 4);
        g_byte_array_append(b, frames[k], lens[k]);
    }
    sock_write_full(t->sock, b->data, b->len);
}

static void wire_send(Sg *t, const void *frame, size_t len)
{
    const uint8_t *f = frame;

    wire_send_many(t, &f, &len, 1);
}

/* ---- frames ------------------------------------------------------------------ */

/* A plain Ethernet frame of len bytes (ethertype 0x88b5, local experimental). */
static void make_raw(uint8_t *f, size_t len, const uint8_t *dst, uint8_t seed)
{
    size_t i;

    memcpy(f, dst, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    for (i = 14; i < len; i++) {
        f[i] = (uint8_t)(seed + i * 7);
    }
}

#define ETH_HDR         14
#define IP_HDR          20
#define UDP_HDR         8
#define TCP_HDR         20

/* Add bytes to a ones'-complement sum as big-endian 16-bit words. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += p[i] << 8 | p[i + 1];
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

/* Sum of the IPv4 pseudo header of the L4 segment in frame f. */
static uint32_t pseudo_sum(const uint8_t *f, uint8_t proto, uint16_t l4_len)
{
    uint32_t sum = csum_add(0, f + ETH_HDR + 12, 8);

    return sum + proto + l4_len;
}

/* Ethernet + IPv4 header for an L4 payload of l4_len bytes. */
static void put_eth_ip(uint8_t *f, const uint8_t *dst, uint8_t proto,
                       size_t l4_len, uint16_t ip_id)
{
    uint8_t *ip = f + ETH_HDR;

    memcpy(f, dst, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    memset(ip, 0, IP_HDR);
    ip[0] = 0x45;
    stw_be_p(ip + 2, IP_HDR + l4_len);
    stw_be_p(ip + 4, ip_id);
    ip[8] = 64;
    ip[9] = proto;
    stl_be_p(ip + 12, 0x0a000001);     /* 10.0.0.1 */
    stl_be_p(ip + 16, 0x0a000002);     /* 10.0.0.2 */
    stw_be_p(ip + 10, csum_fold(csum_add(0, ip, IP_HDR)));
}

/*
 * An IPv4/UDP frame with payload bytes; the UDP checksum is filled when
 * with_csum, else left zero.  Returns the frame length.
 */
static size_t make_udp(uint8_t *f, const uint8_t *dst, size_t payload,
                       uint8_t seed, bool with_csum)
{
    uint8_t *udp = f + ETH_HDR + IP_HDR;
    size_t l4_len = UDP_HDR + payload, i;

    put_eth_ip(f, dst, 17, l4_len, 0x1234);
    stw_be_p(udp, 4000);
    stw_be_p(udp + 2, 5000);
    stw_be_p(udp + 4, l4_len);
    stw_be_p(udp + 6, 0);
    for (i = 0; i < payload; i++) {
        udp[UDP_HDR + i] = (uint8_t)(seed + i * 13);
    }
    if (with_csum) {
        uint16_t c = csum_fold(csum_add(pseudo_sum(f, 17, l4_len), udp, l4_len));

        stw_be_p(udp + 6, c ? c : 0xffff);
    }
    return ETH_HDR + IP_HDR + l4_len;
}

/* An IPv4/TCP frame (checksum left zero). */
static size_t make_tcp(uint8_t *f, const uint8_t *dst, size_t payload,
                       uint32_t seq, uint8_t seed)
{
    uint8_t *tcp = f + ETH_HDR + IP_HDR;
    size_t i;

    put_eth_ip(f, dst, 6, TCP_HDR + payload, 0x4321);
    memset(tcp, 0, TCP_HDR);
    stw_be_p(tcp, 40000);
    stw_be_p(tcp + 2, 80);
    stl_be_p(tcp + 4, seq);
    stl_be_p(tcp + 8, 1);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18;                     /* PSH | ACK */
    stw_be_p(tcp + 14, 65535);
    for (i = 0; i < payload; i++) {
        tcp[TCP_HDR + i] = (uint8_t)(seed + i * 29);
    }
    return ETH_HDR + IP_HDR + TCP_HDR + payload;
}

static bool ip_csum_ok(const uint8_t *f)
{
    return csum_fold(csum_add(0, f + ETH_HDR, IP_HDR)) == 0;
}

/* The TCP or UDP checksum of an IPv4 frame verifies. */
static bool l4_csum_ok(const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + ETH_HDR;
    uint16_t l4_len = lduw_be_p(ip + 2) - IP_HDR;

    g_assert_cmpuint(ETH_HDR + IP_HDR + l4_len, <=, len);
    return csum_fold(csum_add(pseudo_sum(f, ip[9], l4_len),
                              ip + IP_HDR, l4_len)) == 0;
}

/* ---- test cases ---------------------------------------------------------------- */

#define F_PKT   (SGNIC_DESC_F_SOP | SGNIC_DESC_F_EOP)

/* Wait for the device to set DONE on descriptor i (frames arrive async). */
static uint32_t wait_done(Sg *t, Ring *r, uint32_t i)
{
    gint64 end = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
    uint32_t st;

    while (!((st = desc_status(t, r, i)) & SGNIC_DESC_S_DONE)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    return st;
}

/* Give QEMU time to read the socket, then check descriptor i is untouched. */
static void assert_not_done(Sg *t, Ring *r, uint32_t i)
{
    g_usleep(100 * 1000);
    g_assert_cmphex(desc_status(t, r, i), ==, 0);
}

/* Transmit one frame from one descriptor and ring the doorbell. */
static uint32_t tx_frame(Sg *t, Ring *r, const void *f, size_t len,
                         uint32_t flags)
{
    uint32_t i = ring_push(t, r, guest_buf(t, f, len), len, F_PKT | flags, 0);

    ring_doorbell(t, r);
    return i;
}

/* Receive a frame from the wire and compare it with the expected bytes. */
static void wire_expect(Sg *t, const void *f, size_t len)
{
    g_autofree uint8_t *got = g_malloc(SGNIC_HW_MAX_PKT_LEN);

    g_assert_cmpint(wire_recv(t, got, SGNIC_HW_MAX_PKT_LEN, 2000), ==, len);
    g_assert(!memcmp(got, f, len));
}

static void check_identity(Sg *t, unsigned queues, uint32_t max_xfer,
                           uint32_t max_sg, uint32_t max_seg, uint32_t shift)
{
    g_assert_cmphex(rd(t, SGNIC_REG_ID), ==, SGNIC_ID_MAGIC);
    g_assert_cmphex(rd(t, SGNIC_REG_VERSION), ==,
                    SGNIC_VERSION_MAJOR << 16 | SGNIC_VERSION_MINOR);
    g_assert_cmphex(rd(t, SGNIC_REG_FEATURES), ==,
                    SGNIC_FEAT_TX_CSUM | SGNIC_FEAT_RX_CSUM | SGNIC_FEAT_TSO |
                    SGNIC_FEAT_SG | SGNIC_FEAT_WRITEBACK | SGNIC_FEAT_MSIX |
                    SGNIC_FEAT_RX_MULTIBUF | SGNIC_FEAT_RSC | SGNIC_FEAT_RSS |
                    SGNIC_FEAT_RX_FILTER | SGNIC_FEAT_VLAN |
                    SGNIC_FEAT_MAC_STATS);
    g_assert_cmphex(rd(t, SGNIC_REG_QUEUES), ==,
                    queues | (queues + 1) << SGNIC_QUEUES_VECTORS_SHIFT);
    g_assert_cmpuint(qpci_msix_table_size(t->dev), ==, queues + 1);
    g_assert_cmpuint(rd(t, SGNIC_REG_MAX_XFER), ==, max_xfer);
    g_assert_cmpuint(rd(t, SGNIC_REG_MAX_SG), ==, max_sg);
    g_assert_cmpuint(rd(t, SGNIC_REG_MAX_SEG), ==, max_seg);
    g_assert_cmpuint(rd(t, SGNIC_REG_SEG_BOUNDARY), ==, shift);
    g_assert_cmpuint(rd(t, SGNIC_REG_MAX_FRAME), ==, SGNIC_MAX_FRAME);
}

static void test_identity(void)
{
    Sg t;
    unsigned c;

    sg_boot(&t, NULL);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_VENDOR_ID), ==,
                    SGNIC_PCI_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==,
                    SGNIC_PCI_DEVICE_ID);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_CLASS_DEVICE), ==,
                    SGNIC_PCI_CLASS);
    check_identity(&t, 2, SGNIC_DEF_MAX_XFER, SGNIC_DEF_MAX_SG,
                   SGNIC_DEF_MAX_SEG, SGNIC_DEF_SEG_BOUNDARY_SHIFT);
    g_assert_cmphex(rd(&t, SGNIC_REG_STATUS), ==, SGNIC_STATUS_LINK_UP);
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_LO), ==, ldl_le_p(sg_mac));
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_HI), ==, lduw_le_p(sg_mac + 4));
    g_assert_cmphex(rd(&t, SGNIC_REG_RX_QUEUES), ==, 1);
    g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 0);
    for (c = 0; c < 4; c++) {
        g_assert_cmphex(crd(&t, c, SGNIC_CH_STATUS), ==, SGNIC_STATE_STOPPED);
    }
    /* Undefined offsets read 0. */
    g_assert_cmphex(rd(&t, 0x0fc), ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_CHAN_REG(4, SGNIC_CH_STATUS)), ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_BAR_REGS_SIZE - 4), ==, 0);
    sg_shutdown(&t);
}

static void test_identity_queues1(void)
{
    Sg t;

    sg_boot(&t, "queues=1");
    check_identity(&t, 1, SGNIC_DEF_MAX_XFER, SGNIC_DEF_MAX_SG,
                   SGNIC_DEF_MAX_SEG, SGNIC_DEF_SEG_BOUNDARY_SHIFT);
    /* Channel 2 does not exist: reads 0, writes ignored. */
    cwr(&t, 2, SGNIC_CH_RING_SIZE, 64);
    g_assert_cmphex(crd(&t, 2, SGNIC_CH_RING_SIZE), ==, 0);
    sg_shutdown(&t);
}

static void test_identity_queues4(void)
{
    Sg t;

    sg_boot(&t, "queues=4");
    check_identity(&t, 4, SGNIC_DEF_MAX_XFER, SGNIC_DEF_MAX_SG,
                   SGNIC_DEF_MAX_SEG, SGNIC_DEF_SEG_BOUNDARY_SHIFT);
    cwr(&t, 7, SGNIC_CH_RING_SIZE, 64);
    g_assert_cmphex(crd(&t, 7, SGNIC_CH_RING_SIZE), ==, 64);
    g_assert_cmphex(crd(&t, 8, SGNIC_CH_RING_SIZE), ==, 0);
    sg_shutdown(&t);
}

static void test_identity_props(void)
{
    Sg t;

    sg_boot(&t, "max-xfer=9000,max-sg=4,max-seg=2048,seg-boundary-shift=12");
    check_identity(&t, 2, 9000, 4, 2048, 12);
    sg_shutdown(&t);
}

static void test_identity_qom_set(void)
{
    static const struct {
        const char *prop;
        uint32_t reg;
        uint32_t good;
        uint64_t bad[2];
    } cases[] = {
        { "max-xfer", SGNIC_REG_MAX_XFER, 1500, { 0, SGNIC_HW_MAX_PKT_LEN + 1 } },
        { "max-sg", SGNIC_REG_MAX_SG, 1, { 0, SGNIC_HW_MAX_CHAIN + 1 } },
        { "max-seg", SGNIC_REG_MAX_SEG, 512, { 0, SGNIC_HW_MAX_BUF_LEN + 1 } },
        { "seg-boundary-shift", SGNIC_REG_SEG_BOUNDARY, 16, { 11, 64 } },
    };
    Sg t;
    size_t i, k;

    sg_boot(&t, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert(qom_set_u32(&t, cases[i].prop, cases[i].good));
        g_assert_cmpuint(rd(&t, cases[i].reg), ==, cases[i].good);
        g_assert_cmpuint(qom_get_u32(&t, cases[i].prop), ==, cases[i].good);
        for (k = 0; k < 2; k++) {
            g_assert(!qom_set_u32(&t, cases[i].prop, cases[i].bad[k]));
            g_assert_cmpuint(rd(&t, cases[i].reg), ==, cases[i].good);
            g_assert_cmpuint(qom_get_u32(&t, cases[i].prop), ==, cases[i].good);
        }
    }
    /* Not a uint32 at all. */
    g_assert(!qom_set_u32(&t, "max-sg", 1ULL << 32));
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_SG), ==, 1);
    g_assert(qom_set_u32(&t, "inject-short", 7));
    g_assert_cmpuint(qom_get_u32(&t, "inject-short"), ==, 7);
    assert_alive(&t);
    sg_shutdown(&t);
}

static void test_tx_single(void)
{
    Sg t;
    Ring r;
    uint8_t f[128];
    uint32_t i;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, sizeof(f));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_COMPLETED), ==, 1);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_DOORBELLS), ==, 1);
    wire_assert_empty(&t);

    /* Wrap around a ring of 8 with one frame per doorbell. */
    ring_init(&t, &r, SGNIC_CHAN_TX(1), 8, false, true);
    for (i = 0; i < 20; i++) {
        make_raw(f, 60 + i, peer_mac, i);
        tx_frame(&t, &r, f, 60 + i, 0);
        wire_expect(&t, f, 60 + i);
        g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, (i + 1) % 8);
    }
    sg_shutdown(&t);
}

static void test_tx_sg(void)
{
    static const uint32_t lens[] = { 14, 1, 300, 64, 4096, 7 };
    Sg t;
    Ring r;
    uint8_t f[4482];
    size_t off = 0;
    unsigned k, n = G_N_ELEMENTS(lens);

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 3);
    for (k = 0; k < n; k++) {
        uint32_t flags = (k == 0 ? SGNIC_DESC_F_SOP : 0) |
                         (k == n - 1 ? SGNIC_DESC_F_EOP : 0);

        ring_push(&t, &r, guest_buf(&t, f + off, lens[k]), lens[k], flags, 0);
        off += lens[k];
    }
    g_assert_cmpuint(off, ==, sizeof(f));
    /* A doorbell before EOP is posted sends nothing. */
    cwr(&t, r.chan, SGNIC_CH_TAIL, n - 1);
    wire_assert_empty(&t);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    for (k = 0; k < n; k++) {
        g_assert_cmphex(desc_status(&t, &r, k), ==, SGNIC_DESC_S_DONE);
        g_assert_cmpuint(desc_xfer(&t, &r, k), ==, lens[k]);
    }
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, n);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_COMPLETED), ==, n);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 1);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void test_tx_csum(void)
{
    Sg t;
    Ring r;
    uint8_t f[1024], got[2048];
    size_t len;
    uint32_t i;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    len = make_udp(f, peer_mac, 333, 5, false);
    /* Header and payload in separate descriptors. */
    ring_push(&t, &r, guest_buf(&t, f, 42), 42,
              SGNIC_DESC_F_SOP | SGNIC_DESC_F_CSUM, 0);
    i = ring_push(&t, &r, guest_buf(&t, f + 42, len - 42), len - 42,
                  SGNIC_DESC_F_EOP, 0);
    ring_doorbell(&t, &r);
    g_assert_cmpint(wire_recv(&t, got, sizeof(got), 2000), ==, len);
    g_assert_cmphex(lduw_be_p(got + 40), !=, 0);
    g_assert(l4_csum_ok(got, len));
    /* Everything but the checksum is unchanged. */
    g_assert(!memcmp(got, f, 40));
    g_assert(!memcmp(got + 42, f + 42, len - 42));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);

    /* Without CSUM the zero checksum goes out as it is. */
    tx_frame(&t, &r, f, len, 0);
    wire_expect(&t, f, len);
    sg_shutdown(&t);
}

static void test_tx_tso(void)
{
    enum { MSS = 500, SEGS = 3 };
    Sg t;
    Ring r;
    g_autofree uint8_t *f = g_malloc(4096);
    uint8_t got[2048];
    size_t len, hdr = ETH_HDR + IP_HDR + TCP_HDR;
    uint16_t first_id = 0;
    uint32_t i;
    int k;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    len = make_tcp(f, peer_mac, SEGS * MSS, 1000, 9);
    ring_push(&t, &r, guest_buf(&t, f, hdr), hdr,
              SGNIC_DESC_F_SOP | SGNIC_DESC_F_TSO, MSS);
    i = ring_push(&t, &r, guest_buf(&t, f + hdr, len - hdr), len - hdr,
                  SGNIC_DESC_F_EOP, 0);
    ring_doorbell(&t, &r);
    for (k = 0; k < SEGS; k++) {
        g_assert_cmpint(wire_recv(&t, got, sizeof(got), 2000), ==, hdr + MSS);
        g_assert(!memcmp(got, f, ETH_HDR));
        g_assert_cmpuint(lduw_be_p(got + ETH_HDR + 2), ==, IP_HDR + TCP_HDR + MSS);
        if (k == 0) {
            first_id = lduw_be_p(got + ETH_HDR + 4);
        } else {
            g_assert_cmpuint(lduw_be_p(got + ETH_HDR + 4), ==,
                             (uint16_t)(first_id + k));
        }
        g_assert(ip_csum_ok(got));
        g_assert(l4_csum_ok(got, hdr + MSS));
        g_assert_cmpuint(ldl_be_p(got + ETH_HDR + IP_HDR + 4), ==, 1000 + k * MSS);
        g_assert(!memcmp(got + hdr, f + hdr + k * MSS, MSS));
    }
    wire_assert_empty(&t);
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, len - hdr);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 1);

    /* TSO without an mss is an offload the device refuses. */
    ring_push(&t, &r, guest_buf(&t, f, len), len, F_PKT | SGNIC_DESC_F_TSO, 0);
    ring_doorbell(&t, &r);
    i = r.tail - 1;
    g_assert_cmphex(desc_status(&t, &r, i), ==,
                    SGNIC_DESC_S_DONE | SGNIC_RES_BAD_OFFLOAD);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_PKT_ERRS), ==, 1);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

/* Post n RX buffers of len bytes each with the given flags. */
static uint64_t rx_post(Sg *t, Ring *r, unsigned n, uint32_t len,
                        uint32_t flags, bool doorbell)
{
    uint64_t mem = guest_alloc(&t->alloc, n * len);
    unsigned k;

    qtest_memset(t->qts, mem, 0xee, n * len);
    for (k = 0; k < n; k++) {
        ring_push(t, r, mem + k * len, len, flags, 0);
    }
    if (doorbell) {
        ring_doorbell(t, r);
    }
    return mem;
}

static void rx_setup(Sg *t, Ring *r, unsigned size)
{
    wr(t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    ring_init(t, r, SGNIC_CHAN_RX(0), size, false, true);
}

static void test_rx_single(void)
{
    Sg t;
    Ring r;
    uint8_t f[200], got[256];
    uint64_t mem;
    uint32_t st;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    mem = rx_post(&t, &r, 4, 2048, 0, true);
    make_raw(f, sizeof(f), sg_mac, 11);
    wire_send(&t, f, sizeof(f));
    st = wait_done(&t, &r, 0);
    g_assert_cmphex(st, ==, SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP |
                    SGNIC_DESC_S_EOP);
    g_assert_cmpuint(desc_xfer(&t, &r, 0), ==, sizeof(f));
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmphex(got[sizeof(f)], ==, 0xee);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    g_assert_cmphex(desc_status(&t, &r, 1), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 1);

    /* Broadcast is accepted, another unicast address is filtered. */
    make_raw(f, sizeof(f), peer_mac, 12);
    wire_send(&t, f, sizeof(f));
    memset(f, 0xff, 6);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 1);
    qtest_memread(t.qts, mem + 2048, got, sizeof(f));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 1);
    g_assert_cmphex(desc_status(&t, &r, 2), ==, 0);
    sg_shutdown(&t);
}

static void test_rx_multibuf(void)
{
    Sg t;
    Ring r;
    uint8_t f[600], got[768];
    uint64_t mem;
    unsigned k;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    mem = rx_post(&t, &r, 8, 256, 0, true);
    make_raw(f, sizeof(f), sg_mac, 21);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 2);
    g_assert_cmphex(desc_status(&t, &r, 0), ==,
                    SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP);
    g_assert_cmphex(desc_status(&t, &r, 1), ==, SGNIC_DESC_S_DONE);
    g_assert_cmphex(desc_status(&t, &r, 2), ==,
                    SGNIC_DESC_S_DONE | SGNIC_DESC_S_EOP);
    g_assert_cmpuint(desc_xfer(&t, &r, 0), ==, 256);
    g_assert_cmpuint(desc_xfer(&t, &r, 1), ==, 256);
    g_assert_cmpuint(desc_xfer(&t, &r, 2), ==, 88);
    g_assert_cmphex(desc_status(&t, &r, 3), ==, 0);
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 3);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_COMPLETED), ==, 3);

    /*
     * With every slot posted (15 of 16) a jumbo frame still needs more
     * buffers than the ring holds: dropped, not queued.  So is a frame
     * above MAX_FRAME.
     */
    rx_post(&t, &r, 10, 256, 0, true);
    g_assert_cmpuint(r.tail, ==, 2);
    {
        g_autofree uint8_t *big = g_malloc(SGNIC_MAX_FRAME + 1);

        make_raw(big, SGNIC_MAX_FRAME + 1, sg_mac, 22);
        wire_send(&t, big, SGNIC_MAX_FRAME);
        wire_send(&t, big, SGNIC_MAX_FRAME + 1);
    }
    for (k = 0; k < 2500 && rd(&t, SGNIC_REG_STAT_RX_OVERSIZE) < 2; k++) {
        g_usleep(2000);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_OVERSIZE), ==, 2);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 3);
    g_assert_cmphex(desc_status(&t, &r, 3), ==, 0);
    /* The ring still works. */
    wire_send(&t, f, 100);
    wait_done(&t, &r, 3);
    g_assert_cmpuint(desc_xfer(&t, &r, 3), ==, 100);
    sg_shutdown(&t);
}

static void test_rx_csum(void)
{
    Sg t;
    Ring r;
    uint8_t f[512];
    size_t len;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    rx_post(&t, &r, 4, 256, 0, true);
    len = make_udp(f, sg_mac, 300, 1, true);
    wire_send(&t, f, len);
    /* Two buffers: the checksum status is on the EOP one. */
    g_assert_cmphex(wait_done(&t, &r, 1), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_EOP | SGNIC_DESC_S_L4_CSUM_OK |
                    HASH_ST(SGNIC_HASH_IPV4_UDP));
    g_assert_cmphex(desc_status(&t, &r, 0), ==,
                    SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP);
    f[len - 1] ^= 0x5a;
    wire_send(&t, f, len);
    g_assert_cmphex(wait_done(&t, &r, 3), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_EOP | SGNIC_DESC_S_L4_CSUM_BAD |
                    HASH_ST(SGNIC_HASH_IPV4_UDP));
    /* Not TCP/UDP: neither bit. */
    rx_post(&t, &r, 1, 2048, 0, true);
    make_raw(f, 100, sg_mac, 3);
    wire_send(&t, f, 100);
    g_assert_cmphex(wait_done(&t, &r, 4), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP);
    sg_shutdown(&t);
}

static void test_rx_backpressure(void)
{
    Sg t;
    Ring r;
    uint8_t f[300], got[300];
    uint64_t mem;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    make_raw(f, sizeof(f), sg_mac, 31);
    wire_send(&t, f, sizeof(f));
    /* The buffer is in memory but not posted: the frame waits. */
    mem = rx_post(&t, &r, 1, 2048, 0, false);
    assert_not_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_NOBUF), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 0);
    ring_doorbell(&t, &r);
    wait_done(&t, &r, 0);
    g_assert_cmpuint(desc_xfer(&t, &r, 0), ==, sizeof(f));
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));

    /* A frame that needs two buffers waits while only one is posted. */
    make_raw(f, sizeof(f), sg_mac, 32);
    mem = rx_post(&t, &r, 2, 200, 0, false);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 2);
    wire_send(&t, f, sizeof(f));
    assert_not_done(&t, &r, 1);
    ring_doorbell(&t, &r);
    wait_done(&t, &r, 2);
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 2);
    sg_shutdown(&t);
}

/*
 * Frames held back while the ring is dry arrive in their order also
 * behind a hub.  There the first frame refused waits in the NIC's own
 * queue and the next ones in the hub port's, and QEMU's flush empties the
 * hub's first: the device must deliver its own queue before it.
 */
static void test_rx_backpressure_hub(void)
{
    Sg t;
    Ring r;
    uint8_t f[4][300], got[300];
    uint64_t mem;
    unsigned k;

    sg_boot_net(&t, NULL, true);
    rx_setup(&t, &r, 16);
    mem = rx_post(&t, &r, 4, 2048, 0, false);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 1);
    for (k = 0; k < 4; k++) {
        make_raw(f[k], sizeof(f[k]), sg_mac, 40 + k);
        wire_send(&t, f[k], sizeof(f[k]));
        if (k == 0) {
            wait_done(&t, &r, 0);
        }
    }
    assert_not_done(&t, &r, 1);
    ring_doorbell(&t, &r);
    for (k = 0; k < 4; k++) {
        wait_done(&t, &r, k);
        qtest_memread(t.qts, mem + k * 2048, got, sizeof(got));
        g_assert_cmpuint(desc_xfer(&t, &r, k), ==, sizeof(got));
        g_assert(!memcmp(got, f[k], sizeof(got)));
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 4);
    sg_shutdown(&t);
}

/* ---- completion modes ------------------------------------------------------------ */

#define VEC_Q0  SGNIC_VEC_QUEUE(0)

/* A TX ring on pair 0 with a completion address and its interrupt enabled. */
static void tx_setup_irq(Sg *t, Ring *r)
{
    ring_init(t, r, SGNIC_CHAN_TX(0), 16, true, true);
    cwr(t, r->chan, SGNIC_CH_IRQ_EN, 1);
    g_assert(!irq_pending(t, VEC_Q0));
}

static uint64_t compl_value(Sg *t, Ring *r)
{
    return qtest_readq(t->qts, r->compl);
}

static void test_compl_writeback(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t i;

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    /* The completion address is 8-byte aligned: low bits are dropped. */
    cwr(&t, r.chan, SGNIC_CH_COMPL_LO, (uint32_t)r.compl | 5);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_COMPL_LO), ==, (uint32_t)r.compl);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_STATUS_UPDATE);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(compl_value(&t, &r), ==, desc_addr(&r, i) | SGNIC_STATE_IDLE);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_WRITEBACKS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 0);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_IRQ_EN), ==, 1);

    /* Three packets in one pass, only the middle one asks: its address. */
    ring_push(&t, &r, guest_buf(&t, f, sizeof(f)), sizeof(f), F_PKT, 0);
    i = ring_push(&t, &r, guest_buf(&t, f, sizeof(f)), sizeof(f),
                  F_PKT | SGNIC_DESC_F_STATUS_UPDATE, 0);
    ring_push(&t, &r, guest_buf(&t, f, sizeof(f)), sizeof(f), F_PKT, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    wire_expect(&t, f, sizeof(f));
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(compl_value(&t, &r), ==, desc_addr(&r, i) | SGNIC_STATE_IDLE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 4);
    g_assert(!irq_pending(&t, VEC_Q0));
    sg_shutdown(&t);
}

static void test_compl_interrupt(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100];
    uint32_t i;

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert(!irq_pending(&t, SGNIC_VEC_MISC));
    g_assert(!irq_pending(&t, SGNIC_VEC_QUEUE(1)));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmphex(compl_value(&t, &r), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_WRITEBACKS), ==, 0);
    irq_clear(&t, VEC_Q0);

    /* RX completions raise the pair's vector too. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &rx, SGNIC_CHAN_RX(0), 8, false, true);
    cwr(&t, rx.chan, SGNIC_CH_IRQ_EN, 1);
    rx_post(&t, &rx, 2, 2048, SGNIC_DESC_F_INTERRUPT, true);
    make_raw(f, sizeof(f), sg_mac, 2);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &rx, 0);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert(!irq_pending(&t, SGNIC_VEC_QUEUE(1)));
    sg_shutdown(&t);
}

static void test_compl_both(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t i;
    uint64_t v;

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f),
                 SGNIC_DESC_F_INTERRUPT | SGNIC_DESC_F_STATUS_UPDATE);
    wire_expect(&t, f, sizeof(f));
    g_assert(irq_pending(&t, VEC_Q0));
    v = compl_value(&t, &r);
    g_assert_cmphex(v & SGNIC_COMPL_ADDR_MASK, ==, desc_addr(&r, i));
    g_assert_cmphex(v & SGNIC_COMPL_ERR, ==, 0);
    /* Written with the interrupt, while the channel was still working. */
    g_assert(SGNIC_CH_STATE(v) == SGNIC_STATE_ACTIVE ||
             SGNIC_CH_STATE(v) == SGNIC_STATE_IDLE);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_WRITEBACKS), >=, 1);
    sg_shutdown(&t);
}

static void test_compl_neither(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t k;

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    for (k = 0; k < 3; k++) {
        tx_frame(&t, &r, f, sizeof(f), 0);
        wire_expect(&t, f, sizeof(f));
        g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, k + 1);
        g_assert_cmphex(desc_status(&t, &r, k), ==, SGNIC_DESC_S_DONE);
    }
    g_assert_cmphex(compl_value(&t, &r), ==, 0);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_WRITEBACKS), ==, 0);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_IRQ_EN), ==, 1);
    sg_shutdown(&t);
}

/* ---- interrupt moderation ------------------------------------------------------- */

/* Poll for a vector without moving the virtual clock. */
/* Take the delivered message and re-enable the ring's interrupt. */
static void irq_rearm(Sg *t, Ring *r)
{
    irq_clear(t, VEC_Q0);
    wr(t, SGNIC_REG_IRQ_UNMASK, 1 << r->chan);
}

static bool irq_wait(Sg *t, unsigned vec, int timeout_ms)
{
    gint64 end = g_get_monotonic_time() + timeout_ms * 1000;

    do {
        if (irq_pending(t, vec)) {
            return true;
        }
        g_usleep(1000);
    } while (g_get_monotonic_time() < end);
    return false;
}

static void test_irq_mod_count(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];
    unsigned k;

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    /* count 3, with a long hold-off that the clock never reaches here */
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 3 << SGNIC_IRQ_MOD_COUNT_SHIFT | 10000);
    for (k = 0; k < 3; k++) {
        tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
        wire_expect(&t, f, sizeof(f));
        g_assert_cmpint(irq_pending(&t, VEC_Q0), ==, k == 2);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    irq_clear(&t, VEC_Q0);

    /* Completions without INTERRUPT do not count. */
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << r.chan);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    tx_frame(&t, &r, f, sizeof(f), 0);
    tx_frame(&t, &r, f, sizeof(f), 0);
    g_assert(!irq_pending(&t, VEC_Q0));
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 2);
    irq_clear(&t, VEC_Q0);

    /* Count only: three in one pass make one interrupt. */
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 3 << SGNIC_IRQ_MOD_COUNT_SHIFT);
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << r.chan);
    for (k = 0; k < 3; k++) {
        ring_push(&t, &r, guest_buf(&t, f, sizeof(f)), sizeof(f),
                  F_PKT | SGNIC_DESC_F_INTERRUPT, 0);
    }
    ring_doorbell(&t, &r);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 3);
    irq_clear(&t, VEC_Q0);
    while (wire_recv(&t, f, sizeof(f), 100) >= 0) {
        continue;
    }
    sg_shutdown(&t);
}

static void test_irq_mod_usecs(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 100);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 50 * 1000);
    /* A second completion inside the window joins the first. */
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 49 * 1000);
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 2 * 1000);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    irq_clear(&t, VEC_Q0);
    /* Nothing more comes. */
    qtest_clock_step(t.qts, 1000 * 1000);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);

    /* Count 0, usecs 0: at once. */
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 0);
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << r.chan);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(irq_pending(&t, VEC_Q0));
    sg_shutdown(&t);
}

static void test_irq_mod_count_flush(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];

    /*
     * Count-only moderation (usecs 0) does not hold a lone completion
     * forever: it is flushed after the pass, without the clock moving.
     */
    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 4 << SGNIC_IRQ_MOD_COUNT_SHIFT);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(irq_wait(&t, VEC_Q0, 2000));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    sg_shutdown(&t);
}

static void test_irq_deferred(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 0);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 1000 * 1000);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 0);
    /* Unmasking the other channel of the pair does not send TX's. */
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << SGNIC_CHAN_RX(0));
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_RX(0), SGNIC_CH_IRQ_EN), ==, 1);
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << r.chan);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    /* Sent, so the pair is masked again. */
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_IRQ_EN), ==, 0);
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_RX(0), SGNIC_CH_IRQ_EN), ==, 0);
    irq_clear(&t, VEC_Q0);
    /* Only one was due. */
    wr(&t, SGNIC_REG_IRQ_UNMASK, 3);
    g_assert(!irq_pending(&t, VEC_Q0));

    /* Writing IRQ_EN directly re-arms and delivers too. */
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 0);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 1);
    g_assert(irq_pending(&t, VEC_Q0));
    while (wire_recv(&t, f, sizeof(f), 100) >= 0) {
        continue;
    }
    sg_shutdown(&t);
}

static void test_irq_automask(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    cwr(&t, SGNIC_CHAN_RX(0), SGNIC_CH_IRQ_EN, 1);
    cwr(&t, SGNIC_CHAN_TX(1), SGNIC_CH_IRQ_EN, 1);
    cwr(&t, SGNIC_CHAN_RX(1), SGNIC_CH_IRQ_EN, 1);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_TX(0), SGNIC_CH_IRQ_EN), ==, 0);
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_RX(0), SGNIC_CH_IRQ_EN), ==, 0);
    /* The other pair is untouched. */
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_TX(1), SGNIC_CH_IRQ_EN), ==, 1);
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_RX(1), SGNIC_CH_IRQ_EN), ==, 1);
    irq_clear(&t, VEC_Q0);

    /* Masked: completions meanwhile raise nothing... */
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    /* ...until one IRQ_UNMASK write re-arms the pair. */
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << SGNIC_CHAN_TX(0) | 1 << SGNIC_CHAN_RX(0));
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 2);
    irq_clear(&t, VEC_Q0);
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << SGNIC_CHAN_TX(0) | 1 << SGNIC_CHAN_RX(0));
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_TX(0), SGNIC_CH_IRQ_EN), ==, 1);
    g_assert_cmpuint(crd(&t, SGNIC_CHAN_RX(0), SGNIC_CH_IRQ_EN), ==, 1);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    g_assert(irq_pending(&t, VEC_Q0));
    while (wire_recv(&t, f, sizeof(f), 100) >= 0) {
        continue;
    }
    sg_shutdown(&t);
}

/* ---- channel commands and states -------------------------------------------------- */

static void ring_regs(Sg *t, unsigned c, uint64_t base, uint32_t size)
{
    cwr(t, c, SGNIC_CH_RING_LO, (uint32_t)base);
    cwr(t, c, SGNIC_CH_RING_HI, base >> 32);
    cwr(t, c, SGNIC_CH_RING_SIZE, size);
}

static void chan_reset(Sg *t, unsigned c)
{
    cwr(t, c, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    g_assert_cmphex(crd(t, c, SGNIC_CH_STATUS), ==, SGNIC_STATE_STOPPED);
    g_assert_cmphex(rd(t, SGNIC_REG_HALTED) & (1u << c), ==, 0);
}

static void test_chan_bad_ring(void)
{
    static const struct {
        uint64_t off;       /* added to a good base; ~0 = base 0 */
        uint32_t size;
    } bad[] = {
        { 32, 16 }, { 8, 16 }, { 1, 16 }, { ~0ULL, 16 },
        { 0, 12 }, { 0, 0 }, { 0, 4 }, { 0, 1 }, { 0, 8192 }, { 0, 0x80000000 },
        { 0, 4097 },
    };
    Sg t;
    uint64_t base;
    size_t k;
    unsigned c;

    sg_boot(&t, NULL);
    base = guest_alloc(&t.alloc, SGNIC_RING_MAX * SGNIC_DESC_SIZE + 64);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    for (k = 0; k < G_N_ELEMENTS(bad); k++) {
        for (c = 0; c < 4; c++) {
            ring_regs(&t, c, bad[k].off == ~0ULL ? 0 : base + bad[k].off,
                      bad[k].size);
            cwr(&t, c, SGNIC_CH_CMD, SGNIC_CMD_START);
            g_assert_cmpuint(cstate(&t, c), ==, SGNIC_STATE_HALTED);
            g_assert_cmpuint(cerr(&t, c), ==, SGNIC_ERR_RING_CONFIG);
            g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 1u << c);
            g_assert(rd(&t, SGNIC_REG_MISC_CAUSE) & SGNIC_MISC_CHAN_HALT);
            g_assert(irq_pending(&t, SGNIC_VEC_MISC));
            /* START does not leave HALTED, only RESET does. */
            cwr(&t, c, SGNIC_CH_CMD, SGNIC_CMD_START);
            g_assert_cmpuint(cstate(&t, c), ==, SGNIC_STATE_HALTED);
            chan_reset(&t, c);
            g_assert_cmpuint(crd(&t, c, SGNIC_CH_RING_SIZE), ==, bad[k].size);
            wr(&t, SGNIC_REG_MISC_CAUSE, SGNIC_MISC_CHAN_HALT);
            g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, 0);
            irq_clear(&t, SGNIC_VEC_MISC);
        }
    }
    /* The extremes that are allowed. */
    ring_regs(&t, 0, base, SGNIC_RING_MIN);
    cwr(&t, 0, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, 0), ==, SGNIC_STATE_IDLE);
    ring_regs(&t, 1, base + 64, SGNIC_RING_MAX);
    cwr(&t, 1, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, 1), ==, SGNIC_STATE_IDLE);
    /* Ring registers are read-only while not stopped. */
    ring_regs(&t, 0, base + 4096, 64);
    g_assert_cmphex(crd(&t, 0, SGNIC_CH_RING_LO), ==, (uint32_t)base);
    g_assert_cmpuint(crd(&t, 0, SGNIC_CH_RING_SIZE), ==, SGNIC_RING_MIN);
    /* A tail stored while stopped is checked at START. */
    chan_reset(&t, 2);
    ring_regs(&t, 2, base, 8);
    cwr(&t, 2, SGNIC_CH_TAIL, 8);
    g_assert_cmpuint(crd(&t, 2, SGNIC_CH_TAIL), ==, 8);
    cwr(&t, 2, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, 2), ==, SGNIC_STATE_HALTED);
    g_assert_cmpuint(cerr(&t, 2), ==, SGNIC_ERR_TAIL_RANGE);
    /* Unknown commands change nothing. */
    cwr(&t, 0, SGNIC_CH_CMD, 0);
    cwr(&t, 0, SGNIC_CH_CMD, 5);
    cwr(&t, 0, SGNIC_CH_CMD, 0xffffffff);
    g_assert_cmpuint(cstate(&t, 0), ==, SGNIC_STATE_IDLE);
    assert_alive(&t);
    sg_shutdown(&t);
}

static void test_chan_suspend_resume(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100], got[100];
    uint64_t mem;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    /* SUSPEND and RESUME mean nothing to a stopped channel. */
    cwr(&t, SGNIC_CHAN_TX(1), SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    g_assert_cmpuint(cstate(&t, SGNIC_CHAN_TX(1)), ==, SGNIC_STATE_STOPPED);
    cwr(&t, SGNIC_CHAN_TX(1), SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    g_assert_cmpuint(cstate(&t, SGNIC_CHAN_TX(1)), ==, SGNIC_STATE_STOPPED);
    /* RESUME of a running channel is ignored. */
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);

    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_SUSPENDED);
    tx_frame(&t, &r, f, sizeof(f), 0);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_assert_empty(&t);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_TAIL), ==, 2);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0);
    g_assert_cmphex(desc_status(&t, &r, 0), ==, 0);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_SUSPENDED);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    wire_expect(&t, f, sizeof(f));
    wire_expect(&t, f, sizeof(f));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 2);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);

    /* A suspended RX channel receives nothing; frames wait. */
    rx_setup(&t, &rx, 16);
    mem = rx_post(&t, &rx, 2, 2048, 0, true);
    cwr(&t, rx.chan, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    make_raw(f, sizeof(f), sg_mac, 2);
    wire_send(&t, f, sizeof(f));
    assert_not_done(&t, &rx, 0);
    cwr(&t, rx.chan, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    wait_done(&t, &rx, 0);
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_NOBUF), ==, 0);

    /* A bad tail halts a suspended channel too. */
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 16);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_HALTED);
    g_assert_cmpuint(cerr(&t, r.chan), ==, SGNIC_ERR_TAIL_RANGE);
    sg_shutdown(&t);
}

static void test_chan_reset(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, true);
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 7);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    cwr(&t, r.chan, SGNIC_CH_TAIL, 16);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_HALTED);
    g_assert_cmpuint(cerr(&t, r.chan), ==, SGNIC_ERR_TAIL_RANGE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_ERR_DESC), ==, 16);
    /* Halted: a doorbell only stores the tail. */
    cwr(&t, r.chan, SGNIC_CH_TAIL, 3);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_HALTED);

    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_STATUS), ==, SGNIC_STATE_STOPPED);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_TAIL), ==, 0);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_ERR_DESC), ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 0);
    /* Ring, completion and moderation registers keep their values. */
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_RING_LO), ==, (uint32_t)r.base);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_RING_HI), ==, r.base >> 32);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_RING_SIZE), ==, 16);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_COMPL_LO), ==, (uint32_t)r.compl);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_IRQ_MOD), ==, 7);

    /* It starts again from descriptor 0. */
    r.tail = 0;
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    make_raw(f, sizeof(f), peer_mac, 2);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);

    /* RESET drops a deferred interrupt and a running moderation timer. */
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 0);
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 0);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    cwr(&t, SGNIC_CHAN_TX(1), SGNIC_CH_CMD, SGNIC_CMD_RESET);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    wr(&t, SGNIC_REG_IRQ_UNMASK, 3);
    g_assert(!irq_pending(&t, VEC_Q0));
    r.tail = 0;
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    cwr(&t, r.chan, SGNIC_CH_IRQ_MOD, 100);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    qtest_clock_step(t.qts, 1000 * 1000);
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 0);
    while (wire_recv(&t, f, sizeof(f), 100) >= 0) {
        continue;
    }
    sg_shutdown(&t);
}

static void test_chan_start_running(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_TAIL), ==, 1);
    /* Suspended: START is ignored as well. */
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_SUSPENDED);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 2);
    sg_shutdown(&t);
}

/* ---- per-packet results ------------------------------------------------------------ */

/*
 * Queue a packet of n elements with the given lengths, each from its own
 * buffer at addrs[k] (0 = allocate), filled from frame f.  Returns the
 * index of the first descriptor.
 */
static uint32_t tx_chain(Sg *t, Ring *r, const uint8_t *f, unsigned n,
                         const uint32_t *lens, const uint64_t *addrs,
                         uint32_t sop_flags)
{
    uint32_t first = r->tail;
    size_t off = 0;
    unsigned k;

    for (k = 0; k < n; k++) {
        uint64_t a = addrs && addrs[k] ? addrs[k] : guest_alloc(&t->alloc, lens[k]);
        uint32_t flags = (k == 0 ? SGNIC_DESC_F_SOP | sop_flags : 0) |
                         (k == n - 1 ? SGNIC_DESC_F_EOP : 0);

        qtest_memwrite(t->qts, a, f + off, lens[k]);
        ring_push(t, r, a, lens[k], flags, 0);
        off += lens[k];
    }
    return first;
}

/* Every descriptor of the chain completed with result res and no bytes. */
static void assert_refused(Sg *t, Ring *r, uint32_t first, unsigned n,
                           uint32_t res)
{
    unsigned k;

    for (k = 0; k < n; k++) {
        g_assert_cmphex(desc_status(t, r, first + k), ==, SGNIC_DESC_S_DONE | res);
        g_assert_cmpuint(desc_xfer(t, r, first + k), ==, 0);
    }
}

/* The channel goes on: a good packet after the refused ones is sent. */
static void assert_goes_on(Sg *t, Ring *r, uint32_t pkt_errs)
{
    uint8_t f[90];
    uint32_t i;

    g_assert_cmpuint(cstate(t, r->chan), ==, SGNIC_STATE_IDLE);
    g_assert_cmpuint(crd(t, r->chan, SGNIC_CH_PKT_ERRS), ==, pkt_errs);
    g_assert_cmphex(rd(t, SGNIC_REG_HALTED), ==, 0);
    make_raw(f, sizeof(f), peer_mac, 77);
    i = tx_frame(t, r, f, sizeof(f), 0);
    wire_expect(t, f, sizeof(f));
    g_assert_cmphex(desc_status(t, r, i), ==, SGNIC_DESC_S_DONE);
    wire_assert_empty(t);
}

static void test_pkt_too_many_transfers(void)
{
    static const uint32_t long_pkt[] = { 400, 400, 400 };  /* 1200 > 1000 */
    static const uint32_t long_seg[] = { 100, 600 };        /* 600 > 512 */
    static const uint32_t ok_pkt[] = { 500, 500 };          /* exactly max */
    Sg t;
    Ring r;
    uint8_t f[1200];
    uint32_t i;

    sg_boot(&t, "max-xfer=1000,max-seg=512");
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 32, false, true);
    make_raw(f, sizeof(f), peer_mac, 4);
    i = tx_chain(&t, &r, f, 3, long_pkt, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 3, SGNIC_RES_TOO_MANY_TRANSFERS);
    i = tx_chain(&t, &r, f, 2, long_seg, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 2, SGNIC_RES_TOO_MANY_TRANSFERS);
    wire_assert_empty(&t);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 0);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 5);
    assert_goes_on(&t, &r, 2);
    /* Exactly at the limits is fine, */
    i = tx_chain(&t, &r, f, 2, ok_pkt, NULL, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, 1000);
    /* and a lower limit set with qom-set applies to the next packet. */
    g_assert(qom_set_u32(&t, "max-xfer", 999));
    i = tx_chain(&t, &r, f, 2, ok_pkt, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 2, SGNIC_RES_TOO_MANY_TRANSFERS);
    assert_goes_on(&t, &r, 3);
    sg_shutdown(&t);
}

static void test_pkt_boundary(void)
{
    static const uint32_t lens[] = { 64, 64 };
    Sg t;
    Ring r;
    uint8_t f[128];
    uint64_t pages, addrs[2];
    uint32_t i;

    sg_boot(&t, "seg-boundary-shift=12");
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    pages = guest_alloc(&t.alloc, 3 * 4096);
    g_assert_cmphex(pages % 4096, ==, 0);
    make_raw(f, sizeof(f), peer_mac, 5);
    /* The second element crosses 4 KiB. */
    addrs[0] = pages + 100;
    addrs[1] = pages + 2 * 4096 - 32;
    i = tx_chain(&t, &r, f, 2, lens, addrs, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 2, SGNIC_RES_BOUNDARY);
    wire_assert_empty(&t);
    assert_goes_on(&t, &r, 1);
    /* Ending exactly at the boundary, or starting on it, is fine. */
    addrs[0] = pages + 4096 - 64;
    addrs[1] = pages + 4096;
    tx_chain(&t, &r, f, 2, lens, addrs, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    /* With the default 4 GiB boundary the first chain is fine. */
    g_assert(qom_set_u32(&t, "seg-boundary-shift", 32));
    addrs[0] = pages + 100;
    addrs[1] = pages + 2 * 4096 - 32;
    tx_chain(&t, &r, f, 2, lens, addrs, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    assert_goes_on(&t, &r, 1);
    sg_shutdown(&t);
}

static void test_pkt_too_fragmented(void)
{
    static const uint32_t three[] = { 30, 30, 40 };
    static const uint32_t two[] = { 50, 50 };
    static const uint32_t one[] = { 100 };
    Sg t;
    Ring r;
    uint8_t f[100];
    uint64_t pages, addrs[3] = { 0 };
    uint32_t i;

    sg_boot(&t, "max-sg=2,seg-boundary-shift=12,max-xfer=80");
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 32, false, true);
    make_raw(f, sizeof(f), peer_mac, 6);
    /* Three elements, and too long: the length is checked first. */
    i = tx_chain(&t, &r, f, 3, three, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 3, SGNIC_RES_TOO_MANY_TRANSFERS);
    g_assert(qom_set_u32(&t, "max-xfer", 65536));
    /* Three elements and one crossing 4 KiB: the boundary comes second. */
    pages = guest_alloc(&t.alloc, 2 * 4096);
    addrs[2] = pages + 4096 - 8;
    i = tx_chain(&t, &r, f, 3, three, addrs, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 3, SGNIC_RES_BOUNDARY);
    /* Only too many elements. */
    i = tx_chain(&t, &r, f, 3, three, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 3, SGNIC_RES_TOO_FRAGMENTED);
    /* Two are allowed... */
    tx_chain(&t, &r, f, 2, two, NULL, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    /* ...unless SOP asks for a single transfer. */
    i = tx_chain(&t, &r, f, 2, two, NULL, SGNIC_DESC_F_SINGLE_XFER);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 2, SGNIC_RES_TOO_FRAGMENTED);
    tx_chain(&t, &r, f, 1, one, NULL, SGNIC_DESC_F_SINGLE_XFER);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, sizeof(f));
    wire_assert_empty(&t);
    assert_goes_on(&t, &r, 4);
    /* max-sg=1 is the packet profile: every packet a single transfer. */
    g_assert(qom_set_u32(&t, "max-sg", 1));
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_SG), ==, 1);
    i = tx_chain(&t, &r, f, 2, two, NULL, 0);
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, i, 2, SGNIC_RES_TOO_FRAGMENTED);
    assert_goes_on(&t, &r, 5);
    sg_shutdown(&t);
}

/* ---- malformed input halts ---------------------------------------------------------- */

#define BAD_ADDR    (1ULL << 40)    /* nothing is mapped there */

/*
 * The channel halted with code err at descriptor err_desc: STATUS, ERR_DESC,
 * HALTED, MISC_CAUSE and vector 0, the completion value (if the ring has
 * one), and QEMU still answers.  Then RESET clears it.
 */
static void assert_halted(Sg *t, Ring *r, uint32_t err, uint32_t err_desc)
{
    g_assert_cmpuint(cstate(t, r->chan), ==, SGNIC_STATE_HALTED);
    g_assert_cmphex(cerr(t, r->chan), ==, err);
    g_assert_cmpuint(crd(t, r->chan, SGNIC_CH_ERR_DESC), ==, err_desc);
    g_assert_cmphex(rd(t, SGNIC_REG_HALTED), ==, 1u << r->chan);
    g_assert(rd(t, SGNIC_REG_MISC_CAUSE) & SGNIC_MISC_CHAN_HALT);
    g_assert(irq_pending(t, SGNIC_VEC_MISC));
    if (r->compl && err != SGNIC_ERR_COMPL_WRITE) {
        /*
         * The value names the last descriptor completed, the one before
         * HEAD, never the one that failed (a driver would clean it).
         */
        uint32_t head = crd(t, r->chan, SGNIC_CH_HEAD);

        g_assert_cmphex(qtest_readq(t->qts, r->compl), ==,
                        desc_addr(r, (head - 1) & (r->size - 1)) |
                        SGNIC_STATE_HALTED | SGNIC_COMPL_ERR);
    }
    assert_alive(t);
    /* Halted: doorbells and START change nothing. */
    cwr(t, r->chan, SGNIC_CH_TAIL, 0);
    cwr(t, r->chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    cwr(t, r->chan, SGNIC_CH_CMD, SGNIC_CMD_RESUME);
    g_assert_cmphex(crd(t, r->chan, SGNIC_CH_STATUS), ==,
                    SGNIC_STATE_HALTED | err << SGNIC_STATUS_ERR_SHIFT);
    chan_reset(t, r->chan);
    g_assert_cmphex(rd(t, SGNIC_REG_HALTED), ==, 0);
}

/*
 * Boot, start a TX ring with a completion address and send one good
 * packet at descriptor 0, so the bad one is descriptor 1.
 */
static void halt_setup(Sg *t, Ring *r, uint32_t size)
{
    uint8_t f[64];

    sg_boot(t, NULL);
    wr(t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    ring_init(t, r, SGNIC_CHAN_TX(0), size, true, true);
    make_raw(f, sizeof(f), peer_mac, 8);
    tx_frame(t, r, f, sizeof(f), 0);
    wire_expect(t, f, sizeof(f));
}

static void halt_one_desc(uint64_t addr, uint32_t len, uint32_t flags,
                          uint32_t err)
{
    Sg t;
    Ring r;
    uint32_t i;

    halt_setup(&t, &r, 16);
    if (!addr) {
        addr = guest_alloc(&t.alloc, 4096);
    }
    i = ring_push(&t, &r, addr, len, flags, 0);
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, err, i);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0);
    g_assert_cmphex(desc_status(&t, &r, i), ==, 0);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void test_halt_len_zero(void)
{
    halt_one_desc(0, 0, F_PKT, SGNIC_ERR_DESC_LEN);
}

static void test_halt_len_long(void)
{
    halt_one_desc(0, SGNIC_HW_MAX_BUF_LEN + 1, F_PKT, SGNIC_ERR_DESC_LEN);
}

static void test_halt_flags_reserved(void)
{
    unsigned bit;

    for (bit = 8; bit < 32; bit += 8) {
        halt_one_desc(0, 64, F_PKT | 1u << bit, SGNIC_ERR_DESC_FLAGS);
    }
}

static void test_halt_flags_no_sop(void)
{
    halt_one_desc(0, 64, SGNIC_DESC_F_EOP, SGNIC_ERR_DESC_FLAGS);
}

static void test_halt_buf_read(void)
{
    halt_one_desc(BAD_ADDR, 64, F_PKT, SGNIC_ERR_BUF_READ);
}

static void test_halt_sop_inside(void)
{
    Sg t;
    Ring r;
    uint64_t a;

    /* A second SOP inside a chain is malformed too. */
    halt_setup(&t, &r, 16);
    a = guest_alloc(&t.alloc, 4096);
    ring_push(&t, &r, a, 64, SGNIC_DESC_F_SOP, 0);
    ring_push(&t, &r, a, 64, F_PKT, 0);
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, SGNIC_ERR_DESC_FLAGS, 2);
    sg_shutdown(&t);
}

static void test_halt_tail_range(void)
{
    Sg t;
    Ring r;

    halt_setup(&t, &r, 16);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 16);
    assert_halted(&t, &r, SGNIC_ERR_TAIL_RANGE, 16);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_TAIL), ==, 0);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 0xffffffff);
    g_assert_cmpuint(cerr(&t, r.chan), ==, SGNIC_ERR_TAIL_RANGE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_ERR_DESC), ==, 0xffffffff);
    g_assert_cmphex(qtest_readq(t.qts, r.compl), ==,
                    desc_addr(&r, 15) | SGNIC_STATE_HALTED | SGNIC_COMPL_ERR);
    assert_alive(&t);
    sg_shutdown(&t);
}

static void test_halt_chain(void)
{
    Sg t;
    Ring r;
    uint64_t a;
    uint32_t first;
    unsigned k;

    halt_setup(&t, &r, 128);
    a = guest_alloc(&t.alloc, 4096);
    /* 64 descriptors with EOP: legal for the hardware, too many for max-sg. */
    first = r.tail;
    for (k = 0; k < SGNIC_HW_MAX_CHAIN; k++) {
        ring_push(&t, &r, a, 16, (k == 0 ? SGNIC_DESC_F_SOP : 0) |
                  (k == SGNIC_HW_MAX_CHAIN - 1 ? SGNIC_DESC_F_EOP : 0), 0);
    }
    ring_doorbell(&t, &r);
    assert_refused(&t, &r, first, SGNIC_HW_MAX_CHAIN, SGNIC_RES_TOO_FRAGMENTED);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    /* 65 without EOP halts at the chain's first descriptor. */
    first = r.tail;
    for (k = 0; k <= SGNIC_HW_MAX_CHAIN; k++) {
        ring_push(&t, &r, a, 16, k == 0 ? SGNIC_DESC_F_SOP : 0, 0);
    }
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, SGNIC_ERR_CHAIN, first);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void test_halt_chain_bytes(void)
{
    Sg t;
    Ring r;
    uint64_t a;
    uint32_t first;
    unsigned k;

    /* Five full buffers exceed SGNIC_HW_MAX_PKT_LEN at the fifth. */
    halt_setup(&t, &r, 16);
    a = guest_alloc(&t.alloc, SGNIC_HW_MAX_BUF_LEN);
    first = r.tail;
    for (k = 0; k < 5; k++) {
        ring_push(&t, &r, a, SGNIC_HW_MAX_BUF_LEN,
                  (k == 0 ? SGNIC_DESC_F_SOP : 0) |
                  (k == 4 ? SGNIC_DESC_F_EOP : 0), 0);
    }
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, SGNIC_ERR_CHAIN, first + 4);
    sg_shutdown(&t);
}

static void test_halt_chain_no_eop(void)
{
    Sg t;
    Ring r;
    uint64_t a;
    unsigned k;

    /* A chain filling the whole ring (7 of 8) without EOP never ends. */
    halt_setup(&t, &r, 8);
    a = guest_alloc(&t.alloc, 4096);
    for (k = 0; k < 6; k++) {
        ring_push(&t, &r, a, 16, k == 0 ? SGNIC_DESC_F_SOP : 0, 0);
    }
    ring_doorbell(&t, &r);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_ACTIVE);
    ring_push(&t, &r, a, 16, 0, 0);
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, SGNIC_ERR_CHAIN, 1);
    sg_shutdown(&t);
}

static void test_halt_desc_read(void)
{
    Sg t;
    Ring r;

    sg_boot(&t, NULL);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, false);
    r.base = BAD_ADDR;
    ring_regs(&t, r.chan, r.base, r.size);
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    cwr(&t, r.chan, SGNIC_CH_TAIL, 1);
    assert_halted(&t, &r, SGNIC_ERR_DESC_READ, 0);
    wire_assert_empty(&t);

    /* The same for an RX ring when a frame arrives. */
    {
        Ring rx;
        uint8_t f[64];

        wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
        ring_init(&t, &rx, SGNIC_CHAN_RX(0), 16, true, false);
        rx.base = BAD_ADDR + 4096;
        ring_regs(&t, rx.chan, rx.base, rx.size);
        cwr(&t, rx.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
        cwr(&t, rx.chan, SGNIC_CH_TAIL, 4);
        make_raw(f, sizeof(f), sg_mac, 9);
        wire_send(&t, f, sizeof(f));
        for (int k = 0; k < 2000 && cstate(&t, rx.chan) != SGNIC_STATE_HALTED; k++) {
            g_usleep(1000);
        }
        assert_halted(&t, &rx, SGNIC_ERR_DESC_READ, 0);
    }
    sg_shutdown(&t);
}

static void test_halt_buf_write(void)
{
    Sg t;
    Ring rx;
    uint8_t f[64];
    int k;

    sg_boot(&t, NULL);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    rx_setup(&t, &rx, 16);
    rx.compl = guest_alloc(&t.alloc, 64);
    cwr(&t, rx.chan, SGNIC_CH_COMPL_LO, (uint32_t)rx.compl);
    cwr(&t, rx.chan, SGNIC_CH_COMPL_HI, rx.compl >> 32);
    ring_push(&t, &rx, BAD_ADDR, 2048, 0, 0);
    ring_doorbell(&t, &rx);
    make_raw(f, sizeof(f), sg_mac, 10);
    wire_send(&t, f, sizeof(f));
    for (k = 0; k < 2000 && cstate(&t, rx.chan) != SGNIC_STATE_HALTED; k++) {
        g_usleep(1000);
    }
    assert_halted(&t, &rx, SGNIC_ERR_BUF_WRITE, 0);
    g_assert_cmphex(desc_status(&t, &rx, 0), ==, 0);
    sg_shutdown(&t);
}

static void test_halt_rx_desc_len(void)
{
    Sg t;
    Ring rx;
    uint8_t f[64];
    int k;

    sg_boot(&t, NULL);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    rx_setup(&t, &rx, 16);
    ring_push(&t, &rx, guest_alloc(&t.alloc, 4096), 0, 0, 0);
    ring_doorbell(&t, &rx);
    make_raw(f, sizeof(f), sg_mac, 10);
    wire_send(&t, f, sizeof(f));
    for (k = 0; k < 2000 && cstate(&t, rx.chan) != SGNIC_STATE_HALTED; k++) {
        g_usleep(1000);
    }
    assert_halted(&t, &rx, SGNIC_ERR_DESC_LEN, 0);
    sg_shutdown(&t);
}

static void test_halt_compl_write(void)
{
    Sg t;
    Ring r;
    uint8_t f[64];
    uint32_t i;

    halt_setup(&t, &r, 16);
    r.compl = BAD_ADDR;
    cwr(&t, r.chan, SGNIC_CH_COMPL_LO, (uint32_t)r.compl);
    cwr(&t, r.chan, SGNIC_CH_COMPL_HI, r.compl >> 32);
    make_raw(f, sizeof(f), peer_mac, 11);
    i = tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_STATUS_UPDATE);
    /* The packet went and its descriptor completed; then the write failed. */
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    assert_halted(&t, &r, SGNIC_ERR_COMPL_WRITE, i);
    sg_shutdown(&t);
}

/* ---- fault injection ------------------------------------------------------------------ */

static void test_inject_dma_error(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100];
    uint32_t i;
    int k;

    sg_boot(&t, "inject-dma-error=1");
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f), 0);
    wire_assert_empty(&t);
    g_assert_cmphex(desc_status(&t, &r, i), ==, 0);
    assert_halted(&t, &r, SGNIC_ERR_INJECTED, i);

    /* RX buffers fail the same way. */
    rx_setup(&t, &rx, 16);
    rx_post(&t, &rx, 2, 2048, 0, true);
    make_raw(f, sizeof(f), sg_mac, 2);
    wire_send(&t, f, sizeof(f));
    for (k = 0; k < 2000 && cstate(&t, rx.chan) != SGNIC_STATE_HALTED; k++) {
        g_usleep(1000);
    }
    assert_halted(&t, &rx, SGNIC_ERR_INJECTED, 0);

    /*
     * Every 3rd buffer: after a device reset (which restarts the count)
     * two one-buffer packets go, the third halts.
     */
    g_assert(qom_set_u32(&t, "inject-dma-error", 3));
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    irq_clear(&t, SGNIC_VEC_MISC);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, true);
    for (k = 0; k < 3; k++) {
        i = tx_frame(&t, &r, f, sizeof(f), 0);
    }
    wire_expect(&t, f, sizeof(f));
    wire_expect(&t, f, sizeof(f));
    wire_assert_empty(&t);
    assert_halted(&t, &r, SGNIC_ERR_INJECTED, i);
    /* Off again: the channel works after a reset. */
    g_assert(qom_set_u32(&t, "inject-dma-error", 0));
    r.tail = 0;
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_START);
    assert_goes_on(&t, &r, 0);
    sg_shutdown(&t);
}

static void test_inject_short(void)
{
    static const uint32_t lens[] = { 60, 40 };
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t i;
    unsigned k;

    sg_boot(&t, "inject-short=1");
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_chain(&t, &r, f, 2, lens, NULL, 0);
    ring_doorbell(&t, &r);
    /* The frame goes whole; only the reported length is short. */
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmphex(desc_status(&t, &r, i + 1), ==, SGNIC_DESC_S_DONE);
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, 60);
    g_assert_cmpuint(desc_xfer(&t, &r, i + 1), ==, 39);

    /* Every 2nd packet; the count runs on: this is the 2nd, then 3rd, 4th. */
    g_assert(qom_set_u32(&t, "inject-short", 2));
    for (k = 2; k <= 4; k++) {
        i = tx_frame(&t, &r, f, sizeof(f), 0);
        wire_expect(&t, f, sizeof(f));
        g_assert_cmpuint(desc_xfer(&t, &r, i), ==,
                         sizeof(f) - (k % 2 == 0));
    }
    /* Refused packets are not counted and report no bytes anyway. */
    g_assert(qom_set_u32(&t, "max-xfer", 50));
    i = tx_frame(&t, &r, f, sizeof(f), 0);
    g_assert_cmphex(desc_status(&t, &r, i), ==,
                    SGNIC_DESC_S_DONE | SGNIC_RES_TOO_MANY_TRANSFERS);
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, 0);
    g_assert(qom_set_u32(&t, "max-xfer", 1500));
    i = tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, sizeof(f));
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    sg_shutdown(&t);
}

static void test_inject_lost_irq(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];

    sg_boot(&t, "inject-lost-irq=1");
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS_LOST), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 0);
    /* Vector 0 is lost the same way. */
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_TEST);
    wr(&t, SGNIC_REG_MISC_SET, SGNIC_MISC_TEST);
    g_assert(rd(&t, SGNIC_REG_MISC_CAUSE) & SGNIC_MISC_TEST);
    g_assert(!irq_pending(&t, SGNIC_VEC_MISC));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS_LOST), ==, 2);

    /* Every 2nd: the next one arrives, the one after is lost. */
    g_assert(qom_set_u32(&t, "inject-lost-irq", 2));
    wr(&t, SGNIC_REG_IRQ_UNMASK, 1 << r.chan);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(irq_pending(&t, VEC_Q0));
    irq_rearm(&t, &r);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS_LOST), ==, 3);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    sg_shutdown(&t);
}

/* ---- loopback --------------------------------------------------------------------------- */

static void test_loopback(void)
{
    enum { MSS = 300 };
    Sg t;
    Ring r, rx;
    uint8_t f[2048], got[2048];
    uint64_t mem;
    size_t len, hdr = ETH_HDR + IP_HDR + TCP_HDR;
    uint8_t big[2500];
    int k;

    sg_boot(&t, NULL);
    make_raw(big, sizeof(big), sg_mac, 7);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    ring_init(&t, &rx, SGNIC_CHAN_RX(0), 16, false, true);
    mem = rx_post(&t, &rx, 8, 2048, 0, true);
    make_raw(f, 200, sg_mac, 1);
    tx_frame(&t, &r, f, 200, 0);
    g_assert_cmphex(wait_done(&t, &rx, 0), ==,
                    SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP);
    g_assert_cmpuint(desc_xfer(&t, &rx, 0), ==, 200);
    qtest_memread(t.qts, mem, got, 200);
    g_assert(!memcmp(got, f, 200));
    wire_assert_empty(&t);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 1);

    /* Offloads run before the loop: TSO arrives as checked segments. */
    len = make_tcp(f, sg_mac, 3 * MSS, 5000, 2);
    ring_push(&t, &r, guest_buf(&t, f, len), len, F_PKT | SGNIC_DESC_F_TSO, MSS);
    ring_doorbell(&t, &r);
    for (k = 0; k < 3; k++) {
        g_assert_cmphex(wait_done(&t, &rx, 1 + k), ==,
                        SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP |
                        SGNIC_DESC_S_EOP | SGNIC_DESC_S_L4_CSUM_OK |
                        HASH_ST(SGNIC_HASH_IPV4_TCP));
        g_assert_cmpuint(desc_xfer(&t, &rx, 1 + k), ==, hdr + MSS);
        qtest_memread(t.qts, mem + (1 + k) * 2048, got, hdr + MSS);
        g_assert(l4_csum_ok(got, hdr + MSS));
        g_assert(!memcmp(got + hdr, f + hdr + k * MSS, MSS));
    }
    wire_assert_empty(&t);

    /*
     * A two-descriptor TX chain that lands in two RX buffers: each side
     * completes its own descriptors with its own lengths.
     */
    {
        static const uint32_t lens[] = { 1000, 1500 };
        uint32_t i = tx_chain(&t, &r, big, 2, lens, NULL, 0);

        ring_doorbell(&t, &r);
        g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
        g_assert_cmphex(desc_status(&t, &r, i + 1), ==, SGNIC_DESC_S_DONE);
        g_assert_cmpuint(desc_xfer(&t, &r, i), ==, lens[0]);
        g_assert_cmpuint(desc_xfer(&t, &r, i + 1), ==, lens[1]);
        g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, i + 2);
        g_assert_cmphex(wait_done(&t, &rx, 5), ==,
                        SGNIC_DESC_S_DONE | SGNIC_DESC_S_EOP);
        g_assert_cmphex(desc_status(&t, &rx, 4), ==,
                        SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP);
        g_assert_cmpuint(desc_xfer(&t, &rx, 4), ==, 2048);
        g_assert_cmpuint(desc_xfer(&t, &rx, 5), ==, 2500 - 2048);
        qtest_memread(t.qts, mem + 4 * 2048, got, sizeof(got));
        g_assert(!memcmp(got, big, sizeof(got)));
        wire_assert_empty(&t);
    }

    /* Loopback off: frames go to the wire again. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    make_raw(f, 100, peer_mac, 3);
    tx_frame(&t, &r, f, 100, 0);
    wire_expect(&t, f, 100);
    g_assert_cmphex(desc_status(&t, &rx, 6), ==, 0);
    sg_shutdown(&t);
}

/* ---- reset ------------------------------------------------------------------------------------ */

/* Set every register to something that is not its reset value. */
static void dirty_device(Sg *t)
{
    unsigned c;
    uint64_t mem = guest_alloc(&t->alloc, 4096);

    wr(t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC |
       SGNIC_CTRL_ALLMULTI | SGNIC_CTRL_VLAN_STRIP | SGNIC_CTRL_VLAN_FILTER);
    wr(t, SGNIC_REG_VLAN_TABLE(3), 0x10);
    wr(t, SGNIC_REG_MC_HASH(SGNIC_MC_HASH_REGS - 1), 0x80000000);
    wr(t, SGNIC_REG_ADDR_LO(2), 0x11223344);
    wr(t, SGNIC_REG_ADDR_HI(2), SGNIC_ADDR_VALID | 0x5566);
    wr(t, SGNIC_REG_MAC_LO, 0x11223344);
    wr(t, SGNIC_REG_MAC_HI, 0x5566);
    wr(t, SGNIC_REG_MISC_MASK, 0x7);
    wr(t, SGNIC_REG_MISC_SET, SGNIC_MISC_TEST);
    wr(t, SGNIC_REG_RX_QUEUES, 2);
    for (c = 0; c < 2 * t->queues; c++) {
        ring_regs(t, c, mem + (c << 9), 8);
        cwr(t, c, SGNIC_CH_COMPL_LO, (uint32_t)mem + 0x800 + c * 8);
        cwr(t, c, SGNIC_CH_COMPL_HI, 0);
        cwr(t, c, SGNIC_CH_IRQ_MOD, 0x00030064);
        cwr(t, c, SGNIC_CH_IRQ_EN, 1);
        cwr(t, c, SGNIC_CH_CMD, SGNIC_CMD_START);
    }
    /* One running channel with work done, one suspended, one halted. */
    cwr(t, 2, SGNIC_CH_CMD, SGNIC_CMD_SUSPEND);
    cwr(t, 3, SGNIC_CH_TAIL, 99);
    g_assert_cmpuint(cstate(t, 3), ==, SGNIC_STATE_HALTED);
    g_assert_cmphex(rd(t, SGNIC_REG_MISC_CAUSE), !=, 0);
}

static void assert_reset_state(Sg *t)
{
    static const uint32_t regs[] = {
        SGNIC_CH_RING_LO, SGNIC_CH_RING_HI, SGNIC_CH_RING_SIZE, SGNIC_CH_TAIL,
        SGNIC_CH_HEAD, SGNIC_CH_STATUS, SGNIC_CH_COMPL_LO, SGNIC_CH_COMPL_HI,
        SGNIC_CH_IRQ_MOD, SGNIC_CH_IRQ_EN, SGNIC_CH_ERR_DESC,
        SGNIC_CH_COMPLETED, SGNIC_CH_PKT_ERRS,
    };
    unsigned c, k;
    uint32_t off;

    for (c = 0; c < 2 * t->queues; c++) {
        for (k = 0; k < G_N_ELEMENTS(regs); k++) {
            g_assert_cmphex(crd(t, c, regs[k]), ==, 0);
        }
    }
    g_assert_cmphex(rd(t, SGNIC_REG_CTRL), ==, 0);
    g_assert_cmphex(rd(t, SGNIC_REG_MAC_LO), ==, ldl_le_p(sg_mac));
    g_assert_cmphex(rd(t, SGNIC_REG_MAC_HI), ==, lduw_le_p(sg_mac + 4));
    g_assert_cmphex(rd(t, SGNIC_REG_MISC_CAUSE), ==, 0);
    g_assert_cmphex(rd(t, SGNIC_REG_MISC_MASK), ==, 0);
    g_assert_cmphex(rd(t, SGNIC_REG_RX_QUEUES), ==, 1);
    g_assert_cmphex(rd(t, SGNIC_REG_HALTED), ==, 0);
    for (off = SGNIC_REG_STAT_RX_NOBUF; off < SGNIC_REG_STAT_MMIO; off += 4) {
        g_assert_cmphex(rd(t, off), ==, 0);
    }
    for (off = SGNIC_FILTER_BASE; off < SGNIC_FILTER_END; off += 4) {
        g_assert_cmphex(rd(t, off), ==, 0);
    }
    g_assert_cmphex(rd(t, SGNIC_REG_STATUS), ==, SGNIC_STATUS_LINK_UP);
}

static void test_reset_ctrl(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];

    sg_boot(&t, NULL);
    dirty_device(&t);
    /* A moderation timer is running on channel 0 when the reset comes. */
    ring_init(&t, &r, SGNIC_CHAN_TX(1), 16, false, false);
    cwr(&t, 2, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    ring_regs(&t, 2, r.base, 16);
    cwr(&t, 2, SGNIC_CH_IRQ_MOD, 1000);
    cwr(&t, 2, SGNIC_CH_IRQ_EN, 1);
    cwr(&t, 2, SGNIC_CH_CMD, SGNIC_CMD_START);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(!irq_pending(&t, SGNIC_VEC_QUEUE(1)));
    /* Messages already sent stay pending in MSI-X; start from none. */
    irq_clear(&t, SGNIC_VEC_MISC);

    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET | SGNIC_CTRL_LOOPBACK);
    assert_reset_state(&t);
    qtest_clock_step(t.qts, 10 * 1000 * 1000);
    g_assert(!irq_pending(&t, SGNIC_VEC_QUEUE(1)));
    g_assert(!irq_pending(&t, SGNIC_VEC_MISC));
    assert_alive(&t);

    /* The device works after the reset. */
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 8, false, true);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    sg_shutdown(&t);
}

/* A function reset clears the BARs: keep them to write them back. */
static void save_bars(Sg *t, uint32_t bars[6])
{
    unsigned k;

    for (k = 0; k < 6; k++) {
        bars[k] = qpci_config_readl(t->dev, PCI_BASE_ADDRESS_0 + 4 * k);
    }
}

static void restore_bars(Sg *t, const uint32_t bars[6])
{
    unsigned k;

    for (k = 0; k < 6; k++) {
        qpci_config_writel(t->dev, PCI_BASE_ADDRESS_0 + 4 * k, bars[k]);
    }
    qpci_device_enable(t->dev);
}

static void test_reset_system(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t bars[6];

    sg_boot(&t, "queues=3");
    dirty_device(&t);
    save_bars(&t, bars);
    qtest_qmp_assert_success(t.qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(t.qts, "RESET");
    /* The reset cleared the BARs and the command register: restore them. */
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_COMMAND) & PCI_COMMAND_MASTER,
                    ==, 0);
    restore_bars(&t, bars);
    assert_reset_state(&t);

    ring_init(&t, &r, SGNIC_CHAN_TX(2), 8, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    sg_shutdown(&t);
}

/* Initiate FLR through the PCI Express capability. */
static void flr(Sg *t)
{
    uint8_t exp = qpci_find_capability(t->dev, PCI_CAP_ID_EXP, 0);

    g_assert_cmphex(exp, !=, 0);
    g_assert(qpci_config_readl(t->dev, exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR);
    qpci_config_writew(t->dev, exp + PCI_EXP_DEVCTL,
                       qpci_config_readw(t->dev, exp + PCI_EXP_DEVCTL) |
                       PCI_EXP_DEVCTL_BCR_FLR);
}

/*
 * PCI power management: D3hot unmaps the BARs; back to D0 the function is
 * reset like an FLR (No_Soft_Reset clear), which is what a driver without
 * resume support would not survive.
 */
static void d3hot_and_back(Sg *t)
{
    uint8_t pm = qpci_find_capability(t->dev, PCI_CAP_ID_PM, 0);

    g_assert_cmphex(pm, !=, 0);
    g_assert(!(qpci_config_readw(t->dev, pm + PCI_PM_CTRL) & PCI_PM_CTRL_NO_SOFT_RESET));
    qpci_config_writew(t->dev, pm + PCI_PM_CTRL, 3);
    g_assert_cmpuint(qpci_config_readw(t->dev, pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK, ==, 3);
    /* The registers are not decoded in D3hot. */
    g_assert_cmphex(rd(t, SGNIC_REG_ID), !=, SGNIC_ID_MAGIC);
    qpci_config_writew(t->dev, pm + PCI_PM_CTRL, 0);
    g_assert_cmpuint(qpci_config_readw(t->dev, pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK, ==, 0);
}

/* A dirtied device, reset by @how, is as after power-on and sends again. */
static void check_function_reset(void (*how)(Sg *t))
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint32_t bars[6];

    sg_boot(&t, NULL);
    dirty_device(&t);
    save_bars(&t, bars);
    how(&t);
    restore_bars(&t, bars);
    assert_reset_state(&t);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 8, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    sg_shutdown(&t);
}

static void test_reset_flr(void)
{
    check_function_reset(flr);
}

static void test_reset_pm(void)
{
    check_function_reset(d3hot_and_back);
}

/* ---- advanced error reporting --------------------------------------------------------------- */

/*
 * The extended configuration space (0x100 up) is reached through the
 * MCH's memory-mapped window only; no firmware ran, so open it here.
 */
#define SG_ECAM 0xb0000000ull

static uint64_t ecam_open(Sg *t)
{
    QPCIDevice *mch = qpci_device_find(t->bus, 0);

    g_assert(mch);
    qpci_config_writel(mch, 0x64, 0);
    qpci_config_writel(mch, 0x60, SG_ECAM | 1);   /* 256 MiB, enabled */
    g_free(mch);
    return SG_ECAM + ((uint64_t)SG_DEVFN << 12);
}

#define SG_DEVCTL_ERR (PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
                       PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE)

static void aer_inject(Sg *t, const char *err)
{
    g_autofree char *out = qtest_hmp(t->qts, "pcie_aer_inject_error nic0 %s", err);

    g_assert(g_str_has_prefix(out, "OK id: nic0 "));
}

/*
 * An AER capability heads the extended space; an injected error sets its
 * status bit and the first error pointer, RW1C clears it, and the device
 * carries on sending.
 */
static void test_aer(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    uint64_t aer;
    uint8_t exp;
    uint16_t devctl;
    uint32_t bars[6];
    g_autofree char *bad = NULL;

    sg_boot(&t, NULL);
    aer = ecam_open(&t) + 0x100;
    g_assert_cmphex(qtest_readl(t.qts, aer) & 0xffff, ==, PCI_EXT_CAP_ID_ERR);
    g_assert_cmphex(PCI_EXT_CAP_VER(qtest_readl(t.qts, aer)), ==, 2);
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_UNCOR_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_COR_STATUS), ==, 0);

    /* Error messages leave the function only with reporting enabled. */
    exp = qpci_find_capability(t.dev, PCI_CAP_ID_EXP, 0);
    devctl = qpci_config_readw(t.dev, exp + PCI_EXP_DEVCTL);
    g_assert_cmphex(devctl & SG_DEVCTL_ERR, ==, 0);
    qpci_config_writew(t.dev, exp + PCI_EXP_DEVCTL, devctl | SG_DEVCTL_ERR);
    g_assert_cmphex(qpci_config_readw(t.dev, exp + PCI_EXP_DEVCTL) & SG_DEVCTL_ERR,
                    ==, SG_DEVCTL_ERR);

    aer_inject(&t, "UNSUP");
    g_assert(qpci_config_readw(t.dev, exp + PCI_EXP_DEVSTA) & PCI_EXP_DEVSTA_URD);
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_UNCOR_STATUS), ==,
                    PCI_ERR_UNC_UNSUP);
    g_assert_cmpuint(PCI_ERR_CAP_FEP(qtest_readl(t.qts, aer + PCI_ERR_CAP)), ==,
                     ctz32(PCI_ERR_UNC_UNSUP));
    qtest_writel(t.qts, aer + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_UNSUP);
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_UNCOR_STATUS), ==, 0);

    aer_inject(&t, "RCVR");
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_COR_STATUS), ==,
                    PCI_ERR_COR_RCVR);
    qtest_writel(t.qts, aer + PCI_ERR_COR_STATUS, PCI_ERR_COR_RCVR);
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_COR_STATUS), ==, 0);

    /* A name the device does not know is refused, nothing changes. */
    bad = qtest_hmp(t.qts, "pcie_aer_inject_error nic0 NO_SUCH");
    g_assert(!g_str_has_prefix(bad, "OK"));
    g_assert_cmphex(qtest_readl(t.qts, aer + PCI_ERR_UNCOR_STATUS), ==, 0);

    /* A function reset turns reporting off again. */
    save_bars(&t, bars);
    flr(&t);
    g_assert_cmphex(qpci_config_readw(t.dev, exp + PCI_EXP_DEVCTL) & SG_DEVCTL_ERR,
                    ==, 0);
    restore_bars(&t, bars);

    ring_init(&t, &r, SGNIC_CHAN_TX(0), 8, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    sg_shutdown(&t);
}

/* ---- bus mastering ------------------------------------------------------------------------- */

static void set_master(Sg *t, bool on)
{
    uint16_t cmd = qpci_config_readw(t->dev, PCI_COMMAND);

    cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
    qpci_config_writew(t->dev, PCI_COMMAND, cmd);
}

static void test_bus_master(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100], got[100];
    uint64_t mem;
    uint32_t i;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, true);
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 1);
    make_raw(f, sizeof(f), peer_mac, 1);
    set_master(&t, false);
    i = tx_frame(&t, &r, f, sizeof(f),
                 SGNIC_DESC_F_STATUS_UPDATE | SGNIC_DESC_F_INTERRUPT);
    wire_assert_empty(&t);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0);
    g_assert_cmphex(desc_status(&t, &r, i), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, r.compl), ==, 0);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_ACTIVE);
    g_assert(!irq_pending(&t, VEC_Q0));
    /* Work waits; it is not an error. */
    g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 0);

    /* RX frames wait as well. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &rx, SGNIC_CHAN_RX(0), 16, false, true);
    mem = rx_post(&t, &rx, 2, 2048, 0, true);
    make_raw(got, sizeof(got), sg_mac, 2);
    wire_send(&t, got, sizeof(got));
    assert_not_done(&t, &rx, 0);

    set_master(&t, true);
    wire_expect(&t, f, sizeof(f));
    g_assert_cmphex(wait_done(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    g_assert_cmphex(qtest_readq(t.qts, r.compl) & SGNIC_COMPL_ADDR_MASK, ==,
                    desc_addr(&r, i));
    g_assert(irq_pending(&t, VEC_Q0));
    wait_done(&t, &rx, 0);
    qtest_memread(t.qts, mem, f, sizeof(f));
    g_assert(!memcmp(got, f, sizeof(f)));
    sg_shutdown(&t);
}

/* qom-set nic0's x-gone: the device leaves the bus, or comes back. */
static void set_gone(Sg *t, bool gone)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'qom-set', 'arguments': "
                           "{'path': '/machine/peripheral/nic0', "
                           "'property': 'x-gone', 'value': %i}}", gone);

    g_assert(rsp);
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
}

/*
 * A device that left the bus (x-gone): every read is all-ones (an 8-byte
 * one too), writes change nothing, a doorbell moves no data and raises
 * nothing, a frame from the network is dropped, not queued.
 */
static void test_gone(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100], got[100];
    uint32_t bars[6];
    uint32_t i;

    sg_boot(&t, NULL);
    save_bars(&t, bars);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, true, true);
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 1);
    ring_init(&t, &rx, SGNIC_CHAN_RX(0), 16, false, true);
    rx_post(&t, &rx, 2, 2048, 0, true);

    set_gone(&t, true);
    g_assert_cmphex(rd(&t, SGNIC_REG_ID), ==, 0xffffffff);
    g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 0xffffffff);
    g_assert_cmphex(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 0xffffffff);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar, SGNIC_REG_ID), ==, UINT64_MAX);
    wr(&t, SGNIC_REG_MAC_LO, 0x12345678);

    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f),
                 SGNIC_DESC_F_STATUS_UPDATE | SGNIC_DESC_F_INTERRUPT);
    wire_assert_empty(&t);
    g_assert_cmphex(desc_status(&t, &r, i), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, r.compl), ==, 0);
    g_assert(!irq_pending(&t, VEC_Q0));
    make_raw(got, sizeof(got), sg_mac, 2);
    wire_send(&t, got, sizeof(got));
    assert_not_done(&t, &rx, 0);

    /*
     * Back as a re-inserted card: reset, configuration space included, so
     * it does not go on with DMA its old driver set up.
     */
    set_gone(&t, false);
    restore_bars(&t, bars);
    assert_reset_state(&t);
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_LO), !=, 0x12345678);
    wire_assert_empty(&t);
    assert_not_done(&t, &rx, 0);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 8, false, true);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    sg_shutdown(&t);
}

/* ---- link ------------------------------------------------------------------------------------ */

static void test_link(void)
{
    Sg t;
    Ring r, rx;
    uint8_t f[100];
    uint32_t i;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    rx_setup(&t, &rx, 16);
    rx_post(&t, &rx, 4, 2048, 0, true);
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_LINK);
    g_assert_cmphex(rd(&t, SGNIC_REG_STATUS), ==, SGNIC_STATUS_LINK_UP);

    set_link(&t, false);
    g_assert_cmphex(rd(&t, SGNIC_REG_STATUS) & SGNIC_STATUS_LINK_UP, ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, SGNIC_MISC_LINK);
    g_assert(irq_pending(&t, SGNIC_VEC_MISC));
    irq_clear(&t, SGNIC_VEC_MISC);
    wr(&t, SGNIC_REG_MISC_CAUSE, SGNIC_MISC_LINK);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, 0);

    /* Link down: TX completes but nothing is sent, RX drops. */
    make_raw(f, sizeof(f), peer_mac, 1);
    i = tx_frame(&t, &r, f, sizeof(f), 0);
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    wire_assert_empty(&t);
    make_raw(f, sizeof(f), sg_mac, 2);
    wire_send(&t, f, sizeof(f));
    assert_not_done(&t, &rx, 0);

    set_link(&t, true);
    g_assert_cmphex(rd(&t, SGNIC_REG_STATUS), ==, SGNIC_STATUS_LINK_UP);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, SGNIC_MISC_LINK);
    g_assert(irq_pending(&t, SGNIC_VEC_MISC));
    /* The frame sent while down is gone; the next one arrives. */
    make_raw(f, sizeof(f), sg_mac, 3);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &rx, 0);
    g_assert_cmphex(desc_status(&t, &rx, 1), ==, 0);
    make_raw(f, sizeof(f), peer_mac, 4);
    tx_frame(&t, &r, f, sizeof(f), 0);
    wire_expect(&t, f, sizeof(f));
    /* Masked cause: no vector. */
    irq_clear(&t, SGNIC_VEC_MISC);
    wr(&t, SGNIC_REG_MISC_MASK, 0);
    set_link(&t, false);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, SGNIC_MISC_LINK);
    g_assert(!irq_pending(&t, SGNIC_VEC_MISC));
    sg_shutdown(&t);
}

/* ---- more receive and transmit paths -------------------------------------------------------- */

static void test_rx_disabled(void)
{
    Sg t;
    Ring r;
    uint8_t f[100], got[100];
    uint64_t mem;

    sg_boot(&t, NULL);
    /* RX_ENABLE clear: frames are dropped (spec 6), not kept for later. */
    ring_init(&t, &r, SGNIC_CHAN_RX(0), 16, false, true);
    mem = rx_post(&t, &r, 4, 2048, 0, true);
    make_raw(f, sizeof(f), sg_mac, 1);
    wire_send(&t, f, sizeof(f));
    assert_not_done(&t, &r, 0);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    assert_not_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 0);
    /* Enabled: the next frame is the first one received. */
    make_raw(f, sizeof(f), sg_mac, 2);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 0);
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));

    /* A stopped RX channel: nobody to deliver to, dropped and counted. */
    cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    wire_send(&t, f, sizeof(f));
    for (int k = 0; k < 2000 && !rd(&t, SGNIC_REG_STAT_RX_NOBUF); k++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_NOBUF), ==, 1);
    sg_shutdown(&t);
}

static void test_rx_filter(void)
{
    static const uint8_t new_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
    Sg t;
    Ring r;
    uint8_t f[100];

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    rx_post(&t, &r, 8, 2048, 0, true);
    /* A new station address takes effect at once. */
    wr(&t, SGNIC_REG_MAC_LO, ldl_le_p(new_mac));
    wr(&t, SGNIC_REG_MAC_HI, lduw_le_p(new_mac + 4) | 0xffff0000);
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_HI), ==, lduw_le_p(new_mac + 4));
    make_raw(f, sizeof(f), sg_mac, 1);
    wire_send(&t, f, sizeof(f));
    make_raw(f, sizeof(f), new_mac, 2);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 1);
    /* Multicast needs ALLMULTI, the address table or the hash (below). */
    make_raw(f, sizeof(f), (const uint8_t *)"\x01\x00\x5e\x00\x00\x01", 3);
    wire_send(&t, f, sizeof(f));
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_ALLMULTI);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 2);
    /* Promiscuous: anything. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC);
    make_raw(f, sizeof(f), peer_mac, 4);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 2);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 2);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 3);
    sg_shutdown(&t);
}

static void test_rx_multiqueue(void)
{
    Sg t;
    Ring r[4];
    uint8_t f[200];
    unsigned q, port, hits[4] = { 0 };
    size_t len;

    sg_boot(&t, "queues=4");
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    for (q = 0; q < 4; q++) {
        ring_init(&t, &r[q], SGNIC_CHAN_RX(q), 64, false, true);
        rx_post(&t, &r[q], 63, 2048, 0, true);
    }
    /* RX_QUEUES is clamped to 1..pairs. */
    wr(&t, SGNIC_REG_RX_QUEUES, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_RX_QUEUES), ==, 1);
    wr(&t, SGNIC_REG_RX_QUEUES, 9);
    g_assert_cmpuint(rd(&t, SGNIC_REG_RX_QUEUES), ==, 4);
    wr(&t, SGNIC_REG_RX_QUEUES, 3);
    /* Flows spread over pairs 0..2; the same flow always lands alike. */
    for (port = 0; port < 48; port++) {
        len = make_udp(f, sg_mac, 50, 1, true);
        stw_be_p(f + ETH_HDR + IP_HDR, 1000 + port);
        stw_be_p(f + ETH_HDR + IP_HDR + 6, 0);
        wire_send(&t, f, len);
        wire_send(&t, f, len);
    }
    for (int k = 0; k < 5000 && rd(&t, SGNIC_REG_STAT_RX_PKTS) < 96; k++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 96);
    for (q = 0; q < 4; q++) {
        hits[q] = crd(&t, r[q].chan, SGNIC_CH_COMPLETED);
        g_assert_cmpuint(hits[q] % 2, ==, 0);
    }
    g_assert_cmpuint(hits[0] + hits[1] + hits[2], ==, 96);
    g_assert_cmpuint(hits[3], ==, 0);
    for (q = 0; q < 3; q++) {
        g_assert_cmpuint(hits[q], >, 0);
    }
    /* Not IP: pair 0. */
    make_raw(f, 100, sg_mac, 5);
    wire_send(&t, f, 100);
    for (int k = 0; k < 5000 && rd(&t, SGNIC_REG_STAT_RX_PKTS) < 97; k++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(crd(&t, r[0].chan, SGNIC_CH_COMPLETED), ==, hits[0] + 1);
    sg_shutdown(&t);
}

static void test_tx_budget(void)
{
    enum { N = 600 };
    Sg t;
    Ring r;
    uint8_t f[64], got[64];
    uint64_t buf;
    unsigned k;

    /* More packets than one doorbell's pass: the rest go in a bottom half. */
    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 1024, true, true);
    buf = guest_alloc(&t.alloc, N * sizeof(f));
    for (k = 0; k < N; k++) {
        make_raw(f, sizeof(f), peer_mac, k);
        stl_be_p(f + 14, k);
        qtest_memwrite(t.qts, buf + k * sizeof(f), f, sizeof(f));
        ring_push(&t, &r, buf + k * sizeof(f), sizeof(f),
                  F_PKT | (k == N - 1 ? SGNIC_DESC_F_STATUS_UPDATE : 0), 0);
    }
    ring_doorbell(&t, &r);
    for (k = 0; k < N; k++) {
        g_assert_cmpint(wire_recv(&t, got, sizeof(got), 5000), ==, sizeof(got));
        g_assert_cmpuint(ldl_be_p(got + 14), ==, k);
    }
    wait_done(&t, &r, N - 1);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, N);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_IDLE);
    g_assert_cmphex(qtest_readq(t.qts, r.compl), ==,
                    desc_addr(&r, N - 1) | SGNIC_STATE_IDLE);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void test_tx_wrap(void)
{
    static const uint32_t lens[] = { 20, 30, 40, 50, 60 };
    Sg t;
    Ring r;
    uint8_t f[200];
    unsigned k;

    /* A chain that runs over the end of the ring. */
    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 8, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    for (k = 0; k < 6; k++) {
        tx_frame(&t, &r, f, 60, 0);
        wire_expect(&t, f, 60);
    }
    tx_chain(&t, &r, f, 5, lens, NULL, 0);
    ring_doorbell(&t, &r);
    wire_expect(&t, f, 200);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 3);
    for (k = 0; k < 5; k++) {
        g_assert_cmpuint(desc_xfer(&t, &r, 6 + k), ==, lens[k]);
    }
    sg_shutdown(&t);
}

static void test_misc_selftest(void)
{
    Sg t;

    sg_boot(&t, NULL);
    /* MISC_SET only sets the test cause; masked, no vector. */
    wr(&t, SGNIC_REG_MISC_SET, 0xffffffff);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, SGNIC_MISC_TEST);
    g_assert(!irq_pending(&t, SGNIC_VEC_MISC));
    wr(&t, SGNIC_REG_MISC_MASK, SGNIC_MISC_TEST);
    wr(&t, SGNIC_REG_MISC_SET, SGNIC_MISC_TEST);
    g_assert(irq_pending(&t, SGNIC_VEC_MISC));
    g_assert(!irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    /* RW1C. */
    wr(&t, SGNIC_REG_MISC_CAUSE, SGNIC_MISC_LINK);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, SGNIC_MISC_TEST);
    wr(&t, SGNIC_REG_MISC_CAUSE, SGNIC_MISC_TEST);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_CAUSE), ==, 0);
    /* Read-only registers ignore writes. */
    wr(&t, SGNIC_REG_ID, 0);
    wr(&t, SGNIC_REG_MAX_SG, 5);
    wr(&t, SGNIC_REG_HALTED, 0xff);
    wr(&t, SGNIC_REG_STAT_TX_PKTS, 77);
    g_assert_cmphex(rd(&t, SGNIC_REG_ID), ==, SGNIC_ID_MAGIC);
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_SG), ==, SGNIC_DEF_MAX_SG);
    g_assert_cmphex(rd(&t, SGNIC_REG_HALTED), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 0);
    /* Sub-word accesses are ignored. */
    qpci_io_writeb(t.dev, t.bar, SGNIC_REG_MISC_MASK, 0);
    qpci_io_writew(t.dev, t.bar, SGNIC_REG_MISC_MASK, 0);
    g_assert_cmphex(qpci_io_readw(t.dev, t.bar, SGNIC_REG_ID), ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_REG_MISC_MASK), ==, SGNIC_MISC_TEST);
    assert_alive(&t);
    sg_shutdown(&t);
}

/* ---- migration ------------------------------------------------------------------------------- */

/*
 * Start a second QEMU waiting for a migration, move src's guest there and
 * hand dst the guest's view of it: allocator, BAR, MSI-X.
 */
static void sg_migrate(Sg *src, Sg *dst)
{
    g_autofree char *path = g_strdup_printf("%s/sgnic-mig-%d.sock",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autofree char *incoming = g_strdup_printf("-incoming %s", uri);

    sg_launch(dst, NULL, incoming);
    qtest_qmp_assert_success(src->qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    qtest_qmp_eventwait(src->qts, "STOP");
    qtest_qmp_eventwait(dst->qts, "RESUME");
    unlink(path);
    migrate_allocator(&src->alloc, &dst->alloc);
    dst->bar = src->bar;
    dst->msix_sink = src->msix_sink;
    dst->dev->msix_enabled = src->dev->msix_enabled;
    dst->dev->msix_table_bar = src->dev->msix_table_bar;
    dst->dev->msix_table_off = src->dev->msix_table_off;
    dst->dev->msix_pba_bar = src->dev->msix_pba_bar;
    dst->dev->msix_pba_off = src->dev->msix_pba_off;
}

static void test_migration(void)
{
    static const uint32_t chan_regs[] = {
        SGNIC_CH_RING_LO, SGNIC_CH_RING_HI, SGNIC_CH_RING_SIZE, SGNIC_CH_TAIL,
        SGNIC_CH_HEAD, SGNIC_CH_STATUS, SGNIC_CH_COMPL_LO, SGNIC_CH_COMPL_HI,
        SGNIC_CH_IRQ_MOD, SGNIC_CH_IRQ_EN, SGNIC_CH_ERR_DESC,
        SGNIC_CH_COMPLETED, SGNIC_CH_PKT_ERRS,
    };
    uint32_t before[4][G_N_ELEMENTS(chan_regs)], glob[SGNIC_REG_GLOBAL_END / 4];
    Sg src, dst;
    Ring tx, rx, tx1;
    uint8_t f[100], got[100];
    uint64_t mem;
    unsigned c, k;
    int n;

    sg_boot(&src, NULL);
    wr(&src, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    wr(&src, SGNIC_REG_MAC_HI, 0x5656);
    wr(&src, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    ring_init(&src, &tx, SGNIC_CHAN_TX(0), 16, true, true);
    ring_init(&src, &rx, SGNIC_CHAN_RX(0), 16, false, true);
    ring_init(&src, &tx1, SGNIC_CHAN_TX(1), 8, false, true);
    mem = rx_post(&src, &rx, 4, 2048, 0, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    tx_frame(&src, &tx, f, sizeof(f), SGNIC_DESC_F_STATUS_UPDATE);
    tx_frame(&src, &tx, f, sizeof(f), 0);
    wire_expect(&src, f, sizeof(f));
    wire_expect(&src, f, sizeof(f));
    /* A moderation timer running across the migration. */
    cwr(&src, tx.chan, SGNIC_CH_IRQ_EN, 1);
    cwr(&src, tx.chan, SGNIC_CH_IRQ_MOD, 500);
    tx_frame(&src, &tx, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&src, f, sizeof(f));
    /* A halted channel. */
    cwr(&src, tx1.chan, SGNIC_CH_TAIL, 8);
    g_assert_cmpuint(cstate(&src, tx1.chan), ==, SGNIC_STATE_HALTED);
    for (c = 0; c < 4; c++) {
        for (k = 0; k < G_N_ELEMENTS(chan_regs); k++) {
            before[c][k] = crd(&src, c, chan_regs[k]);
        }
    }
    for (k = 0; k < G_N_ELEMENTS(glob); k++) {
        glob[k] = rd(&src, k * 4);
    }
    g_assert(!irq_pending(&src, VEC_Q0));

    sg_migrate(&src, &dst);

    for (c = 0; c < 4; c++) {
        for (k = 0; k < G_N_ELEMENTS(chan_regs); k++) {
            g_assert_cmphex(crd(&dst, c, chan_regs[k]), ==, before[c][k]);
        }
    }
    for (k = 0; k < G_N_ELEMENTS(glob); k++) {
        if (k * 4 != SGNIC_REG_STAT_MMIO) {
            g_assert_cmphex(rd(&dst, k * 4), ==, glob[k]);
        }
    }
    /* The held interrupt fires on the destination. */
    g_assert(!irq_pending(&dst, VEC_Q0));
    qtest_clock_step(dst.qts, 1000 * 1000 * 1000);
    g_assert(irq_pending(&dst, VEC_Q0));
    /* Both rings carry on where they were. */
    make_raw(f, sizeof(f), peer_mac, 2);
    tx_frame(&dst, &tx, f, sizeof(f), SGNIC_DESC_F_STATUS_UPDATE);
    /* Skip the RARP announcements QEMU sends after a migration. */
    while ((n = wire_recv(&dst, got, sizeof(got), 2000)) == 60 &&
           lduw_be_p(got + 12) == 0x8035) {
        continue;
    }
    g_assert_cmpint(n, ==, sizeof(f));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(crd(&dst, tx.chan, SGNIC_CH_HEAD), ==, 4);
    g_assert_cmphex(qtest_readq(dst.qts, tx.compl), ==,
                    desc_addr(&tx, 3) | SGNIC_STATE_IDLE);
    make_raw(f, sizeof(f), sg_mac, 3);
    f[5] = 0x56;
    f[4] = 0x56;
    wire_send(&dst, f, sizeof(f));
    wait_done(&dst, &rx, 0);
    qtest_memread(dst.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(cerr(&dst, tx1.chan), ==, SGNIC_ERR_TAIL_RANGE);

    sg_shutdown(&dst);
    sg_shutdown(&src);
}

/* ---- interrupt throttle ------------------------------------------------------------- */

static void test_irq_gap(void)
{
    Sg t;
    Ring r;
    uint8_t f[80];

    sg_boot(&t, NULL);
    tx_setup_irq(&t, &r);
    make_raw(f, sizeof(f), peer_mac, 1);
    cwr(&t, r.chan, SGNIC_CH_IRQ_GAP, 0xffffffff);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_IRQ_GAP), ==, SGNIC_IRQ_GAP_MAX_USECS);
    cwr(&t, r.chan, SGNIC_CH_IRQ_GAP, 100);
    /* Long after the last interrupt (none yet): at once. */
    qtest_clock_step(t.qts, 200 * 1000);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(irq_pending(&t, VEC_Q0));
    irq_rearm(&t, &r);

    /* Inside the gap: held until 100 us after the previous message. */
    qtest_clock_step(t.qts, 50 * 1000);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 49 * 1000);
    g_assert(!irq_pending(&t, VEC_Q0));
    qtest_clock_step(t.qts, 2 * 1000);
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 2);
    irq_rearm(&t, &r);

    /* Gap 0 turns the throttle off. */
    cwr(&t, r.chan, SGNIC_CH_IRQ_GAP, 0);
    tx_frame(&t, &r, f, sizeof(f), SGNIC_DESC_F_INTERRUPT);
    wire_expect(&t, f, sizeof(f));
    g_assert(irq_pending(&t, VEC_Q0));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 3);
    sg_shutdown(&t);
}

/* ---- receive segment coalescing ------------------------------------------------------ */

enum { RSC_MSS = 1000, RSC_MAX_SEGS = 12 };
#define RSC_HDR         (ETH_HDR + IP_HDR + TCP_HDR)
#define TCP_ACK         0x10
#define TCP_PSH         0x08
/* What the last buffer of a good TCP or UDP frame of the tests reports. */
#define TCP_ST          (SGNIC_DESC_S_L4_CSUM_OK | HASH_ST(SGNIC_HASH_IPV4_TCP))
#define UDP_ST          (SGNIC_DESC_S_L4_CSUM_OK | HASH_ST(SGNIC_HASH_IPV4_UDP))

/* Segments of one flow as the test sends them. */
typedef struct RscFlow {
    uint8_t f[RSC_MAX_SEGS][RSC_HDR + RSC_MSS];
    size_t len[RSC_MAX_SEGS];
    const uint8_t *ptr[RSC_MAX_SEGS];
} RscFlow;

/* Recompute the IPv4 and TCP checksums of a TCP frame. */
static void tcp_fix_csums(uint8_t *f, size_t len)
{
    uint8_t *ip = f + ETH_HDR, *tcp = ip + IP_HDR;
    size_t l4 = len - ETH_HDR - IP_HDR;

    stw_be_p(ip + 10, 0);
    stw_be_p(ip + 10, csum_fold(csum_add(0, ip, IP_HDR)));
    stw_be_p(tcp + 16, 0);
    stw_be_p(tcp + 16, csum_fold(csum_add(pseudo_sum(f, 6, l4), tcp, l4)));
}

/*
 * Segment k of the flow: sequence 1000 + k * RSC_MSS, IP ID 0x100 + k,
 * payload bytes, TCP flags, valid checksums.
 */
static void rsc_seg(RscFlow *fl, unsigned k, size_t payload, uint8_t flags)
{
    uint8_t *f = fl->f[k];

    fl->len[k] = make_tcp(f, sg_mac, payload, 1000 + k * RSC_MSS, k);
    stw_be_p(f + ETH_HDR + 4, 0x100 + k);
    f[ETH_HDR + IP_HDR + 13] = flags;
    tcp_fix_csums(f, fl->len[k]);
    fl->ptr[k] = f;
}

/* Full segments first..first+n-1, the last one with last_flags. */
static void rsc_segs(RscFlow *fl, unsigned first, unsigned n, uint8_t last_flags)
{
    unsigned k;

    for (k = first; k < first + n; k++) {
        rsc_seg(fl, k, RSC_MSS, k == first + n - 1 ? last_flags : TCP_ACK);
    }
}

static void rsc_send(Sg *t, RscFlow *fl, unsigned first, unsigned n)
{
    wire_send_many(t, fl->ptr + first, fl->len + first, n);
}

static uint32_t desc_rsc(Sg *t, Ring *r, uint32_t i)
{
    return qtest_readl(t->qts, desc_addr(r, i) + SGNIC_DESC_STATUS_OFFSET + 8);
}

/*
 * The frame in RX buffers of buf_len bytes from descriptor i on (their
 * memory at mem, back to back) joins segments first..first+n-1: the first
 * one's headers with the IPv4 length and checksum rewritten and the last
 * one's flags, every payload in order.  Returns the next descriptor.
 */
static uint32_t rsc_expect(Sg *t, Ring *r, uint32_t i, uint64_t mem,
                           uint32_t buf_len, RscFlow *fl, unsigned first,
                           unsigned n)
{
    const uint8_t *f0 = fl->f[first], *tcp0 = f0 + ETH_HDR + IP_HDR;
    size_t total = RSC_HDR, off;
    g_autofree uint8_t *got = NULL;
    uint32_t last, k;

    for (k = first; k < first + n; k++) {
        total += fl->len[k] - RSC_HDR;
    }
    last = i + (total + buf_len - 1) / buf_len - 1;
    g_assert_cmphex(wait_done(t, r, last), ==,
                    SGNIC_DESC_S_DONE | SGNIC_DESC_S_EOP |
                    (last == i ? SGNIC_DESC_S_SOP : 0) |
                    SGNIC_DESC_S_L4_CSUM_OK | SGNIC_DESC_S_RSC |
                    HASH_ST(SGNIC_HASH_IPV4_TCP));
    g_assert_cmphex(desc_hash(t, r, last), !=, 0);
    g_assert_cmpuint(desc_rsc(t, r, last), ==,
                     n | (fl->len[first] - RSC_HDR) << 16);
    g_assert_cmpuint(desc_xfer(t, r, last), ==, total - (last - i) * buf_len);
    for (k = i; k < last; k++) {
        g_assert_cmphex(desc_status(t, r, k), ==, SGNIC_DESC_S_DONE |
                        (k == i ? SGNIC_DESC_S_SOP : 0));
        g_assert_cmpuint(desc_rsc(t, r, k), ==, 0);
        g_assert_cmphex(desc_hash(t, r, k), ==, 0);
    }

    got = g_malloc(total);
    qtest_memread(t->qts, mem + (uint64_t)i * buf_len, got, total);
    g_assert(!memcmp(got, f0, ETH_HDR + 2));
    g_assert_cmpuint(lduw_be_p(got + ETH_HDR + 2), ==, total - ETH_HDR);
    g_assert(!memcmp(got + ETH_HDR + 4, f0 + ETH_HDR + 4, 6));
    g_assert(ip_csum_ok(got));
    g_assert(!memcmp(got + ETH_HDR + IP_HDR, tcp0, 13));
    g_assert_cmphex(got[ETH_HDR + IP_HDR + 13], ==,
                    fl->f[first + n - 1][ETH_HDR + IP_HDR + 13]);
    g_assert(!memcmp(got + ETH_HDR + IP_HDR + 14, tcp0 + 14, TCP_HDR - 14));
    for (off = RSC_HDR, k = first; k < first + n; k++) {
        g_assert(!memcmp(got + off, fl->f[k] + RSC_HDR, fl->len[k] - RSC_HDR));
        off += fl->len[k] - RSC_HDR;
    }
    return last + 1;
}

/* Descriptor i holds frame f unchanged, alone, with the given extra status. */
static void rx_expect_plain(Sg *t, Ring *r, uint32_t i, uint64_t mem,
                            uint32_t buf_len, const uint8_t *f, size_t len,
                            uint32_t status)
{
    g_autofree uint8_t *got = g_malloc(len);

    g_assert_cmphex(wait_done(t, r, i), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP | status);
    g_assert_cmpuint(desc_xfer(t, r, i), ==, len);
    g_assert_cmpuint(desc_rsc(t, r, i), ==, 0);
    qtest_memread(t->qts, mem + (uint64_t)i * buf_len, got, len);
    g_assert(!memcmp(got, f, len));
}

/* Boot, turn RSC on (max_len) and start RX ring 0 with nbufs 2 KiB buffers. */
static uint64_t rsc_setup(Sg *t, Ring *r, uint32_t max_len, unsigned nbufs)
{
    sg_boot(t, NULL);
    wr(t, SGNIC_REG_RSC_MAX_LEN, max_len);
    rx_setup(t, r, 64);
    return nbufs ? rx_post(t, r, nbufs, 2048, 0, true) : 0;
}

static void test_rsc_coalesce(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;
    uint32_t i;

    mem = rsc_setup(&t, &r, 0, 32);
    g_assert_cmpuint(rd(&t, SGNIC_REG_RSC_MAX_LEN), ==, 0);
    wr(&t, SGNIC_REG_RSC_MAX_LEN, 0xffffffff);
    g_assert_cmpuint(rd(&t, SGNIC_REG_RSC_MAX_LEN), ==, SGNIC_RSC_MAX_LEN);

    /* Four full segments, PSH on the last: one frame over two buffers. */
    rsc_segs(fl, 0, 4, TCP_ACK | TCP_PSH);
    rsc_send(&t, fl, 0, 4);
    i = rsc_expect(&t, &r, 0, mem, 2048, fl, 0, 4);
    g_assert_cmpuint(i, ==, 2);

    /* Three full and a short one, no PSH: the short one ends the frame. */
    rsc_segs(fl, 4, 3, TCP_ACK);
    rsc_seg(fl, 7, 500, TCP_ACK);
    rsc_send(&t, fl, 4, 4);
    i = rsc_expect(&t, &r, i, mem, 2048, fl, 4, 4);
    g_assert_cmphex(desc_status(&t, &r, i), ==, 0);

    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 2);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_FRAMES), ==, 2);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_SEGS), ==, 8);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_off(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;
    unsigned k;

    mem = rsc_setup(&t, &r, 0, 8);
    rsc_segs(fl, 0, 3, TCP_ACK);
    rsc_send(&t, fl, 0, 3);
    for (k = 0; k < 3; k++) {
        rx_expect_plain(&t, &r, k, mem, 2048, fl->f[k], fl->len[k],
                        TCP_ST);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_FRAMES), ==, 0);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_no_join(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;
    uint8_t *tcp;
    unsigned k;

    /*
     * Each frame breaks a rule against the one before it, so every one
     * arrives alone and unchanged, in order.
     */
    mem = rsc_setup(&t, &r, SGNIC_RSC_MAX_LEN, 16);
    rsc_segs(fl, 0, 11, TCP_ACK);
    rsc_seg(fl, 2, RSC_MSS, TCP_ACK);           /* 1: sequence gap after 0 */
    memcpy(fl->f[1], fl->f[2], fl->len[2]);
    stw_be_p(fl->f[2] + ETH_HDR + IP_HDR + 2, 81);  /* 2: other port */
    tcp_fix_csums(fl->f[2], fl->len[2]);
    fl->f[4][fl->len[4] - 1] ^= 0x5a;           /* 4: bad checksum */
    fl->f[5][ETH_HDR + IP_HDR + 13] = 0x12;     /* 5: SYN | ACK */
    tcp_fix_csums(fl->f[5], fl->len[5]);
    stw_be_p(fl->f[7] + ETH_HDR + 4, 0x100);    /* 7: IP ID goes back */
    tcp_fix_csums(fl->f[7], fl->len[7]);
    tcp = fl->f[8] + ETH_HDR + IP_HDR;          /* 8: other ACK number */
    stl_be_p(tcp + 8, 2);
    tcp_fix_csums(fl->f[8], fl->len[8]);
    tcp = fl->f[9] + ETH_HDR + IP_HDR;          /* 9: other window */
    stw_be_p(tcp + 14, 1000);
    tcp_fix_csums(fl->f[9], fl->len[9]);
    fl->len[10] = make_udp(fl->f[10], sg_mac, 300, 1, true);   /* 10: UDP */
    rsc_send(&t, fl, 0, 11);
    for (k = 0; k < 11; k++) {
        rx_expect_plain(&t, &r, k, mem, 2048, fl->f[k], fl->len[k],
                        k == 4 ? SGNIC_DESC_S_L4_CSUM_BAD |
                                 HASH_ST(SGNIC_HASH_IPV4_TCP) :
                        k == 10 ? UDP_ST : TCP_ST);
    }
    g_assert_cmphex(desc_status(&t, &r, 11), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_FRAMES), ==, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 11);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_limit(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;
    uint32_t i;

    /* Room for three segments: 3 + 3, then a PSH one that starts nothing. */
    mem = rsc_setup(&t, &r, RSC_HDR + 3 * RSC_MSS, 16);
    rsc_segs(fl, 0, 7, TCP_ACK | TCP_PSH);
    rsc_send(&t, fl, 0, 7);
    i = rsc_expect(&t, &r, 0, mem, 2048, fl, 0, 3);
    i = rsc_expect(&t, &r, i, mem, 2048, fl, 3, 3);
    rx_expect_plain(&t, &r, i, mem, 2048, fl->f[6], fl->len[6],
                    TCP_ST);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_FRAMES), ==, 2);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_SEGS), ==, 6);

    /* A limit below two segments turns coalescing off in effect. */
    wr(&t, SGNIC_REG_RSC_MAX_LEN, RSC_HDR + 2 * RSC_MSS - 1);
    rsc_segs(fl, 7, 2, TCP_ACK);
    rsc_send(&t, fl, 7, 2);
    rx_expect_plain(&t, &r, i + 1, mem, 2048, fl->f[7], fl->len[7],
                    TCP_ST);
    rx_expect_plain(&t, &r, i + 2, mem, 2048, fl->f[8], fl->len[8],
                    TCP_ST);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_bh_flush(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;

    /* Nothing follows: the bottom half delivers what is held. */
    mem = rsc_setup(&t, &r, SGNIC_RSC_MAX_LEN, 16);
    rsc_segs(fl, 0, 3, TCP_ACK);
    rsc_send(&t, fl, 0, 1);
    rx_expect_plain(&t, &r, 0, mem, 2048, fl->f[0], fl->len[0],
                    TCP_ST);
    rsc_send(&t, fl, 1, 2);
    g_assert_cmpuint(rsc_expect(&t, &r, 1, mem, 2048, fl, 1, 2), ==, 3);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_backpressure(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint8_t udp[400];
    size_t udp_len = make_udp(udp, sg_mac, 300, 7, true);
    uint64_t mem;
    uint32_t i;

    /*
     * No buffers: the frame is held and keeps growing; a frame that does
     * not join waits behind it.  Posting buffers delivers both, in order.
     */
    rsc_setup(&t, &r, SGNIC_RSC_MAX_LEN, 0);
    rsc_segs(fl, 0, 3, TCP_ACK);
    rsc_send(&t, fl, 0, 3);
    wire_send(&t, udp, udp_len);
    assert_not_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_NOBUF), ==, 0);
    mem = rx_post(&t, &r, 16, 2048, 0, true);
    i = rsc_expect(&t, &r, 0, mem, 2048, fl, 0, 3);
    rx_expect_plain(&t, &r, i, mem, 2048, udp, udp_len, UDP_ST);

    /* A channel reset forgets the frame it holds. */
    chan_reset(&t, r.chan);
    ring_init(&t, &r, SGNIC_CHAN_RX(0), 64, false, true);
    rsc_segs(fl, 3, 2, TCP_ACK);
    rsc_send(&t, fl, 3, 2);
    g_usleep(100 * 1000);
    chan_reset(&t, r.chan);
    ring_init(&t, &r, SGNIC_CHAN_RX(0), 64, false, true);
    mem = rx_post(&t, &r, 16, 2048, 0, true);
    wire_send(&t, udp, udp_len);
    rx_expect_plain(&t, &r, 0, mem, 2048, udp, udp_len, UDP_ST);
    assert_not_done(&t, &r, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_SEGS), ==, 3);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rsc_migration(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg src, dst;
    Ring r;
    uint64_t mem;

    /* A frame held for want of buffers moves with the device. */
    rsc_setup(&src, &r, SGNIC_RSC_MAX_LEN, 0);
    rsc_segs(fl, 0, 5, TCP_ACK);
    rsc_send(&src, fl, 0, 4);
    assert_not_done(&src, &r, 0);
    sg_migrate(&src, &dst);
    g_assert_cmpuint(rd(&dst, SGNIC_REG_RSC_MAX_LEN), ==, SGNIC_RSC_MAX_LEN);
    mem = rx_post(&dst, &r, 16, 2048, 0, true);
    rsc_expect(&dst, &r, 0, mem, 2048, fl, 0, 4);
    /* And the flow goes on coalescing there. */
    rsc_segs(fl, 4, 2, TCP_ACK | TCP_PSH);
    rsc_send(&dst, fl, 4, 2);
    rsc_expect(&dst, &r, 2, mem, 2048, fl, 4, 2);
    sg_shutdown(&dst);
    sg_shutdown(&src);
    g_free(fl);
}

/* ---- a hostile guest, network peer and migration stream -------------------------------- */

/*
 * The device's own register BAR as a DMA target: every path that can move
 * data (doorbell, TX bottom half, RSC bottom half, delivery from the
 * network, an MSI-X message) must see the access fail as a fault, never
 * reach sgnic_mmio_*() again.
 */

/* Wait (in real time, QEMU runs its bottom halves) for a channel state. */
static void wait_state(Sg *t, unsigned c, uint32_t state)
{
    gint64 end = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;

    while (cstate(t, c) != state) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
}

static void test_self_dma_tx_doorbell(void)
{
    Sg t;
    Ring r;
    uint32_t i;

    /* Inside the doorbell's MMIO write: QEMU blocks the read, we must see it. */
    halt_setup(&t, &r, 16);
    i = ring_push(&t, &r, t.bar.addr, 64, F_PKT, 0);
    ring_doorbell(&t, &r);
    assert_halted(&t, &r, SGNIC_ERR_BUF_READ, i);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void test_self_dma_tx_bh(void)
{
    Sg t;
    Ring r;
    uint32_t i, mmio;

    /* Bus mastering turned on runs the waiting packet from the bottom half. */
    halt_setup(&t, &r, 16);
    set_master(&t, false);
    i = ring_push(&t, &r, t.bar.addr + SGNIC_REG_STAT_RX_NOBUF, 64, F_PKT, 0);
    ring_doorbell(&t, &r);
    mmio = rd(&t, SGNIC_REG_STAT_MMIO);
    set_master(&t, true);
    wait_state(&t, r.chan, SGNIC_STATE_HALTED);
    /* Only the test's own two reads since: the device read none of them. */
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_MMIO), ==, mmio + 2);
    assert_halted(&t, &r, SGNIC_ERR_BUF_READ, i);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

/* An RX ring whose one buffer is BAR 0; returns after the frame arrived. */
static void self_dma_rx(Sg *t, Ring *r, bool rsc)
{
    uint8_t f[200];
    size_t len;

    sg_boot(t, NULL);
    wr(t, SGNIC_REG_MISC_MASK, SGNIC_MISC_CHAN_HALT);
    if (rsc) {
        wr(t, SGNIC_REG_RSC_MAX_LEN, SGNIC_RSC_MAX_LEN);
    }
    wr(t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    ring_init(t, r, SGNIC_CHAN_RX(0), 16, true, true);
    ring_push(t, r, t->bar.addr, 2048, 0, 0);
    ring_doorbell(t, r);
    if (rsc) {
        /* A lone in-order segment: held, then placed by the bottom half. */
        len = make_tcp(f, sg_mac, 100, 1000, 3);
        f[ETH_HDR + IP_HDR + 13] = TCP_ACK;
        tcp_fix_csums(f, len);
    } else {
        len = sizeof(f);
        make_raw(f, len, sg_mac, 4);
    }
    wire_send(t, f, len);
    wait_state(t, r->chan, SGNIC_STATE_HALTED);
}

static void test_self_dma_rx(void)
{
    Sg t;
    Ring r;

    self_dma_rx(&t, &r, false);
    assert_halted(&t, &r, SGNIC_ERR_BUF_WRITE, 0);
    /* The frame's bytes reached no register. */
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, SGNIC_CTRL_RX_ENABLE);
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_LO), ==, ldl_le_p(sg_mac));
    sg_shutdown(&t);
}

static void test_self_dma_rsc_bh(void)
{
    Sg t;
    Ring r;

    self_dma_rx(&t, &r, true);
    assert_halted(&t, &r, SGNIC_ERR_BUF_WRITE, 0);
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, SGNIC_CTRL_RX_ENABLE);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSC_MAX_LEN), ==, SGNIC_RSC_MAX_LEN);
    sg_shutdown(&t);
}

static void test_self_dma_msix(void)
{
    Sg t;
    Ring r;
    uint8_t f[120];

    /*
     * The RX completion interrupt's message is a write of CTRL.RESET to
     * our own CTRL: sent while the frame is placed, it must not land.
     */
    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    cwr(&t, r.chan, SGNIC_CH_IRQ_EN, 1);
    rx_post(&t, &r, 4, 2048, SGNIC_DESC_F_INTERRUPT, true);
    msix_route(&t, VEC_Q0, t.bar.addr + SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
    make_raw(f, sizeof(f), sg_mac, 5);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_IRQS), ==, 1);
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, SGNIC_CTRL_RX_ENABLE);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_ACTIVE);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 1);
    sg_shutdown(&t);
}

/* ---- frames a network peer controls ------------------------------------------------------ */

/* An IPv4 frame of len bytes (>= 34) with the given IHL and protocol. */
static void make_ip_hdr_only(uint8_t *f, size_t len, unsigned ihl, uint8_t proto)
{
    memset(f, 0, len);
    put_eth_ip(f, sg_mac, proto, len - ETH_HDR - IP_HDR, 7);
    f[ETH_HDR] = 0x40 | ihl;
}

static void test_rx_malformed_l4(void)
{
    static const struct { unsigned ihl; uint8_t proto; } bad[] = {
        { 15, 132 },    /* SCTP header claimed beyond the frame */
        { 15, 6 }, { 15, 17 }, { 5, 132 }, { 4, 6 }, { 0, 17 },
    };
    Sg t;
    Ring r;
    uint8_t f[400];
    size_t k, len;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 64);
    rx_post(&t, &r, 32, 2048, 0, true);
    for (k = 0; k < G_N_ELEMENTS(bad); k++) {
        make_ip_hdr_only(f, 60, bad[k].ihl, bad[k].proto);
        wire_send(&t, f, 60);
        /*
         * Placed as it is, with no checksum verdict: nothing to verify,
         * and hashed over its addresses alone.
         */
        g_assert_cmphex(wait_done(&t, &r, k), ==, SGNIC_DESC_S_DONE |
                        SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP |
                        HASH_ST(SGNIC_HASH_IPV4));
    }
    /* An IPv4 total length beyond the frame, a TCP header cut short. */
    len = make_udp(f, sg_mac, 100, 1, true);
    stw_be_p(f + ETH_HDR + 2, 1400);
    wire_send(&t, f, len);
    g_assert_cmphex(wait_done(&t, &r, k), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP |
                    HASH_ST(SGNIC_HASH_IPV4));
    make_ip_hdr_only(f, ETH_HDR + IP_HDR + 10, 5, 6);
    wire_send(&t, f, ETH_HDR + IP_HDR + 10);
    g_assert_cmphex(wait_done(&t, &r, k + 1), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP |
                    HASH_ST(SGNIC_HASH_IPV4));
    /* A good UDP frame still gets its verdict. */
    len = make_udp(f, sg_mac, 100, 2, true);
    wire_send(&t, f, len);
    g_assert_cmphex(wait_done(&t, &r, k + 2), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP | UDP_ST);
    assert_alive(&t);
    sg_shutdown(&t);
}

static void test_rx_runt(void)
{
    Sg t;
    Ring r;
    uint8_t runt[SGNIC_MIN_FRAME], f[100], got[100];
    const uint8_t *frames[SGNIC_MIN_FRAME + 1];
    size_t lens[SGNIC_MIN_FRAME + 1];
    uint64_t mem;
    unsigned k;

    /*
     * Empty and 1..13-byte frames, then a good one, in one burst: the runts
     * are dropped and counted, and must not hold back what follows.
     */
    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    mem = rx_post(&t, &r, 4, 2048, 0, true);
    memset(runt, 0xff, sizeof(runt));
    for (k = 0; k < SGNIC_MIN_FRAME; k++) {
        frames[k] = runt;
        lens[k] = k;
    }
    make_raw(f, sizeof(f), sg_mac, 6);
    frames[k] = f;
    lens[k] = sizeof(f);
    wire_send_many(&t, frames, lens, k + 1);
    wait_done(&t, &r, 0);
    g_assert_cmpuint(desc_xfer(&t, &r, 0), ==, sizeof(f));
    qtest_memread(t.qts, mem, got, sizeof(got));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_RUNT), ==, SGNIC_MIN_FRAME);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 1);
    /* And reception goes on. */
    make_raw(f, sizeof(f), sg_mac, 7);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 1);
    sg_shutdown(&t);
}

static void test_rx_disable_drops_queued(void)
{
    Sg t;
    Ring r;
    uint8_t f[100];
    unsigned k;

    /* Frames queued for want of buffers go when receive is turned off. */
    sg_boot(&t, NULL);
    rx_setup(&t, &r, 16);
    for (k = 0; k < 3; k++) {
        make_raw(f, sizeof(f), sg_mac, k);
        wire_send(&t, f, sizeof(f));
    }
    assert_not_done(&t, &r, 0);
    wr(&t, SGNIC_REG_CTRL, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_DISABLED), ==, 3);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    rx_post(&t, &r, 4, 2048, 0, true);
    assert_not_done(&t, &r, 0);
    /* A new frame is the first one placed. */
    make_raw(f, sizeof(f), sg_mac, 9);
    wire_send(&t, f, sizeof(f));
    wait_done(&t, &r, 0);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_PKTS), ==, 1);
    sg_shutdown(&t);
}

static void test_rsc_bus_master(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    Sg t;
    Ring r;
    uint64_t mem;

    /*
     * A frame held for want of buffers waits for bus mastering like any
     * other: buffers posted while it is off place nothing (and halt
     * nothing), turning it on places the frame.
     */
    rsc_setup(&t, &r, SGNIC_RSC_MAX_LEN, 0);
    rsc_segs(fl, 0, 2, TCP_ACK);
    rsc_send(&t, fl, 0, 2);
    qtest_clock_step(t.qts, 1000 * 1000);
    set_master(&t, false);
    mem = rx_post(&t, &r, 16, 2048, 0, true);
    qtest_clock_step(t.qts, 1000 * 1000);
    assert_not_done(&t, &r, 0);
    g_assert_cmpuint(cstate(&t, r.chan), ==, SGNIC_STATE_ACTIVE);
    set_master(&t, true);
    g_assert_cmpuint(rsc_expect(&t, &r, 0, mem, 2048, fl, 0, 2), ==, 2);
    sg_shutdown(&t);
    g_free(fl);
}

/* ---- transmit edges ------------------------------------------------------------------------ */

static void test_tx_send_fails(void)
{
    Sg t;
    Ring r;
    const size_t len = 70000, half = len / 2;
    g_autofree uint8_t *f = g_malloc0(len);
    uint64_t a;
    uint32_t i;

    /*
     * A TSO packet whose payload is above what IPv4 can carry: QEMU cannot
     * build its segments, so it is refused, not reported sent.
     */
    sg_boot(&t, "max-xfer=262144");
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_tcp(f, peer_mac, len - ETH_HDR - IP_HDR - TCP_HDR, 1, 1);
    a = guest_buf(&t, f, len);
    i = ring_push(&t, &r, a, half, SGNIC_DESC_F_SOP | SGNIC_DESC_F_TSO, 1400);
    ring_push(&t, &r, a + half, len - half, SGNIC_DESC_F_EOP, 0);
    ring_doorbell(&t, &r);
    g_assert_cmphex(wait_done(&t, &r, i + 1), ==,
                    SGNIC_DESC_S_DONE | SGNIC_RES_BAD_OFFLOAD);
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_PKT_ERRS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 0);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

/* Queue a one-descriptor CSUM packet with csum_start and csum_offset. */
static uint32_t tx_csum_partial(Sg *t, Ring *r, const uint8_t *f, size_t len,
                                uint16_t start, uint16_t offset)
{
    struct sgnic_desc d = {};
    uint32_t i = r->tail;

    d.addr = cpu_to_le64(guest_buf(t, f, len));
    d.len = cpu_to_le32(len);
    d.flags = cpu_to_le32(F_PKT | SGNIC_DESC_F_CSUM);
    d.csum_start = cpu_to_le16(start);
    d.csum_offset = cpu_to_le16(offset);
    qtest_memwrite(t->qts, desc_addr(r, i), &d, sizeof(d));
    r->tail = (r->tail + 1) % r->size;
    ring_doorbell(t, r);
    return i;
}

static void test_tx_csum_partial(void)
{
    Sg t;
    Ring r;
    uint8_t f[100], got[100];
    uint32_t i;

    /*
     * The checksum goes where the driver says, over what it says, as for
     * Linux's CHECKSUM_PARTIAL: here inside a frame nobody could parse.
     */
    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 3);
    stw_be_p(f + 40, 0x1234);           /* the seed a driver leaves there */
    tx_csum_partial(&t, &r, f, sizeof(f), 30, 10);
    g_assert_cmpint(wire_recv(&t, got, sizeof(got), 2000), ==, sizeof(f));
    g_assert(!memcmp(got, f, 40));
    g_assert(!memcmp(got + 42, f + 42, sizeof(f) - 42));
    /* What the receiver checks: the seed (its pseudo header) plus the bytes. */
    g_assert_cmphex(csum_fold(csum_add(0x1234, got + 30, sizeof(f) - 30)), ==, 0);

    /* A field past the end, or a start inside the Ethernet header: refused. */
    i = tx_csum_partial(&t, &r, f, sizeof(f), 90, 9);
    g_assert_cmphex(wait_done(&t, &r, i), ==,
                    SGNIC_DESC_S_DONE | SGNIC_RES_BAD_OFFLOAD);
    i = tx_csum_partial(&t, &r, f, sizeof(f), 4, 6);
    g_assert_cmphex(wait_done(&t, &r, i), ==,
                    SGNIC_DESC_S_DONE | SGNIC_RES_BAD_OFFLOAD);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

/* ---- register access rules ---------------------------------------------------------------- */

static void test_regs_64bit_access(void)
{
    Sg t;
    uint64_t ring = SGNIC_CHAN_REG(0, SGNIC_CH_RING_LO);

    /* An 8-byte access is two 4-byte ones, low address first (spec 1). */
    sg_boot(&t, NULL);
    qtest_writeq(t.qts, t.bar.addr + ring, 0x0000000123456780ULL);
    g_assert_cmphex(crd(&t, 0, SGNIC_CH_RING_LO), ==, 0x23456780);
    g_assert_cmphex(crd(&t, 0, SGNIC_CH_RING_HI), ==, 0x1);
    g_assert_cmphex(qtest_readq(t.qts, t.bar.addr + ring), ==,
                    0x0000000123456780ULL);
    g_assert_cmphex(qtest_readq(t.qts, t.bar.addr + SGNIC_REG_ID), ==,
                    (uint64_t)(SGNIC_VERSION_MAJOR << 16 | SGNIC_VERSION_MINOR) << 32 |
                    SGNIC_ID_MAGIC);
    /* MSI-X only: no INTx pin is advertised. */
    g_assert_cmpuint(qpci_config_readb(t.dev, PCI_INTERRUPT_PIN), ==, 0);
    sg_shutdown(&t);
}

/* ---- migration streams ---------------------------------------------------------------------- */

static void test_migration_halted_unconfigured(void)
{
    Sg src, dst;

    /* START on a ring never set up halts: a state the device makes itself. */
    sg_boot(&src, "max-sg=4");
    cwr(&src, SGNIC_CHAN_TX(1), SGNIC_CH_CMD, SGNIC_CMD_START);
    g_assert_cmpuint(cerr(&src, SGNIC_CHAN_TX(1)), ==, SGNIC_ERR_RING_CONFIG);
    sg_migrate(&src, &dst);
    g_assert_cmpuint(cstate(&dst, SGNIC_CHAN_TX(1)), ==, SGNIC_STATE_HALTED);
    g_assert_cmpuint(cerr(&dst, SGNIC_CHAN_TX(1)), ==, SGNIC_ERR_RING_CONFIG);
    /* A limit set on the source travels: the guest's view cannot change. */
    g_assert_cmpuint(rd(&dst, SGNIC_REG_MAX_SG), ==, 4);
    chan_reset(&dst, SGNIC_CHAN_TX(1));
    sg_shutdown(&dst);
    sg_shutdown(&src);
}

/* Migrate src's VM into a file; returns its bytes. */
static uint8_t *sg_save(Sg *src, const char *path, size_t *len)
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    gint64 end = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    uint8_t *buf;
    gsize n;

    qtest_qmp_assert_success(src->qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    for (;;) {
        QDict *rsp = qtest_qmp(src->qts, "{'execute': 'query-migrate'}");
        QDict *ret = qdict_get_qdict(rsp, "return");
        bool done = !g_strcmp0(qdict_get_try_str(ret, "status"), "completed");

        qobject_unref(rsp);
        if (done) {
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(10 * 1000);
    }
    g_assert(g_file_get_contents(path, (char **)&buf, &n, NULL));
    *len = n;
    return buf;
}

/*
 * Load a stream into a fresh QEMU.  A stream the device accepts resumes
 * the VM (and check, if any, looks at it); one it rejects makes QEMU exit
 * with status 1, never crash.
 */
static void sg_load_run(const uint8_t *stream, size_t len, const char *path,
                        bool accept, void (*check)(Sg *dst))
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;
    Sg dst;

    g_assert(g_file_set_contents(path, (const char *)stream, len, NULL));
    sg_launch(&dst, NULL, "-incoming defer");
    if (!accept) {
        qtest_set_expected_status(dst.qts, 1);
    }
    qtest_qmp_assert_success(dst.qts, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s}}", uri);
    if (accept) {
        qtest_qmp_eventwait(dst.qts, "RESUME");
        qtest_clock_step(dst.qts, 1000 * 1000 * 1000);
        assert_alive(&dst);
        if (check) {
            check(&dst);
        }
    } else {
        /* No QMP from here: a read from a QEMU that exits aborts the test. */
        while (qtest_probe_child(dst.qts)) {
            g_assert_cmpint(g_get_monotonic_time(), <, end);
            g_usleep(10 * 1000);
        }
        qtest_wait_qemu(dst.qts);       /* checks the exit status */
    }
    sg_shutdown(&dst);
}

static void sg_load(const uint8_t *stream, size_t len, const char *path,
                    bool accept)
{
    sg_load_run(stream, len, path, accept, NULL);
}

static void sg_load_check(const uint8_t *stream, size_t len, const char *path,
                          void (*check)(Sg *dst))
{
    sg_load_run(stream, len, path, true, check);
}

/* Where a 64-bit big-endian value first occurs in the stream. */
static size_t stream_find_be64(const uint8_t *s, size_t len, uint64_t v)
{
    uint8_t pat[8];
    const uint8_t *p;

    stq_be_p(pat, v);
    p = memmem(s, len, pat, sizeof(pat));
    g_assert(p);
    return p - s;
}

/*
 * What version 5 adds at the end of the device's fields: STAT_RX_VLAN_DROPS,
 * the VLAN and multicast hash tables, the address table's LO and HI words.
 */
#define MIG_V5_BYTES    (4 * (1 + SGNIC_VLAN_TABLE_REGS + SGNIC_MC_HASH_REGS + \
                              2 * SGNIC_ADDR_ENTRIES))
/* What version 6 adds after them: the MAC counters. */
#define MIG_V6_BYTES    (8 * SGNIC_MAC_NUM_STATS)

/*
 * The stream as version ver would have sent it: the n bytes of fields at
 * offset at removed, and the device section's version (after its id
 * string and instance) set.
 */
static uint8_t *stream_downgrade(const uint8_t *s, size_t len, size_t at,
                                 size_t n, uint32_t ver)
{
    const uint8_t *id = memmem(s, len, "/sgnic", 6);
    uint8_t *out;
    size_t v;

    g_assert(id);
    v = id - s + 6 + 4;
    g_assert_cmpuint(ldl_be_p(s + v), ==, 6);
    out = g_malloc(len - n);
    memcpy(out, s, at);
    memcpy(out + at, s + at + n, len - at - n);
    stl_be_p(out + v, ver);
    return out;
}


/* Offsets inside one channel's record of the stream (vmstate_sgnic_chan). */
enum {
    MIG_CH_STATE = 20, MIG_CH_IRQ_EN = 48, MIG_CH_IRQ_COUNT = 60,
    MIG_CH_TIMER = 74, MIG_CH_SIZE = 82,
};

static void test_migration_crafted(void)
{
    g_autofree char *path = g_strdup_printf("%s/sgnic-mig-%d.bin",
                                            g_get_tmp_dir(), getpid());
    const uint64_t marker = 0x2468ace013572440ULL;
    g_autofree uint8_t *good = NULL;
    uint8_t *bad;
    size_t len, ch3;
    Sg src;

    /* Mark the last channel of queues=2 to find the records after it. */
    sg_boot(&src, NULL);
    cwr(&src, 3, SGNIC_CH_RING_LO, (uint32_t)marker);
    cwr(&src, 3, SGNIC_CH_RING_HI, marker >> 32);
    good = sg_save(&src, path, &len);
    sg_shutdown(&src);
    ch3 = stream_find_be64(good, len, marker);
    sg_load(good, len, path, true);

    /*
     * Channel 4 is beyond queues=2: a moderation timer armed there would
     * send vector 3, which does not exist (msix_notify aborts).
     */
    bad = g_memdup2(good, len);
    stl_be_p(bad + ch3 + MIG_CH_SIZE + MIG_CH_IRQ_EN, 1);
    stl_be_p(bad + ch3 + MIG_CH_SIZE + MIG_CH_IRQ_COUNT, 1);
    stq_be_p(bad + ch3 + MIG_CH_SIZE + MIG_CH_TIMER, 1);
    sg_load(bad, len, path, false);
    g_free(bad);

    /* A channel in a state that does not exist. */
    bad = g_memdup2(good, len);
    stl_be_p(bad + ch3 + MIG_CH_STATE, 7);
    sg_load(bad, len, path, false);
    g_free(bad);

    /* Running with a ring size that is not a power of two. */
    bad = g_memdup2(good, len);
    stl_be_p(bad + ch3 + MIG_CH_STATE, SGNIC_STATE_ACTIVE);
    stl_be_p(bad + ch3 + 8, 12);
    sg_load(bad, len, path, false);
    g_free(bad);
    unlink(path);
}

/* ---- receive-side scaling ------------------------------------------------ */

/*
 * Microsoft's RSS verification suite ("Verifying the RSS Hash Calculation"
 * in the Windows driver documentation; Intel's 82599 datasheet, 7.1.2.8.3,
 * prints the same table): under the key the device resets to, the
 * Toeplitz hash of each flow over its addresses alone and over addresses
 * and ports.  Checked against DPDK's app/test/test_thash.c, which carries
 * the same numbers.  Microsoft's input order is source address,
 * destination address, source port, destination port.
 */
typedef struct RssVector {
    const char *src, *dst;
    uint16_t sport, dport;
    uint32_t hash_ip, hash_l4;
} RssVector;

static const RssVector rss_v4[] = {
    { "66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178 },
    { "199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea },
    { "24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
    { "38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f },
    { "153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

static const RssVector rss_v6[] = {
    { "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766,
      0x2cc18cd5, 0x40207d3d },
    { "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739,
      0x0f0c461c, 0xdde51bbf },
    { "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf",
      44251, 38024, 0x4b61e985, 0x02d1feef },
};

/* The key the device resets to: the one the vectors above were made with. */
static const uint8_t rss_ms_key[SGNIC_RSS_KEY_LEN] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
    0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
    0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define IP6_HDR         40
#define RSS_PAYLOAD     16

/*
 * A frame of the vector's flow: IPv4 or IPv6 (by the address), with a TCP
 * or UDP header (proto) and a few payload bytes; checksums left zero.
 */
static size_t make_flow(uint8_t *f, const RssVector *v, uint8_t proto)
{
    bool v6 = strchr(v->src, ':');
    int af = v6 ? AF_INET6 : AF_INET;
    size_t l3 = v6 ? IP6_HDR : IP_HDR, l4 = proto == 6 ? TCP_HDR : UDP_HDR;
    uint8_t *ip = f + ETH_HDR, *th = ip + l3;

    memset(f, 0, ETH_HDR + l3 + l4 + RSS_PAYLOAD);
    memcpy(f, sg_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    stw_be_p(f + 12, v6 ? 0x86dd : 0x0800);
    if (v6) {
        ip[0] = 0x60;
        stw_be_p(ip + 4, l4 + RSS_PAYLOAD);
        ip[6] = proto;
        ip[7] = 64;
    } else {
        ip[0] = 0x45;
        stw_be_p(ip + 2, IP_HDR + l4 + RSS_PAYLOAD);
        ip[8] = 64;
        ip[9] = proto;
    }
    g_assert_cmpint(inet_pton(af, v->src, ip + (v6 ? 8 : 12)), ==, 1);
    g_assert_cmpint(inet_pton(af, v->dst, ip + (v6 ? 24 : 16)), ==, 1);
    stw_be_p(th, v->sport);
    stw_be_p(th + 2, v->dport);
    if (proto == 6) {
        th[12] = 5 << 4;
        th[13] = TCP_ACK;
    } else {
        stw_be_p(th + 4, UDP_HDR + RSS_PAYLOAD);
    }
    return ETH_HDR + l3 + l4 + RSS_PAYLOAD;
}

/* A device with every RX pair started and 63 buffers posted on each. */
typedef struct RssRig {
    Sg t;
    Ring r[SGNIC_MAX_QUEUE_PAIRS];
    uint32_t next[SGNIC_MAX_QUEUE_PAIRS];   /* each ring's next descriptor */
    uint32_t frames;                        /* frames received so far */
} RssRig;

static void rss_boot(RssRig *g, unsigned queues)
{
    g_autofree char *props = g_strdup_printf("queues=%u", queues);
    unsigned q;

    memset(g, 0, sizeof(*g));
    sg_boot(&g->t, props);
    wr(&g->t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    for (q = 0; q < queues; q++) {
        ring_init(&g->t, &g->r[q], SGNIC_CHAN_RX(q), 64, false, true);
        rx_post(&g->t, &g->r[q], 63, 2048, 0, true);
    }
}

/*
 * Wait for the next frame to arrive and return the pair it landed on,
 * with the hash type (SGNIC_HASH_*) and hash of its descriptor.
 */
static unsigned rss_landed(RssRig *g, uint32_t *type, uint32_t *hash)
{
    unsigned q;
    uint32_t st;

    g->frames++;
    for (int k = 0; k < 5000; k++) {
        if (rd(&g->t, SGNIC_REG_STAT_RX_PKTS) >= g->frames) {
            break;
        }
        g_usleep(1000);
    }
    g_assert_cmpuint(rd(&g->t, SGNIC_REG_STAT_RX_PKTS), ==, g->frames);
    for (q = 0; q < g->t.queues; q++) {
        if (crd(&g->t, g->r[q].chan, SGNIC_CH_COMPLETED) != g->next[q]) {
            st = desc_status(&g->t, &g->r[q], g->next[q]);
            g_assert_cmphex(st & (SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP), ==,
                            SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP);
            *type = (st & SGNIC_DESC_S_HASH_MASK) >> SGNIC_DESC_S_HASH_SHIFT;
            *hash = desc_hash(&g->t, &g->r[q], g->next[q]);
            g->next[q]++;
            return q;
        }
    }
    g_assert_not_reached();
}

/* Send a frame from the wire; it must land hashed as type with hash. */
static unsigned rss_expect(RssRig *g, const uint8_t *f, size_t len,
                           uint32_t type, uint32_t hash)
{
    uint32_t got_type, got_hash;
    unsigned pair;

    wire_send(&g->t, f, len);
    pair = rss_landed(g, &got_type, &got_hash);
    g_assert_cmpuint(got_type, ==, type);
    g_assert_cmphex(got_hash, ==, hash);
    return pair;
}

/* The table as the registers show it. */
static void rss_read_reta(Sg *t, uint8_t reta[SGNIC_RSS_RETA_SIZE])
{
    unsigned i;

    for (i = 0; i < SGNIC_RSS_RETA_REGS; i++) {
        stl_le_p(reta + 4 * i, rd(t, SGNIC_REG_RSS_RETA(i)));
    }
}

static void rss_write_reta(Sg *t, const uint8_t reta[SGNIC_RSS_RETA_SIZE])
{
    unsigned i;

    for (i = 0; i < SGNIC_RSS_RETA_REGS; i++) {
        wr(t, SGNIC_REG_RSS_RETA(i), ldl_le_p(reta + 4 * i));
    }
}

/* Entry i of the table holds i % pairs. */
static void rss_assert_reta_fill(Sg *t, unsigned pairs)
{
    uint8_t reta[SGNIC_RSS_RETA_SIZE];
    unsigned i;

    rss_read_reta(t, reta);
    for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++) {
        g_assert_cmpuint(reta[i], ==, i % pairs);
    }
}

static void rss_assert_defaults(Sg *t)
{
    unsigned i;

    g_assert_cmphex(rd(t, SGNIC_REG_RSS_TYPES), ==, SGNIC_RSS_ALL);
    for (i = 0; i < SGNIC_RSS_KEY_REGS; i++) {
        g_assert_cmphex(rd(t, SGNIC_REG_RSS_KEY(i)), ==,
                        (uint32_t)ldl_le_p(rss_ms_key + 4 * i));
    }
    rss_assert_reta_fill(t, 1);
}

static void test_rss_registers(void)
{
    Sg t;
    unsigned i;

    sg_boot(&t, "queues=4");
    g_assert_cmphex(rd(&t, SGNIC_REG_FEATURES) & SGNIC_FEAT_RSS, ==,
                    SGNIC_FEAT_RSS);
    rss_assert_defaults(&t);
    /* Offsets in the block that name no register read 0. */
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_TYPES + 4), ==, 0);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_KEY(SGNIC_RSS_KEY_REGS)), ==, 0);

    /* Types keep only the defined bits; the key reads back as written. */
    wr(&t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV4 | SGNIC_RSS_IPV6_UDP);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_TYPES), ==,
                    SGNIC_RSS_IPV4 | SGNIC_RSS_IPV6_UDP);
    wr(&t, SGNIC_REG_RSS_TYPES, 0xffffffff);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_TYPES), ==, SGNIC_RSS_ALL);
    wr(&t, SGNIC_REG_RSS_TYPES, ~SGNIC_RSS_ALL);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_TYPES), ==, 0);
    for (i = 0; i < SGNIC_RSS_KEY_REGS; i++) {
        wr(&t, SGNIC_REG_RSS_KEY(i), 0x01020304u * (i + 1));
    }
    for (i = 0; i < SGNIC_RSS_KEY_REGS; i++) {
        g_assert_cmphex(rd(&t, SGNIC_REG_RSS_KEY(i)), ==,
                        0x01020304u * (i + 1));
    }

    /* A table word naming a pair that does not exist is refused whole. */
    wr(&t, SGNIC_REG_RSS_RETA(5), 0x03020100);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_RETA(5)), ==, 0x03020100);
    wr(&t, SGNIC_REG_RSS_RETA(5), 0x00040000);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_RETA(5)), ==, 0x03020100);
    wr(&t, SGNIC_REG_RSS_RETA(5), 0xff000000);
    g_assert_cmphex(rd(&t, SGNIC_REG_RSS_RETA(5)), ==, 0x03020100);

    /* RX_QUEUES fills the table, clamped as the register is. */
    wr(&t, SGNIC_REG_RX_QUEUES, 3);
    rss_assert_reta_fill(&t, 3);
    wr(&t, SGNIC_REG_RX_QUEUES, 9);
    g_assert_cmpuint(rd(&t, SGNIC_REG_RX_QUEUES), ==, 4);
    rss_assert_reta_fill(&t, 4);
    wr(&t, SGNIC_REG_RX_QUEUES, 0);
    rss_assert_reta_fill(&t, 1);

    /* A device reset brings the defaults back. */
    wr(&t, SGNIC_REG_RX_QUEUES, 4);
    wr(&t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV6);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
    rss_assert_defaults(&t);
    sg_shutdown(&t);
}

/* Each vector as TCP and UDP, with ports and with addresses only. */
static void rss_check_vectors(RssRig *g, const RssVector *v, size_t n,
                              bool v6)
{
    const uint32_t ip = v6 ? SGNIC_HASH_IPV6 : SGNIC_HASH_IPV4;
    const uint32_t tcp = v6 ? SGNIC_HASH_IPV6_TCP : SGNIC_HASH_IPV4_TCP;
    const uint32_t udp = v6 ? SGNIC_HASH_IPV6_UDP : SGNIC_HASH_IPV4_UDP;
    const uint32_t en_ip = v6 ? SGNIC_RSS_IPV6 : SGNIC_RSS_IPV4;
    const uint32_t en_tcp = v6 ? SGNIC_RSS_IPV6_TCP : SGNIC_RSS_IPV4_TCP;
    uint8_t f[128];
    size_t k, len;

    for (k = 0; k < n; k++) {
        wr(&g->t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_ALL);
        len = make_flow(f, &v[k], 6);
        rss_expect(g, f, len, tcp, v[k].hash_l4);
        /* UDP hashes the same inputs. */
        len = make_flow(f, &v[k], 17);
        rss_expect(g, f, len, udp, v[k].hash_l4);

        /* Only the address type on: both hash over the addresses. */
        wr(&g->t, SGNIC_REG_RSS_TYPES, en_ip);
        rss_expect(g, f, len, ip, v[k].hash_ip);
        len = make_flow(f, &v[k], 6);
        rss_expect(g, f, len, ip, v[k].hash_ip);

        /* TCP on, UDP and addresses off: UDP is not hashed at all. */
        wr(&g->t, SGNIC_REG_RSS_TYPES, en_tcp);
        rss_expect(g, f, len, tcp, v[k].hash_l4);
        len = make_flow(f, &v[k], 17);
        g_assert_cmpuint(rss_expect(g, f, len, SGNIC_HASH_NONE, 0), ==, 0);
    }
}

static void test_rss_vectors_ipv4(void)
{
    RssRig g;
    uint8_t f[128];
    size_t len;

    rss_boot(&g, 1);
    rss_check_vectors(&g, rss_v4, G_N_ELEMENTS(rss_v4), false);

    /* A fragment, and a header with options, hash over the addresses. */
    wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_ALL);
    len = make_flow(f, &rss_v4[0], 6);
    stw_be_p(f + ETH_HDR + 6, 0x2000);          /* more fragments */
    rss_expect(&g, f, len, SGNIC_HASH_IPV4, rss_v4[0].hash_ip);
    stw_be_p(f + ETH_HDR + 6, 0x0010);          /* a later fragment */
    rss_expect(&g, f, len, SGNIC_HASH_IPV4, rss_v4[0].hash_ip);
    len = make_flow(f, &rss_v4[1], 17);
    memmove(f + ETH_HDR + IP_HDR + 4, f + ETH_HDR + IP_HDR,
            len - ETH_HDR - IP_HDR);
    memset(f + ETH_HDR + IP_HDR, 1, 4);         /* four NOP options */
    f[ETH_HDR] = 0x46;
    stw_be_p(f + ETH_HDR + 2, lduw_be_p(f + ETH_HDR + 2) + 4);
    rss_expect(&g, f, len + 4, SGNIC_HASH_IPV4_UDP, rss_v4[1].hash_l4);

    /* Not IP: no hash. */
    make_raw(f, 100, sg_mac, 9);
    rss_expect(&g, f, 100, SGNIC_HASH_NONE, 0);
    sg_shutdown(&g.t);
}

static void test_rss_vectors_ipv6(void)
{
    RssRig g;
    uint8_t f[128];
    size_t len;

    rss_boot(&g, 1);
    rss_check_vectors(&g, rss_v6, G_N_ELEMENTS(rss_v6), true);

    /* IPv4 types do not cover IPv6, nor the other way round. */
    wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV4 | SGNIC_RSS_IPV4_TCP);
    len = make_flow(f, &rss_v6[0], 6);
    rss_expect(&g, f, len, SGNIC_HASH_NONE, 0);
    wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV6 | SGNIC_RSS_IPV6_TCP);
    len = make_flow(f, &rss_v4[0], 6);
    rss_expect(&g, f, len, SGNIC_HASH_NONE, 0);
    sg_shutdown(&g.t);
}

static void test_rss_steering(void)
{
    RssRig g;
    uint8_t f[128], reta[SGNIC_RSS_RETA_SIZE];
    uint32_t type, hash;
    unsigned i, k, pair;
    size_t len;

    rss_boot(&g, 4);
    /* From reset every flow goes to pair 0, hashed all the same. */
    for (k = 0; k < G_N_ELEMENTS(rss_v4); k++) {
        len = make_flow(f, &rss_v4[k], 6);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV4_TCP,
                                    rss_v4[k].hash_l4), ==, 0);
    }

    /* Everything to pair 1, but frames without a hash. */
    memset(reta, 1, sizeof(reta));
    rss_write_reta(&g.t, reta);
    for (k = 0; k < G_N_ELEMENTS(rss_v6); k++) {
        len = make_flow(f, &rss_v6[k], 17);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV6_UDP,
                                    rss_v6[k].hash_l4), ==, 1);
    }
    make_raw(f, 100, sg_mac, 4);
    g_assert_cmpuint(rss_expect(&g, f, 100, SGNIC_HASH_NONE, 0), ==, 0);
    wr(&g.t, SGNIC_REG_RSS_TYPES, 0);
    len = make_flow(f, &rss_v4[0], 6);
    g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_NONE, 0), ==, 0);
    wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_ALL);

    /* A mixed table: each flow goes where entry hash & 127 says. */
    for (i = 0; i < SGNIC_RSS_RETA_SIZE; i++) {
        reta[i] = (i * 7 + i / 5) % 4;
    }
    rss_write_reta(&g.t, reta);
    for (k = 0; k < G_N_ELEMENTS(rss_v4); k++) {
        len = make_flow(f, &rss_v4[k], 6);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV4_TCP,
                                    rss_v4[k].hash_l4), ==,
                         reta[rss_v4[k].hash_l4 & 127]);
        wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV4);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV4,
                                    rss_v4[k].hash_ip), ==,
                         reta[rss_v4[k].hash_ip & 127]);
        wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_ALL);
    }
    for (k = 0; k < G_N_ELEMENTS(rss_v6); k++) {
        len = make_flow(f, &rss_v6[k], 6);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV6_TCP,
                                    rss_v6[k].hash_l4), ==,
                         reta[rss_v6[k].hash_l4 & 127]);
    }

    /* A transmitted frame looped back is classified as a wire one. */
    {
        Ring tx;

        wr(&g.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_LOOPBACK);
        ring_init(&g.t, &tx, SGNIC_CHAN_TX(0), 16, false, true);
        len = make_flow(f, &rss_v4[2], 17);
        tx_frame(&g.t, &tx, f, len, 0);
        pair = rss_landed(&g, &type, &hash);
        g_assert_cmpuint(type, ==, SGNIC_HASH_IPV4_UDP);
        g_assert_cmphex(hash, ==, rss_v4[2].hash_l4);
        g_assert_cmpuint(pair, ==, reta[hash & 127]);
        wire_assert_empty(&g.t);
    }

    /* RX_QUEUES replaces the table: two pairs, entry i % 2. */
    wr(&g.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    wr(&g.t, SGNIC_REG_RX_QUEUES, 2);
    for (k = 0; k < G_N_ELEMENTS(rss_v4); k++) {
        len = make_flow(f, &rss_v4[k], 6);
        g_assert_cmpuint(rss_expect(&g, f, len, SGNIC_HASH_IPV4_TCP,
                                    rss_v4[k].hash_l4), ==,
                         (rss_v4[k].hash_l4 & 127) % 2);
    }
    sg_shutdown(&g.t);
}

/* Segments of the first IPv4 vector's flow, coalesced: the flow's hash. */
static void test_rss_rsc(void)
{
    RscFlow *fl = g_new0(RscFlow, 1);
    uint8_t probe[128];
    Sg t;
    Ring r;
    uint64_t mem;
    unsigned k;
    uint32_t next;

    mem = rsc_setup(&t, &r, SGNIC_RSC_MAX_LEN, 16);
    make_flow(probe, &rss_v4[0], 6);
    rsc_segs(fl, 0, 3, TCP_ACK | TCP_PSH);
    for (k = 0; k < 3; k++) {
        /* The vector's addresses and ports, checksums made good again. */
        memcpy(fl->f[k] + ETH_HDR + 12, probe + ETH_HDR + 12, 8);
        memcpy(fl->f[k] + ETH_HDR + IP_HDR, probe + ETH_HDR + IP_HDR, 4);
        tcp_fix_csums(fl->f[k], fl->len[k]);
    }
    rsc_send(&t, fl, 0, 3);
    next = rsc_expect(&t, &r, 0, mem, 2048, fl, 0, 3);
    g_assert_cmphex(desc_hash(&t, &r, next - 1), ==, rss_v4[0].hash_l4);
    sg_shutdown(&t);
    g_free(fl);
}

static void test_rss_migration(void)
{
    g_autofree char *path = g_strdup_printf("%s/sgnic-rss-%d.bin",
                                            g_get_tmp_dir(), getpid());
    static const uint8_t marker[8] = {
        0x5a, 0xc3, 0x96, 0x69, 0x3c, 0xa5, 0x0f, 0xf0,
    };
    uint8_t key[SGNIC_RSS_KEY_LEN], reta[SGNIC_RSS_RETA_SIZE];
    g_autofree uint8_t *good = NULL;
    uint8_t *bad;
    RssRig g;
    Sg dst;
    size_t len, at;
    unsigned i;

    /* Types, key and table move with the device. */
    rss_boot(&g, 2);
    for (i = 0; i < sizeof(key); i++) {
        key[i] = i < sizeof(marker) ? marker[i] : rss_ms_key[i];
    }
    for (i = 0; i < SGNIC_RSS_KEY_REGS; i++) {
        wr(&g.t, SGNIC_REG_RSS_KEY(i), ldl_le_p(key + 4 * i));
    }
    for (i = 0; i < sizeof(reta); i++) {
        reta[i] = (i / 3) & 1;
    }
    rss_write_reta(&g.t, reta);
    wr(&g.t, SGNIC_REG_RSS_TYPES, SGNIC_RSS_IPV4 | SGNIC_RSS_IPV6_TCP);
    sg_migrate(&g.t, &dst);
    g_assert_cmphex(rd(&dst, SGNIC_REG_RSS_TYPES), ==,
                    SGNIC_RSS_IPV4 | SGNIC_RSS_IPV6_TCP);
    for (i = 0; i < SGNIC_RSS_KEY_REGS; i++) {
        g_assert_cmphex(rd(&dst, SGNIC_REG_RSS_KEY(i)), ==,
                        (uint32_t)ldl_le_p(key + 4 * i));
    }
    {
        uint8_t got[SGNIC_RSS_RETA_SIZE];

        rss_read_reta(&dst, got);
        g_assert(!memcmp(got, reta, sizeof(reta)));
    }
    sg_shutdown(&dst);
    sg_shutdown(&g.t);

    /* A stream whose table or types the guest could not have written. */
    rss_boot(&g, 2);
    for (i = 0; i < 2; i++) {
        wr(&g.t, SGNIC_REG_RSS_KEY(i), ldl_le_p(marker + 4 * i));
    }
    good = sg_save(&g.t, path, &len);
    sg_shutdown(&g.t);
    /* The stream holds the types, then the key, then the table. */
    at = stream_find_be64(good, len, ldq_be_p(marker));
    g_assert_cmphex(ldl_be_p(good + at - 4), ==, SGNIC_RSS_ALL);
    sg_load(good, len, path, true);

    bad = g_memdup2(good, len);
    bad[at + SGNIC_RSS_KEY_LEN + 77] = 2;       /* pair 2 of 2 */
    sg_load(bad, len, path, false);
    g_free(bad);

    bad = g_memdup2(good, len);
    stl_be_p(bad + at - 4, SGNIC_RSS_ALL + 1);  /* a reserved type bit */
    sg_load(bad, len, path, false);
    g_free(bad);

    /*
     * The same device as a version 3 stream, without the RSS fields,
     * still loads.  The section header is the id string, the instance
     * and the version.
     */
    {
        size_t cut = SGNIC_RSS_KEY_LEN + SGNIC_RSS_RETA_SIZE + 4 +
                     MIG_V5_BYTES + MIG_V6_BYTES;

        bad = stream_downgrade(good, len, at - 4, cut, 3);
        sg_load(bad, len - cut, path, true);
        g_free(bad);
    }
    unlink(path);
}

/* ---- receive filters and VLAN -------------------------------------------- */

/*
 * 01:00:5e:00:00:01 (all-hosts) under the Ethernet CRC, computed apart
 * from QEMU and Linux: the bit-reversed, uninverted zlib CRC-32 of the
 * address is 0x7fa32d9b, so h = 0x7fa32d9b >> 20 = 2042, bit 26 of
 * MC_HASH(63).
 */
static const uint8_t mc_all_hosts[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
#define MC_ALL_HOSTS_HASH   2042
static const uint8_t mc_other[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define VLAN_HDR        4

/* Put address a into entry i of the address table, valid or not. */
static void addr_entry(Sg *t, unsigned i, const uint8_t *a, bool valid)
{
    wr(t, SGNIC_REG_ADDR_LO(i), ldl_le_p(a));
    wr(t, SGNIC_REG_ADDR_HI(i),
       lduw_le_p(a + 4) | (valid ? SGNIC_ADDR_VALID : 0));
}

/* Copy the frame with an 802.1Q tag of tci after its addresses. */
static size_t vlan_tag(uint8_t *out, const uint8_t *f, size_t len, uint16_t tci)
{
    memcpy(out, f, 12);
    stw_be_p(out + 12, 0x8100);
    stw_be_p(out + 14, tci);
    memcpy(out + 12 + VLAN_HDR, f + 12, len - 12);
    return len + VLAN_HDR;
}

static uint16_t desc_vlan(Sg *t, Ring *r, uint32_t i)
{
    return qtest_readw(t->qts, desc_addr(r, i) + SGNIC_DESC_RX_VLAN_OFFSET);
}

/* Wait for a counter to reach val (frames from the wire arrive async). */
static void wait_stat(Sg *t, uint32_t reg, uint32_t val)
{
    for (int w = 0; w < 2000 && rd(t, reg) != val; w++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(rd(t, reg), ==, val);
}

typedef struct FilterCase {
    const uint8_t *dst;
    bool taken;
} FilterCase;

/* A booted device receiving on pair 0 into 16 posted 2 KiB buffers. */
typedef struct FilterRig {
    Sg t;
    Ring r;
    uint64_t mem;
} FilterRig;

static void filter_boot(FilterRig *g)
{
    sg_boot(&g->t, NULL);
    rx_setup(&g->t, &g->r, 32);
    g->mem = rx_post(&g->t, &g->r, 16, 2048, 0, true);
}

/*
 * Send a frame to each address in turn; the ones marked taken must land
 * in the next RX descriptors, the others count in STAT_RX_FILTERED.
 */
#define filter_expect(g, cases) \
    filter_expect_n((g), (cases), G_N_ELEMENTS(cases))

static void filter_expect_n(FilterRig *g, const FilterCase *c, unsigned n)
{
    const uint32_t stat = SGNIC_REG_STAT_RX_FILTERED;
    Sg *t = &g->t;
    Ring *r = &g->r;
    uint64_t mem = g->mem;
    uint32_t before = rd(t, stat), dropped = 0;
    uint8_t f[80], got[80];
    unsigned k;

    for (k = 0; k < n; k++) {
        uint32_t i = crd(t, r->chan, SGNIC_CH_HEAD);

        make_raw(f, sizeof(f), c[k].dst, k);
        wire_send(t, f, sizeof(f));
        if (c[k].taken) {
            wait_done(t, r, i);
            qtest_memread(t->qts, mem + (uint64_t)i * 2048, got, sizeof(got));
            g_assert(!memcmp(got, f, sizeof(f)));
        } else {
            wait_stat(t, stat, before + ++dropped);
            g_assert_cmphex(desc_status(t, r, i), ==, 0);
        }
    }
}

static void test_filter_registers(void)
{
    Sg t;
    unsigned i;

    sg_boot(&t, NULL);
    g_assert_cmphex(rd(&t, SGNIC_REG_FEATURES) &
                    (SGNIC_FEAT_RX_FILTER | SGNIC_FEAT_VLAN), ==,
                    SGNIC_FEAT_RX_FILTER | SGNIC_FEAT_VLAN);
    /* Reset: every table clear, ALLMULTI too. */
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, 0);
    for (i = SGNIC_FILTER_BASE; i < SGNIC_FILTER_END; i += 4) {
        g_assert_cmphex(rd(&t, i), ==, 0);
    }
    /* The tables are 32 bits wide; address HI keeps bits 15:0 and VALID. */
    for (i = 0; i < SGNIC_VLAN_TABLE_REGS; i++) {
        wr(&t, SGNIC_REG_VLAN_TABLE(i), 0xffffffff - i);
        wr(&t, SGNIC_REG_MC_HASH(i), 0x01020304 * i);
    }
    for (i = 0; i < SGNIC_ADDR_ENTRIES; i++) {
        wr(&t, SGNIC_REG_ADDR_LO(i), 0xdead0000 + i);
        wr(&t, SGNIC_REG_ADDR_HI(i), 0xffffffff - i);
    }
    for (i = 0; i < SGNIC_VLAN_TABLE_REGS; i++) {
        g_assert_cmphex(rd(&t, SGNIC_REG_VLAN_TABLE(i)), ==, 0xffffffff - i);
        g_assert_cmphex(rd(&t, SGNIC_REG_MC_HASH(i)), ==, 0x01020304 * i);
    }
    for (i = 0; i < SGNIC_ADDR_ENTRIES; i++) {
        g_assert_cmphex(rd(&t, SGNIC_REG_ADDR_LO(i)), ==, 0xdead0000 + i);
        g_assert_cmphex(rd(&t, SGNIC_REG_ADDR_HI(i)), ==,
                        SGNIC_ADDR_VALID | (0xffff - i));
    }
    g_assert_cmphex(rd(&t, SGNIC_FILTER_END), ==, 0);
    /* The entries are not the station address, nor the other way round. */
    g_assert_cmphex(rd(&t, SGNIC_REG_MAC_LO), ==, ldl_le_p(sg_mac));
    wr(&t, SGNIC_REG_MAC_LO, 0x11111111);
    g_assert_cmphex(rd(&t, SGNIC_REG_ADDR_LO(0)), ==, 0xdead0000);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_ALLMULTI | SGNIC_CTRL_VLAN_STRIP |
       SGNIC_CTRL_VLAN_FILTER);
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, SGNIC_CTRL_ALLMULTI |
                    SGNIC_CTRL_VLAN_STRIP | SGNIC_CTRL_VLAN_FILTER);
    /* CTRL.RESET clears them all. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
    g_assert_cmphex(rd(&t, SGNIC_REG_CTRL), ==, 0);
    for (i = SGNIC_FILTER_BASE; i < SGNIC_FILTER_END; i += 4) {
        g_assert_cmphex(rd(&t, i), ==, 0);
    }
    sg_shutdown(&t);
}

static void test_filter_unicast(void)
{
    static const uint8_t listed[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t invalid[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x66 };
    static const FilterCase cases[] = {
        { sg_mac, true }, { listed, true }, { invalid, false },
        { peer_mac, false }, { bcast_mac, true },
    };
    static const FilterCase promisc[] = {
        { peer_mac, true }, { invalid, true }, { mc_other, true },
    };
    FilterRig g;

    filter_boot(&g);
    addr_entry(&g.t, 5, listed, true);
    addr_entry(&g.t, 6, invalid, false);
    filter_expect(&g, cases);
    g_assert_cmpuint(rd(&g.t, SGNIC_REG_STAT_RX_FILTERED), ==, 2);
    wr(&g.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC);
    filter_expect(&g, promisc);
    g_assert_cmpuint(rd(&g.t, SGNIC_REG_STAT_RX_FILTERED), ==, 2);
    sg_shutdown(&g.t);
}

static void test_filter_multicast(void)
{
    static const FilterCase none[] = {
        { mc_all_hosts, false }, { mc_other, false }, { bcast_mac, true },
    };
    static const FilterCase hash[] = {
        { mc_all_hosts, true }, { mc_other, false },
    };
    static const FilterCase table[] = {
        { mc_all_hosts, false }, { mc_other, true },
    };
    static const FilterCase all[] = {
        { mc_all_hosts, true }, { mc_other, true },
    };
    FilterRig g;

    filter_boot(&g);
    filter_expect(&g, none);
    /* The hash bit of all-hosts takes it, and nothing else. */
    wr(&g.t, SGNIC_REG_MC_HASH(MC_ALL_HOSTS_HASH / 32),
       1u << (MC_ALL_HOSTS_HASH % 32));
    filter_expect(&g, hash);
    /* An address table entry takes a multicast address too. */
    wr(&g.t, SGNIC_REG_MC_HASH(MC_ALL_HOSTS_HASH / 32), 0);
    addr_entry(&g.t, 15, mc_other, true);
    filter_expect(&g, table);
    addr_entry(&g.t, 15, mc_other, false);
    wr(&g.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_ALLMULTI);
    filter_expect(&g, all);
    g_assert_cmpuint(rd(&g.t, SGNIC_REG_STAT_RX_FILTERED), ==, 4);
    sg_shutdown(&g.t);
}

/* A TCP frame to us, tagged with tci; its checksum filled. */
static size_t make_tagged_tcp(uint8_t *tagged, uint8_t *plain, uint16_t tci)
{
    size_t len = make_tcp(plain, sg_mac, 200, 1000, 4);

    tcp_fix_csums(plain, len);
    return vlan_tag(tagged, plain, len, tci);
}

static void test_vlan_strip(void)
{
    uint8_t plain[512], tagged[512], got[512];
    Sg t;
    Ring r;
    uint64_t mem;
    size_t len;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 32);
    mem = rx_post(&t, &r, 16, 2048, 0, true);
    len = make_tagged_tcp(tagged, plain, 0x6123);

    /* Not stripped: the tag stays, and the frame is still parsed past it. */
    wire_send(&t, tagged, len);
    rx_expect_plain(&t, &r, 0, mem, 2048, tagged, len, TCP_ST);
    g_assert_cmphex(desc_vlan(&t, &r, 0), ==, 0);

    /* Stripped: 4 bytes shorter, the TCI in the descriptor. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_VLAN_STRIP);
    wire_send(&t, tagged, len);
    rx_expect_plain(&t, &r, 1, mem, 2048, plain, len - VLAN_HDR,
                    TCP_ST | SGNIC_DESC_S_VLAN);
    g_assert_cmphex(desc_vlan(&t, &r, 1), ==, 0x6123);
    g_assert_cmphex(qtest_readl(t.qts, desc_addr(&r, 1) +
                                SGNIC_DESC_RX_VLAN_OFFSET + 4), ==, 0);
    /* An untagged frame has neither. */
    wire_send(&t, plain, len - VLAN_HDR);
    rx_expect_plain(&t, &r, 2, mem, 2048, plain, len - VLAN_HDR, TCP_ST);
    g_assert_cmphex(desc_vlan(&t, &r, 2), ==, 0);

    /* The tag and its status go to the last buffer of the frame. */
    {
        uint8_t big[1200], bigt[1204];
        size_t n;

        make_raw(big, sizeof(big), sg_mac, 9);
        n = vlan_tag(bigt, big, sizeof(big), 0x0064);
        cwr(&t, r.chan, SGNIC_CH_CMD, SGNIC_CMD_RESET);
        ring_init(&t, &r, SGNIC_CHAN_RX(0), 16, false, true);
        mem = rx_post(&t, &r, 4, 1024, 0, true);
        wire_send(&t, bigt, n);
        g_assert_cmphex(wait_done(&t, &r, 1), ==, SGNIC_DESC_S_DONE |
                        SGNIC_DESC_S_EOP | SGNIC_DESC_S_VLAN);
        g_assert_cmphex(desc_status(&t, &r, 0), ==,
                        SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP);
        g_assert_cmphex(desc_vlan(&t, &r, 0), ==, 0);
        g_assert_cmphex(desc_vlan(&t, &r, 1), ==, 0x0064);
        g_assert_cmpuint(desc_xfer(&t, &r, 1), ==, sizeof(big) - 1024);
        qtest_memread(t.qts, mem, got, sizeof(got));
        g_assert(!memcmp(got, big, sizeof(got)));
    }

    /* A minimum frame shrinks below 60 bytes and is delivered as it is. */
    {
        uint8_t small[60], smallt[64];

        make_raw(small, sizeof(small) - VLAN_HDR, sg_mac, 2);
        vlan_tag(smallt, small, sizeof(small) - VLAN_HDR, 5);
        wire_send(&t, smallt, sizeof(small));
        g_assert_cmphex(wait_done(&t, &r, 2), ==, SGNIC_DESC_S_DONE |
                        SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP |
                        SGNIC_DESC_S_VLAN);
        g_assert_cmpuint(desc_xfer(&t, &r, 2), ==, sizeof(small) - VLAN_HDR);
    }
    sg_shutdown(&t);
}

/* RSC joins untagged segments only, stripped or not. */
static void test_vlan_rsc(void)
{
    RscFlow fl;
    uint8_t tagged[2048];
    Sg t;
    Ring r;
    uint64_t mem;
    unsigned k;
    size_t n;

    mem = rsc_setup(&t, &r, 65535, 16);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_VLAN_STRIP);
    rsc_segs(&fl, 0, 3, TCP_ACK);
    for (k = 0; k < 3; k++) {
        n = vlan_tag(tagged, fl.f[k], fl.len[k], 7);
        wire_send(&t, tagged, n);
        rx_expect_plain(&t, &r, k, mem, 2048, fl.f[k], fl.len[k],
                        TCP_ST | SGNIC_DESC_S_VLAN);
    }
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    rsc_segs(&fl, 3, 2, TCP_ACK);
    for (k = 3; k < 5; k++) {
        n = vlan_tag(tagged, fl.f[k], fl.len[k], 7);
        wire_send(&t, tagged, n);
        rx_expect_plain(&t, &r, k, mem, 2048, tagged, n, TCP_ST);
    }
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RSC_FRAMES), ==, 0);
    sg_shutdown(&t);
}

static void test_vlan_filter(void)
{
    static const struct {
        int tci;            /* -1: untagged */
        bool taken;
    } cases[] = {
        { 100, true }, { 200, false }, { 0, true }, { -1, true },
        { 0xe000 | 100, true }, { 4095, false }, { 0x3000, true },
    };
    uint8_t f[100], tf[104];
    Sg t;
    Ring r;
    uint32_t drops = 0, i = 0, want;
    unsigned pass, k;

    sg_boot(&t, NULL);
    rx_setup(&t, &r, 64);
    rx_post(&t, &r, 32, 2048, 0, true);
    wr(&t, SGNIC_REG_VLAN_TABLE(100 / 32), 1u << (100 % 32));
    /* Tags are kept, then stripped: the filter sees them alike. */
    for (pass = 0; pass < 2; pass++) {
        wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_VLAN_FILTER |
           (pass ? SGNIC_CTRL_VLAN_STRIP : 0));
        for (k = 0; k < G_N_ELEMENTS(cases); k++) {
            const uint8_t *sent = f;
            size_t n = sizeof(f);

            make_raw(f, sizeof(f), sg_mac, k);
            if (cases[k].tci >= 0) {
                n = vlan_tag(tf, f, sizeof(f), cases[k].tci);
                sent = tf;
            }
            wire_send(&t, sent, n);
            if (cases[k].taken) {
                want = SGNIC_DESC_S_DONE | SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP;
                if (pass && cases[k].tci >= 0) {
                    want |= SGNIC_DESC_S_VLAN;
                }
                g_assert_cmphex(wait_done(&t, &r, i), ==, want);
                g_assert_cmpuint(desc_xfer(&t, &r, i), ==,
                                 want & SGNIC_DESC_S_VLAN ? sizeof(f) : n);
                i++;
            } else {
                wait_stat(&t, SGNIC_REG_STAT_RX_VLAN_DROPS, ++drops);
            }
        }
    }
    /* The address filter comes first; with VLAN_FILTER off any VID passes. */
    make_raw(f, sizeof(f), peer_mac, 1);
    wire_send(&t, tf, vlan_tag(tf, f, sizeof(f), 200));
    wait_stat(&t, SGNIC_REG_STAT_RX_FILTERED, 1);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    make_raw(f, sizeof(f), sg_mac, 1);
    wire_send(&t, tf, vlan_tag(tf, f, sizeof(f), 200));
    wait_done(&t, &r, i);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_VLAN_DROPS), ==, 4);
    sg_shutdown(&t);
}

/* Queue one packet with its SOP descriptor asking for tag tci. */
static uint32_t tx_tagged(Sg *t, Ring *r, const uint8_t *f, size_t len,
                          uint32_t flags, uint16_t mss, uint16_t tci)
{
    uint32_t i = ring_push(t, r, guest_buf(t, f, len), len,
                           F_PKT | SGNIC_DESC_F_VLAN | flags, mss);

    qtest_writew(t->qts,
                 desc_addr(r, i) + offsetof(struct sgnic_desc, vlan_tci), tci);
    /* The device overwrites these on completion. */
    qtest_writeq(t->qts, desc_addr(r, i) + SGNIC_DESC_RX_VLAN_OFFSET,
                 0x0123456789abcdefULL);
    ring_doorbell(t, r);
    return i;
}

static void test_vlan_insert(void)
{
    enum { MSS = 400 };
    uint8_t f[2048], tf[2048], got[2048];
    Sg t;
    Ring tx, rx;
    uint64_t mem;
    size_t len, hdr = ETH_HDR + VLAN_HDR + IP_HDR + TCP_HDR;
    unsigned k;

    sg_boot(&t, NULL);
    ring_init(&t, &tx, SGNIC_CHAN_TX(0), 32, false, true);

    /* On the wire: the tag after the addresses. */
    make_raw(f, 100, peer_mac, 3);
    tx_tagged(&t, &tx, f, 100, 0, 0, 0x2abc);
    wire_expect(&t, tf, vlan_tag(tf, f, 100, 0x2abc));
    /* Without F_VLAN the tag field is ignored; F_VLAN past SOP too. */
    {
        uint32_t i = ring_push(&t, &tx, guest_buf(&t, f, 100), 100, F_PKT, 0);

        qtest_writew(t.qts, desc_addr(&tx, i) +
                     offsetof(struct sgnic_desc, vlan_tci), 0x2abc);
        ring_doorbell(&t, &tx);
        wire_expect(&t, f, 100);
    }
    {
        static const uint32_t lens[] = { 40, 60 };
        uint32_t i = tx_chain(&t, &tx, f, 2, lens, NULL, 0);

        qtest_writel(t.qts, desc_addr(&tx, i + 1) + 12,
                     SGNIC_DESC_F_EOP | SGNIC_DESC_F_VLAN);
        qtest_writew(t.qts, desc_addr(&tx, i + 1) +
                     offsetof(struct sgnic_desc, vlan_tci), 0x2abc);
        ring_doorbell(&t, &tx);
        wire_expect(&t, f, 100);
    }

    /* Checksum offload still covers the packet behind the tag. */
    len = make_udp(f, peer_mac, 300, 6, false);
    tx_tagged(&t, &tx, f, len, SGNIC_DESC_F_CSUM, 0, 0x0101);
    g_assert_cmpint(wire_recv(&t, got, sizeof(got), 2000), ==, len + VLAN_HDR);
    g_assert_cmphex(lduw_be_p(got + 12), ==, 0x8100);
    g_assert_cmphex(lduw_be_p(got + 14), ==, 0x0101);
    memmove(got + 12, got + 12 + VLAN_HDR, len - 12);
    g_assert(l4_csum_ok(got, len));
    g_assert(!memcmp(got + ETH_HDR + IP_HDR + UDP_HDR,
                     f + ETH_HDR + IP_HDR + UDP_HDR, 300));

    /* Loopback with TSO: every segment tagged, checksums right, stripped. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &rx, SGNIC_CHAN_RX(0), 16, false, true);
    mem = rx_post(&t, &rx, 8, 2048, 0, true);
    len = make_tcp(f, sg_mac, 3 * MSS, 7000, 5);
    tx_tagged(&t, &tx, f, len, SGNIC_DESC_F_TSO, MSS, 0x0fff);
    for (k = 0; k < 3; k++) {
        g_assert_cmphex(wait_done(&t, &rx, k), ==, SGNIC_DESC_S_DONE |
                        SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP |
                        SGNIC_DESC_S_L4_CSUM_OK | HASH_ST(SGNIC_HASH_IPV4_TCP));
        g_assert_cmpuint(desc_xfer(&t, &rx, k), ==, hdr + MSS);
        qtest_memread(t.qts, mem + k * 2048, got, hdr + MSS);
        g_assert_cmphex(lduw_be_p(got + 12), ==, 0x8100);
        g_assert_cmphex(lduw_be_p(got + 14), ==, 0x0fff);
        g_assert_cmphex(lduw_be_p(got + 16), ==, 0x0800);
        memmove(got + 12, got + 12 + VLAN_HDR, hdr + MSS - 16);
        g_assert(ip_csum_ok(got));
        g_assert(l4_csum_ok(got, hdr + MSS - VLAN_HDR));
        g_assert(!memcmp(got + hdr - VLAN_HDR, f + hdr - VLAN_HDR + k * MSS,
                         MSS));
    }
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_RX_ENABLE |
       SGNIC_CTRL_VLAN_STRIP);
    make_raw(f, 200, sg_mac, 8);
    tx_tagged(&t, &tx, f, 200, 0, 0, 0x8005);
    g_assert_cmphex(wait_done(&t, &rx, 3), ==, SGNIC_DESC_S_DONE |
                    SGNIC_DESC_S_SOP | SGNIC_DESC_S_EOP | SGNIC_DESC_S_VLAN);
    g_assert_cmphex(desc_vlan(&t, &rx, 3), ==, 0x8005);
    g_assert_cmpuint(desc_xfer(&t, &rx, 3), ==, 200);
    qtest_memread(t.qts, mem + 3 * 2048, got, 200);
    g_assert(!memcmp(got, f, 200));
    /* TX writeback zero-fills rx_vlan_tci and its neighbours. */
    g_assert_cmphex(qtest_readq(t.qts, desc_addr(&tx, tx.tail - 1) +
                                SGNIC_DESC_RX_VLAN_OFFSET), ==, 0);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

static void filter_check_v4_load(Sg *dst)
{
    unsigned i;

    dst->bar = qpci_iomap(dst->dev, SGNIC_BAR_REGS, NULL);
    /* The old device took every multicast frame; the new one still does. */
    g_assert_cmphex(rd(dst, SGNIC_REG_CTRL), ==,
                    SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_ALLMULTI);
    for (i = SGNIC_FILTER_BASE; i < SGNIC_FILTER_END; i += 4) {
        g_assert_cmphex(rd(dst, i), ==, 0);
    }
}

static void test_filter_migration(void)
{
    g_autofree char *path = g_strdup_printf("%s/sgnic-filt-%d.bin",
                                            g_get_tmp_dir(), getpid());
    const uint64_t marker = 0x5a5aa5a50ff0f00fULL;
    const uint32_t ctrl = SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_VLAN_STRIP |
                          SGNIC_CTRL_VLAN_FILTER;
    static const uint8_t listed[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    g_autofree uint8_t *good = NULL;
    uint8_t f[100], tf[104], *bad;
    size_t len, at, hi0;
    Sg src, dst;

    /* Tables, the new CTRL bits and the VLAN drop counter move. */
    sg_boot(&src, NULL);
    wr(&src, SGNIC_REG_CTRL, ctrl);
    wr(&src, SGNIC_REG_VLAN_TABLE(0), marker >> 32);
    wr(&src, SGNIC_REG_VLAN_TABLE(1), (uint32_t)marker);
    wr(&src, SGNIC_REG_MC_HASH(MC_ALL_HOSTS_HASH / 32),
       1u << (MC_ALL_HOSTS_HASH % 32));
    addr_entry(&src, 3, listed, true);
    make_raw(f, sizeof(f), sg_mac, 1);
    wire_send(&src, tf, vlan_tag(tf, f, sizeof(f), 4000));
    wait_stat(&src, SGNIC_REG_STAT_RX_VLAN_DROPS, 1);
    sg_migrate(&src, &dst);
    g_assert_cmphex(rd(&dst, SGNIC_REG_CTRL), ==, ctrl);
    g_assert_cmpuint(rd(&dst, SGNIC_REG_STAT_RX_VLAN_DROPS), ==, 1);
    g_assert_cmphex(rd(&dst, SGNIC_REG_VLAN_TABLE(0)), ==, marker >> 32);
    g_assert_cmphex(rd(&dst, SGNIC_REG_VLAN_TABLE(1)), ==, (uint32_t)marker);
    g_assert_cmphex(rd(&dst, SGNIC_REG_MC_HASH(MC_ALL_HOSTS_HASH / 32)), ==,
                    1u << (MC_ALL_HOSTS_HASH % 32));
    g_assert_cmphex(rd(&dst, SGNIC_REG_ADDR_LO(3)), ==, ldl_le_p(listed));
    g_assert_cmphex(rd(&dst, SGNIC_REG_ADDR_HI(3)), ==,
                    SGNIC_ADDR_VALID | lduw_le_p(listed + 4));
    sg_shutdown(&dst);
    sg_shutdown(&src);

    sg_boot(&src, NULL);
    wr(&src, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    wr(&src, SGNIC_REG_VLAN_TABLE(0), marker >> 32);
    wr(&src, SGNIC_REG_VLAN_TABLE(1), (uint32_t)marker);
    good = sg_save(&src, path, &len);
    sg_shutdown(&src);
    /* The counter, then the VLAN, hash and address LO and HI tables. */
    at = stream_find_be64(good, len, marker);
    hi0 = at + 4 * (SGNIC_VLAN_TABLE_REGS + SGNIC_MC_HASH_REGS +
                    SGNIC_ADDR_ENTRIES);
    sg_load(good, len, path, true);

    /* Address HI with a bit outside 15:0 and VALID. */
    bad = g_memdup2(good, len);
    stl_be_p(bad + hi0 + 4 * 7, SGNIC_ADDR_VALID | 0x10000);
    sg_load(bad, len, path, false);
    g_free(bad);

    /* A version 4 stream loads with empty tables and ALLMULTI set. */
    bad = stream_downgrade(good, len, at - 4, MIG_V5_BYTES + MIG_V6_BYTES, 4);
    sg_load_check(bad, len - MIG_V5_BYTES - MIG_V6_BYTES, path,
                  filter_check_v4_load);
    g_free(bad);
    unlink(path);
}

/* ---- MAC statistics ------------------------------------------------------ */

static uint64_t mac_stat(Sg *t, unsigned i)
{
    return qtest_readq(t->qts, t->bar.addr + SGNIC_REG_MAC_STAT(i));
}

/* One direction's counters as a test expects them, all checked at once. */
typedef struct MacCounts {
    uint64_t frames, octets, mcast, bcast;
    uint64_t hist[SGNIC_MAC_HIST_BUCKETS];
} MacCounts;

static void mac_expect(Sg *t, bool tx, const MacCounts *m)
{
    unsigned base = tx ? SGNIC_MAC_TX_FRAMES : SGNIC_MAC_RX_FRAMES, b;

    g_assert_cmpuint(mac_stat(t, base + SGNIC_MAC_RX_FRAMES), ==, m->frames);
    g_assert_cmpuint(mac_stat(t, base + SGNIC_MAC_RX_OCTETS), ==, m->octets);
    g_assert_cmpuint(mac_stat(t, base + SGNIC_MAC_RX_MCAST), ==, m->mcast);
    g_assert_cmpuint(mac_stat(t, base + SGNIC_MAC_RX_BCAST), ==, m->bcast);
    for (b = 0; b < SGNIC_MAC_HIST_BUCKETS; b++) {
        g_assert_cmpuint(mac_stat(t, base + SGNIC_MAC_RX_HIST(b)), ==,
                         m->hist[b]);
    }
}

static void mac_expect_zero(Sg *t)
{
    unsigned i;

    for (i = 0; i < SGNIC_MAC_NUM_STATS; i++) {
        g_assert_cmpuint(mac_stat(t, i), ==, 0);
    }
}

static void test_mac_stats_rx(void)
{
    /* Bucket by length + 4 (FCS); a frame under 60 bytes is in the first. */
    static const MacCounts rx = {
        .frames = 9,
        .octets = 60 + 42 + 61 + 123 + 124 + 1514 + 1515 + 104 + 9018,
        .mcast = 1, .bcast = 1,
        .hist = { 2, 3, 1, 0, 0, 1, 2 },
    };
    MacCounts more = rx;
    g_autofree uint8_t *f = g_malloc(SGNIC_MAX_FRAME + 1);
    uint8_t tf[108];
    Sg t;
    Ring r;
    unsigned k;

    sg_boot(&t, NULL);
    g_assert_cmphex(rd(&t, SGNIC_REG_FEATURES) & SGNIC_FEAT_MAC_STATS, ==,
                    SGNIC_FEAT_MAC_STATS);
    mac_expect_zero(&t);
    g_assert_cmphex(rd(&t, SGNIC_MAC_STATS_END), ==, 0);
    rx_setup(&t, &r, 16);
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_ALLMULTI |
       SGNIC_CTRL_VLAN_FILTER);
    wr(&t, SGNIC_REG_VLAN_TABLE(0), 1u << 5);
    rx_post(&t, &r, 15, 2048, 0, true);

    make_raw(f, 60, sg_mac, 1);
    wire_send(&t, f, 60);
    wire_send(&t, f, 42);
    make_raw(f, 61, bcast_mac, 2);
    wire_send(&t, f, 61);
    make_raw(f, 123, mc_all_hosts, 3);
    wire_send(&t, f, 123);
    make_raw(f, 1515, sg_mac, 4);
    wire_send(&t, f, 124);
    wire_send(&t, f, 1514);
    wire_send(&t, f, 1515);
    /* Counted by the MAC, then dropped by the VLAN filter. */
    make_raw(f, 100, sg_mac, 5);
    wire_send(&t, tf, vlan_tag(tf, f, 100, 7));
    /* Not counted: another address, a runt, a frame above MAX_FRAME. */
    make_raw(f, 100, peer_mac, 6);
    wire_send(&t, f, 100);
    wire_send(&t, f, SGNIC_MIN_FRAME - 1);
    make_raw(f, SGNIC_MAX_FRAME + 1, sg_mac, 7);
    wire_send(&t, f, SGNIC_MAX_FRAME + 1);
    /* The largest frame: 9022 with its FCS, five buffers (7..11). */
    wire_send(&t, f, SGNIC_MAX_FRAME);
    wait_done(&t, &r, 11);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_VLAN_DROPS), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_FILTERED), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_RUNT), ==, 1);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_RX_OVERSIZE), ==, 1);
    mac_expect(&t, false, &rx);
    {
        static const MacCounts none;

        mac_expect(&t, true, &none);
    }

    /*
     * A frame that waits for buffers (three are left, it needs five) is
     * counted once, when it is placed, however often QEMU offers it.
     */
    wire_send(&t, f, SGNIC_MAX_FRAME);
    assert_not_done(&t, &r, 12);
    mac_expect(&t, false, &rx);
    rx_post(&t, &r, 4, 2048, 0, true);
    wait_done(&t, &r, 16);
    more.frames++;
    more.octets += SGNIC_MAX_FRAME;
    more.hist[6]++;
    mac_expect(&t, false, &more);

    /* 8-byte reads and the two halves agree; writes change nothing. */
    for (k = 0; k < SGNIC_MAC_NUM_STATS; k++) {
        uint64_t v = mac_stat(&t, k);

        g_assert_cmphex(rd(&t, SGNIC_REG_MAC_STAT(k)), ==, (uint32_t)v);
        g_assert_cmphex(rd(&t, SGNIC_REG_MAC_STAT(k) + 4), ==, v >> 32);
        wr(&t, SGNIC_REG_MAC_STAT(k), 0);
        wr(&t, SGNIC_REG_MAC_STAT(k) + 4, 0xffffffff);
    }
    mac_expect(&t, false, &more);
    /* CTRL.RESET clears them all. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
    mac_expect_zero(&t);
    sg_shutdown(&t);
}

static void test_mac_stats_tx(void)
{
    enum { MSS = 400 };
    /* Each TSO segment is a frame; a tag's 4 bytes are in the octets. */
    static const MacCounts tx = {
        .frames = 7,
        .octets = 100 + 60 + 204 + 3 * (54 + MSS) + 100,
        .mcast = 1, .bcast = 1,
        .hist = { 1, 2, 1, 3, 0, 0, 0 },
    };
    static const MacCounts rx = {
        .frames = 1, .octets = 100, .hist = { 0, 1 },
    };
    uint8_t f[2048], tf[2048];
    Sg t;
    Ring r, rx_ring;
    size_t len;
    uint32_t i;
    unsigned k;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 32, false, true);
    make_raw(f, 100, peer_mac, 1);
    tx_frame(&t, &r, f, 100, 0);
    wire_expect(&t, f, 100);
    make_raw(f, 60, bcast_mac, 2);
    tx_frame(&t, &r, f, 60, 0);
    wire_expect(&t, f, 60);
    make_raw(f, 200, mc_other, 3);
    tx_tagged(&t, &r, f, 200, 0, 0, 0x0123);
    wire_expect(&t, tf, vlan_tag(tf, f, 200, 0x0123));
    len = make_tcp(f, peer_mac, 3 * MSS, 100, 4);
    ring_push(&t, &r, guest_buf(&t, f, len), len, F_PKT | SGNIC_DESC_F_TSO,
              MSS);
    ring_doorbell(&t, &r);
    for (k = 0; k < 3; k++) {
        g_assert_cmpint(wire_recv(&t, tf, sizeof(tf), 2000), ==, 54 + MSS);
    }
    /* Link down: the packet completes but never leaves, so no count. */
    set_link(&t, false);
    make_raw(f, 300, peer_mac, 5);
    i = tx_frame(&t, &r, f, 300, 0);
    wait_done(&t, &r, i);
    set_link(&t, true);
    /* Loopback: the frame leaves the transmit side and is received. */
    wr(&t, SGNIC_REG_CTRL, SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_RX_ENABLE);
    ring_init(&t, &rx_ring, SGNIC_CHAN_RX(0), 16, false, true);
    rx_post(&t, &rx_ring, 2, 2048, 0, true);
    make_raw(f, 100, sg_mac, 6);
    tx_frame(&t, &r, f, 100, 0);
    wait_done(&t, &rx_ring, 0);
    wire_assert_empty(&t);
    mac_expect(&t, true, &tx);
    mac_expect(&t, false, &rx);
    g_assert_cmpuint(rd(&t, SGNIC_REG_STAT_TX_PKTS), ==, 5);
    sg_shutdown(&t);
}

static void mac_check_v5_load(Sg *dst)
{
    dst->bar = qpci_iomap(dst->dev, SGNIC_BAR_REGS, NULL);
    mac_expect_zero(dst);
}

static void mac_check_crafted(Sg *dst)
{
    dst->bar = qpci_iomap(dst->dev, SGNIC_BAR_REGS, NULL);
    g_assert_cmphex(mac_stat(dst, SGNIC_MAC_RX_OCTETS), ==,
                    0x123456789abcdef0ULL);
    g_assert_cmphex(rd(dst, SGNIC_REG_MAC_STAT(SGNIC_MAC_RX_OCTETS)), ==,
                    0x9abcdef0);
    g_assert_cmphex(rd(dst, SGNIC_REG_MAC_STAT(SGNIC_MAC_RX_OCTETS) + 4), ==,
                    0x12345678);
    g_assert_cmpuint(mac_stat(dst, SGNIC_MAC_RX_FRAMES), ==, 1);
}

/* A device that received one 300-byte frame, the marker in VLAN_TABLE(0..1). */
static void mac_boot_counted(Sg *src, uint64_t marker)
{
    uint8_t f[300];
    Ring r;

    sg_boot(src, NULL);
    rx_setup(src, &r, 16);
    rx_post(src, &r, 2, 2048, 0, true);
    make_raw(f, sizeof(f), sg_mac, 9);
    wire_send(src, f, sizeof(f));
    wait_done(src, &r, 0);
    wr(src, SGNIC_REG_VLAN_TABLE(0), marker >> 32);
    wr(src, SGNIC_REG_VLAN_TABLE(1), (uint32_t)marker);
}

static void test_mac_stats_migration(void)
{
    g_autofree char *path = g_strdup_printf("%s/sgnic-mac-%d.bin",
                                            g_get_tmp_dir(), getpid());
    const uint64_t marker = 0x3c3cc3c30ff0f00fULL;
    static const MacCounts rx = {
        .frames = 1, .octets = 300, .hist = { 0, 0, 0, 1 },
    };
    g_autofree uint8_t *good = NULL;
    uint8_t *bad;
    size_t len, at;
    Sg src, dst;

    mac_boot_counted(&src, marker);
    sg_migrate(&src, &dst);
    mac_expect(&dst, false, &rx);
    sg_shutdown(&dst);
    sg_shutdown(&src);

    mac_boot_counted(&src, marker);
    good = sg_save(&src, path, &len);
    sg_shutdown(&src);
    /* The counters follow the VLAN, hash and address tables. */
    at = stream_find_be64(good, len, marker) +
         4 * (SGNIC_VLAN_TABLE_REGS + SGNIC_MC_HASH_REGS +
              2 * SGNIC_ADDR_ENTRIES);
    g_assert_cmpuint(ldq_be_p(good + at + 8 * SGNIC_MAC_RX_OCTETS), ==, 300);
    /* Any value is one a counter can reach: both halves read back. */
    bad = g_memdup2(good, len);
    stq_be_p(bad + at + 8 * SGNIC_MAC_RX_OCTETS, 0x123456789abcdef0ULL);
    sg_load_check(bad, len, path, mac_check_crafted);
    g_free(bad);
    /* A version 5 stream has none: they start from zero. */
    bad = stream_downgrade(good, len, at, MIG_V6_BYTES, 5);
    sg_load_check(bad, len - MIG_V6_BYTES, path, mac_check_v5_load);
    g_free(bad);
    unlink(path);
}

/* ---- random stress ------------------------------------------------------------------------- */

#define STRESS_ARENA    (2 * 1024 * 1024)
#define STRESS_QUEUES   4
#define STRESS_RINGS    (2 * STRESS_QUEUES * 4096)   /* one page per ring */

typedef struct Stress {
    Sg t;
    GRand *rng;
    uint64_t arena;
    uint64_t bar0, bar2;        /* where the device's BARs sit */
    Ring ring[2 * STRESS_QUEUES];
    uint8_t *rxbuf;
    uint64_t frames_in, frames_out;
} Stress;

static uint32_t rnd(Stress *st, uint32_t n)
{
    return n ? g_rand_int(st->rng) % n : 0;
}

static uint32_t rnd_u32_edge(Stress *st)
{
    static const uint32_t edge[] = {
        0, 1, 2, 7, 8, 63, 64, 65, 4095, 4096, 4097, 0xffff, 0x10000, 0x10001,
        0x40000, 0x40001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
    };

    return rnd(st, 2) ? edge[rnd(st, G_N_ELEMENTS(edge))] : g_rand_int(st->rng);
}

/* A guest address: mostly inside the arena, sometimes anywhere at all. */
static uint64_t rnd_addr(Stress *st, uint32_t len)
{
    switch (rnd(st, 32)) {
    case 0:
        return BAD_ADDR + rnd(st, 1 << 20);
    case 1:
        return 0;
    case 2:
        return st->bar0 + (rnd(st, SGNIC_BAR_REGS_SIZE) & ~3u);
    case 3:
        return st->bar2 + (rnd(st, SGNIC_BAR_MSIX_SIZE) & ~3u);
    case 4:
        return (uint64_t)g_rand_int(st->rng) << 32 | g_rand_int(st->rng);
    case 5:
        return 0xfee00000 + rnd(st, 4096);     /* the MSI window */
    case 6:
        return st->arena + STRESS_ARENA - rnd(st, 64);  /* runs off the end */
    case 7:
        return st->arena + rnd(st, STRESS_RINGS);       /* on the rings */
    default:
        return st->arena + STRESS_RINGS +
               rnd(st, STRESS_ARENA - STRESS_RINGS - MIN(len, STRESS_ARENA / 2));
    }
}

static uint32_t rnd_len(Stress *st)
{
    switch (rnd(st, 8)) {
    case 0:
        return rnd_u32_edge(st);
    case 1:
        return 1 + rnd(st, SGNIC_HW_MAX_BUF_LEN);
    default:
        return 14 + rnd(st, 2000);
    }
}

static uint32_t rnd_flags(Stress *st)
{
    uint32_t f;

    switch (rnd(st, 24)) {
    case 0:
        return g_rand_int(st->rng);
    case 1:
        return rnd(st, 0x80);
    case 2:
    case 3:
        return SGNIC_DESC_F_SOP;
    case 4:
    case 5:
        return 0;
    case 6:
        return SGNIC_DESC_F_EOP;
    default:
        f = F_PKT;
        f |= rnd(st, 2) ? SGNIC_DESC_F_STATUS_UPDATE : 0;
        f |= rnd(st, 2) ? SGNIC_DESC_F_INTERRUPT : 0;
        f |= rnd(st, 8) ? 0 : SGNIC_DESC_F_SINGLE_XFER;
        f |= rnd(st, 4) ? 0 : SGNIC_DESC_F_CSUM;
        f |= rnd(st, 6) ? 0 : SGNIC_DESC_F_TSO;
        return f;
    }
}

/* A buffer with a plausible frame, so offloads get parsed. */
static void stress_fill_buf(Stress *st, uint64_t addr, uint32_t len)
{
    uint8_t f[2048];
    size_t n;

    if (addr < st->arena || addr + len > st->arena + STRESS_ARENA ||
        len > sizeof(f) || rnd(st, 8) == 0) {
        return;
    }
    switch (rnd(st, 3)) {
    case 0:
        n = make_udp(f, rnd(st, 2) ? sg_mac : peer_mac, 1200, rnd(st, 256), false);
        break;
    case 1:
        n = make_tcp(f, rnd(st, 2) ? sg_mac : peer_mac, 1400, g_rand_int(st->rng),
                     rnd(st, 256));
        break;
    default:
        n = sizeof(f);
        for (size_t i = 0; i < n; i++) {
            f[i] = g_rand_int(st->rng);
        }
        break;
    }
    if (rnd(st, 4) == 0) {
        /* Mangle a header byte. */
        f[rnd(st, 64)] = g_rand_int(st->rng);
    }
    qtest_memwrite(st->t.qts, addr, f, MIN(len, n));
}

static void stress_desc(Stress *st, unsigned c)
{
    Ring *r = &st->ring[c];
    struct sgnic_desc d;
    uint32_t i;

    if (!r->size) {
        return;
    }
    memset(&d, 0, sizeof(d));
    d.len = rnd_len(st);
    d.addr = rnd_addr(st, d.len);
    d.flags = rnd_flags(st);
    d.mss = rnd(st, 3) ? 64 + rnd(st, 1500) : rnd_u32_edge(st);
    d.csum_start = rnd(st, 100);
    d.csum_offset = rnd(st, 20);
    if (rnd(st, 8) == 0) {
        d.reserved1[rnd(st, 2)] = g_rand_int(st->rng);
    }
    if (rnd(st, 8) == 0) {
        /* Only a tag to insert with SGNIC_DESC_F_VLAN, else ignored. */
        d.vlan_tci = g_rand_int(st->rng);
    }
    stress_fill_buf(st, d.addr, d.len);
    i = rnd(st, 16) ? r->tail : rnd(st, r->size);
    d.addr = cpu_to_le64(d.addr);
    d.len = cpu_to_le32(d.len);
    d.flags = cpu_to_le32(d.flags);
    d.mss = cpu_to_le16(d.mss);
    qtest_memwrite(st->t.qts, r->base + (uint64_t)i * SGNIC_DESC_SIZE, &d, sizeof(d));
    if (i == r->tail) {
        r->tail = (r->tail + 1) % r->size;
    }
}

/* Set a channel up properly (a ring in the arena) so traffic flows. */
static void stress_setup_chan(Stress *st, unsigned c)
{
    Ring *r = &st->ring[c];
    uint32_t size = 8 << rnd(st, 4);     /* 8..64: fits its page */

    cwr(&st->t, c, SGNIC_CH_CMD, SGNIC_CMD_RESET);
    r->chan = c;
    r->size = size;
    r->base = st->arena + c * 4096;
    r->tail = 0;
    ring_regs(&st->t, c, r->base, size);
    cwr(&st->t, c, SGNIC_CH_COMPL_LO, rnd(st, 4) ?
        (uint32_t)(st->arena + (rnd(st, STRESS_ARENA) & ~7u)) : rnd_u32_edge(st));
    cwr(&st->t, c, SGNIC_CH_COMPL_HI, rnd(st, 8) ? 0 : rnd_u32_edge(st));
    cwr(&st->t, c, SGNIC_CH_IRQ_MOD, rnd(st, 2) ? 0 : g_rand_int(st->rng) & 0x000f00ff);
    cwr(&st->t, c, SGNIC_CH_IRQ_EN, rnd(st, 2));
    cwr(&st->t, c, SGNIC_CH_CMD, SGNIC_CMD_START);
}

static void stress_chan_reg(Stress *st, unsigned c)
{
    static const uint32_t regs[] = {
        SGNIC_CH_RING_LO, SGNIC_CH_RING_HI, SGNIC_CH_RING_SIZE, SGNIC_CH_TAIL,
        SGNIC_CH_HEAD, SGNIC_CH_CMD, SGNIC_CH_STATUS, SGNIC_CH_COMPL_LO,
        SGNIC_CH_COMPL_HI, SGNIC_CH_IRQ_MOD, SGNIC_CH_IRQ_EN, SGNIC_CH_ERR_DESC,
        SGNIC_CH_COMPLETED, SGNIC_CH_PKT_ERRS, 0x38, 0x3c,
    };
    uint32_t reg = regs[rnd(st, G_N_ELEMENTS(regs))];
    uint32_t val = rnd_u32_edge(st);
    Ring *r = &st->ring[c];

    if (reg == SGNIC_CH_RING_SIZE && rnd(st, 2)) {
        val = 1u << rnd(st, 14);
    } else if (reg == SGNIC_CH_RING_LO && rnd(st, 2)) {
        val = (uint32_t)rnd_addr(st, 4096);
    } else if (reg == SGNIC_CH_CMD && rnd(st, 4)) {
        val = 1 + rnd(st, 4);
    }
    cwr(&st->t, c, reg, val);
    if (reg == SGNIC_CH_CMD && val == SGNIC_CMD_RESET) {
        r->tail = 0;
    }
}

static void stress_doorbell(Stress *st, unsigned c)
{
    Ring *r = &st->ring[c];

    if (r->size && rnd(st, 32)) {
        cwr(&st->t, c, SGNIC_CH_TAIL, r->tail);
    } else {
        cwr(&st->t, c, SGNIC_CH_TAIL, rnd(st, 2) ? rnd(st, 8192) : rnd_u32_edge(st));
    }
}

static void stress_global_reg(Stress *st)
{
    static const uint32_t regs[] = {
        SGNIC_REG_ID, SGNIC_REG_FEATURES, SGNIC_REG_MAX_XFER, SGNIC_REG_CTRL,
        SGNIC_REG_STATUS, SGNIC_REG_MAC_LO, SGNIC_REG_MAC_HI,
        SGNIC_REG_MISC_CAUSE, SGNIC_REG_MISC_MASK, SGNIC_REG_MISC_SET,
        SGNIC_REG_RX_QUEUES, SGNIC_REG_HALTED, SGNIC_REG_IRQ_UNMASK,
        SGNIC_REG_STAT_RX_NOBUF, SGNIC_REG_STAT_MMIO, 0x4c, 0xfc,
    };
    uint32_t reg, val = rnd_u32_edge(st);

    switch (rnd(st, 4)) {
    case 0:
        /* Anywhere in BAR 0, channel blocks of absent pairs included. */
        reg = rnd(st, SGNIC_BAR_REGS_SIZE) & ~3u;
        break;
    default:
        reg = regs[rnd(st, G_N_ELEMENTS(regs))];
        break;
    }
    if (reg == SGNIC_REG_CTRL) {
        /* A reset now and then, mostly RX on (with loopback at times). */
        val = rnd(st, 50) ? (val & ~SGNIC_CTRL_RESET) | SGNIC_CTRL_RX_ENABLE : val;
        if (val & SGNIC_CTRL_RESET) {
            memset(st->ring, 0, sizeof(st->ring));
        }
    } else if (reg == SGNIC_REG_RX_QUEUES && rnd(st, 2)) {
        val = rnd(st, 6);
    }
    if (rnd(st, 3) == 0) {
        rd(&st->t, reg);
    } else {
        wr(&st->t, reg, val);
    }
}

/* Send a random frame unless the socket is backed up. */
static void stress_frame(Stress *st)
{
    uint8_t f[SGNIC_MAX_FRAME + 64];
    int outq = 0;
    size_t len;

    g_assert_cmpint(ioctl(st->t.sock, TIOCOUTQ, &outq), ==, 0);
    /* AF_UNIX polls writable only below a quarter of the send buffer. */
    if (outq > 16 * 1024) {
        return;
    }
    switch (rnd(st, 4)) {
    case 0:
        len = make_udp(f, sg_mac, rnd(st, 1400), rnd(st, 256), rnd(st, 2));
        break;
    case 1:
        len = make_tcp(f, sg_mac, rnd(st, 1400), g_rand_int(st->rng), rnd(st, 256));
        break;
    default:
        len = rnd(st, 4) ? 1 + rnd(st, 1600) : 1 + rnd(st, sizeof(f) - 1);
        for (size_t i = 0; i < len; i++) {
            f[i] = g_rand_int(st->rng);
        }
        if (len >= 6 && rnd(st, 4)) {
            memcpy(f, rnd(st, 3) ? sg_mac : (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6);
        }
        break;
    }
    if (rnd(st, 8) == 0 && len > ETH_HDR + 4) {
        f[ETH_HDR + rnd(st, len - ETH_HDR)] ^= 1 << rnd(st, 8);
    }
    wire_send(&st->t, f, len);
    st->frames_in++;
}

/* Read whatever the device transmitted so the backend never blocks. */
static void stress_drain(Stress *st)
{
    while (wire_recv(&st->t, st->rxbuf, SGNIC_HW_MAX_PKT_LEN + 1024, 0) >= 0) {
        st->frames_out++;
    }
}

static void stress_qom(Stress *st)
{
    static const struct {
        const char *name;
        uint32_t usual[4];
    } props[] = {
        { "max-xfer", { SGNIC_DEF_MAX_XFER, 9018, 1514, SGNIC_HW_MAX_PKT_LEN } },
        { "max-sg", { SGNIC_DEF_MAX_SG, 1, 4, SGNIC_HW_MAX_CHAIN } },
        { "max-seg", { SGNIC_DEF_MAX_SEG, 4096, 2048, 1024 } },
        { "seg-boundary-shift", { 32, 12, 16, 63 } },
        { "inject-dma-error", { 0, 0, 97, 1000 } },
        { "inject-short", { 0, 0, 3, 50 } },
        { "inject-lost-irq", { 0, 0, 5, 100 } },
    };
    unsigned k = rnd(st, G_N_ELEMENTS(props));
    /* Mostly values that let traffic flow, sometimes anything at all. */
    uint64_t v = rnd(st, 2) ? props[k].usual[0] :
                 rnd(st, 8) ? props[k].usual[rnd(st, 4)] :
                 rnd(st, 2) ? rnd(st, 100) : rnd_u32_edge(st);

    qom_set_u32(&st->t, props[k].name, v);
}

/* Invariants every channel must keep whatever the guest did. */
static void stress_check(Stress *st)
{
    unsigned c;

    for (c = 0; c < 2 * STRESS_QUEUES; c++) {
        uint32_t status = crd(&st->t, c, SGNIC_CH_STATUS);
        uint32_t state = SGNIC_CH_STATE(status), err = SGNIC_CH_ERR(status);
        uint32_t size = crd(&st->t, c, SGNIC_CH_RING_SIZE);

        g_assert_cmpuint(status & ~(SGNIC_STATE_MASK | SGNIC_STATUS_ERR_MASK), ==, 0);
        g_assert_cmpuint(state, <=, SGNIC_STATE_HALTED);
        g_assert_cmpuint(err, <=, SGNIC_ERR_INJECTED);
        g_assert_cmpint(err != 0, ==, state == SGNIC_STATE_HALTED);
        g_assert_cmpint(!!(rd(&st->t, SGNIC_REG_HALTED) & (1u << c)), ==,
                        state == SGNIC_STATE_HALTED);
        if (state != SGNIC_STATE_STOPPED && state != SGNIC_STATE_HALTED) {
            g_assert_cmphex(size & (size - 1), ==, 0);
            g_assert_cmpuint(size, >=, SGNIC_RING_MIN);
            g_assert_cmpuint(size, <=, SGNIC_RING_MAX);
            g_assert_cmpuint(crd(&st->t, c, SGNIC_CH_HEAD), <, size);
            g_assert_cmpuint(crd(&st->t, c, SGNIC_CH_TAIL), <, size);
        }
    }
}

static void stress_alarm(int sig)
{
    static const char msg[] = "sgnic-test: stress timed out, QEMU hung?\n";

    if (write(2, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to do */
    }
    abort();
}

static void test_stress_random(void)
{
    const char *env_seed = g_getenv("SGNIC_STRESS_SEED");
    const char *env_ops = g_getenv("SGNIC_STRESS_OPS");
    const char *env_timeout = g_getenv("SGNIC_STRESS_TIMEOUT");
    uint32_t seed = env_seed ? strtoul(env_seed, NULL, 0) : 0x5347c0de;
    unsigned long ops = env_ops ? strtoul(env_ops, NULL, 0) : 20000;
    unsigned long n;
    gint64 start = g_get_monotonic_time();
    Stress st;
    unsigned c;

    printf("# stress: seed %#x, %lu operations "
           "(SGNIC_STRESS_SEED, SGNIC_STRESS_OPS)\n", seed, ops);
    fflush(stdout);
    signal(SIGALRM, stress_alarm);
    alarm(env_timeout ? strtoul(env_timeout, NULL, 0) : 1800);

    memset(&st, 0, sizeof(st));
    st.rng = g_rand_new_with_seed(seed);
    st.rxbuf = g_malloc(SGNIC_HW_MAX_PKT_LEN + 1024);
    sg_boot(&st.t, "queues=4");
    st.arena = guest_alloc(&st.t.alloc, STRESS_ARENA);
    st.bar0 = qpci_config_readl(st.t.dev, PCI_BASE_ADDRESS_0) & ~0xfu;
    st.bar0 |= (uint64_t)qpci_config_readl(st.t.dev, PCI_BASE_ADDRESS_1) << 32;
    st.bar2 = qpci_config_readl(st.t.dev, PCI_BASE_ADDRESS_2) & ~0xfu;
    st.bar2 |= (uint64_t)qpci_config_readl(st.t.dev, PCI_BASE_ADDRESS_3) << 32;
    wr(&st.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE);
    wr(&st.t, SGNIC_REG_MISC_MASK, 0x7);
    for (c = 0; c < 2 * STRESS_QUEUES; c++) {
        stress_setup_chan(&st, c);
    }

    for (n = 0; n < ops; n++) {
        unsigned ch = rnd(&st, 2 * STRESS_QUEUES);
        unsigned op = rnd(&st, 1000);
        uint32_t state = cstate(&st.t, ch);

        /* Like a driver, bring a halted or stopped channel back often. */
        if ((state == SGNIC_STATE_HALTED || state == SGNIC_STATE_STOPPED) &&
            rnd(&st, 3) == 0) {
            stress_setup_chan(&st, ch);
            continue;
        }

        if (op < 300) {
            stress_desc(&st, ch);
        } else if (op < 450) {
            stress_doorbell(&st, ch);
        } else if (op < 520) {
            stress_chan_reg(&st, ch);
        } else if (op < 560) {
            stress_setup_chan(&st, ch);
        } else if (op < 650) {
            stress_global_reg(&st);
        } else if (op < 800) {
            stress_frame(&st);
        } else if (op < 860) {
            rd(&st.t, rnd(&st, SGNIC_BAR_REGS_SIZE) & ~3u);
        } else if (op < 900) {
            qtest_clock_step(st.t.qts, 1 + rnd(&st, 300) * 1000);
        } else if (op < 920) {
            irq_clear(&st.t, rnd(&st, STRESS_QUEUES + 1));
        } else if (op < 930) {
            set_master(&st.t, rnd(&st, 4) != 0);
        } else if (op < 935) {
            stress_qom(&st);
        } else if (op < 942) {
            set_link(&st.t, rnd(&st, 3) != 0);
        } else if (op < 943) {
            wr(&st.t, SGNIC_REG_CTRL, SGNIC_CTRL_RESET);
            memset(st.ring, 0, sizeof(st.ring));
        } else if (op < 950) {
            /* The driver's view: receive on, halts and links reported. */
            wr(&st.t, SGNIC_REG_CTRL, SGNIC_CTRL_RX_ENABLE |
               (rnd(&st, 4) ? 0 : SGNIC_CTRL_PROMISC) |
               (rnd(&st, 4) ? 0 : SGNIC_CTRL_LOOPBACK));
            wr(&st.t, SGNIC_REG_MISC_MASK, 0x7);
        } else {
            stress_drain(&st);
        }
        if (n % 1000 == 999) {
            if (g_getenv("SGNIC_STRESS_DEBUG")) {
                /* Progress: each channel's STATUS/COMPLETED/PKT_ERRS. */
                printf("# %lu:", n + 1);
                for (c = 0; c < 2 * STRESS_QUEUES; c++) {
                    printf(" %x/%u/%u", crd(&st.t, c, SGNIC_CH_STATUS),
                           crd(&st.t, c, SGNIC_CH_COMPLETED),
                           crd(&st.t, c, SGNIC_CH_PKT_ERRS));
                }
                printf(" ctrl %x, %" PRIu64 " frames out\n",
                       rd(&st.t, SGNIC_REG_CTRL), st.frames_out);
            }
            stress_check(&st);
            set_master(&st.t, true);
        }
    }
    /* Let everything settle, then QEMU must still answer and be sane. */
    set_master(&st.t, true);
    set_link(&st.t, true);
    qtest_clock_step(st.t.qts, 10 * 1000 * 1000);
    stress_drain(&st);
    assert_alive(&st.t);
    stress_check(&st);
    g_assert_cmphex(rd(&st.t, SGNIC_REG_ID), ==, SGNIC_ID_MAGIC);
    printf("# stress: %lu operations done in %.1f s, seed %#x: %" PRIu64
           " frames injected, %" PRIu64 " transmitted; QEMU alive, "
           "every channel in a valid state\n", ops,
           (g_get_monotonic_time() - start) / 1e6, seed, st.frames_in,
           st.frames_out);
    alarm(0);
    sg_shutdown(&st.t);
    g_free(st.rxbuf);
    g_rand_free(st.rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/sgnic/identity/defaults", test_identity);
    qtest_add_func("/sgnic/identity/queues1", test_identity_queues1);
    qtest_add_func("/sgnic/identity/queues4", test_identity_queues4);
    qtest_add_func("/sgnic/identity/properties", test_identity_props);
    qtest_add_func("/sgnic/identity/qom-set", test_identity_qom_set);
    qtest_add_func("/sgnic/gone", test_gone);
    qtest_add_func("/sgnic/reset/pm", test_reset_pm);
    qtest_add_func("/sgnic/aer", test_aer);
    qtest_add_func("/sgnic/tx/single", test_tx_single);
    qtest_add_func("/sgnic/tx/sg-chain", test_tx_sg);
    qtest_add_func("/sgnic/tx/csum", test_tx_csum);
    qtest_add_func("/sgnic/tx/tso", test_tx_tso);
    qtest_add_func("/sgnic/rx/single", test_rx_single);
    qtest_add_func("/sgnic/rx/multi-buffer", test_rx_multibuf);
    qtest_add_func("/sgnic/rx/csum", test_rx_csum);
    qtest_add_func("/sgnic/rx/backpressure", test_rx_backpressure);
    qtest_add_func("/sgnic/rx/backpressure-hub", test_rx_backpressure_hub);
    qtest_add_func("/sgnic/compl/writeback", test_compl_writeback);
    qtest_add_func("/sgnic/compl/interrupt", test_compl_interrupt);
    qtest_add_func("/sgnic/compl/both", test_compl_both);
    qtest_add_func("/sgnic/compl/neither", test_compl_neither);
    qtest_add_func("/sgnic/irq/mod-count", test_irq_mod_count);
    qtest_add_func("/sgnic/irq/mod-count-flush", test_irq_mod_count_flush);
    qtest_add_func("/sgnic/irq/mod-usecs", test_irq_mod_usecs);
    qtest_add_func("/sgnic/irq/deferred", test_irq_deferred);
    qtest_add_func("/sgnic/irq/auto-mask", test_irq_automask);
    qtest_add_func("/sgnic/irq/gap", test_irq_gap);
    qtest_add_func("/sgnic/chan/bad-ring", test_chan_bad_ring);
    qtest_add_func("/sgnic/chan/suspend-resume", test_chan_suspend_resume);
    qtest_add_func("/sgnic/chan/reset", test_chan_reset);
    qtest_add_func("/sgnic/chan/start-while-running", test_chan_start_running);
    qtest_add_func("/sgnic/pkt/too-many-transfers", test_pkt_too_many_transfers);
    qtest_add_func("/sgnic/pkt/boundary", test_pkt_boundary);
    qtest_add_func("/sgnic/pkt/too-fragmented", test_pkt_too_fragmented);
    qtest_add_func("/sgnic/halt/desc-len-zero", test_halt_len_zero);
    qtest_add_func("/sgnic/halt/desc-len-long", test_halt_len_long);
    qtest_add_func("/sgnic/halt/desc-flags-reserved", test_halt_flags_reserved);
    qtest_add_func("/sgnic/halt/desc-flags-no-sop", test_halt_flags_no_sop);
    qtest_add_func("/sgnic/halt/desc-flags-sop-inside", test_halt_sop_inside);
    qtest_add_func("/sgnic/halt/tail-range", test_halt_tail_range);
    qtest_add_func("/sgnic/halt/chain", test_halt_chain);
    qtest_add_func("/sgnic/halt/chain-bytes", test_halt_chain_bytes);
    qtest_add_func("/sgnic/halt/chain-no-eop", test_halt_chain_no_eop);
    qtest_add_func("/sgnic/halt/desc-read", test_halt_desc_read);
    qtest_add_func("/sgnic/halt/buf-read", test_halt_buf_read);
    qtest_add_func("/sgnic/halt/buf-write", test_halt_buf_write);
    qtest_add_func("/sgnic/halt/rx-desc-len", test_halt_rx_desc_len);
    qtest_add_func("/sgnic/halt/compl-write", test_halt_compl_write);
    qtest_add_func("/sgnic/inject/dma-error", test_inject_dma_error);
    qtest_add_func("/sgnic/inject/short", test_inject_short);
    qtest_add_func("/sgnic/inject/lost-irq", test_inject_lost_irq);
    qtest_add_func("/sgnic/loopback", test_loopback);
    qtest_add_func("/sgnic/reset/ctrl", test_reset_ctrl);
    qtest_add_func("/sgnic/reset/system", test_reset_system);
    qtest_add_func("/sgnic/reset/flr", test_reset_flr);
    qtest_add_func("/sgnic/bus-master", test_bus_master);
    qtest_add_func("/sgnic/link", test_link);
    qtest_add_func("/sgnic/rx/disabled", test_rx_disabled);
    qtest_add_func("/sgnic/rx/filter", test_rx_filter);
    qtest_add_func("/sgnic/rx/multi-queue", test_rx_multiqueue);
    qtest_add_func("/sgnic/tx/budget", test_tx_budget);
    qtest_add_func("/sgnic/tx/wrap", test_tx_wrap);
    qtest_add_func("/sgnic/misc/self-test", test_misc_selftest);
    qtest_add_func("/sgnic/migration", test_migration);
    qtest_add_func("/sgnic/rsc/coalesce", test_rsc_coalesce);
    qtest_add_func("/sgnic/rsc/off", test_rsc_off);
    qtest_add_func("/sgnic/rsc/no-join", test_rsc_no_join);
    qtest_add_func("/sgnic/rsc/limit", test_rsc_limit);
    qtest_add_func("/sgnic/rsc/bh-flush", test_rsc_bh_flush);
    qtest_add_func("/sgnic/rsc/backpressure", test_rsc_backpressure);
    qtest_add_func("/sgnic/rsc/migration", test_rsc_migration);
    qtest_add_func("/sgnic/self-dma/tx-doorbell", test_self_dma_tx_doorbell);
    qtest_add_func("/sgnic/self-dma/tx-bh", test_self_dma_tx_bh);
    qtest_add_func("/sgnic/self-dma/rx", test_self_dma_rx);
    qtest_add_func("/sgnic/self-dma/rsc-bh", test_self_dma_rsc_bh);
    qtest_add_func("/sgnic/self-dma/msix", test_self_dma_msix);
    qtest_add_func("/sgnic/rx/malformed-l4", test_rx_malformed_l4);
    qtest_add_func("/sgnic/rx/runt", test_rx_runt);
    qtest_add_func("/sgnic/rx/disable-drops-queued", test_rx_disable_drops_queued);
    qtest_add_func("/sgnic/rsc/bus-master", test_rsc_bus_master);
    qtest_add_func("/sgnic/tx/send-fails", test_tx_send_fails);
    qtest_add_func("/sgnic/tx/csum-partial", test_tx_csum_partial);
    qtest_add_func("/sgnic/regs/64bit-access", test_regs_64bit_access);
    qtest_add_func("/sgnic/migration/halted-unconfigured",
                   test_migration_halted_unconfigured);
    qtest_add_func("/sgnic/migration/crafted", test_migration_crafted);
    qtest_add_func("/sgnic/rss/registers", test_rss_registers);
    qtest_add_func("/sgnic/rss/vectors-ipv4", test_rss_vectors_ipv4);
    qtest_add_func("/sgnic/rss/vectors-ipv6", test_rss_vectors_ipv6);
    qtest_add_func("/sgnic/rss/steering", test_rss_steering);
    qtest_add_func("/sgnic/rss/rsc", test_rss_rsc);
    qtest_add_func("/sgnic/rss/migration", test_rss_migration);
    qtest_add_func("/sgnic/filter/registers", test_filter_registers);
    qtest_add_func("/sgnic/filter/unicast", test_filter_unicast);
    qtest_add_func("/sgnic/filter/multicast", test_filter_multicast);
    qtest_add_func("/sgnic/filter/migration", test_filter_migration);
    qtest_add_func("/sgnic/vlan/strip", test_vlan_strip);
    qtest_add_func("/sgnic/vlan/rsc", test_vlan_rsc);
    qtest_add_func("/sgnic/vlan/filter", test_vlan_filter);
    qtest_add_func("/sgnic/vlan/insert", test_vlan_insert);
    qtest_add_func("/sgnic/mac-stats/rx", test_mac_stats_rx);
    qtest_add_func("/sgnic/mac-stats/tx", test_mac_stats_tx);
    qtest_add_func("/sgnic/mac-stats/migration", test_mac_stats_migration);
    qtest_add_func("/sgnic/stress/random", test_stress_random);
    return g_test_run();
}
