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
 *   xsk_frames hold IFACE MAC SECS SIZE ...      keep the socket bound for
 *       SECS seconds, giving back whatever it receives (while xdp.sh runs
 *       other programs on a zero-copy queue)
 *   ... SIZE sg|zc-sg OBJ                         the same with multi-buffer
 *       packets (XDP_USE_SG): frames longer than a umem frame arrive as
 *       several descriptors (XDP_PKT_CONTD), and txonly sends each frame
 *       as SG_CHUNK-byte descriptors.  libxdp 1.3 has no program for that:
 *       OBJ's xsk_redirect_mb (xdp_progs.bpf.o) is attached instead.
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
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "test_frame.h"

#define NUM_FRAMES	4096
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE	XSK_RING_CONS__DEFAULT_NUM_DESCS
#define BATCH		64
#define SG_CHUNK	3000	/* bytes per TX descriptor with sg */
#define MAX_PKT		9216

struct xsk {
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	uint8_t *area;
	uint64_t free_addrs[NUM_FRAMES];
	uint32_t nfree;
	int sg;			/* multi-buffer packets, our own program */
	int ifindex;
	struct bpf_object *obj;
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

/* One packet of n descriptors: addrs[i], lens[i], all but the last CONTD. */
static int send_descs(struct xsk *x, const uint64_t *addrs, const uint32_t *lens,
		      uint32_t n)
{
	uint32_t idx, i;

	if (xsk_ring_prod__reserve(&x->tx, n, &idx) != n)
		return -1;
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);

		d->addr = addrs[i];
		d->len = lens[i];
		d->options = i + 1 < n ? XDP_PKT_CONTD : 0;
	}
	xsk_ring_prod__submit(&x->tx, n);
	return 0;
}

/*
 * With sg: attach OBJ's xsk_redirect_mb (xdp.frags) to the port and put
 * the socket in its map at queue 0.
 */
static int attach_sg_prog(struct xsk *x, const char *path)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	struct bpf_program *p;

	x->obj = bpf_object__open_file(path, NULL);
	if (!x->obj)
		return -errno;
	prog = bpf_object__find_program_by_name(x->obj, "xsk_redirect_mb");
	map = bpf_object__find_map_by_name(x->obj, "xsks");
	if (!prog || !map)
		return -ENOENT;
	/* that one only: the object's dev-bound programs need an ifindex */
	bpf_object__for_each_program(p, x->obj)
		bpf_program__set_autoload(p, p == prog);
	err = bpf_object__load(x->obj);
	if (err)
		return err;
	err = bpf_xdp_attach(x->ifindex, bpf_program__fd(prog), XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		return err;
	return xsk_socket__update_xskmap(x->sock, bpf_map__fd(map));
}

static void kick_tx(struct xsk *x)
{
	if (!xsk_ring_prod__needs_wakeup(&x->tx))
		return;
	sendto(xsk_socket__fd(x->sock), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static int xsk_open(struct xsk *x, const char *ifname, int zc, const char *obj)
{
	struct xsk_socket_config cfg = {
		.rx_size = RING_SIZE,
		.tx_size = RING_SIZE,
		.libxdp_flags = x->sg ? XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD : 0,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = (zc ? XDP_ZEROCOPY : XDP_COPY) | XDP_USE_NEED_WAKEUP |
			      (x->sg ? XDP_USE_SG : 0),
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
	x->ifindex = if_nametoindex(ifname);
	if (x->sg && (err = attach_sg_prog(x, obj)))
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

/* txonly: frame seq as descriptors of at most chunk bytes; false if no room */
static int send_test_frame(struct xsk *x, uint32_t size, uint32_t seq, const uint8_t *to,
			   const uint8_t *from, uint32_t *ndesc)
{
	static uint8_t frame[MAX_PKT];
	uint32_t chunk = x->sg ? SG_CHUNK : size, n = 0, off, lens[MAX_PKT / SG_CHUNK + 1];
	uint64_t addrs[MAX_PKT / SG_CHUNK + 1];

	test_frame_build(frame, size, seq, to, from);
	for (off = 0; off < size; off += chunk, n++) {
		lens[n] = size - off < chunk ? size - off : chunk;
		addrs[n] = frame_get(x);
		if (addrs[n] == UINT64_MAX)
			break;
		memcpy(x->area + addrs[n], frame + off, lens[n]);
	}
	if (off < size || send_descs(x, addrs, lens, n)) {
		while (n--)
			if (addrs[n] != UINT64_MAX)
				frame_put(x, addrs[n]);
		return -1;
	}
	*ndesc += n;
	return 0;
}

int main(int argc, char **argv)
{
	static struct xsk x;
	static uint8_t ref[MAX_PKT], pkt[MAX_PKT];
	uint8_t me[ETH_ALEN], other[ETH_ALEN], *seen;
	uint32_t count, size, intact = 0, corrupt = 0, dup = 0, sent = 0, done = 0;
	uint32_t completed = 0, sent_descs = 0, plen = 0, nparts = 0;
	uint64_t part_addr[MAX_PKT / 64];
	uint32_t part_len[MAX_PKT / 64];
	const char *mode, *how = "copy", *obj = NULL;
	double last;
	int err, zc;

	if (argc < 6 || argc > 8) {
		fprintf(stderr, "usage: xsk_frames rxdrop|txonly|l2fwd|hold IFACE MAC COUNT SIZE\n"
			"       [zc|sg OBJ|zc-sg OBJ]\n");
		return 2;
	}
	libbpf_set_print(print_libbpf);
	mode = argv[1];
	count = strtoul(argv[4], NULL, 0);
	size = strtoul(argv[5], NULL, 0);
	if (argc >= 7)
		how = argv[6];
	zc = !strcmp(how, "zc") || !strcmp(how, "zc-sg");
	x.sg = !strcmp(how, "sg") || !strcmp(how, "zc-sg");
	if (x.sg) {
		if (argc != 8) {
			fprintf(stderr, "xsk_frames: %s needs the object with xsk_redirect_mb\n", how);
			return 2;
		}
		obj = argv[7];
	}
	if (test_parse_mac(argv[3], other) || mac_of(argv[2], me) || size < 60 ||
	    size > (x.sg ? MAX_PKT : FRAME_SIZE - XDP_PACKET_HEADROOM) || !count ||
	    (strcmp(how, "copy") && !zc && !x.sg)) {
		fprintf(stderr, "xsk_frames: bad interface, MAC, count, size or mode\n");
		return 2;
	}
	seen = calloc(count, 1);
	err = seen ? xsk_open(&x, argv[2], zc, obj) : -ENOMEM;
	if (err) {
		fprintf(stderr, "xsk_frames: %s socket on %s queue 0: %s\n",
			how, argv[2], strerror(-err));
		if (x.obj)
			bpf_xdp_detach(x.ifindex, XDP_FLAGS_DRV_MODE, NULL);
		return 1;
	}

	last = test_now();
	while (!strcmp(mode, "hold") && test_now() - last < count) {
		uint32_t idx, n = xsk_ring_cons__peek(&x.rx, BATCH, &idx), i;

		for (i = 0; i < n; i++)
			frame_put(&x, xsk_ring_cons__rx_desc(&x.rx, idx + i)->addr);
		xsk_ring_cons__release(&x.rx, n);
		refill(&x, BATCH);
		usleep(10000);
	}
	while (strcmp(mode, "hold") && done < count && test_now() - last < 20) {
		struct pollfd p = { .fd = xsk_socket__fd(x.sock), .events = POLLIN };
		uint32_t idx, n, i;

		n = reap_tx(&x);
		if (n)
			last = test_now();
		completed += n;
		if (!strcmp(mode, "txonly")) {
			while (sent < count && !send_test_frame(&x, size, sent, other, me,
								&sent_descs))
				sent++;
			kick_tx(&x);
			/* done: every frame's transmission completed */
			done = completed == sent_descs ? sent : 0;
			usleep(1000);
			continue;
		}
		if (xsk_ring_prod__needs_wakeup(&x.fq))
			poll(&p, 1, 100);
		n = xsk_ring_cons__peek(&x.rx, BATCH, &idx);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x.rx, idx + i);
			uint8_t *f = xsk_umem__get_data(x.area, d->addr);
			uint32_t seq, k;

			/* a packet's descriptors, gathered in pkt until the last */
			if (plen + d->len <= sizeof(pkt) &&
			    nparts < sizeof(part_addr) / sizeof(part_addr[0])) {
				memcpy(pkt + plen, f, d->len);
				part_addr[nparts] = d->addr;
				part_len[nparts++] = d->len;
			} else {
				frame_put(&x, d->addr);
				corrupt += !(d->options & XDP_PKT_CONTD);
			}
			plen += d->len;
			if (d->options & XDP_PKT_CONTD)
				continue;
			f = pkt;
			if (plen > sizeof(pkt) || !test_is_frame(f, plen) ||
			    memcmp(f + ETH_ALEN, other, ETH_ALEN)) {
				goto give_back;
			}
			last = test_now();
			seq = test_frame_seq(f);
			test_frame_build(ref, size, seq, me, other);
			if (seq >= count || plen != size || memcmp(f, ref, size)) {
				corrupt++;
				done++;
				goto give_back;
			}
			if (seen[seq]++) {
				dup++;
				goto give_back;
			}
			intact++;
			done++;
			if (!strcmp(mode, "l2fwd")) {
				/* back where it came from: swap the addresses in place */
				f = xsk_umem__get_data(x.area, part_addr[0]);
				memcpy(f, other, ETH_ALEN);
				memcpy(f + ETH_ALEN, me, ETH_ALEN);
				if (!send_descs(&x, part_addr, part_len, nparts)) {
					sent++;
					sent_descs += nparts;
					plen = nparts = 0;
					continue;
				}
			}
give_back:
			for (k = 0; k < nparts; k++)
				frame_put(&x, part_addr[k]);
			plen = nparts = 0;
		}
		xsk_ring_cons__release(&x.rx, n);
		if (sent)
			kick_tx(&x);
		refill(&x, BATCH);
		if (!n)
			usleep(500);
	}
	/* let the last transmissions complete (l2fwd) */
	for (err = 0; err < 400 && completed < sent_descs; err++) {
		uint32_t n = reap_tx(&x);

		completed += n;
		if (!n) {
			kick_tx(&x);
			usleep(5000);
		}
	}
	printf("%s %s (%s): %u intact, %u corrupt, %u duplicate, %u sent (%u descriptors), %u completed, of %u\n",
	       mode, argv[2], how, intact, corrupt, dup, sent, sent_descs, completed, count);
	if (x.obj)
		bpf_xdp_detach(x.ifindex, XDP_FLAGS_DRV_MODE, NULL);
	xsk_socket__delete(x.sock);
	xsk_umem__delete(x.umem);
	if (completed != sent_descs)
		return 1;
	if (!strcmp(mode, "txonly"))
		return sent == count ? 0 : 1;
	if (!strcmp(mode, "hold"))
		return 0;
	return intact == count && !corrupt && !dup ? 0 : 1;
}
