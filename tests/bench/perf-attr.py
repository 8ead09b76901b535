#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where a TCG guest's time goes, from a host-side profile of QEMU.

    perf-attr.py PERF_REPORT.txt [GUEST_KALLSYMS]

PERF_REPORT.txt is `perf report --no-children --sort dso,sym -g none --stdio`
of `perf record -p QEMU_PID` taken while QEMU ran with -perfmap: samples in
translated code then carry the guest address of the instruction they came
from ("guest-0xffffffff81234567").  GUEST_KALLSYMS (the guest's
/proc/kallsyms, modules included) turns those addresses into guest kernel
functions.  Prints a breakdown by category, the guest functions and the QEMU
functions that cost the most.

    perf-attr.py --compare LABEL=REPORT.txt,KALLSYMS,SCALE ...

puts several profiles side by side, each category and the top guest
functions scaled by SCALE (e.g. the run's QEMU CPU-seconds per GB, so the
columns read as seconds per GB).
"""
import bisect
import collections
import re
import sys

LINE = re.compile(r"^\s*([0-9.]+)%\s+(.*?)\s+\[([.kgu])\]\s+(.*?)\s*$")

QEMU_CATEGORIES = [
    ("device model: sgnic", re.compile(r"^sgnic")),
    ("device model: e1000e/igb", re.compile(r"^(e1000|igb|e1000e)")),
    ("device model: virtio", re.compile(r"^virt(io|queue)")),
    ("net layer (hub, tx/rx pkt, checksums)",
     re.compile(r"^(net_|qemu_net|qemu_send|qemu_deliver|net_hub|eth_|iov_|qemu_flush|nc_|filter)")),
    ("DMA and memory dispatch",
     re.compile(r"^(pci_dma|dma_|address_space|flatview|memory_region|subpage|prepare_mmio|"
                r"stq_|ldq_|stl_|ldl_|int128|qemu_ram|ram_block|msix|msi_|apic|ioapic|pci_)")),
    ("TCG: MMIO/IO access slow path", re.compile(r"^(io_(read|write)x|do_(ld|st)\w*_mmio|int_(ld|st)_mmio|"
                                                 r"io_prepare|do_st_mmio|do_ld_mmio)")),
    ("TCG: execution loop, TB lookup, softmmu TLB",
     re.compile(r"^(helper_|cpu_|tb_|qht_|tlb_|mmu_|probe_access|victim_tlb|do_(ld|st)|cpu_exec|"
                r"curr_cflags|get_page_addr|page_|tcg_|translator_|gen_|disas_|x86_|"
                r"mttcg|rr_|icount|cc_|compute_|object_dynamic_cast|raise_|do_interrupt|"
                r"g_tree|q_tree|atomic_mmu|store_|load_|full_)")),
    ("locks and threads (BQL, mutexes)",
     re.compile(r"^(bql|qemu_mutex|qemu_cond|qemu_event|qemu_sem|qemu_thread|"
                r"__GI___lll|pthread|__pthread|futex|__lll)")),
    ("main loop, timers, bottom halves",
     re.compile(r"^(aio_|qemu_bh|timerlist|timer_|qemu_clock|main_loop|os_host_main|"
                r"glib_pollfds|g_main|g_source|qemu_poll|ppoll|poll)")),
]


def load_kallsyms(path):
    syms = []
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) < 3 or w[1].lower() not in "tw":
                    continue
                addr = int(w[0], 16)
                if not addr:
                    continue
                name = w[2] + (" " + w[3] if len(w) > 3 else "")
                syms.append((addr, name))
    except OSError:
        return [], []
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def breakdown(report, kallsyms=None):
    """Categories, guest kernel functions and QEMU functions, in % of samples."""
    addrs, names = load_kallsyms(kallsyms) if kallsyms else ([], [])
    cats = collections.Counter()
    guest_fn = collections.Counter()
    qemu_fn = collections.Counter()
    total = 0.0
    with open(report, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
            total += pct
            g = re.match(r"guest-0x([0-9a-f]+)", sym)
            if g:
                a = int(g.group(1), 16)
                if a >= 0xffff800000000000:
                    i = bisect.bisect_right(addrs, a) - 1
                    fn = names[i] if i >= 0 else "guest-kernel-unknown"
                    guest_fn[fn] += pct
                    cats["guest kernel code (translated)"] += pct
                else:
                    cats["guest user code (translated)"] += pct
                continue
            if dso.startswith("[JIT]") or dso.startswith("perf-"):
                cats["translated code, unnamed (before -perfmap saw it)"] += pct
                continue
            if kind == "k":
                cats["host kernel (scheduling, futex, syscalls)"] += pct
                continue
            if dso.startswith("qemu-system"):
                qemu_fn[sym] += pct
                for name, rx in QEMU_CATEGORIES:
                    if rx.match(sym):
                        cats[name] += pct
                        break
                else:
                    cats["QEMU, other"] += pct
                continue
            if "libc" in dso:
                base = re.sub(r"^__(GI___)?", "", sym)
                for name, rx in QEMU_CATEGORIES:
                    if rx.match(sym) or rx.match(base):
                        cats[name] += pct
                        break
                else:
                    cats["libc (memcpy, malloc, ...)"] += pct
                continue
            cats["other libraries (%s)" % dso.split("/")[-1]] += pct
    return total, cats, guest_fn, qemu_fn


def compare(specs):
    cols = []
    for spec in specs:
        label, _, rest = spec.partition("=")
        report, kallsyms, scale = rest.split(",")
        total, cats, guest_fn, _ = breakdown(report, kallsyms)
        f = float(scale) / 100.0
        cols.append((label, {k: v * f for k, v in cats.items()},
                     {k: v * f for k, v in guest_fn.items()}, float(scale)))
    w = max(12, max(len(c[0]) for c in cols))
    head = "%-52s" % "" + "".join("%*s" % (w + 2, c[0]) for c in cols)
    print(head)
    print("%-52s" % "total (SCALE)" + "".join("%*.2f" % (w + 2, c[3]) for c in cols))
    cat_names = sorted({k for c in cols for k in c[1]}, key=lambda k: -max(c[1].get(k, 0) for c in cols))
    for k in cat_names:
        print("%-52s" % k[:52] + "".join("%*.2f" % (w + 2, c[1].get(k, 0.0)) for c in cols))
    print()
    print("guest kernel functions")
    fns = collections.Counter()
    for c in cols:
        for k, v in c[2].items():
            fns[k] = max(fns[k], v)
    for k, _ in fns.most_common(25):
        print("  %-50s" % k[:50] + "".join("%*.2f" % (w + 2, c[2].get(k, 0.0)) for c in cols))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--compare":
        compare(sys.argv[2:])
        return
    report = sys.argv[1]
    total, cats, guest_fn, qemu_fn = breakdown(report, sys.argv[2] if len(sys.argv) > 2 else None)
    print("Host-side profile of QEMU: %.1f%% of samples attributed" % total)
    print()
    print("By category")
    for name, pct in cats.most_common():
        print("  %6.2f%%  %s" % (pct, name))
    print()
    if guest_fn:
        print("Guest kernel functions (translated code only; the helpers they call are QEMU's)")
        for name, pct in guest_fn.most_common(40):
            print("  %6.2f%%  %s" % (pct, name))
        print()
    print("QEMU functions")
    for name, pct in qemu_fn.most_common(30):
        print("  %6.2f%%  %s" % (pct, name))


if __name__ == "__main__":
    main()
