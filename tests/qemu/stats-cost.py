#!/usr/bin/env python3
"""Usage: stats-cost.py QEMU

Time a stats read (QMP cxl-compressed-query, C000h does the same sync)
on a 4 GiB compressed device with 1% of its pages dirty, under qtest:
decoder 0 committed (direct map), 10486 random pages written through the
window, then the query timed."""
import os, re, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qtestlib import Session  # noqa: E402
QEMU = sys.argv[1]
D = tempfile.mkdtemp(prefix="statcost.")
S = Session(D, QEMU, "memory-backend-ram,id=m,share=on,size=4G",
            "cxl-type3,bus=root_port13,volatile-memdev=m,id=t3,compressed=on,physical-size=3G",
            stderr=subprocess.DEVNULL)
p, qt, cfg, qmp = S.p, S.qt, S.cfg, S.qmp
cfg(12, 0, 0x18, 12 | 13 << 8 | 13 << 16); cfg(12, 0, 0x20, 0xe000 | 0xe030 << 16); cfg(12, 0, 0x04, 0x6)
cfg(13, 0, 0x10, 0xe0200004); cfg(13, 0, 0x14, 0); cfg(13, 0, 0x04, 0x6)
FMW = int(re.search(r"([0-9a-f]+)-[0-9a-f]+ \(prio 0, i/o\): cxl-fixed-memory-region",
      qmp("human-monitor-command", {"command-line": "info mtree"})["return"]).group(1), 16)
HDM = 0xe0201000 + 0x128
qt("writel %#x 2" % (HDM + 4))
for off, v in ((0x10, FMW & 0xffffffff), (0x14, FMW >> 32), (0x18, 0), (0x1c, 1), (0x24, 0), (0x28, 0), (0x20, 1 << 9)):
    qt("writel %#x %#x" % (HDM + off, v))
q = lambda: qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
print("mapped directly:", q()["direct-mapped"])
n = (4 << 30) // 4096 // 100
data = os.urandom(4096).hex()
for i in range(n):
    qt("write %#x 4096 0x%s" % (FMW + i * 100 * 4096, data))
t = time.monotonic(); s = q(); dt = time.monotonic() - t
print("pages dirty: %d; stats read (QMP query, dirty log + compression): %.1f ms; physical used %d" % (n, dt * 1000, s["physical-used"]))
t = time.monotonic(); q(); dt = time.monotonic() - t
print("a second read, nothing dirty: %.1f ms" % (dt * 1000))
p.terminate(); p.wait()
for n in ("q.sock", "t.sock"):
    if os.path.exists(D + "/" + n): os.unlink(D + "/" + n)
os.rmdir(D)
