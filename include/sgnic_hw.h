/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * sgnic hardware contract: PCI identity, register map, descriptor layout,
 * channel states and error codes.
 *
 * This header is the single source of truth shared by the QEMU device
 * (qemu-device/), the Linux driver (kernel-driver/), the userspace tools and
 * the tests.  docs/spec.md explains it; when the two disagree, this file wins
 * and the spec is the bug.
 *
 * Everything the device reads or writes in guest memory is little-endian.
 */
#ifndef SGNIC_HW_H
#define SGNIC_HW_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
/* sparse checks that the driver converts every field it reads or writes. */
typedef __le64 sgnic_le64;
typedef __le32 sgnic_le32;
typedef __le16 sgnic_le16;
#else
#include <stdint.h>
#include <assert.h>
typedef uint64_t sgnic_le64;
typedef uint32_t sgnic_le32;
typedef uint16_t sgnic_le16;
#endif

/* ---- PCI identity ------------------------------------------------------ */

/* 0x1234 is the experimental vendor ID QEMU's own demo devices use. */
#define SGNIC_PCI_VENDOR_ID		0x1234
#define SGNIC_PCI_DEVICE_ID		0x5347	/* "SG" */
#define SGNIC_PCI_REVISION		0x01
#define SGNIC_PCI_CLASS			0x0200	/* Ethernet controller */

#define SGNIC_BAR_REGS			0	/* 64-bit memory BAR, registers */
#define SGNIC_BAR_REGS_SIZE		0x10000
#define SGNIC_BAR_MSIX			2	/* 64-bit memory BAR, MSI-X */
#define SGNIC_BAR_MSIX_SIZE		0x4000
#define SGNIC_MSIX_TABLE_OFFSET		0x0000
#define SGNIC_MSIX_PBA_OFFSET		0x2000

/* ---- Fixed limits -------------------------------------------------------- */

#define SGNIC_MAX_QUEUE_PAIRS		8
/* Vector 0: link and errors; vector 1 + q: TX and RX channel of pair q. */
#define SGNIC_VEC_MISC			0
#define SGNIC_VEC_QUEUE(q)		(1 + (q))
#define SGNIC_MAX_VECTORS		(1 + SGNIC_MAX_QUEUE_PAIRS)

#define SGNIC_RING_MIN			8	/* descriptors, power of two */
#define SGNIC_RING_MAX			4096
#define SGNIC_DESC_SIZE			64
#define SGNIC_DESC_ALIGN		64
#define SGNIC_COMPL_ALIGN		8

/*
 * Hard limits: a descriptor beyond them is malformed and halts the channel.
 * The advertised limits (SGNIC_REG_MAX_*) are policy inside these bounds
 * and are enforced per packet without halting.
 */
#define SGNIC_HW_MAX_BUF_LEN		0x10000	/* one descriptor's buffer */
#define SGNIC_HW_MAX_CHAIN		64	/* descriptors in one TX packet or RX frame */
#define SGNIC_HW_MAX_PKT_LEN		0x40000	/* bytes in one TX packet */

#define SGNIC_MIN_MTU			68
/* Shortest frame RX accepts: an Ethernet header; anything shorter is a runt. */
#define SGNIC_MIN_FRAME			14
#define SGNIC_MAX_FRAME			9018	/* 9000 MTU + Ethernet + VLAN */
#define SGNIC_ETH_OVERHEAD		18

/* Defaults of the advertised DMA limits (QEMU properties change them). */
#define SGNIC_DEF_MAX_XFER		0x10000
#define SGNIC_DEF_MAX_SG		32
#define SGNIC_DEF_MAX_SEG		0x10000
#define SGNIC_DEF_SEG_BOUNDARY_SHIFT	32	/* no element crosses 4 GiB */

/* ---- Global registers (BAR 0) ------------------------------------------- */

#define SGNIC_REG_ID			0x0000	/* RO: SGNIC_ID_MAGIC */
#define SGNIC_ID_MAGIC			0x53474e43	/* "SGNC" */
#define SGNIC_REG_VERSION		0x0004	/* RO: major << 16 | minor */
#define SGNIC_VERSION_MAJOR		1
#define SGNIC_VERSION_MINOR		0
#define SGNIC_VERSION_MAJOR_SHIFT	16
#define SGNIC_VERSION_MINOR_MASK	0xffffu
#define SGNIC_REG_FEATURES		0x0008	/* RO: SGNIC_FEAT_* */
#define SGNIC_FEAT_TX_CSUM		(1u << 0)
#define SGNIC_FEAT_RX_CSUM		(1u << 1)
#define SGNIC_FEAT_TSO			(1u << 2)
#define SGNIC_FEAT_SG			(1u << 3)
#define SGNIC_FEAT_WRITEBACK		(1u << 4)
#define SGNIC_FEAT_MSIX			(1u << 5)
#define SGNIC_FEAT_RX_MULTIBUF		(1u << 6)
#define SGNIC_FEAT_RSC			(1u << 7)	/* receive segment coalescing */
#define SGNIC_FEAT_RSS			(1u << 8)	/* Toeplitz RSS, SGNIC_RSS_BASE */
#define SGNIC_FEAT_RX_FILTER		(1u << 9)	/* address table, multicast hash */
#define SGNIC_FEAT_VLAN			(1u << 10)	/* tag strip/insert, VLAN table */
#define SGNIC_FEAT_MAC_STATS		(1u << 11)	/* frame counters, SGNIC_MAC_STATS_BASE */
#define SGNIC_REG_QUEUES		0x000c	/* RO */
#define SGNIC_QUEUES_PAIRS_MASK		0x000000ffu	/* queue pairs */
#define SGNIC_QUEUES_VECTORS_SHIFT	8		/* MSI-X vectors */
#define SGNIC_QUEUES_VECTORS_MASK	0x0000ff00u
#define SGNIC_REG_MAX_XFER		0x0010	/* RO: bytes per TX packet */
#define SGNIC_REG_MAX_SG		0x0014	/* RO: elements per packet; 1 = single transfer */
#define SGNIC_REG_MAX_SEG		0x0018	/* RO: bytes per element */
#define SGNIC_REG_SEG_BOUNDARY		0x001c	/* RO: log2 of the boundary no element may cross */
#define SGNIC_REG_MAX_FRAME		0x0020	/* RO: largest frame on the wire */
#define SGNIC_REG_CTRL			0x0024	/* RW */
#define SGNIC_CTRL_RESET		(1u << 0)	/* self-clearing device reset */
#define SGNIC_CTRL_RX_ENABLE		(1u << 1)	/* accept frames from the wire */
#define SGNIC_CTRL_PROMISC		(1u << 2)
#define SGNIC_CTRL_LOOPBACK		(1u << 3)	/* TX frames come back on RX, not the wire */
#define SGNIC_CTRL_ALLMULTI		(1u << 4)	/* accept every multicast frame */
#define SGNIC_CTRL_VLAN_STRIP		(1u << 5)	/* RX: 802.1Q tag to the descriptor */
#define SGNIC_CTRL_VLAN_FILTER		(1u << 6)	/* RX: drop VIDs clear in the VLAN table */
#define SGNIC_CTRL_RW_BITS		(SGNIC_CTRL_RX_ENABLE | SGNIC_CTRL_PROMISC | \
					 SGNIC_CTRL_LOOPBACK | SGNIC_CTRL_ALLMULTI | \
					 SGNIC_CTRL_VLAN_STRIP | SGNIC_CTRL_VLAN_FILTER)
#define SGNIC_REG_STATUS		0x0028	/* RO */
#define SGNIC_STATUS_LINK_UP		(1u << 0)
#define SGNIC_REG_MAC_LO		0x002c	/* RW: MAC bytes 0..3 */
#define SGNIC_REG_MAC_HI		0x0030	/* RW: MAC bytes 4..5 in bits 15:0 */
#define SGNIC_MAC_LEN			6
#define SGNIC_REG_MISC_CAUSE		0x0034	/* RW1C: SGNIC_MISC_* */
#define SGNIC_REG_MISC_MASK		0x0038	/* RW: 1 = cause raises vector 0 */
#define SGNIC_MISC_LINK			(1u << 0)	/* link changed */
#define SGNIC_MISC_CHAN_HALT		(1u << 1)	/* a channel halted */
#define SGNIC_MISC_TEST			(1u << 2)	/* set by SGNIC_REG_MISC_SET */
#define SGNIC_MISC_ALL			(SGNIC_MISC_LINK | SGNIC_MISC_CHAN_HALT | SGNIC_MISC_TEST)
#define SGNIC_REG_MISC_SET		0x003c	/* WO: set causes (self-test) */
#define SGNIC_REG_RX_QUEUES		0x0040	/* RW: RX channels flows spread to */
#define SGNIC_REG_HALTED		0x0044	/* RO: bit per channel halted */
#define SGNIC_REG_IRQ_UNMASK		0x0048	/* WO: bit c sets channel c's IRQ_EN */
/*
 * RW: receive segment coalescing (RSC).  0 turns it off; otherwise the
 * largest frame, in bytes, the device may build by joining in-order TCP
 * segments of one IPv4 flow (see SGNIC_DESC_S_RSC).  Values above
 * SGNIC_RSC_MAX_LEN are clamped to it.
 */
#define SGNIC_REG_RSC_MAX_LEN		0x004c
#define SGNIC_RSC_MAX_LEN		(14 + 65535)	/* Ethernet + largest IPv4 packet */
/* Device counters, RO, 32-bit wrapping. */
#define SGNIC_REG_STAT_RX_NOBUF		0x0080	/* frames dropped, no buffers */
#define SGNIC_REG_STAT_RX_OVERSIZE	0x0084	/* frames dropped, too large */
#define SGNIC_REG_STAT_RX_FILTERED	0x0088	/* frames not for our MAC */
#define SGNIC_REG_STAT_DOORBELLS	0x008c	/* tail register writes */
#define SGNIC_REG_STAT_IRQS		0x0090	/* MSI-X messages sent */
#define SGNIC_REG_STAT_IRQS_LOST	0x0094	/* interrupts dropped by lost-irq injection */
#define SGNIC_REG_STAT_WRITEBACKS	0x0098	/* completion-address writes */
#define SGNIC_REG_STAT_TX_PKTS		0x009c	/* packets sent */
#define SGNIC_REG_STAT_RX_PKTS		0x00a0	/* frames delivered */
#define SGNIC_REG_STAT_MMIO		0x00a4	/* register accesses */
#define SGNIC_REG_STAT_RSC_FRAMES	0x00a8	/* coalesced frames delivered */
#define SGNIC_REG_STAT_RSC_SEGS		0x00ac	/* wire segments inside them */
#define SGNIC_REG_STAT_RX_RUNT		0x00b0	/* frames dropped, shorter than SGNIC_MIN_FRAME */
#define SGNIC_REG_STAT_RX_DISABLED	0x00b4	/* frames dropped, CTRL.RX_ENABLE clear */
#define SGNIC_REG_STAT_RX_VLAN_DROPS	0x00b8	/* frames dropped, VID not in the VLAN table */
#define SGNIC_NUM_STATS			15
#define SGNIC_REG_GLOBAL_END		0x0100

/* ---- Receive-side scaling ------------------------------------------------- */

/*
 * RSS (Toeplitz hash, 40-byte key, 128-entry indirection table).  A frame
 * whose type is enabled in SGNIC_REG_RSS_TYPES is hashed over its IP
 * addresses (and TCP/UDP ports for the _TCP/_UDP types) and goes to RX
 * pair RETA[hash % SGNIC_RSS_RETA_SIZE]; any other frame goes to pair 0
 * with hash type SGNIC_HASH_NONE.  Writing SGNIC_REG_RX_QUEUES = n fills
 * the table with entry i = i % n.  These registers sit outside the
 * global block that a register dump covers (SGNIC_REG_GLOBAL_END).
 */
#define SGNIC_RSS_BASE			0x0800
#define SGNIC_REG_RSS_TYPES		0x0800	/* RW: SGNIC_RSS_* inputs hashed */
#define SGNIC_RSS_IPV4			(1u << 0)	/* addresses only */
#define SGNIC_RSS_IPV4_TCP		(1u << 1)	/* addresses and ports */
#define SGNIC_RSS_IPV4_UDP		(1u << 2)
#define SGNIC_RSS_IPV6			(1u << 3)
#define SGNIC_RSS_IPV6_TCP		(1u << 4)
#define SGNIC_RSS_IPV6_UDP		(1u << 5)
#define SGNIC_RSS_ALL			0x3fu
#define SGNIC_RSS_KEY_LEN		40
/* RW: key bytes 4i .. 4i + 3, byte 4i in bits 7:0 */
#define SGNIC_REG_RSS_KEY(i)		(0x0840 + 4 * (i))
#define SGNIC_RSS_KEY_REGS		(SGNIC_RSS_KEY_LEN / 4)
#define SGNIC_RSS_RETA_SIZE		128
/* RW: entries 4i .. 4i + 3, entry 4i in bits 7:0; each an RX pair < pairs */
#define SGNIC_REG_RSS_RETA(i)		(0x0900 + 4 * (i))
#define SGNIC_RSS_RETA_REGS		(SGNIC_RSS_RETA_SIZE / 4)
#define SGNIC_RSS_END			SGNIC_REG_RSS_RETA(SGNIC_RSS_RETA_REGS)

/* ---- MAC statistics --------------------------------------------------------- */

/*
 * The MAC's frame counters (spec, section "MAC statistics"): 64-bit, RO,
 * cleared by every reset.  Counter i is at SGNIC_REG_MAC_STAT(i); an
 * 8-byte read returns it whole, a 4-byte read the low (+0) or high (+4)
 * half.  RX counts each frame the address filter and the MAX_FRAME check
 * let in, once the device has taken it (placed, or dropped after that);
 * TX each frame that leaves, every TSO segment apart, tag included.
 * Octets are frame bytes without the FCS; the histograms bucket a frame by
 * its length plus the 4-byte FCS, a frame under 60 bytes in the first
 * bucket (a wire pads it to 64).
 */
#define SGNIC_MAC_STATS_BASE		0x0c00
#define SGNIC_REG_MAC_STAT(i)		(SGNIC_MAC_STATS_BASE + 8 * (i))
#define SGNIC_MAC_HIST_BUCKETS		7
#define SGNIC_MAC_RX_FRAMES		0
#define SGNIC_MAC_RX_OCTETS		1
#define SGNIC_MAC_RX_MCAST		2	/* multicast, broadcast not included */
#define SGNIC_MAC_RX_BCAST		3
#define SGNIC_MAC_RX_HIST(b)		(4 + (b))	/* b < SGNIC_MAC_HIST_BUCKETS */
#define SGNIC_MAC_TX_FRAMES		11
#define SGNIC_MAC_TX_OCTETS		12
#define SGNIC_MAC_TX_MCAST		13
#define SGNIC_MAC_TX_BCAST		14
#define SGNIC_MAC_TX_HIST(b)		(15 + (b))
#define SGNIC_MAC_NUM_STATS		22
#define SGNIC_MAC_STATS_END		SGNIC_REG_MAC_STAT(SGNIC_MAC_NUM_STATS)
/*
 * Largest length (FCS included) of each histogram bucket, an initializer:
 * 64, 65..127, 128..255, 256..511, 512..1023, 1024..1518, then 1519 and
 * longer (a TX packet without TSO may exceed MAX_FRAME).
 */
#define SGNIC_MAC_HIST_MAX		{ 64, 127, 255, 511, 1023, 1518, 0xffffffffu }
#define SGNIC_MAC_FCS_LEN		4

/* ---- Receive filters and VLAN ------------------------------------------------ */

/*
 * Which frames the device takes (spec, section "Receive filters"):
 * broadcast always; unicast to MAC_LO/MAC_HI or to a valid entry of the
 * address table; multicast with CTRL.ALLMULTI, in the address table, or
 * whose bit in the multicast hash table is set; anything with
 * CTRL.PROMISC.  Others count in STAT_RX_FILTERED.  Then, with
 * CTRL.VLAN_FILTER, a frame tagged with a VID (1..4095) whose bit in the
 * VLAN table is clear is dropped and counted in STAT_RX_VLAN_DROPS;
 * untagged and priority-tagged (VID 0) frames pass.
 */
#define SGNIC_FILTER_BASE		0x2000
/* RW: bit v % 32 of register v / 32 admits VID v */
#define SGNIC_REG_VLAN_TABLE(i)		(0x2000 + 4 * (i))
#define SGNIC_VLAN_TABLE_REGS		128
/*
 * RW: multicast hash table, 4096 bits.  A multicast address's bit is the
 * top 12 bits of its Ethernet CRC-32 (Linux ether_crc(), QEMU
 * net_crc32()): bit h % 32 of register h / 32, h = crc >> 20.
 */
#define SGNIC_REG_MC_HASH(i)		(0x2200 + 4 * (i))
#define SGNIC_MC_HASH_REGS		128
#define SGNIC_MC_HASH_SHIFT		20
/*
 * RW: exact-match address table, unicast or multicast.  Entry i is two
 * registers: LO holds address bytes 0..3 (byte 0 in bits 7:0), HI bytes
 * 4..5 in bits 15:0 and SGNIC_ADDR_VALID.  Other HI bits read as 0.
 */
#define SGNIC_ADDR_ENTRIES		16
#define SGNIC_REG_ADDR_LO(i)		(0x2400 + 8 * (i))
#define SGNIC_REG_ADDR_HI(i)		(0x2404 + 8 * (i))
#define SGNIC_ADDR_VALID		(1u << 31)
#define SGNIC_FILTER_END		SGNIC_REG_ADDR_LO(SGNIC_ADDR_ENTRIES)

/* ---- Channel registers ---------------------------------------------------- */

/*
 * Channel c (0 .. 2 * pairs - 1) has a 64-byte register block.  Even
 * channels transmit, odd channels receive: TX of pair q is channel 2q,
 * RX of pair q is channel 2q + 1.
 */
#define SGNIC_CHAN_BASE			0x1000
#define SGNIC_CHAN_STRIDE		0x40
#define SGNIC_CHAN_TX(q)		(2 * (q))
#define SGNIC_CHAN_RX(q)		(2 * (q) + 1)
#define SGNIC_CHAN_IS_RX(c)		((c) & 1)
#define SGNIC_CHAN_PAIR(c)		((c) >> 1)
#define SGNIC_CHAN_REG(c, r)		(SGNIC_CHAN_BASE + (c) * SGNIC_CHAN_STRIDE + (r))
#define SGNIC_NUM_CHANS			(2 * SGNIC_MAX_QUEUE_PAIRS)
#define SGNIC_REGS_END			SGNIC_CHAN_REG(SGNIC_NUM_CHANS, 0)

#define SGNIC_CH_RING_LO		0x00	/* RW while stopped: ring base, 64-byte aligned */
#define SGNIC_CH_RING_HI		0x04
#define SGNIC_CH_RING_SIZE		0x08	/* RW while stopped: descriptors, power of two */
#define SGNIC_CH_TAIL			0x0c	/* RW: doorbell, index the driver fills next */
#define SGNIC_CH_HEAD			0x10	/* RO: index the device processes next */
#define SGNIC_CH_CMD			0x14	/* WO: SGNIC_CMD_* */
#define SGNIC_CH_STATUS			0x18	/* RO: state and error */
#define SGNIC_CH_COMPL_LO		0x1c	/* RW: completion writeback address */
#define SGNIC_CH_COMPL_HI		0x20
#define SGNIC_CH_IRQ_MOD		0x24	/* RW: interrupt moderation */
/*
 * RW: bit 0 enables the channel's interrupt.  Sending a queue interrupt
 * clears IRQ_EN of both channels of the pair (auto-mask), so the handler
 * need not touch the device; the driver re-arms with SGNIC_REG_IRQ_UNMASK.
 */
#define SGNIC_CH_IRQ_EN			0x28
#define SGNIC_IRQ_EN_BIT		(1u << 0)
#define SGNIC_CH_ERR_DESC		0x2c	/* RO: index of the descriptor that halted */
#define SGNIC_CH_COMPLETED		0x30	/* RO: descriptors completed, wrapping */
#define SGNIC_CH_PKT_ERRS		0x34	/* RO: packets refused with an error status */
/*
 * RW: interrupt throttle, in microseconds (bits 15:0): the least time
 * between two interrupts of the channel's pair vector.  An interrupt due
 * sooner waits for the gap to end; one due after a quiet spell goes at once.
 */
#define SGNIC_CH_IRQ_GAP		0x38
#define SGNIC_IRQ_GAP_MAX_USECS		0xffff

#define SGNIC_CMD_START			1	/* stopped -> active/idle (checks the ring) */
#define SGNIC_CMD_SUSPEND		2	/* active/idle -> suspended */
#define SGNIC_CMD_RESUME		3	/* suspended -> active/idle */
#define SGNIC_CMD_RESET			4	/* any -> stopped; head = tail = 0 */

/* SGNIC_CH_STATUS: state in bits 2:0, error code in bits 15:8. */
#define SGNIC_STATE_MASK		0x7u
#define SGNIC_STATE_STOPPED		0
#define SGNIC_STATE_ACTIVE		1
#define SGNIC_STATE_IDLE		2
#define SGNIC_STATE_SUSPENDED		3
#define SGNIC_STATE_HALTED		4
#define SGNIC_STATUS_ERR_SHIFT		8
#define SGNIC_STATUS_ERR_MASK		0xff00u
#define SGNIC_CH_STATE(status)		((status) & SGNIC_STATE_MASK)
#define SGNIC_CH_ERR(status)		(((status) & SGNIC_STATUS_ERR_MASK) >> SGNIC_STATUS_ERR_SHIFT)

/* SGNIC_CH_IRQ_MOD: hold an interrupt up to USECS or until COUNT completions. */
#define SGNIC_IRQ_MOD_USECS_MASK	0x0000ffffu
#define SGNIC_IRQ_MOD_COUNT_SHIFT	16
#define SGNIC_IRQ_MOD_COUNT_MASK	0xffff0000u
#define SGNIC_IRQ_MOD_MAX_USECS		0xffff
#define SGNIC_IRQ_MOD_MAX_COUNT		0xffff

/*
 * Completion writeback (seed 004): a 64-bit value the device stores at
 * SGNIC_CH_COMPL_* when it completes a descriptor flagged
 * SGNIC_DESC_F_STATUS_UPDATE, and when the channel halts.  Descriptors are
 * 64-byte aligned, so the low 6 bits of the descriptor's bus address carry
 * the channel status instead.
 */
#define SGNIC_COMPL_ADDR_MASK		(~(uint64_t)0x3f)
#define SGNIC_COMPL_STATE_MASK		0x7u	/* SGNIC_STATE_* */
#define SGNIC_COMPL_ERR			(1u << 3)	/* channel holds an error code */

/* Channel error codes (SGNIC_CH_STATUS bits 15:8); all halt the channel. */
#define SGNIC_ERR_NONE			0x00
#define SGNIC_ERR_RING_CONFIG		0x01	/* START with a bad base or size */
#define SGNIC_ERR_TAIL_RANGE		0x02	/* tail written past the ring */
#define SGNIC_ERR_DESC_READ		0x03	/* DMA fault reading a descriptor */
#define SGNIC_ERR_DESC_WRITE		0x04	/* DMA fault writing a descriptor back */
#define SGNIC_ERR_BUF_READ		0x05	/* DMA fault reading a TX buffer */
#define SGNIC_ERR_BUF_WRITE		0x06	/* DMA fault writing an RX buffer */
#define SGNIC_ERR_COMPL_WRITE		0x07	/* DMA fault writing the completion value */
#define SGNIC_ERR_DESC_LEN		0x08	/* zero length or above SGNIC_HW_MAX_BUF_LEN */
#define SGNIC_ERR_DESC_FLAGS		0x09	/* chain does not start with SOP, or reserved bits */
#define SGNIC_ERR_CHAIN			0x0a	/* chain longer than SGNIC_HW_MAX_CHAIN or SGNIC_HW_MAX_PKT_LEN */
#define SGNIC_ERR_INJECTED		0x0b	/* fault injected by a test property */

/* ---- Descriptors ----------------------------------------------------------- */

/* Driver-owned flags, SGNIC_DESC.flags. */
#define SGNIC_DESC_F_SOP		(1u << 0)	/* first descriptor of a TX packet */
#define SGNIC_DESC_F_EOP		(1u << 1)	/* last descriptor of a TX packet */
#define SGNIC_DESC_F_STATUS_UPDATE	(1u << 2)	/* write the completion value */
#define SGNIC_DESC_F_INTERRUPT		(1u << 3)	/* raise the channel interrupt */
#define SGNIC_DESC_F_SINGLE_XFER	(1u << 4)	/* packet must be one transfer */
#define SGNIC_DESC_F_CSUM		(1u << 5)	/* insert L4 checksum (TX) */
#define SGNIC_DESC_F_TSO		(1u << 6)	/* segment with mss (TX) */
#define SGNIC_DESC_F_VLAN		(1u << 7)	/* TX, SOP: insert an 802.1Q tag of vlan_tci */
#define SGNIC_DESC_F_RESERVED		0xffffff00u

/*
 * Status written back by the device (SGNIC_DESC.status).  Bits 7:0 hold a
 * per-packet result: the packet was refused, the channel goes on.
 */
#define SGNIC_DESC_S_DONE		(1u << 31)
#define SGNIC_DESC_S_EOP		(1u << 30)	/* RX: last buffer of the frame */
#define SGNIC_DESC_S_SOP		(1u << 29)	/* RX: first buffer of the frame */
#define SGNIC_DESC_S_L4_CSUM_OK		(1u << 28)	/* RX: TCP/UDP checksum verified */
#define SGNIC_DESC_S_L4_CSUM_BAD	(1u << 27)	/* RX: TCP/UDP checksum wrong */
/*
 * RX, last buffer: the frame joins rsc_segs TCP segments (rsc_segs >= 2)
 * of rsc_mss payload bytes each, the last one possibly shorter.  The IPv4
 * header is rewritten (total length, checksum); the TCP checksum field is
 * the first segment's and does not cover the frame.  Every segment's
 * checksum was verified (SGNIC_DESC_S_L4_CSUM_OK is set too).
 */
#define SGNIC_DESC_S_RSC		(1u << 26)
/* RX, last buffer: an 802.1Q tag was stripped (CTRL.VLAN_STRIP): rx_vlan_tci */
#define SGNIC_DESC_S_VLAN		(1u << 25)
/*
 * RX, last buffer: what the frame was hashed over (SGNIC_HASH_*);
 * SGNIC_DESC.rss_hash holds the hash unless this is SGNIC_HASH_NONE.
 */
#define SGNIC_DESC_S_HASH_SHIFT		8
#define SGNIC_DESC_S_HASH_MASK		0x00000f00u
#define SGNIC_DESC_S_RESULT_MASK	0xffu

#define SGNIC_HASH_NONE			0
#define SGNIC_HASH_IPV4			1
#define SGNIC_HASH_IPV4_TCP		2
#define SGNIC_HASH_IPV4_UDP		3
#define SGNIC_HASH_IPV6			4
#define SGNIC_HASH_IPV6_TCP		5
#define SGNIC_HASH_IPV6_UDP		6

#define SGNIC_RES_OK			0x00
#define SGNIC_RES_TOO_MANY_TRANSFERS	0x01	/* packet above max transfer, or element above max segment */
#define SGNIC_RES_TOO_FRAGMENTED	0x02	/* more elements than max SG, or >1 with SINGLE_XFER */
#define SGNIC_RES_BOUNDARY		0x03	/* element crosses the segment boundary */
#define SGNIC_RES_BAD_OFFLOAD		0x04	/* checksum or TSO request not parseable */

struct sgnic_desc {
	/* written by the driver */
	sgnic_le64 addr;	/* buffer bus address */
	sgnic_le32 len;		/* TX: bytes to send; RX: buffer size */
	sgnic_le32 flags;	/* SGNIC_DESC_F_* */
	sgnic_le16 mss;		/* TSO segment size (SOP descriptor) */
	sgnic_le16 csum_start;	/* TX: checksum start (SOP descriptor) */
	sgnic_le16 csum_offset;	/* TX: checksum field offset from csum_start */
	sgnic_le16 vlan_tci;	/* TX, SOP with SGNIC_DESC_F_VLAN: tag to insert */
	uint64_t reserved1[2];
	/* written back by the device (RX only, before status) */
	sgnic_le16 rx_vlan_tci;	/* RX, last buffer with SGNIC_DESC_S_VLAN */
	uint16_t reserved3;
	uint32_t reserved4;
	/* written back by the device */
	sgnic_le32 status;	/* SGNIC_DESC_S_* | SGNIC_RES_* */
	sgnic_le32 xfer_len;	/* bytes read (TX) or written (RX) */
	sgnic_le16 rsc_segs;	/* RX with SGNIC_DESC_S_RSC, else 0 */
	sgnic_le16 rsc_mss;
	sgnic_le32 rss_hash;	/* RX, last buffer: Toeplitz hash, else 0 */
};

#define SGNIC_DESC_STATUS_OFFSET	48
#define SGNIC_DESC_RX_VLAN_OFFSET	40

static_assert(sizeof(struct sgnic_desc) == SGNIC_DESC_SIZE, "descriptor is 64 bytes");
static_assert(SGNIC_DESC_SIZE % SGNIC_DESC_ALIGN == 0, "descriptors stay aligned in a ring");
static_assert(SGNIC_DESC_ALIGN > SGNIC_COMPL_STATE_MASK + SGNIC_COMPL_ERR,
	      "status bits fit below the descriptor alignment");
static_assert(__builtin_offsetof(struct sgnic_desc, status) == SGNIC_DESC_STATUS_OFFSET,
	      "status offset");
static_assert(SGNIC_REGS_END <= SGNIC_BAR_REGS_SIZE, "registers fit in BAR 0");
static_assert(SGNIC_REG_GLOBAL_END <= SGNIC_RSS_BASE && SGNIC_RSS_END <= SGNIC_CHAN_BASE,
	      "the RSS block sits between the global and the channel registers");
static_assert(SGNIC_REGS_END <= SGNIC_FILTER_BASE && SGNIC_FILTER_END <= SGNIC_BAR_REGS_SIZE,
	      "the filter block sits above the channel registers");
static_assert(__builtin_offsetof(struct sgnic_desc, rx_vlan_tci) == SGNIC_DESC_RX_VLAN_OFFSET,
	      "rx_vlan_tci offset");

#endif /* SGNIC_HW_H */
