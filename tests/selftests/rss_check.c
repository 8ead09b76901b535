// SPDX-License-Identifier: GPL-2.0
/*
 * RSS checks for rss.sh: which RX queue each flow lands on, and the hash
 * the driver reports for it, against the key, table and hashed fields the
 * driver itself reports over ethtool.
 *
 *   rss_check recv IFACE PORT SECONDS MIN [nohash|noqueue|expect=HASH]
 *       For SECONDS, take every IPv4/IPv6 TCP or UDP packet to PORT that
 *       arrives on IFACE.  One TPACKET_V3 socket per RX queue, joined in a
 *       PACKET_FANOUT_QM group, tells the queue each packet came in on
 *       (the group's members, not its ring numbers: see ring_queue());
 *       TP_FT_REQ_FILL_RXHASH gives skb->hash.  Each packet's hash must be
 *       the Toeplitz hash, computed here from ETHTOOL_GRSSH's key over the
 *       fields ETHTOOL_GRXFH names for its flow type (unless that is the
 *       addresses alone: see check_packet()), and its queue must be the
 *       table entry that hash picks.  With "nohash" (rxhash off) the
 *       hash is not checked, only counted, and the queue still must match
 *       the table; with "noqueue" (the table changes while it runs) only
 *       the hash is checked; with "expect=HASH" every packet must carry
 *       that hash too (a published verification vector).  Fails with
 *       fewer than MIN packets.
 *   rss_check hash IFACE SADDR DADDR SPORT DPORT
 *       Print the Toeplitz hash of that IPv4 4-tuple under IFACE's key.
 *   rss_check send1 SADDR SPORT DADDR DPORT COUNT
 *       COUNT UDP datagrams from SADDR:SPORT to DADDR:DPORT (IPv4).
 *   rss_check send ADDR PORT FLOWS ROUNDS udp|tcp
 *       FLOWS sockets, each on its own source port, each send one UDP
 *       datagram (or open a TCP connection, whose SYN is the packet) to
 *       ADDR:PORT, ROUNDS times.  ADDR may be IPv6, with %scope.
 *
 * Prints one summary line; exit 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <netinet/in.h>

#define MAX_QUEUES	64
#define BLOCK_SIZE	(1 << 16)
#define BLOCK_NR	16
#define FRAME_SIZE	2048

struct rss_cfg {
	uint32_t nqueues;
	uint32_t indir_size;
	uint32_t key_size;
	uint32_t *indir;
	uint8_t *key;
	int ports[4];		/* tcp4, udp4, tcp6, udp6: ports hashed */
};

struct rx_ring {
	int fd;
	uint8_t *map;
	unsigned int block;
};

struct tally {
	unsigned long packets, hash_ok, hash_bad, l3_only, queue_bad, expect_bad;
	unsigned long per_queue[MAX_QUEUES];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/*
 * Toeplitz over in[0..n): for every input bit that is set, fold in the
 * 32 key bits starting at that bit's position.
 */
static uint32_t toeplitz(const uint8_t *key, uint32_t key_size,
			 const uint8_t *in, size_t n)
{
	uint32_t hash = 0, window;
	size_t bit, next = 32;

	window = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
		 (uint32_t)key[2] << 8 | key[3];
	for (bit = 0; bit < n * 8; bit++, next++) {
		if (in[bit / 8] & (0x80 >> (bit % 8)))
			hash ^= window;
		window <<= 1;
		if (next / 8 < key_size && (key[next / 8] & (0x80 >> (next % 8))))
			window |= 1;
	}
	return hash;
}

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static void read_cfg(const char *ifname, struct rss_cfg *c)
{
	static const uint32_t flows[4] = { TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW };
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };
	struct ethtool_rxfh head = { .cmd = ETHTOOL_GRSSH }, *rxfh;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned int i;

	if (fd < 0 || ethtool_ioctl(fd, ifname, &nfc))
		die("ETHTOOL_GRXRINGS");
	c->nqueues = nfc.data;
	if (ethtool_ioctl(fd, ifname, &head))
		die("ETHTOOL_GRSSH sizes");
	rxfh = calloc(1, sizeof(*rxfh) + head.indir_size * 4 + head.key_size);
	if (!rxfh)
		die("calloc");
	*rxfh = head;
	if (ethtool_ioctl(fd, ifname, rxfh))
		die("ETHTOOL_GRSSH");
	c->indir_size = rxfh->indir_size;
	c->key_size = rxfh->key_size;
	c->indir = rxfh->rss_config;
	c->key = (uint8_t *)(rxfh->rss_config + rxfh->indir_size);
	if (!c->indir_size || c->key_size < 4 || c->nqueues > MAX_QUEUES) {
		fprintf(stderr, "rss_check: %u queues, table %u, key %u: nothing to check\n",
			c->nqueues, c->indir_size, c->key_size);
		exit(2);
	}
	for (i = 0; i < 4; i++) {
		nfc = (struct ethtool_rxnfc){ .cmd = ETHTOOL_GRXFH, .flow_type = flows[i] };
		if (ethtool_ioctl(fd, ifname, &nfc))
			die("ETHTOOL_GRXFH");
		c->ports[i] = !!(nfc.data & (RXH_L4_B_0_1 | RXH_L4_B_2_3));
	}
	close(fd);
}

static void open_ring(struct rx_ring *r, int ifindex, int group)
{
	/* drop everything until every queue's socket is in the group */
	struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &reject };
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCK_NR,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR,
		.tp_retire_blk_tov = 10,
		.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int v = TPACKET_V3, fanout = group | PACKET_FANOUT_QM << 16;

	r->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (r->fd < 0)
		die("socket AF_PACKET");
	if (setsockopt(r->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		die("setsockopt TPACKET_V3 ring");
	r->map = mmap(NULL, BLOCK_SIZE * BLOCK_NR, PROT_READ | PROT_WRITE,
		      MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED)
		die("mmap ring");
	r->block = 0;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)))
		die("PACKET_FANOUT_QM");
}

/*
 * The hash input for one packet at its L3 header, or 0 if it is not a
 * TCP or UDP packet to port: addresses, then ports when hashed.
 */
static size_t hash_input(const struct rss_cfg *c, const uint8_t *l3,
			 size_t len, uint16_t port, uint8_t *in)
{
	size_t alen, l4;
	uint8_t proto;
	int v6, tcp;

	if (len < 20)
		return 0;
	v6 = (l3[0] >> 4) == 6;
	if (v6) {
		if (len < 40)
			return 0;
		proto = l3[6];
		alen = 16;
		memcpy(in, l3 + 8, 32);
		l4 = 40;
	} else if ((l3[0] >> 4) == 4) {
		/* a fragment has no ports to hash or to match */
		if (l3[6] & 0x3f || l3[7])
			return 0;
		proto = l3[9];
		alen = 4;
		memcpy(in, l3 + 12, 8);
		l4 = (l3[0] & 0xf) * 4;
	} else {
		return 0;
	}
	if ((proto != IPPROTO_TCP && proto != IPPROTO_UDP) || len < l4 + 4)
		return 0;
	if (((uint16_t)l3[l4 + 2] << 8 | l3[l4 + 3]) != port)
		return 0;
	tcp = proto == IPPROTO_TCP;
	if (!c->ports[2 * v6 + !tcp])
		return 2 * alen;
	memcpy(in + 2 * alen, l3 + l4, 4);
	return 2 * alen + 4;
}

static int64_t expect_hash = -1;	/* recv's expect=HASH, or -1 */

static void check_packet(const struct rss_cfg *c, unsigned int queue,
			 const struct tpacket3_hdr *h, uint16_t port,
			 int nohash, int noqueue, struct tally *t)
{
	const uint8_t *frame = (const uint8_t *)h + h->tp_mac;
	const struct sockaddr_ll *sll;
	uint8_t in[36];
	uint32_t want, wq;
	size_t n;

	sll = (const void *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	if (sll->sll_pkttype == PACKET_OUTGOING || h->tp_snaplen < ETH_HLEN)
		return;
	n = hash_input(c, frame + ETH_HLEN, h->tp_snaplen - ETH_HLEN, port, in);
	if (!n)
		return;
	t->packets++;
	t->per_queue[queue]++;
	want = toeplitz(c->key, c->key_size, in, n);
	/* the queue follows the device's hash, whatever the skb carries */
	wq = c->indir[want % c->indir_size];
	/*
	 * An address-only hash reaches the skb as PKT_HASH_TYPE_L3, which
	 * skb_get_hash() (and so tp_rxhash) replaces with the stack's own
	 * flow hash: only the queue tells what the device did with it.
	 */
	if (n == 8 || n == 32)
		t->l3_only++;
	else if (h->hv1.tp_rxhash == want)
		t->hash_ok++;
	else
		t->hash_bad++;
	if (wq != queue && !noqueue)
		t->queue_bad++;
	if (expect_hash >= 0 && h->hv1.tp_rxhash != expect_hash) {
		t->expect_bad++;
		fprintf(stderr, "rss_check: hash %08x, the vector says %08x\n",
			h->hv1.tp_rxhash, (uint32_t)expect_hash);
	}
	if (((wq != queue && !noqueue) ||
	     (!nohash && n != 8 && n != 32 && h->hv1.tp_rxhash != want)) &&
	    t->hash_bad + t->queue_bad <= 3)
		fprintf(stderr, "rss_check: %zu-byte input, hash %08x (want %08x), queue %u (want %u)\n",
			n, h->hv1.tp_rxhash, want, queue, wq);
}

static void drain(const struct rss_cfg *c, struct rx_ring *r, unsigned int queue,
		  uint16_t port, int nohash, int noqueue, struct tally *t)
{
	for (;;) {
		struct tpacket_block_desc *bd = (void *)(r->map + r->block * BLOCK_SIZE);
		const struct tpacket3_hdr *h;
		uint32_t i;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return;
		h = (const void *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < bd->hdr.bh1.num_pkts; i++) {
			check_packet(c, queue, h, port, nohash, noqueue, t);
			h = (const void *)((const uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		r->block = (r->block + 1) % BLOCK_NR;
	}
}

/*
 * PACKET_FANOUT_QM picks member skb->queue_mapping % members, and on
 * receive queue_mapping is the RX queue plus one (skb_record_rx_queue):
 * member m holds queue m - 1.
 */
static unsigned int ring_queue(unsigned int member, unsigned int nqueues)
{
	return (member + nqueues - 1) % nqueues;
}

static int do_recv(const char *ifname, uint16_t port, double secs,
		   unsigned long min, int nohash, int noqueue)
{
	static struct rx_ring rings[MAX_QUEUES];
	struct pollfd pfd[MAX_QUEUES];
	struct tally t = { 0 };
	struct rss_cfg c;
	int ifindex = if_nametoindex(ifname), ok;
	unsigned int q, used = 0;
	double end;

	if (!ifindex)
		die(ifname);
	read_cfg(ifname, &c);
	for (q = 0; q < c.nqueues; q++) {
		open_ring(&rings[q], ifindex, getpid() & 0xffff);
		pfd[q] = (struct pollfd){ .fd = rings[q].fd, .events = POLLIN };
	}
	for (q = 0; q < c.nqueues; q++) {
		int unused = 0;	/* the socket layer wants an int's worth */

		if (setsockopt(rings[q].fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof(unused)))
			die("SO_DETACH_FILTER");
	}
	/* the caller starts its traffic once this line is out */
	printf("rss_check: listening on %u queues\n", c.nqueues);
	fflush(stdout);
	end = now() + secs;
	while (now() < end) {
		poll(pfd, c.nqueues, 50);
		for (q = 0; q < c.nqueues; q++)
			drain(&c, &rings[q], ring_queue(q, c.nqueues), port, nohash, noqueue, &t);
	}
	for (q = 0; q < c.nqueues; q++)
		drain(&c, &rings[q], ring_queue(q, c.nqueues), port, nohash, noqueue, &t);

	printf("rss_check: %lu packets, hash matches %lu, mismatches %lu, address-only %lu, wrong queue %lu; per queue:",
	       t.packets, t.hash_ok, t.hash_bad, t.l3_only, t.queue_bad);
	for (q = 0; q < c.nqueues; q++) {
		printf(" %lu", t.per_queue[q]);
		used += t.per_queue[q] > 0;
	}
	printf(" (%u used); ports hashed tcp4 %d udp4 %d tcp6 %d udp6 %d\n",
	       used, c.ports[0], c.ports[1], c.ports[2], c.ports[3]);
	ok = t.packets >= min && !t.queue_bad && !t.expect_bad && (nohash || !t.hash_bad);
	return ok ? 0 : 1;
}

static int do_send(const char *addr, const char *port, unsigned int flows,
		   unsigned int rounds, int tcp)
{
	struct addrinfo hints = { .ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM };
	struct addrinfo *ai;
	unsigned int r, f, sent = 0;
	int fd;

	if (getaddrinfo(addr, port, &hints, &ai))
		die("getaddrinfo");
	for (r = 0; r < rounds; r++) {
		for (f = 0; f < flows; f++) {
			fd = socket(ai->ai_family, ai->ai_socktype | (tcp ? SOCK_NONBLOCK : 0), 0);
			if (fd < 0)
				die("socket");
			/* each socket has its own ephemeral source port */
			if (tcp) {
				if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
					die("connect");
			} else if (sendto(fd, "rss", 3, 0, ai->ai_addr, ai->ai_addrlen) != 3) {
				die("sendto");
			}
			sent++;
			/* connect() sends the SYN itself; the pause keeps rings unfilled */
			usleep(500);
			close(fd);
		}
	}
	freeaddrinfo(ai);
	printf("rss_check: sent %u %s packets to %s port %s\n", sent, tcp ? "TCP" : "UDP",
	       addr, port);
	return 0;
}

static void usage(void);

static int do_hash(const char *ifname, const char *saddr, const char *daddr,
		   const char *sport, const char *dport)
{
	uint8_t in[12];
	uint16_t sp = htons(atoi(sport)), dp = htons(atoi(dport));
	struct rss_cfg c;

	read_cfg(ifname, &c);
	if (inet_pton(AF_INET, saddr, in) != 1 || inet_pton(AF_INET, daddr, in + 4) != 1)
		usage();
	memcpy(in + 8, &sp, 2);
	memcpy(in + 10, &dp, 2);
	printf("%u\n", toeplitz(c.key, c.key_size, in, sizeof(in)));
	return 0;
}

static int do_send1(const char *saddr, const char *sport, const char *daddr,
		    const char *dport, unsigned int count)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(atoi(sport)) };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(dport)) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	unsigned int i;

	if (fd < 0 || inet_pton(AF_INET, saddr, &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, daddr, &dst.sin_addr) != 1)
		usage();
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)))
		die("bind");
	for (i = 0; i < count; i++) {
		if (sendto(fd, "rss", 3, 0, (struct sockaddr *)&dst, sizeof(dst)) != 3)
			die("sendto");
		usleep(500);
	}
	close(fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: rss_check recv IFACE PORT SECONDS MIN [nohash|noqueue]\n"
			"       rss_check hash IFACE SADDR DADDR SPORT DPORT\n"
			"       rss_check send1 SADDR SPORT DADDR DPORT COUNT\n"
			"       rss_check send ADDR PORT FLOWS ROUNDS udp|tcp\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "recv")) {
		const char *opt = argc > 6 ? argv[6] : "";

		if (!strncmp(opt, "expect=", 7))
			expect_hash = strtoll(opt + 7, NULL, 0);

		return do_recv(argv[2], atoi(argv[3]), atof(argv[4]), strtoul(argv[5], NULL, 0),
			       !strcmp(opt, "nohash"), !strcmp(opt, "noqueue"));
	}
	if (argc == 7 && !strcmp(argv[1], "send1"))
		return do_send1(argv[2], argv[3], argv[4], argv[5], atoi(argv[6]));
	if (argc == 7 && !strcmp(argv[1], "hash"))
		return do_hash(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 7 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]),
			       !strcmp(argv[6], "tcp"));
	usage();
	return 2;
}
