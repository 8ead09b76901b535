// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for xdp.sh.  Each acts on test frames only (EtherType
 * 0x88b5, IEEE 802 local experimental, as xdp_frames sends them) and
 * passes everything else, so that ARP and neighbour discovery keep the
 * link usable while a test runs.  The "_mb" twins are the same programs
 * loaded with xdp.frags: they accept multi-buffer frames.
 *
 * Built with clang -target bpf by tests/selftests/Makefile, loaded by
 * xdp_ctl.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_TEST	0x88b5

/* Where xdp_redirect sends test frames: entry 0, set by xdp_ctl. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

/* The Ethernet header of a test frame, or NULL. */
static __always_inline struct ethhdr *test_frame(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if (data + sizeof(*eth) > end || eth->h_proto != bpf_htons(ETH_P_TEST))
		return NULL;
	return eth;
}

/* Back to where it came from: the sender sees its own frame, MACs swapped. */
static __always_inline void swap_macs(struct ethhdr *eth)
{
	unsigned char tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

static __always_inline int do_tx(struct xdp_md *ctx)
{
	struct ethhdr *eth = test_frame(ctx);

	if (!eth)
		return XDP_PASS;
	swap_macs(eth);
	return XDP_TX;
}

static __always_inline int do_redirect(struct xdp_md *ctx, int swap)
{
	struct ethhdr *eth = test_frame(ctx);

	if (!eth)
		return XDP_PASS;
	if (swap)
		swap_macs(eth);
	return bpf_redirect_map(&tx_port, 0, XDP_ABORTED);
}

static __always_inline int verdict(struct xdp_md *ctx, int act)
{
	return test_frame(ctx) ? act : XDP_PASS;
}

SEC("xdp") int xdp_pass(struct xdp_md *ctx) { return XDP_PASS; }
SEC("xdp") int xdp_drop(struct xdp_md *ctx) { return verdict(ctx, XDP_DROP); }
SEC("xdp") int xdp_aborted(struct xdp_md *ctx) { return verdict(ctx, XDP_ABORTED); }
SEC("xdp") int xdp_bad_action(struct xdp_md *ctx) { return verdict(ctx, 77); }
SEC("xdp") int xdp_tx(struct xdp_md *ctx) { return do_tx(ctx); }
SEC("xdp") int xdp_redirect(struct xdp_md *ctx) { return do_redirect(ctx, 0); }
SEC("xdp") int xdp_reflect(struct xdp_md *ctx) { return do_redirect(ctx, 1); }

/* xdp_ctl livegen: BPF_PROG_RUN in live-frames mode sends each frame out */
SEC("xdp") int xdp_gen(struct xdp_md *ctx) { return XDP_TX; }

SEC("xdp.frags") int xdp_pass_mb(struct xdp_md *ctx) { return XDP_PASS; }
SEC("xdp.frags") int xdp_drop_mb(struct xdp_md *ctx) { return verdict(ctx, XDP_DROP); }
SEC("xdp.frags") int xdp_tx_mb(struct xdp_md *ctx) { return do_tx(ctx); }
SEC("xdp.frags") int xdp_redirect_mb(struct xdp_md *ctx) { return do_redirect(ctx, 0); }
SEC("xdp.frags") int xdp_reflect_mb(struct xdp_md *ctx) { return do_redirect(ctx, 1); }

/*
 * AF_XDP with multi-buffer frames (xsk_frames ... sg): test frames to the
 * socket of the queue they arrived on, entries set by xsk_frames.  libxdp
 * 1.3's own program has no xdp.frags.
 */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp.frags") int xsk_redirect_mb(struct xdp_md *ctx)
{
	if (!test_frame(ctx))
		return XDP_PASS;
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";

/*
 * RX metadata: for each IPv4 UDP datagram to port 7777, what
 * bpf_xdp_metadata_rx_hash() says, keyed by the source port (host order),
 * for xdp.sh to check against its own Toeplitz.  A dev-bound program:
 * xdp_ctl loads names ending in _meta with the port's ifindex.
 */
#include <linux/ip.h>
#include <linux/udp.h>

enum xdp_rss_hash_type { XDP_RSS_TYPE_NONE = 0 };
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;

struct hash_rec {
	__u32 hash;
	__u32 type;
	__s32 err;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u16);
	__type(value, struct hash_rec);
} rx_hashes SEC(".maps");

SEC("xdp") int xdp_rx_hash_meta(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	enum xdp_rss_hash_type type = XDP_RSS_TYPE_NONE;
	struct hash_rec rec = { 0 };
	struct udphdr *udp;
	struct iphdr *ip;
	__u16 sport;

	if (data + sizeof(*eth) + sizeof(*ip) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = data + sizeof(*eth);
	if (ip->protocol != 17 || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(7777))
		return XDP_PASS;
	rec.err = bpf_xdp_metadata_rx_hash(ctx, &rec.hash, &type);
	rec.type = type;
	sport = bpf_ntohs(udp->source);
	bpf_map_update_elem(&rx_hashes, &sport, &rec, BPF_ANY);
	return XDP_PASS;
}
