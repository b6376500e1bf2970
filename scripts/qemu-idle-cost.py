#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What an idle guest's compressed CXL device costs the host: boots the CXL
guest with the suite bench-qemu-idle (30 s idle without the device's memory
mapped, then 30 s with a region committed: direct map and dirty-log sync
running) and reads QEMU's CPU time (/proc/PID/stat) at each phase line.
Prints each phase's share of a host core and the difference, for the
whole process and for its main thread alone (the main loop, where the
device's sync timer runs; the vCPU threads run the guest). Needs the
guest artifacts (make guest-artifacts); QEMU=... picks the binary.
Usage: qemu-idle-cost.py [RUNS]"""
import os, subprocess, sys, time

C = os.environ.get("PRIVNODE_CACHE", os.path.expanduser("~/.cache/privnode"))
HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
TCK = os.sysconf("SC_CLK_TCK")
PHASES = ("unmapped", "end-unmapped", "mapped", "end-mapped")


def qemu_pid(out):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % d, "rb").read().split(b"\0")
        except OSError:
            continue
        if cmd[0].endswith(b"qemu-system-x86_64") and any(out.encode() in c for c in cmd):
            return int(d)
    return None


def cpu_s(pid, tid=None):
    """utime + stime of process PID, or of its thread TID, in seconds"""
    path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%d/stat" % (pid, tid)
    f = open(path).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TCK


def run(k):
    out = "%s/runs/qemu-idle-%d" % (C, k)
    env = dict(os.environ, PRIVNODE_CACHE=C, KERNEL=C + "/build/linux-test/arch/x86/boot/bzImage",
               INITRD=C + "/build/initramfs.cpio.gz",
               QEMU=os.environ.get("QEMU", C + "/build/qemu/qemu-system-x86_64"))
    p = subprocess.Popen([HERE + "/run-guest.sh", "check", out, "bench-qemu-idle"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, pid = {}, None
    while p.poll() is None:
        pid = pid or qemu_pid(out)
        try:
            log = open(out + "/tap.log", errors="replace").read()
        except OSError:
            log = ""
        for ph in PHASES:
            if ph not in seen and pid and ("# phase %s " % ph) in log:
                seen[ph] = (time.monotonic(), cpu_s(pid), cpu_s(pid, pid))
        time.sleep(0.2)
    if p.returncode or len(seen) != len(PHASES) or "not ok" in open(out + "/tap.log", errors="replace").read():
        sys.exit("run %d: the guest failed or a phase was not seen (%s); see %s" % (k, sorted(seen), out))
    share, main = {}, {}
    for a, b in (("unmapped", "end-unmapped"), ("mapped", "end-mapped")):
        (t0, c0, m0), (t1, c1, m1) = seen[a], seen[b]
        share[a] = 100 * (c1 - c0) / (t1 - t0)
        main[a] = 100 * (m1 - m0) / (t1 - t0)
    print("run %d: idle, not mapped %.1f%% of a host core (main loop %.2f%%); mapped %.1f%% "
          "(main loop %.2f%%); the mapped device +%.1f%% (main loop %+.2f%%)"
          % (k, share["unmapped"], main["unmapped"], share["mapped"], main["mapped"],
             share["mapped"] - share["unmapped"], main["mapped"] - main["unmapped"]))
    return share["mapped"] - share["unmapped"], main["mapped"] - main["unmapped"]


r = [run(k) for k in range(1, RUNS + 1)]
for i, what in ((0, "QEMU"), (1, "its main loop")):
    d = sorted(x[i] for x in r)
    print("the mapped compressed device, idle, %s: %+.2f%% of a host core (median of %d; range %+.2f to %+.2f)"
          % (what, d[len(d) // 2], RUNS, d[0], d[-1]))
