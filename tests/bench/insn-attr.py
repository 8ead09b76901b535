#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Name the guest instructions that the insn-count TCG plugin counted.

    insn-attr.py INSNS KALLSYMS LOG DRIVER > OUT.json

INSNS is the plugin's output for one boot (tests/bench/insn-count.c): one
window per test, each kernel translation block's instruction count and the
sum for user space.  KALLSYMS is the guest's /proc/kallsyms (modules
included), taken after the NIC driver was loaded.  LOG is the boot's log
(scripts/bench.sh): its "@@MARK TEST begin" lines name the windows in order.
DRIVER is the NIC driver's module name (sgnic, igb, e1000e, virtio_net,
veth).

Writes, per test: user, kernel (the total in the kernel, modules included),
driver (inside DRIVER's text), modules (every module's total), and top: the
40 kernel functions that ran the most instructions, as [name, module,
count] ("" for the core kernel).
"""
import bisect
import json
import re
import sys

TOP = 200


def load_kallsyms(path):
    syms = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[1] not in "tTwW":
                continue
            mod = w[3].strip("[]") if len(w) > 3 else ""
            syms.append((int(w[0], 16), w[2], mod))
    syms.sort()
    return [s[0] for s in syms], syms


def windows(path):
    """Yield (index, header dict, {pc: count}) for each closed window."""
    cur = None
    with open(path) as f:
        for line in f:
            if line.startswith("@window "):
                w = line.split()
                hdr = {"index": int(w[1])}
                for kv in w[2:]:
                    k, _, v = kv.partition("=")
                    hdr[k] = int(v)
                cur = (hdr, {})
            elif line.startswith("@end ") and cur:
                yield cur
                cur = None
            elif line.startswith("@error"):
                sys.stderr.write("insn-attr: %s: %s" % (path, line[1:]))
            elif cur:
                pc, n = line.split()
                cur[1][int(pc, 16)] = int(n)


def test_names(log):
    names = []
    mark = re.compile(r"@@MARK (\S+) begin")
    with open(log, errors="replace") as f:
        for line in f:
            m = mark.search(line)
            if m:
                names.append(m.group(1))
    return names


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    insns, kallsyms, log, driver = sys.argv[1:]
    addrs, syms = load_kallsyms(kallsyms)
    names = test_names(log)
    out = {}
    for hdr, blocks in windows(insns):
        i = hdr["index"]
        test = names[i] if i < len(names) else "window%d" % i
        per_sym = {}
        modules = {}
        for pc, n in blocks.items():
            j = bisect.bisect_right(addrs, pc) - 1
            name, mod = (syms[j][1], syms[j][2]) if j >= 0 else ("?", "")
            per_sym[(name, mod)] = per_sym.get((name, mod), 0) + n
            if mod:
                modules[mod] = modules.get(mod, 0) + n
        ranked = sorted(per_sym.items(), key=lambda kv: -kv[1])
        out[test] = {
            "user": hdr.get("user", 0), "kernel": hdr.get("kernel", 0),
            "driver": modules.get(driver, 0), "modules": modules,
            "top": [[name, mod, n] for (name, mod), n in ranked[:TOP]],
            "driver_top": [[name, n] for (name, mod), n in ranked if mod == driver][:40],
        }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
