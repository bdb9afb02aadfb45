#!/usr/bin/env python3
"""The daemon speaks the Type=notify protocol: READY=1 once /health answers, STOPPING=1 at SIGTERM,
and WATCHDOG=1 pings only when the service manager asks for them (WATCHDOG_USEC).

Plays systemd's part: a unix datagram socket in a temp dir is passed as NOTIFY_SOCKET, the daemon
starts on a free loopback port with a temp database, and every wait is for an event (a datagram,
an exit) with a bounded deadline. Usage: notify_test.py /path/to/actorshop
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

DEADLINE_S = 60  # generous: a loaded CI machine; the test never asserts a duration


def fail(rule, proc=None):
    print("FAIL: " + rule, file=sys.stderr)
    if proc and proc.poll() is None:
        proc.kill()
    sys.exit(1)


def receive(sock, proc):
    """Returns the next datagram as a dict of KEY=VALUE lines, or fails at the deadline."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        sock.settimeout(max(0.1, min(1.0, end - time.monotonic())))
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            if proc.poll() is not None:
                fail(f"the daemon exited ({proc.returncode}) before notifying", proc)
            continue
        return dict(line.split("=", 1) for line in data.splitlines() if "=" in line)
    fail("no notification within the deadline", proc)


def health(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def run(daemon, watchdog_usec=None):
    """Starts the daemon with a notify socket (and WATCHDOG_USEC if given) and stops it."""
    with tempfile.TemporaryDirectory(prefix="actorshop-notify-") as tmp:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(os.path.join(tmp, "notify"))
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"))
        env.pop("WATCHDOG_USEC", None)
        env.pop("WATCHDOG_PID", None)
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        proc = subprocess.Popen(
            [daemon, "--listen", "127.0.0.1", "--port", "0", "--db", os.path.join(tmp, "shop.db")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

        ready = receive(sock, proc)
        if ready.get("READY") != "1":
            fail(f"the first notification is READY=1, got {ready}", proc)
        # READY=1 comes after the start line: the port is known and /health answers at once.
        start_line = proc.stdout.readline()
        port = int(start_line.split("http://127.0.0.1:")[1].split()[0])
        if ready.get("STATUS") != f"serving on port {port}":
            fail(f"READY=1 names the listening port {port}, got {ready}", proc)
        if health(port) != 200:
            fail("/health answers 200 when READY=1 has arrived", proc)
        if watchdog_usec and receive(sock, proc).get("WATCHDOG") != "1":
            fail("with WATCHDOG_USEC set, the daemon pings WATCHDOG=1 after READY=1", proc)

        proc.send_signal(signal.SIGTERM)
        stopping = receive(sock, proc)
        while watchdog_usec and stopping.get("WATCHDOG") == "1":
            stopping = receive(sock, proc)  # pings sent before the signal
        if stopping.get("STOPPING") != "1":
            # Without WATCHDOG_USEC this also says: no WATCHDOG=1 unless asked for.
            fail(f"SIGTERM sends STOPPING=1 (and nothing else before it), got {stopping}", proc)
        try:
            code = proc.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            fail("the daemon exits after STOPPING=1", proc)
        if code != 0:
            fail(f"the drained daemon exits 0, got {code}")


def main():
    daemon = sys.argv[1]
    run(daemon)
    print("ok: READY=1 once /health answers, STOPPING=1 at SIGTERM, exit 0")
    run(daemon, watchdog_usec=200_000)
    print("ok: with WATCHDOG_USEC, WATCHDOG=1 pings between READY=1 and STOPPING=1")


if __name__ == "__main__":
    main()
