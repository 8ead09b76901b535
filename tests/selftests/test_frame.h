/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test frames of xdp_frames and xsk_frames: EtherType 0x88b5 (IEEE 802
 * local experimental), a sequence number, the frame's size and a pattern
 * derived from both, so that any byte out of place shows.
 */
#ifndef SGNIC_TEST_FRAME_H
#define SGNIC_TEST_FRAME_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/if_ether.h>

#define ETH_P_TEST	0x88b5
#define TEST_HDR_LEN	22	/* Ethernet header, sequence, size */

static inline uint8_t test_pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31 + i * 7 + (i >> 8));
}

static inline void test_frame_build(uint8_t *f, uint32_t size, uint32_t seq,
				    const uint8_t *dst, const uint8_t *src)
{
	uint32_t i, be;

	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = ETH_P_TEST >> 8;
	f[13] = ETH_P_TEST & 0xff;
	be = htonl(seq);
	memcpy(f + 14, &be, 4);
	be = htonl(size);
	memcpy(f + 18, &be, 4);
	for (i = TEST_HDR_LEN; i < size; i++)
		f[i] = test_pattern(seq, i);
}

static inline uint32_t test_frame_seq(const uint8_t *f)
{
	uint32_t be;

	memcpy(&be, f + 14, 4);
	return ntohl(be);
}

static inline int test_is_frame(const uint8_t *f, size_t len)
{
	return len >= TEST_HDR_LEN && f[12] == (ETH_P_TEST >> 8) &&
	       f[13] == (ETH_P_TEST & 0xff);
}

static inline int test_parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static inline double test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* SGNIC_TEST_FRAME_H */
