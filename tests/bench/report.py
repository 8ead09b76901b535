#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn one scripts/bench.sh run directory into tables, JSON, CSV and chart data.

    report.py RUNDIR OUTDIR

RUNDIR/raw/rN-CONFIG.log holds the guest's lines (host timestamp first),
RUNDIR/raw/rN-CONFIG.cpu the host's samples of QEMU's CPU time at each
@@MARK.  Writes OUTDIR/bench.txt (also printed), bench.json, bench.csv
(one row per repetition and configuration), bench-summary.csv,
bench-chart.dat and bench-chart.title for tests/bench/chart.gp.
"""
import csv
import json
import os
import re
import statistics
import sys

CONFIG_ORDER = ["sgnic-sg-wb", "sgnic-sg-irq", "sgnic-single-wb", "sgnic-single-irq",
                "igb", "e1000e", "virtio", "veth"]
LABELS = {
    "sgnic-sg-wb": "sgnic sg/wb", "sgnic-sg-irq": "sgnic sg/irq",
    "sgnic-single-wb": "sgnic single/wb", "sgnic-single-irq": "sgnic single/irq",
    "igb": "igb", "e1000e": "e1000e", "virtio": "virtio-net", "veth": "veth",
}
SGNIC = [c for c in CONFIG_ORDER if c.startswith("sgnic-")]


def order_key(c):
    """Configurations in CONFIG_ORDER; a variant CONFIG@NAME after its base."""
    base, _, var = c.partition("@")
    return (CONFIG_ORDER.index(base) if base in CONFIG_ORDER else len(CONFIG_ORDER), base, var)


def label(c):
    base, _, var = c.partition("@")
    return LABELS.get(base, base) + (" @" + var if var else "")

# metric: (heading, unit, format, higher is better)
METRICS = {
    "tcp1500": ("TCP 1500", "Mbit/s", "{:.0f}", True),
    "tcp1500_tx": ("TCP 1500 ->", "Mbit/s", "{:.0f}", True),
    "tcp1500_rx": ("TCP 1500 <-", "Mbit/s", "{:.0f}", True),
    "tcpjumbo": ("TCP jumbo", "Mbit/s", "{:.0f}", True),
    "tcpjumbo_tx": ("TCP jumbo ->", "Mbit/s", "{:.0f}", True),
    "tcpjumbo_rx": ("TCP jumbo <-", "Mbit/s", "{:.0f}", True),
    "jumbo_mtu": ("jumbo MTU", "", "{:.0f}", True),
    "udp64_kpps": ("UDP 64B", "kpps", "{:.2f}", True),
    "udp64_loss_pct": ("UDP loss", "%", "{:.1f}", False),
    "ping_ms": ("ping", "ms", "{:.2f}", False),
    "xdp_drop_kpps": ("XDP_DROP 64B", "kpps", "{:.1f}", True),
    "xdp_tx_kpps": ("XDP_TX 64B", "kpps", "{:.1f}", True),
    "xdp_redirect_kpps": ("XDP_REDIRECT 64B", "kpps", "{:.1f}", True),
    "xdp_redirect_peer_kpps": ("REDIRECT at peer", "kpps", "{:.1f}", True),
    "xsk_rxdrop_kpps": ("AF_XDP rxdrop 64B", "kpps", "{:.1f}", True),
    "xsk_l2fwd_kpps": ("AF_XDP l2fwd 64B", "kpps", "{:.1f}", True),
    "xdp_src_kpps": ("pktgen source", "kpps", "{:.1f}", True),
    "cpu_s_per_gb": ("CPU/GB", "s/GB", "{:.1f}", False),
    "cpu_s_per_gb_jumbo": ("CPU/GB jumbo", "s/GB", "{:.1f}", False),
    "cpu_us_per_pkt_udp": ("CPU/pkt UDP", "us", "{:.0f}", False),
    "cpu_us_per_frame_tcp": ("CPU/frame TCP", "us", "{:.1f}", False),
    "irq_per_pkt": ("irq/pkt", "", "{:.3f}", False),
    "irq_per_pkt_udp": ("irq/pkt UDP", "", "{:.3f}", False),
    "mmio_per_pkt": ("MMIO/pkt", "", "{:.3f}", False),
    "doorbells_per_pkt": ("doorbells/pkt", "", "{:.3f}", False),
    "writebacks_per_pkt": ("writebacks/pkt", "", "{:.3f}", False),
    "dev_irqs_per_pkt": ("dev irqs/pkt", "", "{:.3f}", False),
    "mmio_per_pkt_udp": ("MMIO/pkt UDP", "", "{:.3f}", False),
    "doorbells_per_pkt_udp": ("doorbells/pkt UDP", "", "{:.3f}", False),
    "writebacks_per_pkt_udp": ("writebacks/pkt UDP", "", "{:.3f}", False),
    "insn_pkt_udp": ("insn/pkt UDP", "", "{:.0f}", False),
    "insn_pkt_udp_driver": ("driver insn/pkt UDP", "", "{:.0f}", False),
    "insn_pkt_udp_kernel": ("kernel insn/pkt UDP", "", "{:.0f}", False),
    "insn_pkt_udp_user": ("user insn/pkt UDP", "", "{:.0f}", False),
    "insn_pkt_udp_over_veth": ("insn/pkt UDP above veth", "", "{:.0f}", False),
    "insn_rr": ("insn/RR", "", "{:.0f}", False),
    "insn_rr_driver": ("driver insn/RR", "", "{:.0f}", False),
    "insn_rr_over_veth": ("insn/RR above veth", "", "{:.0f}", False),
    "insn_gb_tcp": ("Minsn/GB TCP", "", "{:.0f}", False),
    "insn_gb_tcp_driver": ("driver Minsn/GB TCP", "", "{:.1f}", False),
    "insn_gb_tcp_kernel": ("kernel Minsn/GB TCP", "", "{:.0f}", False),
    "insn_gb_tcp_user": ("user Minsn/GB TCP", "", "{:.1f}", False),
    "insn_gb_jumbo": ("Minsn/GB jumbo", "", "{:.0f}", False),
    "insn_gb_jumbo_driver": ("driver Minsn/GB jumbo", "", "{:.1f}", False),
    "host_other_cores": ("other load", "cores", "{:.2f}", False),
    "host_steal_pct": ("steal", "%", "{:.1f}", False),
}
MAIN_TABLE = ["tcp1500_tx", "tcp1500_rx", "tcpjumbo_tx", "tcpjumbo_rx", "udp64_kpps",
              "ping_ms", "cpu_s_per_gb", "irq_per_pkt"]
COST_TABLE = ["cpu_s_per_gb", "cpu_s_per_gb_jumbo", "cpu_us_per_frame_tcp", "cpu_us_per_pkt_udp",
              "irq_per_pkt", "irq_per_pkt_udp", "mmio_per_pkt", "doorbells_per_pkt",
              "writebacks_per_pkt", "mmio_per_pkt_udp", "doorbells_per_pkt_udp",
              "writebacks_per_pkt_udp"]
XDP_TABLE = ["xdp_drop_kpps", "xdp_tx_kpps", "xdp_src_kpps"]
INSN_TABLE = ["insn_rr", "insn_rr_over_veth", "insn_rr_driver",
              "insn_pkt_udp", "insn_pkt_udp_over_veth", "insn_pkt_udp_driver", "insn_pkt_udp_kernel",
              "insn_pkt_udp_user", "insn_gb_tcp", "insn_gb_tcp_driver", "insn_gb_jumbo",
              "insn_gb_jumbo_driver"]
# Instruction counts should repeat: the report states the spread of these.
INSN_REPEAT = ["insn_rr", "insn_rr_driver", "insn_pkt_udp", "insn_pkt_udp_driver", "insn_gb_tcp",
               "insn_gb_tcp_driver"]
# AF_XDP cells carry the socket's mode (zc, copy) of the boots they summarise.
XDP_MORE_TABLE = ["xdp_redirect_kpps", "xdp_redirect_peer_kpps", "xsk_rxdrop_kpps", "xsk_l2fwd_kpps"]
XSK_TESTS = {"xsk_rxdrop_kpps": "xsk_rxdrop", "xsk_l2fwd_kpps": "xsk_l2fwd"}
RATIO_METRICS = ["tcp1500", "tcpjumbo", "udp64_kpps", "ping_ms", "cpu_s_per_gb", "irq_per_pkt",
                 "xdp_drop_kpps", "xdp_tx_kpps", "xdp_redirect_kpps", "xsk_rxdrop_kpps",
                 "xsk_l2fwd_kpps"]
CHART = [("tcp1500", "TCP MTU 1500, Mbit/s (mean of both directions)"),
         ("tcpjumbo", "TCP MTU 9000, Mbit/s (mean of both directions)"),
         ("udp64_kpps", "UDP 64-byte payload, kpps received"),
         ("ping_ms", "ping, average RTT in ms"),
         ("cpu_s_per_gb", "QEMU CPU-seconds per GB (TCP 1500)"),
         ("irq_per_pkt", "guest interrupts per frame (TCP 1500)")]


def parse_kv(words):
    out = {}
    for w in words:
        k, sep, v = w.partition("=")
        if not sep:
            continue
        try:
            out[k] = int(v) if re.fullmatch(r"-?[0-9]+", v) else float(v)
        except ValueError:
            out[k] = v
    return out


def read_run(rundir):
    """Return (meta dict, {(rep, cfg): {"info":…, "res": {test: …}, "cpu": …, "errors": […]}})."""
    meta = {}
    with open(os.path.join(rundir, "meta.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    clk = float(meta.get("clk_tck", 100))
    boots = {}
    raw = os.path.join(rundir, "raw")
    for name in sorted(os.listdir(raw)):
        m = re.match(r"r(\d+)-(.+)\.log$", name)
        if not m:
            continue
        rep, cfg = int(m.group(1)), m.group(2)
        b = {"info": {}, "res": {}, "cpu": {}, "errors": [], "host": [], "insns": {}}
        ipath = os.path.join(raw, name[:-4] + ".insns.json")
        if os.path.exists(ipath):
            with open(ipath) as f:
                b["insns"] = json.load(f)
        with open(os.path.join(raw, name), errors="replace") as f:
            for line in f:
                ts, _, rest = line.rstrip("\n").partition(" ")
                for tag in ("@@INFO ", "@@RES ", "@@ERR ", "@@HOST "):
                    i = rest.find(tag)
                    if i >= 0:
                        body = rest[i + len(tag):]
                        break
                else:
                    continue
                if tag == "@@INFO ":
                    b["info"].update(parse_kv(body.split()))
                elif tag == "@@RES ":
                    words = body.split()
                    if words:
                        b["res"][words[0]] = parse_kv(words[1:])
                elif tag == "@@ERR ":
                    b["errors"].append(body)
                else:
                    b["host"].append(body)
        cpufile = os.path.join(raw, name[:-4] + ".cpu")
        marks = {}
        if os.path.exists(cpufile):
            with open(cpufile) as f:
                for line in f:
                    w = line.split()
                    if len(w) != 8 or "-" in w[3:]:
                        continue
                    marks.setdefault(w[0], {})[w[1]] = [float(x) for x in w[2:]]
        for test, ph in marks.items():
            if "begin" not in ph or "end" not in ph:
                continue
            a, z = ph["begin"], ph["end"]
            wall = z[0] - a[0]
            qemu = (z[1] + z[2] - a[1] - a[2]) / clk
            busy = (z[3] - a[3]) / clk
            idle = (z[4] - a[4]) / clk
            steal = (z[5] - a[5]) / clk
            total = busy + idle + steal
            b["cpu"][test] = {
                "wall_s": wall, "qemu_cpu_s": qemu,
                "host_other_cores": max(0.0, busy - qemu) / wall if wall > 0 else None,
                "host_steal_pct": 100.0 * steal / total if total > 0 else None,
            }
        boots[(rep, cfg)] = b
    return meta, boots


def div(a, b):
    return a / b if a is not None and b else None


def boot_metrics(b):
    """The figures of one boot (one configuration, one repetition)."""
    res, cpu = b["res"], b["cpu"]
    m = {}

    def mbps(t):
        return res[t]["bps"] / 1e6 if t in res and "bps" in res[t] else None

    for t in ("tcp1500_tx", "tcp1500_rx", "tcpjumbo_tx", "tcpjumbo_rx"):
        m[t] = mbps(t)
    for base in ("tcp1500", "tcpjumbo"):
        a, z = m[base + "_tx"], m[base + "_rx"]
        m[base] = (a + z) / 2 if a is not None and z is not None else None
    m["jumbo_mtu"] = b["info"].get("jumbo_mtu")

    u = res.get("udp64")
    if u and u.get("secs"):
        m["udp64_kpps"] = u["rx_pkts"] / u["secs"] / 1e3
        sent = u["rx_pkts"] + u["lost"]
        m["udp64_loss_pct"] = 100.0 * u["lost"] / sent if sent else None
    p = res.get("ping")
    if p and "rtt_avg" in p:
        m["ping_ms"] = p["rtt_avg"]
    # xdp-bench's average over the run; pktgen's rate as it reported it
    for t in ("xdp_drop", "xdp_tx"):
        if res.get(t, {}).get("pps"):
            m[t + "_kpps"] = res[t]["pps"] / 1e3
    if res.get("xdp_drop", {}).get("src_pps"):
        m["xdp_src_kpps"] = res["xdp_drop"]["src_pps"] / 1e3
    # the redirect's reflections the remote port received, over the run
    r = res.get("xdp_redirect", {})
    if r.get("pps") and r.get("secs"):
        m["xdp_redirect_kpps"] = r["pps"] / 1e3
        m["xdp_redirect_peer_kpps"] = r.get("p_rx", 0) / r["secs"] / 1e3
    # xsk_bench's rate: frames received (rxdrop) or sent back (l2fwd)
    for k, t in XSK_TESTS.items():
        if res.get(t, {}).get("pps"):
            m[k] = res[t]["pps"] / 1e3

    def frames(r):
        # Every frame on the hub is received by the other port.
        return r.get("l_rx", 0) + r.get("p_rx", 0)

    def pooled(tests, key):
        rs = [res[t] for t in tests if t in res]
        if len(rs) != len(tests):
            return None, None
        return sum(r.get(key, 0) for r in rs), sum(frames(r) for r in rs)

    tcp = ["tcp1500_tx", "tcp1500_rx"]
    jumbo = ["tcpjumbo_tx", "tcpjumbo_rx"]
    if all(t in res and t in cpu for t in tcp):
        gb = sum(res[t]["bytes"] for t in tcp) / 1e9
        cs = sum(cpu[t]["qemu_cpu_s"] for t in tcp)
        m["cpu_s_per_gb"] = div(cs, gb)
        if b["info"].get("driver") != "veth":
            # veth's rx_packets counts GSO packets, not frames.
            _, fr = pooled(tcp, "irqs")
            m["cpu_us_per_frame_tcp"] = div(cs * 1e6, fr)
    if all(t in res and t in cpu for t in jumbo):
        gb = sum(res[t]["bytes"] for t in jumbo) / 1e9
        m["cpu_s_per_gb_jumbo"] = div(sum(cpu[t]["qemu_cpu_s"] for t in jumbo), gb)
    if "udp64" in res and "udp64" in cpu:
        m["cpu_us_per_pkt_udp"] = div(cpu["udp64"]["qemu_cpu_s"] * 1e6, res["udp64"]["rx_pkts"])

    irq, fr = pooled(tcp, "irqs")
    if b["info"].get("config") != "veth" and b["info"].get("driver") != "veth":
        m["irq_per_pkt"] = div(irq, fr)
        if "udp64" in res:
            m["irq_per_pkt_udp"] = div(res["udp64"]["irqs"], frames(res["udp64"]))
    if "hw_mmio_accesses" in res.get("tcp1500_tx", {}):
        for key, name in (("hw_mmio_accesses", "mmio"), ("hw_doorbells", "doorbells"),
                          ("hw_writebacks", "writebacks"), ("hw_irqs", "dev_irqs")):
            v, fr = pooled(tcp, key)
            m[name + "_per_pkt"] = div(v, fr)
            if "udp64" in res:
                m[name + "_per_pkt_udp"] = div(res["udp64"][key], frames(res["udp64"]))

    # Guest instructions (--insns): per datagram received, per GB delivered.
    ins = b["insns"]

    def insn_parts(tests):
        if not all(t in ins for t in tests):
            return None
        tot = {k: sum(ins[t][k] for t in tests) for k in ("user", "kernel", "driver")}
        tot["total"] = tot["user"] + tot["kernel"]
        return tot

    u = insn_parts(["udp64"])
    if u and res.get("udp64", {}).get("rx_pkts"):
        n = res["udp64"]["rx_pkts"]
        m["insn_pkt_udp"] = u["total"] / n
        m["insn_pkt_udp_driver"] = u["driver"] / n
        m["insn_pkt_udp_kernel"] = u["kernel"] / n
        m["insn_pkt_udp_user"] = u["user"] / n
    rr = insn_parts(["rr64"])
    if rr and res.get("rr64", {}).get("rr_done"):
        m["insn_rr"] = rr["total"] / res["rr64"]["rr_done"]
        m["insn_rr_driver"] = rr["driver"] / res["rr64"]["rr_done"]
    for tests, key in ((tcp, "insn_gb_tcp"), (jumbo, "insn_gb_jumbo")):
        t = insn_parts(tests)
        if t and all(x in res for x in tests):
            gb = sum(res[x]["bytes"] for x in tests) / 1e9
            m[key] = div(t["total"] / 1e6, gb)
            m[key + "_driver"] = div(t["driver"] / 1e6, gb)
            if key == "insn_gb_tcp":
                m[key + "_kernel"] = div(t["kernel"] / 1e6, gb)
                m[key + "_user"] = div(t["user"] / 1e6, gb)

    others = [c["host_other_cores"] for c in cpu.values() if c["host_other_cores"] is not None]
    steals = [c["host_steal_pct"] for c in cpu.values() if c["host_steal_pct"] is not None]
    m["host_other_cores"] = statistics.mean(others) if others else None
    m["host_steal_pct"] = statistics.mean(steals) if steals else None
    return {k: v for k, v in m.items() if v is not None}


def summarize(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v),
            "values": v}


def fmt(metric, v):
    if v is None:
        return "n/a"
    f = METRICS.get(metric, ("", "", "{:.3g}", True))[2]
    return f.format(v)


def fmt_cell(metric, s, spread=True):
    if not s:
        return "n/a"
    if not spread or s["n"] == 1:
        return fmt(metric, s["median"])
    return "%s [%s-%s]" % (fmt(metric, s["median"]), fmt(metric, s["min"]), fmt(metric, s["max"]))


def table(headers, rows):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    line = lambda r: "  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i])
                               for i, c in enumerate(r))
    return "\n".join([line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def ratio_stats(per_rep, metric, a, b):
    """Ratio of medians a/b and the spread of the per-repetition ratios."""
    sa = summarize([per_rep[r].get(a, {}).get(metric) for r in per_rep])
    sb = summarize([per_rep[r].get(b, {}).get(metric) for r in per_rep])
    if not sa or not sb or not sb["median"]:
        return None
    reps = [sa_v / sb_v for r in per_rep
            for sa_v, sb_v in [(per_rep[r].get(a, {}).get(metric), per_rep[r].get(b, {}).get(metric))]
            if sa_v is not None and sb_v]
    return {"ratio": sa["median"] / sb["median"], "min": min(reps) if reps else None,
            "max": max(reps) if reps else None, "n": len(reps)}


def write_insn_top(boots, configs, path):
    """Where each model's instructions went: the kernel functions that ran the
    most per UDP datagram and per TCP frame, from the first repetition counted."""
    counted = {}
    for (r, c), b in sorted(boots.items()):
        if b["insns"]:
            counted.setdefault(c, b)
    out = []
    for c in configs:
        b = counted.get(c)
        if not b:
            continue
        for test, per, unit in (("rr64", "rr_done", "round trip"), ("udp64", "rx_pkts", "datagram"),
                                ("tcp1500_tx", None, "frame"),
                                ("tcp1500_rx", None, "frame")):
            w, r = b["insns"].get(test), b["res"].get(test)
            if not w or not r:
                continue
            n = r.get(per) if per else r.get("l_rx", 0) + r.get("p_rx", 0)
            if not n:
                continue
            out.append("%s, %s: %.0f instructions per %s (user %.0f, kernel %.0f, %s %.0f)" % (
                label(c), test, (w["user"] + w["kernel"]) / n, unit, w["user"] / n,
                w["kernel"] / n, b["info"].get("driver", "driver"), w["driver"] / n))
            for name, mod, cnt in w["top"][:25]:
                out.append("  %9.1f  %s%s" % (cnt / n, name, " [%s]" % mod if mod else ""))
            if w.get("driver_top"):
                out.append("  inside %s:" % b["info"].get("driver", "the driver"))
                for name, cnt in w["driver_top"][:15]:
                    out.append("  %9.1f  %s" % (cnt / n, name))
            out.append("")
    # What a NIC adds to a round trip and a datagram: its functions' count
    # minus veth's.
    vb = counted.get("veth")
    for test, per, unit in (("rr64", "rr_done", "round trip"), ("udp64", "rx_pkts", "datagram")):
        vw = vb and vb["insns"].get(test)
        vn = vb and vb["res"].get(test, {}).get(per)
        for c in configs:
            b = counted.get(c)
            if c == "veth" or not b or not vw or not vn:
                continue
            w, n = b["insns"].get(test), b["res"].get(test, {}).get(per)
            if not w or not n:
                continue
            base = {(name, mod): cnt / vn for name, mod, cnt in vw["top"]}
            diff = {(name, mod): cnt / n - base.get((name, mod), 0.0) for name, mod, cnt in w["top"]}
            for k, v in base.items():
                diff.setdefault(k, -v)
            out.append("%s, %s, per %s above veth (functions in either top list):" % (label(c), test, unit))
            for (name, mod), d in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:25]:
                out.append("  %+9.1f  %s%s" % (d, name, " [%s]" % mod if mod else ""))
            out.append("")
    if out:
        with open(path, "w") as f:
            f.write("\n".join(out))


def main():
    rundir, outdir = sys.argv[1], sys.argv[2]
    meta, boots = read_run(rundir)
    per_rep = {}
    for (rep, cfg), b in boots.items():
        per_rep.setdefault(rep, {})[cfg] = boot_metrics(b)
    # A NIC's own cost: what a datagram costs above veth's in the same repetition.
    for r in per_rep:
        for key in ("insn_pkt_udp", "insn_rr"):
            v = per_rep[r].get("veth", {}).get(key)
            for c, m in per_rep[r].items():
                if v is not None and key in m and c != "veth":
                    m[key + "_over_veth"] = m[key] - v
    configs = sorted({cfg for _, cfg in boots}, key=order_key)
    summary = {}
    for c in configs:
        keys = set()
        for r in per_rep:
            keys |= set(per_rep[r].get(c, {}))
        summary[c] = {k: summarize([per_rep[r].get(c, {}).get(k) for r in per_rep]) for k in sorted(keys)}
        summary[c] = {k: v for k, v in summary[c].items() if v}

    def info_of(key):
        return next((b["info"][key] for b in boots.values() if key in b["info"]), "?")

    def med(c, k):
        s = summary.get(c, {}).get(k)
        return s["median"] if s else None

    lines = []
    say = lines.append
    say("sgnic benchmark, run %s (%s)" % (os.path.basename(os.path.abspath(rundir)), meta.get("started", "?")))
    say("%s; guest %s, %s vCPUs, accel %s; %s repetition(s), %s s per run; git %s" % (
        meta.get("qemu", "?").split(" sha256")[0], meta.get("guest_kernel", "?"),
        info_of("cpus"), info_of("accel"), meta.get("reps", "?"), meta.get("secs", "?"),
        meta.get("git", "?")))
    for k in sorted(meta):
        if (k.startswith("variant_") or k in ("guest_setup", "qemu_args")) and meta[k]:
            say("NOT THE DEFAULT SETUP: %s = %s" % (k, meta[k]))
    load_start = meta.get("uptime", "").split("load average:")[-1].strip()
    load_end = meta.get("uptime_end", "").split("load average:")[-1].strip()
    others = [m.get("host_other_cores") for r in per_rep for m in per_rep[r].values()
              if m.get("host_other_cores") is not None]
    steals = [m.get("host_steal_pct") for r in per_rep for m in per_rep[r].values()
              if m.get("host_steal_pct") is not None]
    say("host load average at start %s, at end %s; other processes during measurements %s cores"
        " (median, max %s), steal %s%%" % (
            load_start or "?", load_end or "?",
            "%.2f" % statistics.median(others) if others else "?",
            "%.2f" % max(others) if others else "?",
            "%.1f" % statistics.median(steals) if steals else "?"))
    say("medians [min-max]; -> is 10.99.0.1 to the netns peer, <- the reverse (iperf3 -R)")
    say("")
    rows = []
    for c in configs:
        rows.append([label(c)] + [fmt_cell(k, summary[c].get(k)) for k in MAIN_TABLE])
    heads = ["config"] + ["%s %s" % (METRICS[k][0], ("(%s)" % METRICS[k][1]) if METRICS[k][1] else "")
                          for k in MAIN_TABLE]
    say(table([h.strip() for h in heads], rows))
    say("")
    say("jumbo = MTU 9000 for every model (max MTU: %s)" % ", ".join(
        "%s %s" % (label(c), next((int(b["info"]["max_mtu"]) for (r, cc), b in boots.items()
                                    if cc == c and "max_mtu" in b["info"]), "?")) for c in configs))
    say("")
    say("Per-packet cost (TCP 1500 both directions pooled, per frame on the wire; UDP: per 64-byte datagram)")
    rows = []
    for c in configs:
        rows.append([label(c)] + [fmt_cell(k, summary[c].get(k), spread=False) for k in COST_TABLE])
    say(table(["config"] + [METRICS[k][0] for k in COST_TABLE], rows))
    say("")
    say("XDP, 64-byte frames from pktgen on the other port; xdp-bench drop and tx (swap-macs)"
        " in native mode, its own average (e1000e has no native XDP)")
    rows = []
    for c in configs:
        if any(summary[c].get(k) is not None for k in XDP_TABLE):
            rows.append([label(c)] + [fmt_cell(k, summary[c].get(k)) for k in XDP_TABLE])
    say(table(["config"] + ["%s (%s)" % (METRICS[k][0], METRICS[k][1]) for k in XDP_TABLE], rows)
        if rows else "  (not measured)")
    say("")
    def xsk_modes(c, test):
        modes = sorted({str(b["res"][test]["mode"]) for (_, cc), b in boots.items()
                        if cc == c and "mode" in b["res"].get(test, {})})
        return "/".join(modes)

    rows = []
    for c in configs:
        if any(summary[c].get(k) is not None for k in XDP_MORE_TABLE):
            row = [label(c)]
            for k in XDP_MORE_TABLE:
                cell = fmt_cell(k, summary[c].get(k))
                if k in XSK_TESTS and summary[c].get(k):
                    cell += " " + xsk_modes(c, XSK_TESTS[k])
                row.append(cell)
            rows.append(row)
    if rows:
        say("XDP_REDIRECT: xdp-bench redirect back out of the receiving port (its ndo_xdp_xmit),"
            " and what the other port received of it;")
        say("AF_XDP: tests/bench/xsk_bench on queue 0 (one channel), frames received (rxdrop)"
            " or sent back (l2fwd) per second; socket mode zc or copy")
        say(table(["config"] + ["%s (%s)" % (METRICS[k][0], METRICS[k][1]) for k in XDP_MORE_TABLE],
                  rows))
        say("")

    if any(summary[c].get(k) for c in configs for k in INSN_TABLE):
        say("Guest instructions (insn-count TCG plugin; both ports' work, all vCPUs): per UDP datagram"
            " received, and millions per GB of TCP (both directions pooled); driver = inside the NIC"
            " driver's module, kernel = all of the kernel including it")
        rows = [[label(c)] + [fmt_cell(k, summary[c].get(k), spread=False) for k in INSN_TABLE]
                for c in configs]
        say(table(["config"] + [METRICS[k][0] for k in INSN_TABLE], rows))
        reps_seen = max((summary[c][k]["n"] for c in configs for k in INSN_REPEAT
                         if summary[c].get(k)), default=0)
        if reps_seen > 1:
            say("")
            say("Repeatability of the counts: (max - min) / median over the repetitions, goal <= 2%")
            rows = []
            for c in configs:
                row = [label(c)]
                for k in INSN_REPEAT:
                    sm = summary[c].get(k)
                    if not sm or sm["n"] < 2 or not sm["median"]:
                        row.append("n/a")
                    else:
                        sp = 100.0 * (sm["max"] - sm["min"]) / sm["median"]
                        row.append("%.1f%% (n=%d)%s" % (sp, sm["n"], "" if sp <= 2.0 else " OVER"))
                rows.append(row)
            say(table(["config"] + [METRICS[k][0] for k in INSN_REPEAT], rows))
        say("")

    bases = [b for b in ("igb", "e1000e", "veth") if b in configs]
    ratios = {}
    if bases:
        say("Ratios of medians to the baselines (spread: per-repetition ratios)")
        # Too wide for one table: one per baseline.
        for b in bases:
            hb = ["vs %s" % label(b)] + [METRICS[k][0] for k in RATIO_METRICS]
            rb = []
            for c in configs:
                if c == b:
                    continue
                row = [label(c)]
                for k in RATIO_METRICS:
                    rs = ratio_stats(per_rep, k, c, b)
                    ratios.setdefault(c, {}).setdefault(b, {})[k] = rs
                    if not rs:
                        row.append("n/a")
                    elif rs["n"] > 1:
                        row.append("%.2f [%.2f-%.2f]" % (rs["ratio"], rs["min"], rs["max"]))
                    else:
                        row.append("%.2f" % rs["ratio"])
                rb.append(row)
            say(table(hb, rb))
            say("")

    # ---- targets (issue 7) ----
    targets = []

    def best(metric, among, higher):
        cands = [(med(c, metric), c) for c in among if med(c, metric) is not None]
        if not cands:
            return None
        return (max if higher else min)(cands)[1]

    def target(name, metric, a, b, op, goal, note=""):
        if a is None or b is None:
            targets.append({"target": name, "metric": metric, "a": a, "b": b, "goal": "%s %s" % (op, goal),
                            "ratio": None, "met": None, "note": "not measured in this run"})
            return
        rs = ratio_stats(per_rep, metric, a, b)
        met = None if not rs else (rs["ratio"] >= goal if op == ">=" else rs["ratio"] <= goal)
        targets.append({"target": name, "metric": metric, "a": a, "b": b, "goal": "%s %s" % (op, goal),
                        "ratio": rs["ratio"] if rs else None, "min": rs and rs["min"],
                        "max": rs and rs["max"], "n": rs and rs["n"], "met": met, "note": note})

    sg_present = [c for c in SGNIC if c in configs]
    b_tcp = best("tcp1500", sg_present, True)
    better_tcp = best("tcp1500", [c for c in ("igb", "e1000e") if c in configs], True)
    target("TCP 1500: best sgnic >= 1.5x better of igb/e1000e", "tcp1500", b_tcp, better_tcp, ">=", 1.5)
    target("TCP 1500: best sgnic >= 2x virtio-net", "tcp1500", b_tcp, "virtio" if "virtio" in configs else None, ">=", 2.0)
    target("TCP 1500: best sgnic >= 0.6x veth", "tcp1500", b_tcp, "veth" if "veth" in configs else None, ">=", 0.6)
    b_cpu = best("cpu_s_per_gb", sg_present, False)
    better_cpu = best("cpu_s_per_gb", [c for c in ("igb", "e1000e") if c in configs], False)
    target("QEMU CPU-s/GB: sgnic <= 0.5x better of igb/e1000e", "cpu_s_per_gb", b_cpu, better_cpu, "<=", 0.5)
    b_udp = best("udp64_kpps", sg_present, True)
    better_udp = best("udp64_kpps", [c for c in ("igb", "e1000e") if c in configs], True)
    target("UDP 64B pps: best sgnic >= 1.5x better of igb/e1000e", "udp64_kpps", b_udp, better_udp, ">=", 1.5)
    xdp_others = [c for c in ("igb", "virtio") if c in configs]
    for metric, name in (("xdp_drop_kpps", "XDP_DROP"), ("xdp_tx_kpps", "XDP_TX")):
        target("%s 64B pps: best sgnic >= 1.5x better of igb/virtio-net" % name, metric,
               best(metric, sg_present, True), best(metric, xdp_others, True), ">=", 1.5)
    nic_others = [c for c in ("igb", "e1000e", "virtio") if c in configs]
    for metric, name in (("insn_rr_over_veth", "insn/RR above veth"), ("insn_rr_driver", "driver insn/RR"),
                         ("insn_pkt_udp_over_veth", "insn/pkt UDP above veth"),
                         ("insn_pkt_udp_driver", "driver insn/pkt UDP")):
        target("%s: best sgnic <= 0.5x best of igb/e1000e/virtio-net" % name, metric,
               best(metric, sg_present, False), best(metric, nic_others, False), "<=", 0.5)
    for wb in ("sgnic-sg-wb", "sgnic-single-wb"):
        if wb in configs:
            target("irq/pkt, %s <= 1/8 of e1000e" % label(wb), "irq_per_pkt", wb,
                   "e1000e" if "e1000e" in configs else None, "<=", 0.125)
    say("Targets (ratios of medians in this run; [min-max] of the per-repetition ratios)")
    rows = []
    for t in targets:
        if t["ratio"] is None:
            rows.append([t["target"], "n/a", "", t["goal"], "n/a (%s)" % t["note"]])
            continue
        spread = "[%.2f-%.2f]" % (t["min"], t["max"]) if t.get("n", 0) > 1 else ""
        rows.append([t["target"], "%.3f" % t["ratio"], spread, t["goal"],
                     "%s (%s vs %s)" % ("MET" if t["met"] else "NOT MET", label(t["a"]), label(t["b"]))])
    say(table(["target", "ratio", "spread", "goal", "verdict"], rows))
    errs = [(r, c, e) for (r, c), b in sorted(boots.items()) for e in b["errors"]]
    missing = [(r, c) for (r, c), b in sorted(boots.items()) if not b["res"]]
    if errs or missing:
        say("")
        say("Problems:")
        for r, c, e in errs:
            say("  rep %d %s: %s" % (r, c, e))
        for r, c in missing:
            say("  rep %d %s: no results (see raw/r%d-%s.log and .err)" % (r, c, r, c))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)

    os.makedirs(outdir, exist_ok=True)
    write_insn_top(boots, configs, os.path.join(outdir, "bench-insns-top.txt"))
    with open(os.path.join(outdir, "bench.txt"), "w") as f:
        f.write(text)
    doc = {
        "meta": meta, "run": os.path.abspath(rundir),
        "configs": configs, "labels": {c: label(c) for c in configs},
        "metrics": {k: {"name": v[0], "unit": v[1], "higher_is_better": v[3]} for k, v in METRICS.items()},
        "summary": summary, "ratios": ratios, "targets": targets,
        "per_rep": {str(r): per_rep[r] for r in sorted(per_rep)},
        "boots": [{"rep": r, "config": c, "info": b["info"], "results": b["res"], "cpu": b["cpu"],
                   "errors": b["errors"]} for (r, c), b in sorted(boots.items())],
    }
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
    keys = [k for k in METRICS if any(k in per_rep[r].get(c, {}) for r in per_rep for c in configs)]
    with open(os.path.join(outdir, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep", "config"] + keys)
        for r in sorted(per_rep):
            for c in configs:
                if c in per_rep[r]:
                    w.writerow([r, c] + ["%.6g" % per_rep[r][c][k] if k in per_rep[r][c] else ""
                                         for k in keys])
    with open(os.path.join(outdir, "bench-summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["config", "metric", "unit", "median", "min", "max", "n"])
        for c in configs:
            for k in keys:
                s = summary[c].get(k)
                if s:
                    w.writerow([c, k, METRICS[k][1], "%.6g" % s["median"], "%.6g" % s["min"],
                                "%.6g" % s["max"], s["n"]])
    # Chart data: one block per panel (gnuplot index), rows: x median min max label.
    with open(os.path.join(outdir, "bench-chart.dat"), "w") as f:
        for k, title in CHART:
            f.write("# %s\n" % title)
            for i, c in enumerate(configs):
                s = summary[c].get(k)
                if s:
                    f.write('%d %.6g %.6g %.6g "%s"\n' % (i, s["median"], s["min"], s["max"], label(c)))
                else:
                    f.write('%d NaN NaN NaN "%s"\n' % (i, label(c)))
            f.write("\n\n")
    with open(os.path.join(outdir, "bench-chart.title"), "w") as f:
        f.write("%s, %s repetition(s) of %s s, %s, %s vCPUs; bars: median, whiskers: min-max" % (
            meta.get("started", "")[:16].replace("T", " "), meta.get("reps", "?"),
            meta.get("secs", "?"), info_of("accel"), info_of("cpus")))


if __name__ == "__main__":
    main()
