// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic-stream: send one TCP stream of a known pseudo-random sequence and
 * check it on the other side byte by byte, measuring the longest pause in
 * it: the tool of the live-migration checks, run in a busybox-only guest
 * (so built static, with no name lookup: addresses are dotted IPv4).
 *
 * Byte OFF of the sequence is byte OFF % 8 (least significant first) of
 * splitmix64(SEED + (OFF / 8 + 1) * gamma): any byte lost, duplicated,
 * reordered or altered shows at its exact offset.
 *
 *   sgnic-stream recv [-b ADDR] -p PORT -n BYTES [-s SEED] [-t TIMEOUT_S]
 *   sgnic-stream send -c ADDR -p PORT -n BYTES [-s SEED] [-r MBIT | -d SECS]
 *
 * Exit status: recv 0 exactly BYTES arrived and all matched, 1 a bad byte
 * or a stream too short or too long, 2 no progress for TIMEOUT_S, bad usage
 * or a local error; send 0 all sent and the peer closed, 1 the connection
 * broke or the peer closed before taking all, 2 no connection within 30 s,
 * no progress, bad usage or a local error.
 */
#define _GNU_SOURCE		/* accept4() */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sgnic_cli.h"

const char *const sgnic_cli_prog = "sgnic-stream";

#define EXIT_STREAM_BAD		1
/* No progress: the test could not be judged, as with bad usage. */
#define EXIT_TIMEOUT		SGNIC_EXIT_USAGE

/* splitmix64 (Steele, Lea, Flood 2014): the increment and the finaliser. */
#define SPLITMIX_GAMMA		0x9e3779b97f4a7c15ull
#define SPLITMIX_MUL1		0xbf58476d1ce4e5b9ull
#define SPLITMIX_MUL2		0x94d049bb133111ebull

#define NS_PER_S		1000000000ll
#define NS_PER_MS		1000000ll
#define BITS_PER_BYTE		8
#define BITS_PER_MBIT		1000000.0

/* Bytes per read or write. */
#define CHUNK_BYTES		65536u
/* A paced sender writes in slices of this many per second. */
#define PACE_SLICES_PER_S	100
/* A gap between two reads longer than this is counted. */
#define GAP_COUNT_MS		100
/* send retries refused or failed connections this long... */
#define CONNECT_WINDOW_S	30
/* ...this often */
#define CONNECT_RETRY_MS	100

#define DEFAULT_TIMEOUT_S	300
#define DEFAULT_INTERVAL_S	1

/* Limits that keep the pacing arithmetic inside 64-bit nanoseconds. */
#define MAX_BYTES		(1ull << 48)
#define MAX_RATE_MBIT		1000000
#define MAX_DURATION_S		1000000
#define MAX_TIMEOUT_S		1000000
#define MAX_INTERVAL_S		3600
#define MAX_PAUSE_MS		3600000

enum mode { MODE_RECV, MODE_SEND };

struct options {
	enum mode mode;
	struct sockaddr_in addr;
	bool has_addr;
	bool has_port;
	bool has_bytes;
	uint64_t bytes;
	uint64_t seed;
	uint64_t timeout_s;
	uint64_t rate_mbit;		/* 0: not paced by rate */
	uint64_t duration_s;		/* 0: not paced by duration */
	uint64_t interval_s;		/* 0: no progress lines */
	bool has_corrupt;
	uint64_t corrupt_at;
	bool has_pause;
	uint64_t pause_at;
	uint64_t pause_ms;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s recv [-b ADDR] -p PORT -n BYTES [-s SEED] [-t TIMEOUT_S] [-v]\n"
		"       %s send -c ADDR -p PORT -n BYTES [-s SEED] [-r MBIT | -d SECS]\n"
		"                        [-t TIMEOUT_S] [-v] [--pause-at OFF:MS] [--corrupt-at OFF]\n"
		"\n"
		"Send a TCP stream of BYTES pseudo-random bytes derived from SEED, or\n"
		"receive one and check every byte, measuring the longest gap between\n"
		"two reads.  Each prints one summary line on stdout.  ADDR is dotted\n"
		"IPv4; numbers are decimal or 0x hexadecimal.\n"
		"\n"
		"  -b, --bind ADDR        recv: listen on ADDR (default 0.0.0.0)\n"
		"  -c, --connect ADDR     send: connect to ADDR (retried for %d s)\n"
		"  -p, --port PORT        the TCP port; recv -p 0 takes a free one\n"
		"  -n, --bytes BYTES      length of the stream, 1..2^48\n"
		"  -s, --seed SEED        the sequence (default 0)\n"
		"  -t, --timeout SECS     give up after SECS without progress\n"
		"                         (default %d, 0 never)\n"
		"  -r, --rate MBIT        send: pace to MBIT megabit/s\n"
		"  -d, --duration SECS    send: pace so that the stream takes SECS\n"
		"  -v, --verbose          a progress line on stderr every second\n"
		"  -i, --interval SECS    ... every SECS seconds (implies -v)\n"
		"  --pause-at OFF:MS      send, for tests: stop MS ms once at offset OFF\n"
		"  --corrupt-at OFF       send, for tests: invert the byte at offset OFF\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: recv 0 all BYTES arrived and matched, 1 a bad byte, too\n"
		"few or too many; send 0 sent and closed by the peer, 1 connection\n"
		"broken; both 2 timeout, no connection, bad usage or a local error.\n",
		sgnic_cli_prog, sgnic_cli_prog, CONNECT_WINDOW_S, DEFAULT_TIMEOUT_S);
}

/* ---- The sequence ------------------------------------------------------------ */

static uint64_t stream_word(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed + (idx + 1) * SPLITMIX_GAMMA;

	z = (z ^ (z >> 30)) * SPLITMIX_MUL1;
	z = (z ^ (z >> 27)) * SPLITMIX_MUL2;
	return z ^ (z >> 31);
}

/* The LEN bytes of the sequence from offset OFF. */
static void stream_fill(uint64_t seed, uint64_t off, uint8_t *buf, size_t len)
{
	while (len) {
		uint64_t w = stream_word(seed, off / sizeof(w));
		unsigned int b;

		for (b = off % sizeof(w); b < sizeof(w) && len; b++, len--, off++)
			*buf++ = (uint8_t)(w >> (BITS_PER_BYTE * b));
	}
}

/* ---- Time ------------------------------------------------------------------ */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static double secs(int64_t ns)
{
	return (double)ns / NS_PER_S;
}

static double msecs(int64_t ns)
{
	return (double)ns / NS_PER_MS;
}

static double mbit_per_s(uint64_t bytes, int64_t ns)
{
	return ns > 0 ? (double)bytes * BITS_PER_BYTE / BITS_PER_MBIT / secs(ns) : 0.0;
}

static void sleep_until(int64_t t)
{
	struct timespec ts = { .tv_sec = t / NS_PER_S, .tv_nsec = t % NS_PER_S };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * Progress lines on stderr every interval, from whichever loop is waiting:
 * "sgnic-stream: send t=12.0 bytes=N mbps=M", the rate since the last line.
 */
struct meter {
	const char *what;
	int64_t t0;
	int64_t interval;	/* 0: quiet */
	int64_t next;
	int64_t last_t;
	uint64_t last_bytes;
};

static void meter_start(struct meter *m, const char *what, const struct options *o,
			int64_t t0)
{
	m->what = what;
	m->t0 = t0;
	m->interval = (int64_t)o->interval_s * NS_PER_S;
	m->next = t0 + m->interval;
	m->last_t = t0;
	m->last_bytes = 0;
}

static void meter_tick(struct meter *m, int64_t now, uint64_t bytes)
{
	if (!m->interval || now < m->next)
		return;
	fprintf(stderr, "%s: %s t=%.1f bytes=%" PRIu64 " mbps=%.3f\n", sgnic_cli_prog,
		m->what, secs(now - m->t0), bytes,
		mbit_per_s(bytes - m->last_bytes, now - m->last_t));
	m->last_t = now;
	m->last_bytes = bytes;
	while (m->next <= now)
		m->next += m->interval;
}

/* ---- Waiting ------------------------------------------------------------------ */

/* Wait until FD has one of EVENTS (or an error) or time UNTIL; true if ready. */
static bool wait_fd(int fd, short events, int64_t until)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = until - now_ns();
		int ms = -1;
		int r;

		if (until != INT64_MAX && left <= 0)
			return false;
		if (until != INT64_MAX)
			ms = left / NS_PER_MS >= INT_MAX ? INT_MAX :
			     (int)((left + NS_PER_MS - 1) / NS_PER_MS);
		r = poll(&p, 1, ms);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
	}
}

/*
 * Wait for FD as wait_fd() does while printing M's progress (at BYTES), but
 * give up TIMEOUT_S after the last progress at time SINCE; true if ready.
 */
static bool wait_progress(int fd, short events, const struct options *o, int64_t since,
			  struct meter *m, uint64_t bytes)
{
	int64_t deadline = o->timeout_s ? since + (int64_t)o->timeout_s * NS_PER_S :
			   INT64_MAX;

	for (;;) {
		int64_t now = now_ns();
		int64_t until = deadline;

		meter_tick(m, now, bytes);
		if (now >= deadline)
			return false;
		if (m->interval && m->next < until)
			until = m->next;
		if (wait_fd(fd, events, until))
			return true;
	}
}

/* ---- Sockets ------------------------------------------------------------------ */

static const char *addr_str(const struct sockaddr_in *sa)
{
	static char s[INET_ADDRSTRLEN + sizeof(":65535")];
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
	snprintf(s, sizeof(s), "%s:%u", a, ntohs(sa->sin_port));
	return s;
}

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

static int listen_on(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int one = 1;
	int fd = tcp_socket();

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)))
		die("bind %s: %s", addr_str(sa), strerror(errno));
	if (listen(fd, 1))
		die("listen on %s: %s", addr_str(sa), strerror(errno));
	/* -p 0: the port the kernel chose */
	if (getsockname(fd, (struct sockaddr *)sa, &len))
		die("getsockname: %s", strerror(errno));
	return fd;
}

/*
 * Connect to SA, trying again every CONNECT_RETRY_MS for CONNECT_WINDOW_S:
 * the listener may not be up yet.  Dies with the last error after that.
 */
static int connect_retry(const struct sockaddr_in *sa)
{
	int64_t end = now_ns() + CONNECT_WINDOW_S * NS_PER_S;
	int last_err = ETIMEDOUT;	/* what the message names at the end */

	for (;;) {
		int fd = tcp_socket();
		socklen_t len = sizeof(int);
		int err;

		if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
			return fd;
		err = errno;
		/* in progress: its outcome, unless the window closes first */
		if (err == EINPROGRESS || err == EINTR) {
			err = 0;
			if (!wait_fd(fd, POLLOUT, end))
				err = -1;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
				die("SO_ERROR: %s", strerror(errno));
			if (!err)
				return fd;
		}
		close(fd);
		if (err > 0)
			last_err = err;
		if (now_ns() >= end)
			die("send: no connection to %s in %d s: %s", addr_str(sa),
			    CONNECT_WINDOW_S, strerror(last_err));
		sleep_until(now_ns() + CONNECT_RETRY_MS * NS_PER_MS);
	}
}

/* What a broken connection is called in the summary. */
static const char *conn_error(int err)
{
	return err == ECONNRESET || err == EPIPE ? "reset" : "error";
}

/* The exit status of a summary's result word. */
static int exit_status(const char *result)
{
	if (!strcmp(result, "ok"))
		return 0;
	return !strcmp(result, "timeout") ? EXIT_TIMEOUT : EXIT_STREAM_BAD;
}

/* ---- recv ------------------------------------------------------------------ */

struct recv_stats {
	int64_t t0;		/* accepted (listening, if nothing connected) */
	int64_t t_end;
	int64_t t_last;		/* of the last read that returned data */
	bool have_read;
	uint64_t got;
	int64_t first_bad;	/* -1: none */
	int64_t stall;		/* longest gap between two reads */
	int64_t stall_at;	/* offset of the first byte after it, -1: none */
	int64_t stall_t;	/* its start, from t0 */
	int64_t stall2;		/* second longest */
	unsigned int gaps;	/* longer than GAP_COUNT_MS */
};

static void recv_gap(struct recv_stats *st, int64_t now)
{
	int64_t gap;

	if (!st->have_read)
		return;
	gap = now - st->t_last;
	if (gap > GAP_COUNT_MS * NS_PER_MS)
		st->gaps++;
	if (gap > st->stall) {
		st->stall2 = st->stall;
		st->stall = gap;
		st->stall_at = (int64_t)st->got;
		st->stall_t = st->t_last - st->t0;
	} else if (gap > st->stall2) {
		st->stall2 = gap;
	}
}

/*
 * Check the LEN bytes read at offset st->got against the sequence; false
 * (and first_bad set, the byte named on stderr) at the first that differs.
 */
static bool recv_verify(const struct options *o, struct recv_stats *st,
			const uint8_t *buf, size_t len)
{
	static uint8_t want[CHUNK_BYTES];
	size_t i;

	stream_fill(o->seed, st->got, want, len);
	if (!memcmp(buf, want, len))
		return true;
	for (i = 0; buf[i] == want[i]; i++)
		;
	st->first_bad = (int64_t)(st->got + i);
	fprintf(stderr, "%s: recv: bad byte at offset %" PRId64 ": expected 0x%02x, got 0x%02x\n",
		sgnic_cli_prog, st->first_bad, want[i], buf[i]);
	return false;
}

/* Read and check the stream on FD; the result word of the summary. */
static const char *recv_stream(int fd, const struct options *o, struct recv_stats *st)
{
	static uint8_t buf[CHUNK_BYTES];
	struct meter m;

	meter_start(&m, "recv", o, st->t0);
	for (;;) {
		/* once all BYTES are in, only the EOF should follow */
		size_t len = o->bytes - st->got < CHUNK_BYTES ?
			     (size_t)(o->bytes - st->got) : CHUNK_BYTES;
		ssize_t r = recv(fd, buf, len ? len : CHUNK_BYTES, 0);
		int64_t now = now_ns();

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_progress(fd, POLLIN, o, st->have_read ? st->t_last : st->t0,
					  &m, st->got))
				continue;
			/* the gap still open counts as one */
			recv_gap(st, now_ns());
			fprintf(stderr, "%s: recv: no data for %" PRIu64
				" s at offset %" PRIu64 "\n", sgnic_cli_prog, o->timeout_s,
				st->got);
			return "timeout";
		}
		if (r < 0) {
			fprintf(stderr, "%s: recv: at offset %" PRIu64 ": %s\n", sgnic_cli_prog,
				st->got, strerror(errno));
			return conn_error(errno);
		}
		if (!r)
			return st->got < o->bytes ? "short" : "ok";

		recv_gap(st, now);
		st->t_last = now;
		st->have_read = true;
		if (!len) {
			st->got += (uint64_t)r;
			return "extra";
		}
		if (!recv_verify(o, st, buf, (size_t)r)) {
			st->got += (uint64_t)r;
			return "mismatch";
		}
		st->got += (uint64_t)r;
		meter_tick(&m, now, st->got);
	}
}

static int do_recv(const struct options *o)
{
	struct recv_stats st = { .first_bad = -1, .stall_at = -1 };
	struct sockaddr_in sa = o->addr;
	struct meter m;
	const char *result;
	int lfd, fd;

	lfd = listen_on(&sa);
	/* scripts wait for this line, and read the port from it for -p 0 */
	fprintf(stderr, "%s: recv listening on %s\n", sgnic_cli_prog, addr_str(&sa));
	st.t0 = now_ns();
	meter_start(&m, "recv", o, st.t0);
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			st.t0 = now_ns();
			result = recv_stream(fd, o, &st);
			close(fd);
			break;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			die("accept on %s: %s", addr_str(&sa), strerror(errno));
		if (!wait_progress(lfd, POLLIN, o, st.t0, &m, 0)) {
			fprintf(stderr, "%s: recv: no connection in %" PRIu64 " s\n",
				sgnic_cli_prog, o->timeout_s);
			result = "timeout";
			break;
		}
	}
	close(lfd);
	st.t_end = now_ns();

	printf("%s: recv bytes=%" PRIu64 " expected=%" PRIu64 " ok=%d first_bad=%" PRId64
	       " stall_ms=%.1f stall_at=%" PRId64 " stall_t=%.3f stall2_ms=%.1f gaps_100ms=%u"
	       " secs=%.3f mbps=%.3f result=%s\n", sgnic_cli_prog, st.got, o->bytes,
	       !strcmp(result, "ok"), st.first_bad, msecs(st.stall), st.stall_at,
	       secs(st.stall_t), msecs(st.stall2), st.gaps, secs(st.t_end - st.t0),
	       mbit_per_s(st.got, st.t_end - st.t0), result);
	sgnic_cli_flush();
	return exit_status(result);
}

/* ---- send ------------------------------------------------------------------ */

/*
 * Write LEN bytes to FD, waiting while the socket is full; *sent counts
 * what went out.  NULL when all did, else the result word of the summary.
 */
static const char *send_all(int fd, const struct options *o, const uint8_t *buf,
			    size_t len, uint64_t *sent, int64_t *t_progress, struct meter *m)
{
	while (len) {
		ssize_t r = send(fd, buf, len, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_progress(fd, POLLOUT, o, *t_progress, m, *sent))
				continue;
			fprintf(stderr, "%s: send: stuck for %" PRIu64 " s at offset %" PRIu64 "\n",
				sgnic_cli_prog, o->timeout_s, *sent);
			return "timeout";
		}
		if (r < 0) {
			fprintf(stderr, "%s: send: at offset %" PRIu64 ": %s\n", sgnic_cli_prog,
				*sent, strerror(errno));
			return conn_error(errno);
		}
		buf += r;
		len -= (size_t)r;
		*sent += (uint64_t)r;
		*t_progress = now_ns();
	}
	return NULL;
}

/*
 * After shutdown(SHUT_WR): wait for the peer to close (its EOF).  A peer
 * that read to our end acknowledged all of it, our FIN too, before its own
 * FIN; one that closes with bytes still unacknowledged left early.
 */
static const char *send_wait_close(int fd, const struct options *o, uint64_t sent,
				   int64_t since, struct meter *m)
{
	uint8_t buf[256];

	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		int unacked = 0;

		if (!r && !ioctl(fd, SIOCOUTQ, &unacked) && unacked > 0) {
			fprintf(stderr, "%s: send: the peer closed with %d bytes unacknowledged\n",
				sgnic_cli_prog, unacked);
			return "closed";
		}
		if (!r)
			return "ok";
		if (r > 0 || errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			fprintf(stderr, "%s: send: all sent, then: %s\n", sgnic_cli_prog,
				strerror(errno));
			return conn_error(errno);
		}
		if (!wait_progress(fd, POLLIN, o, since, m, sent)) {
			fprintf(stderr, "%s: send: peer did not close in %" PRIu64 " s\n",
				sgnic_cli_prog, o->timeout_s);
			return "timeout";
		}
	}
}

static int do_send(const struct options *o)
{
	static uint8_t buf[CHUNK_BYTES];
	double rate = 0.0;	/* bytes per second, 0: as fast as it goes */
	size_t chunk = CHUNK_BYTES;
	bool paused = false;
	const char *result = NULL;
	uint64_t sent = 0;
	int64_t t0, t_sched, t_progress;
	struct meter m;
	int fd;

	if (o->rate_mbit)
		rate = (double)o->rate_mbit * BITS_PER_MBIT / BITS_PER_BYTE;
	else if (o->duration_s)
		rate = (double)o->bytes / (double)o->duration_s;
	if (rate > 0.0 && rate / PACE_SLICES_PER_S < chunk)
		chunk = rate / PACE_SLICES_PER_S >= 1.0 ? (size_t)(rate / PACE_SLICES_PER_S) : 1;

	fd = connect_retry(&o->addr);
	t0 = now_ns();
	t_sched = t0;	/* the pacing clock, shifted by the pause */
	t_progress = t0;
	meter_start(&m, "send", o, t0);

	while (sent < o->bytes && !result) {
		uint64_t end = o->bytes - sent < chunk ? o->bytes : sent + chunk;

		if (o->has_pause && !paused && sent == o->pause_at) {
			sleep_until(now_ns() + (int64_t)o->pause_ms * NS_PER_MS);
			t_sched += (int64_t)o->pause_ms * NS_PER_MS;
			t_progress = now_ns();
			paused = true;
		}
		if (o->has_pause && !paused && sent < o->pause_at && end > o->pause_at)
			end = o->pause_at;
		stream_fill(o->seed, sent, buf, end - sent);
		if (o->has_corrupt && o->corrupt_at >= sent && o->corrupt_at < end)
			buf[o->corrupt_at - sent] = ~buf[o->corrupt_at - sent];
		result = send_all(fd, o, buf, end - sent, &sent, &t_progress, &m);
		if (rate > 0.0 && !result)
			sleep_until(t_sched + (int64_t)((double)sent / rate * NS_PER_S));
		meter_tick(&m, now_ns(), sent);
	}
	if (!result) {
		if (shutdown(fd, SHUT_WR))
			die("shutdown: %s", strerror(errno));
		result = send_wait_close(fd, o, sent, now_ns(), &m);
	}
	close(fd);

	t_progress = now_ns();
	printf("%s: send bytes=%" PRIu64 " secs=%.3f mbps=%.3f result=%s\n", sgnic_cli_prog,
	       sent, secs(t_progress - t0), mbit_per_s(sent, t_progress - t0), result);
	sgnic_cli_flush();
	return exit_status(result);
}

/* ---- Options ------------------------------------------------------------------ */

enum {
	OPT_PAUSE_AT = SGNIC_CLI_OPT_FIRST,
	OPT_CORRUPT_AT,
};

static const struct option long_opts[] = {
	{ "bind",	required_argument,	NULL, 'b' },
	{ "connect",	required_argument,	NULL, 'c' },
	{ "port",	required_argument,	NULL, 'p' },
	{ "bytes",	required_argument,	NULL, 'n' },
	{ "seed",	required_argument,	NULL, 's' },
	{ "timeout",	required_argument,	NULL, 't' },
	{ "rate",	required_argument,	NULL, 'r' },
	{ "duration",	required_argument,	NULL, 'd' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "pause-at",	required_argument,	NULL, OPT_PAUSE_AT },
	{ "corrupt-at",	required_argument,	NULL, OPT_CORRUPT_AT },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char short_opts[] = "b:c:p:n:s:t:r:d:vi:";

/* Die unless in MODE: the option NAME belongs to the other one. */
static void mode_only(const struct options *o, enum mode mode, const char *name)
{
	if (o->mode != mode)
		die("%s goes with '%s' (try --help)", name,
		    mode == MODE_RECV ? "recv" : "send");
}

/* The value of option --NAME, ARG, in 1..MAX. */
static uint64_t opt_nonzero(const char *name, const char *arg, uint64_t max)
{
	uint64_t v = sgnic_opt_num(name, arg, max);

	if (!v)
		die("--%s: '%s' is not in 1..%" PRIu64, name, arg, max);
	return v;
}

static void parse_ipv4(const char *name, const char *arg, struct sockaddr_in *sa)
{
	if (inet_pton(AF_INET, arg, &sa->sin_addr) != 1)
		die("--%s: '%s' is not a dotted IPv4 address", name, arg);
}

/* --pause-at OFF:MS */
static void parse_pause(const char *arg, struct options *o)
{
	const char *colon = strchr(arg, ':');
	char off[32];

	if (!colon || (size_t)(colon - arg) >= sizeof(off))
		die("--pause-at: '%s' is not OFFSET:MS", arg);
	memcpy(off, arg, (size_t)(colon - arg));
	off[colon - arg] = '\0';
	o->pause_at = sgnic_opt_num("pause-at offset", off, MAX_BYTES);
	o->pause_ms = sgnic_opt_num("pause-at milliseconds", colon + 1, MAX_PAUSE_MS);
	if (!o->pause_ms)
		die("--pause-at: a pause of 0 ms is none");
	o->has_pause = true;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	if (argc < 2)
		die("recv or send? (try --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		exit(0);
	}
	if (!strcmp(argv[1], "recv"))
		o->mode = MODE_RECV;
	else if (!strcmp(argv[1], "send"))
		o->mode = MODE_SEND;
	else
		die("unknown mode '%s': recv or send (try --help)", argv[1]);

	o->addr.sin_family = AF_INET;
	o->addr.sin_addr.s_addr = htonl(INADDR_ANY);
	o->timeout_s = DEFAULT_TIMEOUT_S;
	/* the mode is argv[0] of what getopt sees */
	argc--;
	argv++;
	while ((c = sgnic_cli_getopt_short(argc, argv, short_opts, long_opts, NULL,
					   usage)) != -1) {
		switch (c) {
		case 'b':
			mode_only(o, MODE_RECV, "-b/--bind");
			parse_ipv4("bind", optarg, &o->addr);
			break;
		case 'c':
			mode_only(o, MODE_SEND, "-c/--connect");
			parse_ipv4("connect", optarg, &o->addr);
			o->has_addr = true;
			break;
		case 'p':
			o->addr.sin_port = htons((uint16_t)sgnic_opt_num("port", optarg,
									 UINT16_MAX));
			o->has_port = true;
			break;
		case 'n':
			o->bytes = opt_nonzero("bytes", optarg, MAX_BYTES);
			o->has_bytes = true;
			break;
		case 's':
			o->seed = sgnic_opt_num("seed", optarg, UINT64_MAX);
			break;
		case 't':
			o->timeout_s = sgnic_opt_num("timeout", optarg, MAX_TIMEOUT_S);
			break;
		case 'r':
			mode_only(o, MODE_SEND, "-r/--rate");
			o->rate_mbit = opt_nonzero("rate", optarg, MAX_RATE_MBIT);
			break;
		case 'd':
			mode_only(o, MODE_SEND, "-d/--duration");
			o->duration_s = opt_nonzero("duration", optarg, MAX_DURATION_S);
			break;
		case 'v':
			if (!o->interval_s)
				o->interval_s = DEFAULT_INTERVAL_S;
			break;
		case 'i':
			o->interval_s = opt_nonzero("interval", optarg, MAX_INTERVAL_S);
			break;
		case OPT_PAUSE_AT:
			mode_only(o, MODE_SEND, "--pause-at");
			parse_pause(optarg, o);
			break;
		case OPT_CORRUPT_AT:
			mode_only(o, MODE_SEND, "--corrupt-at");
			o->corrupt_at = sgnic_opt_num("corrupt-at", optarg, MAX_BYTES);
			o->has_corrupt = true;
			break;
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (try --help)", argv[optind]);
	if (o->mode == MODE_SEND && !o->has_addr)
		die("send needs -c ADDR (try --help)");
	if (!o->has_port)
		die("%s needs -p PORT (try --help)", argv[0]);
	if (o->mode == MODE_SEND && !o->addr.sin_port)
		die("--port: send needs a port in 1..65535");
	if (!o->has_bytes)
		die("%s needs -n BYTES (try --help)", argv[0]);
	if (o->rate_mbit && o->duration_s)
		die("-r and -d both pace the stream: give one");
	if (o->has_pause && o->pause_at >= o->bytes)
		die("--pause-at: offset %" PRIu64 " is not inside the %" PRIu64 " bytes",
		    o->pause_at, o->bytes);
	if (o->has_corrupt && o->corrupt_at >= o->bytes)
		die("--corrupt-at: offset %" PRIu64 " is not inside the %" PRIu64 " bytes",
		    o->corrupt_at, o->bytes);
}

int main(int argc, char **argv)
{
	struct options o = { .mode = MODE_RECV };

	parse_options(argc, argv, &o);
	/* a peer gone is an error to report, not a signal to die of */
	signal(SIGPIPE, SIG_IGN);
	return o.mode == MODE_RECV ? do_recv(&o) : do_send(&o);
}
