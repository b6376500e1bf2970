#!/usr/bin/env python3
"""hostctl: run QMP commands for guest suites.

run-guest.sh (check mode) gives the guest a third serial port (ttyS2) on a
unix socket and starts this relay on it and on QEMU's QMP socket. A guest
suite writes one QMP command per line (JSON: {"execute": ..., "arguments":
...}); the relay sends it to QMP and writes the reply (the "return" or
"error" object, events skipped) back as one line. Lines that are not JSON
get an error reply. Every exchange is logged to stderr.

Only the commands in ALLOWED are forwarded: the guest must not reach QMP
commands that act on the host (human-monitor-command, migrate "exec:...",
device_add, quit, ...). Anything else is refused with a HostctlRefused
error that names the command, and QEMU never sees it.

    hostctl.py CTL_SOCKET QMP_SOCKET
"""
import json
import socket
import sys
import time

# The compressed device's commands and the queries the guest suites use.
ALLOWED = frozenset({
    "cxl-compressed-query",
    "cxl-compressed-force-ratio",
    "cxl-compressed-fill",
    "cxl-compressed-reset-max",
    "cxl-compressed-inject-event",
    "query-status",
})
# Keys a forwarded request may carry ("exec-oob" and anything new are not).
ALLOWED_KEYS = frozenset({"execute", "arguments"})


class Refused(Exception):
    """A well-formed request the relay will not forward."""


def check_request(req):
    """Raise ValueError for a malformed request, Refused for a forbidden one."""
    if not isinstance(req, dict) or "execute" not in req:
        raise ValueError("not a QMP command object")
    extra = set(req) - ALLOWED_KEYS
    if extra:
        raise Refused(f"key(s) {sorted(extra)} not forwarded")
    cmd = req["execute"]
    if not isinstance(cmd, str) or cmd not in ALLOWED:
        raise Refused(f"command {cmd!r} is not forwarded to QMP "
                      f"(allowed: {', '.join(sorted(ALLOWED))})")
    if "arguments" in req and not isinstance(req["arguments"], dict):
        raise ValueError("arguments must be an object")


def connect(path, timeout=60.0):
    """Connect to a unix socket, waiting for QEMU to create it."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Qmp:
    def __init__(self, path):
        self.f = connect(path).makefile("rw", encoding="utf-8", newline="\n")
        self.read()  # greeting
        reply = self.command({"execute": "qmp_capabilities"})
        if "error" in reply:
            raise RuntimeError(f"qmp_capabilities: {reply}")

    def read(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP socket closed")
        return json.loads(line)

    def command(self, req):
        self.f.write(json.dumps(req) + "\n")
        self.f.flush()
        while True:
            reply = self.read()
            if "return" in reply or "error" in reply:
                return reply


def main():
    if len(sys.argv) != 3:
        print("usage: hostctl.py CTL_SOCKET QMP_SOCKET", file=sys.stderr)
        return 2
    ctl = connect(sys.argv[1]).makefile("rw", encoding="utf-8", newline="\n")
    qmp = Qmp(sys.argv[2])
    print("hostctl: connected", file=sys.stderr, flush=True)
    for line in ctl:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            check_request(req)
            reply = qmp.command(req)
        except Refused as e:
            reply = {"error": {"class": "HostctlRefused", "desc": str(e)}}
        except ValueError as e:
            reply = {"error": {"class": "HostctlError", "desc": f"{e}: {line!r}"}}
        print(f"hostctl: {line} -> {json.dumps(reply)}", file=sys.stderr, flush=True)
        ctl.write(json.dumps(reply, separators=(",", ":")) + "\n")
        ctl.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (EOFError, OSError) as e:
        print(f"hostctl: {e}", file=sys.stderr)
        sys.exit(0)
