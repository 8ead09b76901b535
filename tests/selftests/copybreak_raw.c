// SPDX-License-Identifier: GPL-2.0
/*
 * Copybreak boundaries with frames of exact sizes.  An AF_PACKET socket on
 * the local port sends frames of N bytes (Ethernet header included, which
 * is what the driver compares with its tunable) to the remote port in
 * netns "peer"; the local tx_copybreak and the remote rx_copybreak counters
 * say which path each size took.
 *
 * Background traffic (ARP, IPv6 neighbour discovery) also moves these
 * counters, so every size is sent BURST times: a copied size must move the
 * counter by at least BURST, a mapped one by less than BURST / 2.
 *
 * Needs the pair of tests/vm/lib.sh: eth0 here, eth1 in netns "peer".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define BURST		64
#define ETH_P_TEST	0x88b5	/* IEEE 802 local experimental */
#define TX_CB_MAX	512

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static int eth_ioctl(int fd, const char *dev, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int set_tunable(int fd, const char *dev, __u32 id, __u32 val)
{
	struct {
		struct ethtool_tunable t;
		__u32 v;
	} req = { .t = { .cmd = ETHTOOL_STUNABLE, .id = id,
			 .type_id = ETHTOOL_TUNABLE_U32, .len = sizeof(__u32) },
		  .v = val };

	return eth_ioctl(fd, dev, &req);
}

static int get_tunable(int fd, const char *dev, __u32 id, __u32 *val)
{
	struct {
		struct ethtool_tunable t;
		__u32 v;
	} req = { .t = { .cmd = ETHTOOL_GTUNABLE, .id = id,
			 .type_id = ETHTOOL_TUNABLE_U32, .len = sizeof(__u32) } };
	int ret = eth_ioctl(fd, dev, &req);

	*val = req.v;
	return ret;
}

/* Counter NAME of DEV, or -1. */
static long long stat_of(int fd, const char *dev, const char *name)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_stats *st = NULL;
	long long v = -1;
	__u32 i;

	if (eth_ioctl(fd, dev, &info) || !info.hdr.sset_mask)
		return -1;
	gs = calloc(1, sizeof(*gs) + info.len * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + info.len * sizeof(__u64));
	if (!gs || !st)
		goto out;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = info.len;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = info.len;
	if (eth_ioctl(fd, dev, gs) || eth_ioctl(fd, dev, st))
		goto out;
	for (i = 0; i < info.len; i++)
		if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN, name, ETH_GSTRING_LEN))
			v = st->data[i];
out:
	free(gs);
	free(st);
	return v;
}

FIXTURE(pair)
{
	const char *lif, *rif;
	int lfd, rfd, pfd;	/* ioctl sockets here and in the peer, packet socket */
	unsigned char lmac[ETH_ALEN], rmac[ETH_ALEN];
	int ifindex;
	__u32 tx_cb, rx_cb;	/* tunables to restore */
};

FIXTURE_SETUP(pair)
{
	const char *ns = env_or("PEER_NS", "peer");
	struct sockaddr_ll sll;
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	char path[128];
	int home, peer;

	self->lif = env_or("LOCAL_IF", "eth0");
	self->rif = env_or("REMOTE_IF", "eth1");
	self->lfd = self->rfd = self->pfd = -1;

	/* A socket made inside the peer namespace stays bound to it. */
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	peer = open(path, O_RDONLY);
	if (peer < 0)
		SKIP(return, "no netns %s (run tests/vm/lib.sh pair_setup)", ns);
	home = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, home);
	ASSERT_EQ(0, setns(peer, CLONE_NEWNET));
	self->rfd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	close(peer);
	close(home);
	ASSERT_LE(0, self->rfd);
	self->lfd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->lfd);

	if (eth_ioctl(self->lfd, self->lif, &di) || strcmp(di.driver, "sgnic"))
		SKIP(return, "%s is not an sgnic port", self->lif);

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, self->lif, IFNAMSIZ - 1);
	ASSERT_EQ(0, ioctl(self->lfd, SIOCGIFHWADDR, &ifr));
	memcpy(self->lmac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	ASSERT_EQ(0, ioctl(self->lfd, SIOCGIFINDEX, &ifr));
	self->ifindex = ifr.ifr_ifindex;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, self->rif, IFNAMSIZ - 1);
	ASSERT_EQ(0, ioctl(self->rfd, SIOCGIFHWADDR, &ifr));
	memcpy(self->rmac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);

	self->pfd = socket(AF_PACKET, SOCK_RAW, 0);
	ASSERT_LE(0, self->pfd);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = self->ifindex;
	sll.sll_protocol = 0;	/* send only */
	ASSERT_EQ(0, bind(self->pfd, (struct sockaddr *)&sll, sizeof(sll)));

	ASSERT_EQ(0, get_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, &self->tx_cb));
	ASSERT_EQ(0, get_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, &self->rx_cb));
}

FIXTURE_TEARDOWN(pair)
{
	if (self->lfd >= 0) {
		set_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, self->tx_cb);
		close(self->lfd);
	}
	if (self->rfd >= 0) {
		set_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, self->rx_cb);
		close(self->rfd);
	}
	if (self->pfd >= 0)
		close(self->pfd);
}

struct deltas {
	long long tx_copied, rx_copied, rx_frames;
};

/* Send BURST frames of LEN bytes; the counters' growth once they arrived. */
static int burst(struct _test_data_pair *self, unsigned int len, struct deltas *d)
{
	long long tx0 = stat_of(self->lfd, self->lif, "tx_copybreak");
	long long rx0 = stat_of(self->rfd, self->rif, "rx_copybreak");
	long long rp0 = stat_of(self->rfd, self->rif, "rx_packets");
	unsigned char frame[ETH_FRAME_LEN + 64];
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	if (tx0 < 0 || rx0 < 0 || rp0 < 0 || len > sizeof(frame) || len < ETH_HLEN)
		return -1;
	memcpy(frame, self->rmac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, self->lmac, ETH_ALEN);
	frame[12] = ETH_P_TEST >> 8;
	frame[13] = ETH_P_TEST & 0xff;
	for (i = ETH_HLEN; i < (int)len; i++)
		frame[i] = i;
	for (i = 0; i < BURST; i++) {
		if (send(self->pfd, frame, len, 0) != (ssize_t)len)
			return -1;
		if (i % 8 == 7)
			nanosleep(&ts, NULL);	/* stay within the RX ring */
	}
	/* Wait (up to 3 s) for the peer to have received the burst. */
	for (i = 0; i < 300; i++) {
		d->rx_frames = stat_of(self->rfd, self->rif, "rx_packets") - rp0;
		if (d->rx_frames >= BURST)
			break;
		nanosleep(&ts, NULL);
	}
	d->tx_copied = stat_of(self->lfd, self->lif, "tx_copybreak") - tx0;
	d->rx_copied = stat_of(self->rfd, self->rif, "rx_copybreak") - rx0;
	return 0;
}

#define EXPECT_COPIED(n)	EXPECT_LE(BURST, n)
#define EXPECT_MAPPED(n)	EXPECT_GT(BURST / 2, n)

/* Default tunables (256): 255 and 256 are copied both ways, 257 is not. */
TEST_F(pair, boundary_255_256_257)
{
	static const unsigned int sizes[] = { 255, 256, 257 };
	struct deltas d;
	size_t i;

	ASSERT_EQ(0, set_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, 256));
	ASSERT_EQ(0, set_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, 256));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(0, burst(self, sizes[i], &d));
		TH_LOG("%u bytes: tx_copybreak +%lld, rx_copybreak +%lld, rx_packets +%lld",
		       sizes[i], d.tx_copied, d.rx_copied, d.rx_frames);
		EXPECT_LE(BURST, d.rx_frames);
		if (sizes[i] <= 256) {
			EXPECT_COPIED(d.tx_copied);
			EXPECT_COPIED(d.rx_copied);
		} else {
			EXPECT_MAPPED(d.tx_copied);
			EXPECT_MAPPED(d.rx_copied);
		}
	}
}

/* Tunables at 0: nothing is copied, not even a minimum-size frame. */
TEST_F(pair, tunable_zero)
{
	struct deltas d;

	ASSERT_EQ(0, set_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, 0));
	ASSERT_EQ(0, set_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, 0));
	ASSERT_EQ(0, burst(self, 60, &d));
	TH_LOG("60 bytes: tx_copybreak +%lld, rx_copybreak +%lld", d.tx_copied, d.rx_copied);
	EXPECT_LE(BURST, d.rx_frames);
	EXPECT_MAPPED(d.tx_copied);
	EXPECT_MAPPED(d.rx_copied);
}

/* TX tunable at its maximum (one staging slot): 512 copied, 513 mapped. */
TEST_F(pair, tx_tunable_max)
{
	struct deltas d;

	ASSERT_EQ(0, set_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, TX_CB_MAX));
	EXPECT_EQ(-EINVAL, set_tunable(self->lfd, self->lif, ETHTOOL_TX_COPYBREAK, TX_CB_MAX + 1));
	ASSERT_EQ(0, burst(self, TX_CB_MAX, &d));
	EXPECT_COPIED(d.tx_copied);
	ASSERT_EQ(0, burst(self, TX_CB_MAX + 1, &d));
	EXPECT_MAPPED(d.tx_copied);
	EXPECT_LE(BURST, d.rx_frames);
}

/* RX tunable high: a full 1514-byte frame is copied on receive. */
TEST_F(pair, rx_tunable_high)
{
	struct deltas d;

	ASSERT_EQ(0, set_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, ETH_FRAME_LEN));
	ASSERT_EQ(0, burst(self, ETH_FRAME_LEN, &d));
	EXPECT_COPIED(d.rx_copied);
	ASSERT_EQ(0, set_tunable(self->rfd, self->rif, ETHTOOL_RX_COPYBREAK, ETH_FRAME_LEN - 1));
	ASSERT_EQ(0, burst(self, ETH_FRAME_LEN, &d));
	EXPECT_MAPPED(d.rx_copied);
	EXPECT_LE(BURST, d.rx_frames);
}

TEST_HARNESS_MAIN
