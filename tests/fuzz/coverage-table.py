#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Per-function coverage of qemu-device/ from llvm-cov exports.

Usage: coverage-table.py FUNCTIONS TARGET=EXPORT.json [TARGET=EXPORT.json ...]

FUNCTIONS lists "file:function" for every function defined in qemu-device/
(scripts/fuzz.sh derives it from the sources).  Each export is
"llvm-cov export" JSON of one target's corpus.  Prints, per function, how
often each target entered it and whether any did, then per file the lines
covered by all targets together.
"""
import json
import os
import sys


def load(path):
    """(file, function) -> entry count; file -> {line: covered}."""
    with open(path) as f:
        data = json.load(f)["data"][0]
    counts, lines = {}, {}
    for fn in data["functions"]:
        files = [os.path.basename(p) for p in fn["filenames"]
                 if "/hw/net/sgnic/" in p]
        if not files:
            continue
        # static functions are named "tu.c:name"; inline ones appear once
        # per translation unit that includes them
        key = (files[0], fn["name"].split(":")[-1])
        counts[key] = counts.get(key, 0) + fn["count"]
    for f in data["files"]:
        if "/hw/net/sgnic/" not in f["filename"]:
            continue
        per = lines.setdefault(os.path.basename(f["filename"]), {})
        # segments: [line, col, count, has_count, is_region_entry, is_gap]
        for seg in f["segments"]:
            if seg[3] and not seg[5]:
                per[seg[0]] = per.get(seg[0], False) or seg[2] > 0
    return counts, lines


def main():
    funcs = [tuple(line.strip().split(":", 1))
             for line in open(sys.argv[1]) if line.strip()]
    targets = []
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        targets.append((name, *load(path)))

    width = max(len("%s:%s" % f) for f in funcs) + 2
    print("%-*s" % (width, "function (qemu-device/)") +
          "".join("%20s" % t[0] for t in targets) + "%9s" % "reached")
    reached = 0
    for f in funcs:
        row, hit = [], False
        for _, counts, _ in targets:
            c = counts.get(f)
            row.append("-" if c is None else str(c))
            hit = hit or bool(c)
        reached += hit
        print("%-*s" % (width, "%s:%s" % f) + "".join("%20s" % r for r in row)
              + "%9s" % ("yes" if hit else "NO"))
    print()
    print("%d of %d functions reached (entry counts per target; "
          "-: no code of its own)" % (reached, len(funcs)))
    union = {}
    for _, _, lines in targets:
        for file, per in lines.items():
            u = union.setdefault(file, {})
            for line, cov in per.items():
                u[line] = u.get(line, False) or cov
    for file in sorted(union):
        per = union[file]
        print("%-16s lines %4d of %4d covered (%.0f%%)" %
              (file, sum(per.values()), len(per),
               100.0 * sum(per.values()) / max(len(per), 1)))


if __name__ == "__main__":
    main()
