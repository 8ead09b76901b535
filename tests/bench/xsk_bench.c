// SPDX-License-Identifier: GPL-2.0
/*
 * AF_XDP packet rate for scripts/bench.sh: one XSK socket on queue 0 of a
 * port (libxdp's xsk API and its default program, which redirects the
 * queue's frames to the socket), counting frames for SECS seconds from
 * the first one received.
 *
 *   xsk_bench rxdrop IFACE SECS [zc]  take every frame and drop it (its
 *       umem frame goes straight back to the fill ring)
 *   xsk_bench l2fwd IFACE SECS [zc]   send every frame back out of the
 *       same queue with its MAC addresses swapped
 *
 * Copy mode (XDP_COPY) unless "zc" asks for zero-copy (XDP_ZEROCOPY); a
 * bind that fails exits 1 with the reason, so the caller can retry in
 * copy mode.  Nothing is checked: tests/selftests/xsk_frames.c is the
 * test.  Once bound it says so on stderr; at the end one line on stdout:
 *
 *   MODE IFACE zc|copy rx=N tx=N secs=S pps=P
 *
 * rx: frames received; tx: frames whose transmission completed (l2fwd);
 * pps: rx (rxdrop) or tx (l2fwd) per second.  Exits 1 if no frame came
 * within 30 s.  SIGINT or SIGTERM end the run early (the socket and
 * program are removed either way).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

/*
 * As many umem frames as the fill ring holds: every frame is then in
 * exactly one ring, so a ring being returned to always has room.
 */
#define NUM_FRAMES	XSK_RING_PROD__DEFAULT_NUM_DESCS
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH		64
#define FIRST_FRAME_WAIT 30.0

struct xsk_port {
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	void *area;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* libxdp's loader is chatty (libbpf info lines): warnings only */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* Give ADDRS[0..n) to the fill ring; by the frame count it has room. */
static void fill(struct xsk_port *p, const __u64 *addrs, __u32 n)
{
	__u32 idx, i;

	while (xsk_ring_prod__reserve(&p->fq, n, &idx) != n)
		;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&p->fq, idx + i) = addrs[i];
	xsk_ring_prod__submit(&p->fq, n);
}

static int port_open(struct xsk_port *p, const char *ifname, int zc)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = (zc ? XDP_ZEROCOPY : XDP_COPY) |
			      XDP_USE_NEED_WAKEUP,
	};
	size_t len = (size_t)NUM_FRAMES * FRAME_SIZE;
	__u32 idx = 0, i;
	int err;

	p->area = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->area == MAP_FAILED)
		return -errno;
	err = xsk_umem__create(&p->umem, p->area, len, &p->fq, &p->cq, NULL);
	if (err)
		return err;
	err = xsk_socket__create(&p->sock, ifname, 0, p->umem, &p->rx, &p->tx,
				 &cfg);
	if (err) {
		xsk_umem__delete(p->umem);
		return err;
	}
	/* every frame to the fill ring */
	xsk_ring_prod__reserve(&p->fq, NUM_FRAMES, &idx);
	for (i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&p->fq, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&p->fq, NUM_FRAMES);
	return 0;
}

static void port_close(struct xsk_port *p)
{
	xsk_socket__delete(p->sock);
	xsk_umem__delete(p->umem);
}

/* Completed transmissions: their frames go back to the fill ring. */
static __u32 reap_tx(struct xsk_port *p)
{
	__u64 addrs[BATCH];
	__u32 idx, n, i;

	n = xsk_ring_cons__peek(&p->cq, BATCH, &idx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		addrs[i] = *xsk_ring_cons__comp_addr(&p->cq, idx + i);
	xsk_ring_cons__release(&p->cq, n);
	fill(p, addrs, n);
	return n;
}

static void kick_tx(struct xsk_port *p)
{
	if (xsk_ring_prod__needs_wakeup(&p->tx))
		sendto(xsk_socket__fd(p->sock), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static void swap_macs(__u8 *f)
{
	__u8 tmp[ETH_ALEN];

	memcpy(tmp, f, ETH_ALEN);
	memcpy(f, f + ETH_ALEN, ETH_ALEN);
	memcpy(f + ETH_ALEN, tmp, ETH_ALEN);
}

/*
 * One batch from the RX ring: dropped (back to the fill ring) or put on
 * the TX ring with the addresses swapped.  Frames the TX ring has no room
 * for are dropped.  Returns the number received.
 */
static __u32 rx_batch(struct xsk_port *p, int forward, __u64 *queued)
{
	__u64 addrs[BATCH];
	__u32 idx, n, i, tx_idx = 0, ntx = 0;

	n = xsk_ring_cons__peek(&p->rx, BATCH, &idx);
	if (!n)
		return 0;
	if (forward)
		ntx = xsk_ring_prod__reserve(&p->tx, n, &tx_idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&p->rx, idx + i);
		struct xdp_desc *t;

		if (i >= ntx) {
			addrs[i - ntx] = d->addr;
			continue;
		}
		swap_macs(xsk_umem__get_data(p->area, d->addr));
		t = xsk_ring_prod__tx_desc(&p->tx, tx_idx + i);
		t->addr = d->addr;
		t->len = d->len;
	}
	xsk_ring_cons__release(&p->rx, n);
	if (ntx) {
		xsk_ring_prod__submit(&p->tx, ntx);
		*queued += ntx;
	}
	if (n > ntx)
		fill(p, addrs, n - ntx);
	return n;
}

int main(int argc, char **argv)
{
	static struct xsk_port p;
	__u64 rx = 0, tx = 0;
	__u64 queued = 0;	/* on the TX ring, not completed yet */
	double secs, start = 0, end, t;
	const char *mode, *ifname;
	int forward, zc, err;

	if (argc < 4 || argc > 5 || (strcmp(argv[1], "rxdrop") &&
				     strcmp(argv[1], "l2fwd")) ||
	    (argc == 5 && strcmp(argv[4], "zc"))) {
		fprintf(stderr, "usage: xsk_bench rxdrop|l2fwd IFACE SECS [zc]\n");
		return 2;
	}
	mode = argv[1];
	ifname = argv[2];
	secs = strtod(argv[3], NULL);
	forward = !strcmp(mode, "l2fwd");
	zc = argc == 5;
	if (secs <= 0) {
		fprintf(stderr, "xsk_bench: SECS must be positive\n");
		return 2;
	}
	libbpf_set_print(print_libbpf);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	err = port_open(&p, ifname, zc);
	if (err) {
		fprintf(stderr, "xsk_bench: %s socket on %s queue 0: %s\n",
			zc ? "zero-copy" : "copy", ifname, strerror(-err));
		return 1;
	}
	fprintf(stderr, "xsk_bench: bound to %s queue 0 (%s)\n", ifname,
		zc ? "zero-copy" : "copy");

	end = now() + FIRST_FRAME_WAIT;
	while (!stop && (t = now()) < end) {
		struct pollfd pfd = {
			.fd = xsk_socket__fd(p.sock),
			.events = POLLIN,
		};
		__u32 n;

		if (forward) {
			n = reap_tx(&p);
			tx += n;
			queued -= n;
		}
		n = rx_batch(&p, forward, &queued);
		if (n && !start) {
			start = t;
			end = start + secs;
		}
		rx += n;
		/* copy mode sends a few dozen frames per call: kick until
		 * the ring is drained, not once per batch
		 */
		if (queued)
			kick_tx(&p);
		/* Nothing came: sleep in poll (which also wakes the driver's
		 * fill-ring processing) rather than spin beside NAPI.
		 */
		if (!n)
			poll(&pfd, 1, 10);
	}
	/* frames still in flight complete outside the window, uncounted */
	t = now();
	port_close(&p);

	if (!start) {
		fprintf(stderr, "xsk_bench: no frame on %s queue 0 in %.0f s\n",
			ifname, FIRST_FRAME_WAIT);
		return 1;
	}
	secs = t - start;
	printf("%s %s %s rx=%llu tx=%llu secs=%.3f pps=%.0f\n", mode, ifname,
	       zc ? "zc" : "copy", (unsigned long long)rx,
	       (unsigned long long)tx, secs,
	       (forward ? tx : rx) / (secs > 0 ? secs : 1));
	return 0;
}
