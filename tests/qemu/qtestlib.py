"""The plumbing of the host-side checks of the compressed CXL device
(mailbox.py, stats-cost.py): QEMU's command line for a q35 machine with
one CXL host bridge, root port and type 3 device under -accel qtest, and
a session that speaks qtest and QMP to it."""
import atexit, json, re, socket, subprocess, sys, time


def machine(qemu, qtest, memdev, device):
    """QEMU's command line: a q35 machine under qtest (QTEST: the -qtest
    chardev) with one CXL host bridge, root port and type 3 DEVICE over
    MEMDEV"""
    return [qemu, "-L", "/usr/share/qemu", "-L", "/usr/share/seabios", "-nodefaults", "-display", "none",
            "-machine", "q35,cxl=on", "-accel", "qtest", "-qtest", qtest, "-m", "512M",
            "-object", memdev,
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2",
            "-device", device, "-machine", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"]


class Session:
    """QEMU started with machine(...) + EXTRA in directory D: qtest on
    D/t.sock, QMP on D/q.sock. A QEMU that does not start or hangs ends
    the run with an error, never blocks it."""

    def __init__(self, d, qemu, memdev, device, extra=(), **popen):
        ts = socket.socket(socket.AF_UNIX)
        ts.bind(d + "/t.sock")
        ts.listen(1)
        # QEMU under qtest does not exit when the socket closes: never
        # leave it running (an exception in the caller included), and
        # never let it hold the caller's stdout
        popen.setdefault("stdout", subprocess.DEVNULL)
        self.p = subprocess.Popen(machine(qemu, "unix:" + d + "/t.sock", memdev, device) +
                                  ["-qmp", "unix:%s/q.sock,server=on,wait=off" % d] + list(extra), **popen)
        atexit.register(self.kill)
        ts.settimeout(1)
        c = None
        for _ in range(30):
            try:
                c, _ = ts.accept()
                break
            except socket.timeout:
                if self.p.poll() is not None:
                    break
        if c is None:
            self.p.kill()
            sys.exit("QEMU did not connect to the qtest socket (exit status %s)" % self.p.poll())
        c.settimeout(30)
        self.tf = c.makefile("rw")
        for _ in range(50):
            try:
                qs = socket.socket(socket.AF_UNIX)
                qs.connect(d + "/q.sock")
                break
            except OSError:
                time.sleep(0.1)
        qs.settimeout(30)
        self.qf = qs.makefile("rw")
        self.qf.readline()
        self.qmp("qmp_capabilities")

    def kill(self):
        """end QEMU if it still runs"""
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    def qt(self, cmd):
        """one qtest command; its OK/FAIL/ERR line"""
        self.tf.write(cmd + "\n")
        self.tf.flush()
        while True:
            l = self.tf.readline().strip()
            if l.startswith(("OK", "FAIL", "ERR")):
                return l

    def cfg(self, b, d, reg, val=None):
        """read (VAL None) or write a PCI config dword of bus B, device D"""
        self.qt("outl 0xcf8 %#x" % (0x80000000 | b << 16 | d << 11 | (reg & 0xfc)))
        if val is None:
            return int(self.qt("inl 0xcfc").split()[1], 16)
        self.qt("outl 0xcfc %#x" % val)

    def mbox_setup(self):
        """the root port's window at 0xe0000000, the type 3 device's BAR2
        (its mailbox) there; returns the mailbox's address"""
        self.cfg(12, 0, 0x18, 12 | 13 << 8 | 13 << 16)
        self.cfg(12, 0, 0x20, (0xe000) | (0xe030 << 16))
        self.cfg(12, 0, 0x04, 0x6)
        assert self.cfg(13, 0, 0) & 0xffff == 0x8086, hex(self.cfg(13, 0, 0))
        self.cfg(13, 0, 0x18, 0xe0000004)
        self.cfg(13, 0, 0x1c, 0)
        self.cfg(13, 0, 0x04, 0x6)
        self.mb = 0xe0000000 + 0x88
        assert int(self.qt("readl %#x" % self.mb).split()[1], 16) & 0x1f == 11, "no mailbox at BAR2+0x88"
        return self.mb

    def mbox(self, op, payload=b""):
        """one command on the primary mailbox (mbox_setup() first): its
        return code and output payload"""
        mb = self.mb
        if payload:
            self.qt("write %#x %d 0x%s" % (mb + 0x20, len(payload), payload.hex()))
        self.qt("writeq %#x %#x" % (mb + 8, (op & 0xffff) | len(payload) << 16))
        self.qt("writel %#x 1" % (mb + 4))
        sts = int(self.qt("readq %#x" % (mb + 0x10)).split()[1], 16)
        cmd = int(self.qt("readq %#x" % (mb + 8)).split()[1], 16)
        n = (cmd >> 16) & 0xfffff
        out = bytes.fromhex(self.qt("read %#x %d" % (mb + 0x20, n)).split()[1][2:]) if n else b""
        return (sts >> 32) & 0xffff, out

    # the type 3 device's HDM decoder capability, in its component registers
    # (BAR0 at 0xe0200000, component_setup())
    HDM = 0xe0201000 + 0x128

    def component_setup(self):
        """the type 3 device's BAR0 (its component registers) at
        0xe0200000, in the root port's window (mbox_setup() first); returns
        the base of the CXL fixed memory window (QMP info mtree)"""
        self.cfg(13, 0, 0x10, 0xe0200004)
        self.cfg(13, 0, 0x14, 0)
        self.cfg(13, 0, 0x04, 0x6)
        m = re.search(r"([0-9a-f]+)-[0-9a-f]+ \(prio 0, i/o\): cxl-fixed-memory-region",
                      self.qmp("human-monitor-command", {"command-line": "info mtree"})["return"])
        if not m:
            sys.exit("no cxl-fixed-memory-region in QEMU's info mtree")
        return int(m.group(1), 16)

    def decoder(self, n, ctrl, base, size):
        """program HDM decoder N over [BASE, BASE + SIZE) with no target,
        then write CTRL to its control register; returns what it reads back"""
        d = self.HDM + 0x10 + 0x20 * n
        self.qt("writel %#x 2" % (self.HDM + 4))
        for off, v in ((0, base & 0xffffffff), (4, base >> 32), (8, size & 0xffffffff),
                       (0xc, size >> 32), (0x14, 0), (0x18, 0)):
            self.qt("writel %#x %#x" % (d + off, v))
        self.qt("writel %#x %#x" % (d + 0x10, ctrl))
        return int(self.qt("readl %#x" % (d + 0x10)).split()[1], 16)

    def qmp(self, cmd, args=None):
        """one QMP command; its return or error object"""
        self.qf.write(json.dumps({"execute": cmd, "arguments": args or {}}) + "\n")
        self.qf.flush()
        while True:
            r = json.loads(self.qf.readline())
            if "return" in r or "error" in r:
                return r
