#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run one upstream drivers/net selftest with a gap in its 6.12 library filled.

Debian's 6.12 stable tree carries drivers/net/hw/csum.py, which reads
cfg.remote_ifname, but not the NetDrvEpEnv change that sets it (mainline
added both together).  This wrapper sets the attribute the way mainline
does (the remote interface that holds the remote address) and then runs the
test unchanged, as its own __main__.

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
runpy.run_path(prog, run_name="__main__")
