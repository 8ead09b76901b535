#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host side of the guest's QMP mailbox, started by scripts/vm.sh.

The guest cannot reach QEMU's monitor by itself, so it leaves requests in
a directory of the repository, which it sees over virtio-9p without
caching: NAME.req holds QMP commands, one JSON object per line.  This
relay sends them, in order, to a QMP monitor that only the guest uses and
writes the replies, one JSON line per command in the same order, to
NAME.rsp (written whole under another name, then renamed, so the guest
never reads half a reply); the guest writes a request in one go and the
relay takes it once it ends in a newline.  Replies older than a minute
are removed.  A line that is not a JSON object gets an error
reply of its own; the commands after it still run.

Usage: qmp-mailbox.py MAILBOX_DIR QMP_SOCKET RUN_DIR
The relay ends when RUN_DIR disappears (vm.sh removes it when QEMU ends).
"""
import json
import os
import socket
import sys
import time

POLL_S = 0.05


def error(desc):
    return {"error": {"class": "GenericError", "desc": desc}}


class Monitor:
    """One QMP connection, opened on first use and again after a failure."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""
        self.seq = 0

    def _open(self):
        deadline = time.monotonic() + 30
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        s.settimeout(30)
        self.sock, self.buf = s, b""
        self._read(lambda m: "QMP" in m)
        self._call({"execute": "qmp_capabilities"})

    def _read(self, wanted):
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip():
                    msg = json.loads(line)
                    if wanted(msg):
                        return msg
            data = self.sock.recv(65536)
            if not data:
                raise OSError("QMP connection closed")
            self.buf += data

    def _call(self, cmd):
        self.seq += 1
        ident = "mailbox-%d" % self.seq
        self.sock.sendall(json.dumps(dict(cmd, id=ident)).encode() + b"\n")
        reply = self._read(lambda m: m.get("id") == ident)
        reply.pop("id", None)
        return reply

    def call(self, cmd):
        # set_link and qom-set, what the tests send, may safely run twice.
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self._open()
                return self._call(cmd)
            except (OSError, ValueError) as e:
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
                if attempt == 2:
                    return error("QMP relay: %s" % e)
        return error("QMP relay: unreachable")


def serve(mbox, mon, name):
    """Answer NAME.req; False if it is not complete yet."""
    req = os.path.join(mbox, name)
    with open(req, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if not text.endswith("\n"):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    replies = []
    for line in lines:
        try:
            cmd = json.loads(line)
        except ValueError as e:
            replies.append(error("not JSON: %s" % e))
            continue
        if not isinstance(cmd, dict):
            replies.append(error("not a JSON object"))
            continue
        replies.append(mon.call(cmd))
    stem = req[: -len(".req")]
    with open(stem + ".part", "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(r) + "\n" for r in replies))
    os.rename(stem + ".part", stem + ".rsp")
    os.unlink(req)
    return True


def sweep(mbox, now):
    """Remove replies the guest has had a minute to read."""
    for name in os.listdir(mbox):
        path = os.path.join(mbox, name)
        try:
            if name.endswith(".rsp") and now - os.stat(path).st_mtime > 60:
                os.unlink(path)
        except OSError:
            pass


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: qmp-mailbox.py MAILBOX_DIR QMP_SOCKET RUN_DIR")
    mbox, path, run = sys.argv[1:]
    mon = Monitor(path)
    swept = time.time()
    while os.path.isdir(run) and os.path.isdir(mbox):
        names = sorted(n for n in os.listdir(mbox) if n.endswith(".req"))
        served = [serve(mbox, mon, name) for name in names]
        if not any(served):
            time.sleep(POLL_S)
        if time.time() - swept > 10:
            swept = time.time()
            sweep(mbox, swept)


if __name__ == "__main__":
    main()
