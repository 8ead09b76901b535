#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run one upstream drivers/net selftest with its 6.12 library adjusted.

Debian's 6.12 stable tree carries drivers/net/hw/csum.py, which reads
cfg.remote_ifname, but not the NetDrvEpEnv change that sets it (mainline
added both together).  This wrapper sets the attribute the way mainline
does (the remote interface that holds the remote address) and then runs the
test unchanged, as its own __main__.

It also gives wait_port_listen() a longer default deadline (30 s instead of
5 s, KSFT_LISTEN_DEADLINE to change it): a helper started in the peer
namespace of a TCG guest on a busy host can take longer than 5 s to open
its socket, which is the host's slowness, not the driver's.

Usage: upstream_shim.py PATH/TO/test.py
"""
import os
import runpy
import sys

prog = os.path.abspath(sys.argv[1])
sys.argv = [prog] + sys.argv[2:]
sys.path.insert(0, os.path.dirname(prog))

import lib.py as ksft_lib  # noqa: E402  (the test's own library)

_orig_init = ksft_lib.NetDrvEpEnv.__init__


def _init(self, *args, **kwargs):
    _orig_init(self, *args, **kwargs)
    if not hasattr(self, "remote_ifname"):
        found = ksft_lib.ip(f"-j addr show to {self.remote_addr}", json=True,
                            host=self.remote)
        self.remote_ifname = found[0]["ifname"]


ksft_lib.NetDrvEpEnv.__init__ = _init

_orig_wait_port_listen = ksft_lib.wait_port_listen


def _wait_port_listen(*args, **kwargs):
    if len(args) < 6:
        kwargs.setdefault("deadline",
                          float(os.environ.get("KSFT_LISTEN_DEADLINE", "30")))
    return _orig_wait_port_listen(*args, **kwargs)


ksft_lib.wait_port_listen = _wait_port_listen
runpy.run_path(prog, run_name="__main__")
