#!/usr/bin/env python3
"""Usage: stats-cost.py QEMU

The cost of a stats read (C000h Get Compression Stats on the primary
mailbox) on a 4 GiB compressed device with 1% of its pages dirty, under
qtest: decoder 0 committed (direct map), 10486 random pages written through
the window without a clock step (the sync timer has seen none of them),
then C000h timed, as the host sees it (the qtest round trips included).
For comparison: QMP cxl-compressed-query, which accounts every dirty page
before it answers, on the same number of pages written afresh.

Then the idle cost of the direct map's sync timer: the CPU time of QEMU's
main thread (/proc/PID/schedstat, where the timer runs) over 3000 clock
steps of 10 ms (one timer pass each, nothing written) with decoder 0
committed, less the same steps with it uncommitted (no timer): the time a
pass takes, and what 100 passes a second cost of a host core."""
import os, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qtestlib import Session  # noqa: E402
QEMU = sys.argv[1]
D = tempfile.mkdtemp(prefix="statcost.")
S = Session(D, QEMU, "memory-backend-ram,id=m,share=on,size=4G",
            "cxl-type3,bus=root_port13,volatile-memdev=m,id=t3,compressed=on,physical-size=3G",
            stderr=subprocess.DEVNULL)
p, qt, cfg, qmp = S.p, S.qt, S.cfg, S.qmp
S.mbox_setup()
FMW = S.component_setup()
S.decoder(0, 1 << 9, FMW, 4 << 30)
HDM = S.HDM
q = lambda: qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
if not q()["direct-mapped"]:
    sys.exit("stats-cost.py: the device's memory is not mapped directly")
n = (4 << 30) // 4096 // 100


def dirty(salt):
    """1% of the pages, one in 100, written with random data"""
    data = os.urandom(4096).hex()
    for i in range(n):
        qt("write %#x 4096 0x%s" % (FMW + (i * 100 + salt) * 4096, data))


def c000():
    """C000h timed: (ms, physical used, pending pages)"""
    t = time.monotonic()
    rc, out = S.mbox(0xc000)
    dt = (time.monotonic() - t) * 1000
    if rc or len(out) < 40:
        sys.exit("stats-cost.py: C000h failed (rc %#x, %d bytes)" % (rc, len(out)))
    # a device before the pending count (28h) compressed everything
    pending = int.from_bytes(out[0x28:0x30], "little") if len(out) >= 48 else 0
    return dt, int.from_bytes(out[0x18:0x20], "little"), pending


dirty(0)
dt, used, pending = c000()
exact = q()["physical-used"]
print("pages dirty: %d; C000h: %.1f ms, physical used %d (exact %d), %d pages left pending" %
      (n, dt, used, exact, pending))
dt, used, pending = c000()
print("C000h again, nothing dirty: %.1f ms, %d pending" % (dt, pending))
t0 = time.monotonic()
for _ in range(20):
    S.mbox(0x0001)  # Identify: the round trip alone
print("a mailbox round trip under qtest (Identify, 0001h): %.1f ms" %
      ((time.monotonic() - t0) * 1000 / 20))
dirty(1)
t = time.monotonic(); q(); dt = (time.monotonic() - t) * 1000
print("QMP cxl-compressed-query after %d more pages dirty (accounts them all): %.1f ms" % (n, dt))


def main_cpu_ns():
    return int(open("/proc/%d/schedstat" % p.pid).read().split()[0])


def steps(n=3000):
    t = main_cpu_ns()
    for _ in range(n):
        qt("clock_step %d" % (10 * 1000000))
    return (main_cpu_ns() - t) / n


q()  # nothing dirty, nothing pending
for _ in range(3):
    mapped = steps()
    qt("writel %#x 0" % (HDM + 0x20))  # uncommit: the map and its timer go
    steps(10)
    if q()["direct-mapped"]:
        sys.exit("stats-cost.py: still mapped after the decoder was uncommitted")
    unmapped = steps()
    print("idle sync timer: a 10 ms clock step costs %.1f us mapped, %.1f us unmapped: "
          "%.1f us a pass, %.2f%% of a host core at 100 passes a second" %
          (mapped / 1000, unmapped / 1000, (mapped - unmapped) / 1000, (mapped - unmapped) / 1e5))
    qt("writel %#x %#x" % (HDM + 0x20, 1 << 9))  # commit again
    if not q()["direct-mapped"]:
        sys.exit("stats-cost.py: not mapped after the decoder was committed again")
p.terminate(); p.wait()
for f in ("q.sock", "t.sock"):
    if os.path.exists(D + "/" + f): os.unlink(D + "/" + f)
os.rmdir(D)
