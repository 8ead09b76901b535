// SPDX-License-Identifier: GPL-2.0
/*
 * Test frames for xdp.sh, sent and checked byte for byte over AF_PACKET.
 *
 *   xdp_frames reflect IFACE DST COUNT SIZE  send COUNT frames of SIZE bytes
 *       to DST; each must come back (XDP_TX, or a redirect out of the same
 *       port) exactly as sent but with the two MAC addresses swapped
 *   xdp_frames send IFACE DST COUNT SIZE     only send them
 *   xdp_frames none IFACE DST COUNT SIZE     send them; none may come back
 *   xdp_frames expect IFACE SRC COUNT SIZE   receive COUNT frames from SRC
 *       (a MAC address) intact, within 10 s; for frames forwarded here
 *
 * SIZE counts the Ethernet header (14 bytes) and is at least 60.  A frame
 * carries EtherType 0x88b5, a sequence number, its size and a pattern
 * derived from both, so that any byte out of place is found.  Frames go
 * out in windows of 8 and each window is waited for, so that no ring
 * overflows under emulation.  Prints one summary line; exit 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "test_frame.h"

#define WINDOW		8
#define MAX_FRAME	65536

struct tally {
	uint32_t intact, corrupt, dup, foreign;
};

/*
 * Read test frames until want of them arrived or timeout seconds passed.
 * Each is compared with the frame seq/size/dst/src would give.
 */
static void receive(int fd, uint32_t want, double timeout, uint32_t size,
		    const uint8_t *dst, const uint8_t *src, uint8_t *seen,
		    uint32_t count, struct tally *t)
{
	static uint8_t buf[MAX_FRAME], ref[MAX_FRAME];
	double end = test_now() + timeout;
	uint32_t got = 0;

	while (got < want) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - test_now();
		uint32_t seq;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			return;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (n < 22 || memcmp(buf + ETH_ALEN, src, ETH_ALEN)) {
			t->foreign++;
			continue;
		}
		seq = test_frame_seq(buf);
		test_frame_build(ref, size, seq, dst, src);
		if (seq >= count || (uint32_t)n != size || memcmp(buf, ref, size)) {
			t->corrupt++;
			got++;
			continue;
		}
		if (seen[seq]++) {
			t->dup++;
			continue;
		}
		t->intact++;
		got++;
	}
}

static int open_port(const char *ifname, int *ifindex, uint8_t *mac)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_TEST) };
	struct ifreq ifr;
	int fd, rcvbuf = 4 << 20;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_TEST));
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	*ifindex = if_nametoindex(ifname);
	sll.sll_ifindex = *ifindex;
	/* past rmem_max when root: a burst of jumbo frames must all fit */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t frame[MAX_FRAME];
	uint8_t me[ETH_ALEN], other[ETH_ALEN], *seen;
	struct tally t = { 0 };
	uint32_t count, size, seq, sent = 0;
	const char *mode;
	int fd, ifindex;

	if (argc != 6) {
		fprintf(stderr, "usage: xdp_frames reflect|send|none|expect IFACE MAC COUNT SIZE\n");
		return 2;
	}
	mode = argv[1];
	count = strtoul(argv[4], NULL, 0);
	size = strtoul(argv[5], NULL, 0);
	if (test_parse_mac(argv[3], other) || size < 60 || size > MAX_FRAME || !count) {
		fprintf(stderr, "xdp_frames: bad MAC, count or size\n");
		return 2;
	}
	fd = open_port(argv[2], &ifindex, me);
	if (fd < 0) {
		fprintf(stderr, "xdp_frames: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	seen = calloc(count, 1);
	if (!seen)
		return 1;

	if (!strcmp(mode, "expect")) {
		/* frames from other, any destination: compare the header as received */
		static uint8_t buf[MAX_FRAME];
		double end = test_now() + 10;

		while (t.intact + t.corrupt < count && test_now() < end) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			uint8_t dst[ETH_ALEN];
			ssize_t n;

			if (poll(&p, 1, 200) <= 0)
				continue;
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
			if (n < 14) {
				recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
				continue;
			}
			memcpy(dst, buf, ETH_ALEN);
			receive(fd, 1, 1, size, dst, other, seen, count, &t);
		}
		printf("expect %s: %u intact, %u corrupt, %u duplicate of %u\n",
		       argv[2], t.intact, t.corrupt, t.dup, count);
		return t.intact == count && !t.corrupt && !t.dup ? 0 : 1;
	}

	for (seq = 0; seq < count; seq += WINDOW) {
		uint32_t k, n = count - seq < WINDOW ? count - seq : WINDOW;

		for (k = 0; k < n; k++) {
			struct sockaddr_ll to = { .sll_family = AF_PACKET,
						  .sll_ifindex = ifindex,
						  .sll_halen = ETH_ALEN };

			memcpy(to.sll_addr, other, ETH_ALEN);
			test_frame_build(frame, size, seq + k, other, me);
			if (sendto(fd, frame, size, 0, (struct sockaddr *)&to,
				   sizeof(to)) != (ssize_t)size) {
				fprintf(stderr, "xdp_frames: send: %s\n", strerror(errno));
				return 1;
			}
			sent++;
		}
		/* what comes back has the addresses swapped */
		if (!strcmp(mode, "reflect"))
			receive(fd, n, 3, size, me, other, seen, count, &t);
		else if (!strcmp(mode, "none"))
			receive(fd, n, 0.2, size, me, other, seen, count, &t);
	}
	if (!strcmp(mode, "send")) {
		printf("send %s: %u frames of %u bytes\n", argv[2], sent, size);
		return 0;
	}
	if (!strcmp(mode, "none")) {
		receive(fd, count, 1, size, me, other, seen, count, &t);
		printf("none %s: %u sent, %u came back\n", argv[2], sent,
		       t.intact + t.corrupt + t.dup);
		return t.intact + t.corrupt + t.dup ? 1 : 0;
	}
	printf("reflect %s: %u sent, %u intact, %u corrupt, %u duplicate, %u missing (%u bytes each)\n",
	       argv[2], sent, t.intact, t.corrupt, t.dup, count - t.intact, size);
	return t.intact == count && !t.corrupt && !t.dup ? 0 : 1;
}
