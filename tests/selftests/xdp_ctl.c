// SPDX-License-Identifier: GPL-2.0
/*
 * Attach and detach the programs of xdp_progs.bpf.o in native (driver)
 * mode, with libbpf:
 *
 *   xdp_ctl attach IFACE PROG [TARGET]  load PROG and attach it to IFACE;
 *                                       TARGET: where xdp_redirect sends
 *   xdp_ctl detach IFACE                remove IFACE's native program
 *   xdp_ctl id IFACE                    print its id (0: none)
 *   xdp_ctl livegen IFACE DST COUNT     send COUNT 60-byte test frames to
 *                                       the MAC address DST out of IFACE's
 *                                       ndo_xdp_xmit (BPF_PROG_RUN in
 *                                       live-frames mode, as xdp-trafficgen)
 *
 * The object is found next to this program, or at $XDP_OBJ.  A program
 * stays attached after xdp_ctl exits (the kernel holds it).  Errors and
 * the kernel's extack message go to stderr; the exit code is 1.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int ifindex_of(const char *name)
{
	int idx = if_nametoindex(name);

	if (!idx)
		fprintf(stderr, "xdp_ctl: no interface %s\n", name);
	return idx;
}

/*
 * Load the object with only the program called name; NULL on failure.
 * A program whose name ends in "_meta" calls RX metadata kfuncs: it is
 * loaded bound to ifindex, as the kernel requires of those.
 */
static struct bpf_object *load_obj(const char *self, const char *name,
				   struct bpf_program **want, int ifindex)
{
	size_t len = strlen(name);
	char path[PATH_MAX], dir[PATH_MAX];
	const char *obj_path = getenv("XDP_OBJ");
	struct bpf_object *obj;
	struct bpf_program *p;
	int err;

	if (!obj_path) {
		snprintf(dir, sizeof(dir), "%s", self);
		snprintf(path, sizeof(path), "%s/xdp_progs.bpf.o", dirname(dir));
		obj_path = path;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		fprintf(stderr, "xdp_ctl: cannot open %s: %s\n", obj_path, strerror(errno));
		return NULL;
	}
	*want = NULL;
	bpf_object__for_each_program(p, obj) {
		if (!strcmp(bpf_program__name(p), name))
			*want = p;
		else
			bpf_program__set_autoload(p, false);
	}
	if (!*want) {
		fprintf(stderr, "xdp_ctl: no program %s in %s\n", name, obj_path);
		return NULL;
	}
	if (len > 5 && !strcmp(name + len - 5, "_meta")) {
		bpf_program__set_ifindex(*want, ifindex);
		bpf_program__set_flags(*want, bpf_program__flags(*want) |
				       BPF_F_XDP_DEV_BOUND_ONLY);
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "xdp_ctl: loading %s failed: %s\n", name, strerror(-err));
		return NULL;
	}
	return obj;
}

static int attach(const char *self, int ifindex, const char *name,
		  const char *target)
{
	struct bpf_program *want;
	struct bpf_object *obj;
	int err;

	obj = load_obj(self, name, &want, ifindex);
	if (!obj)
		return 1;
	if (target) {
		__u32 key = 0, val = ifindex_of(target);
		struct bpf_map *map = bpf_object__find_map_by_name(obj, "tx_port");

		if (!val || !map ||
		    bpf_map_update_elem(bpf_map__fd(map), &key, &val, 0)) {
			fprintf(stderr, "xdp_ctl: cannot set the redirect target %s\n", target);
			return 1;
		}
	}
	err = bpf_xdp_attach(ifindex, bpf_program__fd(want), XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "xdp_ctl: attaching %s failed: %s\n", name, strerror(-err));
		return 1;
	}
	return 0;
}

static int livegen(const char *self, int ifindex, const char *ifname,
		   const char *dst, unsigned int count)
{
	unsigned char frame[60] = { 0 };
	struct xdp_md ctx = { .data_end = sizeof(frame), .ingress_ifindex = ifindex };
	struct bpf_program *prog;
	struct ifreq ifr;
	int err, fd;
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = count, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (sscanf(dst, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &frame[0], &frame[1],
		   &frame[2], &frame[3], &frame[4], &frame[5]) != 6) {
		fprintf(stderr, "xdp_ctl: bad MAC %s\n", dst);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "xdp_ctl: no MAC for %s\n", ifname);
		return 1;
	}
	memcpy(frame + 6, ifr.ifr_hwaddr.sa_data, 6);
	frame[12] = 0x88;	/* ETH_P_TEST, as xdp_frames */
	frame[13] = 0xb5;
	if (!load_obj(self, "xdp_gen", &prog, 0))
		return 1;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err) {
		fprintf(stderr, "xdp_ctl: live-frames run failed: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	__u32 id = 0;
	int ifindex, err;

	libbpf_set_print(print_libbpf);
	if (argc < 3) {
		fprintf(stderr, "usage: xdp_ctl attach IFACE PROG [TARGET] | detach IFACE | id IFACE | livegen IFACE DST COUNT\n");
		return 2;
	}
	ifindex = ifindex_of(argv[2]);
	if (!ifindex)
		return 1;
	if (!strcmp(argv[1], "attach") && argc >= 4)
		return attach(argv[0], ifindex, argv[3], argc > 4 ? argv[4] : NULL);
	if (!strcmp(argv[1], "livegen") && argc == 5)
		return livegen(argv[0], ifindex, argv[2], argv[3], strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "detach")) {
		err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			fprintf(stderr, "xdp_ctl: detach failed: %s\n", strerror(-err));
		return !!err;
	}
	if (!strcmp(argv[1], "id")) {
		err = bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id);
		if (err) {
			fprintf(stderr, "xdp_ctl: query failed: %s\n", strerror(-err));
			return 1;
		}
		printf("%u\n", id);
		return 0;
	}
	fprintf(stderr, "xdp_ctl: unknown command %s\n", argv[1]);
	return 2;
}
