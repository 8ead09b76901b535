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
#include "hw/pci/pci_regs.h"
#include <poll.h>
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

/* Boot with "-device sgnic,<props>"; props may be NULL. */
static void sg_boot(Sg *t, const char *props)
{
    int sv[2];
    const char *fw = firmware_dir();
    g_autofree char *lopt = *fw ? g_strdup_printf("-L %s ", fw) : g_strdup("");
    const char *q;

    memset(t, 0, sizeof(*t));
    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    t->qts = qtest_initf("%s-M q35 -nodefaults "
                         "-netdev socket,id=n0,fd=%d "
                         "-device sgnic,id=nic0,netdev=n0,mac=" SG_MAC
                         ",addr=04.0%s%s",
                         lopt, sv[1], props ? "," : "", props ? props : "");
    close(sv[1]);
    t->sock = sv[0];
    g_unix_set_fd_nonblocking(t->sock, true, NULL);

    pc_alloc_init(&t->alloc, t->qts, ALLOC_NO_FLAGS);
    t->bus = qpci_new_pc(t->qts, &t->alloc);
    t->dev = qpci_device_find(t->bus, SG_DEVFN);
    g_assert(t->dev);
    qpci_device_enable(t->dev);
    t->bar = qpci_iomap(t->dev, SGNIC_BAR_REGS, NULL);
    qpci_msix_enable(t->dev);
    t->msix_sink = guest_alloc(&t->alloc, 4096);
    q = props ? strstr(props, "queues=") : NULL;
    t->queues = q ? atoi(q + 7) : 2;
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

/*
 * Clear the vector's pending bit: point the entry at a scratch buffer,
 * unmask it (QEMU delivers the pending message there) and mask it again.
 */
static void irq_clear(Sg *t, unsigned vec)
{
    uint64_t e = t->dev->msix_table_off + vec * PCI_MSIX_ENTRY_SIZE;

    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_LOWER_ADDR,
                   (uint32_t)t->msix_sink);
    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_UPPER_ADDR,
                   t->msix_sink >> 32);
    qpci_io_writel(t->dev, t->dev->msix_table_bar, e + PCI_MSIX_ENTRY_DATA, vec);
    qpci_io_writel(t->dev, t->dev->msix_table_bar,
                   e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
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

static void wire_send(Sg *t, const void *frame, size_t len)
{
    uint32_t be_len = cpu_to_be32(len);
    struct iovec iov[2] = {
        { .iov_base = &be_len, .iov_len = 4 },
        { .iov_base = (void *)frame, .iov_len = len },
    };
    size_t want = 4 + len;
    ssize_t n;

    while (want) {
        struct pollfd pfd = { .fd = t->sock, .events = POLLOUT };

        g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
        n = writev(t->sock, iov, 2);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        g_assert_cmpint(n, >, 0);
        want -= n;
        while (n) {
            size_t k = MIN((size_t)n, iov[0].iov_len);

            iov[0].iov_base = (uint8_t *)iov[0].iov_base + k;
            iov[0].iov_len -= k;
            n -= k;
            if (!iov[0].iov_len) {
                iov[0] = iov[1];
                iov[1].iov_len = 0;
            }
        }
    }
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
    return ETH_HDR + l4_len;
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

static void test_identity(void)
{
    Sg t;

    sg_boot(&t, NULL);
    g_assert_cmphex(rd(&t, SGNIC_REG_ID), ==, SGNIC_ID_MAGIC);
    g_assert_cmphex(rd(&t, SGNIC_REG_VERSION), ==,
                    SGNIC_VERSION_MAJOR << 16 | SGNIC_VERSION_MINOR);
    g_assert_cmphex(rd(&t, SGNIC_REG_QUEUES), ==, 2 | 3 << 8);
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_XFER), ==, SGNIC_DEF_MAX_XFER);
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_SG), ==, SGNIC_DEF_MAX_SG);
    g_assert_cmpuint(rd(&t, SGNIC_REG_MAX_SEG), ==, SGNIC_DEF_MAX_SEG);
    g_assert_cmpuint(rd(&t, SGNIC_REG_SEG_BOUNDARY), ==,
                     SGNIC_DEF_SEG_BOUNDARY_SHIFT);
    sg_shutdown(&t);
}

static void test_tx_single(void)
{
    Sg t;
    Ring r;
    uint8_t f[128], got[256];
    uint64_t buf;
    uint32_t i;

    sg_boot(&t, NULL);
    ring_init(&t, &r, SGNIC_CHAN_TX(0), 16, false, true);
    make_raw(f, sizeof(f), peer_mac, 1);
    buf = guest_buf(&t, f, sizeof(f));
    i = ring_push(&t, &r, buf, sizeof(f), SGNIC_DESC_F_SOP | SGNIC_DESC_F_EOP, 0);
    ring_doorbell(&t, &r);
    g_assert_cmpint(wire_recv(&t, got, sizeof(got), 2000), ==, sizeof(f));
    g_assert(!memcmp(got, f, sizeof(f)));
    g_assert_cmphex(desc_status(&t, &r, i), ==, SGNIC_DESC_S_DONE);
    g_assert_cmpuint(desc_xfer(&t, &r, i), ==, sizeof(f));
    g_assert_cmpuint(crd(&t, r.chan, SGNIC_CH_HEAD), ==, 1);
    wire_assert_empty(&t);
    sg_shutdown(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/sgnic/identity", test_identity);
    qtest_add_func("/sgnic/tx/single", test_tx_single);
    return g_test_run();
}
