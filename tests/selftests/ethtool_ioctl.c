// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic ethtool operations through the legacy SIOCETHTOOL ioctl, on the
 * kselftest harness.  Every setter gets valid values (they must stick) and
 * invalid ones (they must fail with the right errno and change nothing).
 * The ethtool command line uses netlink for most of these; this is the
 * other entry into the same driver callbacks.
 *
 * Runs in the guest against $SGNIC_IF (default eth0), which must be up.
 * Built with kselftest_harness.h from Debian's linux-source-6.12
 * (scripts/kselftest-src.sh unpacks it into the cache).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sgnic_hw.h"

/* Limits of the driver's interface (kernel-driver/sgnic.h, sgnic_ethtool.c). */
#define TX_RING_MIN		(2 * SGNIC_HW_MAX_CHAIN)
#define TX_COPYBREAK_MAX	512
#define N_PRIV_FLAGS		2
#define N_SELF_TESTS		6
#define REGS_LEN		(SGNIC_REG_GLOBAL_END + SGNIC_NUM_CHANS * SGNIC_CHAN_STRIDE)

/*
 * The RX copybreak limit is one RX buffer: a page less the headroom
 * (NET_SKB_PAD, 64 on x86-64) and the aligned skb_shared_info (320 bytes
 * in 6.12).
 */
static unsigned int rx_copybreak_max(void)
{
	return sysconf(_SC_PAGESIZE) - 64 - 320;
}

static const char *ifname(void)
{
	const char *n = getenv("SGNIC_IF");

	return n && *n ? n : "eth0";
}

/* One SIOCETHTOOL call: 0 or -errno. */
static int eth_ioctl(int fd, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname(), IFNAMSIZ - 1);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int get_tunable(int fd, __u32 id, __u32 *val)
{
	struct {
		struct ethtool_tunable t;
		__u32 v;
	} req = { .t = { .cmd = ETHTOOL_GTUNABLE, .id = id,
			 .type_id = ETHTOOL_TUNABLE_U32, .len = sizeof(__u32) } };
	int ret = eth_ioctl(fd, &req);

	*val = req.v;
	return ret;
}

static int set_tunable(int fd, __u32 id, __u32 val)
{
	struct {
		struct ethtool_tunable t;
		__u32 v;
	} req = { .t = { .cmd = ETHTOOL_STUNABLE, .id = id,
			 .type_id = ETHTOOL_TUNABLE_U32, .len = sizeof(__u32) },
		  .v = val };

	return eth_ioctl(fd, &req);
}

/* The index of string NAME in set SSET, or -1; *count gets the set size. */
static int string_index(int fd, __u32 sset, const char *name, __u32 *count)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << sset } };
	struct ethtool_gstrings *gs;
	int i, found = -1;

	if (eth_ioctl(fd, &info) || !info.hdr.sset_mask)
		return -1;
	*count = info.len;
	gs = calloc(1, sizeof(*gs) + info.len * ETH_GSTRING_LEN);
	if (!gs)
		return -1;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = sset;
	gs->len = info.len;
	if (!eth_ioctl(fd, gs)) {
		for (i = 0; i < (int)info.len; i++) {
			if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN, name,
				     ETH_GSTRING_LEN)) {
				found = i;
				break;
			}
		}
	}
	free(gs);
	return found;
}

FIXTURE(dev)
{
	int fd;
	struct ethtool_ringparam ring;
	struct ethtool_channels ch;
	struct ethtool_coalesce co;
	struct ethtool_value pflags;
	__u32 tx_copybreak, rx_copybreak;
};

FIXTURE_SETUP(dev)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };

	self->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(self->fd, 0);
	if (eth_ioctl(self->fd, &di) || strcmp(di.driver, "sgnic"))
		SKIP(return, "%s is not an sgnic port", ifname());

	/* What every test must leave as it found it. */
	self->ring.cmd = ETHTOOL_GRINGPARAM;
	ASSERT_EQ(0, eth_ioctl(self->fd, &self->ring));
	self->ch.cmd = ETHTOOL_GCHANNELS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &self->ch));
	self->co.cmd = ETHTOOL_GCOALESCE;
	ASSERT_EQ(0, eth_ioctl(self->fd, &self->co));
	self->pflags.cmd = ETHTOOL_GPFLAGS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &self->pflags));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_TX_COPYBREAK, &self->tx_copybreak));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_RX_COPYBREAK, &self->rx_copybreak));
}

FIXTURE_TEARDOWN(dev)
{
	struct ethtool_ringparam ring = { .cmd = ETHTOOL_GRINGPARAM };
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };

	if (self->fd < 0)
		return;
	/* Only what differs: a reconfiguration restarts the rings. */
	if (!eth_ioctl(self->fd, &ring) &&
	    (ring.tx_pending != self->ring.tx_pending ||
	     ring.rx_pending != self->ring.rx_pending)) {
		self->ring.cmd = ETHTOOL_SRINGPARAM;
		eth_ioctl(self->fd, &self->ring);
	}
	if (!eth_ioctl(self->fd, &ch) && ch.combined_count != self->ch.combined_count) {
		self->ch.cmd = ETHTOOL_SCHANNELS;
		eth_ioctl(self->fd, &self->ch);
	}
	self->co.cmd = ETHTOOL_SCOALESCE;
	eth_ioctl(self->fd, &self->co);
	self->pflags.cmd = ETHTOOL_SPFLAGS;
	eth_ioctl(self->fd, &self->pflags);
	set_tunable(self->fd, ETHTOOL_TX_COPYBREAK, self->tx_copybreak);
	set_tunable(self->fd, ETHTOOL_RX_COPYBREAK, self->rx_copybreak);
	close(self->fd);
}

TEST_F(dev, drvinfo)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };

	ASSERT_EQ(0, eth_ioctl(self->fd, &di));
	EXPECT_STREQ("sgnic", di.driver);
	EXPECT_STREQ("1.0", di.fw_version);
	EXPECT_NE(0, strlen(di.bus_info));
	EXPECT_EQ(N_PRIV_FLAGS, di.n_priv_flags);
	EXPECT_EQ(N_SELF_TESTS, di.testinfo_len);
	EXPECT_EQ(REGS_LEN, di.regdump_len);
	EXPECT_LT(50, di.n_stats);
}

/* Every error and fallback path has its own counter, readable by name. */
TEST_F(dev, stat_names)
{
	static const char * const names[] = {
		"chan_resets", "watchdog_kicks", "watchdog_halts", "tx_timeouts", "link_changes",
		"hw_irqs_lost", "hw_writebacks", "tx_packets", "tx_stop",
		"tx_wake", "tx_copybreak", "tx_linearized",
		"tx_drop_too_fragmented", "tx_drop_too_many_transfers",
		"tx_drop_no_resources", "tx_map_err", "tx_residual",
		"tx_dev_refused", "rx_packets", "rx_copybreak", "rx_multi_buf",
		"tx0_packets", "rx0_packets",
	};
	struct ethtool_stats *st;
	__u32 count = 0;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int idx = string_index(self->fd, ETH_SS_STATS, names[i], &count);

		if (idx < 0)
			TH_LOG("no counter %s", names[i]);
		EXPECT_LE(0, idx);
	}
	st = calloc(1, sizeof(*st) + count * sizeof(__u64));
	ASSERT_NE(NULL, st);
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = count;
	ASSERT_EQ(0, eth_ioctl(self->fd, st));
	EXPECT_EQ(count, st->n_stats);
	free(st);
}

TEST_F(dev, priv_flag_names)
{
	__u32 n;

	EXPECT_EQ(0, string_index(self->fd, ETH_SS_PRIV_FLAGS, "single-transfer", &n));
	EXPECT_EQ(1, string_index(self->fd, ETH_SS_PRIV_FLAGS, "completion-writeback", &n));
	EXPECT_EQ(N_PRIV_FLAGS, n);
}

TEST_F(dev, link)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GLINK };
	struct {
		struct ethtool_link_settings s;
		__u32 masks[3 * 127];
	} ls;

	ASSERT_EQ(0, eth_ioctl(self->fd, &v));
	if (!v.data)
		SKIP(return, "%s has no carrier", ifname());
	/* Handshake first: the kernel says how many mask words it has. */
	memset(&ls, 0, sizeof(ls));
	ls.s.cmd = ETHTOOL_GLINKSETTINGS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &ls));
	ASSERT_GT(0, ls.s.link_mode_masks_nwords);
	ls.s.link_mode_masks_nwords = -ls.s.link_mode_masks_nwords;
	ASSERT_EQ(0, eth_ioctl(self->fd, &ls));
	EXPECT_EQ(10000, ls.s.speed);
	EXPECT_EQ(DUPLEX_FULL, ls.s.duplex);
	EXPECT_EQ(AUTONEG_DISABLE, ls.s.autoneg);
	/* No set_link_ksettings: a speed change is not supported. */
	ls.s.cmd = ETHTOOL_SLINKSETTINGS;
	ls.s.speed = 1000;
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &ls));
}

TEST_F(dev, regs)
{
	struct ethtool_regs *r = calloc(1, sizeof(*r) + REGS_LEN);
	__u32 *w;

	ASSERT_NE(NULL, r);
	r->cmd = ETHTOOL_GREGS;
	r->len = REGS_LEN;
	ASSERT_EQ(0, eth_ioctl(self->fd, r));
	w = (__u32 *)r->data;
	EXPECT_EQ(REGS_LEN, r->len);
	EXPECT_EQ(SGNIC_VERSION_MAJOR << 16 | SGNIC_VERSION_MINOR, r->version);
	EXPECT_EQ(SGNIC_ID_MAGIC, w[SGNIC_REG_ID / 4]);
	EXPECT_EQ(SGNIC_STATUS_LINK_UP, w[SGNIC_REG_STATUS / 4] & SGNIC_STATUS_LINK_UP);
	free(r);
}

TEST_F(dev, ring_valid)
{
	struct ethtool_ringparam r = self->ring;

	EXPECT_EQ(SGNIC_RING_MAX, r.tx_max_pending);
	EXPECT_EQ(SGNIC_RING_MAX, r.rx_max_pending);
	r.cmd = ETHTOOL_SRINGPARAM;
	r.tx_pending = TX_RING_MIN;
	r.rx_pending = SGNIC_RING_MIN;
	ASSERT_EQ(0, eth_ioctl(self->fd, &r));
	r.cmd = ETHTOOL_GRINGPARAM;
	ASSERT_EQ(0, eth_ioctl(self->fd, &r));
	EXPECT_EQ(TX_RING_MIN, r.tx_pending);
	EXPECT_EQ(SGNIC_RING_MIN, r.rx_pending);
	r.cmd = ETHTOOL_SRINGPARAM;
	r.tx_pending = SGNIC_RING_MAX;
	r.rx_pending = SGNIC_RING_MAX;
	ASSERT_EQ(0, eth_ioctl(self->fd, &r));
	r.cmd = ETHTOOL_GRINGPARAM;
	ASSERT_EQ(0, eth_ioctl(self->fd, &r));
	EXPECT_EQ(SGNIC_RING_MAX, r.tx_pending);
	EXPECT_EQ(SGNIC_RING_MAX, r.rx_pending);
}

TEST_F(dev, ring_invalid)
{
	static const struct { __u32 tx, rx, mini, jumbo; } bad[] = {
		{ 1000, 512, 0, 0 },			/* not a power of two */
		{ 512, 1000, 0, 0 },
		{ TX_RING_MIN / 2, 512, 0, 0 },		/* below the longest chain */
		{ 512, SGNIC_RING_MIN / 2, 0, 0 },
		{ 2 * SGNIC_RING_MAX, 512, 0, 0 },	/* above the maximum */
		{ 512, 2 * SGNIC_RING_MAX, 0, 0 },
		{ 0, 512, 0, 0 },
		{ 512, 512, 8, 0 },			/* no mini or jumbo rings */
		{ 512, 512, 0, 8 },
	};
	struct ethtool_ringparam r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = self->ring;
		r.cmd = ETHTOOL_SRINGPARAM;
		r.tx_pending = bad[i].tx;
		r.rx_pending = bad[i].rx;
		r.rx_mini_pending = bad[i].mini;
		r.rx_jumbo_pending = bad[i].jumbo;
		EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &r))
			TH_LOG("tx %u rx %u mini %u jumbo %u accepted", bad[i].tx,
			       bad[i].rx, bad[i].mini, bad[i].jumbo);
		r.cmd = ETHTOOL_GRINGPARAM;
		ASSERT_EQ(0, eth_ioctl(self->fd, &r));
		EXPECT_EQ(self->ring.tx_pending, r.tx_pending);
		EXPECT_EQ(self->ring.rx_pending, r.rx_pending);
	}
}

TEST_F(dev, channels_valid)
{
	struct ethtool_channels c = self->ch;

	EXPECT_LE(1, c.max_combined);
	EXPECT_GE(SGNIC_MAX_QUEUE_PAIRS, c.max_combined);
	EXPECT_EQ(0, c.max_rx);
	EXPECT_EQ(0, c.max_tx);
	EXPECT_EQ(1, c.other_count);
	c.cmd = ETHTOOL_SCHANNELS;
	c.combined_count = 1;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	c.cmd = ETHTOOL_GCHANNELS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	EXPECT_EQ(1, c.combined_count);
	c.cmd = ETHTOOL_SCHANNELS;
	c.combined_count = c.max_combined;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	c.cmd = ETHTOOL_GCHANNELS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	EXPECT_EQ(c.max_combined, c.combined_count);
}

TEST_F(dev, channels_invalid)
{
	struct ethtool_channels c;
	int i;

	for (i = 0; i < 5; i++) {
		c = self->ch;
		c.cmd = ETHTOOL_SCHANNELS;
		switch (i) {
		case 0: c.combined_count = 0; break;
		case 1: c.combined_count = c.max_combined + 1; break;
		case 2: c.rx_count = 1; break;
		case 3: c.tx_count = 1; break;
		case 4: c.other_count = 0; break;
		}
		EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &c)) TH_LOG("case %d accepted", i);
		c.cmd = ETHTOOL_GCHANNELS;
		ASSERT_EQ(0, eth_ioctl(self->fd, &c));
		EXPECT_EQ(self->ch.combined_count, c.combined_count);
		EXPECT_EQ(1, c.other_count);
	}
}

TEST_F(dev, coalesce_valid)
{
	struct ethtool_coalesce c = self->co;

	c.cmd = ETHTOOL_SCOALESCE;
	c.rx_coalesce_usecs = SGNIC_IRQ_MOD_MAX_USECS;
	c.rx_max_coalesced_frames = SGNIC_IRQ_MOD_MAX_COUNT;
	c.tx_coalesce_usecs = 0;
	c.tx_max_coalesced_frames = 1;
	c.use_adaptive_rx_coalesce = 1;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	memset(&c, 0, sizeof(c));
	c.cmd = ETHTOOL_GCOALESCE;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	EXPECT_EQ(SGNIC_IRQ_MOD_MAX_USECS, c.rx_coalesce_usecs);
	EXPECT_EQ(SGNIC_IRQ_MOD_MAX_COUNT, c.rx_max_coalesced_frames);
	EXPECT_EQ(0, c.tx_coalesce_usecs);
	EXPECT_EQ(1, c.tx_max_coalesced_frames);
	EXPECT_EQ(1, c.use_adaptive_rx_coalesce);
}

TEST_F(dev, coalesce_invalid)
{
	struct ethtool_coalesce c;
	int i;

	for (i = 0; i < 4; i++) {
		c = self->co;
		c.cmd = ETHTOOL_SCOALESCE;
		switch (i) {
		case 0: c.rx_coalesce_usecs = SGNIC_IRQ_MOD_MAX_USECS + 1; break;
		case 1: c.tx_coalesce_usecs = 70000; break;
		case 2: c.rx_max_coalesced_frames = SGNIC_IRQ_MOD_MAX_COUNT + 1; break;
		case 3: c.tx_max_coalesced_frames = ~0u; break;
		}
		EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &c)) TH_LOG("case %d accepted", i);
	}
	/* Parameters the driver does not list are refused by the core. */
	c = self->co;
	c.cmd = ETHTOOL_SCOALESCE;
	c.rx_coalesce_usecs_irq = 5;
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &c));
	c = self->co;
	c.cmd = ETHTOOL_SCOALESCE;
	c.use_adaptive_tx_coalesce = 1;
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &c));

	memset(&c, 0, sizeof(c));
	c.cmd = ETHTOOL_GCOALESCE;
	ASSERT_EQ(0, eth_ioctl(self->fd, &c));
	EXPECT_EQ(self->co.rx_coalesce_usecs, c.rx_coalesce_usecs);
	EXPECT_EQ(self->co.tx_coalesce_usecs, c.tx_coalesce_usecs);
	EXPECT_EQ(self->co.rx_max_coalesced_frames, c.rx_max_coalesced_frames);
	EXPECT_EQ(self->co.tx_max_coalesced_frames, c.tx_max_coalesced_frames);
}

TEST_F(dev, priv_flags)
{
	struct ethtool_value v = { .cmd = ETHTOOL_SPFLAGS };
	__u32 want;

	for (want = 0; want < 1u << N_PRIV_FLAGS; want++) {
		v.cmd = ETHTOOL_SPFLAGS;
		v.data = want;
		ASSERT_EQ(0, eth_ioctl(self->fd, &v));
		v.cmd = ETHTOOL_GPFLAGS;
		ASSERT_EQ(0, eth_ioctl(self->fd, &v));
		EXPECT_EQ(want, v.data);
	}
	v.cmd = ETHTOOL_SPFLAGS;
	v.data = 1u << N_PRIV_FLAGS;
	EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &v));
	v.cmd = ETHTOOL_GPFLAGS;
	ASSERT_EQ(0, eth_ioctl(self->fd, &v));
	EXPECT_EQ((1u << N_PRIV_FLAGS) - 1, v.data);
}

TEST_F(dev, tx_copybreak)
{
	__u32 v;

	ASSERT_EQ(0, set_tunable(self->fd, ETHTOOL_TX_COPYBREAK, 0));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_TX_COPYBREAK, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, set_tunable(self->fd, ETHTOOL_TX_COPYBREAK, TX_COPYBREAK_MAX));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_TX_COPYBREAK, &v));
	EXPECT_EQ(TX_COPYBREAK_MAX, v);
	EXPECT_EQ(-EINVAL, set_tunable(self->fd, ETHTOOL_TX_COPYBREAK, TX_COPYBREAK_MAX + 1));
	EXPECT_EQ(-EINVAL, set_tunable(self->fd, ETHTOOL_TX_COPYBREAK, ~0u));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_TX_COPYBREAK, &v));
	EXPECT_EQ(TX_COPYBREAK_MAX, v);
}

TEST_F(dev, rx_copybreak)
{
	unsigned int max = rx_copybreak_max();
	__u32 v;

	ASSERT_EQ(0, set_tunable(self->fd, ETHTOOL_RX_COPYBREAK, 0));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_RX_COPYBREAK, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, set_tunable(self->fd, ETHTOOL_RX_COPYBREAK, max));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_RX_COPYBREAK, &v));
	EXPECT_EQ(max, v);
	EXPECT_EQ(-EINVAL, set_tunable(self->fd, ETHTOOL_RX_COPYBREAK, max + 1));
	ASSERT_EQ(0, get_tunable(self->fd, ETHTOOL_RX_COPYBREAK, &v));
	EXPECT_EQ(max, v);
}

TEST_F(dev, tunable_bad_requests)
{
	struct {
		struct ethtool_tunable t;
		__u32 v;
	} req;

	/* A tunable the driver does not have. */
	memset(&req, 0, sizeof(req));
	req.t.cmd = ETHTOOL_GTUNABLE;
	req.t.id = ETHTOOL_PFC_PREVENTION_TOUT;
	req.t.type_id = ETHTOOL_TUNABLE_U16;
	req.t.len = sizeof(__u16);
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &req));
	/* The right id with the wrong type or length: the core refuses. */
	memset(&req, 0, sizeof(req));
	req.t.cmd = ETHTOOL_STUNABLE;
	req.t.id = ETHTOOL_TX_COPYBREAK;
	req.t.type_id = ETHTOOL_TUNABLE_U16;
	req.t.len = sizeof(__u16);
	EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &req));
	req.t.type_id = ETHTOOL_TUNABLE_U32;
	req.t.len = 2;
	EXPECT_EQ(-EINVAL, eth_ioctl(self->fd, &req));
}

/* Operations sgnic does not implement answer EOPNOTSUPP, never succeed. */
TEST_F(dev, unsupported_ops)
{
	struct ethtool_pauseparam pp = { .cmd = ETHTOOL_GPAUSEPARAM };
	struct ethtool_wolinfo wol = { .cmd = ETHTOOL_GWOL };
	struct ethtool_eeprom ee = { .cmd = ETHTOOL_GEEPROM, .len = 4 };
	struct ethtool_value mlvl = { .cmd = ETHTOOL_SMSGLVL, .data = 1 };

	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &pp));
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &wol));
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &ee));
	EXPECT_EQ(-EOPNOTSUPP, eth_ioctl(self->fd, &mlvl));
}

TEST_F(dev, self_test_offline)
{
	struct {
		struct ethtool_test t;
		__u64 res[N_SELF_TESTS];
	} req = { .t = { .cmd = ETHTOOL_TEST, .flags = ETH_TEST_FL_OFFLINE,
			 .len = N_SELF_TESTS } };
	int i;

	ASSERT_EQ(0, eth_ioctl(self->fd, &req));
	EXPECT_EQ(0, req.t.flags & ETH_TEST_FL_FAILED);
	for (i = 0; i < N_SELF_TESTS; i++)
		EXPECT_EQ(0, req.res[i]) TH_LOG("self-test %d failed", i);
}

TEST_HARNESS_MAIN
