// SPDX-License-Identifier: GPL-2.0
/*
 * AF_XDP for xdp.sh: an XSK socket on one queue of a port, with libxdp's
 * xsk API (its default program redirects the queue's frames to the socket).
 *
 *   xsk_frames rxdrop IFACE MAC COUNT SIZE [zc]  receive COUNT test frames
 *       from MAC (xdp_frames send), each checked byte for byte, then drop
 *   xsk_frames txonly IFACE MAC COUNT SIZE [zc]  send COUNT test frames to
 *       MAC from the socket's TX ring (checked by xdp_frames expect)
 *   xsk_frames l2fwd IFACE MAC COUNT SIZE [zc]   send back each test frame
 *       from MAC with the addresses swapped (checked by xdp_frames reflect)

 *
 * Queue 0, copy mode (XDP_COPY) unless "zc" asks for zero-copy
 * (XDP_ZEROCOPY, which fails where the driver has no support).  Frames
 * other than test frames from MAC are returned to the fill ring unread.
 * Gives up after 20 s without progress.  Prints one summary line; exit 0
 * on success.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "test_frame.h"

#define NUM_FRAMES	4096
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE	XSK_RING_CONS__DEFAULT_NUM_DESCS
#define BATCH		64

struct xsk {
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	uint8_t *area;
	uint64_t free_addrs[NUM_FRAMES];
	uint32_t nfree;
};

/* libxdp's loader is chatty (libbpf info lines): warnings only */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static uint64_t frame_get(struct xsk *x)
{
	return x->nfree ? x->free_addrs[--x->nfree] : UINT64_MAX;
}

static void frame_put(struct xsk *x, uint64_t addr)
{
	x->free_addrs[x->nfree++] = addr - addr % FRAME_SIZE;
}

/* Hand the kernel as many free frames for RX as the fill ring takes. */
static void refill(struct xsk *x, uint32_t keep)
{
	uint32_t n = xsk_prod_nb_free(&x->fq, x->nfree), idx, i;

	if (x->nfree <= keep)
		return;
	if (n > x->nfree - keep)
		n = x->nfree - keep;
	if (!n || xsk_ring_prod__reserve(&x->fq, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = frame_get(x);
	xsk_ring_prod__submit(&x->fq, n);
}

/* Take back the frames whose transmission completed. */
static uint32_t reap_tx(struct xsk *x)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&x->cq, BATCH, &idx);
	for (i = 0; i < n; i++)
		frame_put(x, *xsk_ring_cons__comp_addr(&x->cq, idx + i));
	xsk_ring_cons__release(&x->cq, n);
	return n;
}

static int send_frame(struct xsk *x, uint64_t addr, uint32_t len)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1)
		return -1;
	xsk_ring_prod__tx_desc(&x->tx, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&x->tx, idx)->len = len;
	xsk_ring_prod__submit(&x->tx, 1);
	return 0;
}

static void kick_tx(struct xsk *x)
{
	if (!xsk_ring_prod__needs_wakeup(&x->tx))
		return;
	sendto(xsk_socket__fd(x->sock), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static int xsk_open(struct xsk *x, const char *ifname, int zc)
{
	struct xsk_socket_config cfg = {
		.rx_size = RING_SIZE,
		.tx_size = RING_SIZE,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = (zc ? XDP_ZEROCOPY : XDP_COPY) | XDP_USE_NEED_WAKEUP,
	};
	uint32_t i;
	int err;

	x->area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED)
		return -errno;
	err = xsk_umem__create(&x->umem, x->area, (uint64_t)NUM_FRAMES * FRAME_SIZE,
			       &x->fq, &x->cq, NULL);
	if (err)
		return err;
	err = xsk_socket__create(&x->sock, ifname, 0, x->umem, &x->rx, &x->tx, &cfg);
	if (err)
		return err;
	for (i = 0; i < NUM_FRAMES; i++)
		frame_put(x, (uint64_t)i * FRAME_SIZE);
	refill(x, NUM_FRAMES / 2);
	return 0;
}

static int mac_of(const char *ifname, uint8_t *mac)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	err = fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (fd >= 0)
		close(fd);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct xsk x;
	static uint8_t ref[FRAME_SIZE];
	uint8_t me[ETH_ALEN], other[ETH_ALEN], *seen;
	uint32_t count, size, intact = 0, corrupt = 0, dup = 0, sent = 0, done = 0;
	uint32_t completed = 0;
	double last;
	const char *mode;
	int err, zc;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: xsk_frames rxdrop|txonly|l2fwd IFACE MAC COUNT SIZE [zc]\n");
		return 2;
	}
	libbpf_set_print(print_libbpf);
	mode = argv[1];
	count = strtoul(argv[4], NULL, 0);
	size = strtoul(argv[5], NULL, 0);
	zc = argc == 7 && !strcmp(argv[6], "zc");
	if (test_parse_mac(argv[3], other) || mac_of(argv[2], me) || size < 60 ||
	    size > FRAME_SIZE - XDP_PACKET_HEADROOM || !count) {
		fprintf(stderr, "xsk_frames: bad interface, MAC, count or size\n");
		return 2;
	}
	seen = calloc(count, 1);
	err = seen ? xsk_open(&x, argv[2], zc) : -ENOMEM;
	if (err) {
		fprintf(stderr, "xsk_frames: %s mode socket on %s queue 0: %s\n",
			zc ? "zero-copy" : "copy", argv[2], strerror(-err));
		return 1;
	}

	last = test_now();
	while (done < count && test_now() - last < 20) {
		struct pollfd p = { .fd = xsk_socket__fd(x.sock), .events = POLLIN };
		uint32_t idx, n, i;

		n = reap_tx(&x);
		if (n)
			last = test_now();
		completed += n;
		if (!strcmp(mode, "txonly")) {
			while (sent < count) {
				uint64_t addr = frame_get(&x);

				if (addr == UINT64_MAX)
					break;
				test_frame_build(x.area + addr, size, sent, other, me);
				if (send_frame(&x, addr, size)) {
					frame_put(&x, addr);
					break;
				}
				sent++;
			}
			kick_tx(&x);
			/* done: every frame's transmission completed */
			done = completed;
			usleep(1000);
			continue;
		}
		if (xsk_ring_prod__needs_wakeup(&x.fq))
			poll(&p, 1, 100);
		n = xsk_ring_cons__peek(&x.rx, BATCH, &idx);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x.rx, idx + i);
			uint8_t *f = xsk_umem__get_data(x.area, d->addr);
			uint32_t seq;

			if (!test_is_frame(f, d->len) || memcmp(f + ETH_ALEN, other, ETH_ALEN)) {
				frame_put(&x, d->addr);
				continue;
			}
			last = test_now();
			seq = test_frame_seq(f);
			test_frame_build(ref, size, seq, me, other);
			if (seq >= count || d->len != size || memcmp(f, ref, size)) {
				corrupt++;
				done++;
				frame_put(&x, d->addr);
				continue;
			}
			if (seen[seq]++) {
				dup++;
				frame_put(&x, d->addr);
				continue;
			}
			intact++;
			done++;
			if (!strcmp(mode, "l2fwd")) {
				/* back where it came from: swap the addresses in place */
				memcpy(f, other, ETH_ALEN);
				memcpy(f + ETH_ALEN, me, ETH_ALEN);
				if (!send_frame(&x, d->addr, d->len)) {
					sent++;
					continue;
				}
			}
			frame_put(&x, d->addr);
		}
		xsk_ring_cons__release(&x.rx, n);
		if (sent)
			kick_tx(&x);
		refill(&x, BATCH);
		if (!n)
			usleep(500);
	}
	/* let the last transmissions complete (l2fwd) */
	for (err = 0; err < 400 && completed < sent; err++) {
		uint32_t n = reap_tx(&x);

		completed += n;
		if (!n) {
			kick_tx(&x);
			usleep(5000);
		}
	}
	printf("%s %s (%s): %u intact, %u corrupt, %u duplicate, %u sent, %u completed, of %u\n",
	       mode, argv[2], zc ? "zero-copy" : "copy", intact, corrupt, dup, sent,
	       completed, count);
	xsk_socket__delete(x.sock);
	xsk_umem__delete(x.umem);
	if (completed != sent)
		return 1;
	if (!strcmp(mode, "txonly"))
		return sent == count ? 0 : 1;
	return intact == count && !corrupt && !dup ? 0 : 1;
}
