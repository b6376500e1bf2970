#!/usr/bin/env python3
"""Host-side check of the compressed CXL device's mailbox, no guest: QEMU
runs with -accel qtest, this script programs the root port and the type 3
device's BAR through PCI config cycles and drives the primary mailbox
directly (qemu/README.md).

    mailbox.py QEMU on    compressed=on: the CEL lists C000h, C001h and
                          4402h; Media Operations Discovery; Zero refuses
                          bad ranges, zeroes a file-backed memdev's pages
                          and their cost goes (QMP cxl-compressed-query)
                          C000h Get Compression Stats against the
                          device's own figures (QMP), and cxl-compressed-fill
                          refusing -2^63 bytes cleanly
    mailbox.py QEMU off   compressed=off: no C000h/C001h in the CEL, and
                          C000h is an unknown command; the compression
                          properties refused without compressed=on

Prints one "ok"/"FAIL" line a check; exits 1 if any failed.
"""
import json, os, re, socket, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qtestlib import Session, machine  # noqa: E402

QEMU, MODE = sys.argv[1], sys.argv[2]
if MODE not in ("on", "off"):
    sys.exit("usage: mailbox.py QEMU on|off")
D = tempfile.mkdtemp(prefix="cxl-mailbox.")
FILE = D + "/mem"
if MODE == "on":
    with open(FILE, "wb") as f:
        f.truncate(256 << 20); f.seek(0); f.write(os.urandom(8 << 20))
dev = "cxl-type3,bus=root_port13,volatile-memdev=m,id=t3"
dev += ",compressed=on,physical-size=128M" if MODE == "on" else ""
for s in ("q.sock", "t.sock"):
    if os.path.exists(D + "/" + s): os.unlink(D + "/" + s)
S = Session(D, QEMU, "memory-backend-file,id=m,share=on,mem-path=%s,size=256M" % FILE, dev,
            ["-D", D + "/trace.log", "-trace", "cxl_*"] if MODE == "on" else [])
p, qt, cfg, qmp = S.p, S.qt, S.cfg, S.qmp
# root port 12:00.0 -> bus 13; window 0xe0000000-0xe0ffffff; type3 BAR2 there
MB = S.mbox_setup()
mbox = S.mbox
fails = 0
def check(what, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + what); fails += not ok
cel_uuid = bytes.fromhex("0da9c0b5bf414b788f7996b1623b3f17")
rc, out = mbox(0x0401, cel_uuid + (0).to_bytes(4, "little") + (1024).to_bytes(4, "little"))
ops = {int.from_bytes(out[i:i + 2], "little") for i in range(0, len(out), 4)}
check("Get Log (CEL) succeeds (%d entries)" % len(ops), rc == 0 and len(ops) > 10)
if MODE == "off":
    check("compressed=off: no C000h/C001h in the CEL", not ({0xc000, 0xc001} & ops))
    rc, _ = mbox(0xc000)
    check("compressed=off: C000h is an unknown command (rc %#x)" % rc, rc == 0x3)
    # a property of the compressed device on a device without it is an
    # error at realize, not silently ignored
    for prop in ("physical-size=64M", "high-watermark=50", "low-watermark=10",
                 "critical-watermark=90", "direct-map=off"):
        try:
            r = subprocess.run(machine(QEMU, "null", "memory-backend-ram,id=m,size=256M",
                                       "cxl-type3,bus=root_port13,volatile-memdev=m,id=t3," + prop) + ["-S"],
                               capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            check("compressed=off with %s: refused (QEMU started instead)" % prop, False)
            continue
        err = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "(no message)"
        check("compressed=off with %s: refused (exit %d: %s)" % (prop, r.returncode, err),
              r.returncode != 0 and re.search(r"requires? compressed=on", r.stderr) is not None)
else:
    check("compressed=on: C000h, C001h and 4402h in the CEL", {0xc000, 0xc001, 0x4402} <= ops)
    rc, out = mbox(0x4402, bytes([0, 0, 0, 0]) + (0).to_bytes(4, "little") + (0).to_bytes(2, "little") + (8).to_bytes(2, "little"))
    check("Discovery: granularity 64, 2 operations (0,0) (1,1): rc %#x %s" % (rc, out.hex()),
          rc == 0 and out == (64).to_bytes(8, "little") + bytes([2, 0, 2, 0, 0, 0, 1, 1]))
    s0 = qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
    rng = lambda a, l: a.to_bytes(8, "little") + l.to_bytes(8, "little")
    rc, _ = mbox(0x4402, bytes([1, 1, 0, 0]) + (1).to_bytes(4, "little") + rng(32, 64))
    check("Zero: unaligned range refused (rc %#x, Invalid Input)" % rc, rc == 0x2)
    rc, _ = mbox(0x4402, bytes([1, 1, 0, 0]) + (1).to_bytes(4, "little") + rng(255 << 20, 2 << 20))
    check("Zero: range past the capacity refused (rc %#x, Invalid PA)" % rc, rc == 0xf)
    rc, _ = mbox(0x4402, bytes([1, 1, 0, 0]) + (2).to_bytes(4, "little") + rng(0, 2 << 20) + rng(2 << 20, (2 << 20) + 64))
    s1 = qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
    print("     physical used %d -> %d, logical used %d -> %d" % (s0["physical-used"], s1["physical-used"], s0["logical-used"], s1["logical-used"]))
    check("Zero of 4 MiB + 64 bytes: rc %#x, the 1024 zeroed pages cost nothing, the partly zeroed one is charged again" % rc,
          rc == 0 and s1["logical-used"] == s0["logical-used"] - (1024 << 12) and
          s0["physical-used"] - s1["physical-used"] >= (1024 << 12))
    with open(FILE, "rb") as f:
        head = f.read((4 << 20) + 64); rest = f.read(64)
    check("the backend holds zeroes there, and data after", head == bytes(len(head)) and rest != bytes(64))
    # C000h: the device's own figures, as QMP gives them
    rc, out = mbox(0xc000)
    s2 = qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
    f = [int.from_bytes(out[i:i + 8], "little") for i in range(0, 48, 8)] if len(out) == 48 else []
    print("     C000h: %s; QMP: %s" % (f, {k: s2[k] for k in ("logical-used", "physical-used")}))
    check("C000h: 48 bytes, capacities 256 MiB / 128 MiB, used as QMP says, watermarks 70/85/95, "
          "state normal, nothing pending",
          rc == 0 and len(out) == 48 and f[5] == 0 and f[0] == 256 << 20 and f[2] == 128 << 20 and
          f[1] == s2["logical-used"] and f[3] == s2["physical-used"] and 0 < f[3] <= f[2] and
          out[32:36] == bytes([70, 85, 95, 0]))
    r = qmp("cxl-compressed-fill", {"path": "/machine/peripheral/t3", "bytes": -2**63})
    s3 = qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})
    check("cxl-compressed-fill of -2^63 bytes: an error, the accounting unchanged (%s)" % r.get("error", {}).get("desc"),
          "error" in r and "return" in s3 and s3["return"]["physical-used"] == s2["physical-used"])
    r = qmp("cxl-compressed-fill", {"path": "/machine/peripheral/t3", "bytes": 2**63 - 1})
    s4 = qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})
    check("cxl-compressed-fill of 2^63-1 bytes: an error, no counter wraps (%s)" % r.get("error", {}).get("desc"),
          "error" in r and "return" in s4 and s4["return"]["physical-used"] == s2["physical-used"] and
          s4["return"]["filled"] == s2["filled"])
    # the device's HDM decoder 0, programmed through its component
    # registers (BAR0), maps the window onto the memdev: guest writes reach
    # the device (the MMIO path while near capacity, else the direct map)
    FMW = S.component_setup()
    HDM = S.HDM
    def rl(a): return int(qt("readl %#x" % a).split()[1], 16)
    def decoder(n, ctrl, base=FMW, size=256 << 20): return S.decoder(n, ctrl, base, size)
    COMMIT, COMMITTED, ERR = 1 << 9, 1 << 10, 1 << 11
    def q(): return qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
    def fill(n): return qmp("cxl-compressed-fill", {"path": "/machine/peripheral/t3", "bytes": n})
    def step(ms): qt("clock_step %d" % (ms * 1000000))
    ctrl = decoder(0, COMMIT | 0)
    step(20)
    check("decoder 0 (1 way) commits, the memory is mapped directly (ctrl %#x)" % ctrl,
          ctrl & COMMITTED and not ctrl & ERR and q()["direct-mapped"])
    def trace(name):
        with open(D + "/trace.log") as f:
            return [l for l in f if l.startswith(name + " ")]
    # a stats read right after 1024 half-random pages were written through
    # the direct map (no clock step: the sync timer has not seen them)
    # compresses for a bounded time, until no more than 2% of the physical
    # capacity is left at 4 KiB a page (655 pages), and reports those
    # (pending, 28h); the sync timer compresses the rest in batches, 1 ms apart
    def stats():
        rc, out = mbox(0xc000)
        return rc, len(out), int.from_bytes(out[0x18:0x20], "little"), int.from_bytes(out[0x28:0x30], "little")
    page = (os.urandom(2048) + bytes(2048)).hex()  # about half its size in zlib
    for i in range(1024):
        qt("write %#x 4096 0x%s" % (FMW + (64 << 20) + i * 4096, page))
    t = time.monotonic(); rc, n, used, pending = stats(); dt = time.monotonic() - t
    # (a read compresses 4 ms of them at most: these reads find none left
    # only if the timer did the rest)
    steps = 50
    for _ in range(steps):
        step(1)
    rc2, n2, used2, pending2 = stats()
    exact = q()["physical-used"]
    check("C000h right after 1024 pages written: %d pending (at most 655), physical used %d above the exact %d, "
          "by at most 4 KiB a pending page (%.1f ms); after %d 1-ms clock steps (the sync timer's "
          "batches), pending 0 and used %d" % (pending, used, exact, dt * 1000, steps, used2),
          rc == 0 and n == 48 and 0 < pending <= (128 << 20) // 100 * 2 // 4096 and
          exact < used <= exact + pending * 4096 and
          rc2 == 0 and pending2 == 0 and used2 == exact and
          any(" held for the next batch" in l and not l.rstrip().endswith(" 0 held for the next batch")
              for l in trace("cxl_comp_account")))
    # near the low watermark nothing is left for later: were the pages
    # left to cost 4 KiB each, usage could cross it
    s0 = q()
    low = s0["physical-capacity"] // 100 * 70
    took = low - s0["physical-used"] - (2 << 20)
    fill(took)
    for i in range(1024):
        qt("write %#x 4096 0x%s" % (FMW + (72 << 20) + i * 4096, page))
    rc, n, used, pending = stats()
    exact = q()["physical-used"]
    fill(-took)
    check("the same 1024 pages written 2 MiB below the low watermark: C000h accounts them all "
          "(%d pending, used %d, exact %d)" % (pending, used, exact),
          rc == 0 and pending == 0 and used == exact and q()["state"] == "normal")
    # decoder 1: programmed without Commit while decoder 0 is mapped
    n = len(trace("cxl_comp_direct_map"))
    ctrl1 = decoder(1, 0x10 | 4, base=FMW + (256 << 20))
    check("a control write without Commit to an uncommitted decoder changes nothing "
          "(ctrl %#x; map changes %d, still mapped %s)" % (ctrl1, len(trace("cxl_comp_direct_map")) - n,
                                                          q()["direct-mapped"]),
          len(trace("cxl_comp_direct_map")) == n and q()["direct-mapped"] and
          trace("cxl_type3_decoder_uncommit")[-1:] and "was committed 0" in trace("cxl_type3_decoder_uncommit")[-1])
    # interleave granularity under 4 KiB refused with compressed=on
    ctrl1 = decoder(1, COMMIT | 0x10 | 0, base=FMW + (256 << 20))
    check("2 ways at 256 B granularity: not committed, Error Not Committed set (ctrl %#x)" % ctrl1,
          not ctrl1 & COMMITTED and ctrl1 & ERR and
          "committed 0" in trace("cxl_type3_decoder_commit")[-1])
    n = len(trace("cxl_comp_direct_map"))
    ctrl1 = decoder(1, COMMIT | 0x10 | 4, base=FMW + (256 << 20))
    check("2 ways at 4 KiB granularity: committed (ctrl %#x)" % ctrl1, ctrl1 & COMMITTED and not ctrl1 & ERR)
    qt("writel %#x 0" % (HDM + 0x10 + 0x20 + 0x10))
    check("committing and uncommitting it: one real uncommit, decoder 0's mapping untouched "
          "(%d map changes)" % (len(trace("cxl_comp_direct_map")) - n),
          "was committed 1" in trace("cxl_type3_decoder_uncommit")[-1] and
          len(trace("cxl_comp_direct_map")) == n and q()["direct-mapped"])
    check("compressed=on: the HDM decoders are not capable of interleaving on address bits "
          "11:8, they are on 14:12 (capability %#x)" % rl(HDM), not rl(HDM) & (1 << 8) and rl(HDM) & (1 << 9))
    # committed decoder 0 programmed again at 256 B: refused, so what it
    # mapped is not any more
    ctrl = decoder(0, COMMIT | 0x10 | 0)
    m = q()["direct-mapped"]
    ctrl2 = decoder(0, COMMIT | 0)
    step(20)
    check("committed decoder 0 committed again at 2 ways, 256 B: refused (ctrl %#x), its direct "
          "map dropped (mapped %s); committed again at 1 way: mapped (ctrl %#x)" % (ctrl, m, ctrl2),
          not ctrl & COMMITTED and ctrl & ERR and not m and ctrl2 & COMMITTED and q()["direct-mapped"])
    def poison(start=0, length=(256 << 20) // 64):
        """Get Poison List over [start, start + length lines), every part
        of it (More Media Error Records): (flags of the last part, parts,
        {(dpa, bytes)})"""
        recs, parts = set(), 0
        while True:
            rc, out = mbox(0x4300, start.to_bytes(8, "little") + length.to_bytes(8, "little"))
            if rc != 0 or len(out) < 32:
                return None, parts, recs
            parts += 1
            n = int.from_bytes(out[10:12], "little")
            for i in range(n):
                r = out[32 + 16 * i:48 + 16 * i]
                recs.add((int.from_bytes(r[:8], "little") & ~0x3f, int.from_bytes(r[8:12], "little") * 64))
            if not out[0] & 1 or parts > 20:
                return out[0], parts, recs
    # near capacity: two random pages fit, the third does not
    s = q()
    fill(s["physical-capacity"] - s["physical-used"] - 2 * 4096 - 10)
    A, B, C = 32 << 20, (32 << 20) + 4096, (32 << 20) + 8192
    for a in (A, B, C):
        qt("write %#x 4096 0x%s" % (FMW + a, os.urandom(4096).hex()))
    s = q()
    check("near capacity: the third random page is lost (lost %d, poisoned %d, strict %s, mapped %s)" %
          (s["lost-pages"], s["poisoned-pages"], s["strict"], s["direct-mapped"]),
          s["lost-pages"] == 1 and s["poisoned-pages"] == 1 and s["strict"] and not s["direct-mapped"])
    fl, _, recs = poison(C, 64)
    check("Get Poison List: the lost page whole (%s)" % sorted(recs), recs == {(C, 4096)})
    # strict: a store across a line that holds data and a poisoned line
    # writes the bytes of the first, drops those of the second
    # (room for what it writes: 1 MiB, still above critical)
    fill(-(1 << 20))
    rc, _ = mbox(0x4302, C.to_bytes(8, "little") + bytes(64))
    qt("writeq %#x 0x1122334455667788" % (FMW + C + 60))
    r = int(qt("readl %#x" % (FMW + C + 60)).split()[1], 16)
    fl, _, recs = poison(C, 64)
    check("strict, line 0 cleared (rc %#x): a store across lines 0 and 1 writes line 0's bytes "
          "(%#x), line 1 stays poisoned (strict %s, %s)" % (rc, r, q()["strict"], sorted(recs)),
          rc == 0 and r == 0x55667788 and q()["strict"] and recs == {(C + 64, 4096 - 64)})
    fill(-s["filled"]); step(100)
    # rewrite line 0 whole and 8 bytes of line 2: only line 0 holds data again
    line0 = os.urandom(64)
    qt("write %#x 64 0x%s" % (FMW + C, line0.hex()))
    qt("writeq %#x 0x1122334455667788" % (FMW + C + 128))
    s = q()
    fl, _, recs = poison(C, 64)
    check("a rewritten line loses its poison, a partly written one keeps it; the page stays lost "
          "(poisoned %d, %s)" % (s["poisoned-pages"], sorted(recs)),
          s["poisoned-pages"] == 1 and recs == {(C + 64, 4096 - 64)})
    r0 = bytes.fromhex(qt("read %#x 64" % (FMW + C)).split()[1][2:])
    r2 = int(qt("readq %#x" % (FMW + C + 128)).split()[1], 16)
    check("line 0 reads back as written, line 2 reads as poison (all ones: %#x)" % r2,
          r0 == line0 and r2 == 0xffffffffffffffff)
    # Clear Poison of line 2, Media Operations Zero of lines 3-63
    rc, _ = mbox(0x4302, (C + 128).to_bytes(8, "little") + os.urandom(64))
    fl, _, recs = poison(C, 64)
    check("Clear Poison of line 2: rc %#x, lines 1 and 3-63 left (%s)" % (rc, sorted(recs)),
          rc == 0 and recs == {(C + 64, 64), (C + 192, 4096 - 192)})
    rc, _ = mbox(0x4302, (C + 160).to_bytes(8, "little") + bytes(64))
    rc2, _ = mbox(0x4302, (C + 4096 - 32).to_bytes(8, "little") + bytes(64))
    fl, _, recs = poison(C, 64)
    check("Clear Poison of a DPA not 64-byte aligned, within a page and across one: "
          "Invalid Input (rc %#x %#x), the list unchanged (%s)" % (rc, rc2, sorted(recs)),
          rc == 0x2 and rc2 == 0x2 and recs == {(C + 64, 64), (C + 192, 4096 - 192)})
    rc, _ = mbox(0x4402, bytes([1, 1, 0, 0]) + (1).to_bytes(4, "little") + rng(C + 64, 64) )
    rc2, _ = mbox(0x4402, bytes([1, 1, 0, 0]) + (1).to_bytes(4, "little") + rng(C + 192, 4096 - 192))
    s = q()
    fl, _, recs = poison(C, 64)
    check("Media Operations Zero of the other lines: rc %#x %#x, no poison left, the page holds data "
          "(poisoned %d, lost %d, %s)" % (rc, rc2, s["poisoned-pages"], s["lost-pages"], sorted(recs)),
          rc == 0 and rc2 == 0 and not recs and s["poisoned-pages"] == 0 and s["lost-pages"] == 1)
    # Clear Poison that does not fit: refused, nothing lost, nothing written
    step(100)
    s = q()
    E = 40 << 20
    fill(s["physical-capacity"] - s["physical-used"] - 10)
    rc, _ = mbox(0x4302, E.to_bytes(8, "little") + os.urandom(64))
    s2 = q()
    e = bytes.fromhex(qt("read %#x 64" % (FMW + E)).split()[1][2:])
    check("Clear Poison with data that does not fit: refused (rc %#x), no page lost (lost %d), "
          "the line unchanged, usage within capacity" % (rc, s2["lost-pages"]),
          rc == 0x4 and s2["lost-pages"] == 1 and e == bytes(64) and
          s2["physical-used"] <= s2["physical-capacity"])
    # poison the host injected into a lost page's rewritten line is not
    # the device's: rewriting the rest of the page leaves it in the list
    F = 44 << 20
    qt("write %#x 4096 0x%s" % (FMW + F, os.urandom(4096).hex()))
    lost = q()["poisoned-pages"]
    fill(-q()["filled"]); step(100)
    qt("write %#x 64 0x%s" % (FMW + F, bytes(64).hex()))
    r = qmp("cxl-inject-poison", {"path": "/machine/peripheral/t3", "start": F, "length": 64})
    qt("write %#x %d 0x%s" % (FMW + F + 64, 4096 - 64, bytes(4096 - 64).hex()))
    s = q()
    fl, _, recs = poison(F, 64)
    rc, _ = mbox(0x4302, F.to_bytes(8, "little") + bytes(64))
    fl2, _, recs2 = poison(F, 64)
    check("lost page, line 0 rewritten, poison injected there (%s), the rest rewritten: the "
          "injected entry stays (%s, poisoned %d); Clear Poison (rc %#x) removes it (%s)" %
          ("error" in r and r["error"]["desc"] or "ok", sorted(recs), s["poisoned-pages"], rc, sorted(recs2)),
          lost == 1 and "return" in r and recs == {(F, 64)} and s["poisoned-pages"] == 0 and
          rc == 0 and not recs2)
    s = q()
    fill(s["physical-capacity"] - s["physical-used"] - 10)
    # more lost pages than the poison list holds (256)
    LOST = [(48 << 20) + 4096 * i for i in range(300)]
    for a in LOST:
        qt("writeq %#x %#x" % (FMW + a, int.from_bytes(os.urandom(8), "little") | 1))
    s = q()
    fl, parts, recs = poison()
    check("300 pages lost: Get Poison List returns the list's 256 entries in %d parts "
          "(More Media Error Records), overflow flagged (flags %s)" % (parts, fl),
          s["poisoned-pages"] == 300 and fl is not None and fl & 2 and parts >= 3 and
          len(recs) == 256 and all((a, 4096) in {(x, 4096) for x in LOST} for a, _ in recs))
    # Scan Media of the whole device while the list is overflowed: the
    # results hold all 300, the list keeps what it had and its overflow
    rc, _ = mbox(0x4304, (0).to_bytes(8, "little") + ((256 << 20) // 64).to_bytes(8, "little") + bytes([1]))
    step(3000)
    found, rcs = set(), []
    for _ in range(20):
        rc2, out = mbox(0x4305)
        rcs.append(rc2)
        if rc2 != 0 or len(out) < 32:
            break
        for i in range(int.from_bytes(out[18:20], "little")):
            r = out[32 + 16 * i:48 + 16 * i]
            found.add((int.from_bytes(r[:8], "little"), int.from_bytes(r[8:12], "little") * 64))
        if not out[16] & 1:
            break
    fl, parts, recs = poison()
    check("Scan Media (rc %#x, results rc %s): %d results, the lost pages; the poison list keeps "
          "its %d entries and its overflow (flags %s)" % (rc, sorted(set(rcs)), len(found), len(recs), fl),
          rc == 0x1 and found == {(a, 4096) for a in LOST} and len(recs) == 256 and
          all((a, l) in found for a, l in recs) and fl is not None and fl & 2)
    # the guest never collects its memory errors: every bank stays busy
    # (a retry runs on the vCPU thread: one per clock_step at most)
    n = len(trace("cxl_comp_mce_retry"))
    for _ in range(100):
        step(100)
        rl(FMW)
    r = len(trace("cxl_comp_mce_retry")) - n
    check("memory errors the guest does not take: %d retries in 10 s (virtual), backing off to 1 s" % r,
          len(trace("cxl_comp_mce_deliver")) > 0 and 0 < r <= 30)
    fill(-s["filled"]); step(100)
    # while Scan Media runs the device does not edit the list (as Inject
    # and Clear Poison do not); when it completes, the list is rebuilt
    rc, _ = mbox(0x4304, (0).to_bytes(8, "little") + ((256 << 20) // 64).to_bytes(8, "little") + bytes([1]))
    qt("write %#x 4096 0x%s" % (FMW + LOST[1], bytes(4096).hex()))
    during = poison(LOST[1], 64)[2]
    step(3000)
    fl, parts, recs = poison()
    check("Scan Media running (rc %#x): LOST[1] rewritten, its entry stays (%s); after it the "
          "list is rebuilt without it (%d entries, flags %s)" % (rc, sorted(during), len(recs), fl),
          rc == 0x1 and during == {(LOST[1], 4096)} and len(recs) == 256 and
          recs == {(a, 4096) for a in LOST[:1] + LOST[2:257]} and fl is not None and fl & 2)
    # the list changes between two parts of a Get Poison List: the next
    # part resumes above the last DPA returned, nothing repeated or skipped
    def part():
        rc, out = mbox(0x4300, (0).to_bytes(8, "little") + ((256 << 20) // 64).to_bytes(8, "little"))
        n = int.from_bytes(out[10:12], "little")
        return out[0], [int.from_bytes(out[32 + 16 * i:40 + 16 * i], "little") & ~0x3f for i in range(n)]
    fl, got = part()
    qt("write %#x 4096 0x%s" % (FMW + LOST[0], bytes(4096).hex()))
    parts = 1
    while fl & 1 and parts < 10:
        fl, more = part()
        got += more; parts += 1
    fresh = {a for a, _ in poison()[2]}
    check("Get Poison List in %d parts, LOST[0] rewritten after the first (one moved in from the "
          "overflow): %d records, %d distinct, all of the list now (%d) and the rewritten one" %
          (parts, len(got), len(set(got)), len(fresh)),
          len(got) == len(set(got)) and set(got) - {LOST[0]} == fresh and LOST[0] in got and
          got == sorted(got))
    for a in LOST[:100]:
        qt("write %#x 4096 0x%s" % (FMW + a, bytes(4096).hex()))
    s = q()
    fl, parts, recs = poison()
    check("100 of them rewritten: the list shows the 200 still poisoned, moved in from the "
          "overflow (poisoned %d, %d records)" % (s["poisoned-pages"], len(recs)),
          s["poisoned-pages"] == 200 and recs == {(a, 4096) for a in LOST[100:]})
    for a in LOST[100:]:
        qt("write %#x 4096 0x%s" % (FMW + a, bytes(4096).hex()))
    step(100)
    s = q()
    check("all rewritten: nothing poisoned, mapped directly again (poisoned %d, mapped %s)" %
          (s["poisoned-pages"], s["direct-mapped"]),
          s["poisoned-pages"] == 0 and s["direct-mapped"] and not poison()[2])
    # decoder 0 interleaved (2 ways, 4 KiB): DPA P is at HPA offset 2 * P.
    # The error for a write lost there goes to the HPA the guest wrote
    # (the device cannot compute it from the DPA: it does not know its way)
    qt("writel %#x 0" % (HDM + 0x10 + 0x10))
    ctrl = decoder(0, COMMIT | 0x10 | 4)
    step(20)
    P = 60 << 20
    s = q()
    fill(s["physical-capacity"] - s["physical-used"] - 10)
    n = len(trace("cxl_comp_mce_drop")), len(trace("cxl_comp_mce_deliver")) + len(trace("cxl_comp_mce_retry"))
    qt("write %#x 4096 0x%s" % (FMW + 2 * P, os.urandom(4096).hex()))
    r = int(qt("readq %#x" % (FMW + 2 * P)).split()[1], 16)
    for _ in range(30):
        step(100)
    mine = lambda ls: [l for l in ls if "dpa %#x" % P in l]
    drops = mine(trace("cxl_comp_mce_drop")[n[0]:])
    sent = mine((trace("cxl_comp_mce_deliver") + trace("cxl_comp_mce_retry"))[n[1]:])
    check("2-way decoder (ctrl %#x): a page lost there reads as poison (%#x), its memory error is "
          "delivered at the HPA written, not dropped (%d dropped, %d delivered or retried)" %
          (ctrl, r, len(drops), len(sent)),
          ctrl & COMMITTED and r == 0xffffffffffffffff and not drops and sent and
          all("hpa %#x" % (FMW + 2 * P) in l for l in sent if l.startswith("cxl_comp_mce_deliver")))
    fill(-q()["filled"]); step(100)
    qt("write %#x 4096 0x%s" % (FMW + 2 * P, bytes(4096).hex()))
    qt("writel %#x 0" % (HDM + 0x10 + 0x10))
    ctrl = decoder(0, COMMIT | 0)
    step(100)
    check("rewritten, decoder 0 back to 1 way: mapped directly again (ctrl %#x, poisoned %d)" %
          (ctrl, q()["poisoned-pages"]), q()["direct-mapped"] and q()["poisoned-pages"] == 0)
    # not strict (critical at 100%), 256 KiB left: pages written through
    # the direct map faster than accounted are lost when the sync timer
    # accounts them. vCPUs must not read their zeroes through the map: it
    # goes before the first of them is zeroed.
    rc, _ = mbox(0xc001, bytes([70, 85, 100, 0]))
    s = q()
    fill(s["physical-capacity"] - s["physical-used"] - (256 << 10))
    s = q()
    with open(D + "/trace.log") as f:
        n = len(f.readlines())
    for i in range(256):
        qt("write %#x 4096 0x%s" % (FMW + (80 << 20) + 4096 * i, os.urandom(4096).hex()))
    step(100)
    with open(D + "/trace.log") as f:
        ev = [l.split(":")[0] for l in f.readlines()[n:]
              if l.startswith("cxl_comp_lost_write ") or l.startswith("cxl_comp_direct_map ")]
    s2 = q()
    check("lazy loss (rc %#x, strict %s, mapped %s before): %d pages lost, the map dropped before "
          "the first is zeroed (%s)" % (rc, s["strict"], s["direct-mapped"],
                                        s2["lost-pages"] - s["lost-pages"], ev[:2]),
          rc == 0 and not s["strict"] and s["direct-mapped"] and not s2["direct-mapped"] and
          s2["lost-pages"] > s["lost-pages"] and len(ev) > 1 and
          ev[0] == "cxl_comp_direct_map direct map 0" and ev[1].startswith("cxl_comp_lost_write"))
    # a Get Poison List in parts, then a reset: the next one starts again
    fl, got = part()
    qmp("system_reset")
    rl(FMW)
    S.mbox_setup()
    fl2, again = part()
    check("Get Poison List, first part (more %d, %d records), device reset: the next request "
          "starts at the first record again (%s, %s)" %
          (fl & 1, len(got), hex(got[0]) if got else None, hex(again[0]) if again else None),
          fl & 1 and got and again and again[0] == got[0] and fl2 & 1)
    # the reset dropped the queued memory errors (backed off to 1 s by
    # now: every bank stayed busy): a new one is retried after 1 ms again
    n = len(trace("cxl_comp_mce_retry"))
    was = trace("cxl_comp_mce_retry")[-1:]
    cfg(13, 0, 0x10, 0xe0200004); cfg(13, 0, 0x14, 0)
    ctrl = decoder(0, COMMIT | 0)
    s = q()
    fill(s["physical-capacity"] - s["physical-used"] - 10)
    for a in ((100 << 20), (100 << 20) + 4096):
        qt("write %#x 4096 0x%s" % (FMW + a, os.urandom(4096).hex()))
    step(1)
    rl(FMW)
    new = trace("cxl_comp_mce_retry")[n:]
    check("after the reset (last retry before: %s) the first retry of a new error is in 1 ms (%s)" %
          ([l.split(": ")[-1].strip() for l in was], [l.split(": ")[-1].strip() for l in new[:1]]),
          ctrl & COMMITTED and was and "in 1000 ms" in was[0] and new and new[0].endswith(" in 1 ms\n"))
p.terminate(); p.wait()
for n in ("mem", "q.sock", "t.sock", "trace.log"):
    if os.path.exists(D + "/" + n):
        os.unlink(D + "/" + n)

if MODE == "on":
    # Pages a stats read held are accounted before anything written after
    # them: a burst through the direct map that overflows the media loses
    # its own pages, never the held ones (a fresh device; watermarks
    # 96/98/99 so the room is small)
    S2 = Session(D, QEMU, "memory-backend-ram,id=m,share=on,size=256M",
                 "cxl-type3,bus=root_port13,volatile-memdev=m,id=t3,compressed=on,physical-size=128M")
    qt, qmp, mbox = S2.qt, S2.qmp, S2.mbox
    S2.mbox_setup()
    FMW = S2.component_setup()
    S2.decoder(0, 1 << 9, FMW, 256 << 20)
    q = lambda: qmp("cxl-compressed-query", {"path": "/machine/peripheral/t3"})["return"]
    rc, _ = mbox(0xc001, bytes([96, 98, 99, 0]))
    low = (128 << 20) // 100 * 96
    qmp("cxl-compressed-fill", {"path": "/machine/peripheral/t3", "bytes": low - (6 << 20)})
    half = (os.urandom(2048) + bytes(2048)).hex()
    for i in range(1024):   # T: 1024 pages at 200 MiB
        qt("write %#x 4096 0x%s" % (FMW + (200 << 20) + i * 4096, half))
    rc2, out = mbox(0xc000)
    held = int.from_bytes(out[0x28:0x30], "little") if len(out) >= 48 else 0
    rand = os.urandom(4096).hex()
    for i in range(4096):   # then 16 MiB of random pages below them
        qt("write %#x 4096 0x%s" % (FMW + i * 4096, rand))
    s = q()                 # a full pass: T first, then the burst
    # T read back (the MMIO path: the losses took the direct map down; a
    # lost page reads as poison, all ones)
    bad = sum(qt("read %#x 4096" % (FMW + (200 << 20) + i * 4096)).split()[1][2:] != half
              for i in range(1024))
    check("pages a read held (%d of 1024) are accounted before a burst written after them: the "
          "overflow loses %d pages, the burst's own; the held ones read back intact (%d wrong)"
          % (held, s["lost-pages"], bad),
          rc == 0 and rc2 == 0 and held > 0 and s["lost-pages"] > 0 and bad == 0)
    S2.p.terminate(); S2.p.wait()
    for n in ("q.sock", "t.sock"):
        if os.path.exists(D + "/" + n):
            os.unlink(D + "/" + n)
os.rmdir(D)
sys.exit(1 if fails else 0)
